"""SIZING_* functions of memory alone: KV per session and in total, the HBM budget, sessions per node."""

from __future__ import annotations

from sizing_xl.engine import hbm_budget_bytes, kv_bytes_per_session
from sizing_xl.request import check_field
from sizing_xl.scenarios import (
    DEFAULT_POLICIES,
    resolve_policy,
)
from sizing_xl.udfs.arguments import (
    as_choice,
    as_float,
    as_int,
    as_text,
)
from sizing_xl.udfs.base import (
    PRECISIONS,
    SCENARIOS,
    pick_scenario,
    sizing_of,
    udf,
    within_model_context,
    workbook_catalog,
)
from sizing_xl.units import bytes_per_element, bytes_to_gib, gb_to_bytes


@udf("model", "effective_context", "kv_precision", "tensor_parallel", "models")
def SIZING_KV_PER_SESSION_GIB(
    model, effective_context, kv_precision=None, tensor_parallel=None, models=None
):
    """KV cache one session holds, in GiB: 2 x (full layers x context + sliding layers x window) x KV heads x head_dim x bytes (MLA: one latent per layer)."""
    spec = workbook_catalog(models).model(as_text(model, "model"))
    context = check_field("effective_context", as_int(effective_context, "effective_context"))
    within_model_context(spec, context)
    kv = kv_bytes_per_session(
        spec,
        context_tokens=context,
        bytes_per_element=bytes_per_element(
            as_choice(kv_precision, "kv_precision", PRECISIONS, "fp8")
        ),
        tensor_parallel=check_field(
            "tensor_parallel", as_int(tensor_parallel, "tensor_parallel", 1)
        ),
    )
    return bytes_to_gib(kv)


@udf("model", "concurrency", "effective_context", "kv_precision", "tensor_parallel", "models")
def SIZING_KV_TOTAL_GIB(
    model, concurrency, effective_context, kv_precision=None, tensor_parallel=None, models=None
):
    """KV cache all concurrent sessions hold together, in GiB (KV per session x concurrency)."""
    sessions = check_field("concurrency", as_int(concurrency, "concurrency"))
    per_session = SIZING_KV_PER_SESSION_GIB.__wrapped__(
        model, effective_context, kv_precision, tensor_parallel, models
    )
    return per_session * sessions


@udf("server", "scenario", "kv_budget_ratio", "runtime_overhead_gib", "servers")
def SIZING_HBM_BUDGET_GIB(
    server, scenario=None, kv_budget_ratio=None, runtime_overhead_gib=None, servers=None
):
    """HBM per node left for KV cache, in GiB: (HBM - runtime overhead) x budget ratio of the scenario."""
    spec = workbook_catalog(None, servers).server(as_text(server, "server"))
    name = as_choice(scenario, "scenario", SCENARIOS, "recommended")
    _, ratio = resolve_policy(
        DEFAULT_POLICIES[name],
        peak_headroom_ratio=0.0,
        kv_budget_ratio=check_field(
            "kv_budget_ratio", as_float(kv_budget_ratio, "kv_budget_ratio", 0.70)
        ),
    )
    budget = hbm_budget_bytes(
        hbm_total_bytes=gb_to_bytes(spec.hbm_total_gb),
        runtime_overhead_gib=check_field(
            "runtime_overhead_gib", as_float(runtime_overhead_gib, "runtime_overhead_gib", 120.0)
        ),
        kv_budget_ratio=ratio,
    )
    return bytes_to_gib(budget)


@udf(
    "model",
    "server",
    "effective_context",
    "scenario",
    "kv_precision",
    "kv_budget_ratio",
    "runtime_overhead_gib",
    "tensor_parallel",
    "models",
    "servers",
    "method",
    "pipeline_parallel",
    "gpu_memory_utilization",
    "options",
)
def SIZING_SESSIONS_PER_NODE(
    model,
    server,
    effective_context,
    scenario=None,
    kv_precision=None,
    kv_budget_ratio=None,
    runtime_overhead_gib=None,
    tensor_parallel=None,
    models=None,
    servers=None,
    method=None,
    pipeline_parallel=None,
    gpu_memory_utilization=None,
    options=None,
):
    """Sessions one node holds under the method: floor(HBM budget / KV per session) for the seed, the engine's block arithmetic for vllm/sglang. 0: not one fits."""
    result = sizing_of(
        model,
        server,
        1,
        effective_context,
        kv_precision,
        kv_budget_ratio,
        runtime_overhead_gib,
        None,
        tensor_parallel,
        models,
        servers,
        None,
        method,
        pipeline_parallel,
        gpu_memory_utilization,
        options,
    )
    return pick_scenario(result, scenario).sessions_per_node
