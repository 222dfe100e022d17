"""The capacity stage of a sizing: what each scenario's unit holds after memory and the SLOs.

Everything here is independent of the concurrency and of money: size() adds those, and a sweep
reuses one stage for every concurrency of a grid (planning/sweep.py).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sizing_xl.catalog import Catalog, ModelSpec, ServerSpec
from sizing_xl.costs.assumptions import Assumptions, resolve_assumptions
from sizing_xl.deployment import Deployment, plan_deployment
from sizing_xl.errors import InputError
from sizing_xl.methods import ENGINE_CHECK_METHOD, METHODS, EngineKnobs, MethodInput, NodeCapacity
from sizing_xl.methods.base import usable_gib_per_gpu
from sizing_xl.methods.defaults import engine_defaults, overhead_band_gib
from sizing_xl.methods.sglang_memory import default_mem_fraction
from sizing_xl.methods.vllm_memory import non_weight_memory
from sizing_xl.records import evolve
from sizing_xl.request import (
    HA_SPARES,
    SCENARIO_NAMES,
    ScenarioName,
    ScenarioPolicy,
    SizingRequest,
    resolve_policy,
)
from sizing_xl.results import ScenarioThroughput, WeightsInfo
from sizing_xl.throughput import check_throughput
from sizing_xl.units import BYTES_PER_PARAM, bytes_per_element, params_to_gib


def resolve_weights(model: ModelSpec, request: SizingRequest) -> WeightsInfo | None:
    """--weights-gib, else the published size at the checkpoint's precision, else params x bytes."""
    precision = request.weights_precision or model.weights_precision
    if request.weights_gib is not None:
        return WeightsInfo(gib=request.weights_gib, precision=precision, basis="flag")
    return model_weights(model, precision)


def model_weights(model: ModelSpec, precision: str | None = None) -> WeightsInfo | None:
    """The checkpoint at a precision (default: its own): the published size at its own
    precision, else params x bytes."""
    precision = precision or model.weights_precision
    if precision is None:
        return None
    if model.weights_gib is not None and precision == model.weights_precision:
        return WeightsInfo(gib=model.weights_gib, precision=precision, basis="published")
    if precision in BYTES_PER_PARAM and model.params_total_b is not None:
        gib = params_to_gib(model.params_total_b, precision)
        return WeightsInfo(gib=gib, precision=precision, basis="params")
    return None


def default_non_weight_gib(
    model: ModelSpec,
    server: ServerSpec,
    plan: Deployment,
    *,
    max_num_batched_tokens: int,
    max_num_seqs: int,
) -> float:
    """The model's measured figure, else vLLM's profiling run (methods/vllm_memory.py), else
    the band of its size for entries without hidden, intermediate and vocabulary sizes."""
    if model.non_weight_overhead_gib is not None:
        return model.non_weight_overhead_gib
    memory = non_weight_memory(
        model,
        tensor_parallel=plan.tensor_parallel,
        max_num_batched_tokens=max_num_batched_tokens,
        max_num_seqs=max_num_seqs,
        nvls=server.nvls,
    )
    return overhead_band_gib(model) if memory is None else memory.total_gib


def engine_knobs(
    request: SizingRequest, model: ModelSpec, server: ServerSpec, plan: Deployment
) -> EngineKnobs:
    vllm, sglang = engine_defaults().vllm, engine_defaults().sglang

    def pick(value, default):
        return default if value is None else value

    max_num_seqs = pick(request.max_num_seqs, vllm.max_num_seqs)
    return EngineKnobs(
        gpu_memory_utilization=pick(request.gpu_memory_utilization, vllm.gpu_memory_utilization),
        non_weight_overhead_gib=pick(
            request.non_weight_overhead_gib,
            default_non_weight_gib(
                model,
                server,
                plan,
                max_num_batched_tokens=vllm.max_num_batched_tokens,
                max_num_seqs=max_num_seqs,
            ),
        ),
        block_size=request.block_size,
        max_num_seqs=max_num_seqs,
        max_num_batched_tokens=vllm.max_num_batched_tokens,
        mem_fraction_static=pick(
            request.mem_fraction_static,
            default_mem_fraction(
                usable_gib_per_gpu(server, request.usable_gib_per_gpu)[0],
                tensor_parallel=plan.tensor_parallel,
                pipeline_parallel=plan.pipeline_parallel,
                release=sglang.release_of(None),
            ),
        ),
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
        knobs=engine_knobs(request, model, server, plan),
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


@dataclass(frozen=True)
class Context:
    """What every scenario of one request shares beyond its method's capacity."""

    request: SizingRequest
    model: ModelSpec
    server: ServerSpec
    plan: Deployment
    weights: WeightsInfo | None
    assumptions: Assumptions
    overrides: dict[str, float | None]  # the request's finance figures, None: finance.json's
    base: MethodInput  # the method's input at the request's own budget ratio


@dataclass(frozen=True)
class ScenarioCapacity:
    """One scenario before the load: its policy, headroom, and what a unit holds.

    `capacity` is the memory method's, its sessions lowered to what the SLOs allow;
    `memory_sessions_per_unit` keeps the memory figure alone.
    """

    policy: ScenarioPolicy
    headroom: float
    capacity: NodeCapacity
    memory_sessions_per_unit: int
    throughput: ScenarioThroughput | None

    def spares(self, plan: Deployment) -> int:
        """The HA spares, in nodes: whole replicas."""
        return spare_nodes(self.policy.ha_mode, plan)


def spare_nodes(ha_mode: str, plan: Deployment) -> int:
    """An HA mode's spare replicas, in nodes."""
    return HA_SPARES[ha_mode] * plan.nodes_per_replica


@dataclass(frozen=True)
class Capacities:
    """The capacity stage of one request: its context, and each scenario's capacity."""

    ctx: Context
    scenarios: dict[ScenarioName, ScenarioCapacity]
    by_ratio: dict[float | None, NodeCapacity]  # the method's capacity per budget ratio
    engine_check: NodeCapacity | None = None  # vLLM's, already computed (the TP search)


def at_concurrency(stage: Capacities, concurrency: int) -> Capacities:
    """The same stage for another concurrency (a checked value): nothing in it depends on the
    load but the request it carries."""
    request = evolve(stage.ctx.request, concurrency=concurrency)
    return evolve(stage, ctx=evolve(stage.ctx, request=request))


def _throughput(ctx: Context, capacity: NodeCapacity) -> tuple[ScenarioThroughput | None, int]:
    """The step-time check at full load, and the sessions per unit its SLOs leave."""
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
        effective_context=req.effective_context,
        context_fill=req.context_fill,
        mbu=a.memory_bandwidth_utilization,
        mfu=a.model_flops_utilization,
        prompt_tokens=req.prompt_tokens or req.effective_context,
        output_tokens=req.output_tokens,
        min_tokens_per_second=req.min_tokens_per_second,
        max_ttft_seconds=req.max_ttft_seconds,
    )
    return (None, capacity.sessions_per_unit) if out is None else out


def _after_slos(
    ctx: Context, memory: NodeCapacity
) -> tuple[NodeCapacity, ScenarioThroughput | None]:
    """Memory gives sessions per unit; the SLOs may lower them."""
    throughput, per_unit = _throughput(ctx, memory)
    if per_unit >= memory.sessions_per_unit:
        return memory, throughput
    lowered = replace(
        memory,
        sessions_per_unit=per_unit,
        sessions_per_replica=min(memory.sessions_per_replica, per_unit),
    )
    return lowered, throughput


def smallest_tensor_parallel(
    request: SizingRequest, model: ModelSpec, server: ServerSpec, weights: WeightsInfo | None
) -> tuple[int, MethodInput | None, NodeCapacity | None]:
    """The smallest TP, a power of two within the node, at which the engine (the request's, or
    the vLLM check's under the seed method) holds a session: what anyone serving the model would
    run. 1 where the model has no weights or no TP inside a node starts it (the alerts say so).
    Also the method's input and the engine's capacity at that TP, which the sizing reuses."""
    if weights is None:
        return 1, None, None
    engine = request.method if request.method != "seed" else ENGINE_CHECK_METHOD
    gpus = server.gpus_per_node
    for tp in (2**i for i in range(gpus.bit_length()) if gpus % 2**i == 0):
        try:
            plan = plan_deployment(
                tensor_parallel=tp,
                pipeline_parallel=request.pipeline_parallel,
                gpus_per_node=gpus,
                server=server.name,
            )
        except InputError:  # TP x PP that no node splits into: the next TP may
            continue
        # method_input reads the TP from the plan, not the request
        base = method_input(request, model, server, plan, weights)
        capacity = METHODS[engine](base)
        if capacity.sessions_per_replica >= 1:
            return tp, base, capacity
    return 1, None, None


def plan_capacities(
    request: SizingRequest, catalog: Catalog, *, throughput: bool = True
) -> Capacities:
    """The capacity stage of size(): catalog entries, replica shape, weights, each scenario's
    method capacity and SLO bound. Raises InputError for what the catalogs cannot size.
    A request without a TP gets the smallest that starts (its context holds it resolved).
    throughput=False: a face that shows nodes only skips the step-time check where no SLO
    can change the sessions (each scenario's throughput is then None)."""
    model = catalog.model(request.model)
    server = catalog.server(request.server)
    base, engine_at_tp = None, None
    if request.tensor_parallel is None:
        tp, base, engine_at_tp = smallest_tensor_parallel(
            request, model, server, resolve_weights(model, request)
        )
        request = replace(request, tensor_parallel=tp)
    plan = plan_deployment(
        tensor_parallel=request.tensor_parallel,
        pipeline_parallel=request.pipeline_parallel,
        gpus_per_node=server.gpus_per_node,
        server=server.name,
    )
    weights = resolve_weights(model, request)
    if request.method != "seed":
        _check_engine_inputs(request, server, plan, weights)
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
        overrides=overrides,
        base=base or method_input(request, model, server, plan, weights),
    )
    method = METHODS[request.method]
    checked = throughput or bool(request.min_tokens_per_second or request.max_ttft_seconds)
    by_ratio: dict[float | None, NodeCapacity] = {}  # engine methods ignore the budget ratio
    bound: dict[float | None, tuple[NodeCapacity, ScenarioThroughput | None]] = {}
    scenarios: dict[ScenarioName, ScenarioCapacity] = {}
    for name in SCENARIO_NAMES:
        policy = request.policies[name]
        headroom, ratio = resolve_policy(
            policy,
            peak_headroom_ratio=request.peak_headroom_ratio,
            kv_budget_ratio=request.kv_budget_ratio,
        )
        key = ratio if request.method == "seed" else None
        if key not in by_ratio:
            by_ratio[key] = method(replace(ctx.base, kv_budget_ratio=ratio))
            bound[key] = _after_slos(ctx, by_ratio[key]) if checked else (by_ratio[key], None)
        capacity, throughput = bound[key]
        scenarios[name] = ScenarioCapacity(
            policy=policy,
            headroom=headroom,
            capacity=capacity,
            memory_sessions_per_unit=by_ratio[key].sessions_per_unit,
            throughput=throughput,
        )
    return Capacities(
        ctx=ctx,
        scenarios=scenarios,
        by_ratio=by_ratio,
        # the search's capacity is the engine check's own where it ran the check's engine
        engine_check=engine_at_tp if request.method == "seed" else None,
    )
