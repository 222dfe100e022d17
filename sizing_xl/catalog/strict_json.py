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


class _Refused:
    """A number JSON allows no catalog to hold, left in place so its entry and field can be
    named once the document is parsed (the parse hooks do not know where they are)."""

    def __init__(self, problem: str, found: list[_Refused]) -> None:
        self.problem = problem
        found.append(self)


def _hooks(found: list[_Refused]) -> dict[str, object]:
    """json.loads' number hooks, each leaving a _Refused in found for a number it refuses."""

    def parse_int(text: str) -> int | _Refused:
        if len(text.lstrip("-")) > MAX_INT_DIGITS:
            return _Refused(f"the number {text[:12]}… has {len(text)} digits", found)
        return int(text)

    def parse_float(text: str) -> float | _Refused:
        value = float(text)
        if not math.isfinite(value):
            return _Refused(f"the number {text[:24]} is too large to be finite", found)
        return value

    def parse_constant(text: str) -> _Refused:
        return _Refused(f"{text} is not a number JSON allows", found)

    return {"parse_int": parse_int, "parse_float": parse_float, "parse_constant": parse_constant}


def _path_to(value: object, target: object) -> list[str | int]:
    """The keys and indexes from value down to target (by identity), without recursion."""
    stack: list[tuple[object, list[str | int]]] = [(value, [])]
    while stack:
        node, path = stack.pop()
        if node is target:
            return path
        if isinstance(node, dict):
            stack.extend((v, [*path, k]) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend((v, [*path, i]) for i, v in enumerate(node))
    return []


def _where(path: list[str | int]) -> str:
    """A catalog's 'entry "m", field "x": ', else the path into a config, as a message prefix."""
    names = [json.dumps(p)[:80] if isinstance(p, str) else str(p) for p in path]
    if len(path) == 2 and all(isinstance(p, str) for p in path):
        return f"entry {names[0]}, field {names[1]}: "
    return f"at {' → '.join(names)}: " if names else ""


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
    refused: list[_Refused] = []
    try:
        value = json.loads(text, object_pairs_hook=objects, **_hooks(refused))  # type: ignore[arg-type]
    except json.JSONDecodeError as exc:
        raise JsonFault(
            f"is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    except RecursionError:
        raise JsonFault("is nested too deeply to be a catalog or a config") from None
    if refused:
        raise JsonFault(_where(_path_to(value, refused[0])) + refused[0].problem)
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
