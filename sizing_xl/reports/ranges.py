"""Ranges as the reports word them: P10/P50/P90 beside the point, and the tornado."""

from __future__ import annotations

from sizing_xl.i18n import SCENARIO_LABELS, Lang, fmt_int, fmt_money, fmt_num, fmt_pct
from sizing_xl.planning.ranges import METRICS, Ranges, Spread, TornadoBar

__all__ = ["Ranges", "ranges_document", "render_ranges_text"]
from sizing_xl.request import SCENARIO_NAMES
from sizing_xl.results import plain

WORDS: dict[Lang, dict[str, str]] = {
    "pt-BR": {
        "title": "FAIXAS — {samples} amostras (semente {seed}): P10 / P50 / P90",
        "inputs": "Entradas incertas",
        "point": "Ponto",
        "nodes": "Nós (final)",
        "capex": "CapEx",
        "tco_monthly": "TCO mensal (próprio)",
        "cloud_monthly": "Nuvem mensal",
        "per_mtok_owned": "Custo por 1M tokens de saída (próprio)",
        "per_mtok_cloud": "Custo por 1M tokens de saída (nuvem)",
        "none": "—",
        "unsized": "{scenario}: em {share} das amostras nem uma sessão cabe num nó (—)",
        "tornado": "TORNADO — cenário Recomendado, {metric}: cada entrada sozinha nos extremos",
        "swing": "variação {swing}",
        "uniform": "uniforme",
        "triangular": "triangular",
        "loguniform": "log-uniforme",
    },
    "en": {
        "title": "RANGES — {samples} samples (seed {seed}): P10 / P50 / P90",
        "inputs": "Uncertain inputs",
        "point": "Point",
        "nodes": "Nodes (final)",
        "capex": "CapEx",
        "tco_monthly": "Monthly TCO (owned)",
        "cloud_monthly": "Monthly cloud",
        "per_mtok_owned": "Cost per 1M output tokens (owned)",
        "per_mtok_cloud": "Cost per 1M output tokens (cloud)",
        "none": "—",
        "unsized": "{scenario}: in {share} of samples not one session fits a node (—)",
        "tornado": "TORNADO — Recommended scenario, {metric}: each input alone at its ends",
        "swing": "swing {swing}",
        "uniform": "uniform",
        "triangular": "triangular",
        "loguniform": "log-uniform",
    },
}
assert set(WORDS["en"]) == set(WORDS["pt-BR"]) >= set(METRICS)

RULE = "=" * 72


def figure(value: float | None, metric: str, currency: str, lang: Lang) -> str:
    """A node count, or an amount in the currency; — where there is none."""
    if value is None:
        return WORDS[lang]["none"]
    return fmt_int(int(value)) if metric == "nodes" else fmt_money(value, currency, lang)


def bound(x: float) -> str:
    """A range's end: 400,000 grouped (localised later in a pt-BR file), 0.08 as given."""
    return fmt_int(int(x)) if float(x).is_integer() else fmt_num(x)


def input_name(field: str) -> str:
    """A field as --uncertain takes it: usd-per-kwh."""
    return field.replace("_", "-")


def render_ranges_text(r: Ranges, lang: Lang) -> str:
    """The text report's section: a row per metric and scenario, then the tornado."""
    w = WORDS[lang]
    lines = ["", RULE, w["title"].format(samples=fmt_int(r.samples), seed=r.seed), RULE]
    lines.append(f"  {w['inputs']}:")
    lines += [
        f"    {input_name(u.field)} {bound(u.low)}..{bound(u.high)} ({w[u.distribution]})"
        for u in r.inputs
    ]
    head = f"  {'':<24}{w['point']:>14}{'P10':>14}{'P50':>14}{'P90':>14}"
    lines += ["", head]
    for metric in METRICS:
        rows = [r.spread(metric, name) for name in SCENARIO_NAMES]
        if all(s.point is None and s.p50 is None for s in rows):
            continue  # no price or offer: the point report says why
        lines.append(f"  {w[metric]}")
        lines += [_row(s, r.currency, lang) for s in rows]
    for name in SCENARIO_NAMES:
        share = r.spread("nodes", name).unsized_share
        if share:
            label = SCENARIO_LABELS[name][lang]
            lines.append("  " + w["unsized"].format(scenario=label, share=fmt_pct(share)))
    if r.tornado:
        lines += ["", "  " + w["tornado"].format(metric=w[r.tornado_metric])]
        width = max(len(input_name(b.field)) for b in r.tornado) + 2
        lines += [_bar(b, r.tornado_metric, r.currency, lang, width) for b in r.tornado]
    return "\n".join(lines) + "\n"


def _row(s: Spread, currency: str, lang: Lang) -> str:
    cells = (figure(v, s.metric, currency, lang) for v in (s.point, s.p10, s.p50, s.p90))
    return f"    {SCENARIO_LABELS[s.scenario][lang]:<22}" + "".join(f"{c:>14}" for c in cells)


def _bar(b: TornadoBar, metric: str, currency: str, lang: Lang, width: int) -> str:
    ends = f"{bound(b.low)} → {bound(b.high)}"
    out = (
        f"{figure(b.at_low, metric, currency, lang)} → {figure(b.at_high, metric, currency, lang)}"
    )
    swing = (
        WORDS[lang]["none"] if b.swing == float("inf") else figure(b.swing, metric, currency, lang)
    )
    return f"    {input_name(b.field):<{width}}{ends:<22}{out:<28}({WORDS[lang]['swing'].format(swing=swing)})"


def ranges_document(r: Ranges) -> dict[str, object]:
    """The JSON form: inputs, each spread, and the tornado with each bar's swing (null where
    an end fits no session)."""
    doc = plain(r)
    assert isinstance(doc, dict)
    doc["tornado"] = [
        {**plain(b), "swing": None if b.swing == float("inf") else b.swing}  # type: ignore[dict-item]
        for b in r.tornado
    ]
    return doc
