"""Growth plans: the nodes and monthly cost each scenario needs as the load grows month by month."""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sizing_xl.catalog import Catalog
from sizing_xl.errors import InputError
from sizing_xl.planning.sweep import CONCURRENCY, Axis, sweep_results
from sizing_xl.request import SCENARIO_NAMES, ScenarioName, check_field
from sizing_xl.results import FinanceInfo
from sizing_xl.scenarios import SizingResult

MAX_MONTHS = 600  # fifty years of months: a plan, not a loop
MAX_CONCURRENCY = 100_000_000  # request.SizingRequest.concurrency's bound


def monthly_loads(start: int, growth_monthly: float, months: int) -> list[int]:
    """Concurrency at months 0..months: start x (1 + growth)^m, rounded up to whole sessions.

    Rounded to 6 decimals first, as the engine snaps its peak load, so 1,000 x 1.1^2 = 1,210
    exactly and not 1,211.
    """
    if not -1 < growth_monthly <= 10:
        raise InputError(
            "--growth-monthly", f"expected a rate above -1 and <= 10, got {growth_monthly}"
        )
    if not 0 <= months <= MAX_MONTHS:
        raise InputError("--months", f"expected 0 to {MAX_MONTHS} months, got {months}")
    if growth_monthly > 0:  # the last month's load, in logarithms: no overflow on the way
        last = math.log(start) + months * math.log1p(growth_monthly)
        if last > math.log(MAX_CONCURRENCY):
            # the first month past the bound, and its load (finite: it is the first)
            month = math.floor(
                (math.log(MAX_CONCURRENCY) - math.log(start)) / math.log1p(growth_monthly)
            )
            while start * (1 + growth_monthly) ** month <= MAX_CONCURRENCY:
                month += 1
            load = math.ceil(round(start * (1 + growth_monthly) ** month, 6))
            raise InputError(
                "--growth-monthly",
                f"month {month}: expected a number <= {MAX_CONCURRENCY}, got {load}",
            )
    return [
        max(1, math.ceil(round(start * (1 + growth_monthly) ** m, 6))) for m in range(months + 1)
    ]


@dataclass(frozen=True)
class Month:
    """One month of a plan: its load, each scenario's nodes and monthly cost (None: no price)."""

    month: int
    concurrency: int
    nodes: dict[ScenarioName, int | None]
    tco_monthly_usd: dict[ScenarioName, float | None]
    cloud_monthly_usd: dict[ScenarioName, float | None]
    capex_usd: dict[ScenarioName, float | None]


@dataclass(frozen=True)
class Step:
    """The month a scenario first needs more nodes than the month before."""

    scenario: ScenarioName
    month: int
    concurrency: int
    nodes_before: int | None
    nodes: int | None
    # what the step buys, and what the owned fleet costs more each month from then on (None:
    # no price, or a month where nothing fits)
    capex_usd: float | None = None
    tco_monthly_increase_usd: float | None = None


@dataclass(frozen=True)
class GrowthPlan:
    months: list[Month]
    steps: list[Step]
    finance: FinanceInfo  # currency, rate and the price basis of every amount


def _month(month: int, result: SizingResult) -> Month:
    def cost(field: str) -> dict[ScenarioName, float | None]:
        out: dict[ScenarioName, float | None] = {}
        for name in SCENARIO_NAMES:
            c = result.scenario(name).cost
            out[name] = None if c is None else getattr(c, field)
        return out

    return Month(
        month=month,
        concurrency=result.inputs.concurrency,
        nodes={n: result.scenario(n).nodes_final for n in SCENARIO_NAMES},
        tco_monthly_usd=cost("tco_monthly_usd"),
        cloud_monthly_usd=cost("cloud_monthly_usd"),
        capex_usd=cost("capex_usd"),
    )


def _change(before: float | None, now: float | None) -> float | None:
    return None if before is None or now is None else now - before


def growth_plan(
    base: Mapping[str, object],
    loads: Sequence[int],
    catalog: Catalog | None = None,
    *,
    source: str = "--concurrency-by-month",
) -> GrowthPlan:
    """The plan over `loads` (concurrency at month 0, 1, ...): one whole sizing per month.

    A month's load the request refuses is named by its month and by `source`, the flag it
    came from."""
    if not loads:
        raise InputError(source, "expected at least one month")
    for month, load in enumerate(loads):
        try:
            check_field(CONCURRENCY, load)
        except InputError as exc:
            raise InputError(source, f"month {month}: {exc.problem}") from None
    sized = sweep_results(base, [Axis(CONCURRENCY, tuple(loads))], catalog)
    months = [_month(m, result) for m, (_, result) in enumerate(sized)]
    steps = [
        Step(
            name,
            now.month,
            now.concurrency,
            before.nodes[name],
            now.nodes[name],
            _change(before.capex_usd[name], now.capex_usd[name]),
            _change(before.tco_monthly_usd[name], now.tco_monthly_usd[name]),
        )
        for name in SCENARIO_NAMES
        for before, now in itertools.pairwise(months)
        if now.nodes[name] != before.nodes[name]
    ]
    steps.sort(key=lambda s: (s.month, SCENARIO_NAMES.index(s.scenario)))
    return GrowthPlan(months=months, steps=steps, finance=sized[0][1].finance)
