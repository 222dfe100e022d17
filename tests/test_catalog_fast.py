"""Catalog reads at C speed: the packaged files proven here once (run time skips their checks),
and the fast read of a user's file never laxer than the strict one nor different from it."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sizing_xl.catalog.checks import numeric_fields
from sizing_xl.catalog.fast_load import entries_fast
from sizing_xl.catalog.loading import CATALOG_FILES, _builtin_entries, builtin_catalogs
from sizing_xl.catalog.schemas import _SCHEMAS, ModelSpec, parse_entries
from sizing_xl.catalog.strict_json import JsonFault, parse_json_bytes
from sizing_xl.errors import CatalogError
from sizing_xl.records import field_names

BASE_MODEL = {
    "source": "test",
    "num_layers": 80,
    "num_attention_heads": 64,
    "num_key_value_heads": 8,
    "head_dim": 128,
    "max_context": 131072,
    "params_total_b": 70,
}
FUZZ = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)


def strict(kind: str, data: bytes) -> dict | None:
    """The strict read's entries, or None where it refuses the file."""
    try:
        return parse_entries(kind, parse_json_bytes(data), "x.json")
    except (JsonFault, CatalogError):
        return None


def assert_same(got: dict, expected: dict) -> None:
    """The same entries: names, order, classes, values and their types."""
    assert list(got) == list(expected)
    for name, entry in expected.items():
        other = got[name]
        assert type(other) is type(entry)
        assert other == entry
        assert repr(other) == repr(entry)
        names = field_names(type(entry))
        assert [type(getattr(other, f)) for f in names] == [type(getattr(entry, f)) for f in names]


def assert_agrees(kind: str, data: bytes) -> dict | None:
    """The fast read gives the strict read's entries, or gives way to it; never accepts more."""
    fast, slow = entries_fast(kind, data), strict(kind, data)
    if fast is not None:
        assert slow is not None, "the fast read accepted a file the strict read refuses"
        assert_same(fast, slow)
    return fast


@pytest.mark.parametrize("kind", sorted(CATALOG_FILES))
def test_packaged_catalogs_pass_every_check_and_load_the_same_without_them(kind):
    """The build-time proof that lets a start-up read the packaged files with json.loads and
    the schemas alone."""
    resource = builtin_catalogs().joinpath(CATALOG_FILES[kind])
    checked = strict(kind, resource.read_bytes())
    assert checked, f"{CATALOG_FILES[kind]} fails the strict read"
    assert_same(_builtin_entries(kind, resource), checked)
    if kind != "finance":  # read strictly in a user's directory
        assert_same(entries_fast(kind, resource.read_bytes()), checked)


def test_a_large_user_catalog_takes_the_fast_read():
    models = json.loads(builtin_catalogs().joinpath("models.json").read_bytes())
    many = {f"{name}-{i}": body for i in range(20) for name, body in models.items()}
    assert assert_agrees("models", json.dumps(many, indent=2).encode()) is not None


def model(fragment: str, name: str = "m") -> bytes:
    """A models.json whose entry ends with a raw JSON fragment."""
    body = json.dumps({name: BASE_MODEL})
    return (body[:-2] + ", " + fragment + "}}").encode()


@pytest.mark.parametrize(
    "data",
    [
        model('"head_dim": 128'),  # a key twice in an entry
        model('"head_dim" : 128'),  # the same, a space before its colon
        model('"name": "other"'),  # a field the entry's name replaces
        json.dumps({"m": BASE_MODEL}).encode()[:-1] + b', "m": {}}',  # a name twice
        json.dumps({"m": BASE_MODEL, "M ": BASE_MODEL}).encode(),  # the same once normalised
        model('"notes": "a\\u202eb"'),  # a bidirectional control, escaped
        model('"notes": "a\u202eb"'),  # and raw
        model('"notes": "a\u0085b"'),  # a C1 control
        model('"notes": "a\x7fb"'),  # DEL
        model('"notes": "a\ufdd0b"'),  # a non-character
        model('"notes": "a\\nb"'),  # a control, escaped
        model('"notes": "\\ud800"'),  # a lone surrogate
        model('"notes": "' + "x" * 2001 + '"'),
        model('"max_context": Infinity'),
        model('"params_active_b": NaN'),
        model('"params_active_b": 1e400'),
        model('"vocab_size": ' + "9" * 19),
        model('"vocab_size": ' + "9" * 5000),
        model('"vocab_size": 100000001'),  # past its bound
        model('"vocab_size": true'),
        model('"vocab_size": "80"'),
        model('"vocab_size": 80.0'),  # accepted, by the strict read
        model('"verified": 1'),  # accepted, by the strict read
        model('"notes": {"a": 1}'),
        model('"num_layer": 80'),
        model('"num_sliding_layers": 90'),
        json.dumps({"x" * 201: BASE_MODEL}).encode(),
        json.dumps({" ": BASE_MODEL}).encode(),
        json.dumps([BASE_MODEL]).encode(),
        json.dumps({"m": [1]}).encode(),
        b"[" * 100_000,
        b"\xef\xbb\xbf" + json.dumps({"m": BASE_MODEL}).encode(),  # a BOM: fast and accepted
    ],
)
def test_the_fast_read_gives_way_wherever_a_check_may_fail(data):
    fast = assert_agrees("models", data)
    assert (fast is not None) == data.startswith(b"\xef\xbb\xbf")


def test_api_prices_keep_their_lists_as_normalised_tuples():
    api = builtin_catalogs().joinpath("api.json").read_bytes()
    entries = assert_agrees("api", api)
    assert entries and all(type(e.models) is tuple for e in entries.values())


ODD_VALUES = (
    st.integers(-(10**30), 10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.booleans()
    | st.text(max_size=30)
    | st.none()
    | st.lists(st.integers() | st.text(max_size=3), max_size=2)
    | st.dictionaries(st.text(max_size=3), st.integers(), max_size=2)
)


@FUZZ
@given(
    st.sampled_from(sorted(set(BASE_MODEL) | set(field_names(ModelSpec)) | {"typo"})), ODD_VALUES
)
def test_fuzzed_values_read_fast_as_strictly(field, value):
    assert_agrees("models", json.dumps({"m": {**BASE_MODEL, field: value}}).encode())


@FUZZ
@given(st.sampled_from(sorted(set(_SCHEMAS) - {"finance"})), st.data())
def test_fuzzed_numbers_of_every_kind_read_fast_as_strictly(kind, data):
    schema = _SCHEMAS[kind]
    base = next(iter(json.loads(builtin_catalogs().joinpath(CATALOG_FILES[kind]).read_bytes())))
    body = json.loads(builtin_catalogs().joinpath(CATALOG_FILES[kind]).read_bytes())[base]
    field = data.draw(st.sampled_from(sorted(numeric_fields(schema))))
    value = data.draw(ODD_VALUES)
    assert_agrees(kind, json.dumps({base: {**body, field: value}}).encode())


VALID = json.dumps({"m": BASE_MODEL, "n": {**BASE_MODEL, "notes": "é ✓"}}, indent=1).encode()


@FUZZ
@given(st.data())
def test_fuzzed_bytes_read_fast_as_strictly(data):
    start = data.draw(st.integers(0, len(VALID)))
    end = data.draw(st.integers(start, min(len(VALID), start + 12)))
    junk = data.draw(
        st.binary(max_size=12)
        | st.sampled_from([b"\x00", b"\xff", b"NaN", b"1e999", b'"m": {}, ', b" :", b"\\u0000"])
    )
    assert_agrees("models", VALID[:start] + junk + VALID[end:])
