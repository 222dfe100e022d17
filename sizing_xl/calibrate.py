"""Calibration from a vLLM start-up log: the usable memory and non-weight overhead it implies."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from sizing_xl.errors import InputError

# Each figure as vLLM's releases have logged it (v0 worker.py, v1 gpu_worker.py and
# kv_cache_utils.py); the first pattern that matches wins. Sizes are GiB whatever the unit says
# (vLLM divides by 2**30 even where it prints "GB").
_NUMBER = r"([0-9][0-9,]*(?:\.[0-9]+)?)"
PATTERNS: dict[str, tuple[str, ...]] = {
    "weights_gib": (
        rf"Model loading took {_NUMBER} ?Gi?B",
        rf"Loading model weights took {_NUMBER} ?Gi?B",
        rf"model weights take\s+{_NUMBER} ?GiB",
    ),
    "available_gib": (
        rf"Available KV cache memory: {_NUMBER} ?GiB",
        rf"available_kv_cache_memory\s+{_NUMBER} ?GiB",
        rf"the rest of the memory reserved for KV Cache is {_NUMBER} ?GiB",
        rf"kv_cache_size={_NUMBER} ?GiB",
    ),
    "total_gib": (
        rf"total_gpu_memory \({_NUMBER} ?GiB\)",
        rf"total_gpu_memory[=\s]+{_NUMBER} ?GiB",
    ),
    "utilization": (
        rf"gpu_memory_utilization \({_NUMBER}\)",
        rf"gpu_memory_utilization[=\s]+{_NUMBER}",
        rf"'gpu_memory_utilization': {_NUMBER}",
        rf"--gpu-memory-utilization[= ]{_NUMBER}",
    ),
    "non_torch_gib": (rf"non_torch_memory(?:\s+takes\s+|=|\s+){_NUMBER} ?GiB",),
    "activation_gib": (rf"PyTorch activation peak memory(?:\s+takes\s+|\s+){_NUMBER} ?GiB",),
    "peak_torch_gib": (rf"peak_torch_memory={_NUMBER} ?GiB",),
    "kv_cache_tokens": (rf"GPU KV cache size: {_NUMBER} tokens",),
    "max_model_len": (rf"Maximum concurrency for {_NUMBER} tokens per request",),
    "max_concurrency": (rf"tokens per request: {_NUMBER}x",),
    "tensor_parallel": (
        r"tensor_parallel_size[=:]\s*'?([0-9]+)",
        r"--tensor-parallel-size[= ]([0-9]+)",
    ),
    "pipeline_parallel": (r"pipeline_parallel_size[=:]\s*'?([0-9]+)",),
    "max_num_batched_tokens": (
        r"max_num_batched_tokens[=:]\s*([0-9]+)",
        r"--max-num-batched-tokens[= ]([0-9]+)",
    ),
    "kv_cache_dtype": (r"kv_cache_dtype[=:]\s*'?([A-Za-z0-9_]+)",),
    "model": (r"model='([^']+)'", r"'model': '([^']+)'", r"vllm serve (\S+)"),
}
_TEXT_FIELDS = ("model", "kv_cache_dtype")
# vLLM's kv_cache_dtype spellings as this tool's KV precisions ("auto": the model's bf16).
KV_DTYPES = {
    "auto": "bf16",
    "bfloat16": "bf16",
    "float16": "fp16",
    "half": "fp16",
    "float32": "fp32",
    "float": "fp32",
}


@dataclass(frozen=True)
class VllmLog:
    """The figures one start-up log gives (None where it says nothing)."""

    weights_gib: float | None = None
    available_gib: float | None = None
    total_gib: float | None = None
    utilization: float | None = None
    non_torch_gib: float | None = None
    activation_gib: float | None = None
    peak_torch_gib: float | None = None
    kv_cache_tokens: float | None = None
    max_model_len: float | None = None
    max_concurrency: float | None = None
    tensor_parallel: float | None = None
    pipeline_parallel: float | None = None
    max_num_batched_tokens: float | None = None
    kv_cache_dtype: str | None = None
    model: str | None = None

    @property
    def kv_precision(self) -> str:
        """The KV precision the log ran with; vLLM's default "auto" keeps the model's bf16."""
        dtype = (self.kv_cache_dtype or "auto").lower()
        return "fp8" if dtype.startswith("fp8") else KV_DTYPES.get(dtype, "bf16")

    @property
    def logged_overhead_gib(self) -> float | None:
        """Non-weight memory as the log itemises it: non-torch + activation peak."""
        if self.non_torch_gib is None:
            return None
        if self.activation_gib is not None:
            return self.non_torch_gib + self.activation_gib
        if self.peak_torch_gib is not None and self.weights_gib is not None:
            return self.non_torch_gib + self.peak_torch_gib - self.weights_gib
        return None


def parse_vllm_log(text: str) -> VllmLog:
    """The first value of each figure in the log; a log with no KV memory line is refused."""
    found: dict[str, float | str] = {}
    for key, patterns in PATTERNS.items():
        for pattern in patterns:
            match = re.search(pattern, text)
            if match:
                raw = match.group(1)
                found[key] = raw if key in _TEXT_FIELDS else float(raw.replace(",", ""))
                break
    if "available_gib" not in found:
        raise InputError(
            "--vllm-log",
            "no 'Available KV cache memory' (or older 'kv_cache_size') line: not a vLLM "
            "start-up log, or one cut before the KV cache was sized",
        )
    return VllmLog(**found)  # type: ignore[arg-type]


def read_vllm_log(path: str | Path) -> VllmLog:
    """Read and parse a log file; an unreadable file is one InputError naming it."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError("--vllm-log", f"cannot read {str(path)!r}: {exc.strerror}") from None
    return parse_vllm_log(data.decode("utf-8", errors="replace"))


@dataclass(frozen=True)
class Calibration:
    """The overrides that reproduce a log's available KV memory."""

    usable_gib_per_gpu: float
    usable_from_log: bool
    gpu_memory_utilization: float
    utilization_from_log: bool
    weights_gib_per_gpu: float
    non_weight_overhead_gib: float
    available_gib: float
    tensor_parallel: int
    pipeline_parallel: int

    @property
    def weights_gib(self) -> float:
        return self.weights_gib_per_gpu * self.tensor_parallel * self.pipeline_parallel


def calibrate(
    log: VllmLog, *, usable_gib_per_gpu: float | None, default_utilization: float
) -> Calibration:
    """overhead = usable x utilisation - weights - available, per GPU (gpu_worker.py's rule
    read backwards); usable comes from the log's total_gpu_memory, else from the server."""
    if log.weights_gib is None:
        raise InputError(
            "--vllm-log", "no 'Model loading took … GiB' line: the weights per GPU are unknown"
        )
    usable = log.total_gib if log.total_gib is not None else usable_gib_per_gpu
    if usable is None:
        raise InputError(
            "--server",
            "the log has no total_gpu_memory figure: name the server it ran on (--server)",
        )
    utilization = log.utilization if log.utilization is not None else default_utilization
    assert log.available_gib is not None
    overhead = usable * utilization - log.weights_gib - log.available_gib
    return Calibration(
        usable_gib_per_gpu=usable,
        usable_from_log=log.total_gib is not None,
        gpu_memory_utilization=utilization,
        utilization_from_log=log.utilization is not None,
        weights_gib_per_gpu=log.weights_gib,
        non_weight_overhead_gib=max(0.0, overhead),
        available_gib=log.available_gib,
        tensor_parallel=int(log.tensor_parallel or 1),
        pipeline_parallel=int(log.pipeline_parallel or 1),
    )
