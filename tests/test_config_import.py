"""Bring your own model: config.json files of public models give the packaged entries' KV."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sizing_xl import InputError, engine, load_catalog, make_request, size
from sizing_xl.catalog import ModelSpec
from sizing_xl.config_import import import_model, model_from_config
from sizing_xl.records import validate

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
    return validate(ModelSpec, {**imported.entry, "name": imported.name})


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


# --- hostile configs: quantization and sizes ------------------------------------------------

ODD = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.lists(st.integers(min_value=-5, max_value=300), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)
PATTERNS = st.lists(
    st.one_of(
        st.sampled_from(
            ["lm_head", "re:.*mlp.gate$", "model.layers.*.self_attn", "re:(", "re:(a+)+$"]
        ),
        st.text(max_size=20),
    ),
    max_size=5,
)
QUANT = st.fixed_dictionaries(
    {
        "quant_method": st.sampled_from(
            ["compressed-tensors", "gptq", "awq", "fp8", "mxfp4", "modelopt", "bitsandbytes", "x"]
        )
    },
    optional={
        "bits": ODD,
        "group_size": ODD,
        "weight_block_size": ODD,
        "ignore": PATTERNS,
        "modules_to_not_convert": PATTERNS,
        "quant_algo": st.sampled_from(["FP8", "NVFP4", "?"]),
        "load_in_4bit": st.booleans(),
        "config_groups": st.dictionaries(
            st.text(max_size=3),
            st.fixed_dictionaries(
                {},
                optional={
                    "weights": st.fixed_dictionaries(
                        {},
                        optional={
                            "num_bits": ODD,
                            "type": st.sampled_from(["int", "float", 3]),
                            "strategy": st.sampled_from(["group", "block", "channel", None]),
                            "group_size": ODD,
                            "block_structure": ODD,
                        },
                    )
                },
            ),
            max_size=2,
        ),
    },
)


@settings(max_examples=300, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(["llama-3.1-8b", "deepseek-v3", "qwen3-235b-a22b"]),
    st.dictionaries(
        st.sampled_from(
            [
                "hidden_size",
                "intermediate_size",
                "moe_intermediate_size",
                "vocab_size",
                "num_hidden_layers",
                "num_local_experts",
                "n_routed_experts",
                "first_k_dense_replace",
                "tie_word_embeddings",
                "vision_config",
                "q_lora_rank",
                "torch_dtype",
            ]
        ),
        ODD,
        max_size=4,
    ),
    QUANT,
)
def test_hostile_configs_import_or_name_their_fault_quickly(base, changes, quant):
    config = json.loads((CONFIGS / base / "config.json").read_text())
    config.update(changes)
    config["quantization_config"] = quant
    try:
        imported = model_from_config(config, name="x")
    except InputError as exc:
        assert "\n" not in str(exc)
        return
    weights = imported.entry.get("weights_gib")
    assert weights is None or (isinstance(weights, float) and weights > 0)


@pytest.mark.parametrize("metadata", [5, "x", None, [1], {"total_size": "big"}, {"total_size": -1}])
def test_an_odd_safetensors_index_is_ignored_not_a_traceback(tmp_path, metadata):
    config = json.loads((CONFIGS / "llama-3.1-8b" / "config.json").read_text())
    (tmp_path / "config.json").write_text(json.dumps(config))
    (tmp_path / "model.safetensors.index.json").write_text(json.dumps({"metadata": metadata}))
    imported = import_model(tmp_path / "config.json")
    assert imported.entry["weights_source"].startswith("counted from config.json")


def test_special_files_are_refused_without_blocking(tmp_path):
    fifo = tmp_path / "config.json"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="FIFO"):
        import_model(fifo)


@pytest.mark.parametrize(
    ("folder", "published_b"),
    [
        ("deepseek-ai__deepseek-v3", 37),  # model card: "671B total parameters with 37B activated"
        ("qwen__qwen3-30b-a3b", 3.3),  # model card: "30.5B in total and 3.3B activated"
        ("qwen__qwen3-235b-a22b-fp8", 22),  # model card: "235B in total and 22B activated"
        ("mistralai__mixtral-8x7b-instruct-v0.1", 12.9),  # Mistral AI: "12.9B parameters per token"
        ("meta-llama__llama-4-scout-17b-16e-instruct", 17),  # "17B active parameters"
    ],
)
def test_an_moe_config_counts_the_parameters_one_token_runs_through(folder, published_b):
    entry = import_model(str(CONFIGS / folder / "config.json")).entry
    assert entry["params_active_b"] == pytest.approx(published_b, rel=0.05)
    assert entry["params_active_b"] < entry["params_total_b"]


def test_a_dense_config_has_no_active_parameter_count_of_its_own():
    entry = import_model(str(CONFIGS / "meta-llama__llama-3.1-8b" / "config.json")).entry
    assert "params_active_b" not in entry
