"""The director's Executive sheet's two charts: nodes per scenario, and monthly cost owned
against cloud, each standing beside the results table (or a note where it has nothing to draw)."""

from __future__ import annotations

from openpyxl.chart import BarChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.worksheet.worksheet import Worksheet

from sizing_xl.excel.cells import NOTE_FONT, WRAP, put
from sizing_xl.excel.director.words import WORDS
from sizing_xl.i18n import SCENARIO_TITLES, Lang
from sizing_xl.reports.finops import WORDS as FINOPS_WORDS
from sizing_xl.scenarios import SCENARIO_NAMES, SizingResult

CHART_CM = 6.5  # each chart's height; two stand beside the results table
CHART_ROWS = 13  # rows of 15 pt one chart covers
CHARTS_ROWS = 2 * CHART_ROWS + 2


def add_nodes_chart(
    ws: Worksheet, lang: Lang, header_row_: int, nodes_row: int, infeasible: list[str]
) -> None:
    """Nodes per scenario; an infeasible scenario has no bar, and the chart says why."""
    w = WORDS[lang]
    if len(infeasible) == len(SCENARIO_NAMES):  # nothing to draw: say so where it would be
        put(ws, f"G{header_row_}", w["no_nodes_chart"], font=NOTE_FONT, alignment=WRAP)
        ws.merge_cells(f"G{header_row_}:L{header_row_ + 2}")
        return
    chart = BarChart()
    chart.type = "col"
    chart.title = w["chart"]
    if infeasible:
        names = ", ".join(SCENARIO_TITLES[n][lang] for n in infeasible)
        chart.title = f"{w['chart']} ({w['chart_infeasible'].format(names=names)})"
    chart.y_axis.title = w["chart_y"]
    chart.y_axis.majorGridlines = None
    chart.legend = None
    chart.add_data(
        Reference(ws, min_col=2, max_col=4, min_row=nodes_row),
        from_rows=True,
        titles_from_data=False,
    )
    chart.set_categories(Reference(ws, min_col=2, max_col=4, min_row=header_row_))
    chart.dataLabels = DataLabelList(
        showVal=True, showSerName=False, showCatName=False, showLegendKey=False, showPercent=False
    )
    chart.y_axis.delete = False
    chart.x_axis.delete = False
    chart.height, chart.width = CHART_CM, 11.5
    ws.add_chart(chart, f"G{header_row_}")


def add_cost_chart(
    ws: Worksheet, result: SizingResult, lang: Lang, header_row_: int, rows: dict[str, int]
) -> None:
    """Monthly cost per scenario, owned against cloud; a note instead where neither is known."""
    words = FINOPS_WORDS[lang]
    costs = [result.scenario(n).cost for n in SCENARIO_NAMES]
    known = [
        label
        for label, field in (
            (words["tco"], "tco_monthly_usd"),
            (words["cloud"], "cloud_monthly_usd"),
        )
        if any(c is not None and getattr(c, field) is not None for c in costs)
    ]
    top = header_row_ + CHART_ROWS + 1
    anchor = f"G{top}"
    if not known:
        note = words["no_money_chart"].format(server=result.server.name)
        put(ws, anchor, note, font=NOTE_FONT, alignment=WRAP)
        ws.merge_cells(f"G{top}:L{top + 2}")
        return
    chart = BarChart()
    chart.type = "col"
    chart.title = words["cost_chart"].format(currency=result.finance.currency)
    chart.y_axis.majorGridlines = None
    for label in known:
        chart.add_data(
            Reference(ws, min_col=1, max_col=4, min_row=rows[label]),
            from_rows=True,
            titles_from_data=True,
        )
    chart.set_categories(Reference(ws, min_col=2, max_col=4, min_row=header_row_))
    chart.y_axis.delete = False
    chart.x_axis.delete = False
    chart.legend.position = "b"
    chart.height, chart.width = CHART_CM, 11.5
    ws.add_chart(chart, anchor)
