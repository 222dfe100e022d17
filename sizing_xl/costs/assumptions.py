"""Finance and throughput assumptions: catalogs/finance.json, each figure overridable by a flag."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields

from sizing_xl.catalog import FinanceFigure
from sizing_xl.catalog.checks import FINANCE_BOUNDS as BOUNDS
from sizing_xl.errors import CatalogError


@dataclass(frozen=True)
class Assumptions:
    """The figures a cost and a throughput check use, resolved."""

    hardware_life_years: float
    residual_value_ratio: float
    cost_of_capital_per_year: float
    maintenance_per_year: float
    usd_per_kwh: float
    pue: float
    facilities_usd_per_node_month: float
    hours_per_month: float
    server_base_power_w: float
    memory_bandwidth_utilization: float
    model_flops_utilization: float


assert {f.name for f in fields(Assumptions)} == set(BOUNDS)


def resolve_assumptions(
    figures: Mapping[str, FinanceFigure], overrides: Mapping[str, float | None]
) -> Assumptions:
    """The catalog's figures with the request's overrides; a missing one is a catalog error
    naming it (values are range-checked as the catalog loads, flags by the request)."""
    values: dict[str, float] = {}
    for name in BOUNDS:
        given = overrides.get(name)
        if given is not None:
            values[name] = given
            continue
        if name not in figures:
            raise CatalogError(f"finance assumption {name!r} is missing", path="finance.json")
        values[name] = figures[name].value  # in BOUNDS: checked as the catalog loaded
    return Assumptions(**values)


def figures_used(
    figures: Mapping[str, FinanceFigure], overrides: Mapping[str, float | None], a: Assumptions
) -> dict[str, dict[str, object]]:
    """Each assumption as used: value, unit, and where it came from (the catalog or a flag)."""
    out: dict[str, dict[str, object]] = {}
    for name in BOUNDS:
        figure = figures.get(name)
        flagged = overrides.get(name) is not None
        out[name] = {
            "value": getattr(a, name),
            "unit": figure.unit if figure else "",
            "source": "given as a flag" if flagged or figure is None else figure.source,
            "as_of": None if flagged or figure is None else figure.as_of,
        }
    return out
