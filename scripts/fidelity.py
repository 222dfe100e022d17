#!/usr/bin/env python3
"""Accuracy of the engine methods against public start-up logs, from the model alone.

Each case in tests/data/engine_logs/index.json is a public vLLM or SGLang start-up (its source
beside it). The model comes from its config.json (tests/data/configs, read by
`sizing model-from-config`'s importer), the GPU's memory from gpus.json, and the engine flags from
the launch command, read with the defaults of the log's own vLLM release (engines.json
`releases`; an unnamed release gets the one sizings use); the log's own figures (weights, memory,
KV) are only compared against.

    python scripts/fidelity.py            # per case and summary
    python scripts/fidelity.py --summary  # the summary lines the README quotes
    python scripts/fidelity.py --perf     # the step-time model against measured benchmarks
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
from dataclasses import dataclass
from pathlib import Path

import _checkout  # noqa: F401  (this checkout's sizing_xl, installed or not)

# isort: split
from sizing_xl.calibrate import VllmLog
from sizing_xl.catalog import ModelSpec, ServerSpec, parse_entries
from sizing_xl.config_import import model_from_config, read_json_file
from sizing_xl.deployment import Deployment
from sizing_xl.methods import EngineKnobs, MethodInput, sglang, vllm
from sizing_xl.methods.defaults import engine_defaults, vllm_release
from sizing_xl.methods.sglang_memory import default_mem_fraction, weight_load_gib
from sizing_xl.methods.vllm_memory import non_weight_memory
from sizing_xl.units import bytes_per_element

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
LOGS, CONFIGS = DATA / "engine_logs", DATA / "configs"
# vllm/engine/arg_utils.py get_batch_defaults (OpenAI server): GPUs of 70 GiB or more, A100
# excepted, batch 8192 tokens and 1024 sequences; smaller GPUs 2048 and 256
LARGE_GPU_GIB, LARGE_BATCH, SMALL_BATCH = 70, (8192, 1024), (2048, 256)


@dataclass(frozen=True)
class Row:
    """One case: what the method predicts beside what the log reports (None: not reported)."""

    case: str
    engine: str
    scored: bool
    reason: str
    predicted: dict[str, float]
    reported: dict[str, float | None]

    def error(self, key: str) -> float | None:
        """Signed relative error of a figure, in %, where both sides have it."""
        got, want = self.predicted.get(key), self.reported.get(key)
        if got is None or want is None or not want:
            return None
        return 100 * (got - want) / want


def load_cases() -> list[dict]:
    return json.loads((LOGS / "index.json").read_text("utf-8"))


def gpu_of(gpu: str | None) -> dict:
    """gpus.json's entry for the log's GPU text: usable_gib (None: unknown) and nvls."""
    table = json.loads((LOGS / "gpus.json").read_text("utf-8"))
    for key, entry in table.items():
        if not key.startswith("_") and gpu and key.lower() in gpu.lower():
            return entry
    return {"usable_gib": None, "nvls": None, "source": "GPU not named in the log"}


def model_of(case: dict) -> ModelSpec:
    path = CONFIGS / case["config"] / "config.json"
    imported = model_from_config(read_json_file(path, "config"), name=case["config"])
    entries = parse_entries("models", {imported.name: imported.entry}, str(path))
    return entries[imported.name]  # type: ignore[return-value]


def kv_precision(case: dict) -> str:
    """The launch flags' KV precision, read as `sizing calibrate` reads a log's."""
    flags = case["flags"]
    return VllmLog(
        kv_cache_dtype=flags.get("kv_cache_dtype"), dtype=flags.get("dtype")
    ).kv_precision


def runner_v2(flags: dict) -> bool | None:
    """VLLM_USE_V2_MODEL_RUNNER as the launch set it (None: the release's default)."""
    match = re.search(r"VLLM_USE_V2_MODEL_RUNNER=(\d)", str(flags.get("env") or ""))
    return bool(int(match.group(1))) if match else None


def predict(case: dict) -> Row:
    engine, flags = case["engine"], case["flags"]
    reported = {
        "kv_tokens": case["reported"].get("kv_tokens"),
        "available_gib": case["reported"].get("available_kv_gib"),
        "max_concurrency": case["reported"].get("max_concurrency"),
        # SGLang's own figure is what loading took ("Load weight end ... mem usage")
        "weights_gib": case["reported"].get(
            "sglang_weight_mem_usage_gb" if engine == "sglang" else "weights_gib"
        ),
    }
    gpu = gpu_of(case.get("gpu"))
    usable = gpu["usable_gib"]
    reason = ""
    if not case.get("config"):
        reason = "no public config.json pinned"
    elif usable is None:
        reason = "GPU memory unknown"
    elif case.get("engine_core") == "v0":
        reason = "vLLM's v0 engine (block accounting of its own): not modelled"
    elif flags.get("enable_dp_attention"):
        reason = "data-parallel attention not modelled"
    if reason:
        return Row(case["id"], engine, False, reason, {}, reported)
    model = model_of(case)
    tp, pp = case["tensor_parallel"], case["pipeline_parallel"]
    large = usable >= LARGE_GPU_GIB and "A100" not in (case.get("gpu") or "")
    batch, seqs = LARGE_BATCH if large else SMALL_BATCH
    batch = flags.get("max_num_batched_tokens") or batch
    seqs = flags.get("max_num_seqs") or seqs
    context = flags.get("max_model_len") or flags.get("context_length") or model.max_context
    # a log that names no release is read with the one current on its date, where pinned
    version = case.get("engine_version") or case.get("engine_version_assumed")
    release = vllm_release(version)
    utilization = flags.get("gpu_memory_utilization") or release.gpu_memory_utilization
    memory = non_weight_memory(
        model,
        tensor_parallel=tp,
        max_num_batched_tokens=batch,
        max_num_seqs=seqs,
        nvls=gpu["nvls"] is not False,
        release=release,
        sampler=flags.get("sampler"),
        runner_v2=runner_v2(flags),
    )
    gpus = tp * pp
    server = ServerSpec(
        name="gpu",
        source="gpus.json",
        vendor="",
        family="",
        gpu=case.get("gpu") or "",
        interconnect=None if gpu["nvls"] is not False else "pcie",
        gpus_per_node=gpus,
        hbm_per_gpu_gb=usable,
        usable_gib_per_gpu=usable,
    )
    sg = engine_defaults().sglang
    fraction = flags.get("mem_fraction_static") or default_mem_fraction(
        usable,
        tensor_parallel=tp,
        pipeline_parallel=pp,
        release=sg.release_of(version),
    )
    knobs = EngineKnobs(
        gpu_memory_utilization=utilization,
        non_weight_overhead_gib=memory.total_gib if memory else 0.0,
        block_size=flags.get("block_size"),
        max_num_seqs=seqs,
        max_num_batched_tokens=batch,
        mem_fraction_static=fraction,
        swa_full_tokens_ratio=sg.swa_full_tokens_ratio,
        usable_gib_per_gpu=usable,
    )
    inp = MethodInput(
        model=model,
        server=server,
        deployment=Deployment(tp, pp, gpus),
        context_tokens=context,
        kv_bytes_per_element=bytes_per_element(kv_precision(case)),
        kv_budget_ratio=0.7,
        runtime_overhead_gib=0.0,
        weights_gib=model.weights_gib,
        knobs=knobs,
    )
    # 'Model loading took' holds the RoPE table beside the checkpoint's shard
    weights = (model.weights_gib or 0) / gpus + (memory.rope_cache_gib if memory else 0)
    if engine == "sglang":
        capacity = sglang.node_capacity(inp)
        assert capacity.memory is not None
        loaded = weight_load_gib(
            model,
            weights_gib_per_gpu=(model.weights_gib or 0) / gpus,
            tensor_parallel=tp,
            pipeline_parallel=pp,
        )
        predicted = {"kv_tokens": capacity.memory.blocks_per_gpu, "weights_gib": loaded}
        return Row(case["id"], engine, True, "", predicted, reported)
    figures = vllm.startup_figures(
        inp, max_model_len=context, release=release, runner_v2=runner_v2(flags)
    )
    predicted = {
        "kv_tokens": figures.kv_cache_tokens,
        "available_gib": figures.available_gib,
        "max_concurrency": figures.max_concurrency,
        "weights_gib": weights,
    }
    return Row(case["id"], engine, True, "", predicted, reported)


FIGURES = ("kv_tokens", "available_gib", "max_concurrency", "weights_gib")


def summary(rows: list[Row], engine: str) -> dict[str, dict[str, float]]:
    """Mean, mean absolute and worst error (%) of each figure over the scored cases."""
    out = {}
    for key in FIGURES:
        errors = [e for r in rows if r.engine == engine and (e := r.error(key)) is not None]
        if errors:
            out[key] = {
                "cases": len(errors),
                "mean": statistics.fmean(errors),
                "mean_abs": statistics.fmean(abs(e) for e in errors),
                "median_abs": statistics.median(abs(e) for e in errors),
                "worst": max(errors, key=abs),
            }
    return out


def perf_table(summary_only: bool) -> None:
    """The step-time model against the pinned benchmarks: per-user tokens/s (1 / TPOT) and TTFT,
    as the factor apart (exp of the mean |log ratio|) and the worst, on the points it was fitted
    on, on the held-out ones and on those gathered after the fit, by GPU and by dense or MoE."""
    from perf_points import (
        geo_mean,
        load_points,
        model_of,
        not_scored_points,
        roofline_tpot_ms,
        size_point,
    )

    rows = [size_point(p) for p in load_points()]
    if not summary_only:
        print(f"{'point':6} {'set':8} {'server':9} {'engine':7} {'model':34} {'TP':>3} "
              f"{'ISL':>6} {'OSL':>5} {'conc':>5} {'TPOT ms':>8} {'est.':>7} {'TTFT ms':>8} "
              f"{'est.':>8}")  # fmt: skip
        for r in rows:
            p, e = r.point, r.estimate
            ttft = f"{p['ttft_ms']:>8.0f} {e.ttft_ms:>8.0f}" if p.get("ttft_ms") else ""
            print(f"{p['id']:6} {p['set']:8} {p['server']:9} {p['engine'][:7]:7} "
                  f"{p['model'][:34]:34} {p['tp']:>3} {p['isl']:>6} {p['osl']:>5} "
                  f"{p['concurrency']:>5} {p['tpot_ms']:>8.1f} {e.tpot_ms:>7.1f} {ttft}")  # fmt: skip

    def line(label: str, group: list) -> None:
        tpot = [r.tpot_ratio for r in group]
        ttft = [t for r in group if (t := r.ttft_ratio) is not None and r.estimate.queued == 0]
        worst = max(max(t, 1 / t) for t in tpot)
        text = f"  {label:24} {len(tpot):>3} points  per-user tokens/s {geo_mean(tpot):.2f}x"
        text += f" (worst {worst:.2f}x)"
        if ttft:
            text += f"  TTFT {geo_mean(ttft):.2f}x over {len(ttft)} (worst "
            text += f"{max(max(t, 1 / t) for t in ttft):.2f}x)"
        print(text)

    before = [p["tpot_ms"] / roofline_tpot_ms(p) for p in load_points()]
    print("\nstep-time model against measured benchmarks (typical factor apart, worst)")
    print(
        f"  {'roofline before it':24} {len(before):>3} points  per-user tokens/s "
        f"{geo_mean(before):.2f}x (worst {max(max(t, 1 / t) for t in before):.2f}x)"
    )
    for chosen in ("fit", "held-out", "unseen"):
        group = [r for r in rows if r.point["set"] == chosen]
        line(chosen, group)
        for server in sorted({r.point["server"] for r in group}):
            line(f"  {server}", [r for r in group if r.point["server"] == server])
        for kind, moe in (("dense", False), ("MoE", True)):
            members = [r for r in group if bool(model_of(r.point["model"]).num_experts) is moe]
            if members:
                line(f"  {kind}", members)
    listed = not_scored_points()
    if listed:
        # as the vLLM v0 start-ups above: pinned as evidence, in no figure until modelled
        print(f"\nlisted, not scored ({len(listed)} points, in no figure above)")
        for p in listed:
            print(f"  {p['id']:5} {p['server']:9} {p['engine'][:7]:7} {p['model'][:26]:26} "
                  f"TP {p['tp']} EP {p.get('ep') or 1} DP {p.get('dp') or 1}  "
                  f"{p['isl']}/{p['osl']} x{p['concurrency']}  TPOT {p['tpot_ms']:.1f} ms  "
                  f"not scored: {p['not_scored']}")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--summary", action="store_true", help="print the summary only")
    parser.add_argument(
        "--perf", action="store_true", help="the step-time model against measured benchmarks"
    )
    args = parser.parse_args()
    if args.perf:
        perf_table(args.summary)
        return 0
    rows = [predict(case) for case in load_cases()]
    if not args.summary:
        print(
            f"{'case':58} {'KV tokens':>10} {'err %':>7} {'avail':>7} {'err %':>7} "
            f"{'conc':>8} {'err %':>7} {'weights':>7} {'err %':>6}"
        )
        for row in rows:
            if not row.scored:
                print(f"{row.case[:58]:58} not scored: {row.reason}")
                continue
            cells = []
            for key, width in zip(FIGURES, (10, 7, 8, 7), strict=True):
                value, error = row.predicted.get(key), row.error(key)
                digits = 0 if key == "kv_tokens" else 2
                cells.append(
                    f"{value:>{width},.{digits}f}" if value is not None else f"{'—':>{width}}"
                )
                cells.append(f"{error:>+7.1f}" if error is not None else f"{'—':>7}")
            print(f"{row.case[:58]:58} " + " ".join(cells))
    for engine in ("vllm", "sglang"):
        scored = sum(r.scored and r.engine == engine for r in rows)
        total = sum(r.engine == engine for r in rows)
        print(f"\n{engine}: {scored} of {total} pinned start-ups scored")
        for key, s in summary(rows, engine).items():
            print(
                f"  {key:16} {s['cases']:>3} cases  mean {s['mean']:+6.1f} %  "
                f"mean abs {s['mean_abs']:5.1f} %  median abs {s['median_abs']:4.1f} %  "
                f"worst {s['worst']:+7.1f} %"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
