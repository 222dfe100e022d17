"""Cached values for UDF cells: what each SIZING_* formula gives for the workbook's own inputs.

openpyxl writes formulas without values, so a workbook opened before its functions are imported
(or in a viewer that does not recalculate) shows #NAME? or blanks. The builder evaluates each
UDF cell with the engine, as xlwings would call it, and stores the value in the file.
"""

from __future__ import annotations

import io
import re
import zipfile
from xml.sax.saxutils import escape

from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.formula import ArrayFormula
from openpyxl.worksheet.worksheet import Worksheet

# The workbook's UDF formulas are one flat call: names, cell references and literals.
_CALL = re.compile(r"^=(SIZING_\w+)\((.*)\)$", re.S)
# Sizing.xlsm's catalog names: Sheet!$A$1:INDEX(Sheet!$X:$X,COUNTA(Sheet!$A:$A))
GROWING_NAME = re.compile(r"^(\w+)!\$A\$1:INDEX\(\1!\$([A-Z]+):\$\2,COUNTA\(\1!\$A:\$A\)\)$")
_NUMBER = re.compile(r"^[+-]?\d+(\.\d*)?([eE][+-]?\d+)?$")


def udf_cell_values(wb: Workbook, sheet: str) -> dict[str, object]:
    """{"B36": 3, ...}: every SIZING_* cell of the sheet, evaluated with the engine. An array
    formula gives a value for every cell of its range ("" where its table is smaller); a
    text result (an error line) stands in its first cell."""
    import sizing_xl.udfs as udfs  # xlwings: the builder runs with the [excel] extra

    ws = wb[sheet]
    values: dict[str, object] = {}
    for row in ws.iter_rows():
        for cell in row:
            array = cell.value if isinstance(cell.value, ArrayFormula) else None
            text = array.text if array else cell.value
            match = _CALL.match(text) if isinstance(text, str) else None
            if not match:
                continue
            args = [_argument(wb, ws, arg) for arg in _split(match.group(2))]
            value = getattr(udfs, match.group(1))(*args)
            if array is None:
                values[cell.coordinate] = value
                continue
            table = value if isinstance(value, list) else [[value]]
            for i, cells in enumerate(ws[array.ref]):
                for j, target in enumerate(cells):
                    inside = i < len(table) and j < len(table[i])
                    values[target.coordinate] = table[i][j] if inside else ""
    return values


def store_spilled(ws: Worksheet, values: dict[str, object]) -> None:
    """Write the values of an array formula's other cells: they hold no formula of their own,
    so a viewer that does not recalculate shows what the array last gave."""
    for ref, value in values.items():
        cell = ws[ref]
        if cell.value is None:
            cell.value = value


def _split(text: str) -> list[str]:
    """Arguments at the commas outside quoted text."""
    parts, current, quoted = [], "", False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        if ch == "," and not quoted:
            parts.append(current.strip())
            current = ""
        else:
            current += ch
    return [*parts, current.strip()]


def _argument(wb: Workbook, ws: Worksheet, text: str) -> object:
    if text == "":
        return None
    if text.startswith('"'):
        return text[1:-1].replace('""', '"')
    if _NUMBER.match(text):
        return float(text)
    if text in wb.defined_names:
        growing = GROWING_NAME.match(wb.defined_names[text].attr_text)
        if growing:  # a catalog table's name: header row down to COUNTA of its names
            sheet, last_col = wb[growing.group(1)], growing.group(2)
            filled = sum(1 for (c,) in sheet.iter_rows(min_col=1, max_col=1) if c.value is not None)
            return _excel(sheet[f"A1:{last_col}{filled}"])
        (title, ref), *_ = wb.defined_names[text].destinations
        return _excel(wb[title][ref.replace("$", "")])
    return _excel(ws[text.replace("$", "")])


def _excel(target: object) -> object:
    """What xlwings passes: numbers as floats, blanks as None, ranges as rows of values."""
    if isinstance(target, tuple):
        return [[_number(c.value) for c in row] for row in target]
    return _number(target.value)  # type: ignore[attr-defined]


def _number(value: object) -> object:
    return float(value) if isinstance(value, int) and not isinstance(value, bool) else value


def with_cached_values(data: bytes, values: dict[int, dict[str, object]]) -> bytes:
    """The .xlsx/.xlsm bytes with values stored in formula cells: {sheet number (1-based):
    {"B36": 3, ...}}."""
    parts = {f"xl/worksheets/sheet{index}.xml": cells for index, cells in values.items()}

    def fill(match: re.Match[str], cells: dict[str, object]) -> str:
        ref, attrs, kind_of_formula, formula = match.groups()
        if ref not in cells:
            return match.group(0)
        value = cells[ref]
        if isinstance(value, bool):
            kind, text = ' t="b"', str(int(value))
        elif isinstance(value, int | float):
            kind, text = "", repr(float(value)) if isinstance(value, float) else str(value)
        else:
            kind, text = ' t="str"', escape(str(value))
        return f'<c r="{ref}"{attrs}{kind}><f{kind_of_formula}>{formula}</f><v>{text}</v>'

    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename in parts:
                cells = parts[info.filename]
                xml = re.sub(
                    r'<c r="([A-Z]+\d+)"((?: s="\d+")?)><f((?: t="array" ref="[A-Z0-9:]+")?)>([^<]*)</f><v ?/>',
                    lambda m, cells=cells: fill(m, cells),
                    content.decode("utf-8"),
                )
                content = xml.encode("utf-8")
            target.writestr(info, content)
    return out.getvalue()
