"""Hostile input, round two: numbers that overflow, work without bounds, files that are not
files, concurrent merges, misspelt catalog keys, contradictory logs, numbers in other scripts,
text that would act on a terminal or a sheet. Each case is one line and its exit code, never a
traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from sizing_xl.cli import run
from sizing_xl.cli.common import EXIT_CATALOG, EXIT_INPUT, EXIT_OUTPUT
from tests.conftest import REPO, SEED_FLAGS

SIZING = ["--model", "llama-3.1-70b", "--server", "dgx-h100", "--concurrency", "100"]
SIZING += ["--effective-context", "8192"]
CELLS = ("llama-3.1-70b", "dgx-h100", 100.0, 8192.0)  # SIZING as a function's cells


def one_line(capsys) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        ([*SIZING, "--runtime-overhead-gib", "1e300"], "--runtime-overhead-gib"),
        ([*SIZING, "--output-tokens-per-session-per-hour", "1e-300"], "at least 1 token"),
        ([*SIZING, "--min-tokens-per-second", "1e-300"], "--min-tokens-per-second"),
        ([*SIZING, "--max-ttft-seconds", "1e-300"], "--max-ttft-seconds"),
        (
            ["growth", *SIZING, "--growth-monthly", "10", "--months", "296"],
            "month 6: expected a number <= 100000000",
        ),
        (["growth", *SIZING, "--concurrency-by-month", ",".join(["5"] * 700)], "700 months"),
        (["sweep", *SIZING, "--vary", "kv-budget-ratio=0..1e300/1e-300"], "100,000 values"),
        (["sweep", *SIZING, "--vary", "concurrency=1..100000000/1"], "100,000 values"),
    ],
)
def test_overflowing_or_unbounded_requests_are_one_line(argv, says, capsys):
    assert run(argv) == EXIT_INPUT
    assert says in one_line(capsys)


def test_no_infinity_reaches_a_json_document(capsys):
    """The largest figures each flag takes still print as finite JSON numbers."""
    argv = [*SEED_FLAGS, "--runtime-overhead-gib", "1000000", "--format", "json"]
    assert run(argv) == 0
    text = capsys.readouterr().out
    assert "Infinity" not in text and "NaN" not in text
    json.loads(text)


def test_an_output_path_that_loops_is_one_line(tmp_path, capsys):
    loop = tmp_path / "l.json"
    loop.symlink_to(loop.name)
    assert run([*SEED_FLAGS, "--output-json-file", str(loop)]) == EXIT_OUTPUT
    assert "symbolic link loop" in one_line(capsys)


@pytest.mark.parametrize("kind", ["loop", "fifo", "directory", "dangling"])
def test_a_catalog_file_that_is_not_a_file_is_exit_3(kind, tmp_path, capsys):
    folder = tmp_path / "cat"
    folder.mkdir()
    target = folder / "servers.json"
    if kind == "loop":
        target.symlink_to(target.name)
    elif kind == "fifo":
        os.mkfifo(target)  # opening it for reading would block: it must not be opened
    elif kind == "directory":
        target.mkdir()
    else:
        target.symlink_to("nowhere.json")
    assert run([*SEED_FLAGS, "--catalog-dir", str(folder)]) == EXIT_CATALOG
    assert "not a readable catalog file" in one_line(capsys)


def test_concurrent_merges_into_one_catalog_keep_every_entry(tmp_path):
    """Ten model-from-config --catalog-dir runs at once: every one that exits 0 is in the
    file (a lock beside it serialises read-merge-write)."""
    config = REPO / "tests" / "data" / "configs" / "meta-llama__llama-3.1-8b" / "config.json"
    command = [sys.executable, "-m", "sizing_xl", "model-from-config", str(config)]
    runs = [
        subprocess.Popen(
            [*command, "--name", f"m{i}", "--catalog-dir", str(tmp_path)],
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for i in range(10)
    ]
    codes = [p.wait(timeout=120) for p in runs]
    assert codes == [0] * 10
    merged = json.loads((tmp_path / "models.json").read_text("utf-8"))
    assert sorted(merged) == sorted(f"m{i}" for i in range(10))


def catalog_run(tmp_path, filename: str, body: dict | bytes, capsys) -> str:
    """A sizing with a catalog directory holding one file: its exit 3 line."""
    folder = tmp_path / "cat"
    folder.mkdir(exist_ok=True)
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    (folder / filename).write_bytes(data)
    assert run([*SEED_FLAGS, "--catalog-dir", str(folder)]) == EXIT_CATALOG
    return one_line(capsys)


def packaged(filename: str) -> dict:
    return json.loads((REPO / "catalogs" / filename).read_text("utf-8"))


def test_a_misspelt_finance_assumption_is_refused_with_the_name_it_meant(tmp_path, capsys):
    """finance.json's entries are the assumptions themselves: 'pue_typo' was ignored before."""
    line = catalog_run(
        tmp_path, "finance.json", {"pue_typo": packaged("finance.json")["pue"]}, capsys
    )
    assert "finance.json: finance assumption 'pue_typo'" in line
    assert "did you mean pue?" in line


def test_a_finance_value_out_of_range_names_the_file_it_is_in(tmp_path, capsys):
    figure = {**packaged("finance.json")["pue"], "value": 0.5}
    line = catalog_run(tmp_path, "finance.json", {"pue": figure}, capsys)
    assert "cat/finance.json: finance assumption 'pue': value" in line


@pytest.mark.parametrize(
    ("filename", "typo", "meant"),
    [
        ("models.json", "num_layer", "num_layers"),
        ("servers.json", "gpus_per_nod", "gpus_per_node"),
        ("storage.json", "read_gbs", "read_gbps"),
        ("cloud.json", "usd_per_hr", "usd_per_hour"),
        ("finance.json", "valeu", "value"),
    ],
)
def test_every_catalog_kind_refuses_an_unknown_field_naming_the_one_meant(
    filename, typo, meant, tmp_path, capsys
):
    name, body = next(iter(packaged(filename).items()))
    line = catalog_run(tmp_path, filename, {name: {**body, typo: 1}}, capsys)
    assert f"{filename}: " in line and f"'{name}': unknown field '{typo}'" in line
    assert f"did you mean {meant}?" in line


@pytest.mark.parametrize(
    ("number", "says"),
    [
        ("NaN", "NaN is not a number JSON allows"),
        ("-Infinity", "-Infinity is not a number JSON allows"),
        ("1e400", "the number 1e400 is too large to be finite"),
        ("9" * 40, "the number 999999999999… has 40 digits"),
    ],
)
def test_a_number_json_cannot_hold_names_the_file_entry_and_field(number, says, tmp_path, capsys):
    body = json.dumps({"fast": {"read_gbps": 1, "p99_latency_ms": 1, "source": "x"}})
    body = body.replace('"read_gbps": 1', f'"read_gbps": {number}')
    line = catalog_run(tmp_path, "storage.json", body.encode(), capsys)
    assert f'cat/storage.json: entry "fast", field "read_gbps": {says}' in line


def calibrate_log(tmp_path, text: str, *flags: str) -> int:
    log = tmp_path / "start-up.log"
    log.write_text(text, "utf-8")
    return run(["calibrate", "--vllm-log", str(log), "--server", "dgx-h100", *flags])


@pytest.mark.parametrize(
    ("lines", "says"),
    [
        (
            "total_gpu_memory (79.19GiB)\nModel loading took 60 GiB\n",
            "exceed the 79.19 GiB its GPUs have",
        ),
        ("gpu_memory_utilization=1.5\nModel loading took 15 GiB\n", "utilization 1.5 is beyond"),
        ("gpu_memory_utilization=0\nModel loading took 15 GiB\n", "utilization 0 is beyond"),
    ],
)
def test_a_log_that_contradicts_itself_is_refused(lines, says, tmp_path, capsys):
    text = lines + "Available KV cache memory: 30 GiB\n"
    assert calibrate_log(tmp_path, text) == EXIT_INPUT
    assert says in one_line(capsys)


def test_a_log_of_another_gpu_or_model_is_a_one_line_warning_each(capsys):
    """The 8B log calibrated as the 70B on an H100 node: both disagreements named, exit 0."""
    log = REPO / "tests" / "data" / "vllm_logs" / "llama31-8b-rtx3090.log"
    argv = ["calibrate", "--vllm-log", str(log), "--server", "dgx-h100"]
    assert run([*argv, "--model", "llama-3.1-70b"]) == 0
    warnings = capsys.readouterr().err.splitlines()
    assert len(warnings) == 2 and all(": warning: " in w for w in warnings)
    assert "a log from another GPU?" in warnings[0]
    assert "model llama-3.1-70b's checkpoint is 131.42 GiB" in warnings[1]


def test_calibrated_entries_are_marked_derived_from_the_logs_file_name(tmp_path, capsys):
    log = REPO / "tests" / "data" / "vllm_logs" / "llama3-8b-h100.log"
    argv = ["calibrate", "--vllm-log", str(log), "--server", "dgx-h100"]
    assert run([*argv, "--model", "llama-3.1-8b", "--catalog-dir", str(tmp_path)]) == 0
    for kind, name in (("servers", "dgx-h100-calibrated"), ("models", "llama-3.1-8b-calibrated")):
        entry = json.loads((tmp_path / f"{kind}.json").read_text("utf-8"))[name]
        assert entry["verified"] is False
        assert entry["source"].startswith("calibrated from the vLLM log llama3-8b-h100.log (")
        assert str(log.parent) not in entry["source"]


def test_a_logs_model_name_reaches_no_terminal_as_control_bytes(tmp_path, capsys):
    text = (
        "model='\x1b]0;owned\x07', \nModel loading took 15 GiB\nAvailable KV cache memory: 30 GiB\n"
    )
    assert calibrate_log(tmp_path, text, "--model", "llama-3.1-8b") == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "\\x1b]0;owned\\x07" in out


@pytest.mark.parametrize("text", ["１０００", "١٠٠٠", "1_000", "1e400"])
def test_a_udf_argument_refuses_what_the_flag_refuses_in_the_same_words(text, capsys):
    udfs = pytest.importorskip("sizing_xl.udfs")
    with pytest.raises(SystemExit, match=str(EXIT_INPUT)):
        run([*SIZING, "--runtime-overhead-gib", text])
    flag_says = one_line(capsys).split("--runtime-overhead-gib: ", 1)[1].split(" (see")[0]
    cell = udfs.SIZING_NODES_FINAL(*CELLS, None, None, None, text)
    assert cell == f"ERROR: runtime_overhead_gib: {flag_says}"


@pytest.mark.parametrize(
    ("value", "says"),
    [
        (True, "node_price_usd: expected a number, got TRUE"),
        ("1_000", "node_price_usd: expected a finite number in ASCII digits, got '1_000'"),
        ("１０００", "node_price_usd: expected a finite number in ASCII digits, got '１０００'"),
        ("10.5", "prompt_tokens: expected a whole number in ASCII digits, got '10.5'"),
    ],
)
def test_an_option_is_read_by_the_same_parser(value, says):
    udfs = pytest.importorskip("sizing_xl.udfs")
    key = says.split(":", 1)[0]
    cell = udfs.SIZING_NODES_FINAL(*CELLS, options=[[key, value]])
    assert cell == f"ERROR: {says}"


def test_excels_floats_and_blank_cells_still_size():
    udfs = pytest.importorskip("sizing_xl.udfs")
    options = [["node_price_usd", 300000.0], ["prompt_tokens", 4096.0], ["pue", None]]
    assert isinstance(udfs.SIZING_NODES_FINAL(*CELLS, options=options), int)


LLAMA_CONFIG = REPO / "tests" / "data" / "configs" / "llama-3.1-8b" / "config.json"


def test_a_pasted_row_holds_no_formula(tmp_path, capsys):
    """Config text such as '=1+1' gets Excel's quote prefix, as the workbook writers give it."""
    config = json.loads(LLAMA_CONFIG.read_text("utf-8")) | {"architectures": ["=1+1"]}
    path = tmp_path / "m" / "config.json"
    path.parent.mkdir()
    path.write_text(json.dumps(config), "utf-8")
    assert run(["model-from-config", str(path), "--name", "@m", "--format", "row"]) == 0
    cells = capsys.readouterr().out.splitlines()[1].split("\t")
    assert "'=1+1" in cells and "'@m" in cells
    assert not any(c.startswith(("=", "+", "-", "@")) for c in cells)


@pytest.mark.parametrize("flag", ["--output-json-file", "--output-markdown-file", "--catalog-dir"])
def test_a_long_path_is_cut_so_the_reason_stays_on_the_line(flag, tmp_path, capsys):
    long = str(tmp_path / ("d" * 240) / ("e" * 240) / "out.json")
    code = run([*SEED_FLAGS, flag, long])
    line = one_line(capsys)
    assert code in (EXIT_CATALOG, EXIT_OUTPUT) and not line.endswith("…\n"), line
    assert "…" in line and len(line) < 300 and "/out.json" in line


def test_a_long_policy_is_cut_in_the_message(capsys):
    assert run([*SEED_FLAGS, "--policy", "x" * 500 + "=1"]) == EXIT_INPUT
    assert "x" * 80 not in one_line(capsys)


@pytest.mark.parametrize("mark", ["\u202e", "\u202a", "\u2066", "\u2069", "\u200e", "\u200f"])
def test_bidirectional_controls_are_refused_in_catalog_text(mark, tmp_path, capsys):
    body = {"fast": {"read_gbps": 1, "p99_latency_ms": 1, "source": f"exe{mark}txt.json"}}
    line = catalog_run(tmp_path, "storage.json", body, capsys)
    code = mark.encode("unicode_escape").decode()
    assert f"storage.json: storage profile 'fast': source: holds the character {code}" in line


def test_an_unreachable_ttft_slo_is_named_as_the_reason():
    udfs = pytest.importorskip("sizing_xl.udfs")
    cell = udfs.SIZING_NODES_FINAL(*CELLS, options=[["max_ttft_seconds", 0.001]])
    assert cell.startswith("INFEASIBLE: no node meets the TTFT SLO (prefill takes")


def test_a_config_without_a_name_is_named_after_its_folder_only_when_one_is_given(
    tmp_path, monkeypatch, capsys
):
    folder = tmp_path / "my-model"
    folder.mkdir()
    (folder / "config.json").write_text(LLAMA_CONFIG.read_text("utf-8"), "utf-8")
    assert run(["model-from-config", str(folder / "config.json")]) == 0
    assert '"my-model"' in capsys.readouterr().out
    monkeypatch.chdir(folder)  # 'config.json' alone names no folder: not the directory's name
    assert run(["model-from-config", "config.json"]) == EXIT_INPUT
    assert "--name: the config names no model" in one_line(capsys)
    udfs = pytest.importorskip("sizing_xl.udfs")
    cell = udfs.SIZING_MODEL_FROM_CONFIG(LLAMA_CONFIG.read_text("utf-8"))
    assert cell == "ERROR: name: the config names no model (no _name_or_path): give a name"


def test_a_server_named_twice_in_any_case_is_compared_once(capsys):
    argv = ["compare", *SIZING[:2], *SIZING[4:], "--servers", "dgx300,DGX300", "--format", "json"]
    assert run(argv) == 0
    assert len(json.loads(capsys.readouterr().out)["servers"]) == 1


def test_every_output_path_is_checked_before_any_is_written(tmp_path, capsys):
    first, second = tmp_path / "a.json", tmp_path / "a.md"
    argv = ["--output-json-file", str(first), "--output-markdown-file", str(second)]
    assert run([*SEED_FLAGS, *argv, "--output-xlsx", str(tmp_path / "board.txt")]) == EXIT_INPUT
    assert "--output-xlsx: expected a .xlsx file name" in one_line(capsys)
    assert list(tmp_path.iterdir()) == []


def test_a_grid_wider_than_excel_is_refused_before_anything_is_written(tmp_path, capsys):
    target = tmp_path / "wide.xlsx"
    flags = ["sweep", *SEED_FLAGS, "--vary", "effective-context=8192,16384"]
    flags += ["--vary", "concurrency=1..20000", "--output-xlsx", str(target), "--format", "csv"]
    assert run(flags) == 2
    out, err = capsys.readouterr()
    assert out == "" and not target.exists() and "past Excel's 16,384 columns" in err
