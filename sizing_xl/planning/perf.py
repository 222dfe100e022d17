"""`sizing perf`'s engine: the step-time model over a list of loads, the batch bounded by the
engine method's KV pool (capacity.py), as the CLI and the tests ask it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sizing_xl.capacity import plan_capacities
from sizing_xl.catalog import Catalog
from sizing_xl.catalog.loading import load_catalog
from sizing_xl.errors import InputError
from sizing_xl.records import as_dict
from sizing_xl.request import make_request
from sizing_xl.step_time import StepEstimate, estimate_step
from sizing_xl.units import bytes_per_element, gib_to_bytes

MAX_LOADS = 200  # a curve of more concurrencies is a mistake, not a plot


@dataclass(frozen=True, slots=True, kw_only=True)
class PerfCurve:
    """One replica of a model on a server under each load: the estimates, and what bounded them."""

    model: str
    server: str
    tensor_parallel: int
    engine: str
    input_tokens: int
    output_tokens: int
    weights_gib: float
    weights_precision: str | None
    kv_precision: str
    kv_sessions: int  # the sessions of input + output tokens the replica's KV pool holds
    estimates: tuple[StepEstimate, ...]
    concurrencies: tuple[int, ...]


def perf_curve(
    *,
    model: str,
    server: str,
    input_tokens: int,
    output_tokens: int,
    concurrencies: Sequence[int],
    tensor_parallel: int = 1,
    engine: str = "vllm",
    weights_precision: str | None = None,
    kv_precision: str = "bf16",
    catalog: Catalog | None = None,
) -> PerfCurve:
    """The step-time estimate at each concurrency; the model, server and deployment checked as
    a sizing checks them (one InputError naming the field)."""
    if not 1 <= len(concurrencies) <= MAX_LOADS:
        raise InputError("--concurrency", f"expected 1 to {MAX_LOADS} values")
    catalog = catalog or load_catalog()
    request = make_request(
        model=model,
        server=server,
        concurrency=max(concurrencies),
        effective_context=input_tokens + output_tokens,
        method=engine,
        tensor_parallel=tensor_parallel,
        weights_precision=weights_precision,
        kv_precision=kv_precision,
    )
    for n in concurrencies:
        make_request(**{**as_dict(request), "concurrency": n})  # each load's own limits
    for name, value in (("input_tokens", input_tokens), ("output_tokens", output_tokens)):
        if not 1 <= value <= 10_000_000:
            raise InputError(
                f"--{name.replace('_', '-')}", f"expected 1 to 10,000,000, got {value}"
            )
    stage = plan_capacities(request, catalog)
    ctx, weights = stage.ctx, stage.ctx.weights
    if weights is None:
        raise InputError("model", f"{ctx.model.name} has no weights size or parameter count")
    estimates = []
    for n in concurrencies:
        estimate = estimate_step(
            model=ctx.model,
            server=ctx.server,
            weights_bytes=gib_to_bytes(weights.gib),
            weights_precision=weights.precision,
            tensor_parallel=tensor_parallel,
            kv_bytes_per_element=bytes_per_element(kv_precision),
            input_tokens=input_tokens,
            output_tokens=output_tokens,
            concurrency=n,
            max_batch=stage.by_ratio[None].sessions_per_replica,
        )
        if estimate is None:
            raise InputError(
                "server", f"{ctx.server.name} has no HBM bandwidth or dense FLOPS figure"
            )
        estimates.append(estimate)
    return PerfCurve(
        model=ctx.model.name,
        server=ctx.server.name,
        tensor_parallel=tensor_parallel,
        engine=engine,
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        weights_gib=weights.gib,
        weights_precision=weights.precision,
        kv_precision=kv_precision,
        kv_sessions=stage.by_ratio[None].sessions_per_replica,
        estimates=tuple(estimates),
        concurrencies=tuple(concurrencies),
    )
