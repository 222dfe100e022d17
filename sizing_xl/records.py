"""Typed records checked at the edges: frozen dataclasses whose fields carry their limits as
Annotated markers, built in plain Python where every value is plainly good and validated by
pydantic (imported on first need) where one may not be, with the same words either way.

A record is declared with `@record`: a frozen, slotted, keyword-only dataclass whose unknown
fields pydantic refuses, with a `__post_init__` for checks across fields, which raises
ValueError("field: problem") as a pydantic model validator would.
"""

from __future__ import annotations

import functools
import operator
import re
import types
import typing
from collections.abc import Callable
from dataclasses import MISSING, dataclass, fields, is_dataclass
from typing import Annotated, Any, TypeVar

R = TypeVar("R")
_NONE = type(None)
_LIMITS = ("gt", "ge", "lt", "le", "min_length", "max_length", "pattern")


def record(kind: type[R] | None = None, *, finite: bool = False) -> Any:
    """@record, or @record(finite=True) to refuse inf and NaN in every float field."""

    def build_record(cls: type[R]) -> type[R]:
        made = dataclass(frozen=True, slots=True, kw_only=True)(cls)
        # pydantic's ConfigDict keys, read where pydantic validates the record
        made.__pydantic_config__ = {"extra": "forbid", "allow_inf_nan": not finite}  # type: ignore[attr-defined]
        return made

    return build_record if kind is None else build_record(kind)


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
    check: Callable[[object], object] = lambda v: REFUSED  # field_check's, set by field_specs


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
    spec = FieldSpec(annotation, optional, choices, limit, normalize, required)
    return spec._replace(check=field_check(spec))


def field_names(kind: type) -> tuple[str, ...]:
    return tuple(field_specs(kind))


def record_key(record: object) -> tuple:
    """A hashable key of a record's values, a dict field as its items: equal records, equal
    keys (a cache's, cheaper than repr)."""
    return tuple(
        tuple(v.items()) if type(v) is dict else v  # type: ignore[attr-defined]
        for v in field_values(type(record))[1](record)
    )


@functools.cache
def field_values(kind: type) -> tuple[tuple[str, ...], Callable[[object], tuple]]:
    """Any dataclass type's field names in declaration order, and a getter of their values as
    a tuple: found once per type (a JSON document walks some 600 values of a dozen types)."""
    names = tuple(f.name for f in fields(kind))
    get = operator.attrgetter(*names)
    return names, (get if len(names) > 1 else lambda value: (get(value),))  # type: ignore[return-value]


def as_dict(record: object) -> dict[str, object]:
    """A record's fields and values, one level deep (nested records stay records)."""
    names, values = field_values(type(record))
    return dict(zip(names, values(record), strict=True))


def evolve(value: R, **changes: object) -> R:
    """A frozen dataclass with some fields changed to values already checked, such as a sweep's
    concurrency (request.check_field): dataclasses.replace runs __init__ and __post_init__ again,
    which a sweep would pay at every point for nothing. Not for a field that a check across
    fields reads."""
    kind = type(value)
    known, fill = _copier(kind)
    if not changes.keys() <= known:
        raise TypeError(f"{kind.__name__} has no field {sorted(changes.keys() - known)[0]}")
    new = object.__new__(kind)
    if fill is None:  # its fields live in its __dict__: copied at C speed
        new.__dict__.update(value.__dict__, **changes)
    else:
        fill(new, value, changes)
    return new


@functools.cache
def _copier(kind: type) -> tuple[frozenset[str], Callable[..., None] | None]:
    """A dataclass's field names, and for a slotted one its fields copied one statement each
    (a loop over them costs twice as much)."""
    names, _ = field_values(kind)
    if "__slots__" not in kind.__dict__:
        return frozenset(names), None
    body = ["def fill(new, value, changes, set_=object.__setattr__):", "    get = changes.get"]
    body += [f"    set_(new, {n!r}, get({n!r}, value.{n}))" for n in names]
    scope: dict[str, object] = {}
    exec("\n".join(body), scope)  # field names of a dataclass, not user text
    return frozenset(names), scope["fill"]  # type: ignore[return-value]


def build(kind: type[R], data: dict[str, object]) -> R:
    """A record from data: plainly where every value is plainly good, else pydantic's
    validation, which raises RecordError naming the first fault."""
    values = plain_values(kind, data)
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


def plain_values(kind: type, data: dict[str, object]) -> dict[str, object] | None:
    """data's values as the record holds them, or None where pydantic must decide (an unknown
    or missing field, a value of another kind, out of its limits, or not finite)."""
    specs = field_specs(kind)
    out: dict[str, object] = {}
    for name, value in data.items():
        spec = specs.get(name)
        if spec is None:
            return None
        plain = spec.check(value)
        if plain is REFUSED:
            return None
        out[name] = plain
    if not required_fields(kind) <= out.keys():
        return None
    return out


@functools.cache
def required_fields(kind: type) -> frozenset[str]:
    return frozenset(name for name, spec in field_specs(kind).items() if spec.required)


REFUSED = object()  # a field check's answer where pydantic must decide
_FLOAT_MAX = 1.7976931348623157e308  # a float past it (inf), NaN or a larger int: not finite


def field_check(
    spec: FieldSpec, *, most: float | None = None, text_chars: int | None = None
) -> Callable[[object], object]:
    """The field's plain check as one function (thousands of catalog entries go through it):
    the value as the record holds it, or REFUSED. `most` and `text_chars` add a file's own
    bounds (catalog/checks.py) to the field's limits."""
    limit = spec.limit.given() if spec.limit is not None else {}
    names: dict[str, object] = {"REFUSED": REFUSED, "kind": spec.kind}
    body = ["def check(v):"]
    if spec.normalize is not None:
        names["normalize"] = spec.normalize
        body.append("    v = normalize(v)")
    body.append(f"    if v is None: return {'None' if spec.optional else 'REFUSED'}")
    if spec.choices is not None:
        names["allowed"] = frozenset(c for c in spec.choices if type(c) is str)
        body.append("    if type(v) is str and v in allowed: return v")
    elif spec.kind in (int, float):
        tests = [f"{op} {limit[key]!r}" for key, op in _BOUNDS if key in limit]
        if most is not None:
            tests.append(f"<= {most!r}")
        if spec.kind is float:
            tests += [f">= {-_FLOAT_MAX!r}", f"<= {_FLOAT_MAX!r}"]
        bounded = " and ".join(f"v {t}" for t in tests) or "True"
        body.append(
            f"    if type(v) is int and {bounded}: return {'float(v)' if spec.kind is float else 'v'}"
        )
        if spec.kind is float:
            body.append(f"    if type(v) is float and {bounded}: return v")
    elif spec.kind is str:
        tests = _length_tests(limit, text_chars)
        if "pattern" in limit:
            names["pattern"] = re.compile(limit["pattern"])  # type: ignore[arg-type]
            # fullmatch is stricter than pydantic's anchored search: a trailing newline fails
            tests.append("pattern.fullmatch(v) is not None")
        body.append(f"    if type(v) is str and {' and '.join(tests) or 'True'}: return v")
    elif spec.kind is bool or (isinstance(spec.kind, type) and is_dataclass(spec.kind)):
        body.append("    if type(v) is kind: return v")  # a record: already built and checked
    elif typing.get_origin(spec.kind) is dict:
        names["records"] = _plain_records
        body.append("    if type(v) is dict: return records(kind, v)")
    elif typing.get_args(spec.kind) == (str, Ellipsis):
        tests = _length_tests(limit, None)
        items = "" if text_chars is None else f" and len(t) <= {text_chars}"
        body += [
            "    if type(v) in (list, tuple):",
            f"        if all(type(t) is str{items} for t in v) and {' and '.join(tests) or 'True'}:",
            "            return tuple(v)",
        ]
    body.append("    return REFUSED")
    exec("\n".join(body), names)
    return names["check"]  # type: ignore[return-value]


_BOUNDS = (("gt", ">"), ("ge", ">="), ("lt", "<"), ("le", "<="))


def _length_tests(limit: dict[str, object], text_chars: int | None) -> list[str]:
    tests = []
    if "min_length" in limit:
        tests.append(f"len(v) >= {limit['min_length']!r}")
    for most in (limit.get("max_length"), text_chars):
        if most is not None:
            tests.append(f"len(v) <= {most!r}")
    return tests


def _plain_records(kind: object, value: dict[object, object]) -> object:
    """A dict of records already built (the request's policies) keyed by a Literal's choices."""
    key_kind, item_kind = typing.get_args(kind)
    keys = typing.get_args(key_kind) if typing.get_origin(key_kind) is typing.Literal else ()
    if not (isinstance(item_kind, type) and is_dataclass(item_kind)) or not all(
        type(k) is str and k in keys and type(v) is item_kind for k, v in value.items()
    ):
        return REFUSED
    return dict(value)
