"""The memory arithmetic of sizing: KV bytes per session, HBM budget, sessions per node, nodes.

Plain keyword-only functions on numbers and catalog specs; every other face calls these.
Rounding: the budget quotient and the peak load are rounded to 6 decimals before floor/ceil,
so that a value that is an exact integer on paper (1,100 x 1.1 = 1,210) is not pushed to the
next integer by binary floating point; the workbook formulas apply the same ROUND(..., 6).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from sizing_xl.catalog import ModelSpec
from sizing_xl.units import gib_to_bytes

SNAP_DECIMALS = 6


def floor_count(x: float) -> int:
    """floor(x) after rounding to SNAP_DECIMALS (Excel: INT(ROUND(x, 6)))."""
    return math.floor(round(x, SNAP_DECIMALS))


def kv_heads_and_dim(model: ModelSpec, *, full: bool = False) -> tuple[int, int]:
    """A GQA layer's KV heads and head size: a full-attention layer's own where the model
    gives them (Gemma 4's global layers), else the model's."""
    assert model.num_key_value_heads is not None and model.head_dim is not None
    if not full:
        return model.num_key_value_heads, model.head_dim
    return (
        model.num_global_key_value_heads or model.num_key_value_heads,
        model.global_head_dim or model.head_dim,
    )


def kv_elements_per_token_layer(
    model: ModelSpec, *, tensor_parallel: int = 1, full: bool = False
) -> int:
    """Elements one token adds to one layer's cache, summed over a tensor-parallel group.

    GQA: 2 (K and V) x kv_heads x head_dim. Each rank holds ceil(kv_heads / TP) heads, so with
    TP above kv_heads heads are held more than once: 2 x ceil(kv_heads / TP) x TP x head_dim.
    MLA: one latent of kv_lora_rank + qk_rope_head_dim (no x2), replicated on every TP rank.
    `full`: a full-attention layer of a hybrid model (kv_heads_and_dim).
    """
    if model.attention_type == "mla":
        assert model.kv_lora_rank is not None and model.qk_rope_head_dim is not None
        return (model.kv_lora_rank + model.qk_rope_head_dim) * tensor_parallel
    heads, dim = kv_heads_and_dim(model, full=full)
    heads_held = math.ceil(heads / tensor_parallel) * tensor_parallel
    return 2 * heads_held * dim


def cached_token_layers(model: ModelSpec, *, context_tokens: int) -> int:
    """full_layers x context + sliding_layers x min(window, context): token-layers one session caches."""
    window = min(model.sliding_window or 0, context_tokens)
    return model.full_layers * context_tokens + model.sliding_layers * window


def kv_bytes_per_session(
    model: ModelSpec, *, context_tokens: int, bytes_per_element: int, tensor_parallel: int = 1
) -> int:
    """2 x (full_layers x context + sliding_layers x window) x kv_heads x head_dim x bytes (GQA),
    full and sliding layers each at their own heads and head size."""
    window = min(model.sliding_window or 0, context_tokens)
    elements = model.full_layers * context_tokens * kv_elements_per_token_layer(
        model, tensor_parallel=tensor_parallel, full=True
    ) + model.sliding_layers * window * kv_elements_per_token_layer(
        model, tensor_parallel=tensor_parallel
    )
    return elements * bytes_per_element


def hbm_budget_bytes(
    *, hbm_total_bytes: float, runtime_overhead_gib: float, kv_budget_ratio: float
) -> float:
    """(HBM_total - overhead) x budget_ratio; never negative."""
    return max(0.0, hbm_total_bytes - gib_to_bytes(runtime_overhead_gib)) * kv_budget_ratio


def sessions_per_node(*, hbm_budget_bytes: float, kv_bytes_per_session: int) -> int:
    """floor(budget / KV per session): sessions one node's KV budget holds (0 when none fits)."""
    return floor_count(hbm_budget_bytes / kv_bytes_per_session)


def peak_sessions(*, concurrency: int, peak_headroom_ratio: float) -> float:
    """concurrency x (1 + headroom): the load a scenario must carry at its peak."""
    return round(concurrency * (1 + peak_headroom_ratio), SNAP_DECIMALS)


def nodes_operational(*, peak_sessions: float, sessions_per_node: int) -> int | None:
    """ceil(peak sessions / sessions per node); None when not one session fits a node.

    Not snapped: peak_sessions is already rounded, and an exact multiple divides exactly.
    """
    if sessions_per_node <= 0:
        return None
    return math.ceil(peak_sessions / sessions_per_node)


def nodes_at_loads(*, peaks: Sequence[float], sessions_per_node: int) -> list[int | None]:
    """nodes_operational at each of many peak loads, in one call: a sweep's column."""
    if sessions_per_node <= 0:
        return [None] * len(peaks)
    return [math.ceil(p / sessions_per_node) for p in peaks]


def capacity_after_failures(*, nodes_operational: int, sessions_per_node: int) -> int:
    """Sessions still served once the HA spares' worth of nodes has failed."""
    return nodes_operational * sessions_per_node
