"""The seed method (sizing.py v2.0): (HBM - runtime overhead) x budget ratio, divided by KV per session."""

from __future__ import annotations

from sizing_xl import engine
from sizing_xl.methods.base import MethodInput, NodeCapacity
from sizing_xl.units import gb_to_bytes, gib_to_bytes


def node_capacity(inp: MethodInput) -> NodeCapacity:
    """Sessions per node = floor((HBM - overhead) x ratio / KV per session), HBM in vendor GB.

    The flat overhead stands for weights, activations and buffers whatever the model; a replica
    spanning n nodes holds floor(n x budget / KV) sessions, since its KV spreads over them.
    """
    d = inp.deployment
    kv = engine.kv_bytes_per_session(
        inp.model,
        context_tokens=inp.context_tokens,
        bytes_per_element=inp.kv_bytes_per_element,
        tensor_parallel=d.tensor_parallel,
    )
    hbm = gb_to_bytes(inp.server.hbm_total_gb)
    budget = engine.hbm_budget_bytes(
        hbm_total_bytes=hbm,
        runtime_overhead_gib=inp.runtime_overhead_gib,
        kv_budget_ratio=inp.kv_budget_ratio,
    )
    per_unit = engine.sessions_per_node(
        hbm_budget_bytes=budget * d.nodes_per_replica, kv_bytes_per_session=kv
    )
    return NodeCapacity(
        method="seed",
        hbm_total_bytes=hbm,
        memory_fraction=inp.kv_budget_ratio,
        overhead_bytes=gib_to_bytes(inp.runtime_overhead_gib),
        kv_budget_bytes=budget,
        kv_per_session_bytes=kv,
        sessions_per_replica=per_unit // d.replicas_per_node,
        sessions_per_unit=per_unit,
    )
