"""The Executive sheet's ranges: P10/P50/P90 beside the point per scenario, and the tornado."""

from __future__ import annotations

from sizing_xl.excel.cells import BOLD, BOX, CENTER, RESULT_FILL, header_row, put
from sizing_xl.excel.director.executive_writer import SCENARIO_COLUMNS, ExecutiveWriter
from sizing_xl.excel.live.model_formulas import INFEASIBLE
from sizing_xl.excel.live.money_formulas import money_format
from sizing_xl.i18n import Lang, fmt_int, scenario_titles
from sizing_xl.planning.ranges import Ranges, TornadoBar
from sizing_xl.reports.ranges import WORDS as RANGE_WORDS
from sizing_xl.reports.ranges import bound, input_name
from sizing_xl.request import SCENARIO_NAMES

WORDS: dict[Lang, dict[str, str]] = {
    "pt-BR": {
        "section": "FAIXAS (P10 / P50 / P90)",
        "about": "{samples} amostras (semente {seed}) com: {inputs}. P50 é o caso mediano; "
        "P10 e P90 cercam 80% dos resultados. O ponto é o dimensionamento acima.",
        "metric": "Métrica",
        "point": "ponto",
        "tornado": "Tornado: cenário Recomendado, {metric}; cada entrada sozinha nos extremos",
        "input": "Entrada",
        "span": "Faixa",
        "at_low": "No mínimo",
        "at_high": "No máximo",
        "short_per_mtok_owned": "Custo/1M tokens (próprio)",
    },
    "en": {
        "section": "RANGES (P10 / P50 / P90)",
        "about": "{samples} samples (seed {seed}) over: {inputs}. P50 is the median case; "
        "P10 and P90 bound 80% of outcomes. The point is the sizing above.",
        "metric": "Metric",
        "point": "point",
        "tornado": "Tornado: Recommended scenario, {metric}; each input alone at its ends",
        "input": "Input",
        "span": "Range",
        "at_low": "At its low end",
        "at_high": "At its high end",
        "short_per_mtok_owned": "Cost/1M tokens (owned)",
    },
}
assert set(WORDS["en"]) == set(WORDS["pt-BR"])

# The rows a director reads; the JSON keeps every metric.
SHOWN = ("nodes", "capex", "tco_monthly", "cloud_monthly", "per_mtok_owned")


def _format(metric: str, currency: str) -> str:
    if metric == "nodes":
        return "#,##0"
    return money_format(currency, cents=metric.startswith("per_mtok"))


def _cell(value: float | None, lang: Lang) -> float | str:
    return INFEASIBLE[lang] if value is None else value


def add_ranges_section(out: ExecutiveWriter, r: Ranges, lang: Lang) -> None:
    """A row per shown metric and percentile (the point first), then the tornado."""
    w, rw, ws = WORDS[lang], RANGE_WORDS[lang], out.ws
    out.section(w["section"])
    inputs = ", ".join(
        f"{input_name(u.field)} {bound(u.low)}–{bound(u.high)} ({rw[u.distribution]})"
        for u in r.inputs
    )
    out.paragraph(w["about"].format(samples=fmt_int(r.samples), seed=r.seed, inputs=inputs))
    header_row(ws, out.row, 1, [w["metric"], *scenario_titles(lang)])
    out.skip()
    for metric in SHOWN:
        spreads = [r.spread(metric, name) for name in SCENARIO_NAMES]
        if all(s.point is None and s.p50 is None for s in spreads):
            continue  # no price or offer: page 1 says why
        name = w.get(f"short_{metric}", rw[metric])  # column A holds 40 characters
        for label, attr in ((w["point"], "point"), ("P10", "p10"), ("P50", "p50"), ("P90", "p90")):
            key = attr == "p50"
            put(ws, f"A{out.row}", f"{name} — {label}", font=BOLD if key else None, border=BOX)
            for col, s in zip(SCENARIO_COLUMNS, spreads, strict=True):
                value = getattr(s, attr)
                put(
                    ws,
                    f"{col}{out.row}",
                    "—"
                    if value is None and (attr == "point" or metric != "nodes")
                    else _cell(value, lang),
                    number_format=_format(metric, r.currency),
                    border=BOX,
                    alignment=CENTER,
                    font=BOLD if key else None,
                    fill=RESULT_FILL if key else None,
                )
            out.skip()
    if r.tornado:
        out.skip()
        out.paragraph(w["tornado"].format(metric=rw[r.tornado_metric]), font=BOLD)
        header_row(ws, out.row, 1, [w["input"], w["span"], w["at_low"], w["at_high"]])
        out.skip()
        for bar in r.tornado:
            _bar(out, bar, r, lang)


def _bar(out: ExecutiveWriter, bar: TornadoBar, r: Ranges, lang: Lang) -> None:
    ws, fmt = out.ws, _format(r.tornado_metric, r.currency)
    put(ws, f"A{out.row}", input_name(bar.field), border=BOX)
    put(ws, f"B{out.row}", f"{bound(bar.low)} → {bound(bar.high)}", border=BOX, alignment=CENTER)
    for col, value in (("C", bar.at_low), ("D", bar.at_high)):
        put(
            ws,
            f"{col}{out.row}",
            _cell(value, lang),
            number_format=fmt,
            border=BOX,
            alignment=CENTER,
        )
    out.skip()
