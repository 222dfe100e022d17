"""Owned hardware: monthly TCO of one node (depreciation, capital, maintenance, energy, facilities).

redhat-performance/configiq docs/HYBRID_SAVINGS_METHODOLOGY.md; defaults in finance.json.
"""

from __future__ import annotations

from dataclasses import dataclass

from sizing_xl.catalog import ServerSpec
from sizing_xl.costs.assumptions import Assumptions

MONTHS_PER_YEAR = 12


@dataclass(frozen=True)
class OwnedMonthly:
    """One node's month; the price-driven parts are None when the price is unknown."""

    depreciation: float | None
    capital: float | None
    maintenance: float | None
    energy: float
    facilities: float

    @property
    def total(self) -> float | None:
        if self.depreciation is None or self.capital is None or self.maintenance is None:
            return None
        return self.depreciation + self.capital + self.maintenance + self.energy + self.facilities


def node_power_kw(server: ServerSpec, a: Assumptions) -> tuple[float | None, bool]:
    """(kW, estimated): the published maximum draw, else base + GPUs x TDP (ConfigIQ's rule)."""
    if server.node_power_kw is not None:
        return server.node_power_kw, False
    if server.tdp_w_per_gpu is None:
        return None, True
    return (a.server_base_power_w + server.gpus_per_node * server.tdp_w_per_gpu) / 1000, True


def owned_monthly(price_usd: float | None, kw: float | None, a: Assumptions) -> OwnedMonthly:
    """depreciation = price x (1 - residual) / life; capital = average book value (price x
    (1 + residual) / 2) x rate; maintenance = price x rate; all per month. energy = kW x hours
    x PUE x $/kWh at the node's maximum draw; facilities per node-month."""
    energy = (kw or 0.0) * a.hours_per_month * a.pue * a.usd_per_kwh
    if price_usd is None:
        return OwnedMonthly(None, None, None, energy, a.facilities_usd_per_node_month)
    months = a.hardware_life_years * MONTHS_PER_YEAR
    return OwnedMonthly(
        depreciation=price_usd * (1 - a.residual_value_ratio) / months,
        capital=price_usd
        * (1 + a.residual_value_ratio)
        / 2
        * a.cost_of_capital_per_year
        / MONTHS_PER_YEAR,
        maintenance=price_usd * a.maintenance_per_year / MONTHS_PER_YEAR,
        energy=energy,
        facilities=a.facilities_usd_per_node_month,
    )
