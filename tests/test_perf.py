"""The step-time model: physical properties, measured accuracy pinned, the fit never reads the
held-out points, and `sizing perf`'s faces."""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sizing_xl import load_catalog, make_request, size
from sizing_xl.cli import run
from sizing_xl.planning.perf import perf_curve
from sizing_xl.step_time import (
    estimate_step,
    experts_reached,
    perf_accuracy,
    perf_constants,
    replica_step,
    weights_read_fraction,
)

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"
sys.path.insert(0, str(SCRIPTS))

import fidelity  # noqa: E402
import fit_perf  # noqa: E402
import perf_points  # noqa: E402

CATALOG = load_catalog()
CASES = [  # (model, server, TP)
    ("llama-3.1-8b", "dgx-h100", 1),
    ("llama-3.1-70b", "dgx-h200", 4),
    ("gpt-oss-120b", "dgx-b200", 1),
    ("deepseek-v3", "mi300x-8", 8),
    ("qwen3-235b-a22b", "dgx-h100", 8),
]


def estimate(model, server, tp, *, isl=1024, osl=1024, n=16, server_spec=None):
    m, s = CATALOG.model(model), server_spec or CATALOG.server(server)
    weights = perf_curve(
        model=model,
        server=server,
        input_tokens=isl,
        output_tokens=osl,
        concurrencies=[1],
        tensor_parallel=tp,
    )
    return estimate_step(
        model=m,
        server=s,
        weights_bytes=weights.weights_gib * 2**30,
        weights_precision=weights.weights_precision,
        tensor_parallel=tp,
        kv_bytes_per_element=2,
        input_tokens=isl,
        output_tokens=osl,
        concurrency=n,
        max_batch=weights.kv_sessions,
    )


@pytest.mark.parametrize(("model", "server", "tp"), CASES)
def test_more_sessions_never_raise_per_user_throughput(model, server, tp):
    rates = [
        estimate(model, server, tp, n=n).tokens_per_second_per_user
        for n in (1, 2, 8, 32, 128, 512, 4096)
    ]
    assert rates == sorted(rates, reverse=True)


@pytest.mark.parametrize(("model", "server", "tp"), CASES)
def test_a_longer_context_never_makes_a_step_faster(model, server, tp):
    """At the same batch; where a longer context leaves the KV pool fewer sessions than the
    load, the batch shrinks and the rest queue: their first token comes later, not sooner."""
    for n in (1, 64):
        steps = [estimate(model, server, tp, isl=isl, n=n) for isl in (128, 1024, 8192, 32768)]
        whole = [e for e in steps if e.queued == 0]
        assert [e.tpot_ms for e in whole] == sorted(e.tpot_ms for e in whole)
        assert [e.ttft_ms for e in steps] == sorted(e.ttft_ms for e in steps)
        assert [e.batch for e in steps] == sorted((e.batch for e in steps), reverse=True)


@pytest.mark.parametrize(("model", "server", "tp"), CASES)
@pytest.mark.parametrize(
    "faster",
    ["hbm_bandwidth_tbps_per_gpu", "bf16_dense_tflops_per_gpu", "fp8_dense_tflops_per_gpu"],
)
def test_a_faster_gpu_never_gives_a_slower_step(model, server, tp, faster):
    spec = CATALOG.server(server)
    quicker = replace(spec, **{faster: getattr(spec, faster) * 1.5})
    for n in (1, 64, 1024):
        slow = estimate(model, server, tp, n=n)
        fast = estimate(model, server, tp, n=n, server_spec=quicker)
        assert fast.tpot_ms <= slow.tpot_ms and fast.ttft_ms <= slow.ttft_ms


def test_a_moe_step_at_one_session_reads_about_its_active_weights_not_all():
    one = estimate("deepseek-v3", "dgx-h200", 8, n=1)
    full = estimate("deepseek-v3", "dgx-h200", 8, n=512)
    assert one.weights_ms < 0.15 * full.weights_ms


def test_the_held_out_error_is_pinned_and_perf_json_states_it_as_measured_now():
    rows = [perf_points.size_point(p) for p in perf_points.load_points()]
    held = [r for r in rows if r.point["set"] == "held-out"]
    tpot = [r.tpot_ratio for r in held]
    ttft = [t for r in held if (t := r.ttft_ratio) is not None and r.estimate.queued == 0]
    a = perf_accuracy()
    assert a.held_out_points == len(held) >= 30
    assert a.tokens_per_second_per_user_factor == round(perf_points.geo_mean(tpot), 2)
    assert a.ttft_factor == round(perf_points.geo_mean(ttft), 2)
    # today's accuracy as bounds (issue 19's goal: 1.25x, none beyond 2x; TTFT 1.5x)
    assert a.tokens_per_second_per_user_factor <= 1.25
    assert a.tokens_per_second_per_user_worst <= 3.2
    assert a.ttft_factor <= 1.65
    before = [p["tpot_ms"] / perf_points.roofline_tpot_ms(p) for p in perf_points.load_points()]
    assert perf_points.geo_mean(before) > 2 * a.tokens_per_second_per_user_factor - 1


def test_a_tp_group_across_nodes_pays_nccls_all_reduce_on_points_it_was_not_fitted_on():
    """TP 16 over two 8-GPU nodes: the engines' custom all-reduce is off across nodes and NCCL
    runs over the network. Fitted on one point of each of two sources (Qwen2.5-72B under vLLM,
    DeepSeek-R1 under SGLang), the latency holds on the held-out TP 16 points."""
    across = [
        perf_points.size_point(p)
        for p in perf_points.load_points()
        if p["tp"] > 8 and p["server"] == "dgx-h100"
    ]
    held = [r for r in across if r.point["set"] == "held-out"]
    assert len(held) >= 4 and {r.point["engine"] for r in across} == {"sglang", "vllm"}
    assert all(1 / 1.15 < r.tpot_ratio < 1.15 for r in held), [r.tpot_ratio for r in held]
    c = perf_constants()
    assert c.internode_allreduce_latency_us > 2 * c.allreduce_latency_us


def test_an_moe_prefill_pays_for_each_expert_its_prompt_reaches():
    """One token reaches top-k experts a layer, a long prompt nearly all of them; a dense model
    pays nothing; a longer prompt never prefills faster."""
    catalog = load_catalog()
    moe, dense = catalog.model("deepseek-v3"), catalog.model("llama-3.1-70b")
    k, experts = moe.experts_per_token, moe.num_experts
    assert experts_reached(moe, 1) == pytest.approx(k)
    assert experts_reached(moe, 100_000) == pytest.approx(experts)
    assert experts_reached(dense, 4096) == 0
    server, c = catalog.server("dgx-b200"), perf_constants()
    args = dict(
        model=moe, server=server, weights_bytes=671e9, weights_precision="fp8",
        tensor_parallel=8, kv_bytes_per_session=1e8, context_tokens=2048,
    )  # fmt: skip
    steps = [replica_step(**args, prompt_tokens=p) for p in (1, 16, 256, 4096)]
    prefills = [s.prefill_ms for s in steps if s is not None]
    assert prefills == sorted(prefills) and len(prefills) == 4
    added = moe.num_layers * (experts_reached(moe, 16) - k) * c.expert_prefill_overhead_us / 1e3
    assert prefills[1] - prefills[0] >= added * (1 - 1e-9)


def test_a_step_across_nodes_is_never_faster_than_within_one():
    """The same replica with its TP group split over nodes (a server of fewer GPUs per node)
    takes at least as long a step: the network's all-reduce is the slower one."""
    catalog = load_catalog()
    model, server = catalog.model("llama-3.1-70b"), catalog.server("dgx-h100")
    split = replace(server, gpus_per_node=4)
    args = dict(
        model=model, weights_bytes=140e9, weights_precision="bf16", tensor_parallel=8,
        kv_bytes_per_session=1e9, context_tokens=8192, prompt_tokens=1024,
    )  # fmt: skip
    inside, across = replica_step(server=server, **args), replica_step(server=split, **args)
    assert inside is not None and across is not None
    assert across.communication_ms > inside.communication_ms
    assert across.step_ms(16) > inside.step_ms(16)


def test_the_pinned_points_span_gpus_engines_dense_and_moe_and_loads():
    points = perf_points.load_points()
    assert len(points) >= 40
    assert len({p["server"] for p in points}) >= 4
    assert {"vllm", "sglang"} <= {p["engine"].split()[0] for p in points}
    moe = {bool(perf_points.model_of(p["model"]).num_experts) for p in points}
    assert moe == {True, False}
    loads = [p["concurrency"] for p in points]
    assert min(loads) == 1 and max(loads) >= 128
    assert all(p["source"] and p["quote"] for p in points)


UNSCORED_THIRD = ("lengths not measured", "memory settings not stated", "an inconsistent row")


def test_expert_parallel_points_are_listed_with_their_reason_and_in_no_figure(capsys):
    """Runs with expert parallel or data-parallel attention (not in the step-time model yet) are
    pinned as "not-scored" evidence, each EP point beside its same-source comparison without EP:
    `fidelity.py --perf` lists them after the figures; no figure, fit or accuracy reads them."""
    listed = perf_points.not_scored_points()
    ids = {p["id"] for p in listed}
    parallel = {p["id"] for p in listed if p["ep"] > 1 or p["dp"] > 1}
    assert len(parallel) >= 2
    # the cookbook's two MI300X runs first pinned as plain TP 8: DP attention (and EP) in fact
    assert {"a036", "a037"} <= parallel
    for p in listed:
        assert p["set"] == "not-scored" and p["not_scored"] and p["source"] and p["quote"]
        assert p["tpot_ms"] > 0 and p["concurrency"] >= 1
        if p["id"] in parallel:
            assert "not in the step-time model" in p["not_scored"], p["id"]
        elif p["id"][0] in "uv":  # the third collection: what its source leaves unmeasured
            assert p["not_scored"].startswith(UNSCORED_THIRD), p["id"]
        else:  # a comparison point names the EP point it stands beside
            assert set(re.findall(r"\b[a-z]\d{3}\b", p["not_scored"])) & parallel, p["id"]
    scored = perf_points.load_points()
    assert not ids & {p["id"] for p in scored}
    assert {p["set"] for p in scored} == {"fit", "held-out", "unseen"}
    # the accuracy perf.json states (written by fit_perf) is that of the scored points alone
    doc = json.loads(fit_perf.PERF.read_text("utf-8"))
    assert fit_perf.accuracy(perf_constants()) == doc["accuracy"]
    fidelity.perf_table(summary_only=True)
    figures, block = capsys.readouterr().out.split("listed, not scored")
    assert f"{'roofline before it':24} {len(scored):>3} points" in figures
    assert not any(re.search(rf"\b{i}\b", figures) for i in ids)
    assert all(f"{p['id']} " in block and p["not_scored"] in block for p in listed)


def test_the_fit_reproduces_perf_json_and_never_reads_the_held_out_points(monkeypatch, capsys):
    fitted = perf_constants()
    every = perf_points.load_points()
    blanked = [p if p["set"] == "fit" else {**p, "tpot_ms": 1e6, "ttft_ms": 1e6} for p in every]
    monkeypatch.setattr(fit_perf, "load_points", lambda: blanked)
    monkeypatch.setattr(sys, "argv", ["fit_perf.py"])
    assert fit_perf.main() == 0
    printed = json.loads(capsys.readouterr().out.split("\nfit points")[0])
    for key in fit_perf.DECODE | fit_perf.PREFILL:
        assert printed[key] == pytest.approx(getattr(fitted, key), rel=1e-3), key


def test_the_unseen_points_enter_the_table_and_nothing_a_face_states(monkeypatch, capsys):
    """The third collection (gathered after the fit): fidelity.py --perf prints its error; the
    accuracy every face states, and the GPUs it calls measured, rest on the fit and held-out
    points alone (blanking the unseen ones changes neither)."""
    every = perf_points.load_points()
    unseen = [p for p in every if p["set"] == "unseen"]
    assert len(unseen) >= 40 and {"vllm", "sglang"} <= {p["engine"] for p in unseen}
    assert all(p["id"][0] in "uv" and p["source"] and p["quote"] for p in unseen)
    stated = fit_perf.accuracy(perf_constants())
    blanked = [{**p, "tpot_ms": 1e6, "server": "dgx300"} if p in unseen else p for p in every]
    monkeypatch.setattr(fit_perf, "load_points", lambda: blanked)
    assert fit_perf.accuracy(perf_constants()) == stated
    fidelity.perf_table(summary_only=True)
    table = capsys.readouterr().out
    assert re.search(rf"\n  unseen +{len(unseen)} points  per-user tokens/s \d", table)


def test_perf_prints_the_curve_and_how_far_to_trust_it(capsys):
    flags = [
        "perf", "--model", "llama-3.1-70b", "--server", "dgx-h100", "--tensor-parallel", "8",
        "--input-tokens", "1024", "--output-tokens", "1024", "--lang", "en",
    ]  # fmt: skip
    assert run([*flags, "--concurrency", "1,64,512"]) == 0
    text = capsys.readouterr().out
    assert "per-user tokens/s is typically 1.20×" in text and "TTFT" in text
    rows = [line.split() for line in text.splitlines()[-3:]]
    assert [r[0] for r in rows] == ["1", "64", "512"]
    assert run([*flags, "--concurrency", "1,64", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [p["concurrency"] for p in doc["points"]] == [1, 64]
    assert doc["accuracy"]["outside_measured"] == []
    assert (
        doc["points"][0]["tokens_per_second_per_user"]
        > doc["points"][1]["tokens_per_second_per_user"]
    )
    assert run([*flags, "--concurrency", "8", "--format", "csv"]) == 0
    (row,) = csv.DictReader(io.StringIO(capsys.readouterr().out))
    assert row["concurrency"] == "8" and float(row["tpot_ms"]) > 0


def test_perf_says_when_it_extrapolates_past_what_was_measured(capsys):
    flags = ["perf", "--model", "opt-oss-120b", "--server", "dgx300", "--concurrency", "1"]
    assert run([*flags, "--input-tokens", "1000", "--output-tokens", "100", "--lang", "en"]) == 0
    assert "ℹ Outside what was measured: no measured point on the B300 GPU" in (
        capsys.readouterr().out
    )


def test_mi325x_runs_the_mi300x_chip_and_carries_its_fixed_costs_unmeasured(capsys):
    """perf.json overhead_factor_same_as: the MI325X is the MI300X's compute die on the same
    software, so its fixed costs carry the MI300X's fitted factor (a step about as slow at one
    session, a little faster where its bandwidth counts); the faces still say that no MI325X
    point was measured."""
    c = perf_constants()
    assert c.overhead_factors()["MI325X"] == c.overhead_factor_by_gpu["MI300X"] > 1
    assert c.overhead_factor_same_as_source
    assert "MI325X" not in perf_accuracy().measured_gpus
    mi300x = estimate("llama-3.1-70b", "mi300x-8", 8, n=1)
    mi325x = estimate("llama-3.1-70b", "mi325x-8", 8, n=1)
    assert mi325x.overhead_ms == mi300x.overhead_ms
    assert mi325x.communication_ms == mi300x.communication_ms
    assert 0.8 * mi300x.tpot_ms < mi325x.tpot_ms <= mi300x.tpot_ms
    flags = ["perf", "--model", "llama-3.1-70b", "--server", "mi325x-8", "--concurrency", "1"]
    flags += ["--tensor-parallel", "8", "--input-tokens", "1000", "--output-tokens", "100"]
    assert run([*flags, "--lang", "en"]) == 0
    assert "no measured point on the MI325X GPU" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        (["--concurrency", "0"], "--concurrency"),
        (["--concurrency", "1,x"], "--concurrency"),
        (["--concurrency", ",".join(["1"] * 201)], "at most 200"),
        (["--concurrency", "1", "--model", "llama-3.1-7b"], "did you mean"),
        (["--concurrency", "1", "--tensor-parallel", "3"], "tensor"),
        (["--concurrency", "1", "--input-tokens", "0"], "--input-tokens"),
    ],
)
def test_perf_refuses_bad_input_in_one_line(capsys, extra, words):
    flags = ["perf", "--model", "llama-3.1-8b", "--server", "dgx-h100"]
    flags += ["--input-tokens", "100", "--output-tokens", "100"]
    code = run([*flags, *extra])
    err = capsys.readouterr().err
    assert code == 2 and words in err and len(err.strip().splitlines()) == 1, err


@pytest.mark.parametrize("lang", ["en", "pt-BR"])
def test_perf_draws_the_interactivity_curve_in_a_workbook(tmp_path, capsys, lang):
    from openpyxl import load_workbook

    target = tmp_path / "perf.xlsx"
    flags = ["perf", "--model", "llama-3.1-70b", "--server", "dgx-h100", "--tensor-parallel"]
    flags += ["8", "--input-tokens", "1024", "--output-tokens", "1024", "--lang", lang]
    assert run([*flags, "--concurrency", "1,64,512", "--output-xlsx", str(target)]) == 0
    capsys.readouterr()
    assert run([*flags, "--concurrency", "1,64,512", "--format", "json"]) == 0
    points = json.loads(capsys.readouterr().out)["points"]
    ws = load_workbook(target).worksheets[0]
    rows = [r for r in ws.iter_rows(min_row=5, values_only=True) if isinstance(r[0], int)]
    assert [r[0] for r in rows] == [1, 64, 512]
    assert [r[5] for r in rows] == pytest.approx([p["tokens_per_second_per_user"] for p in points])
    assert [r[6] for r in rows] == pytest.approx([p["tokens_per_second_per_gpu"] for p in points])
    assert len(ws._charts) == 1
    bad = tmp_path / "perf.txt"
    assert run([*flags, "--concurrency", "1", "--output-xlsx", str(bad)]) == 2
    assert not bad.exists()


def test_sizing_perf_gives_the_cli_s_figures_in_a_cell(capsys):
    from sizing_xl.udfs import SIZING_PERF

    flags = ["perf", "--model", "llama-3.1-70b", "--server", "dgx-h100", "--tensor-parallel"]
    flags += ["8", "--input-tokens", "1024", "--output-tokens", "1024", "--concurrency", "64"]
    assert run([*flags, "--format", "json"]) == 0
    (point,) = json.loads(capsys.readouterr().out)["points"]
    args = ("llama-3.1-70b", "dgx-h100", 64.0, 1024.0, 1024.0, 8.0)
    for figure in ("tokens_per_second_per_user", "tokens_per_second_per_gpu", "tpot_ms", "ttft_ms"):
        assert SIZING_PERF(figure, *args) == pytest.approx(point[figure])
    assert SIZING_PERF("bound", *args) == point["bound"]
    assert SIZING_PERF("tpot_ms", *args[:5], 3.0).startswith("ERROR: tensor_parallel:")
    assert SIZING_PERF("tpot_ms", *args, "seed").startswith("ERROR: engine:")


@pytest.mark.parametrize(("model", "tp"), [("llama-3.1-8b", 1), ("llama-3.1-70b", 8)])
def test_a_sizing_at_a_benchmark_s_workload_gives_sizing_perf_s_figures(model, tp):
    """One model on both faces: a sizing whose sessions hold a benchmark's mean context
    (ISL + OSL / 2 of ISL + OSL) and whose requests are ISL in, OSL out gives, at full load,
    the TPOT and TTFT `sizing perf` estimates at that batch."""
    isl, osl = 1024, 1024
    result = size(
        make_request(
            model=model,
            server="dgx-h100",
            concurrency=500,
            effective_context=isl + osl,
            context_fill=(isl + osl // 2) / (isl + osl),
            prompt_tokens=isl,
            output_tokens=osl,
            tensor_parallel=tp,
        ),
        CATALOG,
    )
    t = result.scenario("recommended").throughput
    estimate = estimate_step(
        model=result.model,
        server=result.server,
        weights_bytes=result.deployment.weights.gib * 2**30,
        weights_precision=result.deployment.weights.precision,
        tensor_parallel=tp,
        kv_bytes_per_element=1,  # fp8 KV, the sizing's default
        input_tokens=isl,
        output_tokens=osl,
        concurrency=t.sessions_per_replica,
    )
    assert estimate.batch == t.sessions_per_replica and estimate.queued == 0
    assert t.time_per_output_token_ms == pytest.approx(estimate.tpot_ms, rel=1e-9)
    assert t.ttft_seconds * 1e3 == pytest.approx(estimate.ttft_ms, rel=1e-9)
    assert t.step_bound == estimate.bound


@settings(max_examples=200, deadline=None)
@given(
    case=st.sampled_from(CASES),
    context=st.sampled_from([512, 4096, 32768]),
    osl=st.sampled_from([None, 64, 1024]),
    upper=st.integers(1, 2000),
    rate=st.floats(1, 300),
    ttft=st.one_of(st.none(), st.floats(0.05, 30)),
)
def test_the_slo_batch_meets_its_targets_and_a_dense_one_is_the_largest(
    case, context, osl, upper, rate, ttft
):
    """ReplicaStep.max_batch never overstates (its batch meets TPOT and TTFT); for a dense
    model, whose step is linear in the batch, one more session misses a target."""
    model, server, tp = case
    m, srv = CATALOG.model(model), CATALOG.server(server)
    weights = perf_curve(
        model=model,
        server=server,
        input_tokens=context,
        output_tokens=osl or 1,
        concurrencies=[1],
        tensor_parallel=tp,
    )
    replica = replica_step(
        model=m,
        server=srv,
        weights_bytes=weights.weights_gib * 2**30,
        weights_precision=weights.weights_precision,
        tensor_parallel=tp,
        kv_bytes_per_session=context * 100_000,
        context_tokens=context,
        prompt_tokens=context,
    )
    tpot, ttft_ms = 1e3 / rate, None if ttft is None else ttft * 1e3
    batch = replica.max_batch(upper, output_tokens=osl, tpot_ms=tpot, ttft_ms=ttft_ms)
    assert 0 <= batch <= upper

    def meets(b: int) -> bool:
        late = ttft_ms is not None and replica.ttft_ms(b) > ttft_ms * (1 + 1e-9)
        return replica.tpot_ms(b, osl) <= tpot * (1 + 1e-9) and not late

    if batch:
        assert meets(batch)
    if weights_read_fraction(m, 1) == 1 and batch < upper:
        assert not meets(batch + 1)
