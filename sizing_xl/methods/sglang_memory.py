"""SGLang's memory around the token pool: the default mem_fraction_static of a release line, and
the memory in use before weights load, which the fraction does not apply to.

Coefficients and sources: engines.json `sglang.releases` and `sglang.pre_load`.
"""

from __future__ import annotations

from sizing_xl.methods.defaults import SglangRelease, engine_defaults

MIB_PER_GIB = 1024


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
