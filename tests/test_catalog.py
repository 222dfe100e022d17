"""Catalogs: the seed's keys and real architectures, user catalogs, and clear errors."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile

import pytest

from sizing_xl import CatalogError, UnknownEntryError, load_catalog, make_request, size
from sizing_xl.catalog.loading import CATALOG_ENV_VAR, catalog_dirs_from_env
from tests.conftest import REPO, SEED_ARGS

REQUIRED_MODELS = {
    "opt-oss-120b",
    "opt-oss-20b",
    "gpt-oss-120b",
    "gpt-oss-20b",
    "llama-3.1-8b",
    "llama-3.1-70b",
    "llama-3.1-405b",
    "qwen3-32b",
    "qwen3-235b-a22b",
    "gemma-3-27b",
    "deepseek-v3",
    "mixtral-8x7b",
}


def test_builtin_catalogs_hold_the_seed_keys_and_real_entries(catalog):
    assert set(catalog.models) >= REQUIRED_MODELS
    assert {"dgx300", "dgx200"} <= set(catalog.servers)
    assert "profile_default" in catalog.storage
    gpus = {s.gpu for s in catalog.servers.values()}
    assert {"H100 SXM", "H200", "B200", "B300", "MI300X", "MI325X", "MI355X"} <= gpus
    for entries in (catalog.models, catalog.servers, catalog.storage):
        for entry in entries.values():
            assert entry.source.strip(), entry.name


def test_seed_server_and_storage_values(catalog):
    assert catalog.server("dgx300").hbm_total_gb == 2304
    assert catalog.server("dgx200").hbm_total_gb == 1128
    sto = catalog.storage_profile("profile_default")
    assert (sto.read_gbps, sto.p99_latency_ms) == (28, 0.15)


def test_lookup_ignores_case_and_stray_spaces(catalog):
    assert catalog.model("  OPT-OSS-120B ").name == "opt-oss-120b"


def test_unknown_model_suggests_near_names(catalog):
    with pytest.raises(UnknownEntryError) as info:
        catalog.model("opt-oss-12b")
    assert "opt-oss-120b" in info.value.suggestions
    assert "did you mean" in str(info.value)


def write_catalog(tmp_path, kind: str, body: object) -> None:
    (tmp_path / f"{kind}.json").write_text(json.dumps(body), encoding="utf-8")


def test_user_catalog_adds_and_replaces_entries(tmp_path):
    write_catalog(
        tmp_path,
        "models",
        {
            "my-model": {
                "num_layers": 10,
                "num_key_value_heads": 2,
                "head_dim": 64,
                "source": "our config.json",
            },
            "opt-oss-120b": {
                "num_layers": 36,
                "num_key_value_heads": 8,
                "head_dim": 64,
                "source": "override: every layer full",
            },
        },
    )
    cat = load_catalog([tmp_path])
    assert cat.model("my-model").num_layers == 10
    assert cat.model("opt-oss-120b").attention_pattern == "full"
    assert "llama-3.1-8b" in cat.models  # built-ins stay
    result = size(make_request(**{**SEED_ARGS, "model": "my-model"}), cat)
    assert result.scenario("minimum").kv_per_session_bytes == 2 * 10 * 131072 * 2 * 64


def test_catalog_dirs_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(CATALOG_ENV_VAR, f"{tmp_path}:{tmp_path / 'b'}")
    assert catalog_dirs_from_env() == (str(tmp_path), str(tmp_path / "b"))


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            {"m": {"num_layers": 0, "num_key_value_heads": 8, "head_dim": 64, "source": "s"}},
            "model 'm': num_layers: Input should be greater than 0",
        ),
        (
            {
                "m": {
                    "num_layers": 4,
                    "num_key_value_heads": 8,
                    "head_dim": 64,
                    "source": "s",
                    "num_layer": 3,
                }
            },
            "model 'm': unknown field 'num_layer'; did you mean num_layers?",
        ),
        (
            {"m": {"num_layers": 4, "head_dim": 64, "source": "s"}},
            "gqa models need num_key_value_heads and head_dim",
        ),
        (
            {
                "m": {
                    "num_layers": 4,
                    "num_key_value_heads": 8,
                    "head_dim": 64,
                    "source": "s",
                    "attention_pattern": "hybrid",
                    "sliding_window": 128,
                }
            },
            "hybrid' needs num_sliding_layers",
        ),
        (
            {"m": {"num_layers": 4, "source": "s", "attention_type": "mla"}},
            "mla models need kv_lora_rank and qk_rope_head_dim",
        ),
        (
            {"m": {"num_layers": 4, "num_key_value_heads": 8, "head_dim": 64}},
            "model 'm': source: Field required",
        ),
        (["not", "a", "mapping"], "expected a JSON object of models keyed by name"),
    ],
)
def test_malformed_catalog_names_the_file_and_the_field(tmp_path, body, expected):
    write_catalog(tmp_path, "models", body)
    with pytest.raises(CatalogError) as info:
        load_catalog([tmp_path])
    message = str(info.value)
    assert str(tmp_path / "models.json") in message
    assert expected in message
    assert "\n" not in message


def test_invalid_json_names_line_and_column(tmp_path):
    (tmp_path / "servers.json").write_text('{"x": {"gpu": }', encoding="utf-8")
    with pytest.raises(CatalogError, match=r"servers.json: is not valid JSON \(line 1, column 15"):
        load_catalog([tmp_path])


def test_catalog_dir_without_catalog_files_is_an_error(tmp_path):
    with pytest.raises(CatalogError, match="holds none of"):
        load_catalog([tmp_path])
    with pytest.raises(CatalogError, match="does not exist"):
        load_catalog([tmp_path / "missing"])


def test_wheel_ships_every_module_catalogs_and_report_templates(tmp_path):
    # built from a copy without build/ leftovers, as a fresh clone builds it
    source = tmp_path / "src"
    shutil.copytree(
        REPO,
        source,
        ignore=shutil.ignore_patterns(
            "build", "dist", ".git", "*.egg-info", "__pycache__", ".hypothesis", "out"
        ),
    )
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("sizing_xl-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for kind in ("models", "servers", "storage", "engines"):
        assert f"sizing_xl/catalogs/{kind}.json" in names
    modules = {p.relative_to(REPO).as_posix() for p in (REPO / "sizing_xl").rglob("*.py")}
    assert modules <= names, f"packages missing from pyproject.toml: {sorted(modules - names)}"
    assert "sizing_xl/reports/templates/executive.pt-BR.md" in names
    assert "sizing_xl/reports/templates/executive.en.md" in names
