"""Evaluate a workbook's formulas with the `formulas` package, the SIZING_* UDFs bound to Python."""

from __future__ import annotations

import tempfile
from pathlib import Path

import formulas
import numpy as np
import openpyxl
from formulas.ranges import Ranges
from schedula import EMPTY

import sizing_xl.udfs as udfs
from sizing_xl.excel.cached_values import GROWING_NAME


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


def _with_static_names(path: Path) -> Path:
    """The workbook with each growing catalog name (Sheet!$A$1:INDEX(...,COUNTA(...))) fixed
    to the rows it covers now: `formulas` cannot parse a range that ends in INDEX; LibreOffice
    and Excel can (test_catalog_names_grow_with_their_tables)."""
    wb = openpyxl.load_workbook(path, keep_vba=True)
    for name in wb.defined_names.values():
        match = GROWING_NAME.match(name.attr_text)
        if match:
            sheet, last_col = match.group(1), match.group(2)
            rows = sum(1 for (c,) in wb[sheet].iter_rows(max_col=1) if c.value is not None)
            name.attr_text = f"{sheet}!$A$1:${last_col}${rows}"
    fixed = Path(tempfile.mkdtemp(prefix="static-names-")) / path.name
    wb.save(fixed)
    return fixed


def evaluate(path: Path, inputs: dict[str, object] | None = None) -> dict[str, object]:
    """{"SHEET!A1": value} for every cell, after setting `inputs` ({"SHEET!B10": "fp16"})."""
    path = _with_static_names(path)
    book = path.name  # the same name: the inputs' keys carry it
    model = formulas.ExcelModel().loads(str(path)).finish()
    keyed = {
        f"'[{book}]{ref.split('!')[0].upper()}'!{ref.split('!')[1]}": v
        for ref, v in (inputs or {}).items()
    }
    solution = model.calculate(inputs=keyed)
    values = {}
    for key, ranges in solution.items():
        if "!" not in key:
            continue
        sheet, ref = key.split("]")[1].split("'")[0], key.split("!")[1]
        if ":" not in ref:
            values[f"{sheet}!{ref}"] = excel_value(ranges)
            continue
        # a range: an array formula's result (or a range a formula reads), cell by cell
        start = openpyxl.utils.cell.coordinate_from_string(ref.split(":")[0])
        column = openpyxl.utils.column_index_from_string(start[0])
        rows = excel_value(ranges)
        for i, row in enumerate(rows if isinstance(rows, list) else [[rows]]):
            for j, value in enumerate(row):
                letter = openpyxl.utils.get_column_letter(column + j)
                values.setdefault(f"{sheet}!{letter}{start[1] + i}", value)
    return values
