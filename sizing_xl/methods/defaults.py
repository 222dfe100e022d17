"""Engine defaults (catalogs/engines.json): vLLM's and SGLang's settings, each with its source."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Annotated, Literal, TypeVar

from sizing_xl.catalog import ModelSpec
from sizing_xl.catalog.loading import builtin_catalogs
from sizing_xl.catalog.trusted import trusted
from sizing_xl.records import Limit, NonNegativeFloat, PositiveFloat, PositiveInt, record


@record
class OverheadBand:
    """vLLM's non-weight memory per GPU for models up to max_params_b (None: any larger)."""

    max_params_b: PositiveFloat | None
    gib: NonNegativeFloat
    source: str


@record
class NonWeightRule:
    """The coefficients of vLLM's profiling-run memory (methods/vllm_memory.py), each sourced."""

    activation_bytes: PositiveFloat  # bytes per activation element (bf16)
    hidden_factor: NonNegativeFloat  # residual-stream tensors alive at the MLP, per token
    single_gpu_gib: NonNegativeFloat
    nvls_collective_gib: NonNegativeFloat  # TP > 1 on NVSwitch nodes with NVLink SHARP
    plain_collective_gib: NonNegativeFloat  # TP > 1 over NVLink, PCIe or Infinity Fabric
    runner_v2_buffer_bytes: NonNegativeFloat  # V2's penalty buffers per (sequence, token id)
    sources: dict[str, str]


@record
class _Release:
    since: str  # the first release with these figures, "0.17"
    source: str

    @property
    def key(self) -> tuple[int, ...]:
        return release_key(self.since)


@record
class VllmRelease(_Release):
    """What changed from one vLLM release on: the defaults and paths that move the KV budget."""

    gpu_memory_utilization: Annotated[float, Limit(gt=0, le=1)]
    sampler: str  # the top-k/top-p path a default install takes: a key of `samplers`
    # which models run on model runner V2 when VLLM_USE_V2_MODEL_RUNNER is unset
    runner_v2: Literal["none", "listed", "listed_or_dense", "all"]
    runner_v2_architectures: tuple[str, ...] = ()
    runner_v2_dense_unquantized_only: bool = False
    runner_v2_buffers_charged: bool = False  # its persistent sampler buffers cut the KV budget
    # the start-up log: tokens as max_concurrency x max_model_len (else blocks // groups x block)
    kv_tokens_from_concurrency: bool = False
    # batches a sliding group holds beyond its window: one, or async scheduling's (PP + 1 on
    # model runner V2; 2 on V1 at PP 1, else PP)
    in_flight_batches: Literal["one", "async"] = "one"

    def batches_in_flight(self, *, runner_v2: bool, pipeline_parallel: int) -> int:
        """vllm/config/vllm.py max_concurrent_batches under this release's scheduling."""
        if self.in_flight_batches == "one":
            return 1
        if runner_v2:
            return pipeline_parallel + 1
        return 2 if pipeline_parallel == 1 else pipeline_parallel

    def runs_v2(self, model: ModelSpec) -> bool:
        """Whether the model runs on model runner V2 by default (VllmConfig.use_v2_model_runner)."""
        listed = model.architecture in self.runner_v2_architectures
        dense = not model.num_experts
        quantized = model.weights_precision not in (None, "bf16", "fp16", "fp32")
        if self.runner_v2 == "listed":
            return listed and (
                not self.runner_v2_dense_unquantized_only or (dense and not quantized)
            )
        if self.runner_v2 == "listed_or_dense":
            return listed or dense
        return self.runner_v2 == "all"


@record
class SamplerPath:
    """One top-k/top-p implementation's memory in the sampler warm-up."""

    bytes_per_logit: PositiveFloat  # per (dummy request, token id)
    source: str


@record
class VllmDefaults:
    version: str
    block_size: PositiveInt
    mla_block_size: PositiveInt
    max_num_seqs: PositiveInt
    max_num_batched_tokens: PositiveInt
    release: str  # the release whose defaults a sizing uses
    releases: tuple[VllmRelease, ...]  # oldest first
    samplers: dict[str, SamplerPath]
    non_weight: NonWeightRule
    non_weight_overhead_gib: tuple[OverheadBand, ...]  # for models without the sizes it needs
    sources: dict[str, str]

    def __post_init__(self) -> None:
        for release in self.releases:
            if release.sampler not in self.samplers:
                raise ValueError(f"release {release.since}: unknown sampler {release.sampler!r}")

    def release_of(self, version: str | None) -> VllmRelease:
        """The figures of the release a version belongs to (the newest one not after it); None
        or an unreadable version: the release sizings use."""
        return _newest_not_after(self.releases, version, self.release)

    def sampler_bytes_per_logit(self, release: VllmRelease, sampler: str | None = None) -> float:
        """The warm-up's bytes per logit on `sampler` (None: the release's default path)."""
        return self.samplers[sampler or release.sampler].bytes_per_logit

    @property
    def gpu_memory_utilization(self) -> float:
        """The default of the release sizings use."""
        return self.release_of(None).gpu_memory_utilization


@record
class SglangRelease(_Release):
    """How one SGLang release line chose mem_fraction_static when the flag is not given."""

    rule: Literal["by_tp", "reserve_by_gpu", "reserve_from_batch"]
    # by_tp: (smallest TP, fraction), largest TP first
    by_tp: tuple[tuple[int, float], ...] = ()
    # reserve_by_gpu: (below GiB or None, reserved GiB, GiB per TP x PP GPU)
    reserve_by_gpu: tuple[tuple[float | None, float, float], ...] = ()
    # reserve_from_batch: (below GiB or None, chunked prefill, CUDA graph batch TP < 4, TP >= 4)
    batch_by_gpu: tuple[tuple[float | None, int, int, int], ...] = ()
    floor_above_60_gib: float = 0


@record
class SglangPreLoad:
    """Memory in use before SGLang loads weights: its token pool's fraction applies after it."""

    cuda_context_gib: NonNegativeFloat
    nvls_distributed_gib: NonNegativeFloat
    plain_distributed_gib: NonNegativeFloat
    sources: dict[str, str]


@record
class SglangDefaults:
    version: str
    release: str
    releases: tuple[SglangRelease, ...]  # oldest first
    pre_load: SglangPreLoad
    swa_full_tokens_ratio: PositiveFloat
    hybrid_swa_disabled_architectures: tuple[str, ...]
    sources: dict[str, str]

    def release_of(self, version: str | None) -> SglangRelease:
        """The release line a version belongs to; None or unreadable: the one sizings use."""
        return _newest_not_after(self.releases, version, self.release)


@lru_cache(maxsize=256)
def release_key(version: str) -> tuple[int, ...]:
    """ "0.10.1.1", "v0.19.0", "0.11.1rc2.dev141" -> (0, 10, 1, 1), (0, 19, 0), (0, 11, 1)."""
    match = re.match(r"\s*[vV]?(\d+(?:\.\d+){0,3})", version)
    if not match:
        raise ValueError(f"not a release number: {version!r}")
    return tuple(int(part) for part in match.group(1).split("."))


Release = TypeVar("Release", VllmRelease, SglangRelease)


def _newest_not_after(releases: tuple[Release, ...], version: str | None, default: str) -> Release:
    try:
        key = release_key(version or default)
    except ValueError:
        key = release_key(default)
    found = releases[0]
    for release in releases:
        if release.key <= key:
            found = release
    return found


@record
class EngineDefaults:
    vllm: VllmDefaults
    sglang: SglangDefaults


@lru_cache(maxsize=256)
def vllm_release(version: str | None = None) -> VllmRelease:
    """engines.json's figures for a vLLM version (None: the release sizings use)."""
    return engine_defaults().vllm.release_of(version)


@lru_cache(maxsize=1)
def engine_defaults() -> EngineDefaults:
    """catalogs/engines.json: packaged, so built without its schema (tests/test_trusted.py)."""
    text = builtin_catalogs().joinpath("engines.json").read_text("utf-8")
    return trusted(EngineDefaults, json.loads(text))  # type: ignore[return-value]


def overhead_band_gib(model: ModelSpec) -> float:
    """The band of the model's size (the largest when unknown): for entries that lack the
    hidden, intermediate and vocabulary sizes the profiling-run rule needs."""
    bands = engine_defaults().vllm.non_weight_overhead_gib
    for band in bands:
        if band.max_params_b is None or (
            model.params_total_b is not None and model.params_total_b <= band.max_params_b
        ):
            return band.gib
    return bands[-1].gib
