"""vLLM's KV accounting: memory left after weights, paged blocks, and hybrid layer groups.

Each rule names the vLLM file it follows (main branch read in 2026; catalogs/engines.json
lists the defaults and their sources).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sizing_xl.catalog import ModelSpec
from sizing_xl.engine import kv_heads_and_dim
from sizing_xl.methods.base import (
    EngineMemory,
    MethodInput,
    NodeCapacity,
    usable_gib_per_gpu,
    weights_gib_per_gpu,
)
from sizing_xl.methods.defaults import VllmRelease, engine_defaults, vllm_release
from sizing_xl.units import bytes_to_gib, gib_to_bytes


def kv_heads_per_gpu(model: ModelSpec, tensor_parallel: int, *, full: bool = False) -> int:
    """max(1, kv_heads // TP): vllm/config/model.py ModelConfig.get_num_kv_heads. MLA: 1.
    `full`: a full-attention layer's heads where the model gives its own (Gemma 4)."""
    if model.attention_type == "mla":
        return 1
    heads, _ = kv_heads_and_dim(model, full=full)
    return max(1, heads // tensor_parallel)


def page_bytes_per_layer(
    model: ModelSpec,
    *,
    tensor_parallel: int,
    block_size: int,
    bytes_per_element: int,
    full: bool = False,
) -> int:
    """One block of one layer on one GPU: vllm/v1/kv_cache_interface.py.

    AttentionSpec.real_page_size_bytes = 2 x block x kv_heads x head_size x dtype;
    MLAAttentionSpec: block x (kv_lora_rank + qk_rope_head_dim) x dtype (one latent, no 2 x).
    `full`: a full-attention layer, at its own heads and head size.
    """
    if model.attention_type == "mla":
        assert model.kv_lora_rank is not None and model.qk_rope_head_dim is not None
        return block_size * (model.kv_lora_rank + model.qk_rope_head_dim) * bytes_per_element
    _, head_dim = kv_heads_and_dim(model, full=full)
    heads = kv_heads_per_gpu(model, tensor_parallel, full=full)
    return 2 * block_size * heads * head_dim * bytes_per_element


def unified_pages(
    model: ModelSpec, *, tensor_parallel: int, block_size: int, bytes_per_element: int
) -> tuple[int, int, int]:
    """(page, full block size, sliding block size): kv_cache_utils.py
    unify_kv_cache_spec_page_size gives every layer the largest page and lets a layer type
    with a smaller page hold proportionally more tokens per block (Gemma 4: 32-token blocks
    in the global layers, 16 in the sliding ones)."""
    kw = {
        "tensor_parallel": tensor_parallel,
        "block_size": block_size,
        "bytes_per_element": bytes_per_element,
    }
    full = page_bytes_per_layer(model, full=True, **kw) if model.full_layers else 0
    sliding = page_bytes_per_layer(model, **kw) if model.sliding_layers else 0
    page = max(full, sliding)
    return (
        page,
        block_size * page // full if full else block_size,
        block_size * page // sliding if sliding else block_size,
    )


@dataclass(frozen=True)
class LayerGroups:
    layers_per_group: int
    full_groups: int
    sliding_groups: int

    @property
    def count(self) -> int:
        return self.full_groups + self.sliding_groups


def layer_groups(*, full_layers: int, sliding_layers: int) -> LayerGroups:
    """vllm/v1/core/kv_cache_utils.py _get_kv_cache_groups_uniform_page_size.

    One attention type: one group of every layer. Two types: groups of the fewer type's layer
    count (or of the larger count when it is below 1.5 x the fewer), the last group of a type
    padded: Gemma 3's 52 sliding + 10 full layers become 6 + 1 groups of 10, 60 sliding slots.
    """
    if not sliding_layers:
        return LayerGroups(full_layers, 1, 0)
    if not full_layers:
        return LayerGroups(sliding_layers, 0, 1)
    few, many = min(full_layers, sliding_layers), max(full_layers, sliding_layers)
    size = many if many < few * 1.5 else few
    return LayerGroups(size, math.ceil(full_layers / size), math.ceil(sliding_layers / size))


def full_blocks(tokens: int, block_size: int) -> int:
    """FullAttentionSpec: cdiv(tokens, block) blocks per full-attention group."""
    return math.ceil(tokens / block_size)


def sliding_blocks(tokens: int, window: int, block_size: int) -> int:
    """A running request's sliding group: vllm/v1/core/single_type_kv_cache_manager.py.

    SlidingWindowManager.remove_skipped_blocks frees what lies before the window, keeping
    ceil((window - 1) / block) + 1 blocks (the window need not start on a block boundary).
    """
    return min(math.ceil(tokens / block_size), math.ceil((window - 1) / block_size) + 1)


def sliding_blocks_at_startup(
    max_model_len: int, window: int, block_size: int, in_flight_tokens: int
) -> int:
    """What the start-up log charges a sliding group (kv_cache_interface.py SlidingWindowSpec):

    cdiv(min(window - 1 + in-flight tokens, max_model_len), block) + 1, room for the prefill
    chunks still in flight on top of the window (one batch of max_num_batched_tokens; from
    v0.26 every batch async scheduling keeps in flight).
    """
    tokens = min(window - 1 + in_flight_tokens, max_model_len)
    return math.ceil(tokens / block_size) + 1


def blocks_per_request(groups: LayerGroups, *, full: int, sliding: int) -> int:
    """Blocks one request takes from the shared pool: each group draws its own blocks."""
    return groups.full_groups * full + groups.sliding_groups * sliding


def block_size_for(model: ModelSpec, requested: int | None) -> int:
    """16, or 64 where vLLM's MLA backends force it (vllm/platforms/cuda.py, FlashMLA)."""
    if requested is not None:
        return requested
    defaults = engine_defaults().vllm
    return defaults.mla_block_size if model.attention_type == "mla" else defaults.block_size


@dataclass(frozen=True)
class GpuPool:
    """One GPU's KV pool under vLLM: its available bytes, block geometry and block count."""

    usable_gib: float
    usable_assumed: bool
    weights_gib: float
    available_bytes: float
    block_size: int
    groups: LayerGroups
    layers_per_group_on_gpu: int
    page_bytes: int
    num_blocks: int
    full_block_size: int  # tokens a block holds in the full-attention groups
    sliding_block_size: int  # and in the sliding ones (unified_pages)

    @property
    def bytes_per_block(self) -> int:
        """A block id spans one page in each of a group's layers (get_num_blocks)."""
        return self.page_bytes * self.layers_per_group_on_gpu


def gpu_pool(inp: MethodInput) -> GpuPool:
    """available = usable x gpu_memory_utilization - weights/GPU - non-weight overhead
    (vllm/v1/worker/gpu_worker.py determine_available_memory); blocks = available //
    (page x layers per group) (kv_cache_utils.py get_num_blocks). Pipeline stages hold
    ceil(layers per group / PP) layers of each group.
    """
    model, knobs, d = inp.model, inp.knobs, inp.deployment
    usable, assumed = usable_gib_per_gpu(inp.server, knobs.usable_gib_per_gpu)
    weights = weights_gib_per_gpu(inp)
    available = (
        gib_to_bytes(usable) * knobs.gpu_memory_utilization
        - gib_to_bytes(weights)
        - gib_to_bytes(knobs.non_weight_overhead_gib)
    )
    block = block_size_for(model, knobs.block_size)
    groups = layer_groups(full_layers=model.full_layers, sliding_layers=model.sliding_layers)
    on_gpu = math.ceil(groups.layers_per_group / d.pipeline_parallel)
    page, full_block, sliding_block = unified_pages(
        model,
        tensor_parallel=d.tensor_parallel,
        block_size=block,
        bytes_per_element=inp.kv_bytes_per_element,
    )
    num_blocks = max(0, int(available // page // on_gpu))
    return GpuPool(
        usable,
        assumed,
        weights,
        available,
        block,
        groups,
        on_gpu,
        page,
        num_blocks,
        full_block,
        sliding_block,
    )


def node_capacity(inp: MethodInput) -> NodeCapacity:
    """Sessions per replica = min(blocks per GPU // blocks per session, max_num_seqs).

    A session at the effective context holds ceil(context / block) blocks in each full group
    and, once running, ceil((window - 1) / block) + 1 in each sliding group; every TP rank of a
    replica holds the same block count for its own heads.
    """
    pool = gpu_pool(inp)
    model, d, knobs = inp.model, inp.deployment, inp.knobs
    window = model.sliding_window or 0
    charged = startup_blocks(inp, pool, inp.context_tokens)
    per_session = blocks_per_request(
        pool.groups,
        full=full_blocks(inp.context_tokens, pool.full_block_size),
        sliding=sliding_blocks(inp.context_tokens, window, pool.sliding_block_size)
        if window
        else 0,
    )
    by_memory = pool.num_blocks // per_session
    per_replica = min(by_memory, knobs.max_num_seqs)
    session_bytes_gpu = per_session * pool.bytes_per_block
    gpus = inp.server.gpus_per_node
    available = max(0.0, pool.available_bytes)
    memory = EngineMemory(
        usable_gib_per_gpu=pool.usable_gib,
        usable_assumed=pool.usable_assumed,
        memory_fraction=knobs.gpu_memory_utilization,
        weights_gib_per_gpu=pool.weights_gib,
        non_weight_overhead_gib=knobs.non_weight_overhead_gib,
        kv_available_gib_per_gpu=bytes_to_gib(pool.available_bytes),
        kv_per_session_gib_per_gpu=bytes_to_gib(session_bytes_gpu),
        block_size=pool.block_size,
        blocks_per_gpu=pool.num_blocks,
        blocks_per_session=per_session,
        layers_per_group=pool.groups.layers_per_group,
        full_groups=pool.groups.full_groups,
        sliding_groups=pool.groups.sliding_groups,
        max_sessions_per_replica=knobs.max_num_seqs,
        capped=by_memory > knobs.max_num_seqs,
        hybrid_pool=pool.groups.sliding_groups > 0,
        startup_max_concurrency=pool.num_blocks / charged,
        startup_context_tokens=inp.context_tokens,
        startup_batched_tokens=knobs.max_num_batched_tokens,
    )
    return NodeCapacity(
        method="vllm",
        hbm_total_bytes=gib_to_bytes(pool.usable_gib) * gpus,
        memory_fraction=knobs.gpu_memory_utilization,
        overhead_bytes=gib_to_bytes(pool.weights_gib + knobs.non_weight_overhead_gib) * gpus,
        kv_budget_bytes=available * gpus,
        kv_per_session_bytes=session_bytes_gpu * d.gpus_per_replica,
        sessions_per_replica=per_replica,
        sessions_per_unit=per_replica * d.replicas_per_node,
        memory=memory,
    )


@dataclass(frozen=True)
class StartupFigures:
    """What vLLM's start-up log prints for a max_model_len (kv_cache_utils._report_kv_cache_config)."""

    available_gib: float
    num_blocks: int
    kv_cache_tokens: int
    max_concurrency: float
    fits_one_request: bool


def startup_blocks(
    inp: MethodInput,
    pool: GpuPool,
    max_model_len: int,
    *,
    release: VllmRelease | None = None,
    runner_v2: bool | None = None,
) -> int:
    """Blocks the start-up log charges one max_model_len request
    (get_max_concurrency_for_kv_cache_config): sliding groups the window plus what is in
    flight (VllmRelease.batches_in_flight x max_num_batched_tokens)."""
    window = inp.model.sliding_window or 0
    release = release or vllm_release()
    v2 = release.runs_v2(inp.model) if runner_v2 is None else runner_v2
    batches = release.batches_in_flight(
        runner_v2=v2, pipeline_parallel=inp.deployment.pipeline_parallel
    )
    return blocks_per_request(
        pool.groups,
        full=full_blocks(max_model_len, pool.full_block_size),
        sliding=sliding_blocks_at_startup(
            max_model_len,
            window,
            pool.sliding_block_size,
            batches * inp.knobs.max_num_batched_tokens,
        )
        if window
        else 0,
    )


def startup_figures(
    inp: MethodInput,
    *,
    max_model_len: int,
    release: VllmRelease | None = None,
    runner_v2: bool | None = None,
) -> StartupFigures:
    """Maximum concurrency = num_blocks / blocks one max_model_len request is charged
    (startup_blocks); GPU KV cache size = num_blocks // groups x block, or from v0.22
    int(max_concurrency x max_model_len) (kv_cache_utils.py). `release` (default: the one
    sizings use) and `runner_v2` (default: the release's choice for the model) set both."""
    release = release or vllm_release()
    pool = gpu_pool(inp)
    charged = startup_blocks(inp, pool, max_model_len, release=release, runner_v2=runner_v2)
    concurrency = pool.num_blocks / charged
    tokens = (
        int(concurrency * max_model_len)
        if release.kv_tokens_from_concurrency
        else pool.num_blocks // pool.groups.count * pool.block_size
    )
    return StartupFigures(
        available_gib=bytes_to_gib(pool.available_bytes),
        num_blocks=pool.num_blocks,
        kv_cache_tokens=tokens,
        max_concurrency=concurrency,
        fits_one_request=pool.num_blocks >= charged,
    )
