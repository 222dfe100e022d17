"""Catalog files read fast: the checks of strict_json.py and checks.py done as a few passes over
the bytes and json.loads at C speed (no Python hook per number), then one generated check per
field (records.field_check) as each entry is built; no pydantic.

The fast path only ever accepts: where any check might fail it gives None, and the caller reads
the file again strictly (strict_json.parse_json_bytes, schemas.parse_entries), which names the
fault exactly as it always has, or accepts a file the fast path was too cautious for. Stricter
than the strict path is therefore allowed here (an 80.0 layer count, a `\\n` in a source, a
space before a colon in a duplicate-free file...: each only costs the slow read), laxer never.
"""

from __future__ import annotations

import functools
import gc
import json
import re
from collections.abc import Callable

from sizing_xl.catalog.checks import NAME_CHARS, TEXT_CHARS, UPPER_BOUNDS, numeric_fields
from sizing_xl.catalog.schemas import _SCHEMAS, _Entry
from sizing_xl.records import REFUSED, field_check, field_specs, required_fields

# Bytes that decode to a character checks.text_problem refuses. JSON refuses raw C0 controls
# in strings and allows only whitespace between tokens, so of ASCII only DEL is left; UTF-8
# cannot encode a lone surrogate. The rest, by their UTF-8 form: C1 controls, U+200E/F and
# U+202A-E, U+2066-9, U+FDD0-FDEF, U+FFFE/F.
_UNSAFE_UTF8 = tuple(
    re.compile(p)
    for p in (
        rb"\xc2[\x80-\x9f]",
        rb"\xe2\x80[\x8e\x8f\xaa-\xae]",
        rb"\xe2\x81[\xa6-\xa9]",
        rb"\xef\xb7[\x90-\xaf]",
        rb"\xef\xbf[\xbe\xbf]",
    )
)
# Escapes that may spell a control or any other character (\u...); \" \\ \/ cannot.
_ESCAPE = re.compile(rb"\\[bfnrtu]")
_UTF16_32 = (b"\xff\xfe", b"\xfe\xff")  # also the start of UTF-32's BOMs


def entries_fast(kind: str, data: bytes) -> dict[str, _Entry] | None:
    """A catalog file's entries when every check passes at C speed, else None (read it strictly).

    finance.json (a few assumptions, each with its own range) is always read strictly.
    """
    if kind == "finance" or data.startswith(_UTF16_32) or b"\x00" in data[:2]:
        return None
    if b"\x7f" in data or (b"\\" in data and _ESCAPE.search(data)):
        return None
    if not data.isascii() and any(p.search(data) for p in _UNSAFE_UTF8):
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    collecting = gc.isenabled()
    gc.disable()  # hundreds of thousands of fresh containers, none of them garbage
    try:
        return _entries(kind, text)
    finally:
        if collecting:
            gc.enable()


def _entries(kind: str, text: str) -> dict[str, _Entry] | None:
    try:
        # every object as its (key, value) pairs: a key given twice stays countable
        top = json.loads(text, object_pairs_hook=tuple)
    except (ValueError, RecursionError):  # bad JSON, an integer of thousands of digits
        return None
    if type(top) is not tuple:
        return None
    names = [name for name, _ in top]
    bodies = [body for _, body in top]
    keys = [name.strip().lower() for name in names]  # schemas.normalize_name
    if (
        len(set(keys)) != len(keys)  # a name repeated, or the same once normalised
        or "" in keys
        or max(map(len, names), default=0) > NAME_CHARS
        or not all(type(body) is tuple for body in bodies)
    ):
        return None
    rows = [dict(body, name=key) for key, body in zip(keys, bodies, strict=True)]
    if sum(map(len, rows)) != sum(map(len, bodies)) + len(rows):
        return None  # a key repeated in an entry (or a "name" field, which the name replaces)
    schema = _SCHEMAS[kind]
    checks, required = _checks(schema), required_fields(schema)
    entries = []
    for row in rows:
        entry = _entry(schema, checks, required, row)
        if entry is None:
            return None
        entries.append(entry)
    return dict(zip(keys, entries, strict=True))


def _entry(
    schema: type[_Entry],
    checks: dict[str, Callable[[object], object]],
    required: frozenset[str],
    row: dict[str, object],
) -> _Entry | None:
    """The entry where every field passes its check, or None."""
    if tuple in map(type, row.values()):  # an object (pairs): no field holds one
        return None
    values = {}
    for name, value in row.items():
        check = checks.get(name)
        if check is None or (value := check(value)) is REFUSED:
            return None
        values[name] = value
    if not required <= values.keys():
        return None
    try:
        return schema(**values)
    except ValueError:  # a check across fields (__post_init__): the strict read names it
        return None


@functools.cache
def _checks(schema: type[_Entry]) -> dict[str, Callable[[object], object]]:
    """Each field's plain check (records.field_check) with checks.value_problem's rules as
    bounds: numbers strict (no bool, no text, no float for an int), finite and at most their
    UPPER_BOUNDS, text at most TEXT_CHARS characters."""
    numeric = numeric_fields(schema)
    return {
        name: field_check(
            spec, most=UPPER_BOUNDS[name] if name in numeric else None, text_chars=TEXT_CHARS
        )
        for name, spec in field_specs(schema).items()
    }
