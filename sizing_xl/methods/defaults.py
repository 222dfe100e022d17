"""Engine defaults (catalogs/engines.json): vLLM's and SGLang's settings, each with its source."""

from __future__ import annotations

import json
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field, PositiveFloat, PositiveInt

from sizing_xl.catalog import ModelSpec, builtin_catalogs


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class OverheadBand(_Data):
    """vLLM's non-weight memory per GPU for models up to max_params_b (None: any larger)."""

    max_params_b: PositiveFloat | None
    gib: float = Field(ge=0)
    source: str


class NonWeightRule(_Data):
    """The coefficients of vLLM's profiling-run memory (methods/vllm_memory.py), each sourced."""

    activation_bytes: PositiveFloat  # bytes per activation element (bf16)
    hidden_factor: float = Field(ge=0)  # residual-stream tensors alive at the MLP, per token
    sampler_bytes_per_logit: PositiveFloat  # the sampler warm-up's bytes per (request, token id)
    single_gpu_gib: float = Field(ge=0)
    collective_gib: float = Field(ge=0)  # TP x PP > 1: NCCL / NVLS buffers on NVSwitch nodes
    sources: dict[str, str]


class VllmDefaults(_Data):
    version: str
    gpu_memory_utilization: float = Field(gt=0, le=1)
    block_size: PositiveInt
    mla_block_size: PositiveInt
    max_num_seqs: PositiveInt
    max_num_batched_tokens: PositiveInt
    non_weight: NonWeightRule
    non_weight_overhead_gib: tuple[OverheadBand, ...]  # for models without the sizes it needs
    sources: dict[str, str]


class SglangDefaults(_Data):
    version: str
    mem_fraction_static: float = Field(gt=0, le=1)
    swa_full_tokens_ratio: PositiveFloat
    hybrid_swa_disabled_architectures: tuple[str, ...]
    sources: dict[str, str]


class EngineDefaults(_Data):
    vllm: VllmDefaults
    sglang: SglangDefaults


@lru_cache(maxsize=1)
def engine_defaults() -> EngineDefaults:
    text = builtin_catalogs().joinpath("engines.json").read_text("utf-8")
    return EngineDefaults.model_validate(json.loads(text))


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
