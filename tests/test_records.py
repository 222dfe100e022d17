"""Records built in plain Python agree with pydantic's validation (records.py): the plain path
only ever accepts what pydantic accepts, and builds the same record; pydantic names the rest."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sizing_xl.catalog import ApiPrice, CloudOffer, ModelSpec, ServerSpec
from sizing_xl.errors import InputError
from sizing_xl.records import (
    RecordError,
    build,
    evolve,
    field_names,
    plain_values,
    record_key,
    validate,
)
from sizing_xl.request import DEFAULT_POLICIES, ScenarioPolicy, SizingRequest, make_request

VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-3, max_value=3),
    st.sampled_from([0, 1, 2, 8, 64, 1024, 131072, 10**9, 10**12, 2**63]),
    st.sampled_from([0.0, 0.001, 0.5, 0.7, 1.0, 1.5, 10.0, 1e12, -0.1, math.inf, math.nan]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(
        [
            "",
            " ",
            "fp8",
            " FP8 ",
            "bf16",
            "seed",
            "VLLM",
            "usd",
            "BRL",
            "2026-01",
            "2026-13",
            "2026\n",
            "none",
            "n+1",
            "opt-oss-120b",
            "3",
            "1.5",
            "nvswitch",
        ]
    ),
    st.lists(st.sampled_from(["a", "B"]), max_size=2),
    st.just({"minimum": DEFAULT_POLICIES["minimum"]}),
    st.just({"minimum": {"ha_mode": "none"}}),
)
KINDS = (SizingRequest, ScenarioPolicy, ModelSpec, ServerSpec, CloudOffer, ApiPrice)
BASES = {
    SizingRequest: {"model": "m", "server": "s", "concurrency": 10, "effective_context": 100},
    ScenarioPolicy: {"ha_mode": "none"},
    ModelSpec: {"name": "m", "source": "t", "num_layers": 2, "num_key_value_heads": 1,
                "head_dim": 64},
    ServerSpec: {"name": "s", "source": "t", "vendor": "v", "family": "f", "gpu": "g",
                 "gpus_per_node": 8, "hbm_per_gpu_gb": 80},
    CloudOffer: {"name": "c", "source": "t", "provider": "p", "instance": "i", "server": "s",
                 "usd_per_hour": 10, "as_of": "2026"},
    ApiPrice: {"name": "a", "source": "t", "provider": "p", "models": ["X"], "usd_per_mtok_input": 0,
               "usd_per_mtok_output": 1, "as_of": "2026"},
}  # fmt: skip


def plain_build(kind: type, data: dict) -> object | None:
    values = plain_values(kind, data)
    if values is None:
        return None
    try:
        return kind(**values)
    except ValueError:
        return None


@given(st.sampled_from(KINDS), st.data())
def test_the_plain_path_never_accepts_what_pydantic_refuses(kind, data):
    names = [*field_names(kind), "typo"]
    changes = data.draw(st.dictionaries(st.sampled_from(names), VALUES, max_size=4))
    fields = {**BASES[kind], **changes}
    plain = plain_build(kind, fields)
    try:
        checked = validate(kind, fields)
    except RecordError:
        assert plain is None, f"plain accepted {fields!r}"
        with pytest.raises(RecordError):
            build(kind, fields)
        return
    if plain is not None:
        assert plain == checked and repr(plain) == repr(checked)
    assert repr(build(kind, fields)) == repr(checked)


@pytest.mark.parametrize("kind", KINDS)
def test_a_valid_base_takes_the_plain_path(kind):
    assert plain_build(kind, BASES[kind]) is not None


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"concurrency": 0}, "concurrency: expected a number >= 1, got 0"),
        ({"kv_precision": "fp3"}, "kv_precision: expected one of"),
        ({"currency": "BRL"}, "usd_to_currency: currency BRL needs the rate from USD"),
        ({"output_tokens_per_session_per_hour": 0.5}, "at least 1 token per session-hour"),
        ({"concurency": 1}, "concurency: not a request field; did you mean concurrency?"),
    ],
)
def test_bad_values_get_pydantics_words(fields, words):
    with pytest.raises(InputError) as caught:
        make_request(**{**BASES[SizingRequest], **fields})
    assert words in str(caught.value)


def test_equal_records_have_equal_keys_and_others_differ():
    """record_key (the UDF caches' key) tells requests apart as == does, policies included."""
    base = make_request(**BASES[SizingRequest])
    same = make_request(**BASES[SizingRequest])
    other = make_request(**{**BASES[SizingRequest], "concurrency": 11})
    stricter = make_request(
        **BASES[SizingRequest],
        policies={**DEFAULT_POLICIES, "minimum": ScenarioPolicy(ha_mode="n+1")},
    )
    assert record_key(base) == record_key(same) and hash(record_key(base)) == hash(record_key(same))
    assert len({record_key(base), record_key(other), record_key(stricter)}) == 3


@given(st.integers(min_value=1, max_value=10**9), st.sampled_from(["opt-oss-120b", "x"]))
def test_evolve_is_replace_without_the_checks_again(concurrency, model):
    """records.evolve copies a record with checked values changed: the same record as
    dataclasses.replace, slotted (a request) or not (a capacity stage's context)."""
    from dataclasses import replace

    from sizing_xl import load_catalog
    from sizing_xl.capacity import plan_capacities

    request = make_request(
        model="opt-oss-120b", server="dgx300", concurrency=7, effective_context=8192
    )
    assert evolve(request, concurrency=concurrency) == replace(request, concurrency=concurrency)
    assert evolve(request, concurrency=concurrency, model=model).model == model
    assert request.concurrency == 7  # the original is untouched
    ctx = plan_capacities(request, load_catalog()).ctx
    other = replace(request, concurrency=concurrency)
    assert evolve(ctx, request=other) == replace(ctx, request=other)
    with pytest.raises(TypeError, match="has no field concurency"):
        evolve(request, concurency=3)
