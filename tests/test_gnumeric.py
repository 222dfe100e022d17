"""The director's workbook recalculated by a second spreadsheet engine, Gnumeric: its live
sheets give what LibreOffice gives and the engine gives, with no error value anywhere."""

from __future__ import annotations

import subprocess

import openpyxl
import pytest

from sizing_xl import make_request, size
from sizing_xl.excel.director.workbook import write_director_workbook
from sizing_xl.excel.live.model_sheet import build_live_model_sheet
from tests.test_director_workbook import (
    ERROR_MARKERS,
    GENERATED_AT,
    catalog_with_readme_server,
    grid_cases,
)

pytestmark = pytest.mark.libreoffice  # the slow spreadsheet-engine tests run together


def _formula_refs(path) -> list[tuple[int, str]]:
    """(sheet number, cell) of every formula in the workbook, array formulas included."""
    return [
        (number, c.coordinate)
        for number, ws in enumerate(openpyxl.load_workbook(path).worksheets)
        for row in ws.iter_rows()
        for c in row
        if (isinstance(c.value, str) and c.value.startswith("=")) or hasattr(c.value, "ref")
    ]


def _same(stored, computed) -> bool:
    if stored in ("", None) or computed in ("", None):
        return stored in ("", None) and computed in ("", None)
    if isinstance(stored, int | float) and not isinstance(stored, bool):
        return isinstance(computed, int | float) and computed == pytest.approx(
            stored, rel=1e-12, abs=1e-12
        )
    return stored == computed


def test_gnumeric_recalculates_the_live_sheets_to_the_engines_values(tmp_path, ssconvert):
    """Every grid case of the LibreOffice test (stored values there are held to the engine):
    Gnumeric's recalculation of every formula (Executive, Model, Sensitivity and its
    workings) equals the stored value, the snapshot line says it matches, the catalog
    look-ups find their rows, no cell is an error."""
    catalog = catalog_with_readme_server(tmp_path / "catalog")
    checked = 0
    for i, args in enumerate(grid_cases()):
        result = size(make_request(**args), catalog)
        lang = ("pt-BR", "en")[i % 2]
        source, out = tmp_path / f"case{i:03d}.xlsx", tmp_path / f"case{i:03d}.gnumeric.xlsx"
        write_director_workbook(
            result, source, lang=lang, generated_at=GENERATED_AT, catalog=catalog
        )
        subprocess.run(
            [ssconvert, "--recalc", str(source), str(out)],
            check=True,
            capture_output=True,
            timeout=120,
        )
        stored = openpyxl.load_workbook(source, data_only=True)
        computed = openpyxl.load_workbook(out, data_only=True)
        for number, ref in _formula_refs(source):
            kept = stored.worksheets[number][ref].value
            got = computed.worksheets[number][ref].value
            assert _same(kept, got), f"{source.name} {number}!{ref}: {kept!r} != {got!r}"
            checked += 1
        layout = build_live_model_sheet(openpyxl.Workbook(), result, lang)
        assert all(computed.worksheets[1][ref].value > 0 for ref in layout.rows.values())
        assert computed.worksheets[0]["A4"].value == stored.worksheets[0]["A4"].value
        for sheet in computed.worksheets:
            for row in sheet.iter_rows():
                for c in row:
                    bad = isinstance(c.value, str) and c.value.startswith(ERROR_MARKERS)
                    assert not bad, f"{source.name} {sheet.title}!{c.coordinate}: {c.value}"
    assert checked > 60 * 400
