"""The interface every memory method implements: what it reads, and the node capacity it returns."""

from __future__ import annotations

from dataclasses import dataclass

from sizing_xl.catalog import ModelSpec, ServerSpec
from sizing_xl.deployment import Deployment
from sizing_xl.units import gb_to_gib


@dataclass(frozen=True)
class EngineKnobs:
    """Engine settings, resolved: the request's value, else the model's or engines.json's default.

    block_size None lets the method pick (16, or 64 for MLA backends); usable_gib_per_gpu None
    reads the server's catalog figure.
    """

    gpu_memory_utilization: float
    non_weight_overhead_gib: float
    block_size: int | None
    max_num_seqs: int
    max_num_batched_tokens: int
    mem_fraction_static: float
    swa_full_tokens_ratio: float
    usable_gib_per_gpu: float | None


@dataclass(frozen=True)
class MethodInput:
    """Everything a method reads: one scenario's view of a request, its catalog entries resolved."""

    model: ModelSpec
    server: ServerSpec
    deployment: Deployment
    context_tokens: int
    kv_bytes_per_element: int
    kv_budget_ratio: float  # the seed method's; engine methods use their own memory fraction
    runtime_overhead_gib: float  # the seed method's flat overhead per node
    weights_gib: float | None  # the whole checkpoint; engine methods need it
    knobs: EngineKnobs


@dataclass(frozen=True, slots=True, kw_only=True)
class EngineMemory:
    """An engine method's accounting on one GPU, in GiB and blocks, as its start-up log shows it."""

    usable_gib_per_gpu: float
    usable_assumed: bool  # the server has no usable figure: the vendor's decimal GB was used
    memory_fraction: float  # gpu_memory_utilization (vLLM) or mem_fraction_static (SGLang)
    weights_gib_per_gpu: float
    non_weight_overhead_gib: float
    kv_available_gib_per_gpu: float
    kv_per_session_gib_per_gpu: float
    block_size: int
    blocks_per_gpu: int
    blocks_per_session: int
    layers_per_group: int  # vLLM pads hybrid layer groups to this size
    full_groups: int
    sliding_groups: int
    max_sessions_per_replica: int  # max_num_seqs (vLLM) or max_running_requests (SGLang)
    capped: bool  # the cap, not memory, set sessions per replica
    hybrid_pool: bool  # sliding layers keep only their window
    # vLLM's start-up log line "Maximum concurrency for N tokens per request: X" at this
    # context: it charges sliding layers window - 1 + max_num_batched_tokens, where a running
    # session keeps only its window (the sessions above); None for SGLang
    startup_max_concurrency: float | None = None
    startup_context_tokens: int | None = None
    startup_batched_tokens: int | None = None


@dataclass(frozen=True)
class NodeCapacity:
    """What one node (or one multi-node replica) holds under a method."""

    method: str
    hbm_total_bytes: float  # per node, as the method reads it
    memory_fraction: float  # budget ratio (seed), gpu_memory_utilization, mem_fraction_static
    overhead_bytes: float  # per node, set aside before any KV
    kv_budget_bytes: float  # per node
    kv_per_session_bytes: int  # one session, summed over its replica's GPUs
    sessions_per_replica: int
    sessions_per_unit: int  # per node, or per replica when a replica spans several nodes
    memory: EngineMemory | None = None


def usable_gib_per_gpu(server: ServerSpec, override: float | None) -> tuple[float, bool]:
    """What the driver reports per GPU; (figure, True) when only the vendor's GB is known."""
    if override is not None:
        return override, False
    if server.usable_gib_per_gpu is not None:
        return server.usable_gib_per_gpu, False
    return gb_to_gib(server.hbm_per_gpu_gb), True


def weights_gib_per_gpu(inp: MethodInput) -> float:
    if inp.weights_gib is None:
        raise ValueError("engine methods need the model's weights")  # guarded by the request
    return inp.weights_gib / inp.deployment.gpus_per_replica
