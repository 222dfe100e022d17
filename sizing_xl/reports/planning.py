"""Sweeps, growth plans and server comparisons as text tables, CSV and JSON documents."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Collection, Iterable, Iterator, Sequence

from sizing_xl import __version__
from sizing_xl.costs import ScenarioCost
from sizing_xl.i18n import SCENARIO_TITLES, Lang, fmt_dec, fmt_int, fmt_pct, scenario_titles
from sizing_xl.planning.compare import RANKED_BY, ServerOption, monthly_cost
from sizing_xl.planning.growth import GrowthPlan
from sizing_xl.planning.sweep import Axis, Grid
from sizing_xl.reports.finops import Money, in_currency, money_column, rate_line
from sizing_xl.reports.planning_words import WORDS
from sizing_xl.reports.text import result_document
from sizing_xl.request import SCENARIO_NAMES, SizingRequest
from sizing_xl.results import plain
from sizing_xl.scenarios import SizingResult


def flag_name(field: str) -> str:
    """A request field as its flag reads, the way a user typed it in --vary."""
    return field.replace("_", "-")


def shown_value(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    return fmt_int(value) if isinstance(value, int) else f"{value:g}"


def table(
    header: Sequence[str], rows: Sequence[Sequence[str]], left: Collection[int] = (0,)
) -> list[str]:
    """Columns padded to their widest cell: words (the `left` columns) flush left, figures right."""
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows, strict=True)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            c.ljust(w) if i in left else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return [line(header), line(["-" * w for w in widths]), *(line(r) for r in rows)]


def _nodes(n: int | None, lang: Lang) -> str:
    return WORDS[lang]["infeasible"] if n is None else fmt_int(n)


def _about(request: SizingRequest, axes: Sequence[Axis] = ()) -> dict[str, str]:
    """Model, server and method for a heading; a varied one lists its values."""
    varied = {a.field: ", ".join(map(str, a.values)) for a in axes}
    return {key: varied.get(key, getattr(request, key)) for key in ("model", "server", "method")}


def _tool(lang: Lang) -> dict[str, str]:
    return {"name": "sizing_xl", "version": __version__, "lang": lang}


# --- sweeps ---------------------------------------------------------------------------------


def render_sweep_text(grid: Grid, request: SizingRequest, lang: Lang) -> str:
    """The table; a point a single sizing would mark critical carries a mark, explained below."""
    header = [flag_name(a.field) for a in grid.axes] + scenario_titles(lang)
    marks, notes = critical_marks(grid, lang)
    rows = [
        [shown_value(v) for v in point.values()]
        + [_nodes(nodes[n], lang) for n in SCENARIO_NAMES]
        + ([marks[i]] if notes else [])
        for i, (point, nodes) in enumerate(grid.rows())
    ]
    if notes:
        header.append(WORDS[lang]["critical"])
    body = table(header, rows, left=(len(header) - 1,) if notes else ())
    return "\n".join([sweep_heading(grid, request, lang), "", *body, *notes]) + "\n"


def critical_marks(grid: Grid, lang: Lang) -> tuple[list[str], list[str]]:
    """Each point's mark (⚠1, ⚠2, ... numbering the distinct critical alerts; '' for none),
    and a note per mark saying what it means."""
    found: dict[str, tuple[str, str]] = {}  # message -> (mark, code)
    marks = []
    for i in range(len(grid.nodes)):
        alert = grid.alert_at(i)
        if alert is None:
            marks.append("")
            continue
        message = alert.message(lang)
        found.setdefault(message, (f"⚠{len(found) + 1}", alert.code))
        marks.append(found[message][0])
    notes = [
        WORDS[lang]["critical_note"].format(mark=mark, code=code, message=message)
        for message, (mark, code) in found.items()
    ]
    return marks, notes


def sweep_heading(grid: Grid, request: SizingRequest, lang: Lang) -> str:
    """What the sweep sizes: model, server and method, or the values varied among them."""
    return WORDS[lang]["sweep_title"].format(**_about(request, grid.axes))


def render_sweep_csv(grid: Grid) -> str:
    """One row per point: the varied values, nodes per scenario (empty: infeasible), and the
    code of the critical alert a single sizing of the point raises beside its nodes."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [a.field for a in grid.axes] + [f"{n}_nodes" for n in SCENARIO_NAMES] + ["critical_alert"]
    )
    for i, (point, nodes) in enumerate(grid.rows()):
        alert = grid.alert_at(i)
        writer.writerow(
            [
                *point.values(),
                *("" if n is None else n for n in nodes.values()),
                "" if alert is None else alert.code,
            ]
        )
    return out.getvalue()


def render_sweep_json(sized: Iterable[tuple[dict, SizingResult]], lang: Lang) -> str:
    """A list of points, each with its varied inputs, scenarios.<name>.results and alerts as
    in a single sizing's document."""
    return "".join(stream_sweep_json(sized, lang))


def stream_sweep_json(sized: Iterable[tuple[dict, SizingResult]], lang: Lang) -> Iterator[str]:
    """render_sweep_json piece by piece, one point at a time, so that memory does not grow with
    the points: the same bytes (json.dumps' indentation composes), written as they come."""
    head = json.dumps({"tool": _tool(lang)}, indent=2, ensure_ascii=False)
    yield head[:-2] + ',\n  "points": ['
    first = True
    for point, result in sized:
        doc = result_document(result, lang=lang)
        body = {"inputs": point, "scenarios": doc["scenarios"], "alerts": doc["alerts"]}
        text = json.dumps(body, indent=2, ensure_ascii=False).replace("\n", "\n    ")
        yield ("\n    " if first else ",\n    ") + text
        first = False
    yield "\n  ]\n}\n" if not first else "]\n}\n"


def _dumps(doc: object) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


# --- growth ---------------------------------------------------------------------------------


def growth_heading(
    plan: GrowthPlan, request: SizingRequest, lang: Lang, growth: float | None
) -> str:
    """What the plan sizes and how its load grows (a rate, or a list given month by month)."""
    w, months = WORDS[lang], len(plan.months) - 1
    load = (
        w["growth_list"].format(months=months)
        if growth is None
        else w["growth_rate"].format(
            rate=fmt_pct(growth), start=fmt_int(plan.months[0].concurrency), months=months
        )
    )
    return w["growth_title"].format(**_about(request), load=load)


def render_growth_text(
    plan: GrowthPlan, request: SizingRequest, lang: Lang, growth: float | None
) -> str:
    w, money = WORDS[lang], Money(plan.finance, lang)
    priced = {
        key: any(getattr(m, key)[RANKED_BY] is not None for m in plan.months)
        for key in ("tco_monthly_usd", "cloud_monthly_usd")
    }
    header = [w["month"], w["concurrency"], *scenario_titles(lang)]
    header += [
        w[k]
        for k, key in (("tco", "tco_monthly_usd"), ("cloud", "cloud_monthly_usd"))
        if priced[key]
    ]
    rows, before = [], None
    for m in plan.months:
        cells = [str(m.month), fmt_int(m.concurrency)]
        for name in SCENARIO_NAMES:
            rise = before is not None and m.nodes[name] != before.nodes[name]
            cells.append(_nodes(m.nodes[name], lang) + (" ▲" if rise else "  "))
        cells += [money(getattr(m, key)[RANKED_BY]) for key in priced if priced[key]]
        rows.append(cells)
        before = m
    firsts = [next((s for s in plan.steps if s.scenario == n), None) for n in SCENARIO_NAMES]
    steps = [
        w["step"].format(
            scenario=SCENARIO_TITLES[s.scenario][lang],
            month=s.month,
            concurrency=fmt_int(s.concurrency),
        )
        for s in firsts
        if s is not None
    ]
    rate = rate_line(plan.finance, lang)
    lines = [
        growth_heading(plan, request, lang, growth),
        *([rate] if rate else []),
        "",
        *table(header, rows),
        "",
        w["rise"],
        w["first_step"].format(steps="; ".join(steps) if steps else w["no_step"]),
    ]
    if not any(priced.values()):
        lines.append(w["no_prices"])
    lines += _purchases(plan, money, lang)
    return "\n".join(lines) + "\n"


def _purchases(plan: GrowthPlan, money: Money, lang: Lang) -> list[str]:
    """When the Recommended fleet buys nodes, what each purchase costs, and what the owned
    fleet costs more each month from then on."""
    w = WORDS[lang]
    bought = [s for s in plan.steps if s.scenario == RANKED_BY and s.capex_usd is not None]
    if not bought:
        return []
    return ["", w["purchases"]] + [
        "  "
        + w["purchase"].format(
            month=s.month,
            before=_nodes(s.nodes_before, lang),
            nodes=_nodes(s.nodes, lang),
            capex=money(s.capex_usd),
            monthly=money(s.tco_monthly_increase_usd),
        )
        for s in bought
    ]


def _cents(amount: float | None) -> str:
    """A money column: to the cent, no float noise (63446.01, not 63446.01000000001)."""
    return "" if amount is None else f"{amount:.2f}"


def render_growth_csv(plan: GrowthPlan) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    names = SCENARIO_NAMES
    f = plan.finance
    writer.writerow(
        ["month", "concurrency"]
        + [f"{n}_nodes" for n in names]
        + [money_column(f"{n}_tco_monthly", f) for n in names]
        + [money_column(f"{n}_cloud_monthly", f) for n in names]
    )
    for m in plan.months:
        nodes = ["" if m.nodes[n] is None else m.nodes[n] for n in names]
        money = [m.tco_monthly_usd[n] for n in names] + [m.cloud_monthly_usd[n] for n in names]
        writer.writerow(
            [m.month, m.concurrency, *nodes, *(_cents(in_currency(v, f)) for v in money)]
        )
    return out.getvalue()


def render_growth_json(plan: GrowthPlan, lang: Lang) -> str:
    return _dumps(
        {
            "tool": _tool(lang),
            "finance": plain(plan.finance),
            "months": plain(plan.months),
            "steps": plain(plan.steps),
        }
    )


# --- server comparison ----------------------------------------------------------------------


def layout_text(result: SizingResult, lang: Lang) -> str:
    w, d = WORDS[lang], result.deployment
    text = w["layout_value"].format(tp=d.tensor_parallel, pp=d.pipeline_parallel)
    if d.replicas_per_node > 1:
        text += w["replicas_per_node"].format(n=d.replicas_per_node)
    if d.nodes_per_replica > 1:
        text += w["nodes_per_replica"].format(n=d.nodes_per_replica)
    return text


def why(result: SizingResult) -> dict[str, float | int | bool]:
    """What set the sessions: weights and KV per GPU and sessions per replica (engine methods),
    KV per session and sessions per node (the seed)."""
    r = result.scenario(RANKED_BY)
    if r.memory is None:
        return {
            "kv_per_session_gib": r.kv_per_session_gib,
            "sessions_per_node": r.sessions_per_node,
        }
    m = r.memory
    return {
        "weights_gib_per_gpu": m.weights_gib_per_gpu,
        "kv_available_gib_per_gpu": m.kv_available_gib_per_gpu,
        "sessions_per_replica": r.sessions_per_replica,
        "capped_by_max_sequences": m.capped,
    }


def why_text(result: SizingResult, lang: Lang) -> str:
    w, figures = WORDS[lang], why(result)
    if "weights_gib_per_gpu" not in figures:
        return w["why_seed"].format(
            kv=fmt_dec(figures["kv_per_session_gib"], 2),
            sessions=fmt_int(figures["sessions_per_node"]),
        )
    return w["why_engine"].format(
        weights=fmt_dec(figures["weights_gib_per_gpu"]),
        kv=fmt_dec(figures["kv_available_gib_per_gpu"]),
        sessions=fmt_int(figures["sessions_per_replica"]),
        capped=w["capped"] if figures["capped_by_max_sequences"] else "",
    )


def compare_header(lang: Lang) -> list[str]:
    """The ranking's columns: rank, server, nodes per scenario, monthly costs, layout, why."""
    w = WORDS[lang]
    return [
        w["rank"], w["server"], *scenario_titles(lang), w["tco"], w["cloud"], w["layout"], w["why"]
    ]  # fmt: skip


def render_compare_text(options: Sequence[ServerOption], request: SizingRequest, lang: Lang) -> str:
    w, header = WORDS[lang], compare_header(lang)
    rows = []
    for rank, o in enumerate(options, 1):
        if o.result is None:
            problem = w["cannot"].format(problem=o.problem)
            rows.append([str(rank), o.server, "—", "—", "—", "—", "—", "—", problem])
            continue
        r, money = o.result, Money(o.result.finance, lang)
        rows.append(
            [
                str(rank),
                o.server,
                *(_nodes(r.scenario(n).nodes_final, lang) for n in SCENARIO_NAMES),
                money(monthly_cost(o)),
                money(monthly_cost(o, "cloud_monthly_usd")),
                layout_text(r, lang),
                why_text(r, lang),
            ]
        )
    api = api_of(options)
    if api is not None:  # the same workload through a pay-per-token API, beside the fleets
        result, cost = api
        money = Money(result.finance, lang)
        price = result.finance.api_offer
        assert price is not None and cost.api_monthly_usd is not None
        why_api = w["api_why"].format(
            input=money(price.usd_per_mtok_input, places=3),
            output=money(price.usd_per_mtok_output, places=3),
            as_of=price.as_of,
        )
        fleet = ["—"] * 3  # no nodes: the API's own
        rows.append(
            ["—", price.name, *fleet, money(cost.api_monthly_usd), "—", w["api_layout"], why_api]
        )
    title = compare_heading(request, lang)
    finance = next((o.result.finance for o in options if o.result is not None), None)
    rate = None if finance is None else rate_line(finance, lang)
    body = table(header, rows, left=(0, 1, 7, 8))
    return "\n".join([title, *([rate] if rate else []), w["compare_order"], "", *body]) + "\n"


def api_of(options: Sequence[ServerOption]) -> tuple[SizingResult, ScenarioCost] | None:
    """The API price the compared servers are held against (one model, one workload: the same
    for every server) and its cost, from the first server sized with one."""
    for o in options:
        cost = None if o.result is None else o.result.scenario("recommended").cost
        if o.result is not None and cost is not None and cost.api_monthly_usd is not None:
            return o.result, cost
    return None


def compare_heading(request: SizingRequest, lang: Lang) -> str:
    """The load the servers are compared for."""
    return WORDS[lang]["compare_title"].format(
        model=request.model,
        concurrency=fmt_int(request.concurrency),
        context=fmt_int(request.effective_context),
        method=request.method,
    )


def render_compare_csv(options: Sequence[ServerOption]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    sized = [o.result.finance for o in options if o.result is not None]
    f = sized[0] if sized else None
    column = (lambda name: money_column(name, f)) if f else (lambda name: f"{name}_usd")
    writer.writerow(
        ["rank", "server", "tensor_parallel", "pipeline_parallel"]
        + [f"{n}_nodes" for n in SCENARIO_NAMES]
        + [column("recommended_tco_monthly"), column("recommended_cloud_monthly"), "problem"]
        + [column("api_monthly")]
    )

    def amount(usd: float | None) -> str:
        return _cents(usd if f is None else in_currency(usd, f))

    for rank, o in enumerate(options, 1):
        r = o.result
        if r is None:
            writer.writerow([rank, o.server, "", "", "", "", "", "", "", o.problem, ""])
            continue
        cloud = monthly_cost(o, "cloud_monthly_usd")
        nodes = [r.scenario(n).nodes_final for n in SCENARIO_NAMES]
        writer.writerow(
            [rank, o.server, r.deployment.tensor_parallel, r.deployment.pipeline_parallel]
            + ["" if v is None else v for v in nodes]
            + [amount(monthly_cost(o)), amount(cloud), "", ""]
        )
    api = api_of(options)
    if api is not None:
        price = api[0].finance.api_offer
        assert price is not None
        writer.writerow(["", price.name, *[""] * 8, amount(api[1].api_monthly_usd)])
    return out.getvalue()


def render_compare_json(options: Sequence[ServerOption], lang: Lang) -> str:
    servers = []
    for rank, o in enumerate(options, 1):
        entry: dict[str, object] = {
            "rank": rank,
            "server": o.server,
            "layouts_tried": o.layouts_tried,
            "problem": o.problem,
        }
        if o.result is not None:
            doc = result_document(o.result, lang=lang)
            entry |= {
                "deployment": doc["deployment"],
                "why": why(o.result),
                "scenarios": doc["scenarios"],
                "finance": doc["finance"],
            }
        servers.append(entry)
    api = api_of(options)
    doc: dict[str, object] = {"tool": _tool(lang), "ranked_by": RANKED_BY, "servers": servers}
    if api is not None:
        doc["api"] = {
            "offer": plain(api[0].finance.api_offer),
            "monthly_usd": api[1].api_monthly_usd,
            "usd_per_mtok": api[1].usd_per_mtok_api,
        }
    return _dumps(doc)
