"""The director's workbook (.xlsx, no macros): Executive snapshot, live Model, catalogs, dictionary."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.workbook.properties import CalcProperties
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from sizing_xl import __version__
from sizing_xl.alerts import ENGINE_LABELS
from sizing_xl.catalog import Catalog
from sizing_xl.catalog.loading import load_catalog
from sizing_xl.excel.cached_values import with_cached_values
from sizing_xl.excel.cells import (
    BOLD,
    BOX,
    CENTER,
    NOTE_FONT,
    RESULT_FILL,
    SECTION_FONT,
    TITLE_FONT,
    header_row,
    print_landscape_fit_width,
    put,
    set_widths,
    workbook_bytes,
)
from sizing_xl.excel.director.api import add_api_section
from sizing_xl.excel.director.charts import CHARTS_ROWS, add_cost_chart, add_nodes_chart
from sizing_xl.excel.director.executive_writer import SCENARIO_COLUMNS, WIDTHS, ExecutiveWriter
from sizing_xl.excel.director.ranges import add_ranges_section
from sizing_xl.excel.director.sensitivity import build_sensitivity_sheets
from sizing_xl.excel.director.snapshot_check import add_snapshot_check, snapshot_value
from sizing_xl.excel.director.words import WORDS
from sizing_xl.excel.live.model_sheet import (
    INFEASIBLE,
    LiveModelCells,
    build_live_model_sheet,
    catalog_rows,
)
from sizing_xl.excel.live.model_sheet import SHEET as MODEL_SHEET
from sizing_xl.excel.live.money_formulas import money_format
from sizing_xl.excel.live.values import check_value, inputs_pass_check, live_model_values
from sizing_xl.excel.sheet_names import localize_sheet_names, sheet_title
from sizing_xl.excel.sheets import build_catalog_sheets, build_dictionary_sheet
from sizing_xl.files import write_atomic, xlsx_target
from sizing_xl.i18n import (
    SEVERITY_LABELS,
    Lang,
    fmt_int,
    fmt_num,
    fmt_pct,
    localize_numbers,
    scenario_titles,
)
from sizing_xl.planning.ranges import Ranges
from sizing_xl.reports.executive import (
    ITEM_LISTS,
    fault_tolerance_label,
    ha_label,
    relative_capex,
    report_content,
    technical_alerts,
)
from sizing_xl.reports.finops import WORDS as FINOPS_WORDS
from sizing_xl.reports.finops import rate_line
from sizing_xl.reports.text import describe_model, method_inputs
from sizing_xl.scenarios import SCENARIO_NAMES, SizingResult

EXECUTIVE_SHEET = "Executive"


def _name_of(result: SizingResult, r) -> str:
    return next(n for n in SCENARIO_NAMES if result.scenario(n) is r)


def _plain(markdown: str) -> str:
    """Report text without Markdown bold markers."""
    return markdown.replace("**", "")


def _nodes_value(n: int | None, lang: Lang) -> int | str:
    return INFEASIBLE[lang] if n is None else n


def build_executive_sheet(
    ws: Worksheet,
    result: SizingResult,
    lang: Lang,
    generated_at: datetime,
    live: LiveModelCells,
    ranges: Ranges | None = None,
) -> str:
    """Page 1 the decision, page 2 the comparison and risks; returns the live check's cell."""
    w = WORDS[lang]
    req, server = result.inputs, result.server
    content = report_content(result, lang=lang, generated_at=generated_at)
    s = {name: result.scenario(name) for name in SCENARIO_NAMES}
    out = ExecutiveWriter(ws)

    put(ws, "A1", w["title"], font=TITLE_FONT)
    put(ws, "A2", w["subtitle"], font=SECTION_FONT)
    out.skip(2)
    out.paragraph(
        w["generated"].format(
            when=content["generated_at"], version=__version__, method=result.method_version
        ),
        font=NOTE_FONT,
    )
    check_row = out.row
    out.skip()

    out.section(w["inputs"])
    out.pair(w["model"], f"{result.model.name} — {describe_model(result.model, lang)}")
    out.pair(
        w["server"],
        f"{server.name} — {server.label} ({server.gpus_per_node} × "
        f"{server.gpu}, {_grouped(server.hbm_total_gb)} GB HBM)",
    )
    out.pair(
        w["storage"],
        f"{result.storage.name} ({fmt_num(result.storage.read_gbps)} GB/s "
        f"{w['read']}, P99 {fmt_num(result.storage.p99_latency_ms)} ms)",
    )
    out.pair(w["concurrency"], f"{fmt_int(req.concurrency)} {w['sessions']}")
    out.pair(w["context"], f"{fmt_int(req.effective_context)} {w['tokens']}")
    out.pair(w["precision"], req.kv_precision)
    if req.method == "seed":  # the engine methods use their own memory rule instead
        out.pair(w["budget"], fmt_pct(req.kv_budget_ratio))
        out.pair(w["overhead"], f"{fmt_num(req.runtime_overhead_gib)} GiB")
    out.pair(w["headroom"], fmt_pct(req.peak_headroom_ratio))
    extra = method_inputs(result, lang)
    if req.tensor_parallel > 1 and len(extra) < 2:  # the deployment line names TP otherwise
        out.pair(w["tp"], str(req.tensor_parallel))
    for label, value in extra:
        out.pair(label, value)
    rate = rate_line(result.finance, lang)
    if rate is not None:  # amounts in another currency: their rate and its date, by the inputs
        label, value = rate.split(": ", 1)
        out.pair(label, value)

    out.section(w["conclusion"])
    out.paragraph(_plain(re.sub(r"^\*\*[^*]+:\*\* ", "", content["main_conclusion"])))

    out.section(w["results"])
    header_row(ws, out.row, 1, [w["metric"], *scenario_titles(lang)])
    header = out.row
    out.skip()
    family = server.family
    metrics: list[tuple[str, str, object]] = [
        (w["kv"], "0.00", lambda r: r.kv_per_session_gib),
        (w["kv_total"], "#,##0.0", lambda r: r.kv_total_gib),
        (w["hbm"], "#,##0.0", lambda r: r.hbm_total_gib),
        (w["ratio"], "0%", lambda r: r.kv_budget_ratio),
        (w["hbm_budget"], "#,##0.0", lambda r: r.hbm_budget_gib),
        (w["spn"], "#,##0", lambda r: r.sessions_per_node),
        (w["peak"], "0%", lambda r: r.peak_headroom_ratio),
        (w["ha"], "@", lambda r: ha_label(r, lang)),
        (w["operational"], "#,##0", lambda r: _nodes_value(r.nodes_operational, lang)),
        (w["spares"], "0", lambda r: r.ha_spares),
        (w["nodes"].format(family=family), "#,##0", lambda r: _nodes_value(r.nodes_final, lang)),
        (w["after"], "#,##0", lambda r: _nodes_value(r.capacity_after_failures_sessions, lang)),
    ]
    check = result.engine_check
    if check is not None and check.method != req.method:
        engine = ENGINE_LABELS[check.method]
        metrics += [
            (
                w["check_spn"].format(engine=engine),
                "#,##0",
                lambda r: check.sessions_per_node,
            ),
            (
                w["check_nodes"].format(engine=engine),
                "#,##0",
                lambda r: _nodes_value(check.nodes[_name_of(result, r)], lang),
            ),
        ]
    metrics += money_metrics(result, lang)
    money_rows: dict[str, int] = {}
    snapshot: dict[str, dict[str, str]] = {name: {} for name in SCENARIO_NAMES}
    for label, fmt, get in metrics:
        key = label == w["nodes"].format(family=family)
        put(ws, f"A{out.row}", label, font=BOLD if key else None, border=BOX)
        for name, col in zip(SCENARIO_NAMES, SCENARIO_COLUMNS, strict=True):
            put(
                ws,
                f"{col}{out.row}",
                get(s[name]),
                number_format=fmt,
                border=BOX,
                alignment=CENTER,
                font=BOLD if key else None,
                fill=RESULT_FILL if key else None,
            )
            snapshot[name][label] = f"{col}{out.row}"
        if key:
            nodes_row = out.row
        money_rows[label] = out.row
        out.skip()
    add_nodes_chart(
        ws, lang, header, nodes_row, [n for n in SCENARIO_NAMES if s[n].nodes_final is None]
    )
    add_cost_chart(ws, result, lang, header, money_rows)
    add_snapshot_check(
        ws,
        check_row,
        w,
        live,
        snapshot,
        (w["kv"], w["spn"], w["nodes"].format(family=family)),
        None if inputs_pass_check(result) else check_value(result, lang),
    )
    check_cell = f"A{check_row}"

    # page 1: the decision, money included; page 2: the comparison, the risks and premises.
    # The break waits for the two charts beside the table.
    out.row = max(out.row, header + CHARTS_ROWS)
    ws.row_breaks.append(Break(id=out.row))
    out.section(w["comparison"])
    header_row(ws, out.row, 1, [w["criterion"], *scenario_titles(lang)])
    out.skip()
    rows = [
        (
            w["count"].format(family=family),
            [_nodes_value(s[n].nodes_final, lang) for n in SCENARIO_NAMES],
        ),
        (w["tolerance"], [fault_tolerance_label(s[n], lang) for n in SCENARIO_NAMES]),
        (w["peak_capacity"], [fmt_pct(s[n].peak_headroom_ratio) for n in SCENARIO_NAMES]),
        (w["risk"], w["risk_values"].split("|")),
        (w["complexity"], w["complexity_values"].split("|")),
        (
            w["capex"],
            [
                w["baseline"],
                relative_capex(s["recommended"], s["minimum"]),
                relative_capex(s["ideal"], s["minimum"]),
            ],
        ),
    ]
    for label, values in rows:
        put(ws, f"A{out.row}", label, font=BOLD, border=BOX)
        for col, value in zip(SCENARIO_COLUMNS, values, strict=True):
            put(ws, f"{col}{out.row}", value, border=BOX, number_format="#,##0", alignment=CENTER)
        out.skip()
    out.skip()
    out.paragraph(_plain(content["comparison_conclusion"]))
    add_api_section(out, result, lang)
    if ranges is not None:
        add_ranges_section(out, ranges, lang)

    out.section(w["alerts"])
    put(ws, f"A{out.row}", w["tech_alerts"], font=BOLD)
    out.skip()
    alerts = technical_alerts(result.alerts)
    for alert in alerts:
        out.item(SEVERITY_LABELS[alert.severity][lang], alert.message(lang))
    if not alerts:
        out.paragraph(w["no_alerts"])
    for key in ITEM_LISTS[:3]:
        put(ws, f"A{out.row}", w[key], font=BOLD)
        out.skip()
        for title, text in content[key]:
            out.item(title, text)

    out.section(w["recommendation"])
    for part in content["recommendation"].split("\n\n"):
        out.paragraph(_plain(part))
    put(ws, f"A{out.row}", w["premises"], font=BOLD)
    out.skip()
    for i, (title, text) in enumerate(content["premises"], 1):
        out.item(title, text, marker=f"{i}.")
    out.paragraph(_plain(content["next_steps"]))
    out.skip()
    out.paragraph(w["footer"], font=NOTE_FONT)

    set_widths(ws, {**WIDTHS, "F": 2})
    ws.sheet_view.showGridLines = False
    ws.print_area = f"A1:L{out.row}"
    print_landscape_fit_width(ws)
    ws.print_options.horizontalCentered = True
    return check_cell


def money_metrics(result: SizingResult, lang: Lang) -> list[tuple[str, str, object]]:
    """Page 1's money and throughput rows: values in the sizing's currency, a dash where none."""
    words, rate = FINOPS_WORDS[lang], result.finance.usd_to_currency
    currency = result.finance.currency

    def amount(field: str):
        def get(r):
            usd = None if r.cost is None else getattr(r.cost, field)
            return "—" if usd is None else usd * rate

        return get

    return [
        (
            words["throughput_row"],
            "#,##0.0",
            lambda r: "—" if r.throughput is None else r.throughput.tokens_per_second_per_session,
        ),
        (words["capex"], money_format(currency), amount("capex_usd")),
        (words["tco"], money_format(currency), amount("tco_monthly_usd")),
        (words["cloud"], money_format(currency), amount("cloud_monthly_usd")),
        (words["per_mtok_owned"], money_format(currency, cents=True), amount("usd_per_mtok_owned")),
        (
            words["per_mtok_capacity_owned"],
            money_format(currency, cents=True),
            amount("usd_per_mtok_capacity_owned"),
        ),
        (words["api"], money_format(currency), amount("api_monthly_usd")),
        (
            words["break_even"] + " (" + words["owned"] + ")",
            "0%",
            lambda r: (
                "—"
                if r.cost is None or r.cost.break_even_owned is None
                else r.cost.break_even_owned
            ),
        ),
        (words["power"] + " (kW)", "#,##0.0", lambda r: "—" if r.cost is None else r.cost.power_kw),
    ]


def _catalog_for(result: SizingResult, catalog: Catalog | None) -> Catalog:
    """The catalog sheets' content: the given catalog plus the entries this result used."""
    base = catalog or load_catalog()
    return replace(
        base,
        models={**base.models, result.model.name: result.model},
        servers={**base.servers, result.server.name: result.server},
        storage={**base.storage, result.storage.name: result.storage},
    )


def build_director_workbook(
    result: SizingResult,
    *,
    lang: Lang = "pt-BR",
    generated_at: datetime | None = None,
    catalog: Catalog | None = None,
    ranges: Ranges | None = None,
) -> Workbook:
    """Executive, Model, Models, Servers, Storage and the dictionary, in that order."""
    return _build(result, lang, generated_at, catalog, ranges)[0]


def _build(
    result: SizingResult,
    lang: Lang,
    generated_at: datetime | None,
    catalog: Catalog | None,
    ranges: Ranges | None = None,
) -> tuple[Workbook, dict[int, dict[str, object]]]:
    """The workbook and the values its formula cells give, by sheet number, to store."""
    generated_at = generated_at or datetime.now().replace(microsecond=0)
    wb = Workbook()
    executive = wb.active
    # named in the file's language before its charts are drawn: their ranges carry the name
    executive.title = sheet_title(EXECUTIVE_SHEET, lang)
    live = build_live_model_sheet(wb, result, lang)
    model = wb[MODEL_SHEET]
    catalog = _catalog_for(result, catalog)
    build_catalog_sheets(wb, catalog, lang)
    build_dictionary_sheet(wb, lang)
    sensitivity = build_sensitivity_sheets(wb, result, live, lang, catalog)
    check_cell = build_executive_sheet(executive, result, lang, generated_at, live, ranges)
    for sheet in (executive, wb[sheet_title("Dictionary", lang)]):
        _localize_text_cells(sheet, lang)
    localize_sheet_names(wb, lang)
    # Excel recalculates on open; the stored values serve viewers that do not
    wb.calculation = CalcProperties(fullCalcOnLoad=True)
    wb.properties.creator = "sizing_xl"
    wb.properties.title = f"Sizing — {result.model.name} @ {result.server.name}"
    wb.properties.created = wb.properties.modified = generated_at
    wb.active = 0
    words = WORDS[lang]
    live_matches = inputs_pass_check(result)  # else the sheet's results are blank
    cached = {
        wb.worksheets.index(wb[sheet_title(name, lang)]) + 1: values
        for name, values in sensitivity.items()
    } | {
        wb.worksheets.index(model) + 1: live_model_values(result, live, lang)
        | catalog_rows(wb, model, live, lang),
        wb.worksheets.index(executive) + 1: {
            check_cell: snapshot_value(words, None if live_matches else check_value(result, lang))
        },
    }
    return wb, cached


def _grouped(x: float) -> str:
    """2304 -> '2,304' (localize_numbers turns it into '2.304' in a pt-BR file)."""
    return fmt_int(int(x)) if float(x).is_integer() else fmt_num(x)


def _localize_text_cells(ws: Worksheet, lang: Lang) -> None:
    """Numbers inside the sheet's text written the file's way (1.000 sessões in pt-BR)."""
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and not cell.value.startswith("="):
                cell.value = localize_numbers(cell.value, lang)


def write_director_workbook(
    result: SizingResult,
    path: str | Path,
    *,
    lang: Lang = "pt-BR",
    generated_at: datetime | None = None,
    catalog: Catalog | None = None,
    ranges: Ranges | None = None,
) -> Path | None:
    """Write the workbook atomically; a replaced file is kept as <name>.bak-<time>.xlsx (its
    path returned)."""
    target = xlsx_target(path)
    wb, cached = _build(result, lang, generated_at, catalog, ranges)
    return write_atomic(target, with_cached_values(workbook_bytes(wb), cached), backup=True)
