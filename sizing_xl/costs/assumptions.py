"""Finance and throughput assumptions: catalogs/finance.json, each figure overridable by a flag."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields

from sizing_xl.catalog import FinanceFigure
from sizing_xl.errors import CatalogError

# (lowest, highest) each figure may take, inclusive; a user catalog outside them is refused.
BOUNDS: dict[str, tuple[float, float]] = {
    "hardware_life_years": (0.1, 50),
    "residual_value_ratio": (0, 1),
    "cost_of_capital_per_year": (0, 1),
    "maintenance_per_year": (0, 1),
    "usd_per_kwh": (0, 100),
    "pue": (1, 10),
    "facilities_usd_per_node_month": (0, 1e7),
    "hours_per_month": (1, 744),
    "server_base_power_w": (0, 1e6),
    "memory_bandwidth_utilization": (1e-6, 1),
    "model_flops_utilization": (1e-6, 1),
}


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
    """The catalog's figures with the request's overrides; a missing or out-of-range one is a
    catalog error naming it (flags are range-checked by the request itself)."""
    values: dict[str, float] = {}
    for name, (low, high) in BOUNDS.items():
        given = overrides.get(name)
        if given is not None:
            values[name] = given
            continue
        if name not in figures:
            raise CatalogError(f"finance assumption {name!r} is missing", path="finance.json")
        value = figures[name].value
        if not low <= value <= high:
            raise CatalogError(
                f"finance assumption {name!r}: expected a value between {low:g} and {high:g}, "
                f"got {value:g}",
                path="finance.json",
            )
        values[name] = value
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
