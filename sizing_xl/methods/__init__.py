"""Memory methods, one module each behind one interface: MethodInput in, NodeCapacity out."""

from __future__ import annotations

from collections.abc import Callable

from sizing_xl.methods import seed, sglang, vllm
from sizing_xl.methods.base import EngineKnobs, EngineMemory, MethodInput, NodeCapacity

METHODS: dict[str, Callable[[MethodInput], NodeCapacity]] = {
    "seed": seed.node_capacity,
    "vllm": vllm.node_capacity,
    "sglang": sglang.node_capacity,
}
METHOD_NAMES: tuple[str, ...] = tuple(METHODS)
ENGINE_CHECK_METHOD = "vllm"  # the engine every sizing is checked against

__all__ = [
    "ENGINE_CHECK_METHOD",
    "METHODS",
    "METHOD_NAMES",
    "EngineKnobs",
    "EngineMemory",
    "MethodInput",
    "NodeCapacity",
]
