"""Unit conversions: bytes, decimal GB (vendor HBM), binary GiB (results) and percentages."""

from __future__ import annotations

BYTES_PER_GB = 10**9  # vendors sell HBM in decimal gigabytes
BYTES_PER_GIB = 2**30  # every result is reported in binary gibibytes
GIB_PER_TIB = 1024

BYTES_PER_ELEMENT: dict[str, int] = {"fp8": 1, "int8": 1, "fp16": 2, "bf16": 2, "fp32": 4}
KV_PRECISIONS: tuple[str, ...] = tuple(BYTES_PER_ELEMENT)

# Bytes one weight parameter takes in a checkpoint of uniform precision. "mxfp4" (gpt-oss:
# fp4 experts, bf16 elsewhere) is mixed, so its size must come from the published checkpoint.
BYTES_PER_PARAM: dict[str, float] = {
    "fp32": 4,
    "bf16": 2,
    "fp16": 2,
    "fp8": 1,
    "int8": 1,
    "fp4": 0.5,
    "int4": 0.5,
}
WEIGHT_PRECISIONS: tuple[str, ...] = (*BYTES_PER_PARAM, "mxfp4")
# torch / vLLM / config dtype spellings as this tool's 16- and 32-bit precisions
DTYPE_PRECISIONS: dict[str, str] = {
    "float32": "fp32",
    "float": "fp32",
    "fp32": "fp32",
    "bfloat16": "bf16",
    "bf16": "bf16",
    "float16": "fp16",
    "half": "fp16",
    "fp16": "fp16",
}


def gb_to_bytes(gb: float) -> float:
    return gb * BYTES_PER_GB


def gib_to_bytes(gib: float) -> float:
    return gib * BYTES_PER_GIB


def bytes_to_gib(n_bytes: float) -> float:
    return n_bytes / BYTES_PER_GIB


def gb_to_gib(gb: float) -> float:
    return bytes_to_gib(gb_to_bytes(gb))


def gib_to_tib(gib: float) -> float:
    return gib / GIB_PER_TIB


def bytes_per_element(kv_precision: str) -> int:
    """Bytes one K or V element takes at a KV-cache precision (fp8/int8 = 1, fp16/bf16 = 2)."""
    return BYTES_PER_ELEMENT[kv_precision]


def params_to_gib(params_billions: float, precision: str) -> float:
    """A checkpoint's size from its parameter count: params x bytes per parameter, in GiB."""
    return bytes_to_gib(params_billions * 1e9 * BYTES_PER_PARAM[precision])
