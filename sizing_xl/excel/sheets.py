"""Sheets both workbooks share: the catalogs as Excel tables and the parameter dictionary."""

from __future__ import annotations

import math
from collections.abc import Sequence

from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from sizing_xl.catalog import Catalog
from sizing_xl.excel.catalog_labels import column_header
from sizing_xl.excel.cells import (
    SECTION_FONT,
    TOP,
    WRAP,
    fit_row_heights,
    header_row,
    print_landscape_fit_width,
    put,
    set_widths,
    write_table,
)
from sizing_xl.excel.columns import CATALOG_SHEETS, MODEL_COLUMNS, SERVER_COLUMNS, STORAGE_COLUMNS
from sizing_xl.excel.sheet_names import sheet_title
from sizing_xl.i18n import Lang
from sizing_xl.reports.glossary import PARAMETER_DICTIONARY


def column_letter(sheet: str, field: str) -> str:
    return get_column_letter(CATALOG_SHEETS[sheet].index(field) + 1)


LOOKUP_ROWS = 1000  # catalog rows the live formulas search: the packaged ones and an analyst's


# One helper cell per look-up key on the Model sheet (live/model_sheet.py), named here: each holds
# the key's catalog row once, and every look-up reads it instead of scanning the sheet again.
ROW_NAMES: dict[tuple[str, str], str] = {
    ("Models", "in_model"): "row_model",
    ("Servers", "in_server"): "row_server",
    ("Storage", "in_storage"): "row_storage",
}


def catalog_row(sheet: str, key: str) -> str:
    """The defined name of the helper cell holding the row of the entry named in `key` (0 if
    none); row_formula gives the helper's formula."""
    return ROW_NAMES[(sheet, key)]


def row_formula(sheet: str, key: str) -> str:
    """An exact, case-insensitive comparison, as a legacy array formula ({=MAX(...)}), which
    Excel, LibreOffice and Gnumeric all evaluate alike (Gnumeric reads SUMPRODUCT(MAX(...))
    as 0). Not MATCH: its type-0 search reads *, ? and ~ as wildcards (a model named "*"
    matched the header row). Not TRIM: it folds spaces inside a name, which the engine keeps.
    The last row of a repeated name wins, as a later workbook row replaces an earlier entry."""
    names = f"{sheet}!$A$2:$A${LOOKUP_ROWS}"
    return f"=MAX(({names}={key})*ROW({names}))"


def lookup(sheet: str, field: str, key: str) -> str:
    """The catalog value of the entry named in `key` (#N/A when there is none)."""
    col = column_letter(sheet, field)
    row = catalog_row(sheet, key)
    return f"INDEX({sheet}!${col}:${col},IF({row}=0,NA(),{row}))"


def build_catalog_sheets(wb: Workbook, catalog: Catalog, lang: Lang | None = None) -> None:
    """Models, Servers and Storage sheets, one Excel table each, every entry as plain values.

    Headers: the catalog's field names (Sizing.xlsm, whose functions read its tables by them),
    or with a language each field's label in it and the field (the director's workbook)."""
    for sheet, columns, entries in (
        ("Models", MODEL_COLUMNS, catalog.models.values()),
        ("Servers", SERVER_COLUMNS, catalog.servers.values()),
        ("Storage", STORAGE_COLUMNS, catalog.storage.values()),
    ):
        ws = wb.create_sheet(sheet)
        headers = columns if lang is None else [column_header(c, lang) for c in columns]
        write_table(
            ws, f"{sheet}Table", headers, ([getattr(e, c) for c in columns] for e in entries)
        )
        _fit_catalog_page(ws, columns, labelled=lang is not None)


# Text columns wrapped at a readable width; figures as narrow as they are, headers wrapped.
# A labelled header's words fit its column up to _WIDEST_WORD; the field named after the label
# wraps where it must (fitting those too shrank the Models sheet's print from 79% to 54%).
# A landscape A4 page holds about 140 width units at full size: a wider catalog prints on two
# pages across (about 7 pt), its name column repeated, not shrunk to one (about 4 pt).
_NARROW, _WIDEST_TEXT, _WIDEST_WORD, _PAGE_UNITS, _MOST_PAGES_ACROSS = 9, 40, 14, 140, 2


def _fit_catalog_page(ws: Worksheet, columns: Sequence[str], *, labelled: bool = False) -> None:
    """Landscape pages as wide as the table needs at a readable scale, the header row and the
    name column repeated on every page, rows fitted to text."""
    widths = {}
    for i, _column in enumerate(columns, 1):
        cells = [cell for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i)]
        texts = [len(str(c.value)) for c in cells if isinstance(c.value, str)]
        width = min(_WIDEST_TEXT, max([_NARROW, *texts])) if texts else _NARROW
        if labelled:  # bold, so a little wider than its letters
            label = str(ws.cell(row=1, column=i).value).rsplit(" (", 1)[0]
            word = max(len(w) for w in label.split())
            width = max(width, min(_WIDEST_WORD, round(word * 1.1)))
        widths[get_column_letter(i)] = width
        ws.cell(row=1, column=i).alignment = WRAP
        for cell in cells:
            cell.alignment = WRAP if texts else TOP
    set_widths(ws, widths)
    fit_row_heights(ws)
    print_landscape_fit_width(ws)
    across = math.ceil(sum(widths.values()) / _PAGE_UNITS)
    ws.page_setup.fitToWidth = max(1, min(_MOST_PAGES_ACROSS, across))
    ws.print_title_rows = "1:1"
    ws.print_title_cols = "A:A"


def build_dictionary_sheet(wb: Workbook, lang: Lang) -> None:
    """The parameter dictionary (the seed report's section 8)."""
    ws = wb.create_sheet(sheet_title("Dictionary", lang))
    title = "Dicionário de Parâmetros" if lang == "pt-BR" else "Parameter Dictionary"
    put(ws, "A1", title, font=SECTION_FONT)
    heads = (
        ("Parâmetro", "Origem", "Descrição", "Importância para o Cálculo")
        if lang == "pt-BR"
        else ("Parameter", "Origin", "Description", "Importance to the Calculation")
    )
    header_row(ws, 3, 1, heads)
    for r, entry in enumerate(PARAMETER_DICTIONARY[lang], 4):
        for c, text in enumerate(entry):
            put(ws, ws.cell(row=r, column=c + 1).coordinate, text, alignment=WRAP)
    set_widths(ws, {"A": 24, "B": 26, "C": 70, "D": 50})
    fit_row_heights(ws, first_row=4)  # wrapped rows would otherwise overlap in print
    print_landscape_fit_width(ws)
