"""An xlwings Lite script: the board's Executive page, written into the open workbook from its
Sizing sheet (Excel on Mac and the web, where the director's .xlsx needs the CLI)."""

from __future__ import annotations

import re
from datetime import datetime

import xlwings as xw
from xlwings import script

from sizing_xl.excel.columns import FIRST_INPUT_ROW, INPUTS, OPTIONS, SHEET
from sizing_xl.i18n import SCENARIO_TITLES, fmt_int
from sizing_xl.reports.executive import report_content
from sizing_xl.results import SizingResult
from sizing_xl.scenarios import SCENARIO_NAMES
from sizing_xl.udfs.base import sizing_of

EXECUTIVE_SHEET = "Executive"
WIDTH = 4  # metric and three scenarios: every row as wide, as Excel's ranges are


def _figures(result: SizingResult) -> list[list[object]]:
    """The scenario table: the figures the director's Executive page leads with."""
    money = result.finance.currency

    def row(label: str, get) -> list[object]:
        values = [get(result.scenario(n)) for n in SCENARIO_NAMES]
        return [label, *("—" if v is None else v for v in values)]

    def cost(field: str):
        return lambda r: None if r.cost is None else getattr(r.cost, field)

    rate = result.finance.usd_to_currency
    return [
        ["Metric", *(SCENARIO_TITLES[n]["en"] for n in SCENARIO_NAMES)],
        row("KV per session (GiB)", lambda r: round(r.kv_per_session_gib, 2)),
        row("Sessions per node", lambda r: r.sessions_per_node),
        row("Nodes final", lambda r: r.nodes_final),
        row("Capacity after failures (sessions)", lambda r: r.capacity_after_failures_sessions),
        row(
            "Tokens/s per session (node full)",
            lambda r: (
                None
                if r.throughput is None
                else round(r.throughput.tokens_per_second_per_session, 1)
            ),
        ),
        row(f"Monthly TCO, owned ({money})", lambda r: _scaled(cost("tco_monthly_usd")(r), rate)),
        row(f"Monthly cloud ({money})", lambda r: _scaled(cost("cloud_monthly_usd")(r), rate)),
    ]


def _scaled(usd: float | None, rate: float) -> float | None:
    return None if usd is None else round(usd * rate, 2)


def executive_rows(result: SizingResult) -> list[list[object]]:
    """The page, top to bottom, each row WIDTH cells wide."""
    req = result.inputs
    content = report_content(result, lang="en", generated_at=datetime.now().replace(microsecond=0))
    rows: list[list[object]] = [
        ["EXECUTIVE SUMMARY — LLM inference sizing"],
        [
            f"{result.model.name} on {result.server.name}: {fmt_int(req.concurrency)} sessions of "
            f"{fmt_int(req.effective_context)} tokens, {req.kv_precision} KV, method {req.method}"
        ],
        [],
        *_figures(result),
        [],
        ["MAIN CONCLUSION"],
        # the director's page's own treatment: no "Main conclusion:" lead, no Markdown bold
        [re.sub(r"^\*\*[^*]+:\*\* ", "", content["main_conclusion"]).replace("**", "")],
        [],
        ["ALERTS"],
        *([a.line("en")] for a in result.alerts),
    ]
    return [r + [""] * (WIDTH - len(r)) for r in rows]


@script
def sizing_executive(book: xw.Book) -> None:
    """Sizes the Sizing sheet's inputs and options and writes the Executive sheet."""
    ws = book.sheets[SHEET]
    last = FIRST_INPUT_ROW + len(INPUTS) - 1
    cells = ws[f"B{FIRST_INPUT_ROW}:B{last}"].value
    given = dict(zip((field for _, field, _ in INPUTS), cells, strict=True))
    first_option = last + 3  # a blank row and the OPTIONS heading
    options = ws[f"A{first_option}:B{first_option + len(OPTIONS) - 1}"].value
    result = sizing_of(
        given["model"],
        given["server"],
        given["concurrency"],
        given["effective_context"],
        given["kv_precision"],
        given["kv_budget_ratio"],
        given["runtime_overhead_gib"],
        given["peak_headroom_ratio"],
        given["tensor_parallel"],
        book.sheets["Models"].used_range.value,
        book.sheets["Servers"].used_range.value,
        given["storage"],
        given["method"],
        given["pipeline_parallel"],
        given["gpu_memory_utilization"],
        options,
    )
    names = [s.name for s in book.sheets]
    sheet = (
        book.sheets[EXECUTIVE_SHEET]
        if EXECUTIVE_SHEET in names
        else book.sheets.add(EXECUTIVE_SHEET)
    )
    sheet.clear_contents()
    sheet["A1"].value = executive_rows(result)
