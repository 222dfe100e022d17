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


class VllmDefaults(_Data):
    version: str
    gpu_memory_utilization: float = Field(gt=0, le=1)
    block_size: PositiveInt
    mla_block_size: PositiveInt
    max_num_seqs: PositiveInt
    max_num_batched_tokens: PositiveInt
    non_weight_overhead_gib: tuple[OverheadBand, ...]
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


def default_non_weight_overhead_gib(model: ModelSpec) -> float:
    """The model's measured figure, else the band of its size (the largest when unknown)."""
    if model.non_weight_overhead_gib is not None:
        return model.non_weight_overhead_gib
    bands = engine_defaults().vllm.non_weight_overhead_gib
    for band in bands:
        if band.max_params_b is None or (
            model.params_total_b is not None and model.params_total_b <= band.max_params_b
        ):
            return band.gib
    return bands[-1].gib
