"""Bring your own model: config.json files of public models give the packaged entries' KV."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sizing_xl import InputError, engine, load_catalog, make_request, size
from sizing_xl.catalog import ModelSpec
from sizing_xl.config_import import import_model, model_from_config

CONFIGS = Path(__file__).parent / "data" / "configs"
PACKAGED = [
    "gpt-oss-120b",
    "llama-3.1-8b",
    "qwen3-32b",
    "qwen3-235b-a22b",
    "gemma-3-27b",
    "deepseek-v3",
    "mixtral-8x7b",
]


def spec(imported) -> ModelSpec:
    return ModelSpec.model_validate({**imported.entry, "name": imported.name})


@pytest.mark.parametrize("name", PACKAGED)
@pytest.mark.parametrize("context", [100, 4096, 131072])
@pytest.mark.parametrize("tp", [1, 8])
def test_config_gives_the_packaged_kv_per_session(catalog, name, context, tp):
    imported = spec(import_model(CONFIGS / name / "config.json"))
    packaged = catalog.model(name)
    for precision in (1, 2):
        got = engine.kv_bytes_per_session(
            imported, context_tokens=context, bytes_per_element=precision, tensor_parallel=tp
        )
        want = engine.kv_bytes_per_session(
            packaged, context_tokens=context, bytes_per_element=precision, tensor_parallel=tp
        )
        assert got == want
    assert imported.architecture == packaged.architecture
    assert imported.max_context == packaged.max_context
    assert imported.weights_precision == packaged.weights_precision
    assert (imported.num_experts, imported.experts_per_token) == (
        packaged.num_experts,
        packaged.experts_per_token,
    )


def test_each_derived_field_names_its_key_and_guesses_are_warnings():
    llama = import_model(CONFIGS / "llama-3.1-8b" / "config.json")
    assert "num_hidden_layers" in llama.entry["source"] and "rope_scaling" in llama.entry["source"]
    assert any("head_dim absent" in w for w in llama.warnings)  # hidden_size / heads = 128
    assert llama.entry["weights_gib"] == pytest.approx(14.958, abs=0.001)  # 16,060,522,496 B
    assert llama.entry["params_total_b"] == pytest.approx(8.03, abs=0.01)
    gemma = import_model(CONFIGS / "gemma-3-27b" / "config.json")
    assert "text_config.sliding_window_pattern" in gemma.entry["source"]
    assert gemma.entry["architecture"] == "Gemma3ForConditionalGeneration"  # SGLang keys on it
    deepseek = import_model(CONFIGS / "deepseek-v3" / "config.json")
    assert (
        deepseek.entry["attention_type"] == "mla" and deepseek.entry["weights_precision"] == "fp8"
    )


def test_an_imported_model_sizes_like_the_packaged_one(tmp_path):
    imported = import_model(CONFIGS / "gpt-oss-120b" / "config.json", name="my-oss")
    (tmp_path / "models.json").write_text(json.dumps({imported.name: imported.entry}))
    catalog = load_catalog([tmp_path])
    mine = size(
        make_request(model="my-oss", server="dgx300", concurrency=1000, effective_context=131072),
        catalog,
    )
    seed = size(make_request(model="gpt-oss-120b", server="dgx300", concurrency=1000, effective_context=131072), catalog)  # fmt: skip
    assert [mine.scenario(n).nodes_final for n in ("minimum", "recommended", "ideal")] == [2, 3, 5]
    assert mine.scenario("ideal").sessions_per_node == seed.scenario("ideal").sessions_per_node


@pytest.mark.parametrize(
    ("config", "words"),
    [
        ({"model_type": "mamba", "num_hidden_layers": 64, "state_size": 16}, "state_size"),
        (json.loads((CONFIGS / "jamba-v0.1" / "config.json").read_text()), "mamba_d_state"),
        (  # Qwen3-Next: linear-attention layers in layer_types
            {"num_hidden_layers": 2, "num_attention_heads": 16, "num_key_value_heads": 2,
             "head_dim": 256, "layer_types": ["linear_attention", "full_attention"]},
            "linear_attention",
        ),
        ({"vocab_size": 32000}, "no num_hidden_layers"),
        ({"num_hidden_layers": 4, "num_attention_heads": 8, "num_key_value_heads": 16,
          "head_dim": 64}, "exceeds num_attention_heads"),
        ({"num_hidden_layers": 3, "num_attention_heads": 8, "head_dim": 64, "sliding_window": 64,
          "layer_types": ["full_attention", "sliding_attention"]}, "layer_types lists 2 layers"),
        ({"num_hidden_layers": "32", "num_attention_heads": 8, "head_dim": 64}, "whole number"),
    ],
)  # fmt: skip
def test_configs_it_cannot_size_are_refused_in_one_line(config, words):
    with pytest.raises(InputError, match=words):
        model_from_config(config, name="x")


def sizing(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sizing_xl", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ},
    )


def test_cli_prints_the_entry_and_merges_it_into_a_catalog_dir(tmp_path):
    (tmp_path / "models.json").write_text(json.dumps({"kept": {"num_layers": 2, "num_key_value_heads": 1, "head_dim": 8, "source": "mine"}}))  # fmt: skip
    proc = sizing("model-from-config", str(CONFIGS / "qwen3-32b" / "config.json"), "--name", "Q3",
                  "--catalog-dir", str(tmp_path))  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout.split("→")[0])["q3"]["head_dim"] == 128
    merged = json.loads((tmp_path / "models.json").read_text())
    assert set(merged) == {"kept", "q3"}
    assert not [p for p in tmp_path.iterdir() if p.suffix == ".tmp"]


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("not json", "not valid JSON"),
        ("[1, 2]", "not an object"),
        ('{"vocab_size": 1}', "not a transformer LM config"),
        (None, "is a directory"),
    ],
)
def test_cli_refuses_bad_input_with_exit_2_and_writes_nothing(tmp_path, content, words):
    target = tmp_path / "cfg"
    target.mkdir()
    path = target if content is None else target / "config.json"
    if content is not None:
        path.write_text(content)
    out = tmp_path / "catalog"
    out.mkdir()
    proc = sizing("model-from-config", str(path), "--catalog-dir", str(out))
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and words in proc.stderr
    assert not list(out.iterdir())


def test_excel_function_returns_a_models_row():
    import sizing_xl.udfs as u
    from sizing_xl.excel.columns import MODEL_COLUMNS

    text = (CONFIGS / "deepseek-v3" / "config.json").read_text()
    header, row = u.SIZING_MODEL_FROM_CONFIG(text, "ds3")
    assert header == list(MODEL_COLUMNS)
    values = dict(zip(header, row, strict=True))
    assert (values["name"], values["kv_lora_rank"], values["num_layers"]) == ("ds3", 512, 61)
    assert u.SIZING_MODEL_FROM_CONFIG("{oops").startswith(
        "ERROR: config_json: '{oops' is not valid JSON (line 1, column 2"
    )


def test_cli_row_format_pastes_under_the_models_sheet_columns():
    from sizing_xl.excel.columns import MODEL_COLUMNS

    proc = sizing(
        "model-from-config", str(CONFIGS / "mixtral-8x7b" / "config.json"), "--format", "row"
    )
    header, row = proc.stdout.rstrip("\n").split("\n")
    assert header.split("\t") == list(MODEL_COLUMNS)
    values = dict(zip(MODEL_COLUMNS, row.split("\t"), strict=True))
    assert (values["name"], values["num_layers"], values["num_experts"]) == (
        "mixtral-8x7b",
        "32",
        "8",
    )
