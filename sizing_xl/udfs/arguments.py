"""How the values Excel passes (floats, None for blanks, booleans, ranges) become typed arguments."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from sizing_xl.errors import InputError, shown
from sizing_xl.numbers import ascii_number
from sizing_xl.records import field_specs


def single(value: object, name: str) -> object:
    """A single cell's value; a 1x1 range arrives as [[x]] or [x] and is unwrapped."""
    while isinstance(value, list | tuple):
        cells = list(_flatten(value))
        if len(cells) != 1:
            raise InputError(name, f"expected a single cell, got a range of {len(cells)} cells")
        value = cells[0]
    if isinstance(value, str) and not value.strip():
        return None  # a cell holding only spaces is as empty as a blank one
    return value


def _flatten(value: Iterable) -> Iterable:
    for v in value:
        if isinstance(v, list | tuple):
            yield from _flatten(v)
        else:
            yield v


def _given(value: object, name: str, default: object) -> object:
    """The single value of an argument; None when blank and a default applies."""
    value = single(value, name)
    if value is None and default is None:
        raise InputError(name, "required, but the cell is empty")
    return value


def _number(value: object, name: str, *, whole: bool) -> float:
    """A cell's number; text is read by the flags' parser (ASCII digits, '70%' allowed)."""
    what = "a whole number" if whole else "a number"
    if isinstance(value, bool):  # TRUE/FALSE are not numbers here, though bool is an int
        raise InputError(name, f"expected {what}, got {str(value).upper()}")
    if isinstance(value, str):
        try:
            return float(ascii_number(value, whole=whole, percent=not whole))
        except ValueError as exc:
            raise InputError(name, str(exc)) from None
    if not isinstance(value, int | float):
        raise InputError(name, f"expected {what}, got {type(value).__name__}")
    if not math.isfinite(value):
        raise InputError(name, f"expected {what}, got {shown(value)}")
    return float(value)


def _check_range(number: float, name: str, minimum: float | None, maximum: float | None) -> None:
    if minimum is not None and number < minimum:
        raise InputError(name, f"expected a number >= {minimum:g}, got {number:g}")
    if maximum is not None and number > maximum:
        raise InputError(name, f"expected a number <= {maximum:g}, got {number:g}")


def as_int(
    value: object,
    name: str,
    default: int | None = None,
    *,
    minimum: int | None = None,
    optional: bool = False,
) -> int | None:
    """A whole number: 1000.0 from Excel becomes 1000; 1000.5, TRUE or 'abc' are refused.
    optional: a blank cell gives None (the engine chooses), not "required"."""
    if optional and single(value, name) is None:
        return None
    value = _given(value, name, default)
    if value is None:
        return default
    number = _number(value, name, whole=True)
    if not number.is_integer():
        raise InputError(name, f"expected a whole number, got {shown(value)}")
    _check_range(number, name, minimum, None)
    return int(number)


def as_int_list(value: object, name: str, *, limit: int) -> list[int]:
    """Whole numbers from a cell or a range (a row, a column or a block), blanks skipped, in
    reading order; at least one, at most `limit`."""
    cells = list(_flatten(value)) if isinstance(value, list | tuple) else [value]
    given = [v for v in cells if v is not None and not (isinstance(v, str) and not v.strip())]
    if not given:
        raise InputError(name, "required, but the cells are empty")
    if len(given) > limit:
        raise InputError(name, f"expected at most {limit} values, got {len(given)}")
    return [as_int(v, name) for v in given]


def as_float(
    value: object,
    name: str,
    default: float | None = None,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
) -> float:
    """A number; '70%' typed as text counts as 0.7."""
    value = _given(value, name, default)
    if value is None:
        return default
    number = _number(value, name, whole=False)
    _check_range(number, name, minimum, maximum)
    return number


def as_text(value: object, name: str, default: str | None = None) -> str:
    """Text with stray spaces removed."""
    value = _given(value, name, default)
    if value is None:
        return default
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a model named 7 typed in a number cell
    return str(value).strip()


def as_choice(value: object, name: str, choices: dict[str, str], default: str) -> str:
    """One of a set of words, in any case; `choices` maps accepted spellings to canonical ones."""
    text = as_text(value, name, default).lower()
    if text not in choices:
        expected = ", ".join(dict.fromkeys(choices.values()))
        raise InputError(name, f"expected one of {expected}, got {shown(text)}")
    return choices[text]


def as_table(value: object, name: str, schema: type) -> list[dict[str, object]]:
    """Rows of a range whose first row names the columns; blank rows and unknown columns dropped.

    Only columns the schema knows are kept, so an analyst's own notes column does no harm.
    """
    if value is None:
        return []
    if not isinstance(value, list | tuple) or not value or not isinstance(value[0], list | tuple):
        raise InputError(name, "expected a range with a header row and at least one row below")
    header = [str(h).strip() if h is not None else "" for h in value[0]]
    if "name" not in header:
        raise InputError(name, "the range's first row must name the columns, starting with 'name'")
    known = field_specs(schema)
    rows = []
    for raw in value[1:]:
        cells = {h: v for h, v in zip(header, raw, strict=False) if h in known}
        cells = {k: (None if isinstance(v, str) and not v.strip() else v) for k, v in cells.items()}
        if cells.get("name") in (None, ""):
            continue
        rows.append({k: v for k, v in cells.items() if v is not None})
    return rows


def as_options(
    value: object, name: str, allowed: Iterable[str], numbers: Mapping[str, bool]
) -> dict[str, object]:
    """A two-column range of (option, value) rows: blank rows skipped, names checked, the
    options `numbers` names read as the arguments are (True: a whole number).

    It carries any request field without an argument of its own (a node price, an SLO, a cloud
    offer, a currency), so the functions keep a short signature.
    """
    if value is None:
        return {}
    rows = value if isinstance(value, list | tuple) else [value]
    if rows and not isinstance(rows[0], list | tuple):
        rows = [rows]  # one row arrives flat
    known = set(allowed)
    options: dict[str, object] = {}
    for row in rows:
        cells = [*row, None, None]
        key, given = cells[0], cells[1]
        if key is None or (isinstance(key, str) and not key.strip()):
            continue
        key = str(key).strip().lower()
        if key not in known:
            near = ", ".join(sorted(known))
            raise InputError(name, f"unknown option {shown(key)}; known: {near}")
        if given is None or (isinstance(given, str) and not given.strip()):
            continue
        if key in numbers:
            options[key] = (as_int if numbers[key] else as_float)(given, key)
        else:
            options[key] = given.strip() if isinstance(given, str) else given
    return options
