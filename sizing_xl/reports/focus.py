"""A sizing's monthly costs as a FOCUS forecast (FinOps Open Cost and Usage Specification), CSV.

One row per month x scenario x cost component: the owned fleet's depreciation, capital,
maintenance, energy and facilities (costs/owned.py), and the cloud rent of the chosen offer.
Every mandatory column of the specification (tests/data/focus/columns-v1.2.json) is present,
typed as it requires (decimals, ISO 8601 UTC date/times); the tool's own fields are `x_`
columns, as FOCUS asks of custom columns.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime

from sizing_xl.errors import InputError, shown
from sizing_xl.results import SizingResult
from sizing_xl.scenarios import SCENARIO_NAMES

SERVICE_CATEGORY = "AI and Machine Learning"  # FOCUS ServiceCategory's allowed value
# (component, ScenarioCost field, what the row charges)
OWNED = (
    ("Depreciation", "depreciation_monthly_usd", "hardware depreciation"),
    ("Capital", "capital_monthly_usd", "cost of capital on the fleet's book value"),
    ("Maintenance", "maintenance_monthly_usd", "maintenance"),
    ("Energy", "energy_monthly_usd", "energy at the nodes' maximum draw x PUE"),
    ("Facilities", "facilities_monthly_usd", "facilities"),
)
COLUMNS = (
    "BilledCost",
    "BillingAccountId",
    "BillingAccountName",
    "BillingCurrency",
    "BillingPeriodEnd",
    "BillingPeriodStart",
    "ChargeCategory",
    "ChargeClass",
    "ChargeDescription",
    "ChargeFrequency",
    "ChargePeriodEnd",
    "ChargePeriodStart",
    "ContractedCost",
    "EffectiveCost",
    "InvoiceIssuerName",
    "ListCost",
    "PricingQuantity",
    "PricingUnit",
    "ProviderName",
    "PublisherName",
    "ServiceCategory",
    "ServiceName",
    "x_Scenario",
    "x_CostComponent",
    "x_Nodes",
    "x_Model",
    "x_Server",
    "x_Concurrency",
    "x_UsdToCurrency",
    "x_RateAsOf",
    "x_Forecast",
)


def focus_period(start: str | None, months: int) -> tuple[date, int]:
    """The FOCUS forecast's first month (YYYY-MM; default next month, UTC) and its length."""
    if not 1 <= months <= 120:
        raise InputError("--focus-months", f"expected 1 to 120 months, got {months}")
    if start is None:
        today = datetime.now(UTC).date()
        return date(today.year + today.month // 12, today.month % 12 + 1, 1), months
    match = re.fullmatch(r"(\d{4})-(0[1-9]|1[0-2])", start)
    if match is None:
        raise InputError("--focus-start", f"expected a month as YYYY-MM, got {shown(start)}")
    return date(int(match.group(1)), int(match.group(2)), 1), months


def _month(start: date, offset: int) -> date:
    months = start.year * 12 + start.month - 1 + offset
    return date(months // 12, months % 12 + 1, 1)


def _stamp(day: date) -> str:
    """FOCUS date/time: ISO 8601 extended, UTC ('YYYY-MM-DDTHH:mm:ssZ')."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def focus_rows(result: SizingResult, *, start: date, months: int) -> list[dict[str, object]]:
    """The forecast's rows: `months` months from `start` (its first day), each scenario's
    monthly owned components and cloud rent, in the sizing's currency."""
    f, req = result.finance, result.inputs
    rate = f.usd_to_currency
    account = f"{result.model.name} @ {result.server.name}"
    common = {
        "BillingAccountId": "sizing_xl-forecast",
        "BillingAccountName": account,
        "BillingCurrency": f.currency,
        "ChargeCategory": "Usage",
        "ChargeClass": None,
        "ChargeFrequency": "Recurring",
        "PricingUnit": "Node-Month",
        "ServiceCategory": SERVICE_CATEGORY,
        "ServiceName": f"LLM inference ({result.model.name})",
        "x_Model": result.model.name,
        "x_Server": result.server.name,
        "x_Concurrency": req.concurrency,
        "x_UsdToCurrency": rate,
        "x_RateAsOf": f.rate_as_of,
        "x_Forecast": "sizing_xl",
    }
    owner = result.server.vendor or "owned"
    rows: list[dict[str, object]] = []
    for m in range(months):
        begin, end = _month(start, m), _month(start, m + 1)
        period = {
            "BillingPeriodStart": _stamp(begin),
            "BillingPeriodEnd": _stamp(end),
            "ChargePeriodStart": _stamp(begin),
            "ChargePeriodEnd": _stamp(end),
        }
        for name in SCENARIO_NAMES:
            cost = result.scenario(name).cost
            if cost is None:  # no node holds a session: nothing to forecast
                continue
            charges = [
                (component, getattr(cost, field), what, owner, f"owned ({owner})")
                for component, field, what in OWNED
                if getattr(cost, field) is not None
            ]
            if cost.cloud_monthly_usd is not None and f.cloud_offer is not None:
                offer = f.cloud_offer
                charges.append(
                    ("CloudRent", cost.cloud_monthly_usd, f"rent of {offer.name}",
                     offer.provider, offer.provider)
                )  # fmt: skip
            for component, usd, what, provider, issuer in charges:
                amount = round(usd * rate, 2)
                rows.append(
                    common
                    | period
                    | {
                        "BilledCost": amount,
                        "EffectiveCost": amount,
                        "ListCost": amount,
                        "ContractedCost": amount,
                        "ChargeDescription": f"{name} scenario, {cost.nodes} nodes: {what}",
                        "InvoiceIssuerName": issuer,
                        "ProviderName": provider,
                        "PublisherName": provider,
                        "PricingQuantity": cost.nodes,
                        "x_Scenario": name,
                        "x_CostComponent": component,
                        "x_Nodes": cost.nodes,
                    }
                )
    return rows


def render_focus_csv(result: SizingResult, *, start: date, months: int = 12) -> str:
    """The forecast as CSV, FOCUS columns first (nulls as empty cells)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in focus_rows(result, start=start, months=months):
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return out.getvalue()
