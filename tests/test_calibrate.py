"""`sizing calibrate` on public start-up logs: every format read, and entries that size back."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from sizing_xl.calibrate import parse_vllm_log, read_vllm_log
from sizing_xl.capacity import plan_capacities
from sizing_xl.catalog.loading import load_catalog
from sizing_xl.cli import run
from sizing_xl.cli.common import EXIT_INPUT
from sizing_xl.config_import import model_from_config
from sizing_xl.errors import InputError
from sizing_xl.methods import vllm
from sizing_xl.methods.defaults import vllm_release
from sizing_xl.request import make_request
from sizing_xl.scenarios import size
from tests.conftest import fidelity_module

DATA = Path(__file__).parent / "data"
LOGS = DATA / "engine_logs"
CASES = json.loads((LOGS / "index.json").read_text("utf-8"))


def _usable(gpu: str | None) -> float | None:
    return fidelity_module().gpu_of(gpu)["usable_gib"]


def _sized_back_cases() -> list[dict]:
    """v1 start-ups with a config, a logged KV token count and every stage's KV memory logged
    (v0.19 pipeline logs print the first stage's only, while the last one binds)."""
    out = []
    for case in CASES:
        if case["engine"] != "vllm" or case.get("engine_core") == "v0" or not case["config"]:
            continue
        if not case["reported"].get("kv_tokens") or case.get("data_parallel", 1) not in (1, None):
            continue
        text = (LOGS / f"{case['id']}.log").read_text("utf-8")
        if "Available KV cache memory" not in text:
            continue  # a KV token count alone: nothing to calibrate from
        config = json.loads((DATA / "configs" / case["config"] / "config.json").read_text())
        if any("does not model yet" in w for w in model_from_config(config, name="m").warnings):
            continue  # a layer layout the entries cannot express (Llama 4's chunked attention)
        if _usable(case.get("gpu")) is None and "total" not in text:
            continue  # neither the log nor gpus.json says how much memory its GPUs have
        stages = text.count("Available KV cache memory")
        if case["pipeline_parallel"] > 1 and stages < case["pipeline_parallel"]:
            continue
        out.append(case)
    return out


@pytest.mark.parametrize("case", _sized_back_cases(), ids=lambda c: c["id"])
def test_calibrated_entries_size_back_to_the_logs_kv_tokens(case, tmp_path, capsys):
    config = json.loads((DATA / "configs" / case["config"] / "config.json").read_text())
    imported = model_from_config(config, name="logged-model")
    tp, pp = case["tensor_parallel"], case["pipeline_parallel"]
    server = {
        "vendor": "-",
        "family": "-",
        "gpu": "-",
        "gpus_per_node": tp * pp,
        "hbm_per_gpu_gb": 80,
        "source": "test",
    }
    usable = _usable(case.get("gpu"))
    if usable is not None:
        server["usable_gib_per_gpu"] = usable
    (tmp_path / "models.json").write_text(json.dumps({"logged-model": imported.entry}))
    (tmp_path / "servers.json").write_text(json.dumps({"logged-gpu": server}))
    log = LOGS / f"{case['id']}.log"
    args = ["calibrate", "--vllm-log", str(log), "--model", "logged-model"]
    args += ["--server", "logged-gpu", "--catalog-dir", str(tmp_path), "--format", "json"]
    code = run(args)
    out, err = capsys.readouterr()
    assert code == 0, err
    doc = json.loads(out)
    parsed = read_vllm_log(log)
    catalog = load_catalog([tmp_path])
    request = make_request(
        model="logged-model-calibrated",
        server="logged-gpu-calibrated",
        concurrency=1,
        effective_context=int(parsed.max_model_len or 4096),
        method="vllm",
        tensor_parallel=tp,
        pipeline_parallel=pp,
        kv_precision=doc["log"]["kv_precision"],
        block_size=case["flags"].get("block_size"),
    )
    size(request, catalog)  # the entries size without complaint
    # the log's own figure: its release's reporting (tokens from the concurrency from v0.22,
    # the batches in flight a sliding group is charged) on the calibrated pool
    figures = vllm.startup_figures(
        plan_capacities(request, catalog).ctx.base,
        max_model_len=request.effective_context,
        release=vllm_release(parsed.version),
        runner_v2=fidelity_module().runner_v2(case["flags"]),
    )
    tokens = figures.kv_cache_tokens
    logged = case["reported"]["kv_tokens"]
    # vLLM sizes from the smallest rank; where the log prints fewer ranks than ran, the
    # smallest may be unseen (Qwen3-235B-FP8 at TP 4 prints one rank: 1.1 % apart)
    ranks = (LOGS / f"{case['id']}.log").read_text("utf-8").count("Available KV cache memory")
    tolerance = 0.005 if ranks >= tp * pp or tp * pp == 1 else 0.015
    assert tokens == pytest.approx(logged, rel=tolerance), (tokens, logged)


def test_enough_logs_are_sized_back():
    assert len(_sized_back_cases()) >= 15


def test_a_failed_start_up_with_negative_memory_is_read():
    log = parse_vllm_log(
        "Model loading took 61.03 GiB\nAvailable KV cache memory: -24.42 GiB\n"
        "Available KV cache memory: -24.40 GiB\n"
    )
    assert log.available_gib == -24.42 and log.weights_gib == 61.03


@pytest.mark.parametrize(
    ("line", "tp", "pp"),
    [
        ("vllm serve m --tensor_parallel_size 2", 2, None),
        ("vllm serve m --tensor-parallel-size=4 --pipeline-parallel-size 2", 4, 2),
        ("vllm serve m --tensor_parallel 2", 2, None),  # argparse takes the prefix
        ("vllm serve m -tp 8 -pp 2", 8, 2),
        ("... tensor_parallel_size=2, pipeline_parallel_size=4, ...", 2, 4),
    ],
)
def test_parallel_sizes_in_any_spelling(line, tp, pp):
    log = parse_vllm_log(f"{line}\nModel loading took 1 GiB\nAvailable KV cache memory: 5 GiB\n")
    assert log.tensor_parallel == tp and log.pipeline_parallel == pp


@pytest.mark.parametrize(
    "command",
    [
        "vllm serve Qwen/Qwen3-8B --trust-remote-code --dtype float32",
        "vllm serve \\\n  Qwen/Qwen3-8B \\\n  --dtype=float32",
        "vllm serve --trust-remote-code --model Qwen/Qwen3-8B --dtype float32",
    ],
)
def test_the_model_is_not_a_flag_and_fp32_is_kept(command):
    log = parse_vllm_log(f"{command}\nAvailable KV cache memory: 5 GiB\n")
    assert log.model == "Qwen/Qwen3-8B" and log.kv_precision == "fp32"


def test_pipeline_stages_size_from_the_smallest_and_weights_average():
    log = parse_vllm_log(
        "(PP0) Model loading took 3.77 GiB\n(PP1) Model loading took 4.75 GiB\n"
        "(PP1) Available KV cache memory: 28.73 GiB\n(PP0) Available KV cache memory: 31.22 GiB\n"
    )
    assert log.available_gib == 28.73 and log.weights_gib == pytest.approx(4.26)


def test_v019_debug_lines_give_total_utilisation_and_weights_without_a_loading_line():
    log = parse_vllm_log(
        "worker init memory snapshot: torch_peak=0.01GiB, free_memory=77.66GiB, "
        "total_memory=79.19GiB, cuda_memory=1.53GiB, torch_memory=0.02GiB, "
        "non_torch_memory=1.51GiB\n"
        "Initial free memory: 77.66 GiB; Requested memory: 0.950000 (util), 75.23 GiB\n"
        "Memory profiling takes 35.86 seconds. Total non KV cache memory: 72.19GiB; torch peak "
        "memory increase: 2.29GiB; non-torch forward increase memory: 2.09GiB; weights memory: "
        "67.8GiB.\nAvailable KV cache memory: 3.04 GiB\n"
    )
    assert (log.total_gib, log.utilization, log.weights_gib) == (79.19, 0.95, 67.8)
    assert log.logged_overhead_gib == pytest.approx(2.29 + 2.09)
    itemised = parse_vllm_log(
        "Total non KV cache memory: 72.19GiB; torch peak memory increase: 2.29GiB; non-torch "
        "forward increase memory: 2.09GiB;\nAvailable KV cache memory: 3.04 GiB\n"
    )
    assert itemised.weights_gib == pytest.approx(67.81)


def test_a_log_without_utilisation_gets_its_own_releases_default(tmp_path, capsys):
    log = tmp_path / "v092.log"
    log.write_text(
        "INFO 06-10 10:57:46 [core.py:69] Initializing a V1 LLM engine (v0.9.2) with config: "
        "model='Qwen/Qwen3-8B', tensor_parallel_size=1\n"
        "Model loading took 15.2683 GiB\nAvailable KV cache memory: 18.69 GiB\n"
    )
    assert run(["calibrate", "--vllm-log", str(log), "--server", "dgx-h100"]) == 0
    out = capsys.readouterr().out
    assert "utilisation 0.9 (not logged: the default of vLLM v0.9.2" in out


def test_a_log_from_another_gpu_is_a_warning(capsys):
    log = DATA / "vllm_logs" / "llama31-8b-rtx3090.log"
    assert run(["calibrate", "--vllm-log", str(log), "--server", "dgx-h100"]) == 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "warning" in err and "23.58 GiB" in err


@pytest.mark.parametrize(
    "text",
    [
        "tensor_parallel_size=" + "9" * 400 + "\nAvailable KV cache memory: 5 GiB\n",
        "Available KV cache memory: " + "9" * 400 + " GiB\n",
        "total_gpu_memory (0GiB)\nAvailable KV cache memory: 5 GiB\n",
    ],
)
def test_figures_past_any_real_start_up_are_one_line(text):
    with pytest.raises(InputError, match="beyond any real start-up"):
        parse_vllm_log(text)


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_endless_and_special_files_are_refused_without_reading_them(tmp_path, capsys):
    assert run(["calibrate", "--vllm-log", "/dev/zero"]) == EXIT_INPUT
    assert "character device" in capsys.readouterr().err
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    assert run(["calibrate", "--vllm-log", str(fifo)]) == EXIT_INPUT
    assert "FIFO" in capsys.readouterr().err
    big = tmp_path / "big.log"
    with big.open("wb") as handle:
        handle.truncate(65 * 2**20)
    assert run(["calibrate", "--vllm-log", str(big)]) == EXIT_INPUT
    assert "larger than" in capsys.readouterr().err


def test_a_v0_log_with_blocks_only_says_what_it_lacks():
    with pytest.raises(InputError, match="v0-engine log that gives GPU blocks"):
        parse_vllm_log(
            "INFO 05-02 10:01:02 gpu_executor.py:83] # GPU blocks: 13248, # CPU blocks: 2048\n"
        )
