"""The Sensitivity sheet: nodes over context x concurrency, fp8 against fp16, and a growth plan.

Native formulas over the live Model sheet, so they follow its inputs: the Model sheet's own rows
are written again on a hidden Calc sheet, once per context of the grid and per compared
precision (the same formula text, with in_context or in_precision replaced), and the grid turns
each block's sessions per unit into nodes as the Model sheet does. The engine's values are
stored in every formula cell for viewers that do not recalculate; the LibreOffice tests prove
both equal.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import absolute_coordinate
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from sizing_xl.catalog import Catalog
from sizing_xl.excel.cells import (
    BOLD,
    BOX,
    HEAT,
    NOTE_FONT,
    RIGHT,
    SECTION_FONT,
    TITLE_FONT,
    WRAP,
    header_row,
    nodes_by_month_chart,
    print_landscape_fit_width,
    put,
    put_formula,
    set_widths,
    style_input,
)
from sizing_xl.excel.director.sensitivity_words import WORDS
from sizing_xl.excel.live.model_formulas import (
    ARCHITECTURE_QUANTITIES,
    INFEASIBLE,
    architecture_rows,
    scenario_rows,
)
from sizing_xl.excel.live.model_sheet import LIVE_WORDS, LiveModelCells, when_ok
from sizing_xl.excel.live.model_sheet import SHEET as MODEL_SHEET
from sizing_xl.excel.live.money_formulas import MONEY_QUANTITIES, money_rows
from sizing_xl.excel.live.values import block_values, check_value, inputs_pass_check
from sizing_xl.excel.sheet_names import sheet_title
from sizing_xl.excel.sheets import lookup
from sizing_xl.i18n import Lang, scenario_titles
from sizing_xl.planning.growth import growth_plan, monthly_loads
from sizing_xl.planning.sweep import Axis, sweep_nodes
from sizing_xl.records import as_dict, field_specs
from sizing_xl.request import SCENARIO_NAMES, SizingRequest, make_request
from sizing_xl.scenarios import SizingResult, size

SHEET = "Sensitivity"
CALC_SHEET = "Calc"
CONTEXT_LADDER = (2048, 4096, 8192, 16384, 32768, 65536, 131072, 262144, 1048576)
LOAD_FACTORS = (0.25, 0.5, 1, 2, 4, 8)  # the grid's concurrencies, around the request's
AXIS_SIZE = 6
COMPARED = ("fp8", "fp16")
GROWTH_MONTHLY = 0.15
GROWTH_MONTHS = 24
_SINGLES = ARCHITECTURE_QUANTITIES + MONEY_QUANTITIES
_POLICY_KEYS = ("policy_spares", "policy_headroom", "policy_budget", "policy_stricter")
MAX_CONCURRENCY = field_specs(SizingRequest)["concurrency"].limit.le  # type: ignore[union-attr]


def axis_contexts(result: SizingResult) -> list[int]:
    """Six contexts around the request's (kept), none above the model's maximum."""
    own, top = result.inputs.effective_context, result.model.max_context
    ladder = {c for c in CONTEXT_LADDER if top is None or c <= top} | {own}
    chosen = sorted(ladder, key=lambda c: (abs(math.log2(c / own)), -c))[:AXIS_SIZE]
    return sorted(chosen)


def axis_loads(result: SizingResult) -> list[int]:
    """Concurrencies from a quarter to eight times the request's."""
    own = result.inputs.concurrency
    return sorted({max(1, math.ceil(own * f)) for f in LOAD_FACTORS})


@dataclass
class _Case:
    """One copy of the Model sheet's rows on the Calc sheet, at one context and precision."""

    cells: LiveModelCells
    context: int
    precision: str | None  # None: the Model sheet's input


def _renamed(formula: str, context: str, precision: str) -> str:
    formula = re.sub(r"\bin_context\b", context, formula)
    return re.sub(r"\bin_precision\b", precision, formula)


def _abs(sheet: str, ref: str) -> str:
    """Model!$B$30: a cell read from another sheet (the English name; localized later)."""
    return f"{sheet}!{absolute_coordinate(ref)}"


def _write_case(
    ws: Worksheet, first_col: int, model: LiveModelCells, context: str, precision: str, lang: Lang
) -> LiveModelCells:
    """The Model sheet's singles and scenario rows in three columns from `first_col`."""
    check = _abs(MODEL_SHEET, model.check)
    cols = {n: get_column_letter(first_col + i) for i, n in enumerate(SCENARIO_NAMES)}
    cells = LiveModelCells(check=model.check)
    cells.single = {q: f"{get_column_letter(first_col)}{3 + i}" for i, q in enumerate(_SINGLES)}
    for quantity, formula in architecture_rows(cells.single) + money_rows(cells.single):
        text = when_ok(check, _renamed(formula, context, precision))
        put_formula(ws, cells.single[quantity], text)
    rows = scenario_rows(cells.single, lang)
    first = 3 + len(_SINGLES) + 1
    row_of = {q: first + i for i, (q, *_) in enumerate(rows)}
    for quantity, _, _, template in rows:
        for name, col in cols.items():
            text = template
            for key in _POLICY_KEYS:  # the Model sheet's policy cells, read where they are
                text = text.replace(f"X{{{key}}}", _abs(MODEL_SHEET, model.policy[name][key]))
            text = _renamed(text.replace("X{", col + "{").format(**row_of), context, precision)
            ref = f"{col}{row_of[quantity]}"
            put_formula(ws, ref, when_ok(check, text))
            cells.scenario.setdefault(name, {})[quantity] = ref
    return cells


def _nodes_formula(
    load: str, headroom: str, per_unit: str, per_replica: str, spares: str, nope: str
) -> str:
    """nodes_final from a load, as the Model sheet's rows give it: whole replicas for the
    peak, then the HA spares in whole replicas (engine.peak_sessions, nodes_operational)."""
    return (
        f"IF({per_unit}=0,{nope},"
        f"ROUNDUP(ROUND({load}*(1+{headroom}),6)/{per_unit},0)*{per_replica}"
        f"+{spares}*{per_replica})"
    )


def _number_cell(ws: Worksheet, ref: str, formula: str, fmt: str = "#,##0") -> None:
    put_formula(ws, ref, formula, number_format=fmt, border=BOX, alignment=RIGHT)


@dataclass
class _Sheet:
    """What the three sections share while they are written."""

    ws: Worksheet
    calc: Worksheet
    model: LiveModelCells
    lang: Lang
    check: str  # the Model sheet's input check, read from here
    nope: str  # the infeasible word, as a formula string
    cases: list[_Case]

    def case(self, context: str, precision: str, value: int, kind: str | None) -> LiveModelCells:
        cells = _write_case(
            self.calc, 2 + 4 * len(self.cases), self.model, context, precision, self.lang
        )
        self.cases.append(_Case(cells, value, kind))
        return cells


def _grid_section(s: _Sheet, contexts: list[int], loads: list[int]) -> list[str]:
    """Recommended nodes over context (rows 6..) x concurrency (columns B..), heat-mapped;
    returns the load columns."""
    ws, words = s.ws, WORDS[s.lang]
    put(ws, "A4", words["grid"], font=SECTION_FONT)
    put(ws, "A5", words["grid_corner"], font=BOLD)
    load_cols = [get_column_letter(2 + j) for j in range(len(loads))]
    for col, load in zip(load_cols, loads, strict=True):
        style_input(put(ws, f"{col}5", load, number_format="#,##0"))
    max_context = lookup("Models", "max_context", "in_model")
    spares = _abs(MODEL_SHEET, s.model.policy["recommended"]["policy_spares"])
    for i, context in enumerate(contexts):
        row = 6 + i
        style_input(put(ws, f"A{row}", context, number_format="#,##0"))
        cells = s.case(_abs(SHEET, f"A{row}"), "in_precision", context, None)
        rec = cells.scenario["recommended"]
        for col in load_cols:
            formula = _nodes_formula(
                f"{col}$5",
                _abs(CALC_SHEET, rec["peak_headroom_ratio"]),
                _abs(CALC_SHEET, rec["sessions_per_unit"]),
                _abs(CALC_SHEET, cells.single["nodes_per_replica"]),
                spares,
                s.nope,
            )
            above = f'AND(ISNUMBER({max_context}),$A{row}>{max_context}),"{words["above_max"]}"'
            _number_cell(ws, f"{col}{row}", when_ok(s.check, f"=IF({above},{formula})"))
    ws.conditional_formatting.add(f"B6:{load_cols[-1]}{5 + len(contexts)}", HEAT)
    return load_cols


def _precision_section(s: _Sheet, row: int, context: int) -> tuple[dict[str, str], int]:
    """fp8 against fp16 at the Model sheet's context and concurrency from `row`; returns
    {Sensitivity cell: the Calc cell it shows} and the section's last row."""
    ws, words = s.ws, WORDS[s.lang]
    put(ws, f"A{row}", words["precision"], font=SECTION_FONT)
    header_row(ws, row + 1, 1, [words["scenario"], *(p.upper() for p in COMPARED)])
    labels = [*scenario_titles(s.lang), words["kv_per_session"]]
    for i, label in enumerate(labels):
        put(ws, f"A{row + 2 + i}", label, border=BOX)
    copies = {}
    for j, precision in enumerate(COMPARED):
        cells = s.case("in_context", f'"{precision}"', context, precision)
        shown = [(cells.scenario[n]["nodes_final"], "#,##0") for n in SCENARIO_NAMES]
        shown.append((cells.scenario["recommended"]["kv_per_session_gib"], "0.00"))
        for i, (source, fmt) in enumerate(shown):
            ref = f"{get_column_letter(2 + j)}{row + 2 + i}"
            _number_cell(ws, ref, "=" + _abs(CALC_SHEET, source), fmt)
            copies[ref] = source
    return copies, row + 1 + len(labels)


def _growth_section(s: _Sheet, row: int) -> int:
    """A load growing every month against the Model sheet's sessions per unit, with a chart;
    returns the header row (months follow it)."""
    ws, words, model = s.ws, WORDS[s.lang], s.model
    put(ws, f"A{row}", words["growth"], font=SECTION_FONT)
    put(ws, f"A{row + 1}", words["growth_rate"], font=BOLD)
    style_input(put(ws, f"B{row + 1}", GROWTH_MONTHLY, number_format="0%"))
    rate, head = f"$B${row + 1}", row + 2
    header_row(ws, head, 1, [words["month"], words["concurrency"], *scenario_titles(s.lang)])
    per_replica = _abs(MODEL_SHEET, model.single["nodes_per_replica"])
    for m in range(GROWTH_MONTHS + 1):
        r = head + 1 + m
        put(ws, f"A{r}", m, border=BOX)
        # planning.growth.monthly_loads, capped at the largest concurrency a sizing takes
        grown = f"MAX(1,ROUNDUP(ROUND(in_concurrency*(1+{rate})^A{r},6),0))"
        _number_cell(ws, f"B{r}", f"=MIN({MAX_CONCURRENCY},{grown})")
        for col, name in zip("CDE", SCENARIO_NAMES, strict=True):
            sc = model.scenario[name]
            formula = _nodes_formula(
                f"$B{r}",
                _abs(MODEL_SHEET, sc["peak_headroom_ratio"]),
                _abs(MODEL_SHEET, sc["sessions_per_unit"]),
                per_replica,
                _abs(MODEL_SHEET, model.policy[name]["policy_spares"]),
                s.nope,
            )
            _number_cell(ws, f"{col}{r}", when_ok(s.check, "=" + formula))
    last = head + 1 + GROWTH_MONTHS
    chart = nodes_by_month_chart(
        ws,
        header_row=head,
        last_row=last,
        title=words["growth_chart"],
        x_title=words["month"],
        y_title=words["nodes"],
    )
    chart.height, chart.width = 9, 15
    ws.add_chart(chart, f"G{head}")
    return head


def monthly_sensitivity_loads(concurrency: int) -> list[int]:
    """The growth section's loads: planning.growth.monthly_loads, capped as the sheet caps."""
    loads = monthly_loads(concurrency, GROWTH_MONTHLY, GROWTH_MONTHS)
    return [min(MAX_CONCURRENCY, n) for n in loads]


def build_sensitivity_sheets(
    wb: Workbook, result: SizingResult, model: LiveModelCells, lang: Lang, catalog: Catalog
) -> dict[str, dict[str, object]]:
    """The Sensitivity sheet (after the Model sheet) and the hidden Calc sheet; returns the
    values their formula cells give, by the sheets' English titles (SHEET, CALC_SHEET)."""
    words = WORDS[lang]
    # created under the file's language: a chart keeps the sheet name it was drawn with, and
    # localize_sheet_names rewrites the English names in the formulas
    ws = wb.create_sheet(sheet_title(SHEET, lang), index=wb.sheetnames.index(MODEL_SHEET) + 1)
    calc = wb.create_sheet(sheet_title(CALC_SHEET, lang))
    calc.sheet_state = "hidden"
    put(calc, "A1", words["calc_note"], font=NOTE_FONT)
    put(ws, "A1", words["title"], font=TITLE_FONT)
    put(ws, "A2", words["hint"], font=NOTE_FONT, alignment=WRAP)
    ws.merge_cells("A2:H2")
    ws.row_dimensions[2].height = 32
    s = _Sheet(ws, calc, model, lang, _abs(MODEL_SHEET, model.check), f'"{INFEASIBLE[lang]}"', [])
    # where the Model sheet refuses its inputs every figure here is blank: a sentence says why
    refused = f'=IF({s.check}="{LIVE_WORDS["en"]["ok"]}","","{words["refused"]}"&{s.check})'
    put_formula(ws, "A3", refused, font=BOLD, alignment=WRAP)
    ws.merge_cells("A3:H3")
    contexts, loads = axis_contexts(result), axis_loads(result)
    load_cols = _grid_section(s, contexts, loads)
    copies, last = _precision_section(s, 7 + len(contexts), result.inputs.effective_context)
    head = _growth_section(s, last + 2)
    set_widths(ws, {"A": 30, **dict.fromkeys("BCDEFG", 14)})
    print_landscape_fit_width(ws)
    ws.protection.sheet = True
    ws.sheet_view.showGridLines = False

    # the values the engine gives every formula cell
    shown = inputs_pass_check(result)

    def nodes(n: int | None) -> object:
        return "" if not shown else (INFEASIBLE[lang] if n is None else n)

    base = as_dict(result.inputs)
    reason = "" if shown else words["refused"] + check_value(result, lang)
    values: dict[str, dict[str, object]] = {SHEET: {"A3": reason}, CALC_SHEET: {}}
    for case in s.cases:
        update = {"effective_context": case.context}
        if case.precision:
            update["kv_precision"] = case.precision
        sized = size(make_request(**{**base, **update}), catalog)
        values[CALC_SHEET] |= block_values(sized, case.cells, lang, shown=shown)
    axes = [Axis("effective_context", tuple(contexts)), Axis("concurrency", tuple(loads))]
    for i, cells in enumerate(sweep_nodes(base, axes, catalog).matrix("recommended")):
        values[SHEET] |= {
            f"{col}{6 + i}": nodes(n) for col, n in zip(load_cols, cells, strict=True)
        }
    values[SHEET] |= {ref: values[CALC_SHEET][source] for ref, source in copies.items()}
    plan = growth_plan(base, monthly_sensitivity_loads(result.inputs.concurrency), catalog)
    for m, month in enumerate(plan.months):
        r = head + 1 + m
        values[SHEET][f"B{r}"] = month.concurrency
        for col, name in zip("CDE", SCENARIO_NAMES, strict=True):
            values[SHEET][f"{col}{r}"] = nodes(month.nodes[name])
    return values
