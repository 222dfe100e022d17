"""Sizing a request: a memory method per scenario, nodes in whole replicas, and the engine check.

The result models live in results.py and the request in request.py; both are re-exported here.
"""

from __future__ import annotations

from dataclasses import dataclass

from sizing_xl import engine
from sizing_xl.alerts import evaluate_alerts
from sizing_xl.capacity import (
    Capacities,
    Context,
    ScenarioCapacity,
    plan_capacities,
    spare_nodes,
)
from sizing_xl.catalog import ApiPrice, Catalog, CloudOffer, StorageProfile
from sizing_xl.catalog.loading import load_catalog
from sizing_xl.costs import scenario_cost
from sizing_xl.costs.api import pick_api
from sizing_xl.costs.assumptions import figures_used
from sizing_xl.costs.cloud import pick_offer
from sizing_xl.deployment import Deployment
from sizing_xl.methods import ENGINE_CHECK_METHOD, METHODS, NodeCapacity
from sizing_xl.request import (
    DEFAULT_POLICIES,
    HA_SPARES,
    HEADLINE_CASE,
    SCENARIO_NAMES,
    ScenarioName,
    ScenarioPolicy,
    SizingRequest,
    as_flags,
    input_error,
    make_request,
    resolve_policy,
)
from sizing_xl.results import (
    DeploymentInfo,
    EngineCheck,
    FinanceInfo,
    Scenario,
    ScenarioCost,
    ScenarioResult,
    SizingResult,
)
from sizing_xl.units import bytes_to_gib

METHOD_VERSION = "2.0"  # the seed's method; results stay comparable with sizing.py v2.0

__all__ = [
    "DEFAULT_POLICIES",
    "HA_SPARES",
    "HEADLINE_CASE",
    "METHOD_VERSION",
    "SCENARIO_NAMES",
    "EngineCheck",
    "Scenario",
    "ScenarioPolicy",
    "ScenarioResult",
    "SizingRequest",
    "SizingResult",
    "as_flags",
    "input_error",
    "make_request",
    "resolve_policy",
    "size",
]


def _nodes(
    capacity: NodeCapacity, plan: Deployment, *, peak: float, ha_mode: str
) -> tuple[int | None, int | None, int, int | None]:
    """(operational, final, spares, capacity after failures), bought in whole replica units."""
    units = engine.nodes_operational(
        peak_sessions=peak, sessions_per_node=capacity.sessions_per_unit
    )
    spares = spare_nodes(ha_mode, plan)
    if units is None:
        return None, None, spares, None
    operational = units * plan.nodes_per_replica
    after = engine.capacity_after_failures(
        nodes_operational=units, sessions_per_node=capacity.sessions_per_unit
    )
    return operational, operational + spares, spares, after


@dataclass(frozen=True, slots=True)
class Prices:
    """What a sizing's fleet is priced against: a cloud offer and a pay-per-token API."""

    offer: CloudOffer | None
    api: ApiPrice | None


def prices_for(ctx: Context, catalog: Catalog) -> Prices:
    """The request's cloud offer and API price, else the cheapest of the same node and model."""
    request = ctx.request
    offer = pick_offer(
        catalog.cloud,
        catalog.servers,
        ctx.server,
        catalog.cloud_offer(request.cloud_offer) if request.cloud_offer else None,
    )
    hours = ctx.assumptions.hours_per_month
    api = pick_api(
        catalog.api,
        ctx.model,
        catalog.api_price(request.api_offer) if request.api_offer else None,
        input_tokens=(request.input_tokens_per_session_per_hour or 0.0) * hours,
        output_tokens=(request.output_tokens_per_session_per_hour or 1.0) * hours,
    )
    return Prices(offer, api)


def load_and_cost(
    ctx: Context, sc: ScenarioCapacity, prices: Prices
) -> tuple[float, tuple[int | None, int | None, int, int | None], ScenarioCost | None]:
    """A scenario's peak load, its nodes (_nodes) and what they cost: the arithmetic of
    scenario_result, which ranges.py runs once per sample."""
    request = ctx.request
    peak = engine.peak_sessions(concurrency=request.concurrency, peak_headroom_ratio=sc.headroom)
    nodes = _nodes(sc.capacity, ctx.plan, peak=peak, ha_mode=sc.policy.ha_mode)
    final, t = nodes[1], sc.throughput
    cost = (
        None
        if final is None
        else scenario_cost(
            nodes=final,
            server=ctx.server,
            node_price_usd=request.node_price_usd,
            offer=prices.offer,
            assumptions=ctx.assumptions,
            concurrency=request.concurrency,
            output_tokens_per_session_per_hour=request.output_tokens_per_session_per_hour,
            api=prices.api,
            input_tokens_per_session_per_hour=request.input_tokens_per_session_per_hour,
            tokens_per_second_per_node=t and t.tokens_per_second_per_node,
            full_load_tokens_per_second_per_node=t and t.full_load_tokens_per_second_per_node,
        )
    )
    return peak, nodes, cost


def scenario_result(ctx: Context, sc: ScenarioCapacity, prices: Prices) -> ScenarioResult:
    """A scenario's capacity carried to the request's load: nodes, then what they cost."""
    request, plan, capacity = ctx.request, ctx.plan, sc.capacity
    peak, (operational, final, spares, after), cost = load_and_cost(ctx, sc, prices)
    kv = capacity.kv_per_session_bytes
    return ScenarioResult(
        ha_mode=sc.policy.ha_mode,
        ha_spares=spares,
        peak_headroom_ratio=sc.headroom,
        kv_budget_ratio=capacity.memory_fraction,
        kv_per_session_bytes=kv,
        kv_per_session_gib=bytes_to_gib(kv),
        kv_total_gib=bytes_to_gib(kv * request.concurrency),
        hbm_total_gib=bytes_to_gib(capacity.hbm_total_bytes),
        runtime_overhead_gib=bytes_to_gib(capacity.overhead_bytes),
        hbm_budget_gib=bytes_to_gib(capacity.kv_budget_bytes),
        sessions_per_node=capacity.sessions_per_unit // plan.nodes_per_replica,
        peak_sessions=peak,
        nodes_operational=operational,
        nodes_final=final,
        capacity_after_failures_sessions=after,
        method=capacity.method,
        sessions_per_unit=capacity.sessions_per_unit,
        memory_sessions_per_unit=sc.memory_sessions_per_unit,
        sessions_per_replica=capacity.sessions_per_replica,
        memory=capacity.memory,
        throughput=sc.throughput,
        cost=cost,
    )


def _engine_check(
    capacity: NodeCapacity,
    request: SizingRequest,
    plan: Deployment,
    scenarios: dict[ScenarioName, ScenarioCapacity],
    chosen: ScenarioResult,
) -> EngineCheck:
    """The engine's capacity carried to each scenario's headroom and spares."""
    assert capacity.memory is not None
    per_node = capacity.sessions_per_unit // plan.nodes_per_replica
    nodes = {}
    for name, sc in scenarios.items():
        peak = engine.peak_sessions(
            concurrency=request.concurrency, peak_headroom_ratio=sc.headroom
        )
        nodes[name] = _nodes(capacity, plan, peak=peak, ha_mode=sc.policy.ha_mode)[1]
    return EngineCheck(
        method=capacity.method,
        sessions_per_node=per_node,
        sessions_per_replica=capacity.sessions_per_replica,
        ratio_to_method=per_node / chosen.memory_sessions_per_node
        if chosen.memory_sessions_per_node
        else None,
        nodes=nodes,
        memory=capacity.memory,
    )


def size(request: SizingRequest, catalog: Catalog | None = None) -> SizingResult:
    """Size a request on the catalogs: three scenarios, the vLLM check, and the alerts."""
    catalog = catalog or load_catalog()
    stage = plan_capacities(request, catalog)
    return size_stage(stage, stage_parts(stage, catalog, chosen_tp=request.tensor_parallel is None))


@dataclass(frozen=True, slots=True)
class StageParts:
    """What a sizing shows that its load does not change: a sweep computes them once per
    capacity stage and hands them to every concurrency of its grid (size_stage)."""

    prices: Prices
    storage: StorageProfile
    deployment: DeploymentInfo
    finance: FinanceInfo
    engine_capacity: NodeCapacity | None  # the engine check's capacity, where weights are known


def looked_up(ctx: Context, catalog: Catalog) -> tuple[StorageProfile, Prices]:
    """The catalog entries a sizing reads beyond its model and server: the storage profile,
    then the prices (prices_for). A bad name fails here, the storage's first."""
    return catalog.storage_profile(ctx.request.storage), prices_for(ctx, catalog)


def stage_parts(stage: Capacities, catalog: Catalog, *, chosen_tp: bool) -> StageParts:
    """The prices (prices_for), the storage profile, the deployment and finance blocks, and the
    engine check's capacity of a stage."""
    ctx, request = stage.ctx, stage.ctx.request
    plan, weights, server = ctx.plan, ctx.weights, ctx.server
    storage, prices = looked_up(ctx, catalog)
    engine_capacity = None
    if weights is not None:
        engine_capacity = (
            stage.by_ratio[None]
            if request.method == ENGINE_CHECK_METHOD
            else stage.engine_check or METHODS[ENGINE_CHECK_METHOD](ctx.base)
        )
    deployment = DeploymentInfo(
        tensor_parallel=plan.tensor_parallel,
        pipeline_parallel=plan.pipeline_parallel,
        gpus_per_replica=plan.gpus_per_replica,
        replicas_per_node=plan.replicas_per_node,
        nodes_per_replica=plan.nodes_per_replica,
        tensor_parallel_chosen=chosen_tp,
        weights=weights,
        weights_gib_per_node=None
        if weights is None
        else weights.gib * plan.replicas_per_node / plan.nodes_per_replica,
    )
    priced = request.node_price_usd is not None
    finance = FinanceInfo(
        currency=request.currency,
        usd_to_currency=request.usd_to_currency or 1.0,
        rate_as_of=request.rate_as_of,
        node_price_usd=request.node_price_usd if priced else server.capex_usd,
        install_usd=server.install_usd,
        price_source="given as --node-price-usd" if priced else server.price_source,
        price_as_of=None if priced else server.price_as_of,
        cloud_offer=prices.offer,
        api_offer=prices.api,
        assumptions=figures_used(catalog.finance, ctx.overrides, ctx.assumptions),
    )
    return StageParts(prices, storage, deployment, finance, engine_capacity)


def size_stage(stage: Capacities, parts: StageParts) -> SizingResult:
    """size() from its capacity stage on: the load, nodes, money, engine check and alerts.
    A sweep hands every concurrency of a grid the same stage (capacity.at_concurrency) and
    the same parts (stage_parts: they do not depend on the load)."""
    ctx = stage.ctx
    request = ctx.request  # its TP resolved
    scenarios = {
        name: Scenario(name=name, results=scenario_result(ctx, sc, parts.prices))
        for name, sc in stage.scenarios.items()
    }
    check = None
    if parts.engine_capacity is not None:
        check = _engine_check(
            parts.engine_capacity,
            request,
            ctx.plan,
            stage.scenarios,
            scenarios["recommended"].results,
        )
    alerts = evaluate_alerts(
        request,
        ctx.model,
        parts.storage,
        scenarios,
        parts.deployment,
        check,
        server_priced=ctx.server.capex_usd is not None,
    )
    return SizingResult(
        method_version=METHOD_VERSION,
        inputs=request,
        model=ctx.model,
        server=ctx.server,
        storage=parts.storage,
        deployment=parts.deployment,
        scenarios=scenarios,
        engine_check=check,
        finance=parts.finance,
        alerts=alerts,
    )
