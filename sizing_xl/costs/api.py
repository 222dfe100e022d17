"""Pay-per-token APIs: which price a sizing holds its fleet against, what the workload costs
there, and the utilisation at which owning or renting costs the same.

The fleet costs the same each month whatever share of it is used; an API bills the tokens. So
at a utilisation u (the share of the sizing's workload really served: concurrency x tokens
per session-hour x hours), the API costs u x its cost at the full workload, and the break-even
utilisation of a fleet is its monthly cost over the API's at the full workload: above it the
fleet is cheaper. A break-even above 1 means the API is cheaper even at full use.
"""

from __future__ import annotations

from collections.abc import Mapping

from sizing_xl.catalog import ApiPrice, ModelSpec
from sizing_xl.errors import InputError


def pick_api(
    prices: Mapping[str, ApiPrice],
    model: ModelSpec,
    requested: ApiPrice | None,
    *,
    input_tokens: float,
    output_tokens: float,
) -> ApiPrice | None:
    """The requested price (refused if it prices another model), else the cheapest for this
    mix of input and output tokens among those pricing the model; None when none does."""
    if requested is not None:
        if model.name not in requested.models:
            raise InputError(
                "api_offer",
                f"{requested.name!r} prices {', '.join(requested.models)}, not {model.name}",
            )
        return requested
    serving = [p for p in prices.values() if model.name in p.models]
    return min(serving, key=lambda p: (p.usd(input_tokens, output_tokens), p.name), default=None)


def break_even(fleet_monthly_usd: float | None, api_monthly_usd: float | None) -> float | None:
    """The utilisation at which the fleet and the API cost the same (None: a figure missing)."""
    if fleet_monthly_usd is None or not api_monthly_usd:
        return None
    return fleet_monthly_usd / api_monthly_usd
