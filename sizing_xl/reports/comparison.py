"""`sizing compare` as text, CSV and JSON: servers ranked for one load, and the API beside them."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from sizing_xl.i18n import Lang, fmt_dec, fmt_int, fmt_money, scenario_titles
from sizing_xl.planning.compare import RANKED_BY, ServerOption, monthly_cost
from sizing_xl.reports.finops import Money, in_currency, money_column, rate_line
from sizing_xl.reports.planning import cents, dumps, node_count, table, tool_info
from sizing_xl.reports.planning_words import WORDS
from sizing_xl.reports.text import result_document
from sizing_xl.request import SCENARIO_NAMES, SizingRequest
from sizing_xl.results import ScenarioCost, plain
from sizing_xl.scenarios import SizingResult


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
                *(node_count(r.scenario(n).nodes_final, lang) for n in SCENARIO_NAMES),
                money(monthly_cost(o)),
                money(monthly_cost(o, "cloud_monthly_usd")),
                layout_text(r, lang),
                why_text(r, lang),
            ]
        )
    api = api_of(options)
    if api is not None:  # the same workload through a pay-per-token API, beside the fleets
        result, cost = api
        price = result.finance.api_offer
        assert price is not None and cost.api_monthly_usd is not None
        fleet = ["—"] * 3  # no nodes: the API's own
        monthly = Money(result.finance, lang)(cost.api_monthly_usd)
        why_api = api_why(result, lang)
        rows.append(["—", price.name, *fleet, monthly, "—", w["api_layout"], why_api])
    title = compare_heading(request, lang)
    finance = next((o.result.finance for o in options if o.result is not None), None)
    rate = None if finance is None else rate_line(finance, lang)
    body = table(header, rows, left=(0, 1, 7, 8))
    return "\n".join([title, *([rate] if rate else []), w["compare_order"], "", *body]) + "\n"


def api_why(result: SizingResult, lang: Lang, *, english_digits: bool = False) -> str:
    """The API row's why: its prices per 1M input and output tokens and their date.
    english_digits: for a sheet's text, which localize_numbers turns afterwards."""
    price, f = result.finance.api_offer, result.finance
    assert price is not None

    def money(usd: float) -> str:
        amount = usd * f.usd_to_currency
        return fmt_money(amount, f.currency, lang, places=3, english_digits=english_digits)

    return WORDS[lang]["api_why"].format(
        input=money(price.usd_per_mtok_input),
        output=money(price.usd_per_mtok_output),
        as_of=price.as_of,
    )


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
        return cents(usd if f is None else in_currency(usd, f))

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
    doc: dict[str, object] = {"tool": tool_info(lang), "ranked_by": RANKED_BY, "servers": servers}
    if api is not None:
        doc["api"] = {
            "offer": plain(api[0].finance.api_offer),
            "monthly_usd": api[1].api_monthly_usd,
            "usd_per_mtok": api[1].usd_per_mtok_api,
        }
    return dumps(doc)
