"""Typed records checked at the edges: frozen dataclasses whose fields carry their limits as
Annotated markers, built in plain Python where every value is plainly good and validated by
pydantic (imported on first need) where one may not be, with the same words either way.

A record is `@dataclass(frozen=True, slots=True, kw_only=True)` with `__pydantic_config__` (a
plain dict, pydantic's ConfigDict keys) and a `__post_init__` for checks across fields, which
raises ValueError("field: problem") as a pydantic model validator would.
"""

from __future__ import annotations

import functools
import math
import operator
import re
import types
import typing
from collections.abc import Callable
from dataclasses import MISSING, fields, is_dataclass
from typing import Annotated, Any, TypeVar

R = TypeVar("R")
_NONE = type(None)
_LIMITS = ("gt", "ge", "lt", "le", "min_length", "max_length", "pattern")


class Limit:
    """A field's bounds (numbers), lengths (text, tuples) or pattern (text); pydantic's Field
    constraints of the same names when pydantic validates."""

    __slots__ = _LIMITS

    def __init__(
        self,
        *,
        gt: float | None = None,
        ge: float | None = None,
        lt: float | None = None,
        le: float | None = None,
        min_length: int | None = None,
        max_length: int | None = None,
        pattern: str | None = None,
    ) -> None:
        self.gt, self.ge, self.lt, self.le = gt, ge, lt, le
        self.min_length, self.max_length, self.pattern = min_length, max_length, pattern

    def given(self) -> dict[str, object]:
        return {k: v for k in _LIMITS if (v := getattr(self, k)) is not None}

    def holds(self, value: object) -> bool:
        """Whether a plain value (an int, a finite float, a str or a tuple) keeps the limits."""
        if isinstance(value, int | float):
            return not (
                (self.gt is not None and not value > self.gt)
                or (self.ge is not None and not value >= self.ge)
                or (self.lt is not None and not value < self.lt)
                or (self.le is not None and not value <= self.le)
            )
        size = len(value)  # type: ignore[arg-type]
        if (self.min_length is not None and size < self.min_length) or (
            self.max_length is not None and size > self.max_length
        ):
            return False
        # fullmatch is stricter than pydantic's anchored search: a trailing newline fails both
        return self.pattern is None or re.fullmatch(self.pattern, value) is not None  # type: ignore[arg-type]

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        from pydantic import Field

        return handler(Annotated[source, Field(**self.given())])  # type: ignore[call-overload]


class Normalize:
    """A function applied to the given value before any check (" FP8 " -> "fp8")."""

    __slots__ = ("function",)

    def __init__(self, function: Callable[[object], object]) -> None:
        self.function = function

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        return core_schema.no_info_before_validator_function(self.function, handler(source))


PositiveInt = Annotated[int, Limit(gt=0)]
NonNegativeInt = Annotated[int, Limit(ge=0)]
PositiveFloat = Annotated[float, Limit(gt=0)]
NonNegativeFloat = Annotated[float, Limit(ge=0)]


class RecordError(ValueError):
    """pydantic's report of a record that failed validation: errors() as pydantic gives them."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__(errors[0]["msg"] if errors else "invalid")
        self._errors = errors

    def errors(self) -> list[dict[str, Any]]:
        return self._errors


class FieldSpec(typing.NamedTuple):
    """What the plain path needs of a field: the kind it holds, None allowed, its choices (a
    Literal), its limits, its normalizing function, whether it must be given."""

    kind: object  # int, float, str, bool, a record type, or another annotation (pydantic decides)
    optional: bool
    choices: tuple[object, ...] | None
    limit: Limit | None
    normalize: Callable[[object], object] | None
    required: bool


@functools.cache
def field_specs(kind: type) -> dict[str, FieldSpec]:
    """Each field of a record type, in declaration order."""
    hints = typing.get_type_hints(kind, include_extras=True)
    specs = {}
    for f in fields(kind):
        required = f.default is MISSING and f.default_factory is MISSING
        specs[f.name] = _spec(hints[f.name], required)
    return specs


def _spec(annotation: object, required: bool) -> FieldSpec:
    optional, limit, normalize = False, None, None
    while True:
        origin = typing.get_origin(annotation)
        if origin is Annotated:
            annotation, *extras = typing.get_args(annotation)
            for extra in extras:
                if isinstance(extra, Limit):
                    limit = extra
                elif isinstance(extra, Normalize):
                    normalize = extra.function
        elif origin in (typing.Union, types.UnionType) and _NONE in typing.get_args(annotation):
            rest = [a for a in typing.get_args(annotation) if a is not _NONE]
            optional = True
            annotation = functools.reduce(operator.or_, rest)
        else:
            break
    choices = (
        typing.get_args(annotation) if typing.get_origin(annotation) is typing.Literal else None
    )
    return FieldSpec(annotation, optional, choices, limit, normalize, required)


def field_names(kind: type) -> tuple[str, ...]:
    return tuple(field_specs(kind))


def as_dict(record: object) -> dict[str, object]:
    """A record's fields and values, one level deep (nested records stay records)."""
    return {name: getattr(record, name) for name in field_specs(type(record))}


def build(kind: type[R], data: dict[str, object]) -> R:
    """A record from data: plainly where every value is plainly good, else pydantic's
    validation, which raises RecordError naming the first fault."""
    values = _plain_values(kind, data)
    if values is not None:
        try:
            return kind(**values)
        except ValueError:  # a check across fields: pydantic reports it with its field
            pass
    return validate(kind, data)


def validate(kind: type[R], data: object) -> R:
    """data validated by pydantic into `kind` (a record, or any annotation); RecordError if not."""
    from pydantic import ValidationError

    try:
        return _adapter(kind).validate_python(data)
    except ValidationError as exc:
        raise RecordError(exc.errors()) from None


@functools.cache
def _adapter(kind: object) -> Any:
    from pydantic import TypeAdapter

    if is_dataclass(kind):
        return TypeAdapter(kind)  # its __pydantic_config__ applies
    return TypeAdapter(kind, config={"allow_inf_nan": False})


def _plain_values(kind: type, data: dict[str, object]) -> dict[str, object] | None:
    """data's values as the record holds them, or None where pydantic must decide (an unknown
    or missing field, a value of another kind, out of its limits, or not finite)."""
    specs = field_specs(kind)
    out: dict[str, object] = {}
    for name, value in data.items():
        spec = specs.get(name)
        if spec is None:
            return None
        plain = plain_value(spec, value)
        if plain is REFUSED:
            return None
        out[name] = plain
    if any(spec.required and name not in out for name, spec in specs.items()):
        return None
    return out


REFUSED = object()  # plain_value's answer where pydantic must decide


def plain_value(spec: FieldSpec, value: object) -> object:
    """value as the field holds it (normalized first), or REFUSED where it may not be valid."""
    if spec.normalize is not None:
        value = spec.normalize(value)
    if value is None:
        return None if spec.optional else REFUSED
    if spec.choices is not None:
        return value if type(value) is str and value in spec.choices else REFUSED
    kind, given = spec.kind, type(value)
    if kind is float and given in (int, float):
        if not math.isfinite(value):  # type: ignore[arg-type]
            return REFUSED
        value = float(value)  # type: ignore[arg-type]
    elif (kind is int and given is int) or (kind in (str, bool) and given is kind):
        pass
    elif isinstance(kind, type) and given is kind and is_dataclass(kind):
        return value  # a record already built and checked
    elif typing.get_origin(kind) is dict and given is dict:
        return _plain_records(kind, value)  # type: ignore[arg-type]
    elif typing.get_args(kind) == (str, Ellipsis) and given in (list, tuple):
        if not all(type(v) is str for v in value):  # type: ignore[attr-defined]
            return REFUSED
        value = tuple(value)  # type: ignore[arg-type]
    else:
        return REFUSED
    if spec.limit is not None and not spec.limit.holds(value):
        return REFUSED
    return value


def _plain_records(kind: object, value: dict[object, object]) -> object:
    """A dict of records already built (the request's policies) keyed by a Literal's choices."""
    key_kind, item_kind = typing.get_args(kind)
    keys = typing.get_args(key_kind) if typing.get_origin(key_kind) is typing.Literal else ()
    if not (isinstance(item_kind, type) and is_dataclass(item_kind)) or not all(
        type(k) is str and k in keys and type(v) is item_kind for k, v in value.items()
    ):
        return REFUSED
    return dict(value)
