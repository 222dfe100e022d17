"""The step-time model: one replica's decode step and prefill under a benchmark's load.

At a batch of B sessions (a benchmark's concurrency per replica), with ISL input and OSL output
tokens per request, a decode step
  reads the weights it touches (MoE: the experts B x top-k routings reach, throughput.py) and
  every session's KV at its mean context (ISL + OSL / 2), over TP GPUs' bandwidth x efficiency;
  computes 2 x active params + attention FLOPs per token for B tokens, over TP GPUs' dense
  FLOPS x efficiency; the step takes the larger of the two (roofline), plus
  two all-reduces per layer under TP > 1 (Megatron-style tensor parallelism: after attention and
  after the MLP), each a fixed latency, and fixed costs: per step (scheduling, sampling), per
  layer (kernel launches) and more per MoE layer (routing, expert dispatch). Measured decode
  at low batch is far slower than its bytes over the bandwidth; these fixed costs are why.
Each request also prefills its ISL tokens once per OSL decode steps: B / OSL prefills share
every step's time (continuous batching), so TPOT = step + B / OSL x prefill. TTFT = a fixed
cost per request (front end, scheduling) + its prefill + the prefills of requests that arrived
with it (a benchmark's waves) + one decode step. B is the concurrency, or the sessions the replica's KV pool holds where that
is fewer (the engine method's figure): the rest wait in the queue, each slot freeing after OSL
steps, and their wait adds to TTFT. Every constant is data (catalogs/perf.json, fitted on the "fit" points of
tests/data/benchmarks/points.json; scripts/fidelity.py --perf prints the error on the rest).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from sizing_xl.catalog import ModelSpec, ServerSpec
from sizing_xl.catalog.loading import builtin_catalogs
from sizing_xl.engine import kv_bytes_per_session
from sizing_xl.throughput import prefill_flops, weights_read_fraction

FP8_PRECISIONS = frozenset({"fp8", "int8", "fp4", "int4", "mxfp4"})  # FP8 tensor cores
BYTES_PER_TB, FLOPS_PER_TFLOP = 1e12, 1e12
Bound = Literal["weights", "kv", "compute", "communication", "overhead"]


class PerfConstants(BaseModel):
    """The efficiencies and fixed costs of the step-time model, with where they come from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    bandwidth_efficiency: float = Field(gt=0, le=1)  # share of peak HBM bandwidth a step reaches
    decode_compute_efficiency: float = Field(gt=0, le=1)  # share of dense FLOPS at decode
    prefill_compute_efficiency: float = Field(gt=0, le=1)  # MFU of a prefill
    step_overhead_ms: float = Field(ge=0, le=1000)  # per decode step and per prefill
    layer_overhead_us: float = Field(ge=0, le=10_000)  # per layer and step: launches, norms
    moe_layer_overhead_us: float = Field(ge=0, le=10_000)  # more per MoE layer: routing, dispatch
    allreduce_latency_us: float = Field(ge=0, le=10_000)  # one all-reduce, TP > 1
    request_overhead_ms: float = Field(ge=0, le=10_000)  # per request before its first token
    # how far a benchmark's requests arrive together (0: spread evenly, 1: all in one wave,
    # each waiting for the prefills queued before it)
    arrival_alignment: float = Field(ge=0, le=1)
    # the fixed costs' factor on a GPU whose software stack measures slower, by catalog GPU name
    overhead_factor_by_gpu: dict[str, float] = Field(default_factory=dict)
    source: str
    as_of: str
    fitted_on: tuple[str, ...] = ()  # point ids of tests/data/benchmarks/points.json


class PerfAccuracy(BaseModel):
    """The model's error on the held-out benchmarks, and what the measured set covers."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    held_out_points: int
    tokens_per_second_per_user_factor: float  # exp(mean |log(estimate / measured)|)
    tokens_per_second_per_user_worst: float
    ttft_factor: float
    ttft_worst: float
    measured_gpus: tuple[str, ...]  # catalog GPU names with a measured point
    measured_engines: tuple[str, ...]


@lru_cache(maxsize=1)
def _perf_file() -> dict:
    return json.loads((builtin_catalogs() / "perf.json").read_text("utf-8"))


@lru_cache(maxsize=1)
def perf_constants() -> PerfConstants:
    """catalogs/perf.json's constants."""
    return PerfConstants.model_validate(_perf_file()["constants"])


@lru_cache(maxsize=1)
def perf_accuracy() -> PerfAccuracy:
    """catalogs/perf.json's accuracy, written by scripts/fit_perf.py beside the constants."""
    return PerfAccuracy.model_validate(_perf_file()["accuracy"])


@dataclass(frozen=True, slots=True, kw_only=True)
class StepEstimate:
    """What one replica does under the load: per step, per request, per user, per GPU."""

    batch: int  # sessions decoding together: the concurrency, or the KV pool's sessions
    queued: int  # the concurrency beyond the batch, waiting for a slot
    weights_ms: float  # reading the weights the step touches
    kv_ms: float  # reading every session's KV
    memory_ms: float  # weights + KV
    compute_ms: float
    communication_ms: float
    overhead_ms: float
    step_ms: float  # max(memory, compute) + communication + overhead
    prefill_ms: float  # one request's ISL tokens
    tpot_ms: float  # step + B / OSL x prefill
    ttft_ms: float  # request cost + prefill (its own, its wave's) + one step + a slot's wait
    tokens_per_second_per_user: float
    tokens_per_second_per_gpu: float
    bound: Bound  # the largest part of a step


def dense_tflops(server: ServerSpec, weights_precision: str | None) -> float | None:
    """The GPU's dense TFLOPS at the precision the weights run on."""
    if weights_precision in FP8_PRECISIONS and server.fp8_dense_tflops_per_gpu:
        return server.fp8_dense_tflops_per_gpu
    return server.bf16_dense_tflops_per_gpu


def estimate_step(
    *,
    model: ModelSpec,
    server: ServerSpec,
    weights_bytes: float,
    weights_precision: str | None,
    tensor_parallel: int,
    kv_bytes_per_element: int,
    input_tokens: int,
    output_tokens: int,
    concurrency: int,
    max_batch: int | None = None,
    constants: PerfConstants | None = None,
) -> StepEstimate | None:
    """A replica of TP GPUs (the pipeline's stages read in turn, as throughput.py takes them)
    serving `concurrency` requests of input_tokens in, output_tokens out, at most max_batch at
    once (the KV pool's sessions; None: no bound); None where the server has no bandwidth or
    FLOPS figure, or the model no parameter count."""
    c = constants or perf_constants()
    tflops = dense_tflops(server, weights_precision)
    params = model.params_active_b or model.params_total_b
    if server.hbm_bandwidth_tbps_per_gpu is None or tflops is None or params is None:
        return None
    tp = tensor_parallel
    batch = max(1, min(concurrency, max_batch or concurrency))
    bandwidth = server.hbm_bandwidth_tbps_per_gpu * BYTES_PER_TB * c.bandwidth_efficiency * tp
    context = input_tokens + output_tokens // 2
    kv = kv_bytes_per_session(
        model, context_tokens=context, bytes_per_element=kv_bytes_per_element, tensor_parallel=tp
    )
    weights_ms = weights_bytes * weights_read_fraction(model, batch) / bandwidth * 1e3
    kv_ms = batch * kv / bandwidth * 1e3
    memory_ms = weights_ms + kv_ms
    flops = prefill_flops(model, context + 1) - prefill_flops(model, context)  # one token
    compute_ms = batch * flops / (tflops * FLOPS_PER_TFLOP * c.decode_compute_efficiency * tp) * 1e3
    layers = model.num_layers
    factor = c.overhead_factor_by_gpu.get(server.gpu, 1.0)
    communication_ms = 2 * layers * c.allreduce_latency_us / 1e3 * factor if tp > 1 else 0.0
    moe_layers = layers if model.num_experts else 0
    overhead_ms = factor * (
        c.step_overhead_ms
        + (layers * c.layer_overhead_us + moe_layers * c.moe_layer_overhead_us) / 1e3
    )
    step_ms = max(memory_ms, compute_ms) + communication_ms + overhead_ms
    prefill_compute = prefill_flops(model, input_tokens) / (
        tflops * FLOPS_PER_TFLOP * c.prefill_compute_efficiency * tp
    )
    prefill_ms = (
        max(prefill_compute * 1e3, weights_bytes / bandwidth * 1e3) + communication_ms + overhead_ms
    )
    tpot_ms = step_ms + batch / output_tokens * prefill_ms
    per_user = 1e3 / tpot_ms
    queued = max(0, concurrency - batch)
    wait_ms = queued / batch * output_tokens * tpot_ms  # batch slots free every OSL steps
    # a request arriving with others waits, on average, for half of their prefills
    wave_ms = c.arrival_alignment * (batch - 1) / 2 * prefill_ms
    return StepEstimate(
        batch=batch,
        queued=queued,
        weights_ms=weights_ms,
        kv_ms=kv_ms,
        memory_ms=memory_ms,
        compute_ms=compute_ms,
        communication_ms=communication_ms,
        overhead_ms=overhead_ms,
        step_ms=step_ms,
        prefill_ms=prefill_ms,
        tpot_ms=tpot_ms,
        ttft_ms=c.request_overhead_ms + prefill_ms + wave_ms + step_ms + wait_ms,
        tokens_per_second_per_user=per_user,
        tokens_per_second_per_gpu=per_user * batch / tp,
        bound=_largest(
            weights=weights_ms if memory_ms >= compute_ms else 0.0,
            kv=kv_ms if memory_ms >= compute_ms else 0.0,
            compute=compute_ms if compute_ms > memory_ms else 0.0,
            communication=communication_ms,
            overhead=overhead_ms,
        ),
    )


def _largest(**parts: float) -> Bound:
    """The name of the largest part of a step (the roofline's losing side counts as nothing)."""
    return max(parts, key=lambda k: parts[k])  # type: ignore[return-value]
