"""Calibration from a vLLM start-up log: the usable memory and non-weight overhead it implies."""

from __future__ import annotations

import math
import re
import statistics
from dataclasses import dataclass
from pathlib import Path

from sizing_xl.errors import InputError, escape_controls
from sizing_xl.files import read_bounded
from sizing_xl.units import DTYPE_PRECISIONS

# Each figure as vLLM's releases have logged it (v0 worker.py, v1 gpu_worker.py and
# kv_cache_utils.py, the v0.19 DEBUG memory lines, launch commands and config dumps). Sizes are
# GiB whatever the unit says (vLLM divides by 2**30 even where it prints "GB").
_NUMBER = r"(-?[0-9][0-9,]*(?:\.[0-9]+)?)"
_INT = r"([0-9]{1,12})"
PATTERNS: dict[str, tuple[str, ...]] = {
    "weights_gib": (
        rf"Model loading took {_NUMBER} ?Gi?B",
        rf"Loading model weights took {_NUMBER} ?Gi?B",
        rf"model weights take\s+{_NUMBER} ?GiB",
        rf"weights memory: {_NUMBER} ?GiB",
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
        rf"total_memory={_NUMBER} ?GiB",
    ),
    "utilization": (
        rf"gpu_memory_utilization \({_NUMBER}\)",
        rf"gpu_memory_utilization[=\s]+{_NUMBER}",
        rf"'gpu_memory_utilization': {_NUMBER}",
        rf"--gpu[-_]memory[-_]utilization[= ]+{_NUMBER}",
        rf"Requested memory: {_NUMBER} \(util\)",
    ),
    "non_torch_gib": (  # the increase while profiling, not v0.19's init snapshot
        rf"non-torch forward increase memory: {_NUMBER} ?GiB",
        rf"(?<!snapshot: )(?<!, )non_torch_memory(?:\s+takes\s+|=|\s+){_NUMBER} ?GiB",
    ),
    "activation_gib": (
        rf"PyTorch activation peak memory(?:\s+takes\s+|\s+){_NUMBER} ?GiB",
        rf"torch peak memory increase: {_NUMBER} ?GiB",
    ),
    "peak_torch_gib": (rf"peak_torch_memory={_NUMBER} ?GiB",),
    "non_kv_gib": (rf"Total non KV cache memory: {_NUMBER} ?GiB",),
    "kv_cache_tokens": (rf"GPU KV cache size: {_NUMBER} tokens",),
    "max_model_len": (
        rf"Maximum concurrency for {_NUMBER} tokens per request",
        rf"max_seq_len={_INT}",
        rf"'max_model_len': {_INT}",
        rf"--max[-_]model[-_]len[= ]+{_INT}",
    ),
    "max_concurrency": (rf"tokens per request: {_NUMBER}x",),
    "tensor_parallel": (
        rf"tensor_parallel_size'?[=:]\s*'?{_INT}",
        rf"--tensor[-_]parallel(?:[-_]size)?[= ]+{_INT}",
        rf"(?:^|\s)-tp[= ]+{_INT}",
    ),
    "pipeline_parallel": (
        rf"pipeline_parallel_size'?[=:]\s*'?{_INT}",
        rf"--pipeline[-_]parallel(?:[-_]size)?[= ]+{_INT}",
        rf"(?:^|\s)-pp[= ]+{_INT}",
    ),
    "max_num_batched_tokens": (
        rf"max_num_batched_tokens'?[=:]\s*{_INT}",
        rf"--max[-_]num[-_]batched[-_]tokens[= ]+{_INT}",
    ),
    "max_num_seqs": (
        rf"max_num_seqs'?[=:]\s*{_INT}",
        rf"'max_num_seqs': {_INT}",
        rf"--max[-_]num[-_]seqs[= ]+{_INT}",
    ),
    "kv_cache_dtype": (
        r"kv_cache_dtype'?[=:]\s*'?([A-Za-z0-9_]+)",
        r"--kv[-_]cache[-_]dtype[= ]+([A-Za-z0-9_]+)",
    ),
    "dtype": (
        r"[\s,(]dtype=torch\.([a-z0-9]+)",
        r"'dtype': '([a-z0-9]+)'",
        r"--dtype[= ]+([a-z0-9]+)",
    ),
    "version": (
        r"LLM engine \(v([0-9][^\s)]*)\)",
        r"vLLM API server version ([0-9][^\s]*)",
        r"█\s+version ([0-9]+\.[0-9]+[^\s]*)",
        r"vLLM Version\s*:\s*([0-9][^\s]*)",
    ),
    "model": (
        r"model='([^']+)'",
        r"'model': '([^']+)'",
        r"vllm serve(?:\s|\\)+(?!-)([^\s\\]+)",
        r"--model[= ]+(\S+)",
    ),
}
_TEXT_FIELDS = ("model", "kv_cache_dtype", "dtype", "version")
_INT_FIELDS = (
    "tensor_parallel",
    "pipeline_parallel",
    "max_num_batched_tokens",
    "max_num_seqs",
    "kv_cache_tokens",
    "max_model_len",
)
# Figures that every rank logs: vLLM sizes the KV cache from the smallest (get_kv_cache_configs
# takes the minimum over workers), and the weights differ by pipeline stage.
_PER_RANK = ("available_gib", "weights_gib")
# Plausible bounds: a figure outside is a damaged or hostile log, refused with one line.
LIMITS: dict[str, tuple[float, float]] = {
    "weights_gib": (0, 1e5),
    "available_gib": (-1e5, 1e5),
    "total_gib": (0.1, 1e5),
    "utilization": (0.01, 1),
    "non_torch_gib": (-1e5, 1e5),
    "activation_gib": (-1e5, 1e5),
    "peak_torch_gib": (0, 1e5),
    "non_kv_gib": (0, 1e5),
    "kv_cache_tokens": (0, 1e12),
    "max_model_len": (1, 1e9),
    "max_concurrency": (0, 1e9),
    "tensor_parallel": (1, 1024),
    "pipeline_parallel": (1, 1024),
    "max_num_batched_tokens": (1, 1e9),
    "max_num_seqs": (1, 1e9),
}
MAX_LOG_BYTES = 64 * 2**20  # a start-up log is kilobytes; a larger file is not one


@dataclass(frozen=True)
class VllmLog:
    """The figures one start-up log gives (None where it says nothing)."""

    weights_gib: float | None = None  # per GPU: the mean over the ranks that logged it
    available_gib: float | None = None  # per GPU: the smallest rank's, as vLLM sizes
    total_gib: float | None = None
    utilization: float | None = None
    non_torch_gib: float | None = None
    activation_gib: float | None = None
    peak_torch_gib: float | None = None
    non_kv_gib: float | None = None
    kv_cache_tokens: float | None = None
    max_model_len: float | None = None
    max_concurrency: float | None = None
    tensor_parallel: float | None = None
    pipeline_parallel: float | None = None
    max_num_batched_tokens: float | None = None
    max_num_seqs: float | None = None
    kv_cache_dtype: str | None = None
    dtype: str | None = None
    version: str | None = None
    model: str | None = None

    @property
    def kv_precision(self) -> str:
        """The KV precision the log ran with; "auto" keeps the model's dtype (bf16 unless the
        log names another)."""
        kv = (self.kv_cache_dtype or "auto").lower()
        if kv.startswith("fp8"):
            return "fp8"
        if kv == "auto":
            return DTYPE_PRECISIONS.get((self.dtype or "").lower(), "bf16")
        return DTYPE_PRECISIONS.get(kv, "bf16")

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


def _values(text: str, patterns: tuple[str, ...]) -> list[str]:
    """Every match of the first pattern that matches anywhere."""
    for pattern in patterns:
        found = re.findall(pattern, text, flags=re.MULTILINE)
        if found:
            return found
    return []


def parse_vllm_log(text: str) -> VllmLog:
    """The figures of a start-up log; a log with no KV memory line is refused, and a figure
    past any real value is one InputError naming it."""
    found: dict[str, float | str] = {}
    for key, patterns in PATTERNS.items():
        raw = _values(text, patterns)
        if not raw:
            continue
        if key in _TEXT_FIELDS:
            found[key] = escape_controls(raw[0])  # printed and written: no ESC reaches a terminal
            continue
        numbers = [float(r.replace(",", "")) for r in raw]
        low, high = LIMITS[key]
        bad = next((n for n in numbers if not (math.isfinite(n) and low <= n <= high)), None)
        if bad is not None:
            raise InputError(
                "--vllm-log", f"{key.replace('_', ' ')} {bad:.6g} is beyond any real start-up"
            )
        if key == "available_gib":
            found[key] = min(numbers)
        elif key in _PER_RANK:
            found[key] = statistics.fmean(numbers)
        else:
            found[key] = numbers[0]
    if "weights_gib" not in found and {"non_kv_gib", "activation_gib", "non_torch_gib"} <= set(
        found
    ):  # v0.19's DEBUG line itemises the non-KV memory without a "Model loading took" line
        found["weights_gib"] = (
            float(found["non_kv_gib"])
            - float(found["activation_gib"])
            - float(found["non_torch_gib"])
        )
    if "available_gib" not in found:
        if re.search(r"# (?:GPU|cuda) blocks: \d", text):
            raise InputError(
                "--vllm-log",
                "a v0-engine log that gives GPU blocks but no KV memory figure ('Memory "
                "profiling results' or 'Available KV cache memory'): nothing to calibrate from",
            )
        raise InputError(
            "--vllm-log",
            "no 'Available KV cache memory' (or older 'kv_cache_size') line: not a vLLM "
            "start-up log, or one cut before the KV cache was sized",
        )
    return VllmLog(**found)  # type: ignore[arg-type]


def read_vllm_log(path: str | Path) -> VllmLog:
    """Read and parse a log file; an unreadable, endless or special file is one InputError."""
    data = read_bounded(Path(path), MAX_LOG_BYTES, "--vllm-log")
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
    weights_from_log: bool = True

    @property
    def weights_gib(self) -> float:
        return self.weights_gib_per_gpu * self.tensor_parallel * self.pipeline_parallel

    def overhead_at(self, utilization: float) -> float:
        """The overhead that reproduces the log's available memory at another utilisation
        (catalog entries carry no utilisation: they are read at the tool's default)."""
        return self.usable_gib_per_gpu * utilization - self.weights_gib_per_gpu - self.available_gib


def calibrate(
    log: VllmLog,
    *,
    usable_gib_per_gpu: float | None,
    default_utilization: float,
    model_weights_gib: float | None = None,
) -> Calibration:
    """overhead = usable x utilisation - weights - available, per GPU (gpu_worker.py's rule
    read backwards); usable comes from the log's total GPU memory, else from the server, and
    the weights from the log, else from the model's whole checkpoint over the log's GPUs."""
    tp, pp = int(log.tensor_parallel or 1), int(log.pipeline_parallel or 1)
    weights = log.weights_gib
    if weights is None and model_weights_gib is not None:
        weights = model_weights_gib / (tp * pp)
    if weights is None:
        raise InputError(
            "--vllm-log",
            "no 'Model loading took … GiB' line: the weights per GPU are unknown (name a "
            "catalog model with weights: --model)",
        )
    usable = log.total_gib if log.total_gib is not None else usable_gib_per_gpu
    if usable is None:
        raise InputError(
            "--server",
            "the log has no total GPU memory figure: name the server it ran on (--server)",
        )
    utilization = log.utilization if log.utilization is not None else default_utilization
    assert log.available_gib is not None
    if log.total_gib is not None and log.weights_gib is not None:
        _check_fits(log.weights_gib, log.available_gib, log.total_gib)
    overhead = usable * utilization - weights - log.available_gib
    return Calibration(
        usable_gib_per_gpu=usable,
        usable_from_log=log.total_gib is not None,
        gpu_memory_utilization=utilization,
        utilization_from_log=log.utilization is not None,
        weights_gib_per_gpu=weights,
        non_weight_overhead_gib=max(0.0, overhead),
        available_gib=log.available_gib,
        tensor_parallel=tp,
        pipeline_parallel=pp,
        weights_from_log=log.weights_gib is not None,
    )


def _check_fits(weights: float, available: float, total: float) -> None:
    """A log whose weights and KV memory per GPU exceed its GPUs' memory contradicts itself
    (a spliced or edited log): nothing true can be calibrated from it."""
    if weights + max(0.0, available) > total:
        raise InputError(
            "--vllm-log",
            f"its weights ({weights:.2f} GiB) and available KV cache memory ({available:.2f} GiB) "
            f"per GPU exceed the {total:.2f} GiB its GPUs have: the figures contradict each other",
        )
