"""Ranges: a sizing's nodes and money as P10/P50/P90 over uncertain inputs, and a tornado.

Each uncertain input is drawn by inverse CDF from its own seeded stream of uniforms, so a run
is reproducible, and adding or removing one input leaves the draws of the others unchanged
(common random numbers: widening one range about its centre only pushes its quantiles out).
A sample is sized as sweep.py sizes a point: the capacity stage (capacity.plan_capacities) runs
once per distinct value of the inputs that change what a node holds, and the load, the spares
and the money are each sample's own, through size()'s own scenario_result. Every sample equals
a whole size() of its inputs; the tests hold it to that.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

from sizing_xl.capacity import Capacities, plan_capacities
from sizing_xl.catalog import Catalog
from sizing_xl.catalog.loading import load_catalog
from sizing_xl.costs.assumptions import BOUNDS
from sizing_xl.errors import InputError, nearest, shown
from sizing_xl.planning import DEFAULT_SAMPLES, MAX_SAMPLES
from sizing_xl.request import (
    SCENARIO_NAMES,
    ScenarioName,
    check_field,
    make_request,
    resolve_policy,
)
from sizing_xl.results import ScenarioCost
from sizing_xl.scenarios import Prices, load_and_cost, prices_for

DISTRIBUTIONS = ("uniform", "triangular", "loguniform")
PERCENTILES = (10, 50, 90)

# Request fields that only change the load or the money: the capacity stage is shared.
LOAD_FIELDS = (
    "concurrency",
    "peak_headroom_ratio",
    "output_tokens_per_session_per_hour",
    "node_price_usd",
    "usd_per_kwh",
    "pue",
    "usd_to_currency",
)
# Request fields that change what a node holds: the capacity stage reruns per value.
CAPACITY_FIELDS = (
    "effective_context",
    "kv_budget_ratio",
    "runtime_overhead_gib",
    "context_fill",
    "prompt_tokens",
    "output_tokens",
    "memory_bandwidth_utilization",
    "model_flops_utilization",
    "gpu_memory_utilization",
    "non_weight_overhead_gib",
    "mem_fraction_static",
    "swa_full_tokens_ratio",
)
# finance.json's assumptions that are no request field, and the cloud offer's price.
FINANCE_FIELDS = tuple(
    name for name in BOUNDS if name not in LOAD_FIELDS and name not in CAPACITY_FIELDS
)
OFFER_PRICE = "cloud_usd_per_hour"
FIELDS = (*LOAD_FIELDS, *CAPACITY_FIELDS, *FINANCE_FIELDS, OFFER_PRICE)
INTEGER_FIELDS = frozenset({"concurrency", "effective_context", "prompt_tokens", "output_tokens"})

# The outputs a range gives, read off one scenario's final nodes and cost (money in USD).
METRICS: dict[str, Callable[[int | None, ScenarioCost | None], float | None]] = {
    "nodes": lambda nodes, cost: nodes,
    "capex": lambda nodes, cost: cost and cost.capex_usd,
    "tco_monthly": lambda nodes, cost: cost and cost.tco_monthly_usd,
    "cloud_monthly": lambda nodes, cost: cost and cost.cloud_monthly_usd,
    "per_mtok_owned": lambda nodes, cost: cost and cost.usd_per_mtok_owned,
    "per_mtok_cloud": lambda nodes, cost: cost and cost.usd_per_mtok_cloud,
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Uncertain:
    """One input's range: LOW..HIGH drawn from a distribution (triangular peaks at the point)."""

    field: str
    low: float
    high: float
    distribution: str = "uniform"


@dataclass(frozen=True, slots=True, kw_only=True)
class Spread:
    """One output of one scenario: the point estimate and its percentiles over the samples.

    None: no figure (no price), or, for a percentile, that share of samples fits no node.
    """

    metric: str
    scenario: ScenarioName
    point: float | None
    p10: float | None
    p50: float | None
    p90: float | None
    unsized_share: float  # samples where not one session fits a node


@dataclass(frozen=True, slots=True, kw_only=True)
class TornadoBar:
    """How far one input, alone at its low and high ends, moves the tornado's output."""

    field: str
    low: float
    high: float
    at_low: float | None
    at_high: float | None

    @property
    def swing(self) -> float:
        if self.at_low is None or self.at_high is None:
            return math.inf  # an end where nothing fits moves the answer most
        return abs(self.at_high - self.at_low)


@dataclass(frozen=True, slots=True, kw_only=True)
class Ranges:
    """A sizing's outputs over its uncertain inputs (money in the request's currency)."""

    samples: int
    seed: int
    currency: str
    inputs: tuple[Uncertain, ...]
    spreads: tuple[Spread, ...]
    tornado_metric: str  # the Recommended scenario's monthly TCO, or its nodes when unpriced
    tornado: tuple[TornadoBar, ...]  # largest swing first

    def spread(self, metric: str, scenario: ScenarioName) -> Spread:
        return next(s for s in self.spreads if s.metric == metric and s.scenario == scenario)


def parse_uncertain(text: str, parse_number: Callable[[str], float]) -> Uncertain:
    """FIELD=LOW..HIGH[:DISTRIBUTION], the field as a flag (concurrency, usd-per-kwh) or a
    field name; numbers through the CLI's own parser."""
    flag = "--uncertain"
    name, eq, span = text.partition("=")
    span, _, dist = span.partition(":")
    low_text, dots, high_text = span.partition("..")
    field = name.strip().removeprefix("--").replace("-", "_")
    if not eq or not dots:
        raise InputError(flag, f"expected FIELD=LOW..HIGH[:DISTRIBUTION], got {shown(text)}")
    if field not in FIELDS:
        near = nearest(field, list(FIELDS))
        hint = f"; did you mean {near}?" if near else f" (fields: {', '.join(FIELDS)})"
        raise InputError(flag, f"no uncertain field {shown(name)}{hint}")
    dist = dist.strip().lower() or "uniform"
    if dist not in DISTRIBUTIONS:
        raise InputError(flag, f"expected one of {', '.join(DISTRIBUTIONS)}, got {shown(dist)}")
    return Uncertain(
        field=field, low=parse_number(low_text), high=parse_number(high_text), distribution=dist
    )


def _checked(u: Uncertain) -> Uncertain:
    """Both ends within the field's own limits, LOW <= HIGH, and a loguniform above zero."""
    where = f"--uncertain {u.field.replace('_', '-')}"
    if not u.low <= u.high:
        raise InputError(where, f"expected LOW <= HIGH, got {u.low:g}..{u.high:g}")
    if u.distribution == "loguniform" and u.low <= 0:
        raise InputError(where, f"a loguniform range needs LOW > 0, got {u.low:g}")
    for end in (u.low, u.high):
        _value(u.field, end)
    if u.field == "output_tokens_per_session_per_hour" and u.low < 1 and u.high > u.low:
        raise InputError(where, "an output rate is 0 or at least 1 token per session-hour")
    return u


def _value(field: str, value: float) -> float:
    """A drawn value as the field takes it, checked by the field's own limits."""
    if field in INTEGER_FIELDS:
        value = round(value)
    if field in FINANCE_FIELDS:
        low, high = BOUNDS[field]
        if not low <= value <= high:
            raise InputError(
                f"--uncertain {field.replace('_', '-')}",
                f"expected a value between {low:g} and {high:g}",
            )
        return value
    if field == OFFER_PRICE:
        if not 0 <= value <= 1e7:
            raise InputError(
                f"--uncertain {field.replace('_', '-')}", "expected 0 to 1e7 USD per hour"
            )
        return value
    try:
        return check_field(field, value)  # type: ignore[return-value]
    except InputError as exc:
        raise InputError(f"--uncertain {field.replace('_', '-')}", exc.problem) from None


def _draw(u: Uncertain, point: float | None, samples: int, seed: int) -> list[float]:
    """`samples` values of one input from its own stream: inverse CDF of seeded uniforms."""
    rng = random.Random(f"{seed}/{u.field}")  # str seeds hash with SHA-512: stable everywhere
    low, high = u.low, u.high
    if u.distribution == "loguniform":
        a, b = math.log(low), math.log(high)
        return [_value(u.field, math.exp(a + rng.random() * (b - a))) for _ in range(samples)]
    if u.distribution == "triangular" and high > low:
        mode = min(max(point if point is not None else (low + high) / 2, low), high)
        c = (mode - low) / (high - low)

        def tri(p: float) -> float:
            if p < c:
                return low + math.sqrt(p * (high - low) * (mode - low))
            return high - math.sqrt((1 - p) * (high - low) * (high - mode))

        return [_value(u.field, tri(rng.random())) for _ in range(samples)]
    return [_value(u.field, low + rng.random() * (high - low)) for _ in range(samples)]


def percentiles(values: Sequence[float | None], ps: Sequence[float]) -> list[float | None]:
    """Nearest-rank percentiles (values that occurred: whole nodes stay whole); None ranks
    above every number (a sample where nothing fits) and is returned where it falls."""
    ranked = sorted(v for v in values if v is not None)
    out: list[float | None] = []
    for p in ps:
        at = max(0, math.ceil(p / 100 * len(values)) - 1)
        out.append(ranked[at] if at < len(ranked) else None)
    return out


class _Sampler:
    """Sizes one set of input values: the capacity stage cached by its fields' values."""

    def __init__(self, base: Mapping[str, object], catalog: Catalog) -> None:
        self.base = dict(base)
        self.catalog = catalog
        self.stages: dict[tuple[object, ...], Capacities] = {}
        self._prices: Prices | None = None

    def stage(self, values: Mapping[str, float]) -> Capacities:
        key = tuple(values.get(f) for f in CAPACITY_FIELDS)
        if key not in self.stages:
            fields = {**self.base, **{f: v for f, v in values.items() if f in CAPACITY_FIELDS}}
            self.stages[key] = plan_capacities(make_request(**fields), self.catalog)
        return self.stages[key]

    def prices(self) -> Prices:
        """The offer and API price size() holds the fleet against."""
        if self._prices is None:
            self._prices = prices_for(self.stage({}).ctx, self.catalog)
        return self._prices

    def figures(self, values: Mapping[str, float]) -> dict[tuple[str, ScenarioName], float | None]:
        """Every metric of every scenario at these values (the others at the request's), money
        in the request's currency at the sample's rate."""
        stage = self.stage(values)
        ctx = stage.ctx
        load = {f: v for f, v in values.items() if f in LOAD_FIELDS}
        request = replace(ctx.request, **load) if load else ctx.request
        money = {f: v for f, v in values.items() if f in BOUNDS and f not in CAPACITY_FIELDS}
        if money:
            ctx = replace(ctx, request=request, assumptions=replace(ctx.assumptions, **money))
        elif load:
            ctx = replace(ctx, request=request)
        prices = self.prices()
        if prices.offer is not None and OFFER_PRICE in values:
            offer = replace(prices.offer, usd_per_hour=values[OFFER_PRICE])
            prices = replace(prices, offer=offer)
        rate = request.usd_to_currency or 1.0
        out: dict[tuple[str, ScenarioName], float | None] = {}
        for name, sc in stage.scenarios.items():
            if "peak_headroom_ratio" in load:
                headroom, _ = resolve_policy(
                    sc.policy,
                    peak_headroom_ratio=request.peak_headroom_ratio,
                    kv_budget_ratio=request.kv_budget_ratio,
                )
                sc = replace(sc, headroom=headroom)
            _, (_, nodes, _, _), cost = load_and_cost(ctx, sc, prices)
            for metric, read in METRICS.items():
                value = read(nodes, cost)
                out[metric, name] = (
                    value * rate if value is not None and metric != "nodes" else value
                )
        return out

    def point(self, field: str) -> float | None:
        """The value the request sizes with, where it names one."""
        ctx = self.stage({}).ctx
        if field == OFFER_PRICE:
            offer = self.prices().offer
            return None if offer is None else offer.usd_per_hour
        if field == "node_price_usd" and ctx.request.node_price_usd is None:
            return ctx.server.capex_usd
        if field == "usd_to_currency":
            return ctx.request.usd_to_currency or 1.0
        given = getattr(ctx.request, field, None)
        if given is None and field in BOUNDS:
            return getattr(ctx.assumptions, field)
        return given


def _spread(
    metric: str,
    scenario: ScenarioName,
    point: float | None,
    column: list[float | None],
    unsized: float,
) -> Spread:
    p10, p50, p90 = percentiles(column, PERCENTILES)
    return Spread(
        metric=metric,
        scenario=scenario,
        point=point,
        p10=p10,
        p50=p50,
        p90=p90,
        unsized_share=unsized,
    )


def size_ranges(
    base: Mapping[str, object],
    uncertain: Sequence[Uncertain],
    *,
    samples: int = DEFAULT_SAMPLES,
    seed: int = 0,
    catalog: Catalog | None = None,
) -> Ranges:
    """P10/P50/P90 of nodes and money per scenario over the uncertain inputs, and the tornado.

    `base` holds make_request()'s arguments (the point estimate). Every range is checked
    before anything is drawn; a field given twice is refused.
    """
    if not 1 <= samples <= MAX_SAMPLES:
        raise InputError("--samples", f"expected 1 to {MAX_SAMPLES:,}, got {shown(samples)}")
    names = [u.field for u in uncertain]
    if len(set(names)) != len(names):
        raise InputError("--uncertain", f"a field is given twice: {', '.join(names)}")
    inputs = tuple(sorted((_checked(u) for u in uncertain), key=lambda u: u.field))
    sampler = _Sampler(base, catalog or load_catalog())
    currency = sampler.stage({}).ctx.request.currency
    point = sampler.figures({})
    points = {u.field: sampler.point(u.field) for u in inputs}
    draws = {u.field: _draw(u, points[u.field], samples, seed) for u in inputs}
    columns: dict[tuple[str, ScenarioName], list[float | None]] = {k: [] for k in point}
    for i in range(samples):
        for key, value in sampler.figures({f: d[i] for f, d in draws.items()}).items():
            columns[key].append(value)
    unsized = {
        name: sum(v is None for v in columns["nodes", name]) / samples for name in SCENARIO_NAMES
    }
    spreads = tuple(
        _spread(metric, name, point[metric, name], columns[metric, name], unsized[name])
        for metric in METRICS
        for name in SCENARIO_NAMES
    )
    # The tornado moves one input at a time from a base where every uncertain input sits at
    # the request's value, or mid-range where the request names none (an unpriced server).
    centre = {
        u.field: _value(
            u.field, (u.low + u.high) / 2 if points[u.field] is None else points[u.field]
        )
        for u in inputs
    }
    priced = any(v is not None for v in columns["tco_monthly", "recommended"])
    target = "tco_monthly" if priced else "nodes"

    def at(field: str, value: float) -> float | None:
        return sampler.figures({**centre, field: value})[target, "recommended"]

    bars = [
        TornadoBar(
            field=u.field,
            low=u.low,
            high=u.high,
            at_low=at(u.field, _value(u.field, u.low)),
            at_high=at(u.field, _value(u.field, u.high)),
        )
        for u in inputs
    ]
    bars.sort(key=lambda b: (-b.swing, b.field))
    return Ranges(
        samples=samples,
        seed=seed,
        currency=currency,
        inputs=inputs,
        spreads=spreads,
        tornado_metric=target,
        tornado=tuple(bars),
    )
