"""What PyTorch's caching allocator reserves for a model's weights (methods/torch_allocator.py),
and SGLang's weight-load figure built on it against the public start-up logs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sizing_xl.catalog import parse_entries
from sizing_xl.config_import import model_from_config, read_json_file
from sizing_xl.methods.sglang_memory import weight_load_gib
from sizing_xl.methods.torch_allocator import reserved_bytes

DATA = Path(__file__).resolve().parent / "data"
MIB = 1 << 20


@pytest.mark.parametrize(
    ("sizes", "reserved"),
    [
        ([13 * MIB], 14 * MIB),  # 10 MiB and up: the size rounded up to 2 MiB
        ([10 * MIB], 10 * MIB),
        ([9 * MIB, 9 * MIB], 20 * MIB),  # 1 to 10 MiB: split out of 20 MiB segments
        ([9 * MIB, 9 * MIB, 9 * MIB], 40 * MIB),
        ([9 * MIB, 8 * MIB, 3 * MIB], 20 * MIB),  # the 3 MiB rest of the first segment serves
        ([MIB, 1000, 1000], 2 * MIB),  # up to 1 MiB: packed in 2 MiB segments
        ([1], 2 * MIB),
        ([13 * MIB, 1536 * 1024], 14 * MIB + 20 * MIB),  # a rest of 1 MiB or less is not split
    ],
)
def test_the_allocator_reserves_segments_as_pytorch_does(sizes, reserved):
    assert reserved_bytes(sizes) == reserved


@given(st.lists(st.integers(min_value=1, max_value=64 * MIB), max_size=60))
def test_reserved_memory_holds_every_tensor_and_grows_with_more(sizes):
    total = reserved_bytes(sizes)
    assert total >= sum(sizes)
    assert reserved_bytes([*sizes, 3 * MIB]) >= total


def _model(folder: str):
    """The pinned config.json as the catalog entry model-from-config writes."""
    path = DATA / "configs" / folder / "config.json"
    imported = model_from_config(read_json_file(path, "config"), name=folder)
    return parse_entries("models", {imported.name: imported.entry}, str(path))[imported.name]


@pytest.mark.parametrize(
    ("log", "folder", "tp"),
    [
        ("sglang-qwq-32b-l4-tp4-llmsinclouds", "qwen__qwq-32b", 4),
        ("sglang-qwen3-14b-rtx4090-tp4-kuiperinfer", "qwen__qwen3-14b", 4),
    ],
)
def test_sglang_weight_load_is_the_weights_rope_cache_and_allocator_rounding(log, folder, tp):
    """'Load weight end ... mem usage' (free memory before loading minus after) on two public
    TP 4 start-ups: the checkpoint's shard alone is 0.2-0.25 GiB short of it; with the RoPE
    cache and the segments the allocator rounds each tensor to, within 0.05 GiB (SGLang prints
    two decimals)."""
    index = json.loads((DATA / "engine_logs" / "index.json").read_text("utf-8"))
    case = next(c for c in index if c["id"] == log)
    reported = case["reported"]["sglang_weight_mem_usage_gb"]
    model = _model(folder)
    shard = (model.weights_gib or 0) / tp
    assert reported - shard > 0.15
    loaded = weight_load_gib(model, weights_gib_per_gpu=shard, tensor_parallel=tp)
    assert loaded == pytest.approx(reported, abs=0.05)


def test_a_pipeline_stage_rounds_only_the_tensors_it_holds():
    """Under PP a GPU loads its stage's layers: QwQ-32B at TP 4 over two stages rounds about
    half the tensors of one stage holding all 64 layers (its shard is half as large too)."""
    model = _model("qwen__qwq-32b")
    shard = (model.weights_gib or 0) / 4

    def rounding(pp: int) -> float:
        loaded = weight_load_gib(
            model, weights_gib_per_gpu=shard / pp, tensor_parallel=4, pipeline_parallel=pp
        )
        return loaded - shard / pp

    assert 0.4 < rounding(2) / rounding(1) < 0.6
