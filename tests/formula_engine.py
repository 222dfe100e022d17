"""Evaluate a workbook's formulas with the `formulas` package, the SIZING_* UDFs bound to Python."""

from __future__ import annotations

from pathlib import Path

import formulas
import numpy as np
from formulas.ranges import Ranges
from schedula import EMPTY

import sizing_xl.udfs as udfs


def excel_value(value: object) -> object:
    """What xlwings would pass: a scalar for one cell, rows of values for a range, None for blanks."""
    if isinstance(value, Ranges):
        value = value.value  # raises while `formulas` still resolves the range; it calls again
    if isinstance(value, np.ndarray):
        rows = [[excel_value(v) for v in row] for row in value.tolist()]
        return rows[0][0] if len(rows) == 1 and len(rows[0]) == 1 else rows
    if value is EMPTY:
        return None
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)  # Excel hands every number to Python as a float
    return value


def _bind(udf):
    def call(*args):
        return udf(*(excel_value(a) for a in args))

    return call


for _name in udfs.UDF_NAMES:
    formulas.get_functions()[_name] = _bind(getattr(udfs, _name))


def evaluate(path: Path, inputs: dict[str, object] | None = None) -> dict[str, object]:
    """{"SHEET!A1": value} for every cell, after setting `inputs` ({"SHEET!B10": "fp16"})."""
    book = path.name
    model = formulas.ExcelModel().loads(str(path)).finish()
    keyed = {
        f"'[{book}]{ref.split('!')[0].upper()}'!{ref.split('!')[1]}": v
        for ref, v in (inputs or {}).items()
    }
    solution = model.calculate(inputs=keyed)
    values = {}
    for key, ranges in solution.items():
        if "!" not in key or ":" in key.split("!")[1]:
            continue
        sheet = key.split("]")[1].split("'")[0]
        value = excel_value(ranges)
        values[f"{sheet}!{key.split('!')[1]}"] = value
    return values
