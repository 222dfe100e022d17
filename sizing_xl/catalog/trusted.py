"""Packaged data built without its schema: tests prove each packaged file validates to the same
objects, so a start-up builds no pydantic validator (nor loads pydantic's plugins) to read it.

Only for files this package ships. A user's file is validated in full (loading.py, fast_load.py).
"""

from __future__ import annotations

import functools
import types
import typing

from pydantic import BaseModel

_NONE = type(None)


def trusted(kind: type[BaseModel], data: dict[str, object]) -> BaseModel:
    """`kind` built from `data` as validation would build it from a valid file: nested models,
    tuples for JSON arrays, floats for whole numbers in float fields, defaults for the rest."""
    hints = _hints(kind)
    return kind.model_construct(**{k: _value(hints[k], v) for k, v in data.items()})


@functools.cache
def _hints(kind: type[BaseModel]) -> dict[str, object]:
    return {name: info.annotation for name, info in kind.model_fields.items()}


def _value(annotation: object, value: object) -> object:
    """value as the annotation's type holds it (the file is valid: no check here)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _value(typing.get_args(annotation)[0], value)
    if origin in (typing.Union, types.UnionType):
        if value is None:
            return None
        kinds = [a for a in typing.get_args(annotation) if a is not _NONE]
        # float | None and the like; a union of several kinds is never a packaged field's
        return _value(kinds[0], value) if len(kinds) == 1 else value
    if annotation is float:
        return float(value) if type(value) is int else value
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return trusted(annotation, value)  # type: ignore[arg-type]
    if origin is tuple:
        args = typing.get_args(annotation)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_value(args[0], v) for v in value)  # type: ignore[union-attr]
        return tuple(_value(a, v) for a, v in zip(args, value, strict=True))  # type: ignore[call-overload]
    if origin is dict:
        _, item = typing.get_args(annotation)
        return {k: _value(item, v) for k, v in value.items()}  # type: ignore[union-attr]
    return value
