"""SIZING_* functions of a whole sizing: nodes, a scenario's table, money, throughput, any result field, alerts."""

from __future__ import annotations

from collections.abc import Callable

from sizing_xl.errors import InputError, shown
from sizing_xl.i18n import Lang
from sizing_xl.reports.text import field_label
from sizing_xl.results import plain
from sizing_xl.scenarios import (
    ScenarioResult,
    SizingResult,
)
from sizing_xl.udfs.arguments import (
    as_choice,
    as_text,
)
from sizing_xl.udfs.base import (
    LANGS_BY_NAME,
    SIZING_ARGS,
    infeasible,
    pick_scenario,
    sizing_of,
    udf,
)


def _scenario_udf(
    name: str,
    doc: str,
    pick: Callable[[SizingResult, ScenarioResult], object],
    *,
    table: bool = False,
) -> Callable[..., object]:
    """A UDF that sizes the request and returns pick(the result, one scenario's result).

    The signature is spelled out, not *args: Excel's Insert Function dialog shows these names.
    """

    def function(
        model,
        server,
        concurrency,
        effective_context,
        scenario=None,
        kv_precision=None,
        kv_budget_ratio=None,
        runtime_overhead_gib=None,
        peak_headroom_ratio=None,
        tensor_parallel=None,
        models=None,
        servers=None,
        method=None,
        pipeline_parallel=None,
        gpu_memory_utilization=None,
        options=None,
    ):
        result = sizing_of(
            model,
            server,
            concurrency,
            effective_context,
            kv_precision,
            kv_budget_ratio,
            runtime_overhead_gib,
            peak_headroom_ratio,
            tensor_parallel,
            models,
            servers,
            None,
            method,
            pipeline_parallel,
            gpu_memory_utilization,
            options,
        )
        return pick(result, pick_scenario(result, scenario))

    function.__name__ = function.__qualname__ = name
    function.__doc__ = doc
    return udf(*SIZING_ARGS, doc_returns="table" if table else None)(function)


def scenario_rows(fields: dict, prefix: str = "") -> list[list[object]]:
    """(field, value) rows; a nested engine breakdown becomes memory.block_size, ... rows."""
    rows: list[list[object]] = []
    for key, value in fields.items():
        if isinstance(value, dict):
            rows += scenario_rows(value, f"{prefix}{key}.")
        else:
            rows.append([prefix + key, "" if value is None else value])
    return rows


def _count(r: ScenarioResult, value: int | None) -> int | str:
    return infeasible(r) if value is None else value


SIZING_NODES_FINAL = _scenario_udf(
    "SIZING_NODES_FINAL",
    "Nodes to provision in a scenario: ceil(concurrency x (1 + headroom) / sessions per node) "
    "+ HA spares.",
    lambda _, r: _count(r, r.nodes_final),
)
SIZING_CAPACITY_AFTER_FAILURES = _scenario_udf(
    "SIZING_CAPACITY_AFTER_FAILURES",
    "Sessions the scenario still serves after losing its HA spare nodes.",
    lambda _, r: _count(r, r.capacity_after_failures_sessions),
)
SIZING_SCENARIO = _scenario_udf(
    "SIZING_SCENARIO",
    "A scenario's full result as a two-column table (field, value), labelled as the text "
    "report labels them: KV, budget, sessions per node, nodes, HA, headroom.",
    lambda _, r: [[field_label(key), value] for key, value in scenario_rows(plain(r))],
    table=True,
)


def _money(result: SizingResult, r: ScenarioResult, field: str) -> float | str:
    """A cost figure in the request's currency, or one line saying why there is none."""
    if r.cost is None:
        return infeasible(r)
    usd = getattr(r.cost, field)
    if usd is None:
        need = {
            "cloud_monthly_usd": "no cloud offer for this node: give cloud_offer in options",
            "usd_per_mtok_cloud": "give output_tokens_per_session_per_hour in options",
            "usd_per_mtok_owned": "give output_tokens_per_session_per_hour (and, without a "
            "catalog price, node_price_usd) in options",
            "usd_per_mtok_capacity_owned": f"{result.server.name} has no public price or no "
            "bandwidth figure: give node_price_usd in options",
            "usd_per_mtok_capacity_cloud": "no cloud offer for this node, or the server has no "
            "bandwidth figure: give cloud_offer in options",
            "usd_per_mtok_full_load_owned": f"{result.server.name} has no public price or no "
            "bandwidth figure: give node_price_usd in options",
            "usd_per_mtok_full_load_cloud": "no cloud offer for this node, or the server has no "
            "bandwidth figure: give cloud_offer in options",
        }.get(field, f"{result.server.name} has no public price: give node_price_usd in options")
        return f"NO FIGURE: {need}"
    return usd * result.finance.usd_to_currency


def _throughput(r: ScenarioResult, field: str) -> float | str:
    if r.throughput is None or getattr(r.throughput, field) is None:
        return "NO FIGURE: the server lacks a bandwidth or FLOPS figure, or the model its weights"
    return getattr(r.throughput, field)


SIZING_CAPEX = _scenario_udf(
    "SIZING_CAPEX",
    "Purchase and installation of the scenario's nodes, in the currency of options (USD by "
    "default): nodes x (node price + installation).",
    lambda res, r: _money(res, r, "capex_usd"),
)
SIZING_TCO_MONTHLY = _scenario_udf(
    "SIZING_TCO_MONTHLY",
    "Monthly cost of owning the scenario's nodes: depreciation, capital, maintenance, energy "
    "(kW x hours x PUE x $/kWh) and facilities.",
    lambda res, r: _money(res, r, "tco_monthly_usd"),
)
SIZING_CLOUD_MONTHLY = _scenario_udf(
    "SIZING_CLOUD_MONTHLY",
    "Monthly cost of the scenario's nodes as cloud instances: $/hour x 730 x nodes (the "
    "cheapest on-demand offer of the node, or cloud_offer in options).",
    lambda res, r: _money(res, r, "cloud_monthly_usd"),
)
SIZING_TOKENS_PER_SECOND = _scenario_udf(
    "SIZING_TOKENS_PER_SECOND",
    "Decode tokens per second each session gets with the node full (the step-time model: "
    "weights and KV read, compute, all-reduces and fixed costs per step, plus the prefill "
    "share with output_tokens in options).",
    lambda _, r: _throughput(r, "tokens_per_second_per_session"),
)
SIZING_TTFT_SECONDS = _scenario_udf(
    "SIZING_TTFT_SECONDS",
    "Time to first token of one prompt (effective context, or prompt_tokens in options) with "
    "the node full: request cost, prefill over TP x dense FLOPS x MFU, the prefills arriving "
    "with it and one step.",
    lambda _, r: _throughput(r, "ttft_seconds"),
)


# SIZING_COST_PER_MTOK's bases: the ScenarioCost field each reads, after "usd_per_mtok_"
_COST_BASES = {
    "owned": "owned",
    "cloud": "cloud",
    "owned_busy": "capacity_owned",
    "cloud_busy": "capacity_cloud",
    "owned_full": "full_load_owned",
    "cloud_full": "full_load_cloud",
}


@udf("basis", *SIZING_ARGS)
def SIZING_COST_PER_MTOK(
    basis,
    model,
    server,
    concurrency,
    effective_context,
    scenario=None,
    kv_precision=None,
    kv_budget_ratio=None,
    runtime_overhead_gib=None,
    peak_headroom_ratio=None,
    tensor_parallel=None,
    models=None,
    servers=None,
    method=None,
    pipeline_parallel=None,
    gpu_memory_utilization=None,
    options=None,
):
    """$ per 1M output tokens. owned|cloud: monthly cost over concurrency x output_tokens_per_session_per_hour x 730 (options); owned_busy|cloud_busy: a node's month over its tokens at the sized batch; owned_full|cloud_full: at memory's batch, no SLO."""
    kind = as_choice(basis, "basis", _COST_BASES, "owned")
    result = sizing_of(
        model,
        server,
        concurrency,
        effective_context,
        kv_precision,
        kv_budget_ratio,
        runtime_overhead_gib,
        peak_headroom_ratio,
        tensor_parallel,
        models,
        servers,
        None,
        method,
        pipeline_parallel,
        gpu_memory_utilization,
        options,
    )
    return _money(result, pick_scenario(result, scenario), f"usd_per_mtok_{kind}")


@udf("basis", *SIZING_ARGS)
def SIZING_BREAK_EVEN(
    basis,
    model,
    server,
    concurrency,
    effective_context,
    scenario=None,
    kv_precision=None,
    kv_budget_ratio=None,
    runtime_overhead_gib=None,
    peak_headroom_ratio=None,
    tensor_parallel=None,
    models=None,
    servers=None,
    method=None,
    pipeline_parallel=None,
    gpu_memory_utilization=None,
    options=None,
):
    """Utilisation above which the scenario's fleet, owned or cloud, costs less than the workload through a pay-per-token API (api.json, or api_offer in options): fleet cost / API cost at full load. Above 1: the API is cheaper."""
    kind = as_choice(basis, "basis", {"owned": "owned", "cloud": "cloud"}, "owned")
    result = sizing_of(
        model,
        server,
        concurrency,
        effective_context,
        kv_precision,
        kv_budget_ratio,
        runtime_overhead_gib,
        peak_headroom_ratio,
        tensor_parallel,
        models,
        servers,
        None,
        method,
        pipeline_parallel,
        gpu_memory_utilization,
        options,
    )
    r = pick_scenario(result, scenario)
    if r.cost is None:
        return infeasible(r)
    value = getattr(r.cost, f"break_even_{kind}")
    if value is not None:
        return value
    if r.cost.api_offer is None:
        return f"NO FIGURE: no API price for {result.model.name}: give api_offer in options"
    if r.cost.api_monthly_usd is None:
        return "NO FIGURE: give output_tokens_per_session_per_hour in options"
    return _money(result, r, "tco_monthly_usd" if kind == "owned" else "cloud_monthly_usd")


@udf("result_field", *SIZING_ARGS)
def SIZING_RESULT(
    result_field,
    model,
    server,
    concurrency,
    effective_context,
    scenario=None,
    kv_precision=None,
    kv_budget_ratio=None,
    runtime_overhead_gib=None,
    peak_headroom_ratio=None,
    tensor_parallel=None,
    models=None,
    servers=None,
    method=None,
    pipeline_parallel=None,
    gpu_memory_utilization=None,
    options=None,
):
    """One value of a scenario's result under the chosen method, by the name SIZING_SCENARIO lists, e.g. "hbm_budget_gib" or "memory.blocks_per_gpu"."""
    rows = SIZING_SCENARIO.__wrapped__(
        model,
        server,
        concurrency,
        effective_context,
        scenario,
        kv_precision,
        kv_budget_ratio,
        runtime_overhead_gib,
        peak_headroom_ratio,
        tensor_parallel,
        models,
        servers,
        method,
        pipeline_parallel,
        gpu_memory_utilization,
        options,
    )
    values = {_field_key(label): value for label, value in rows}
    name = as_text(result_field, "result_field")
    if _field_key(name) not in values:
        known = ", ".join(values)
        raise InputError("result_field", f"unknown field {shown(name)}; known: {known}")
    return values[_field_key(name)]


def _field_key(name: str) -> str:
    """'Kv Per Session Gib' (SIZING_SCENARIO's label) or 'kv_per_session_gib': one key."""
    return "_".join(name.strip().lower().split())


@udf(
    "model",
    "server",
    "concurrency",
    "effective_context",
    "kv_precision",
    "kv_budget_ratio",
    "runtime_overhead_gib",
    "peak_headroom_ratio",
    "tensor_parallel",
    "storage",
    "lang",
    "models",
    "servers",
    "method",
    "pipeline_parallel",
    "gpu_memory_utilization",
    "options",
)
def SIZING_ALERTS(
    model,
    server,
    concurrency,
    effective_context,
    kv_precision=None,
    kv_budget_ratio=None,
    runtime_overhead_gib=None,
    peak_headroom_ratio=None,
    tensor_parallel=None,
    storage=None,
    lang=None,
    models=None,
    servers=None,
    method=None,
    pipeline_parallel=None,
    gpu_memory_utilization=None,
    options=None,
):
    """The sizing's alerts as text, one per line, most severe first ("" when there are none)."""
    language: Lang = as_choice(lang, "lang", LANGS_BY_NAME, "pt-BR")  # type: ignore[assignment]
    result = sizing_of(
        model,
        server,
        concurrency,
        effective_context,
        kv_precision,
        kv_budget_ratio,
        runtime_overhead_gib,
        peak_headroom_ratio,
        tensor_parallel,
        models,
        servers,
        storage,
        method,
        pipeline_parallel,
        gpu_memory_utilization,
        options,
    )
    return "\n".join(f"[{a.code}] {a.line(language)}" for a in result.alerts)
