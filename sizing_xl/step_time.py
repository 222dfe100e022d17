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
import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Annotated

from sizing_xl.catalog import ModelSpec, ServerSpec
from sizing_xl.catalog.loading import builtin_catalogs
from sizing_xl.catalog.trusted import trusted
from sizing_xl.deployment import tp_spans_nodes
from sizing_xl.engine import kv_bytes_per_session
from sizing_xl.records import Limit, record
from sizing_xl.results import Bound

FP8_PRECISIONS = frozenset({"fp8", "int8", "fp4", "int4", "mxfp4"})  # FP8 tensor cores
BYTES_PER_TB, FLOPS_PER_TFLOP = 1e12, 1e12


@record
class PerfConstants:
    """The efficiencies and fixed costs of the step-time model, with where they come from."""

    # share of peak HBM bandwidth a step reaches
    bandwidth_efficiency: Annotated[float, Limit(gt=0, le=1)]
    decode_compute_efficiency: Annotated[float, Limit(gt=0, le=1)]  # share of dense FLOPS at decode
    prefill_compute_efficiency: Annotated[float, Limit(gt=0, le=1)]  # MFU of a prefill
    step_overhead_ms: Annotated[float, Limit(ge=0, le=1000)]  # per decode step and per prefill
    layer_overhead_us: Annotated[
        float, Limit(ge=0, le=10_000)
    ]  # per layer and step: launches, norms
    # more per MoE layer: routing, dispatch
    moe_layer_overhead_us: Annotated[float, Limit(ge=0, le=10_000)]
    allreduce_latency_us: Annotated[float, Limit(ge=0, le=10_000)]  # one all-reduce, TP > 1
    # one all-reduce of a TP group that spans nodes: NCCL over the network, as vLLM's and
    # SGLang's custom all-reduce is off across nodes (custom_all_reduce.py)
    internode_allreduce_latency_us: Annotated[float, Limit(ge=0, le=100_000)]
    # per expert a prefill's tokens reach and MoE layer: the fused MoE kernel runs each such
    # expert's GEMM on blocks of its own tokens (moe_align_block_size pads every expert's
    # tokens to the block: vllm/model_executor/layers/fused_moe/moe_align_block_size.py)
    expert_prefill_overhead_us: Annotated[float, Limit(ge=0, le=100_000)]
    # per request before its first token
    request_overhead_ms: Annotated[float, Limit(ge=0, le=10_000)]
    # how far a benchmark's requests arrive together (0: spread evenly, 1: all in one wave,
    # each waiting for the prefills queued before it)
    arrival_alignment: Annotated[float, Limit(ge=0, le=1)]
    # the fixed costs' factor on a GPU whose software stack measures slower, by catalog GPU name
    overhead_factor_by_gpu: dict[str, float] = field(default_factory=dict)
    source: str
    as_of: str
    fitted_on: tuple[str, ...] = ()  # point ids of tests/data/benchmarks/points.json
    # a GPU with no measured point that runs a measured one's chip and software: its factor
    overhead_factor_same_as: dict[str, str] = field(default_factory=dict)
    overhead_factor_same_as_source: str = ""

    def overhead_factors(self) -> dict[str, float]:
        """The fitted factors by GPU, and a GPU that shares a fitted one's chip at its factor."""
        by, same_as = self.overhead_factor_by_gpu, self.overhead_factor_same_as
        return {**{gpu: by[same] for gpu, same in same_as.items() if same in by}, **by}


@record
class PerfAccuracy:
    """The model's error on the held-out benchmarks, and what the measured set covers."""

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
    """catalogs/perf.json's constants: packaged, so built without their schema (tests/test_trusted.py)."""
    return trusted(PerfConstants, _perf_file()["constants"])  # type: ignore[return-value]


@lru_cache(maxsize=1)
def perf_accuracy() -> PerfAccuracy:
    """catalogs/perf.json's accuracy, written by scripts/fit_perf.py beside the constants."""
    return trusted(PerfAccuracy, _perf_file()["accuracy"])  # type: ignore[return-value]


def experts_reached(model: ModelSpec, tokens: float) -> float:
    """The experts of one MoE layer that at least one of `tokens` tokens is routed to, routing
    taken as uniform: E x (1 - (1 - k / E) ** tokens); 0 for a dense model."""
    if model.num_experts is None or model.experts_per_token is None:
        return 0.0
    untouched = (1 - model.experts_per_token / model.num_experts) ** max(0, tokens)
    return model.num_experts * (1 - untouched)


def weights_read_fraction(model: ModelSpec, sessions: int) -> float:
    """Share of the weights one decode step reads: 1 for a dense model.

    An MoE step reads the shared (active, non-routed) part and every expert at least one of its
    `sessions` tokens is routed to (experts_reached): a + (1 - a) x reached / E, with
    a = active / total params. One session reads about the active weights; a full node (tens
    of sessions per replica) nearly all of them.
    """
    if model.num_experts is None:
        return 1.0
    total = model.params_total_b
    active = model.params_active_b or total
    shared = active / total if total else 1.0
    return shared + (1 - shared) * experts_reached(model, sessions) / model.num_experts


def _attention_width(model: ModelSpec) -> int:
    """d_attn = heads x head_dim (MLA: heads x (kv_lora_rank + qk_rope_head_dim), absorbed)."""
    heads = model.num_attention_heads or 0
    if model.attention_type == "mla":
        return heads * ((model.kv_lora_rank or 0) + (model.qk_rope_head_dim or 0))
    return heads * (model.head_dim or 0)


def prefill_flops(model: ModelSpec, prompt_tokens: int) -> float | None:
    """2 x active params x prompt tokens, plus attention: 4 x d_attn per (query, key) pair,
    causal, full layers seeing p**2 / 2 pairs and sliding layers p x window."""
    params = model.params_active_b or model.params_total_b
    if params is None:
        return None
    window = min(model.sliding_window or prompt_tokens, prompt_tokens)
    pairs = model.full_layers * prompt_tokens**2 / 2 + model.sliding_layers * prompt_tokens * window
    return 2 * params * 1e9 * prompt_tokens + 4 * pairs * _attention_width(model)


def decode_token_flops(model: ModelSpec, context_tokens: float) -> float | None:
    """One decoded token: 2 x active params, plus 4 x d_attn per key it attends to (full
    layers: the context; sliding layers: at most the window)."""
    params = model.params_active_b or model.params_total_b
    if params is None:
        return None
    window = min(model.sliding_window or context_tokens, context_tokens)
    keys = model.full_layers * context_tokens + model.sliding_layers * window
    return 2 * params * 1e9 + 4 * keys * _attention_width(model)


def dense_tflops(server: ServerSpec, weights_precision: str | None) -> float | None:
    """The GPU's dense TFLOPS at the precision the weights run on."""
    if weights_precision in FP8_PRECISIONS and server.fp8_dense_tflops_per_gpu:
        return server.fp8_dense_tflops_per_gpu
    return server.bf16_dense_tflops_per_gpu


@dataclass(frozen=True, slots=True, kw_only=True)
class ReplicaStep:
    """One replica's costs in ms, from which a decode step, TPOT and TTFT follow at any batch."""

    model: ModelSpec
    weights_ms: float  # reading the whole checkpoint once
    kv_ms: float  # reading one session's KV
    compute_ms: float  # one session's token (0: no FLOPS figure)
    communication_ms: float  # the all-reduces of one step
    overhead_ms: float  # the fixed costs of one step
    prefill_ms: float | None  # one request's prompt (None: no FLOPS figure)
    request_overhead_ms: float
    arrival_alignment: float

    def weights_read_ms(self, batch: int) -> float:
        return self.weights_ms * weights_read_fraction(self.model, batch)

    def step_ms(self, batch: int) -> float:
        """max(memory, compute) + communication + fixed costs."""
        memory = self.weights_read_ms(batch) + batch * self.kv_ms
        return max(memory, batch * self.compute_ms) + self.communication_ms + self.overhead_ms

    def prefill_share_ms(self, output_tokens: int | None) -> float:
        """What each session adds to every step for its prefill: prefill / OSL (continuous
        batching spreads one prompt over the OSL steps of its answer); 0 without a workload."""
        if output_tokens is None or self.prefill_ms is None:
            return 0.0
        return self.prefill_ms / output_tokens

    def tpot_ms(self, batch: int, output_tokens: int | None) -> float:
        return self.step_ms(batch) + batch * self.prefill_share_ms(output_tokens)

    def ttft_ms(self, batch: int) -> float | None:
        """Request cost + its prefill + half of its wave's prefills + one step (no queue)."""
        if self.prefill_ms is None:
            return None
        wave = self.arrival_alignment * (batch - 1) / 2 * self.prefill_ms
        return self.request_overhead_ms + self.prefill_ms + wave + self.step_ms(batch)

    def weights_slope_ms(self, batch: int) -> float:
        """d(weights read)/d(batch) at a batch: 0 for a dense model (weights_read_fraction's
        derivative, (1 - a) x -ln(1 - k / E) x (1 - k / E) ** batch, for an MoE one)."""
        m = self.model
        if m.num_experts is None or m.experts_per_token is None:
            return 0.0
        miss = 1 - m.experts_per_token / m.num_experts
        if miss <= 0:
            return 0.0
        total = m.params_total_b
        shared = (m.params_active_b or total) / total if total else 1.0
        return self.weights_ms * (1 - shared) * -math.log(miss) * miss**batch

    def max_batch(
        self,
        upper: int,
        *,
        output_tokens: int | None,
        tpot_ms: float | None = None,
        ttft_ms: float | None = None,
    ) -> int:
        """The largest batch (<= upper) whose TPOT and TTFT meet the targets, 0 where none.

        Closed form, as the live sheet computes it: every term is linear in the batch B but the
        weights an MoE step reads, which grow with B and flatten (a concave curve). Two lines
        lie above that curve: the weights read at `upper`, and the tangent at one session; a
        batch that meets the targets with either meets them, so the larger of the two answers
        never overstates (for a dense model both are exact). max(a, b) <= T holds where both
        a <= T and b <= T.
        """
        slope = self.weights_slope_ms(1)
        lines = ((self.weights_read_ms(upper), 0.0), (self.weights_read_ms(1) - slope, slope))
        answers = [
            self._batch_under(a, b, upper, output_tokens, tpot_ms, ttft_ms) for a, b in lines
        ]
        return max(0, math.floor(round(max(answers), 6)))

    def _batch_under(
        self,
        weights_ms: float,
        weights_per_session_ms: float,
        upper: int,
        output_tokens: int | None,
        tpot_ms: float | None,
        ttft_ms: float | None,
    ) -> float:
        """The batch bound with the weights read taken as weights_ms + B x the per-session ms."""
        fixed, best = self.communication_ms + self.overhead_ms, float(upper)
        memory = self.kv_ms + weights_per_session_ms
        if tpot_ms is not None:
            share = self.prefill_share_ms(output_tokens)
            best = min(best, _room(tpot_ms - fixed - weights_ms, memory + share))
            best = min(best, _room(tpot_ms - fixed, self.compute_ms + share))
        if ttft_ms is not None and self.prefill_ms is not None:
            wave = self.arrival_alignment * self.prefill_ms / 2
            base = self.request_overhead_ms + self.prefill_ms - wave + fixed
            best = min(best, _room(ttft_ms - base - weights_ms, memory + wave))
            best = min(best, _room(ttft_ms - base, self.compute_ms + wave))
        return best


def _room(budget: float, per_session: float) -> float:
    """How many sessions of per_session ms fit in budget ms (no bound where they cost none)."""
    if per_session <= 0:
        return math.inf if budget >= 0 else -1.0
    return budget / per_session


def replica_step(
    *,
    model: ModelSpec,
    server: ServerSpec,
    weights_bytes: float,
    weights_precision: str | None,
    tensor_parallel: int,
    kv_bytes_per_session: float,
    context_tokens: float,
    prompt_tokens: int,
    constants: PerfConstants | None = None,
) -> ReplicaStep | None:
    """A replica of TP GPUs (pipeline stages read in turn, so a step reads the replica's bytes
    over TP GPUs) whose sessions each read kv_bytes_per_session and attend to context_tokens;
    None where the server has no bandwidth figure or the model no parameter count."""
    c = constants or perf_constants()
    per_token = decode_token_flops(model, context_tokens)
    if server.hbm_bandwidth_tbps_per_gpu is None or per_token is None:
        return None
    tp = tensor_parallel
    bandwidth = server.hbm_bandwidth_tbps_per_gpu * BYTES_PER_TB * c.bandwidth_efficiency * tp
    tflops = dense_tflops(server, weights_precision)
    factor = c.overhead_factors().get(server.gpu, 1.0)
    layers = model.num_layers
    # Two all-reduces a layer. A group within a node runs the engines' custom all-reduce over
    # NVLink; across nodes they fall back to NCCL over the network (deployment.tp_spans_nodes;
    # cuda_communicator.py then calls pynccl), whose latency is the network's, not the GPU's:
    # no GPU factor on it.
    allreduce = (
        c.internode_allreduce_latency_us
        if tp_spans_nodes(tp, server.gpus_per_node)
        else c.allreduce_latency_us * factor
    )
    communication = 2 * layers * allreduce / 1e3 if tp > 1 else 0.0
    moe_layers = layers if model.num_experts else 0
    overhead = factor * (
        c.step_overhead_ms
        + (layers * c.layer_overhead_us + moe_layers * c.moe_layer_overhead_us) / 1e3
    )
    weights_ms = weights_bytes / bandwidth * 1e3
    compute, prefill = 0.0, None
    if tflops:
        flops_per_ms = tflops * FLOPS_PER_TFLOP * tp / 1e3
        compute = per_token / (flops_per_ms * c.decode_compute_efficiency)
        prompt = prefill_flops(model, prompt_tokens) or 0.0
        experts = moe_layers * experts_reached(model, prompt_tokens)
        prefill = (
            max(prompt / (flops_per_ms * c.prefill_compute_efficiency), weights_ms)
            + communication
            + overhead
            + factor * experts * c.expert_prefill_overhead_us / 1e3
        )
    return ReplicaStep(
        model=model,
        weights_ms=weights_ms,
        kv_ms=kv_bytes_per_session / bandwidth * 1e3,
        compute_ms=compute,
        communication_ms=communication,
        overhead_ms=overhead,
        prefill_ms=prefill,
        request_overhead_ms=c.request_overhead_ms,
        arrival_alignment=c.arrival_alignment,
    )


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


def step_parts(replica: ReplicaStep, batch: int) -> tuple[float, float, float, Bound]:
    """(weights, KV, compute) ms of one step at a batch, and which part bounds the step."""
    weights = replica.weights_read_ms(batch)
    kv, compute = batch * replica.kv_ms, batch * replica.compute_ms
    memory_wins = weights + kv >= compute
    bound = _largest(
        weights=weights if memory_wins else 0.0,
        kv=kv if memory_wins else 0.0,
        compute=0.0 if memory_wins else compute,
        communication=replica.communication_ms,
        overhead=replica.overhead_ms,
    )
    return weights, kv, compute, bound


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
    """A replica serving `concurrency` requests of input_tokens in, output_tokens out, at most
    max_batch at once (the KV pool's sessions; None: no bound), each session holding its mean
    context (ISL + OSL / 2); None where the server has no bandwidth or FLOPS figure, or the
    model no parameter count."""
    tp = tensor_parallel
    context = input_tokens + output_tokens // 2
    replica = replica_step(
        model=model,
        server=server,
        weights_bytes=weights_bytes,
        weights_precision=weights_precision,
        tensor_parallel=tp,
        kv_bytes_per_session=kv_bytes_per_session(
            model,
            context_tokens=context,
            bytes_per_element=kv_bytes_per_element,
            tensor_parallel=tp,
        ),
        context_tokens=context,
        prompt_tokens=input_tokens,
        constants=constants,
    )
    if replica is None or replica.prefill_ms is None:
        return None
    batch = max(1, min(concurrency, max_batch or concurrency))
    step = replica.step_ms(batch)
    tpot = replica.tpot_ms(batch, output_tokens)
    queued = max(0, concurrency - batch)
    wait_ms = queued / batch * output_tokens * tpot  # batch slots free every OSL steps
    weights, kv, compute, bound = step_parts(replica, batch)
    return StepEstimate(
        batch=batch,
        queued=queued,
        weights_ms=weights,
        kv_ms=kv,
        memory_ms=weights + kv,
        compute_ms=compute,
        communication_ms=replica.communication_ms,
        overhead_ms=replica.overhead_ms,
        step_ms=step,
        prefill_ms=replica.prefill_ms,
        tpot_ms=tpot,
        ttft_ms=(replica.ttft_ms(batch) or 0.0) + wait_ms,
        tokens_per_second_per_user=1e3 / tpot,
        tokens_per_second_per_gpu=1e3 / tpot * batch / tp,
        bound=bound,
    )


def _largest(**parts: float) -> Bound:
    """The name of the largest part of a step (the roofline's losing side counts as nothing)."""
    return max(parts, key=lambda k: parts[k])  # type: ignore[return-value]
