"""The sizing's throughput check: the step-time model at full load, and the SLOs' sessions.

Each scenario's replica is run at the sessions memory gives it (step_time.py: weights and KV
read, compute, all-reduces, fixed costs, and each prompt's prefill shared over its answer's
steps); a tokens/s or TTFT SLO lowers the sessions to the largest batch that meets it.
"""

from __future__ import annotations

import math
from dataclasses import replace
from functools import lru_cache

from sizing_xl.catalog import ModelSpec, ServerSpec
from sizing_xl.deployment import Deployment
from sizing_xl.results import ScenarioThroughput
from sizing_xl.step_time import (
    PerfConstants,
    ReplicaStep,
    dense_tflops,
    perf_constants,
    replica_step,
    step_parts,
    weights_read_fraction,
)
from sizing_xl.units import bytes_to_gib, gib_to_bytes

SLOW_DECODE_TOKENS_PER_SECOND = 20.0  # below this an info alert says sessions will feel slow


@lru_cache(maxsize=16)
def sizing_constants(mbu: float, mfu: float) -> PerfConstants:
    """perf.json's constants with the request's bandwidth and prefill efficiencies."""
    return replace(perf_constants(), bandwidth_efficiency=mbu, prefill_compute_efficiency=mfu)


def sizing_replica(
    *,
    model: ModelSpec,
    server: ServerSpec,
    tensor_parallel: int,
    weights_gib: float,
    weights_precision: str | None,
    kv_per_session_bytes: float,
    effective_context: int,
    context_fill: float,
    prompt_tokens: int,
    mbu: float,
    mfu: float,
) -> ReplicaStep | None:
    """The replica a sizing checks: each session holds and attends to effective context x fill,
    at the request's bandwidth and prefill efficiencies (the live sheet shows its parts)."""
    return replica_step(
        model=model,
        server=server,
        weights_bytes=gib_to_bytes(weights_gib),
        weights_precision=weights_precision,
        tensor_parallel=tensor_parallel,
        kv_bytes_per_session=kv_per_session_bytes * context_fill,
        context_tokens=effective_context * context_fill,
        prompt_tokens=prompt_tokens,
        constants=sizing_constants(mbu, mfu),
    )


def check_throughput(
    *,
    model: ModelSpec,
    server: ServerSpec,
    deployment: Deployment,
    weights_gib: float,
    weights_precision: str | None,
    kv_per_session_bytes: float,
    sessions_per_unit: int,
    effective_context: int,
    context_fill: float,
    mbu: float,
    mfu: float,
    prompt_tokens: int,
    output_tokens: int | None,
    min_tokens_per_second: float | None,
    max_ttft_seconds: float | None,
) -> tuple[ScenarioThroughput, int] | None:
    """The check at full load and the sessions per unit the SLOs allow (<= memory's).

    None when the server has no bandwidth figure. An SLO no batch of one meets leaves 0
    sessions: no node meets it.
    """
    d = deployment
    replica = sizing_replica(
        model=model,
        server=server,
        tensor_parallel=d.tensor_parallel,
        weights_gib=weights_gib,
        weights_precision=weights_precision,
        kv_per_session_bytes=kv_per_session_bytes,
        effective_context=effective_context,
        context_fill=context_fill,
        prompt_tokens=prompt_tokens,
        mbu=mbu,
        mfu=mfu,
    )
    if replica is None:
        return None
    # the busiest replica of a node carries ceil(sessions / replicas)
    memory_per_replica = math.ceil(sessions_per_unit / d.replicas_per_node)
    per_replica, limit = memory_per_replica, None
    if min_tokens_per_second:
        allowed = replica.max_batch(
            memory_per_replica, output_tokens=output_tokens, tpot_ms=1e3 / min_tokens_per_second
        )
        if allowed < per_replica:
            per_replica, limit = allowed, "tokens_per_second"
    if max_ttft_seconds:
        allowed = replica.max_batch(
            memory_per_replica, output_tokens=output_tokens, ttft_ms=max_ttft_seconds * 1e3
        )
        if allowed < per_replica:
            per_replica, limit = allowed, "ttft"
    per_unit = min(sessions_per_unit, per_replica * d.replicas_per_node)
    at_load = max(1, per_replica)
    tpot = replica.tpot_ms(at_load, output_tokens)
    ttft = replica.ttft_ms(at_load)
    weights_ms, kv_ms, compute_ms, step_bound = step_parts(replica, at_load)
    fraction = weights_read_fraction(model, at_load)
    result = ScenarioThroughput(  # computed here: nothing to validate
        sessions_per_replica=per_replica,
        time_per_output_token_ms=tpot,
        step_ms=replica.step_ms(at_load),
        tokens_per_second_per_session=1e3 / tpot,
        tokens_per_second_per_node=per_unit / d.nodes_per_replica * 1e3 / tpot,
        full_load_tokens_per_second_per_node=sessions_per_unit
        / d.nodes_per_replica
        * 1e3
        / replica.tpot_ms(max(1, memory_per_replica), output_tokens),
        ttft_seconds=None if ttft is None else ttft / 1e3,
        bound="memory" if limit is None else "throughput",
        limit=limit,
        step_bound=step_bound,
        memory_sessions_per_node=sessions_per_unit // d.nodes_per_replica,
        weights_gib_read_per_step=weights_gib * fraction,
        kv_gib_read_per_step=bytes_to_gib(at_load * kv_per_session_bytes * context_fill),
        weights_read_fraction=fraction,
        weights_ms=weights_ms,
        kv_ms=kv_ms,
        compute_ms=compute_ms,
        communication_ms=replica.communication_ms,
        overhead_ms=replica.overhead_ms,
        prefill_ms=replica.prefill_ms,
        hbm_bandwidth_tbps_per_gpu=server.hbm_bandwidth_tbps_per_gpu,
        memory_bandwidth_utilization=mbu,
        context_fill=context_fill,
        prefill_tflops_per_gpu=dense_tflops(server, weights_precision),
        model_flops_utilization=mfu,
        prompt_tokens=prompt_tokens,
        output_tokens=output_tokens,
    )
    return result, per_unit
