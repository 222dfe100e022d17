"""The `sizing` command as a user runs it: outputs, files, exit codes and one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from sizing_xl.cli import run
from sizing_xl.cli.common import EXIT_CATALOG, EXIT_INPUT
from tests.conftest import SEED_FLAGS, run_python


def sizing(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sizing_xl", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=60,
    )


def test_seed_headline_case_end_to_end():
    proc = sizing(*SEED_FLAGS)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "Kv Per Session Gib: 2.25" in out
    assert "Kv Total Gib: 2252.2" in out
    assert out.count("Hbm Budget Gib: 1418.0") == 2 and "Hbm Budget Gib: 1316.7" in out
    assert "RESUMO: MÍNIMO: 2 nós | RECOMENDADO: 3 nós | IDEAL: 5 nós" in out


def test_fp16_recommended_needs_five(capsys):
    assert run([*SEED_FLAGS, "--kv-precision", "fp16", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["scenarios"]["recommended"]["results"]["nodes_final"] == 5


def test_output_files_are_written(tmp_path, capsys):
    json_path, md_path = tmp_path / "r.json", tmp_path / "sub" / "relatorio.md"
    md_path.parent.mkdir()
    code = run(
        [
            *SEED_FLAGS,
            "--executive-report",
            "--output-json-file",
            str(json_path),
            "--output-markdown-file",
            str(md_path),
        ]
    )
    assert code == 0
    assert json.loads(json_path.read_text())["scenarios"]["ideal"]["results"]["nodes_final"] == 5
    assert md_path.read_text().startswith("# RELATÓRIO EXECUTIVO")
    assert not list(tmp_path.rglob("*.tmp"))  # the atomic writer cleaned up
    out = capsys.readouterr().out  # the report went to the file; stdout lists what was written
    assert out.startswith("=" * 72) and f"→ {md_path}" in out and f"→ {json_path}" in out


def test_executive_report_on_stdout_in_english(capsys):
    assert run([*SEED_FLAGS, "--executive-report", "--lang", "en"]) == 0
    assert capsys.readouterr().out.startswith("# EXECUTIVE REPORT")


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--concurrency", "-5"], "--concurrency: expected a number >= 1, got -5"),
        (["--effective-context", "0"], "--effective-context: expected a number >= 1, got 0"),
        (["--kv-budget-ratio", "1.5"], "--kv-budget-ratio: expected a number <= 1"),
        (["--model", "opt-oss-12b"], "did you mean 'opt-oss-120b'"),
        (["--server", "dgx-b30"], "--server: unknown server 'dgx-b30'"),
        (["--kv-precision", "fp4"], "invalid choice: 'fp4'"),
        (["--concurrency", "many"], "--concurrency: expected a whole number in ASCII digits"),
        (["--concurrency", "١٢٣"], "got '١٢٣'"),
        (["--concurrency", "１２３"], "ASCII digits"),
        (["--concurrency", "1_000"], "ASCII digits, got '1_000'"),
        (
            ["--kv-budget-ratio", "٠.٧"],
            "--kv-budget-ratio: expected a finite number in ASCII digits",
        ),
        (
            ["--kv-budget-ratio", "inf"],
            "--kv-budget-ratio: expected a finite number in ASCII digits",
        ),
        (["--model", "x\ny" * 30_000], "--model: unknown model 'x\\nyx"),
        (["--policy", "ideal.kv_budget_ratio=2"], "--policy ideal.kv_budget_ratio: expected"),
    ],
)
def test_invalid_input_is_one_line_and_exit_2(args, fragment):
    flags = list(SEED_FLAGS)
    for i in range(0, len(args), 2):  # replace the seed's value of that flag, or append it
        if args[i] in flags:
            flags[flags.index(args[i]) + 1] = args[i + 1]
        else:
            flags += args[i : i + 2]
    proc = sizing(*flags)
    assert proc.returncode == EXIT_INPUT
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0] and len(lines[0]) <= 400
    assert "Traceback" not in proc.stderr


def test_missing_flags_are_named():
    proc = sizing("--model", "opt-oss-120b")
    assert proc.returncode == EXIT_INPUT
    assert "missing --server, --concurrency, --effective-context" in proc.stderr


def test_malformed_user_catalog_exits_3_naming_file_and_field(tmp_path):
    (tmp_path / "models.json").write_text('{"m": {"num_layers": -1, "source": "x"}}')
    proc = sizing(*SEED_FLAGS, env={"SIZING_XL_CATALOGS": str(tmp_path)})
    assert proc.returncode == EXIT_CATALOG
    assert str(tmp_path / "models.json") in proc.stderr
    assert "num_layers" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_user_catalog_flag_sizes_a_new_model(tmp_path, capsys):
    (tmp_path / "models.json").write_text(
        json.dumps(
            {
                "acme-7b": {
                    "num_layers": 32,
                    "num_key_value_heads": 8,
                    "head_dim": 128,
                    "source": "ours",
                }
            }
        )
    )
    assert (
        run(
            [
                "--catalog-dir",
                str(tmp_path),
                *SEED_FLAGS[2:],
                "--model",
                "acme-7b",
                "--format",
                "json",
            ]
        )
        == 0
    )
    doc = json.loads(capsys.readouterr().out)
    assert doc["model"]["name"] == "acme-7b"


def test_list_shows_every_catalog(capsys):
    assert run(["--list"]) == 0
    out = capsys.readouterr().out
    assert "MODELOS (" in out and "deepseek-v3" in out and "mi355x-8" in out
    assert "profile_default" in out


def test_list_follows_lang_pt_br_throughout(capsys):
    """The default language lists in Portuguese: headings, words, money; names as written."""
    assert run(["--list", "--lang", "pt-BR"]) == 0
    out = capsys.readouterr().out
    headings = [line.partition(" (")[0] for line in out.splitlines() if line[:1].isalpha()]
    assert headings == [
        "MODELOS",
        "SERVIDORES",
        "NUVEM",
        "API",
        "PREMISSAS FINANCEIRAS",
        "STORAGE",
        "arquivos de catálogo: " + out.rpartition("arquivos de catálogo: ")[2].strip(),
    ]
    assert "US$ 55,04/h sob demanda (2026-08)" in out  # aws-p5.48xlarge
    assert "bloco de capacidade" in out  # catalog_phrases' rendering of "capacity block"
    assert "US$ 0,15 de entrada / US$ 0,6 de saída por 1M tokens, para gpt-oss-120b" in out
    assert "vida útil 4 anos (2026)" in out and "28 GB/s de leitura, P99 0.15 ms" in out
    assert "8 cabeças KV × 64, contexto máximo de 131,072 tokens" in out  # gpt-oss-120b
    for english in ("sliding", "KV heads", " layers", " in / ", "on-demand", "read,", " years"):
        assert english not in out, english


@pytest.mark.parametrize("kind", ["models", "servers", "cloud", "api", "finance", "storage"])
def test_each_list_has_its_heading_in_each_language(capsys, kind):
    headings = {
        "models": ("MODELOS", "MODELS"),
        "servers": ("SERVIDORES", "SERVERS"),
        "cloud": ("NUVEM", "CLOUD"),
        "api": ("API", "API"),
        "finance": ("PREMISSAS FINANCEIRAS", "FINANCE"),
        "storage": ("STORAGE", "STORAGE"),
    }[kind]
    for lang, heading in zip(("pt-BR", "en"), headings, strict=True):
        assert run(["--list", kind, "--lang", lang]) == 0
        out = capsys.readouterr().out
        assert out.splitlines()[0].startswith(f"{heading} (")
        files = "arquivos de catálogo: " if lang == "pt-BR" else "catalog files: "
        assert out.splitlines()[-1].startswith(files)


def test_list_in_english_keeps_the_catalogs_words(capsys):
    assert run(["--list", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "36 layers (18 full + 18 sliding, window 128), 8 KV heads × 64, max 131,072" in out
    assert "$55.04/h on-demand (2026-08)" in out and "$0.037 in / $0.17 out per 1M" in out
    assert "4 years (2026)" in out and "28 GB/s read, P99 0.15 ms" in out
    for portuguese in ("camadas", "sob demanda", "de entrada", "anos", "leitura"):
        assert portuguese not in out, portuguese


def test_text_and_json_paths_import_neither_openpyxl_nor_xlwings():
    run_python(
        "import sys, io, contextlib\n"
        "from sizing_xl.cli import run\n"
        f"args = {SEED_FLAGS!r}\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    run(args); run(args + ['--format', 'json']); run(args + ['--executive-report'])\n"
        "heavy = [m for m in ('openpyxl', 'xlwings') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )


def test_importing_the_cli_builds_no_validator():
    """Start-up pays for what it uses: importing the CLI imports neither pydantic (validation
    at the edges only, records.py) nor importlib.metadata, openpyxl or xlwings."""
    run_python(
        "import sys\n"
        "import sizing_xl.cli\n"
        "loaded = [m for m in ('importlib.metadata', 'pydantic', 'openpyxl',\n"
        "                      'xlwings') if m in sys.modules]\n"
        "assert not loaded, loaded\n"
    )


def test_default_policies_are_what_validation_gives():
    from sizing_xl.records import as_dict, validate
    from sizing_xl.request import DEFAULT_POLICIES, ScenarioPolicy

    for policy in DEFAULT_POLICIES.values():
        checked = validate(ScenarioPolicy, as_dict(policy))  # pydantic's validation
        assert checked == policy and repr(checked) == repr(policy)


def test_output_xlsx_writes_the_directors_workbook(tmp_path, capsys):
    import openpyxl

    path = tmp_path / "board.xlsx"
    assert run([*SEED_FLAGS, "--output-xlsx", str(path), "--lang", "en"]) == 0
    assert f"→ {path}" in capsys.readouterr().out
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[0] == "Executive" and "Dictionary" in wb.sheetnames


def test_output_xlsx_with_another_extension_is_invalid_input(tmp_path, capsys):
    assert run([*SEED_FLAGS, "--output-xlsx", str(tmp_path / "board.xlsm")]) == EXIT_INPUT
    assert "expected a .xlsx file name" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_ci_script_writes_the_workbook_and_keeps_stdout_quiet(tmp_path):
    from tests.conftest import REPO

    path = tmp_path / "board.xlsx"
    proc = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "director_workbook.py"), str(path), *SEED_FLAGS],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "" and "RECOMENDADO: 3 nós" in proc.stderr
    assert path.exists()


@pytest.mark.parametrize(
    "flag", ["--runtime-overhead-gib", "--kv-budget-ratio", "--peak-headroom-ratio"]
)
@pytest.mark.parametrize("value", ["inf", "nan"])
def test_non_finite_numbers_are_refused(flag, value, capsys):
    with pytest.raises(SystemExit) as stop:
        run([*SEED_FLAGS, flag, value])
    assert stop.value.code == EXIT_INPUT
    assert f"{flag}: expected a finite number" in capsys.readouterr().err


# --- engine methods and calibration ----------------------------------------------------------

LOGS = os.path.join(os.path.dirname(__file__), "data", "vllm_logs")


def test_vllm_method_prints_its_accounting_and_the_json_carries_it(capsys):
    args = ["--model", "llama-3.1-70b", "--server", "dgx-h100", "--concurrency", "100"]
    args += ["--effective-context", "32768", "--method", "vllm", "--tensor-parallel", "8"]
    assert run([*args, "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "Method:            vLLM" in out and "TP 8 × PP 1 = 8 GPUs per replica" in out
    assert "Per GPU: 79.2 GiB × 0.92 − 16.4 weights − 4.1 overhead" in out
    assert run([*args, "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    rec = doc["scenarios"]["recommended"]["results"]
    assert rec["method"] == "vllm" and rec["memory"]["block_size"] == 16
    assert doc["engine_check"]["ratio_to_method"] == 1.0
    assert doc["deployment"]["weights"]["basis"] == "published"  # counted from its config.json


@pytest.mark.parametrize(
    ("extra", "flag"),
    [
        (["--tensor-parallel", "3"], "--tensor-parallel"),
        (["--gpu-memory-utilization", "1.5"], "--gpu-memory-utilization"),
        (["--gpu-memory-utilization", "0"], "--gpu-memory-utilization"),
        (["--method", "vllm", "--weights-gib", "3000"], "--pipeline-parallel"),
        (["--pipeline-parallel", "0"], "--pipeline-parallel"),
    ],
)
def test_engine_flags_refuse_bad_values_in_one_line(extra, flag):
    proc = sizing(*SEED_FLAGS, *extra)
    assert proc.returncode == EXIT_INPUT, proc.stdout
    assert proc.stderr.count("\n") == 1 and flag in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr


def test_calibrate_prints_flags_and_writes_entries_that_load(tmp_path):
    log = os.path.join(LOGS, "llama3-8b-h100.log")
    proc = sizing(
        "calibrate", "--vllm-log", log, "--model", "llama-3.1-8b", "--server", "dgx-h100",
        "--catalog-dir", str(tmp_path),
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "--non-weight-overhead-gib 3.048" in proc.stdout
    assert "the log itemises 3.05 GiB" in proc.stdout
    sized = sizing(
        "--model", "llama-3.1-8b-calibrated", "--server", "dgx-h100-calibrated",
        "--concurrency", "10", "--effective-context", "8192", "--kv-precision", "bf16",
        "--method", "vllm", "--catalog-dir", str(tmp_path), "--format", "json",
    )  # fmt: skip
    assert sized.returncode == 0, sized.stderr
    # the entries alone (weights, and the overhead at the tool's default utilisation) give the
    # log's KV memory; the log ran at 0.90, the tool's default is 0.92
    memory = json.loads(sized.stdout)["scenarios"]["recommended"]["results"]["memory"]
    assert memory["kv_available_gib_per_gpu"] == pytest.approx(53.29, abs=0.01)
    assert memory["weights_gib_per_gpu"] == pytest.approx(14.96)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a log at all\n", "no 'Available KV cache memory'"),
        (b"Available KV cache memory: 5.0 GiB\n", "no 'Model loading took"),
        (b"\xff\xfe\x00garbage", "no 'Available KV cache memory'"),
    ],
)
def test_calibrate_refuses_a_log_it_cannot_read(tmp_path, content, message):
    log = tmp_path / "x.log"
    log.write_bytes(content)
    proc = sizing("calibrate", "--vllm-log", str(log), "--server", "dgx-h100")
    assert proc.returncode == EXIT_INPUT
    assert proc.stderr.count("\n") == 1 and message in proc.stderr, proc.stderr


def test_calibrate_names_a_missing_file(tmp_path):
    proc = sizing("calibrate", "--vllm-log", str(tmp_path / "none.log"))
    assert proc.returncode == EXIT_INPUT and "cannot read" in proc.stderr


def test_mistyped_flags_and_commands_name_the_nearest_and_help_lists_the_commands(capsys):
    from sizing_xl.cli import COMMANDS

    with pytest.raises(SystemExit) as exited:
        run(["--concurency", "5"])
    assert exited.value.code == EXIT_INPUT
    assert "did you mean --concurrency?" in capsys.readouterr().err
    assert run(["swep"]) == EXIT_INPUT
    assert "unknown command 'swep'; did you mean sweep?" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        run(["--help"])
    out = capsys.readouterr().out
    assert all(f"  {name} " in out for name in COMMANDS)


def test_a_rate_without_its_currency_is_refused(capsys):
    args = ["--model", "llama-3.1-70b", "--server", "dgx-h100", "--concurrency", "10"]
    args += ["--effective-context", "1000", "--usd-to-currency", "5.4"]
    assert run(args) == EXIT_INPUT
    assert "--currency" in capsys.readouterr().err
    assert run([*args, "--currency", "BRL"]) == 0


def test_engine_text_names_the_weights_row_and_sglang_token_slots(capsys):
    args = ["--model", "llama-3.1-70b", "--server", "dgx-h100", "--concurrency", "100"]
    args += ["--effective-context", "8192", "--method", "sglang", "--tensor-parallel", "4"]
    assert run([*args, "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "Weights And Overhead Gib:" in out and "Runtime Overhead Gib" not in out
    assert "token slots" in out and "blocks of 1 tokens" not in out
    assert "640 GB HBM (596.0 GiB), usable 633.6 GiB" in out


@pytest.mark.parametrize(
    ("lang", "said", "not_said"),
    [
        ("pt-BR", "mesmo sozinha, uma sessão só recebe o primeiro token", "even alone"),
        ("en", "even alone, the first token of a prefill", "mesmo sozinha"),
    ],
)
def test_a_ttft_no_node_meets_is_explained_in_the_report_language(capsys, lang, said, not_said):
    assert run([*SEED_FLAGS, "--max-ttft-seconds", "0.5", "--lang", lang]) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if "[SLO_UNREACHABLE]" in x)
    assert said in line and not_said not in out
