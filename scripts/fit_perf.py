#!/usr/bin/env python3
"""Fit the step-time model's constants (catalogs/perf.json) on the "fit" points only.

TPOT sets the decode constants (bandwidth and compute efficiency, the fixed costs per step,
layer, MoE layer and all-reduce, and a GPU's overhead factor), by least squares of log(predicted
/ measured); TTFT at loads without a queue sets the prefill efficiency, the fixed costs per
request and per expert a prefill reaches in each MoE layer, and how far requests arrive
together. A coordinate search in log space, each constant within physical bounds. The held-out
points are never read here.

    python scripts/fit_perf.py          # print the fitted constants and the fit error
    python scripts/fit_perf.py --write  # also write them into catalogs/perf.json (and the
                                        # sizing's two efficiencies into finance.json)
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
from dataclasses import replace
from pathlib import Path

from perf_points import geo_mean, load_points, size_point

from sizing_xl.catalog.loading import load_catalog
from sizing_xl.records import as_dict
from sizing_xl.results import plain
from sizing_xl.step_time import PerfConstants, perf_constants

PERF = Path(__file__).resolve().parent.parent / "catalogs" / "perf.json"
FINANCE = PERF.with_name("finance.json")
# finance.json figure (a flag overrides it): the perf.json constant it is
SIZING_DEFAULTS = {
    "memory_bandwidth_utilization": "bandwidth_efficiency",
    "model_flops_utilization": "prefill_compute_efficiency",
}
# constant: (lowest, highest); a GPU's factor is fitted where the fit points hold that GPU
DECODE = {
    "bandwidth_efficiency": (0.4, 1.0),
    "decode_compute_efficiency": (0.05, 1.0),
    "step_overhead_ms": (0.05, 20.0),
    "layer_overhead_us": (1.0, 500.0),
    "moe_layer_overhead_us": (1.0, 1000.0),
    "allreduce_latency_us": (1.0, 100.0),
    # at least NCCL's small-message floor across two nodes (46-48 µs on two 8-GPU nodes over
    # NDR InfiniBand, nccl-tests in NVIDIA/nccl#1244); only fit points whose TP spans nodes move it
    "internode_allreduce_latency_us": (40.0, 1000.0),
}
PREFILL = {
    "prefill_compute_efficiency": (0.1, 1.0),
    "request_overhead_ms": (1.0, 500.0),
    "arrival_alignment": (0.01, 1.0),
    "expert_prefill_overhead_us": (0.1, 1000.0),
}
FACTOR_BOUNDS = (0.5, 5.0)
# Where the search starts (a run never depends on the constants written before it): the
# textbook roofline figures (80 % of bandwidth, 50 % of FLOPS at decode, 40 % MFU at prefill)
# and small fixed costs.
START = {
    "bandwidth_efficiency": 0.8,
    "decode_compute_efficiency": 0.5,
    "prefill_compute_efficiency": 0.4,
    "step_overhead_ms": 1.0,
    "layer_overhead_us": 20.0,
    "moe_layer_overhead_us": 20.0,
    "allreduce_latency_us": 10.0,
    "internode_allreduce_latency_us": 50.0,
    "request_overhead_ms": 20.0,
    "arrival_alignment": 0.5,
    "expert_prefill_overhead_us": 1.0,
}
FACTOR_GPUS = ("MI300X",)  # the one non-NVIDIA GPU of the fit points


def _constants(base: PerfConstants, values: dict[str, float]) -> PerfConstants:
    factors = {g: values[f"factor:{g}"] for g in FACTOR_GPUS if f"factor:{g}" in values}
    plain = {k: v for k, v in values.items() if not k.startswith("factor:")}
    return replace(base, **plain, overhead_factor_by_gpu=factors)


def _loss(points: list[dict], c: PerfConstants, key: str) -> float:
    errors = []
    for p in points:
        sized = size_point(p, c)
        ratio = sized.tpot_ratio if key == "tpot" else sized.ttft_ratio
        if ratio is not None:
            errors.append(math.log(ratio) ** 2)
    return statistics.fmean(errors)


def _search(
    points: list[dict], base: PerfConstants, start: dict, bounds: dict, key: str
) -> dict[str, float]:
    values, step = dict(start), 0.5
    best = _loss(points, _constants(base, values), key)
    while step > 0.002:
        improved = False
        for name, (low, high) in bounds.items():
            for direction in (1, -1):
                trial = dict(values)
                trial[name] = min(high, max(low, values[name] * math.exp(direction * step)))
                loss = _loss(points, _constants(base, trial), key)
                if loss < best - 1e-12:
                    values, best, improved = trial, loss, True
        if not improved:
            step /= 2
    return values


def accuracy(fitted: PerfConstants) -> dict[str, object]:
    """What every face states beside an estimate: the error on the held-out points (measured
    after the fit, never used by it) and what those and the fit points cover. The "unseen"
    points, gathered after the fit, are fidelity.py's to show, not a face's to rest on."""
    catalog = load_catalog()
    every = [p for p in load_points() if p["set"] in ("fit", "held-out")]
    held = [size_point(p, fitted) for p in every if p["set"] == "held-out"]
    tpot = [r.tpot_ratio for r in held]
    ttft = [t for r in held if (t := r.ttft_ratio) is not None and r.estimate.queued == 0]
    return {
        "held_out_points": len(held),
        "tokens_per_second_per_user_factor": round(geo_mean(tpot), 2),
        "tokens_per_second_per_user_worst": round(max(max(t, 1 / t) for t in tpot), 2),
        "ttft_factor": round(geo_mean(ttft), 2),
        "ttft_worst": round(max(max(t, 1 / t) for t in ttft), 2),
        "measured_gpus": sorted({catalog.server(p["server"]).gpu for p in every}),
        "measured_engines": sorted({p["engine"].split()[0] for p in every}),
    }


def _figures(value: float) -> float:
    """Five significant figures: a small constant (0.0423) keeps its precision as a large one."""
    return float(f"{value:.5g}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true", help="write catalogs/perf.json")
    args = parser.parse_args()
    points = [p for p in load_points() if p["set"] == "fit"]
    base = replace(perf_constants(), **START, overhead_factor_by_gpu={})
    bounds = dict(DECODE)
    start = {k: START[k] for k in DECODE}
    for gpu in FACTOR_GPUS:
        bounds[f"factor:{gpu}"] = FACTOR_BOUNDS
        start[f"factor:{gpu}"] = 1.0
    decode = _search(points, base, start, bounds, "tpot")
    fitted = _constants(base, decode)
    quiet = [p for p in points if p.get("ttft_ms") and size_point(p, fitted).estimate.queued == 0]
    prefill = _search(
        quiet,
        fitted,
        {k: START[k] for k in PREFILL},
        PREFILL,
        "ttft",
    )
    fitted = replace(
        fitted,
        **prefill,
        source="fitted by scripts/fit_perf.py on the 'fit' points of "
        "tests/data/benchmarks/points.json (TPOT for decode, TTFT without a queue for prefill)",
        fitted_on=tuple(p["id"] for p in points),
    )
    rows = [size_point(p, fitted) for p in points]
    print(json.dumps({k: v for k, v in as_dict(fitted).items() if k != "fitted_on"}, indent=2))
    print(
        f"fit points: {len(rows)}, TPOT geo-mean factor {geo_mean([r.tpot_ratio for r in rows]):.3f}"
    )
    if args.write:
        doc = json.loads(PERF.read_text("utf-8"))
        doc["accuracy"] = accuracy(fitted)
        doc["constants"] = {
            k: (_figures(v) if isinstance(v, float) else v)
            for k, v in plain(fitted).items()  # type: ignore[union-attr]
        }
        doc["constants"]["overhead_factor_by_gpu"] = {
            g: _figures(f) for g, f in fitted.overhead_factor_by_gpu.items()
        }
        PERF.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", "utf-8")
        # the sizing's own defaults for the two efficiencies a flag may override
        finance = json.loads(FINANCE.read_text("utf-8"))
        for name, key in SIZING_DEFAULTS.items():
            finance[name]["value"] = doc["constants"][key]
        FINANCE.write_text(json.dumps(finance, indent=2, ensure_ascii=False) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
