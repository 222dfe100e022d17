"""Sweeps, growth plans and server comparisons as workbooks: typed cells, heat maps, a chart."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import Reference, ScatterChart, Series
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from sizing_xl.excel.cells import (
    BOX,
    HEADER_FILL,
    HEADER_FONT,
    HEAT,
    NOTE_FONT,
    TITLE_FONT,
    WRAP,
    fit_row_heights,
    header_row,
    nodes_by_month_chart,
    print_landscape_fit_width,
    put,
    workbook_bytes,
)
from sizing_xl.excel.live.money_formulas import DASH, money_format
from sizing_xl.files import write_atomic, xlsx_target
from sizing_xl.i18n import Lang, localize_numbers, scenario_titles
from sizing_xl.planning.compare import RANKED_BY, ServerOption, monthly_cost
from sizing_xl.planning.growth import GrowthPlan
from sizing_xl.planning.perf import PerfCurve
from sizing_xl.planning.sweep import Grid
from sizing_xl.reports.comparison import (
    api_of,
    api_why,
    compare_header,
    compare_heading,
    layout_text,
    why_text,
)
from sizing_xl.reports.finops import STEP_PARTS
from sizing_xl.reports.perf import WORDS as PERF_WORDS
from sizing_xl.reports.perf import perf_lines
from sizing_xl.reports.planning import axis_label, critical_marks, growth_heading, sweep_heading
from sizing_xl.reports.planning_words import WORDS
from sizing_xl.request import SCENARIO_NAMES, SizingRequest
from sizing_xl.step_time import StepEstimate

FIRST_ROW = 4  # title, subtitle, a blank row, then the header
INTEGER = "#,##0"


def _titled(ws: Worksheet, title: str, heading: str, lang: Lang, note: str = "") -> Worksheet:
    """The sheet named, its heading (numbers the file's way) and note on top, printed to fit."""
    ws.title = title
    put(ws, "A1", localize_numbers(heading, lang), font=TITLE_FONT)
    if note:
        put(ws, "A2", note, font=NOTE_FONT)
    print_landscape_fit_width(ws)
    return ws


def _rows(
    ws: Worksheet,
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    formats: Sequence[str | None],
    widths: Sequence[float],
) -> None:
    """Header at FIRST_ROW, typed cells below, each column with its number format and width."""
    header_row(ws, FIRST_ROW, 1, header)
    for r, values in enumerate(rows, FIRST_ROW + 1):
        for c, (value, fmt) in enumerate(zip(values, formats, strict=True), 1):
            put(ws, ws.cell(row=r, column=c).coordinate, value, number_format=fmt, border=BOX)
    for c, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(c)].width = width
    fit_row_heights(ws, first_row=FIRST_ROW)  # wrapped headers and texts
    ws.print_title_rows = f"{FIRST_ROW}:{FIRST_ROW}"
    ws.freeze_panes = ws.cell(row=FIRST_ROW + 1, column=1).coordinate


def _heat(ws: Worksheet, first_col: int, last_col: int, last_row: int) -> None:
    if last_row > FIRST_ROW:
        span = (
            f"{get_column_letter(first_col)}{FIRST_ROW + 1}:{get_column_letter(last_col)}{last_row}"
        )
        ws.conditional_formatting.add(span, HEAT)


def _amount(usd: float | None, rate: float) -> float | str:
    return DASH if usd is None else usd * rate


def _nodes(n: int | None, lang: Lang) -> int | str:
    return WORDS[lang]["infeasible"] if n is None else n


def _value_format(value: object) -> str | None:
    return INTEGER if isinstance(value, int) and not isinstance(value, bool) else None


def _save(wb: Workbook, path: str | Path) -> Path | None:
    return write_atomic(xlsx_target(path), workbook_bytes(wb), backup=True)


def write_sweep_workbook(
    grid: Grid, request: SizingRequest, path: str | Path, *, lang: Lang
) -> Path | None:
    """Every point with its nodes (heat-mapped); with two axes, the Recommended grid as well."""
    xlsx_target(path)
    w, wb = WORDS[lang], Workbook()
    ws = _titled(wb.active, w["sheet_sweep"], sweep_heading(grid, request, lang), lang)
    marks, notes = critical_marks(grid, lang)
    extra = [w["critical"]] if notes else []
    rows = [
        [
            *point.values(),
            *(_nodes(n, lang) for n in nodes.values()),
            *([marks[i]] if notes else []),
        ]
        for i, (point, nodes) in enumerate(grid.rows())
    ]
    axes = len(grid.axes)
    formats = [_value_format(v) for v in rows[0][:axes]] + [INTEGER] * 3 + [None] * len(extra)
    _rows(
        ws,
        [axis_label(a.field, lang) for a in grid.axes] + scenario_titles(lang) + extra,
        rows,
        formats,
        [18] * axes + [14] * 3 + [14] * len(extra),
    )
    _heat(ws, axes + 1, axes + 3, FIRST_ROW + len(rows))
    for r, note in enumerate(notes, FIRST_ROW + len(rows) + 2):  # what each mark means
        put(ws, f"A{r}", localize_numbers(note, lang), font=NOTE_FONT)
    if axes == 2:
        down, across = grid.axes
        title = w["grid_title"].format(
            rows=axis_label(down.field, lang), columns=axis_label(across.field, lang)
        )
        g = _titled(wb.create_sheet(), w["sheet_grid"], title, lang)
        table = [
            [value, *(_nodes(n, lang) for n in cells)]
            for value, cells in zip(down.values, grid.matrix(RANKED_BY), strict=True)
        ]
        header = [axis_label(down.field, lang)]
        header_row(g, FIRST_ROW, 1, header)
        for j, v in enumerate(across.values, 2):
            cell = put(
                g, g.cell(row=FIRST_ROW, column=j).coordinate, v, number_format=_value_format(v)
            )
            cell.font, cell.fill, cell.border = HEADER_FONT, HEADER_FILL, BOX
        for r, values in enumerate(table, FIRST_ROW + 1):
            for c, value in enumerate(values, 1):
                put(
                    g,
                    g.cell(row=r, column=c).coordinate,
                    value,
                    number_format=_value_format(value) or INTEGER,
                    border=BOX,
                )
        g.column_dimensions["A"].width = 24
        for j in range(2, len(across.values) + 2):
            g.column_dimensions[get_column_letter(j)].width = 10
        _heat(g, 2, len(across.values) + 1, FIRST_ROW + len(table))
        g.freeze_panes = "B5"
    return _save(wb, path)


def write_growth_workbook(
    plan: GrowthPlan, request: SizingRequest, path: str | Path, *, lang: Lang, growth: float | None
) -> Path | None:
    """Month by month: load, nodes per scenario (heat-mapped), monthly costs where priced, and
    a chart of the nodes."""
    xlsx_target(path)
    w, wb = WORDS[lang], Workbook()
    heading = growth_heading(plan, request, lang, growth)
    ws = _titled(wb.active, w["sheet_growth"], heading, lang)
    rate, fmt = plan.finance.usd_to_currency, money_format(plan.finance.currency)
    money_keys = [
        (key, label)
        for key, label in (
            ("tco_monthly_usd", "tco_scenario"),
            ("cloud_monthly_usd", "cloud_scenario"),
        )
        if any(v is not None for m in plan.months for v in getattr(m, key).values())
    ]
    header = [w["month"], w["concurrency"], *scenario_titles(lang)]
    header += [
        w[label].format(scenario=t) for _, label in money_keys for t in scenario_titles(lang)
    ]
    rows = []
    for m in plan.months:
        row: list[object] = [
            m.month,
            m.concurrency,
            *(_nodes(m.nodes[n], lang) for n in SCENARIO_NAMES),
        ]
        for key, _ in money_keys:
            row += [_amount(getattr(m, key)[n], rate) for n in SCENARIO_NAMES]
        rows.append(row)
    formats = [INTEGER] * 5 + [fmt] * (3 * len(money_keys))
    _rows(ws, header, rows, formats, [8, 14, 12, 15, 12] + [20] * (3 * len(money_keys)))
    last = FIRST_ROW + len(rows)
    _heat(ws, 3, 5, last)
    chart = nodes_by_month_chart(
        ws, header_row=FIRST_ROW, last_row=last, title=w["nodes_chart"], x_title=w["month"]
    )
    chart.height, chart.width = 8, 16
    ws.add_chart(chart, f"A{last + 2}")
    return _save(wb, path)


def write_compare_workbook(
    options: Sequence[ServerOption], request: SizingRequest, path: str | Path, *, lang: Lang
) -> Path | None:
    """The ranking: nodes per scenario, monthly costs, and each server's layout and why."""
    xlsx_target(path)
    w, wb = WORDS[lang], Workbook()
    heading = compare_heading(request, lang)
    ws = _titled(wb.active, w["sheet_compare"], heading, lang, w["compare_order"])
    rows = []
    fmt = money_format(request.currency)
    for rank, o in enumerate(options, 1):
        r = o.result
        if r is None:
            rows.append([rank, o.server, *[DASH] * 6, w["cannot"].format(problem=o.problem)])
            continue
        rate = r.finance.usd_to_currency
        tco, cloud = monthly_cost(o), monthly_cost(o, "cloud_monthly_usd")
        rows.append(
            [
                rank,
                o.server,
                *(_nodes(r.scenario(n).nodes_final, lang) for n in SCENARIO_NAMES),
                _amount(tco, rate),
                _amount(cloud, rate),
                localize_numbers(layout_text(r, lang), lang),
                localize_numbers(why_text(r, lang), lang),
            ]
        )
    api = api_of(options)
    if api is not None:  # the same workload through a pay-per-token API, unranked
        result, cost = api
        name = result.finance.api_offer.name if result.finance.api_offer else ""
        why = localize_numbers(api_why(result, lang, english_digits=True), lang)
        rate = result.finance.usd_to_currency
        api_cells = [DASH, DASH, DASH, _amount(cost.api_monthly_usd, rate), DASH]
        rows.append([DASH, name, *api_cells, w["api_layout"], why])
    header = compare_header(lang)
    formats = [INTEGER, None, INTEGER, INTEGER, INTEGER, fmt, fmt, None, None]
    _rows(ws, header, rows, formats, [5, 26, 12, 15, 12, 20, 22, 28, 60])
    for r in range(FIRST_ROW + 1, FIRST_ROW + 1 + len(rows)):
        ws.cell(row=r, column=9).alignment = WRAP
    fit_row_heights(ws, first_row=FIRST_ROW)  # the API's why runs to two lines
    _heat(ws, 3, 5, FIRST_ROW + len(rows))
    return _save(wb, path)


def write_perf_workbook(curve: PerfCurve, gpu: str, path: str | Path, *, lang: Lang) -> Path | None:
    """`sizing perf`'s table at each load and the interactivity curve benchmark reports plot:
    tokens/s per GPU against tokens/s per user."""
    xlsx_target(path)
    w, wb = PERF_WORDS[lang], Workbook()
    heading, pool, trust, *gaps = perf_lines(curve, gpu, lang)
    ws = _titled(wb.active, w["sheet"], heading, lang, localize_numbers(trust, lang))
    header = [w[k] for k in ("concurrency", "batch", "queued", "ttft", "tpot", "per_user")]
    header += [w["per_gpu"], w["bound"]]
    rows = [
        [n, e.batch, e.queued, e.ttft_ms, e.tpot_ms, *_rates(e), STEP_PARTS[lang][e.bound]]
        for n, e in zip(curve.concurrencies, curve.estimates, strict=True)
    ]
    decimal = "#,##0.0"
    formats = [INTEGER, INTEGER, INTEGER, INTEGER, decimal, decimal, INTEGER, None]
    _rows(ws, header, rows, formats, [13, 9, 9, 11, 11, 15, 15, 14])
    last = FIRST_ROW + len(rows)
    for r, line in enumerate([pool, *gaps], last + 2):
        put(ws, f"A{r}", localize_numbers(line, lang), font=NOTE_FONT)
    chart = ScatterChart()
    chart.title = w["curve"]
    chart.style = 13
    chart.x_axis.title, chart.y_axis.title = w["per_user"], w["per_gpu"]
    xs = Reference(ws, min_col=6, min_row=FIRST_ROW + 1, max_row=last)
    ys = Reference(ws, min_col=7, min_row=FIRST_ROW, max_row=last)
    series = Series(ys, xs, title_from_data=True)
    series.marker.symbol = "circle"
    series.smooth = False  # straight segments between measured loads, nothing invented between
    chart.series.append(series)
    chart.x_axis.delete = chart.y_axis.delete = False
    chart.legend = None
    chart.height, chart.width = 9, 16
    ws.add_chart(chart, f"J{FIRST_ROW}")
    return _save(wb, path)


def _rates(e: StepEstimate) -> tuple[float, float]:
    return e.tokens_per_second_per_user, e.tokens_per_second_per_gpu
