"""What a scenario costs: owned hardware (CapEx, monthly TCO), a cloud offer, and per token.

One module per cost model (owned.py, cloud.py) behind scenario_cost(); every amount in USD,
converted only where a face shows it (money.py).
"""

from __future__ import annotations

from sizing_xl.catalog import ApiPrice, CloudOffer, ServerSpec
from sizing_xl.costs.api import break_even
from sizing_xl.costs.assumptions import Assumptions
from sizing_xl.costs.cloud import cloud_monthly_usd
from sizing_xl.costs.owned import OwnedMonthly, node_power_kw, owned_monthly
from sizing_xl.results import ScenarioCost

MILLION = 1e6


def scenario_cost(
    *,
    nodes: int,
    server: ServerSpec,
    node_price_usd: float | None,
    offer: CloudOffer | None,
    assumptions: Assumptions,
    concurrency: int,
    output_tokens_per_session_per_hour: float | None,
    api: ApiPrice | None = None,
    input_tokens_per_session_per_hour: float | None = None,
    tokens_per_second_per_node: float | None = None,
    full_load_tokens_per_second_per_node: float | None = None,
) -> ScenarioCost:
    """CapEx = nodes x (price + installation); owned TCO per month (owned.py); cloud per month
    = $/hour x hours x nodes (cloud.py); $/1M output tokens = monthly cost / tokens per month;
    the workload through a pay-per-token API and the break-even utilisations (api.py); at
    capacity, $/1M output tokens = one node's month / (its tokens/s x 3,600 x hours)."""
    a = assumptions
    price = node_price_usd if node_price_usd is not None else server.capex_usd
    per_node = None if price is None else price + (server.install_usd or 0.0)
    kw, estimated = node_power_kw(server, a)
    owned: OwnedMonthly = owned_monthly(per_node, kw, a)
    tokens_month = (
        None
        if not output_tokens_per_session_per_hour
        else concurrency * output_tokens_per_session_per_hour * a.hours_per_month
    )

    def times(value: float | None) -> float | None:
        return None if value is None else value * nodes

    def per(value: float | None, divisor: float | None) -> float | None:
        return None if value is None or not divisor else value / divisor

    tco = times(owned.total)
    node_cloud = None if offer is None else cloud_monthly_usd(offer, a)

    def at_capacity(node_month: float | None, rate: float | None) -> float | None:
        return per(node_month, rate and rate * 3600 * a.hours_per_month / MILLION)

    api_month = (
        None
        if api is None or tokens_month is None
        else api.usd(
            concurrency * (input_tokens_per_session_per_hour or 0.0) * a.hours_per_month,
            tokens_month,
        )
    )
    cloud = times(node_cloud)
    return ScenarioCost(  # computed here: nothing to validate
        nodes=nodes,
        node_price_usd=per_node,
        capex_usd=times(per_node),
        tco_monthly_usd=tco,
        depreciation_monthly_usd=times(owned.depreciation),
        capital_monthly_usd=times(owned.capital),
        maintenance_monthly_usd=times(owned.maintenance),
        energy_monthly_usd=owned.energy * nodes,
        facilities_monthly_usd=owned.facilities * nodes,
        cloud_offer=None if offer is None else offer.name,
        cloud_monthly_usd=cloud,
        node_power_kw=kw,
        power_estimated=estimated,
        power_kw=times(kw),
        cost_per_session_month_usd=per(tco, concurrency),
        cloud_cost_per_session_month_usd=per(cloud, concurrency),
        usd_per_mtok_owned=per(tco, tokens_month and tokens_month / MILLION),
        usd_per_mtok_cloud=per(cloud, tokens_month and tokens_month / MILLION),
        api_offer=None if api is None else api.name,
        api_monthly_usd=api_month,
        usd_per_mtok_api=per(api_month, tokens_month and tokens_month / MILLION),
        break_even_owned=break_even(tco, api_month),
        break_even_cloud=break_even(cloud, api_month),
        usd_per_mtok_capacity_owned=at_capacity(owned.total, tokens_per_second_per_node),
        usd_per_mtok_capacity_cloud=at_capacity(node_cloud, tokens_per_second_per_node),
        usd_per_mtok_full_load_owned=at_capacity(owned.total, full_load_tokens_per_second_per_node),
        usd_per_mtok_full_load_cloud=at_capacity(node_cloud, full_load_tokens_per_second_per_node),
    )
