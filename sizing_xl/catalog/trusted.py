"""Packaged data built without validation: tests prove each packaged file validates to the same
records, so a start-up neither imports pydantic nor builds a validator to read what it ships.

Only for files this package ships. A user's file is validated in full (loading.py, fast_load.py).
"""

from __future__ import annotations

import types
import typing
from dataclasses import is_dataclass
from typing import TypeVar

from sizing_xl.records import field_specs

R = TypeVar("R")


def trusted(kind: type[R], data: dict[str, object]) -> R:
    """`kind` built from `data` as validation would build it from a valid file: nested records,
    tuples for JSON arrays, floats for whole numbers in float fields, defaults for the rest."""
    specs = field_specs(kind)
    return kind(**{k: _value(specs[k].kind, v) for k, v in data.items()})


def _value(annotation: object, value: object) -> object:
    """value as the annotation's type holds it (the file is valid: no check here)."""
    if value is None:
        return None
    if annotation is float:
        return float(value) if type(value) is int else value
    if isinstance(annotation, type) and is_dataclass(annotation):
        return trusted(annotation, value)  # type: ignore[arg-type]
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:
        return _value(args[0], value)
    if origin in (typing.Union, types.UnionType):
        kinds = [a for a in args if a is not type(None)]
        return _value(kinds[0], value) if len(kinds) == 1 else value
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_value(args[0], v) for v in value)  # type: ignore[union-attr]
        return tuple(_value(a, v) for a, v in zip(args, value, strict=True))  # type: ignore[call-overload]
    if origin is dict:
        return {k: _value(args[1], v) for k, v in value.items()}  # type: ignore[union-attr]
    return value
