"""SGLang's KV accounting: a token pool after weights, and the sliding-window (SWA) pool beside it.

Rules follow SGLang's main branch read in 2026 (catalogs/engines.json lists the sources).
"""

from __future__ import annotations

import math

from sizing_xl.engine import kv_heads_and_dim
from sizing_xl.methods.base import (
    EngineMemory,
    MethodInput,
    NodeCapacity,
    usable_gib_per_gpu,
    weights_gib_per_gpu,
)
from sizing_xl.methods.defaults import engine_defaults
from sizing_xl.methods.sglang_memory import pre_load_gib, weight_load_gib
from sizing_xl.methods.vllm import kv_heads_per_gpu
from sizing_xl.units import bytes_to_gib, gib_to_bytes

PAGE_SIZE = 1  # server_args.py page_size default: SGLang pools single tokens, not blocks


def cell_bytes_per_layer(inp: MethodInput, *, full: bool = False) -> int:
    """One token of one layer on one GPU (model_runner_kv_cache_mixin.get_cell_size_per_token):
    kv_heads(TP) x (head_dim + v_head_dim) x dtype, or (kv_lora_rank + qk_rope_head_dim) x dtype
    for MLA; kv_heads(TP) = max(1, kv_heads // TP) as in vLLM. `full`: a full-attention layer
    at its own heads and head size (Gemma 4's global layers).
    """
    m = inp.model
    if m.attention_type == "mla":
        assert m.kv_lora_rank is not None and m.qk_rope_head_dim is not None
        return (m.kv_lora_rank + m.qk_rope_head_dim) * inp.kv_bytes_per_element
    _, head_dim = kv_heads_and_dim(m, full=full)
    heads = kv_heads_per_gpu(m, inp.deployment.tensor_parallel, full=full)
    return heads * 2 * head_dim * inp.kv_bytes_per_element


def hybrid_pool_enabled(inp: MethodInput) -> bool:
    """SGLang keeps a separate SWA pool unless the architecture turns it off (Gemma 2/3:
    server_args.py _handle_model_specific_adjustments), sizing every layer as full."""
    m = inp.model
    disabled = engine_defaults().sglang.hybrid_swa_disabled_architectures
    return m.sliding_layers > 0 and m.architecture not in disabled


def node_capacity(inp: MethodInput) -> NodeCapacity:
    """rest = (usable - memory in use before weights) x mem_fraction_static - weights/GPU
    (profile_max_num_token: the free memory after weights minus the free memory before them x
    (1 - fraction); methods/sglang_memory.py); full tokens = rest / (cell x full layers +
    swa_full_tokens_ratio x cell x sliding layers) (set_num_tokens_hybrid_swa); a session needs
    its context in the full pool and its window in the SWA pool.
    """
    m, d, knobs = inp.model, inp.deployment, inp.knobs
    usable, assumed = usable_gib_per_gpu(inp.server, knobs.usable_gib_per_gpu)
    weights = weights_gib_per_gpu(inp)
    loaded = weight_load_gib(
        m,
        weights_gib_per_gpu=weights,
        tensor_parallel=d.tensor_parallel,
        pipeline_parallel=d.pipeline_parallel,
    )
    fraction = knobs.mem_fraction_static
    before = pre_load_gib(
        tensor_parallel=d.tensor_parallel,
        pipeline_parallel=d.pipeline_parallel,
        nvls=inp.server.nvls,
    )
    rest = gib_to_bytes(usable - before) * fraction - gib_to_bytes(loaded)
    cell, full_cell = cell_bytes_per_layer(inp), cell_bytes_per_layer(inp, full=True)
    full_layers = math.ceil(m.full_layers / d.pipeline_parallel)
    sliding_layers = math.ceil(m.sliding_layers / d.pipeline_parallel)
    context = inp.context_tokens
    window = min(m.sliding_window or context, context)
    hybrid = hybrid_pool_enabled(inp)
    if hybrid and not full_layers:  # every layer slides: one SWA pool
        swa_tokens = max(0, int(rest // (cell * sliding_layers)))
        by_memory, full_tokens = swa_tokens // window, swa_tokens
        session_bytes = window * cell * sliding_layers
    elif hybrid:
        ratio = knobs.swa_full_tokens_ratio
        per_token = full_cell * full_layers + ratio * cell * sliding_layers
        full_tokens = max(0, int(rest / per_token))
        swa_tokens = int(full_tokens * ratio)
        by_memory = min(full_tokens // context, swa_tokens // window)
        session_bytes = context * full_layers * full_cell + window * sliding_layers * cell
    else:  # one pool: every layer keeps the whole context
        per_token = full_cell * full_layers + cell * sliding_layers
        full_tokens = max(0, int(rest // per_token))
        by_memory = full_tokens // context
        session_bytes = context * per_token
    # model_runner_kv_cache_mixin.init_memory: max_running_requests defaults to
    # min(max(pool tokens / context_len x 512, 2048), 4096)
    context_len = m.max_context or context
    cap = min(max(int(full_tokens / context_len * 512), 2048), 4096)
    per_replica = min(by_memory, cap)
    gpus = inp.server.gpus_per_node
    memory = EngineMemory(
        usable_gib_per_gpu=usable,
        usable_assumed=assumed,
        memory_fraction=fraction,
        weights_gib_per_gpu=weights,
        # usable x fraction - weights - this = the pool: what the fraction does not reach, and
        # what loading takes beyond the weights (the RoPE cache, the allocator's rounding)
        non_weight_overhead_gib=before * fraction + loaded - weights,
        kv_available_gib_per_gpu=bytes_to_gib(rest),
        kv_per_session_gib_per_gpu=bytes_to_gib(session_bytes),
        block_size=PAGE_SIZE,
        blocks_per_gpu=full_tokens,
        blocks_per_session=context,
        layers_per_group=full_layers + sliding_layers,
        full_groups=1,
        sliding_groups=1 if hybrid else 0,
        max_sessions_per_replica=cap,
        capped=by_memory > cap,
        hybrid_pool=hybrid,
    )
    return NodeCapacity(
        method="sglang",
        hbm_total_bytes=gib_to_bytes(usable) * gpus,
        memory_fraction=fraction,
        overhead_bytes=gib_to_bytes(weights) * gpus,
        kv_budget_bytes=max(0.0, rest) * gpus,
        kv_per_session_bytes=session_bytes * d.gpus_per_replica,
        sessions_per_replica=per_replica,
        sessions_per_unit=per_replica * d.replicas_per_node,
        memory=memory,
    )
