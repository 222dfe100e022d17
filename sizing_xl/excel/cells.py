"""Cell helpers shared by the workbook builders: styles, formula-safe text, tables, names."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from openpyxl.chart import LineChart, Reference
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from sizing_xl.excel.columns import FORMULA_LEADERS

# One visual convention for every sheet (the README's "Colours" table):
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")  # pale yellow: type here
FONT = "Calibri"  # LibreOffice shows its metric twin, Carlito, where Calibri is absent
INPUT_FONT = Font(name=FONT, color="1F4E79", bold=True)  # dark blue: a value a person chose
RESULT_FILL = PatternFill("solid", fgColor="E2EFDA")  # pale green: a key result
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
HEADER_FONT = Font(name=FONT, color="FFFFFF", bold=True)
SECTION_FONT = Font(name=FONT, bold=True, size=12, color="1F4E79")
TITLE_FONT = Font(name=FONT, bold=True, size=16, color="1F4E79")
NOTE_FONT = Font(name=FONT, italic=True, color="595959")
BOLD = Font(name=FONT, bold=True)
THIN = Side(style="thin", color="BFBFBF")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
RIGHT = Alignment(horizontal="right")
CENTER = Alignment(horizontal="center", vertical="top")
UNLOCKED = Protection(locked=False)
# low nodes green, high red: the cells that cost most stand out
HEAT = ColorScaleRule(
    start_type="min",
    start_color="63BE7B",
    mid_type="percentile",
    mid_value=50,
    mid_color="FFEB84",
    end_type="max",
    end_color="F8696B",
)


def put_text(ws: Worksheet, ref: str, text: str):
    """Write text that must stay text, whatever it starts with (catalog names, user input)."""
    cell = ws[ref]
    cell.value = text
    cell.data_type = "s"  # openpyxl turns any "=…" string into a formula otherwise
    if text.startswith(FORMULA_LEADERS):  # Excel's quote prefix as well as the string type
        cell.quotePrefix = True
    return cell


def put(
    ws: Worksheet,
    ref: str,
    value: object,
    *,
    number_format: str | None = None,
    font=None,
    fill=None,
    border=None,
    alignment=None,
):
    """Write a value (text is always text); style it in the same call."""
    cell = put_text(ws, ref, value) if isinstance(value, str) else ws[ref]
    if not isinstance(value, str):
        cell.value = value
    for attr, style in (
        ("number_format", number_format),
        ("font", font),
        ("fill", fill),
        ("border", border),
        ("alignment", alignment),
    ):
        if style is not None:
            setattr(cell, attr, style)
    return cell


def put_formula(ws: Worksheet, ref: str, formula: str, **style):
    """Write a formula built by this package (never from catalog or user text)."""
    if not formula.startswith("="):
        raise ValueError(f"not a formula: {formula!r}")
    cell = put(ws, ref, None, **style)
    cell.value = formula
    return cell


def style_input(cell) -> None:
    cell.fill, cell.font, cell.border, cell.protection = INPUT_FILL, INPUT_FONT, BOX, UNLOCKED


def header_row(ws: Worksheet, row: int, first_col: int, labels: Sequence[str]) -> None:
    for offset, label in enumerate(labels):
        cell = ws.cell(row=row, column=first_col + offset)
        put_text(ws, cell.coordinate, label)
        cell.fill, cell.font, cell.border = HEADER_FILL, HEADER_FONT, BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def write_table(
    ws: Worksheet, name: str, headers: Sequence[str], rows: Iterable[Sequence[object]]
) -> int:
    """Headers at A1, rows below, as an Excel table named `name`; returns the last row."""
    last = 1
    for col, header in enumerate(headers, 1):
        put_text(ws, ws.cell(row=1, column=col).coordinate, header)
    for r, values in enumerate(rows, 2):
        last = r
        for c, value in enumerate(values, 1):
            if value is not None:
                put(ws, ws.cell(row=r, column=c).coordinate, value)
    end = ws.cell(row=max(last, 2), column=len(headers)).coordinate
    table = Table(displayName=name, ref=f"A1:{end}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    ws.add_table(table)
    ws.freeze_panes = "B2"
    return last


def define_name(wb: Workbook, name: str, sheet: str, ref: str) -> None:
    wb.defined_names[name] = DefinedName(name, attr_text=f"{quote_sheet(sheet)}!{ref}")


def quote_sheet(name: str) -> str:
    return f"'{name}'" if not name.isalnum() else name


def set_widths(ws: Worksheet, widths: dict[str, float]) -> None:
    for col, width in widths.items():
        ws.column_dimensions[col].width = width


# Characters of 11-pt proportional text per unit of column width, and points per line: the
# basis for row heights of wrapped text, since neither Excel nor LibreOffice grows a row
# (merged or written by a program) by itself.
CHARS_PER_UNIT = 1.1
LINE_POINTS = 15


def text_lines(text: str, width_units: float) -> int:
    """Lines a wrapped text takes in a column (or merged span) this many units wide: words
    wrapped greedily, a word longer than a line broken where it must be."""
    per_line = max(1, int(width_units * CHARS_PER_UNIT))
    total = 0
    for paragraph in text.split("\n"):
        lines, used = 1, 0
        for word in paragraph.split(" "):
            need = len(word) + (1 if used else 0)
            if used and used + need > per_line:
                lines, used = lines + 1, 0
                need = len(word)
            while need > per_line:  # a long word fills whole lines
                lines, need = lines + 1, need - per_line
            used += need
        total += lines
    return total


def fit_row_heights(ws: Worksheet, texts: dict[str, str] | None = None, first_row: int = 1) -> None:
    """Rows tall enough for their wrapped text: `texts` {"B7": "..."} (values a formula will
    show), else every wrapped text cell from first_row down. Merged cells are left alone."""
    if texts is None:
        texts = {
            c.coordinate: c.value
            for row in ws.iter_rows(min_row=first_row)
            for c in row
            if isinstance(c.value, str) and c.alignment.wrap_text
        }
    lines: dict[int, int] = {}
    for ref, text in texts.items():
        cell = ws[ref]
        if cell.coordinate in ws.merged_cells:
            continue
        width = ws.column_dimensions[cell.column_letter].width or 10
        lines[cell.row] = max(lines.get(cell.row, 1), text_lines(text, width))
    for row, count in lines.items():
        if count > 1:
            ws.row_dimensions[row].height = LINE_POINTS * count + 2


def print_landscape_fit_width(ws: Worksheet) -> None:
    """Landscape A4, one page wide and as many tall as the content needs."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.oddFooter.center.text = "&A — &P / &N"


def workbook_bytes(wb: Workbook) -> bytes:
    """The saved workbook as bytes: rendered in memory, so a full disk fails one clean write
    instead of leaving zipfile's half-closed archive to complain at exit."""
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def nodes_by_month_chart(
    ws: Worksheet, *, header_row: int, last_row: int, title: str, x_title: str, y_title: str = ""
) -> LineChart:
    """Nodes per scenario (columns C:E, titled in header_row) against the months in column A.

    Straight segments: smoothed lines would draw a whole-node count dipping between months."""
    chart = LineChart()
    chart.title, chart.x_axis.title, chart.y_axis.title = title, x_title, y_title
    data = Reference(ws, min_col=3, max_col=5, min_row=header_row, max_row=last_row)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=header_row + 1, max_row=last_row))
    for series in chart.series:
        series.smooth = False
    # the legend below and every third month labelled: the labels stay level, not slanted
    chart.legend.position = "b"
    chart.x_axis.tickLblSkip = 3
    chart.x_axis.tickMarkSkip = 1
    return chart
