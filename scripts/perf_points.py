"""The pinned benchmark points (tests/data/benchmarks/points.json) sized by the step-time model."""

from __future__ import annotations

import json
import math
import statistics
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

import _checkout  # noqa: F401  (this checkout's sizing_xl, installed or not)

# isort: split
from sizing_xl.capacity import model_weights
from sizing_xl.catalog import ModelSpec, parse_entries
from sizing_xl.catalog.loading import load_catalog
from sizing_xl.config_import import model_from_config, read_json_file
from sizing_xl.engine import kv_bytes_per_session
from sizing_xl.planning.perf import perf_curve
from sizing_xl.step_time import PerfConstants, StepEstimate, estimate_step, weights_read_fraction
from sizing_xl.units import gib_to_bytes

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
POINTS, CONFIGS = DATA / "benchmarks" / "points.json", DATA / "configs"


@cache
def model_of(folder: str) -> ModelSpec:
    path = CONFIGS / folder / "config.json"
    imported = model_from_config(read_json_file(path, "config"), name=folder)
    return parse_entries("models", {imported.name: imported.entry}, str(path))[imported.name]  # type: ignore[return-value]


NOT_SCORED = "not-scored"


def _every_point() -> list[dict]:
    return json.loads(POINTS.read_text("utf-8"))["points"]


def load_points() -> list[dict]:
    """The scored points: "fit" (the fit reads them), "held-out" (only the stated error does)
    and "unseen" (gathered after the fit, from other sources: only fidelity.py's table reads
    them). The "not-scored" ones (what the step-time model does not model yet, e.g. expert
    parallel, or runs whose source leaves a figure unmeasured) enter no figure, fit or
    accuracy: `not_scored_points` lists them."""
    return [p for p in _every_point() if p["set"] != NOT_SCORED]


def not_scored_points() -> list[dict]:
    """The points pinned as evidence but not scored, each with its reason (`not_scored`)."""
    return [p for p in _every_point() if p["set"] == NOT_SCORED]


@dataclass(frozen=True)
class Sized:
    point: dict
    estimate: StepEstimate

    @property
    def tpot_ratio(self) -> float:
        """Predicted over measured per-user tokens/s (above 1: the model is optimistic)."""
        return self.point["tpot_ms"] / self.estimate.tpot_ms

    @property
    def ttft_ratio(self) -> float | None:
        ttft = self.point.get("ttft_ms")
        return None if not ttft else self.estimate.ttft_ms / ttft


def kv_sessions(point: dict) -> int:
    """The sessions of ISL + OSL tokens one replica's KV pool holds, by the vLLM method (the
    engine's bound on the batch; the rest of the concurrency queues): `sizing perf`'s own."""
    key = (point["model"], point["server"], point["tp"], point["weights"], point["isl"],
           point["osl"], _kv(point))  # fmt: skip
    if key not in _SESSIONS:
        model = model_of(point["model"])
        catalog = load_catalog()
        curve = perf_curve(
            model=model.name,
            server=point["server"],
            input_tokens=point["isl"],
            output_tokens=point["osl"],
            concurrencies=[1],
            tensor_parallel=point["tp"],
            weights_precision=point["weights"],
            kv_precision=_kv(point),
            catalog=replace(catalog, models={**catalog.models, model.name: model}),
        )
        _SESSIONS[key] = curve.kv_sessions
    return _SESSIONS[key]


_SESSIONS: dict[tuple, int] = {}


def _kv(point: dict) -> str:
    return "fp8" if (point.get("kv_dtype") or "").startswith("fp8") else "bf16"


def size_point(point: dict, constants: PerfConstants | None = None) -> Sized:
    model = model_of(point["model"])
    server = load_catalog().server(point["server"])
    weights = model_weights(model, point["weights"])
    assert weights is not None, point["id"]
    dp = point.get("dp") or 1
    estimate = estimate_step(
        model=model,
        server=server,
        weights_bytes=gib_to_bytes(weights.gib),
        weights_precision=weights.precision,
        tensor_parallel=point["tp"],
        kv_bytes_per_element=1 if _kv(point) == "fp8" else 2,
        input_tokens=point["isl"],
        output_tokens=point["osl"],
        concurrency=max(1, math.ceil(point["concurrency"] / dp)),
        max_batch=kv_sessions(point),
        constants=constants,
    )
    assert estimate is not None, point["id"]
    return Sized(point, estimate)


def geo_mean(ratios: list[float]) -> float:
    """exp(mean |log r|): the typical factor apart, whichever side."""
    return math.exp(statistics.fmean(abs(math.log(r)) for r in ratios)) if ratios else math.nan


def roofline_tpot_ms(point: dict, mbu: float = 0.7) -> float:
    """TPOT by the roofline the sizing used before the step-time model (weights and KV read
    per step at MBU of the bandwidth, nothing else), for the before/after table."""
    model = model_of(point["model"])
    server = load_catalog().server(point["server"])
    weights = model_weights(model, point["weights"])
    assert weights is not None and server.hbm_bandwidth_tbps_per_gpu is not None
    context = point["isl"] + point["osl"] // 2
    kv = kv_bytes_per_session(
        model,
        context_tokens=context,
        bytes_per_element=1 if _kv(point) == "fp8" else 2,
        tensor_parallel=point["tp"],
    )
    batch = max(1, math.ceil(point["concurrency"] / (point.get("dp") or 1)))
    read = gib_to_bytes(weights.gib) * weights_read_fraction(model, batch) + batch * kv
    return read / point["tp"] / (server.hbm_bandwidth_tbps_per_gpu * 1e12 * mbu) * 1e3
