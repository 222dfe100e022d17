"""JSON read strictly: UTF-8 (a BOM allowed), no repeated keys, finite numbers, bounded depth."""

from __future__ import annotations

import codecs
import json
import math

MAX_INT_DIGITS = 18  # beyond any count or price a catalog holds; int() of 5,000 digits is slow
_UTF16_32 = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


class JsonFault(ValueError):
    """Why a byte string is not the JSON this tool accepts, in one line."""


class _Objects:
    """object_pairs_hook that refuses a key given twice and remembers which object held it."""

    def __init__(self) -> None:
        self.repeated: dict[int, str] = {}  # id(object) -> the first key it repeats
        self._alive: list[dict] = []  # keeps ids unique while parsing

    def __call__(self, pairs: list[tuple[str, object]]) -> dict:
        obj: dict = {}
        for key, value in pairs:
            if key in obj and id(obj) not in self.repeated:
                self.repeated[id(obj)] = key
            obj[key] = value
        self._alive.append(obj)
        return obj


def _int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise JsonFault(f"the number {text[:12]}… has {len(text)} digits")
    return int(text)


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise JsonFault(f"the number {text[:24]} is too large to be finite")
    return value


def _constant(text: str) -> float:
    raise JsonFault(f"{text} is not a number JSON allows")


def parse_json_bytes(data: bytes) -> object:
    """The JSON value in data, or JsonFault naming the first problem (with its line)."""
    if data.startswith(_UTF16_32) or (len(data) >= 2 and b"\x00" in data[:2]):
        raise JsonFault("is UTF-16 or UTF-32 text; save it as UTF-8")
    try:
        text = data.decode("utf-8-sig")  # a BOM, as Notepad writes, is harmless
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise JsonFault(
            f"is not UTF-8 text (byte {exc.start}, line {line}); save it as UTF-8"
        ) from None
    objects = _Objects()
    try:
        value = json.loads(
            text,
            object_pairs_hook=objects,
            parse_int=_int,
            parse_float=_float,
            parse_constant=_constant,
        )
    except json.JSONDecodeError as exc:
        raise JsonFault(
            f"is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    except RecursionError:
        raise JsonFault("is nested too deeply to be a catalog or a config") from None
    if objects.repeated:
        raise JsonFault(_repeated_where(value, objects.repeated))
    return value


def _repeated_where(value: object, repeated: dict[int, str]) -> str:
    """Name the repeated key and, for a catalog, the entry that holds it."""
    if isinstance(value, dict):
        if id(value) in repeated:
            return f"the key {json.dumps(repeated[id(value)])[:80]} appears twice at the top level"
        for name, body in value.items():
            if isinstance(body, dict) and id(body) in repeated:
                return (
                    f"entry {json.dumps(name)[:80]}: the key "
                    f"{json.dumps(repeated[id(body)])[:80]} appears twice"
                )
    return f"the key {json.dumps(next(iter(repeated.values())))[:80]} appears twice in one object"
