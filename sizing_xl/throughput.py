"""The throughput check: a bandwidth roofline for decode, a compute one for prefill, and the SLOs.

Decode is bandwidth-bound: every step one replica reads its weights and every session's KV
once. Prefill is compute-bound: 2 x active parameters per prompt token plus attention.
(shared notes: finops-facts.md; AIConfigurator and llm-analysis use the same rooflines.)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from sizing_xl.catalog import ModelSpec, ServerSpec
from sizing_xl.deployment import Deployment
from sizing_xl.units import bytes_to_gib, gib_to_bytes

BYTES_PER_TB = 1e12  # HBM bandwidth is quoted in decimal TB/s
FLOPS_PER_TFLOP = 1e12
SLOW_DECODE_TOKENS_PER_SECOND = 20.0  # below this an info alert says sessions will feel slow
# Weights at these precisions run on the FP8 tensor cores (the catalog has no FP4 figure).
_FP8_PRECISIONS = {"fp8", "int8", "fp4", "int4", "mxfp4"}


@dataclass(frozen=True, slots=True, kw_only=True)
class ScenarioThroughput:
    """What one scenario's nodes deliver at full load, and which limit set sessions per node."""

    sessions_per_replica: int  # the busiest replica's sessions at full load
    time_per_output_token_ms: float
    tokens_per_second_per_session: float
    tokens_per_second_per_node: float
    ttft_seconds: float | None  # None: the server has no FLOPS figure or the model no params
    bound: Literal["memory", "throughput"]
    limit: Literal["tokens_per_second", "ttft"] | None  # the SLO that bound, if one did
    memory_sessions_per_node: int  # what memory alone would hold
    weights_gib_read_per_step: float  # one replica, one decode step
    kv_gib_read_per_step: float
    weights_read_fraction: float  # 1 for dense models; MoE: experts one step touches
    hbm_bandwidth_tbps_per_gpu: float
    memory_bandwidth_utilization: float
    context_fill: float
    prefill_tflops_per_gpu: float | None
    model_flops_utilization: float
    prompt_tokens: int


def weights_read_fraction(model: ModelSpec, sessions: int) -> float:
    """Share of the weights one decode step reads: 1 for a dense model.

    An MoE step reads the shared (active, non-routed) part and every expert at least one of its
    `sessions` tokens is routed to: a + (1 - a) x (1 - (1 - k / E) ** sessions), with
    a = active / total params, top-k of E experts, routing taken as uniform. One session reads
    about the active weights; a full node (tens of sessions per replica) nearly all of them,
    which is why the check at full load reads almost the whole checkpoint.
    """
    if model.num_experts is None or model.experts_per_token is None:
        return 1.0
    total = model.params_total_b
    active = model.params_active_b or total
    shared = active / total if total else 1.0
    untouched = (1 - model.experts_per_token / model.num_experts) ** max(0, sessions)
    return shared + (1 - shared) * (1 - untouched)


@dataclass(frozen=True)
class Roofline:
    """One replica's decode step: the bytes it reads over the bandwidth its GPUs reach."""

    model: ModelSpec
    weights_bytes: float  # the replica's whole checkpoint
    kv_bytes_per_session: float  # summed over the replica's GPUs, at the effective context
    context_fill: float  # share of the effective context a session holds on average
    tensor_parallel: int
    bandwidth_bytes_per_s: float  # one GPU's HBM bandwidth x MBU

    def read_bytes(self, sessions: int) -> tuple[float, float]:
        """(weight bytes, KV bytes) one decode step reads across the replica."""
        weights = self.weights_bytes * weights_read_fraction(self.model, sessions)
        return weights, sessions * self.kv_bytes_per_session * self.context_fill

    def step_seconds(self, sessions: int) -> float:
        """TP GPUs of a stage read in parallel; pipeline stages follow each other for a token,
        so a token's step reads the replica's bytes over TP GPUs' bandwidth."""
        weights, kv = self.read_bytes(sessions)
        return (weights + kv) / self.tensor_parallel / self.bandwidth_bytes_per_s

    def max_sessions(self, tokens_per_second: float, upper: int) -> int:
        """The most sessions (<= upper) one replica decodes at tokens_per_second each:
        floor((bandwidth x TP / rate - weights read) / (KV per session x fill)).

        The weights are taken as read at `upper` sessions (the memory-bound load), the most an
        MoE step reads; so the answer never overstates what meets the rate.
        """
        weights, _ = self.read_bytes(upper)
        room = self.bandwidth_bytes_per_s * self.tensor_parallel / tokens_per_second - weights
        per_session = self.kv_bytes_per_session * self.context_fill
        return max(0, min(upper, math.floor(round(room / per_session, 6))))


def prefill_flops(model: ModelSpec, prompt_tokens: int) -> float | None:
    """2 x active params x prompt tokens, plus attention: 4 x d_attn per (query, key) pair,
    causal, full layers seeing p**2 / 2 pairs and sliding layers p x window; d_attn is heads x
    head_dim (MLA: heads x (kv_lora_rank + qk_rope_head_dim), its absorbed form)."""
    params = model.params_active_b or model.params_total_b
    if params is None:
        return None
    flops = 2 * params * 1e9 * prompt_tokens
    heads = model.num_attention_heads
    if heads is not None:
        if model.attention_type == "mla":
            width = heads * ((model.kv_lora_rank or 0) + (model.qk_rope_head_dim or 0))
        else:
            width = heads * (model.head_dim or 0)
        window = min(model.sliding_window or prompt_tokens, prompt_tokens)
        pairs = (
            model.full_layers * prompt_tokens**2 / 2 + model.sliding_layers * prompt_tokens * window
        )
        flops += 4 * pairs * width
    return flops


def prefill_tflops(server: ServerSpec, weights_precision: str | None) -> float | None:
    """Dense TFLOPS per GPU at the weights' precision: FP8 units for 8- and 4-bit weights."""
    if weights_precision in _FP8_PRECISIONS and server.fp8_dense_tflops_per_gpu:
        return server.fp8_dense_tflops_per_gpu
    return server.bf16_dense_tflops_per_gpu


def ttft_seconds(
    model: ModelSpec, tflops: float | None, *, prompt_tokens: int, gpus: int, mfu: float
) -> float | None:
    """Time to first token: prefill FLOPs over the replica's GPUs x dense FLOPS x MFU."""
    flops = prefill_flops(model, prompt_tokens)
    if flops is None or not tflops:
        return None
    return flops / (gpus * tflops * FLOPS_PER_TFLOP * mfu)


def check_throughput(
    *,
    model: ModelSpec,
    server: ServerSpec,
    deployment: Deployment,
    weights_gib: float,
    weights_precision: str | None,
    kv_per_session_bytes: float,
    sessions_per_unit: int,
    context_fill: float,
    mbu: float,
    mfu: float,
    prompt_tokens: int,
    min_tokens_per_second: float | None,
    max_ttft_seconds: float | None,
) -> tuple[ScenarioThroughput, int] | None:
    """The check at full load and the sessions per unit the SLOs allow (<= memory's).

    None when the server has no bandwidth figure. A TTFT above its SLO, or a rate the weights
    alone cannot reach, leaves 0 sessions: no node meets the SLO.
    """
    if not server.hbm_bandwidth_tbps_per_gpu:
        return None
    d = deployment
    roof = Roofline(
        model=model,
        weights_bytes=gib_to_bytes(weights_gib),
        kv_bytes_per_session=kv_per_session_bytes,
        context_fill=context_fill,
        tensor_parallel=d.tensor_parallel,
        bandwidth_bytes_per_s=server.hbm_bandwidth_tbps_per_gpu * BYTES_PER_TB * mbu,
    )
    # the busiest replica of a node carries ceil(sessions / replicas)
    memory_per_replica = math.ceil(sessions_per_unit / d.replicas_per_node)
    tflops = prefill_tflops(server, weights_precision)
    ttft = ttft_seconds(
        model, tflops, prompt_tokens=prompt_tokens, gpus=d.gpus_per_replica, mfu=mfu
    )
    per_replica, limit = memory_per_replica, None
    if min_tokens_per_second is not None:
        allowed = roof.max_sessions(min_tokens_per_second, memory_per_replica)
        if allowed < per_replica:
            per_replica, limit = allowed, "tokens_per_second"
    if max_ttft_seconds is not None and ttft is not None and ttft > max_ttft_seconds:
        per_replica, limit = 0, "ttft"
    per_unit = min(sessions_per_unit, per_replica * d.replicas_per_node)
    at_load = max(1, per_replica)
    step = roof.step_seconds(at_load)
    weights_read, kv_read = roof.read_bytes(at_load)
    result = ScenarioThroughput(  # computed here: nothing to validate
        sessions_per_replica=per_replica,
        time_per_output_token_ms=step * 1e3,
        tokens_per_second_per_session=1 / step,
        tokens_per_second_per_node=per_unit / d.nodes_per_replica / step,
        ttft_seconds=ttft,
        bound="memory" if limit is None else "throughput",
        limit=limit,
        memory_sessions_per_node=sessions_per_unit // d.nodes_per_replica,
        weights_gib_read_per_step=bytes_to_gib(weights_read),
        kv_gib_read_per_step=bytes_to_gib(kv_read),
        weights_read_fraction=weights_read_fraction(model, at_load),
        hbm_bandwidth_tbps_per_gpu=server.hbm_bandwidth_tbps_per_gpu,
        memory_bandwidth_utilization=mbu,
        context_fill=context_fill,
        prefill_tflops_per_gpu=tflops,
        model_flops_utilization=mfu,
        prompt_tokens=prompt_tokens,
    )
    return result, per_unit
