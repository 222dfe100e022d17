"""workbook/Sizing.xlsm: the analyst's workbook, whose scenario cells call the SIZING_* UDFs.

Built from xlwings' standalone template (its VBA project kept byte for byte) with openpyxl.
The same inputs and catalog give the same workbook content, so a test can compare the
committed file with a fresh build.
"""

from __future__ import annotations

from datetime import datetime
from importlib import resources
from pathlib import Path

import openpyxl
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.formula import ArrayFormula
from openpyxl.worksheet.worksheet import Worksheet

from sizing_xl.catalog import Catalog
from sizing_xl.catalog.loading import load_catalog
from sizing_xl.excel.cached_values import store_spilled, udf_cell_values, with_cached_values
from sizing_xl.excel.cells import (
    BOLD,
    BOX,
    HEAT,
    NOTE_FONT,
    RESULT_FILL,
    SECTION_FONT,
    TITLE_FONT,
    TOP,
    WRAP,
    define_name,
    fit_row_heights,
    header_row,
    print_landscape_fit_width,
    put,
    put_formula,
    set_widths,
    style_input,
    workbook_bytes,
)
from sizing_xl.excel.columns import FIRST_INPUT_ROW, OPTIONS, SHEET
from sizing_xl.excel.live.model_sheet import write_inputs
from sizing_xl.excel.sheets import CATALOG_SHEETS, build_catalog_sheets
from sizing_xl.files import write_atomic
from sizing_xl.i18n import SCENARIO_TITLES
from sizing_xl.methods import METHOD_NAMES
from sizing_xl.scenarios import HEADLINE_CASE, SCENARIO_NAMES, SizingRequest, make_request

UDF_MODULE = "sizing_xl.udfs"
GRID_SHEET = "Grid"
# The grid's inputs: contexts down A7:A12, concurrencies across B5:G5; the table below them.
GRID_CONTEXTS = (4096, 8192, 16384, 32768, 65536, 131072)
GRID_LOADS = (250, 500, 1000, 2000, 4000, 8000)
GRID_FIRST_ROW = 15
GRID_FORMULA = (
    "=SIZING_GRID(in_model,in_server,$A$7:$A$12,$B$5:$G$5,$B$3,in_precision,in_budget_ratio,"
    "in_overhead_gib,in_headroom,in_tp,wb_models,wb_servers,in_method,in_pp,in_gpu_util,"
    "in_options)"
)
BUILT_AT = datetime(2026, 1, 1)  # fixed, so that a rebuild gives the same file content
DEFAULT_REQUEST = make_request(**HEADLINE_CASE)

_ARGS = (
    "in_model,in_server,in_concurrency,in_context,{s},in_precision,in_budget_ratio,"
    "in_overhead_gib,in_headroom,in_tp,wb_models,wb_servers,in_method,in_pp,in_gpu_util,"
    "in_options"
)
# (label, number format, formula); {s} is the scenario's header cell.
SCENARIO_ROWS: tuple[tuple[str, str, str], ...] = (
    (
        "KV cache per session (GiB)",
        "0.00",
        '=SIZING_RESULT("kv_per_session_gib",' + _ARGS + ")",
    ),
    ("Total KV (GiB)", "#,##0.0", '=SIZING_RESULT("kv_total_gib",' + _ARGS + ")"),
    ("HBM budget per node (GiB)", "#,##0.0", '=SIZING_RESULT("hbm_budget_gib",' + _ARGS + ")"),
    (
        "Sessions per node",
        "#,##0",
        "=SIZING_SESSIONS_PER_NODE(in_model,in_server,in_context,{s},in_precision,"
        "in_budget_ratio,in_overhead_gib,in_tp,wb_models,wb_servers,in_method,in_pp,"
        "in_gpu_util,in_options)",
    ),
    ("Nodes final", "#,##0", "=SIZING_NODES_FINAL(" + _ARGS + ")"),
    (
        "Capacity after failures (sessions)",
        "#,##0",
        "=SIZING_CAPACITY_AFTER_FAILURES(" + _ARGS + ")",
    ),
    ("Tokens/s per session (node full)", "#,##0.0", "=SIZING_TOKENS_PER_SECOND(" + _ARGS + ")"),
    ("TTFT (s)", "0.00", "=SIZING_TTFT_SECONDS(" + _ARGS + ")"),
    ("CapEx", "#,##0", "=SIZING_CAPEX(" + _ARGS + ")"),
    ("Monthly TCO (owned)", "#,##0", "=SIZING_TCO_MONTHLY(" + _ARGS + ")"),
    ("Monthly cloud", "#,##0", "=SIZING_CLOUD_MONTHLY(" + _ARGS + ")"),
    (
        "Per 1M output tokens (owned)",
        "#,##0.00",
        '=SIZING_COST_PER_MTOK("owned",' + _ARGS + ")",
    ),
)
ALERTS_FORMULA = (
    "=SIZING_ALERTS(in_model,in_server,in_concurrency,in_context,in_precision,in_budget_ratio,"
    'in_overhead_gib,in_headroom,in_tp,in_storage,"en",wb_models,wb_servers,in_method,in_pp,'
    "in_gpu_util,in_options)"
)

START_TEXT: tuple[tuple[str, str], ...] = (
    ("title", "sizing_xl — LLM inference sizing in Excel"),
    (
        "text",
        "How many GPU nodes a load of LLM sessions needs when GPU memory (HBM) is the limit: each "
        "live session holds a KV cache. The Sizing sheet sizes three scenarios (Minimum, "
        "Recommended, Ideal) with SIZING_* formulas that run the sizing_xl engine in Python.",
    ),
    ("section", "Enable the formulas (Windows, once; no add-in needed)"),
    ("text", '1. From a clone of the sizing_xl repository: pip install ".[excel]"'),
    (
        "text",
        "2. Excel: File > Options > Trust Center > Trust Center Settings > Macro Settings: "
        'tick "Trust access to the VBA project object model".',
    ),
    (
        "text",
        "3. Downloaded file? Right-click it > Properties > Unblock. Open it, Enable Content.",
    ),
    (
        "text",
        "4. Alt+F8 > ImportPythonUDFs > Run. The sheet xlwings.conf already names the module "
        "(UDF Modules = sizing_xl.udfs). Until then the formula cells show the values stored "
        "for the default inputs; after an input changes they need the functions (#NAME? "
        "without).",
    ),
    (
        "text",
        "macOS: classic UDFs do not run; use the sizing command or the director's .xlsx "
        "(sizing --output-xlsx), whose Model sheet uses plain Excel formulas. Excel on the web: "
        "open the director's .xlsx.",
    ),
    ("section", "Where inputs go"),
    (
        "text",
        "Yellow cells with dark-blue text on the Sizing sheet are the inputs; they are the only "
        "cells you can type in there (the sheet is protected without a password). Model, server "
        "and storage are dropdowns fed from the Models, Servers and Storage sheets.",
    ),
    (
        "text",
        "Method: seed (sizing.py v2.0, the default), vllm or sglang, which follow those "
        "engines' memory rules (weights, paged blocks, sliding windows); Pipeline parallel and "
        "the memory utilisation (blank: vLLM's 0.92) apply to the engine methods.",
    ),
    (
        "text",
        "Green cells are the key results. To size a model of your own, add a row to the Models "
        "table (name, attention_type, attention_pattern, num_layers, ...) and pick it on the "
        "Sizing sheet: the formulas read the Models and Servers sheets before the catalogs.",
    ),
    ("section", "Functions"),
    (
        "text",
        "SIZING_KV_PER_SESSION_GIB(model, effective_context, [kv_precision], …) — KV per session, GiB",
    ),
    (
        "text",
        "SIZING_KV_TOTAL_GIB(model, concurrency, effective_context, …) — KV of all sessions, GiB",
    ),
    (
        "text",
        "SIZING_HBM_BUDGET_GIB(server, [scenario], [kv_budget_ratio], …) — KV budget per node",
    ),
    ("text", "SIZING_SESSIONS_PER_NODE(model, server, effective_context, [scenario], …)"),
    ("text", "SIZING_NODES_FINAL(model, server, concurrency, effective_context, [scenario], …)"),
    ("text", "SIZING_CAPACITY_AFTER_FAILURES(…) — sessions served after losing the HA spares"),
    ("text", "SIZING_SCENARIO(…) — a scenario's whole result as a 2-column table"),
    ("text", 'SIZING_RESULT(field, …) — one value of it, e.g. "hbm_budget_gib"'),
    (
        "text",
        "SIZING_ALERTS(…) — the alerts as text; SIZING_MODEL / SIZING_SERVER — catalog values",
    ),
    (
        "text",
        "SIZING_CAPEX, SIZING_TCO_MONTHLY, SIZING_CLOUD_MONTHLY, SIZING_COST_PER_MTOK(basis, …), "
        "SIZING_TOKENS_PER_SECOND, SIZING_TTFT_SECONDS — money and throughput per scenario",
    ),
    (
        "text",
        "The last argument of each, options, is a 2-column range of (option, value) rows: the "
        "OPTIONS block of the Sizing sheet (node price, cloud offer, SLOs, currency, ...).",
    ),
    ("text", "SIZING_CATALOG([kind]) — catalog names; SIZING_VERSION() — the version"),
    (
        "text",
        'A bad argument shows "ERROR: <argument>: <what was expected>" in the cell.',
    ),
)


def template_path() -> Path:
    """xlwings' standalone quickstart workbook, shipped inside the installed xlwings."""
    return Path(str(resources.files("xlwings").joinpath("quickstart_standalone.xlsm")))


def build_sizing_workbook(
    catalog: Catalog | None = None, request: SizingRequest = DEFAULT_REQUEST
) -> Workbook:
    """Start, Sizing, Grid, Models, Servers, Storage and xlwings.conf, on the template's VBA project."""
    wb = openpyxl.load_workbook(template_path(), keep_vba=True)
    start = wb["Sheet1"]
    start.title = "Start"
    build_start_sheet(start, START_TEXT)
    conf = wb["_xlwings.conf"]
    conf.title = "xlwings.conf"  # active only under this name
    _configure_xlwings(conf)
    add_sizing_sheets(wb, catalog, request)
    wb.move_sheet("xlwings.conf", offset=len(wb.sheetnames))
    return wb


def add_sizing_sheets(
    wb: Workbook, catalog: Catalog | None = None, request: SizingRequest = DEFAULT_REQUEST
) -> None:
    """The Sizing, Grid and catalog sheets after a Start sheet: what Sizing.xlsm and the
    xlwings Lite workbook share (lite.py)."""
    ws = wb.create_sheet(SHEET, index=1)
    build_catalog_sheets(wb, catalog or load_catalog())
    for sheet, columns in CATALOG_SHEETS.items():
        last_col = openpyxl.utils.get_column_letter(len(columns))
        # grows with the table: header row down to the last filled name, no blank rows
        wb.defined_names[f"wb_{sheet.lower()}"] = DefinedName(
            f"wb_{sheet.lower()}",
            attr_text=f"{sheet}!$A$1:INDEX({sheet}!${last_col}:${last_col},COUNTA({sheet}!$A:$A))",
        )
    _build_sizing_sheet(wb, ws, request)
    _build_grid_sheet(wb.create_sheet(GRID_SHEET, index=2))
    wb.active = 0
    wb.properties.creator = "sizing_xl"
    wb.properties.lastModifiedBy = "sizing_xl"
    wb.properties.created = wb.properties.modified = BUILT_AT
    # No forced recalculation on open: the UDF cells carry cached values (see
    # workbook_with_values), which stay right until an input changes and Excel recalculates
    # with the imported functions; forcing it before the import showed a sheet of #NAME?.
    wb.calculation.fullCalcOnLoad = False


def build_start_sheet(ws: Worksheet, lines: tuple[tuple[str, str], ...]) -> None:
    row = 1
    for kind, text in lines:
        if kind == "title":
            put(ws, f"A{row}", text, font=TITLE_FONT)
            row += 2
            continue
        if kind == "section":
            row += 1
            put(ws, f"A{row}", text, font=SECTION_FONT)
        else:
            put(ws, f"A{row}", text, alignment=WRAP)
            ws.row_dimensions[row].height = 16 * (1 + len(text) // 95) + 2
        row += 1
    set_widths(ws, {"A": 95})
    print_landscape_fit_width(ws)
    ws.page_setup.fitToHeight = 1  # the whole Start sheet on one page
    ws.protection.sheet = True
    ws.sheet_view.showGridLines = False


def _configure_xlwings(ws: Worksheet) -> None:
    """Name the UDF module; drop the template's "rename this sheet" notes, done already; print
    the settings alone, on one page."""
    settings = [row[0] for row in ws.iter_rows(min_col=1, max_col=1) if row[0].value]
    notes = next((c.row for c in settings if c.value == "Instructions:"), None)
    if notes is not None:
        ws.delete_rows(notes, ws.max_row - notes + 1)
    for cell in settings:
        if cell.value == "UDF Modules":
            put(ws, f"B{cell.row}", UDF_MODULE)
            last = max(c.row for c in settings if notes is None or c.row < notes)
            ws.print_area = f"A1:B{last}"
            ws.page_setup.fitToWidth = ws.page_setup.fitToHeight = 1
            ws.sheet_properties.pageSetUpPr.fitToPage = True
            return
    raise RuntimeError("the xlwings template has no 'UDF Modules' setting")


def _build_sizing_sheet(wb: Workbook, ws: Worksheet, request: SizingRequest) -> None:
    put(
        ws,
        "A1",
        "Sizing — the three scenarios, computed by the SIZING_* functions",
        font=TITLE_FONT,
    )
    put(
        ws,
        "A2",
        "Change the yellow cells. Results need the SIZING_* functions enabled once (see Start).",
        font=NOTE_FONT,
    )
    put(ws, "A4", "INPUTS", font=SECTION_FONT)
    _, row = write_inputs(wb, ws, request, "en", first_row=FIRST_INPUT_ROW, methods=METHOD_NAMES)
    row += 1
    put(
        ws,
        f"A{row}",
        "OPTIONS (blank: the default; names as in SIZING_* options)",
        font=SECTION_FONT,
    )
    first = row + 1
    for offset, option in enumerate(OPTIONS):
        put(ws, f"A{first + offset}", option)
        style_input(ws[f"B{first + offset}"])
    row = first + len(OPTIONS)
    define_name(wb, "in_options", SHEET, f"$A${first}:$B${row - 1}")
    row += 1
    put(ws, f"A{row}", "SCENARIOS", font=SECTION_FONT)
    row += 1
    header = row
    header_row(ws, header, 1, ["Metric", *(SCENARIO_TITLES[n]["en"] for n in SCENARIO_NAMES)])
    for label, fmt, formula in SCENARIO_ROWS:
        row += 1
        key = label == "Nodes final"
        put(ws, f"A{row}", label, font=BOLD if key else None, alignment=TOP)
        for col in "BCD":
            put_formula(
                ws,
                f"{col}{row}",
                formula.format(s=f"{col}${header}"),
                number_format=fmt,
                font=BOLD if key else None,
                fill=RESULT_FILL if key else None,
                alignment=WRAP,  # a "NO FIGURE: ..." line wraps inside its column
            )
    row += 2
    put(ws, f"A{row}", "ALERTS", font=SECTION_FONT)
    row += 1
    put_formula(ws, f"A{row}", ALERTS_FORMULA, alignment=WRAP)
    ws.merge_cells(f"A{row}:D{row}")
    ws.row_dimensions[row].height = 90
    set_widths(ws, {"A": 44, "B": 20, "C": 20, "D": 20})
    print_landscape_fit_width(ws)
    ws.page_setup.fitToHeight = 1  # inputs and scenarios on one page
    ws.protection.sheet = True
    ws.sheet_view.showGridLines = False


def _build_grid_sheet(ws: Worksheet) -> None:
    """Nodes for every context x concurrency: one SIZING_GRID array formula over yellow
    inputs, the other inputs taken from the Sizing sheet, heat-mapped."""
    put(ws, "A1", "Grid — nodes for every context × concurrency (SIZING_GRID)", font=TITLE_FONT)
    put(
        ws,
        "A2",
        "Type contexts in A7:A12 and concurrencies in B5:G5 (blanks are skipped). Model, "
        "server and every other input come from the Sizing sheet.",
        font=NOTE_FONT,
    )
    put(ws, "A3", "Scenario", font=BOLD)
    put(ws, "B3", "recommended")
    style_input(ws["B3"])
    choices = DataValidation(type="list", formula1='"' + ",".join(SCENARIO_NAMES) + '"')
    choices.add("B3")
    ws.add_data_validation(choices)
    put(ws, "A5", "Concurrency →", font=BOLD)
    put(ws, "A6", "Context (tokens) ↓", font=BOLD)
    for col, load in zip("BCDEFG", GRID_LOADS, strict=True):
        put(ws, f"{col}5", load, number_format="#,##0")
        style_input(ws[f"{col}5"])
    for row, context in enumerate(GRID_CONTEXTS, 7):
        put(ws, f"A{row}", context, number_format="#,##0")
        style_input(ws[f"A{row}"])
    put(ws, f"A{GRID_FIRST_ROW - 1}", "NODES (one array formula)", font=SECTION_FONT)
    last = GRID_FIRST_ROW + len(GRID_CONTEXTS)
    span = f"A{GRID_FIRST_ROW}:G{last}"
    ws[f"A{GRID_FIRST_ROW}"] = ArrayFormula(span, GRID_FORMULA)
    for cells in ws[span]:
        for cell in cells:
            cell.number_format, cell.border = "#,##0", BOX
    ws.conditional_formatting.add(f"B{GRID_FIRST_ROW + 1}:G{last}", HEAT)
    set_widths(ws, {"A": 24, **dict.fromkeys("BCDEFG", 12)})
    print_landscape_fit_width(ws)
    ws.page_setup.fitToHeight = 1
    ws.protection.sheet = True
    ws.sheet_view.showGridLines = False


def write_sizing_workbook(path: str | Path, catalog: Catalog | None = None) -> Path | None:
    """Write atomically; a replaced file is kept as <name>.bak-<time>.xlsm (returned)."""
    return write_atomic(path, workbook_with_values(build_sizing_workbook(catalog)), backup=True)


def workbook_with_values(wb: Workbook) -> bytes:
    """The file's bytes with every UDF cell's value stored, as the engine computes it, so the
    workbook reads right before the functions are loaded."""
    values = udf_cell_values(wb, SHEET)
    # rows tall enough for the wrapped text their cached values hold ("NO FIGURE: ...")
    fit_row_heights(wb[SHEET], {ref: v for ref, v in values.items() if isinstance(v, str)})
    grid = udf_cell_values(wb, GRID_SHEET)
    store_spilled(wb[GRID_SHEET], grid)
    return with_cached_values(
        workbook_bytes(wb),
        {wb.sheetnames.index(SHEET) + 1: values, wb.sheetnames.index(GRID_SHEET) + 1: grid},
    )
