"""The live Model sheet: native Excel formulas that mirror sizing_xl.engine, cell for cell.

Only functions that Excel 2016+, LibreOffice 7.4 and Gnumeric all evaluate (INDEX, MAX/ROW
array formulas for exact look-ups, IF, AND/OR, ISBLANK/ISNUMBER, MIN/MAX, INT, ROUND, ROUNDUP);
no UDFs and no macros, so a person without Python can change an input and watch the three scenarios recompute.
Results show only when the input check says OK.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.formula import ArrayFormula
from openpyxl.worksheet.worksheet import Worksheet

from sizing_xl.excel.cells import (
    BOLD,
    NOTE_FONT,
    RESULT_FILL,
    RIGHT,
    SECTION_FONT,
    TITLE_FONT,
    WRAP,
    define_name,
    header_row,
    print_landscape_fit_width,
    put,
    put_formula,
    set_widths,
    style_input,
)
from sizing_xl.excel.columns import INPUTS
from sizing_xl.excel.live.input_validations import add_input_validations
from sizing_xl.excel.live.model_formulas import (
    ARCHITECTURE_QUANTITIES,
    INFEASIBLE,
    WEIGHTS_PRECISION_NAME,
    architecture_rows,
    scenario_rows,
    weights_gib_formula,
    weights_precision_formula,
)
from sizing_xl.excel.live.model_labels import single_label
from sizing_xl.excel.live.money_formulas import LABELS as MONEY_LABELS
from sizing_xl.excel.live.money_formulas import (
    MONEY_INPUTS,
    MONEY_QUANTITIES,
    MONEY_ROWS,
    PERF_INPUTS,
    money_format,
    money_rows,
)
from sizing_xl.excel.live.words import LIVE_WORDS
from sizing_xl.excel.sheet_names import sheet_title
from sizing_xl.excel.sheets import ROW_NAMES, catalog_row, lookup, row_formula
from sizing_xl.i18n import Lang, scenario_titles
from sizing_xl.scenarios import HA_SPARES, SCENARIO_NAMES, SizingRequest, SizingResult
from sizing_xl.step_time import perf_constants
from sizing_xl.units import BYTES_PER_PARAM, KV_PRECISIONS

SHEET = "Model"
SCENARIO_COLUMNS = dict(zip(SCENARIO_NAMES, "BCD", strict=True))
__all__ = [
    "INFEASIBLE",
    "LIVE_WORDS",
    "SHEET",
    "LiveModelCells",
    "build_live_model_sheet",
    "when_ok",
    "write_inputs",
]

# (defined name, request field, number format)
# vLLM knobs the live Model sheet also takes; a blank cell is the catalog's or engine's default.
ENGINE_INPUTS: tuple[tuple[str, str, str], ...] = (
    ("in_weights_gib", "weights_gib", "#,##0.0"),
    ("in_nw_overhead", "non_weight_overhead_gib", "#,##0.0"),
    ("in_block", "block_size", "0"),
    ("in_max_seqs", "max_num_seqs", "#,##0"),
)
METHODS_IN_SHEET = ("seed", "vllm")  # SGLang's pool is sized by the engine only


@dataclass
class LiveModelCells:
    """Where each quantity lives on the Model sheet, for the Executive sheet and the tests."""

    single: dict[str, str] = field(default_factory=dict)  # quantity -> "B30"
    scenario: dict[str, dict[str, str]] = field(default_factory=dict)  # scenario -> quantity -> ref
    inputs: dict[str, str] = field(default_factory=dict)  # request field -> its input cell
    policy: dict[str, dict[str, str]] = field(default_factory=dict)  # scenario -> knob -> ref
    check: str = ""
    note: str = ""  # under the check: why the rows that need the weights show a dash
    rows: dict[str, str] = field(default_factory=dict)  # sheets.ROW_NAMES name -> helper cell


def build_live_model_sheet(wb: Workbook, result: SizingResult, lang: Lang) -> LiveModelCells:
    """Inputs set to the sizing's values, the catalog look-ups, and the three scenarios.

    The weights input is filled when the request sized them its own way (a flag or a
    precision); left blank, the sheet reads the catalog as the engine does. Finance
    assumptions and the cloud offer's price are written as the sizing resolved them.
    """
    request, finance, weights = result.inputs, result.finance, result.deployment.weights
    ws = wb.create_sheet(SHEET)
    words = LIVE_WORDS[lang] | MONEY_LABELS[lang]
    cells = LiveModelCells()
    put(ws, "A1", words["title"], font=TITLE_FONT)
    put(ws, "A2", words["hint"], font=NOTE_FONT)
    put(ws, "A4", words["inputs"], font=SECTION_FONT)
    own_weights = weights is not None and (request.weights_gib or request.weights_precision)
    values = {
        "weights_gib": weights.gib if own_weights else None,
        "cloud_usd_per_hour": finance.cloud_offer.usd_per_hour if finance.cloud_offer else None,
        "usd_to_currency": finance.usd_to_currency,
        **{name: figure["value"] for name, figure in finance.assumptions.items()},
        **{name: getattr(perf_constants(), name) for name in PERF_INPUTS},
    }
    refs, row = write_inputs(
        wb,
        ws,
        request,
        lang,
        first_row=5,
        inputs=INPUTS + ENGINE_INPUTS + MONEY_INPUTS,
        values=values,
    )
    cells.single.update(refs)
    cells.inputs = dict(refs)
    _add_row_helpers(wb, ws, cells)
    check = f"B{row}"
    cells.check = check
    wb.defined_names[WEIGHTS_PRECISION_NAME] = DefinedName(
        WEIGHTS_PRECISION_NAME, attr_text=weights_precision_formula()
    )
    put(ws, f"A{row}", words["check"], font=BOLD)
    put_formula(ws, check, _check_formula(words), font=BOLD)
    row += 2

    put(ws, f"A{row}", words["arch"], font=SECTION_FONT)
    row += 1
    refs = cells.single
    singles = ARCHITECTURE_QUANTITIES + MONEY_QUANTITIES
    engine_start = ARCHITECTURE_QUANTITIES.index("replicas_per_node")
    money_start = len(ARCHITECTURE_QUANTITIES)
    for offset, quantity in enumerate(singles):
        # the engine and the money rows sit under headings of their own
        gap = (offset >= engine_start) + 2 * (offset >= money_start)
        refs[quantity] = f"B{row + offset + gap}"
    rows_single = architecture_rows(refs) + money_rows(refs)
    assert tuple(q for q, _ in rows_single) == singles
    put(ws, f"A{row + engine_start}", words["engine"], font=SECTION_FONT)
    put(ws, f"A{row + money_start + 2}", words["money"], font=SECTION_FONT)
    for quantity, formula in rows_single:
        fmt = "0.00" if quantity == "gpu_memory_utilization" else "#,##0.###"
        put(ws, f"A{refs[quantity][1:]}", single_label(quantity, lang))
        # right-aligned, so a dash or a word lines up with the figures above and below
        put_formula(ws, refs[quantity], when_ok(check, formula), number_format=fmt, alignment=RIGHT)
    cells.note = f"A{int(check[1:]) + 1}"
    weighed = f'AND({check}="{words["ok"]}",NOT(ISNUMBER({refs["weights_gib"]})))'
    note = f'=IF({weighed},"{words["no_weights"]}","")'
    put_formula(ws, cells.note, note, font=NOTE_FONT, alignment=WRAP)
    ws.merge_cells(f"{cells.note}:D{cells.note[1:]}")
    ws.row_dimensions[int(cells.note[1:])].height = 30
    row += len(singles) + 4

    put(ws, f"A{row}", words["scenarios"], font=SECTION_FONT)
    row += 1
    header_row(ws, row, 1, [words["metric"], *scenario_titles(lang)])
    row += 1
    policy_rows = {}
    for key in ("policy_spares", "policy_headroom", "policy_budget", "policy_stricter"):
        policy_rows[key] = row
        put(ws, f"A{row}", words[key], font=NOTE_FONT)
        for name, col in SCENARIO_COLUMNS.items():
            policy = request.policies[name]
            value = {
                "policy_spares": HA_SPARES[policy.ha_mode],
                "policy_headroom": policy.peak_headroom_ratio,
                "policy_budget": policy.kv_budget_ratio,
                "policy_stricter": policy.follow_stricter_request,
            }[key]
            cell = put(
                ws,
                f"{col}{row}",
                value,
                number_format="0%" if key in ("policy_headroom", "policy_budget") else "General",
            )
            style_input(cell)
            cells.policy.setdefault(name, {})[key] = f"{col}{row}"
        row += 1
    rows = scenario_rows(refs, lang)
    row_of = {**policy_rows, **{q: row + i for i, (q, *_) in enumerate(rows)}}
    for quantity, label, fmt, template in rows:
        if quantity in MONEY_ROWS:
            fmt = money_format(finance.currency, cents=fmt.endswith(".00"))
        r = row_of[quantity]
        key = quantity == "nodes_final"
        put(ws, f"A{r}", label, font=BOLD if key else None)
        for name, col in SCENARIO_COLUMNS.items():
            formula = template.replace("X{", col + "{").format(**row_of)
            put_formula(
                ws,
                f"{col}{r}",
                when_ok(check, formula),
                number_format=fmt,
                font=BOLD if key else None,
                fill=RESULT_FILL if key else None,
                alignment=RIGHT,
            )
            cells.scenario.setdefault(name, {})[quantity] = f"{col}{r}"
    set_widths(ws, {"A": 46, "B": 20, "C": 20, "D": 20})
    print_landscape_fit_width(ws)
    ws["A2"].alignment = WRAP
    ws.merge_cells("A2:D2")
    ws.row_dimensions[2].height = 32
    ws.protection.sheet = True  # no password: it guards formulas from slips, not from people
    ws.sheet_view.showGridLines = False
    return cells


def write_inputs(
    wb: Workbook,
    ws: Worksheet,
    request: SizingRequest,
    lang: Lang,
    *,
    first_row: int,
    inputs: tuple[tuple[str, str, str], ...] = INPUTS,
    values: dict[str, object] | None = None,
    methods: tuple[str, ...] = METHODS_IN_SHEET,
) -> tuple[dict[str, str], int]:
    """The inputs block from first_row down: each value a defined name (in_model, ...), styled
    as an input, with its dropdown or range check. Returns {request field: cell}, next row.

    A value comes from `values` when given there (not None), else from the request; None
    leaves the cell blank, which the formulas read as "the default"."""
    words = LIVE_WORDS[lang] | MONEY_LABELS[lang]
    given = {k: v for k, v in (values or {}).items() if v is not None}
    refs = {}
    for offset, (name, attr, fmt) in enumerate(inputs):
        row = first_row + offset
        label = f"{words[attr]} ({', '.join(methods)})" if attr == "method" else words[attr]
        put(ws, f"A{row}", label)
        value = given.get(attr, getattr(request, attr, None))
        style_input(put(ws, f"B{row}", value, number_format=fmt))
        define_name(wb, name, ws.title, f"$B${row}")
        refs[attr] = f"B{row}"
    add_input_validations(ws, refs, methods)
    return refs, first_row + len(inputs)


_NAMED_INPUTS = {"model": "Models", "server": "Servers", "storage": "Storage"}
HELPER_COLUMN = "H"  # hidden: the catalog row of each named input, beside the input


def _add_row_helpers(wb: Workbook, ws: Worksheet, cells: LiveModelCells) -> None:
    """One array-formula cell per catalog look-up key (sheets.ROW_NAMES), each named, so the
    sheet scans a catalog once per key; every look-up reads the name."""
    for attr, sheet in _NAMED_INPUTS.items():
        row = cells.inputs[attr][1:]
        ref = f"{HELPER_COLUMN}{row}"
        name = ROW_NAMES[(sheet, f"in_{attr}")]
        ws[ref] = ArrayFormula(ref, row_formula(sheet, f"in_{attr}"))
        wb.defined_names[name] = DefinedName(name, attr_text=f"{ws.title}!${HELPER_COLUMN}${row}")
        cells.rows[name] = ref
    ws.column_dimensions[HELPER_COLUMN].hidden = True


def unchanged_inputs(ws: Worksheet, cells: LiveModelCells) -> list[str]:
    """Formula tests, from another sheet, that each Model-sheet input still holds its value.

    Catalog names are compared through their row in the catalog sheet, so no catalog text is
    ever written into a formula.
    """
    tests = []
    for attr, ref in cells.inputs.items():
        cell, value = f"{ws.title}!{ref}", ws[ref].value
        if attr in _NAMED_INPUTS:
            sheet = ws.parent[_NAMED_INPUTS[attr]]
            rows = [c.row for c in sheet["A"][1:] if str(c.value).lower() == str(value).lower()]
            tests.append(f"{catalog_row(sheet.title, f'in_{attr}')}={rows[-1] if rows else 0}")
        elif value is None:
            tests.append(f"ISBLANK({cell})")
        elif isinstance(value, bool):
            tests.append(f"{cell}={str(value).upper()}")
        elif isinstance(value, int):
            tests.append(f"{cell}={value!r}")
        elif isinstance(value, float):  # Gnumeric reads a stored number to 15 digits
            tests.append(f"ROUND({cell},9)=ROUND({value!r},9)")
        else:  # the sheet's own words: precisions, methods, currency codes
            tests.append(f'{cell}="{str(value).replace(chr(34), chr(34) * 2)}"')
    return tests


def when_ok(check: str, formula: str) -> str:
    """A result shown only when the input check says OK; otherwise blank, never #N/A or a
    number computed from an input the engine would refuse."""
    return f'=IF({check}="{LIVE_WORDS["en"]["ok"]}",{formula.removeprefix("=")},"")'


def _check_formula(words: dict[str, str]) -> str:
    def known(sheet: str, name: str) -> str:  # true when the name is NOT in the sheet
        return f"{catalog_row(sheet, name)}=0"

    precisions = ",".join(f'in_precision="{p}"' for p in KV_PRECISIONS)
    methods = ",".join(f'in_method="{m}"' for m in METHODS_IN_SHEET)
    # request.DerivedPrecision: the engine refuses any other, whatever the method
    weighed = ",".join(f'in_weights_prec="{p}"' for p in BYTES_PER_PARAM)
    numbers = (
        "OR(in_concurrency<1,in_context<1,in_tp<1,in_pp<1,in_budget_ratio<=0,"
        "in_budget_ratio>1,in_overhead_gib<0,in_headroom<0,"
        "AND(ISNUMBER(in_gpu_util),OR(in_gpu_util<=0,in_gpu_util>1)),"
        "in_pue<1,in_mbu<=0,in_mbu>1,in_mfu<=0,in_mfu>1,in_fill<=0,in_fill>1,in_rate<=0,"
        "in_life<=0,in_hours<=0,in_dce<=0,in_dce>1,in_align<0,in_align>1,in_step_ms<0,"
        "in_layer_us<0,in_moe_us<0,in_ar_us<0,in_ar_node_us<0,in_expert_us<0,in_req_ms<0,"
        "AND(ISNUMBER(in_osl),in_osl<1))"
    )
    gpus = lookup("Servers", "gpus_per_node", "in_server")
    max_context = lookup("Models", "max_context", "in_model")
    replica = "in_tp*in_pp"
    fits = f"OR(AND({replica}<={gpus},MOD({gpus},{replica})=0),AND({replica}>{gpus},MOD({replica},{gpus})=0))"
    return (
        f'=IF({known("Models", "in_model")},"{words["bad_model"]}",'
        f'IF({known("Servers", "in_server")},"{words["bad_server"]}",'
        f'IF({known("Storage", "in_storage")},"{words["bad_storage"]}",'
        f'IF(NOT(OR({precisions})),"{words["bad_precision"]}",'
        f'IF(NOT(OR({methods})),"{words["bad_method"]}",'
        f'IF({numbers},"{words["bad_number"]}",'
        f'IF(AND(ISNUMBER({max_context}),in_context>{max_context}),"{words["bad_context"]}",'
        f'IF(AND(NOT(ISBLANK(in_weights_prec)),NOT(OR({weighed}))),"{words["bad_weights_prec"]}",'
        f'IF(AND(in_method="vllm",NOT(ISNUMBER({weights_gib_formula()}))),"{words["bad_weights"]}",'
        f'IF(NOT({fits}),"{words["bad_deployment"]}","{words["ok"]}"))))))))))'
    )


def catalog_rows(wb: Workbook, model: Worksheet, cells: LiveModelCells, lang: Lang) -> dict:
    """The Model sheet's look-up helpers as they compute: the row of each named input in its
    catalog sheet (the last, as the formula takes; 0 if none), compared case-insensitively."""
    values = {}
    for (sheet, key), name in ROW_NAMES.items():
        wanted = str(model[cells.inputs[key.removeprefix("in_")]].value).lower()
        catalog = wb[sheet_title(sheet, lang)]
        rows = [c.row for c in catalog["A"][1:] if str(c.value).lower() == wanted]
        values[cells.rows[name]] = rows[-1] if rows else 0
    return values
