"""SGLang's memory around the token pool: the default mem_fraction_static of a release line, the
memory in use before weights load, which the fraction does not apply to, and what loading the
weights takes.

Coefficients and sources: engines.json `sglang.releases` and `sglang.pre_load`.
"""

from __future__ import annotations

import functools

from sizing_xl.catalog import ModelSpec
from sizing_xl.methods.defaults import SglangRelease, engine_defaults
from sizing_xl.methods.torch_allocator import reserved_bytes
from sizing_xl.methods.vllm_memory import rope_cache_gib
from sizing_xl.methods.weight_tensors import weight_tensor_bytes
from sizing_xl.units import BYTES_PER_GIB

MIB_PER_GIB = 1024
MODEL_DTYPE_BYTES = 2  # embeddings, norms, router and RoPE cache in the checkpoint's bf16/fp16


def _row(rows: tuple, gpu_gib: float) -> tuple:
    """The first row whose upper bound (None: any) is above the GPU's memory."""
    return next(row for row in rows if row[0] is None or gpu_gib < row[0])


def default_mem_fraction(
    gpu_gib: float, *, tensor_parallel: int, pipeline_parallel: int, release: SglangRelease
) -> float:
    """mem_fraction_static when the flag is not given, as the release line computes it
    (server_args.py; the rule and its rows are the release's in engines.json)."""
    parallel = tensor_parallel * pipeline_parallel
    if release.rule == "by_tp":
        return next(f for smallest, f in release.by_tp if tensor_parallel >= smallest)
    if release.rule == "reserve_by_gpu":
        _, fixed, per_gpu = _row(release.reserve_by_gpu, gpu_gib)
        return round((gpu_gib - fixed - per_gpu * parallel) / gpu_gib, 3)
    _, chunk, graphs_small, graphs_large = _row(release.batch_by_gpu, gpu_gib)
    graphs = graphs_small if tensor_parallel < 4 else graphs_large
    reserved_mib = 512 + 1.5 * max(chunk, 2048) + 2 * graphs + parallel / 8 * MIB_PER_GIB
    if gpu_gib > 60:
        reserved_mib = max(reserved_mib, release.floor_above_60_gib * MIB_PER_GIB)
    gpu_mib = gpu_gib * MIB_PER_GIB
    return round((gpu_mib - reserved_mib) / gpu_mib, 3)


def pre_load_gib(*, tensor_parallel: int, pipeline_parallel: int, nvls: bool) -> float:
    """Memory in use when SGLang measures the free memory its fraction applies to: the CUDA
    context, and the torch.distributed / NCCL set-up when several GPUs work together (larger
    where NCCL sets up NVLink SHARP)."""
    rule = engine_defaults().sglang.pre_load
    if tensor_parallel * pipeline_parallel == 1:
        return rule.cuda_context_gib
    distributed = rule.nvls_distributed_gib if nvls else rule.plain_distributed_gib
    return rule.cuda_context_gib + distributed


@functools.lru_cache(maxsize=256)  # a walk over every tensor: once per model, shard and layout
def weight_load_gib(
    model: ModelSpec,
    *,
    weights_gib_per_gpu: float,
    tensor_parallel: int,
    pipeline_parallel: int = 1,
) -> float:
    """What SGLang's "Load weight end ... mem usage" counts on one GPU: the free memory before
    loading minus after (model_runner.load_model, get_available_gpu_memory: mem_get_info after
    empty_cache), so the weights, the RoPE cos/sin cache the model builds (its
    layers/rotary_embedding.py, as vLLM's: rope_cache_gib) and what PyTorch's caching allocator
    reserves beyond the tensors' bytes (torch_allocator.reserved_bytes): 0.22 GiB for QwQ-32B
    at TP 4, whose 13 MiB output projections each hold a 14 MiB segment."""
    rope = rope_cache_gib(model, MODEL_DTYPE_BYTES)
    params = model.params_total_b
    if not params:
        return weights_gib_per_gpu + rope
    gpus = tensor_parallel * pipeline_parallel
    per_param = weights_gib_per_gpu * BYTES_PER_GIB / (params * 1e9 / gpus)
    tensors = weight_tensor_bytes(
        model,
        tensor_parallel=tensor_parallel,
        pipeline_parallel=pipeline_parallel,
        bytes_per_param=per_param,
        activation_bytes=MODEL_DTYPE_BYTES,
        rope_bytes=int(rope * BYTES_PER_GIB),
    )
    waste = 0 if tensors is None else reserved_bytes(tensors) - sum(tensors)
    return weights_gib_per_gpu + rope + waste / BYTES_PER_GIB
