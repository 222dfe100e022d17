"""Sizing a request: a memory method per scenario, nodes in whole replicas, and the engine check.

The result models live in results.py and the request in request.py; both are re-exported here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sizing_xl import engine
from sizing_xl.alerts import evaluate_alerts
from sizing_xl.catalog import (
    Catalog,
    CloudOffer,
    ModelSpec,
    ServerSpec,
    load_catalog,
)
from sizing_xl.costs import scenario_cost
from sizing_xl.costs.assumptions import Assumptions, figures_used, resolve_assumptions
from sizing_xl.costs.cloud import pick_offer
from sizing_xl.deployment import Deployment, plan_deployment
from sizing_xl.errors import InputError
from sizing_xl.methods import ENGINE_CHECK_METHOD, METHODS, EngineKnobs, MethodInput, NodeCapacity
from sizing_xl.methods.base import usable_gib_per_gpu
from sizing_xl.methods.defaults import default_non_weight_overhead_gib, engine_defaults
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
    ScenarioResult,
    SizingResult,
    WeightsInfo,
)
from sizing_xl.throughput import ScenarioThroughput, check_throughput
from sizing_xl.units import BYTES_PER_PARAM, bytes_per_element, bytes_to_gib, params_to_gib

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


def resolve_weights(model: ModelSpec, request: SizingRequest) -> WeightsInfo | None:
    """--weights-gib, else the published size at the checkpoint's precision, else params x bytes."""
    precision = request.weights_precision or model.weights_precision
    if request.weights_gib is not None:
        return WeightsInfo(gib=request.weights_gib, precision=precision, basis="flag")
    if precision is None:
        return None
    if model.weights_gib is not None and precision == model.weights_precision:
        return WeightsInfo(gib=model.weights_gib, precision=precision, basis="published")
    if precision in BYTES_PER_PARAM and model.params_total_b is not None:
        gib = params_to_gib(model.params_total_b, precision)
        return WeightsInfo(gib=gib, precision=precision, basis="params")
    return None


def engine_knobs(request: SizingRequest, model: ModelSpec) -> EngineKnobs:
    vllm, sglang = engine_defaults().vllm, engine_defaults().sglang

    def pick(value, default):
        return default if value is None else value

    return EngineKnobs(
        gpu_memory_utilization=pick(request.gpu_memory_utilization, vllm.gpu_memory_utilization),
        non_weight_overhead_gib=pick(
            request.non_weight_overhead_gib, default_non_weight_overhead_gib(model)
        ),
        block_size=request.block_size,
        max_num_seqs=pick(request.max_num_seqs, vllm.max_num_seqs),
        max_num_batched_tokens=vllm.max_num_batched_tokens,
        mem_fraction_static=pick(request.mem_fraction_static, sglang.mem_fraction_static),
        swa_full_tokens_ratio=pick(request.swa_full_tokens_ratio, sglang.swa_full_tokens_ratio),
        usable_gib_per_gpu=request.usable_gib_per_gpu,
    )


def method_input(
    request: SizingRequest,
    model: ModelSpec,
    server: ServerSpec,
    plan: Deployment,
    weights: WeightsInfo | None,
) -> MethodInput:
    """What every method reads for this request (the seed's budget ratio as the request's)."""
    return MethodInput(
        model=model,
        server=server,
        deployment=plan,
        context_tokens=request.effective_context,
        kv_bytes_per_element=bytes_per_element(request.kv_precision),
        kv_budget_ratio=request.kv_budget_ratio,
        runtime_overhead_gib=request.runtime_overhead_gib,
        weights_gib=None if weights is None else weights.gib,
        knobs=engine_knobs(request, model),
    )


def _check_engine_inputs(
    request: SizingRequest, server: ServerSpec, plan: Deployment, weights: WeightsInfo | None
) -> None:
    """An engine method needs the weights, and a replica inside one node must hold them."""
    if weights is None:
        raise InputError(
            "weights_gib",
            f"method {request.method} needs the weights of model {request.model!r}: its "
            "catalog entry has no weights_precision; give the weights' size or precision",
        )
    usable, _ = usable_gib_per_gpu(server, request.usable_gib_per_gpu)
    node_gib = usable * server.gpus_per_node
    if plan.nodes_per_replica == 1 and weights.gib > node_gib:
        raise InputError(
            "pipeline_parallel",
            f"{weights.gib:.1f} GiB of weights exceed the {node_gib:.1f} GiB of a whole "
            f"{server.name} node; let a replica span nodes (TP x PP above "
            f"{server.gpus_per_node} GPUs, e.g. pipeline parallel 2)",
        )


def _nodes(
    capacity: NodeCapacity, plan: Deployment, *, peak: float, ha_mode: str
) -> tuple[int | None, int | None, int, int | None]:
    """(operational, final, spares, capacity after failures), bought in whole replica units."""
    units = engine.nodes_operational(
        peak_sessions=peak, sessions_per_node=capacity.sessions_per_unit
    )
    spares = HA_SPARES[ha_mode] * plan.nodes_per_replica
    if units is None:
        return None, None, spares, None
    operational = units * plan.nodes_per_replica
    after = engine.capacity_after_failures(
        nodes_operational=units, sessions_per_node=capacity.sessions_per_unit
    )
    return operational, operational + spares, spares, after


@dataclass(frozen=True)
class Context:
    """What every scenario of one request shares beyond its method's capacity."""

    request: SizingRequest
    model: ModelSpec
    server: ServerSpec
    plan: Deployment
    weights: WeightsInfo | None
    assumptions: Assumptions
    offer: CloudOffer | None


def _throughput(ctx: Context, capacity: NodeCapacity) -> tuple[ScenarioThroughput | None, int]:
    """The roofline check at full load, and the sessions per unit its SLOs leave."""
    req, a = ctx.request, ctx.assumptions
    if ctx.weights is None:
        return None, capacity.sessions_per_unit
    out = check_throughput(
        model=ctx.model,
        server=ctx.server,
        deployment=ctx.plan,
        weights_gib=ctx.weights.gib,
        weights_precision=ctx.weights.precision,
        kv_per_session_bytes=capacity.kv_per_session_bytes,
        sessions_per_unit=capacity.sessions_per_unit,
        context_fill=req.context_fill,
        mbu=a.memory_bandwidth_utilization,
        mfu=a.model_flops_utilization,
        prompt_tokens=req.prompt_tokens or req.effective_context,
        min_tokens_per_second=req.min_tokens_per_second,
        max_ttft_seconds=req.max_ttft_seconds,
    )
    return (None, capacity.sessions_per_unit) if out is None else out


def scenario_result(
    policy: ScenarioPolicy, ctx: Context, capacity: NodeCapacity, headroom: float
) -> ScenarioResult:
    """Memory gives sessions per unit, the SLOs may lower them; nodes, then what they cost."""
    request, plan = ctx.request, ctx.plan
    memory_per_unit = capacity.sessions_per_unit
    throughput, per_unit = _throughput(ctx, capacity)
    if per_unit < capacity.sessions_per_unit:
        capacity = replace(
            capacity,
            sessions_per_unit=per_unit,
            sessions_per_replica=min(capacity.sessions_per_replica, per_unit),
        )
    peak = engine.peak_sessions(concurrency=request.concurrency, peak_headroom_ratio=headroom)
    operational, final, spares, after = _nodes(capacity, plan, peak=peak, ha_mode=policy.ha_mode)
    cost = (
        None
        if final is None
        else scenario_cost(
            nodes=final,
            server=ctx.server,
            node_price_usd=request.node_price_usd,
            offer=ctx.offer,
            assumptions=ctx.assumptions,
            concurrency=request.concurrency,
            output_tokens_per_session_per_hour=request.output_tokens_per_session_per_hour,
        )
    )
    kv = capacity.kv_per_session_bytes
    return ScenarioResult(
        ha_mode=policy.ha_mode,
        ha_spares=spares,
        peak_headroom_ratio=headroom,
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
        memory_sessions_per_unit=memory_per_unit,
        sessions_per_replica=capacity.sessions_per_replica,
        memory=capacity.memory,
        throughput=throughput,
        cost=cost,
    )


def _engine_check(
    capacity: NodeCapacity,
    request: SizingRequest,
    plan: Deployment,
    headrooms: dict[ScenarioName, float],
    chosen: ScenarioResult,
) -> EngineCheck:
    assert capacity.memory is not None
    per_node = capacity.sessions_per_unit // plan.nodes_per_replica
    nodes = {}
    for name in SCENARIO_NAMES:
        peak = engine.peak_sessions(
            concurrency=request.concurrency, peak_headroom_ratio=headrooms[name]
        )
        policy = request.policies[name]
        nodes[name] = _nodes(capacity, plan, peak=peak, ha_mode=policy.ha_mode)[1]
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
    model = catalog.model(request.model)
    server = catalog.server(request.server)
    storage = catalog.storage_profile(request.storage)
    plan = plan_deployment(
        tensor_parallel=request.tensor_parallel,
        pipeline_parallel=request.pipeline_parallel,
        gpus_per_node=server.gpus_per_node,
        server=server.name,
    )
    weights = resolve_weights(model, request)
    if request.method != "seed":
        _check_engine_inputs(request, server, plan, weights)
    base = method_input(request, model, server, plan, weights)
    overrides = {
        "usd_per_kwh": request.usd_per_kwh,
        "pue": request.pue,
        "memory_bandwidth_utilization": request.memory_bandwidth_utilization,
        "model_flops_utilization": request.model_flops_utilization,
    }
    ctx = Context(
        request=request,
        model=model,
        server=server,
        plan=plan,
        weights=weights,
        assumptions=resolve_assumptions(catalog.finance, overrides),
        offer=pick_offer(
            catalog.cloud,
            catalog.servers,
            server,
            catalog.cloud_offer(request.cloud_offer) if request.cloud_offer else None,
        ),
    )
    method = METHODS[request.method]
    capacities: dict[float | None, NodeCapacity] = {}  # engine methods ignore the budget ratio
    scenarios: dict[ScenarioName, Scenario] = {}
    headrooms: dict[ScenarioName, float] = {}
    for name in SCENARIO_NAMES:
        policy = request.policies[name]
        headroom, ratio = resolve_policy(
            policy,
            peak_headroom_ratio=request.peak_headroom_ratio,
            kv_budget_ratio=request.kv_budget_ratio,
        )
        key = ratio if request.method == "seed" else None
        if key not in capacities:
            capacities[key] = method(replace(base, kv_budget_ratio=ratio))
        headrooms[name] = headroom
        scenarios[name] = Scenario(
            name=name, results=scenario_result(policy, ctx, capacities[key], headroom)
        )
    check = None
    if weights is not None:
        engine_capacity = (
            capacities[None]
            if request.method == ENGINE_CHECK_METHOD
            else METHODS[ENGINE_CHECK_METHOD](base)
        )
        check = _engine_check(
            engine_capacity, request, plan, headrooms, scenarios["recommended"].results
        )
    deployment = DeploymentInfo(
        tensor_parallel=plan.tensor_parallel,
        pipeline_parallel=plan.pipeline_parallel,
        gpus_per_replica=plan.gpus_per_replica,
        replicas_per_node=plan.replicas_per_node,
        nodes_per_replica=plan.nodes_per_replica,
        weights=weights,
        weights_gib_per_node=None
        if weights is None
        else weights.gib * plan.replicas_per_node / plan.nodes_per_replica,
    )
    priced = request.node_price_usd is not None
    finance = FinanceInfo.model_construct(
        currency=request.currency,
        usd_to_currency=request.usd_to_currency or 1.0,
        rate_as_of=request.rate_as_of,
        node_price_usd=request.node_price_usd if priced else server.capex_usd,
        install_usd=server.install_usd,
        price_source="given as --node-price-usd" if priced else server.price_source,
        price_as_of=None if priced else server.price_as_of,
        cloud_offer=ctx.offer,
        assumptions=figures_used(catalog.finance, overrides, ctx.assumptions),
    )
    alerts = evaluate_alerts(
        request,
        model,
        storage,
        scenarios,
        deployment,
        check,
        server_priced=server.capex_usd is not None,
    )
    return SizingResult(
        method_version=METHOD_VERSION,
        inputs=request,
        model=model,
        server=server,
        storage=storage,
        deployment=deployment,
        scenarios=scenarios,
        engine_check=check,
        finance=finance,
        alerts=alerts,
    )
