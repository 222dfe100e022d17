"""Money and throughput as every face words them: amounts in the chosen currency, rates, dates."""

from __future__ import annotations

from collections.abc import Callable

from sizing_xl.i18n import Lang, fmt_dec, fmt_int, fmt_money, fmt_num, fmt_pct
from sizing_xl.reports.catalog_phrases import catalog_text
from sizing_xl.results import ScenarioCost, ScenarioThroughput
from sizing_xl.scenarios import FinanceInfo, ScenarioResult

WORDS: dict[Lang, dict[str, str]] = {
    "pt-BR": {
        "throughput": "Vazão no nó cheio",
        "throughput_row": "Tokens/s por sessão (nó cheio)",
        "per_mtok_owned": "Custo por 1M tokens de saída (próprio)",
        "cost_chart": "Custo mensal por cenário ({currency})",
        "no_money_chart": "Sem preço do nó {server} nem oferta de nuvem: custo mensal não "
        "calculado (informe --node-price-usd ou --cloud-offer).",
        "throughput_value": "{rate} tokens/s por sessão, {node} tokens/s por nó; TTFT {ttft}; "
        "limite: {bound}; passo dominado por: {part}",
        "bound_memory": "memória",
        "bound_tokens_per_second": "SLO de tokens/s",
        "bound_ttft": "SLO de TTFT",
        "no_ttft": "—",
        "capex": "CapEx",
        "tco": "TCO mensal (próprio)",
        "cloud": "Nuvem mensal",
        "per_session": "Custo por sessão-mês",
        "per_mtok": "Custo por 1M tokens de saída",
        "per_mtok_capacity": "Por 1M tokens de saída, nós ocupados",
        "per_mtok_capacity_owned": "Por 1M tokens, nós ocupados (próprio)",
        "at_full_load": "a plena carga, sem o SLO",
        "power": "Potência da frota",
        "no_price": "sem preço do nó",
        "no_cloud": "sem oferta para este nó",
        "no_rate": "informe --output-tokens-per-session-per-hour",
        "owned": "próprio",
        "estimated": "estimada pelo TDP",
        "assumptions": "PREMISSAS DE CUSTO",
        "rate": "Câmbio: 1 USD = {rate} {currency}{as_of}",
        "rate_as_of": " ({date})",
        "price": "Preço do nó: {price}{install} ({source}{as_of})",
        "install": " + {price} de instalação",
        "no_price_line": "Preço do nó: {source}",
        "offer": "Nuvem: {offer}, {price}/hora {kind} ({source}, {as_of})",
        "api_line": "API: {offer}, {input} por 1M tokens de entrada e {output} por 1M de saída "
        "({source}, {as_of})",
        "api": "API por token, mensal",
        "break_even": "Utilização de empate com a API",
        "break_even_value": "próprio {owned} · nuvem {cloud} (acima dessa utilização a frota "
        "sai mais barata que a API; um múltiplo da carga: a API sai mais barata mesmo a plena "
        "carga)",
        "times_load": "{x}× a carga",
        "group": "{figures} ({source}{as_of})",
        "formulas": "TCO mensal = depreciação (preço × (1 − residual) / vida) + capital (valor "
        "contábil médio × taxa) + manutenção + energia (kW × horas × PUE × $/kWh) + facilities",
    },
    "en": {
        "throughput": "Throughput at full load",
        "throughput_row": "Tokens/s per session (node full)",
        "per_mtok_owned": "Cost per 1M output tokens (owned)",
        "cost_chart": "Monthly cost per scenario ({currency})",
        "no_money_chart": "No price for a {server} node and no cloud offer: monthly cost not "
        "computed (pass --node-price-usd or --cloud-offer).",
        "throughput_value": "{rate} tokens/s per session, {node} tokens/s per node; TTFT {ttft}; "
        "bound: {bound}; step dominated by: {part}",
        "bound_memory": "memory",
        "bound_tokens_per_second": "tokens/s SLO",
        "bound_ttft": "TTFT SLO",
        "no_ttft": "—",
        "capex": "CapEx",
        "tco": "Monthly TCO (owned)",
        "cloud": "Monthly cloud",
        "per_session": "Cost per session-month",
        "per_mtok": "Cost per 1M output tokens",
        "per_mtok_capacity": "Per 1M output tokens, nodes busy",
        "per_mtok_capacity_owned": "Per 1M tokens, nodes busy (owned)",
        "at_full_load": "at full load, without the SLO",
        "power": "Fleet power",
        "no_price": "no node price",
        "no_cloud": "no offer for this node",
        "no_rate": "pass --output-tokens-per-session-per-hour",
        "owned": "owned",
        "estimated": "estimated from TDP",
        "assumptions": "COST ASSUMPTIONS",
        "rate": "Exchange rate: 1 USD = {rate} {currency}{as_of}",
        "rate_as_of": " ({date})",
        "price": "Node price: {price}{install} ({source}{as_of})",
        "install": " + {price} installation",
        "no_price_line": "Node price: {source}",
        "offer": "Cloud: {offer}, {price}/hour {kind} ({source}, {as_of})",
        "api_line": "API: {offer}, {input} per 1M input tokens and {output} per 1M output "
        "tokens ({source}, {as_of})",
        "api": "Pay-per-token API, monthly",
        "break_even": "Break-even utilisation against the API",
        "break_even_value": "owned {owned} · cloud {cloud} (above that utilisation the fleet "
        "is cheaper than the API; a multiple of the load: the API is cheaper even at full load)",
        "times_load": "{x}× the load",
        "group": "{figures} ({source}{as_of})",
        "formulas": "Monthly TCO = depreciation (price × (1 − residual) / life) + capital (average "
        "book value × rate) + maintenance + energy (kW × hours × PUE × $/kWh) + facilities",
    },
}


# How each assumption is named and shown: (label, kind) with kind percent, money, number, or a
# unit word; labels per language.
ASSUMPTIONS: dict[str, tuple[str, str, str]] = {
    "hardware_life_years": ("vida útil", "hardware life", "years"),
    "residual_value_ratio": ("valor residual", "residual value", "percent"),
    "cost_of_capital_per_year": ("custo de capital", "cost of capital", "percent_year"),
    "maintenance_per_year": ("manutenção", "maintenance", "percent_year"),
    "usd_per_kwh": ("energia", "electricity", "money_kwh"),
    "pue": ("PUE", "PUE", "number"),
    "facilities_usd_per_node_month": ("facilities", "facilities", "money_node_month"),
    "hours_per_month": ("horas por mês", "hours per month", "hours"),
    "server_base_power_w": ("potência base do nó", "node base power", "watts"),
    "memory_bandwidth_utilization": ("MBU", "MBU", "percent"),
    "model_flops_utilization": ("MFU", "MFU", "percent"),
}
_UNITS: dict[Lang, dict[str, str]] = {
    "pt-BR": {
        "years": "{v} anos",
        "percent": "{p}",
        "percent_year": "{p} ao ano",
        "money_kwh": "{m}/kWh",
        "money_node_month": "{m} por nó-mês",
        "number": "{v}",
        "hours": "{v} h",
        "watts": "{v} W",
    },
    "en": {
        "years": "{v} years",
        "percent": "{p}",
        "percent_year": "{p} a year",
        "money_kwh": "{m}/kWh",
        "money_node_month": "{m} per node-month",
        "number": "{v}",
        "hours": "{v} h",
        "watts": "{v} W",
    },
}


class Money:
    """Amounts in USD shown in the sizing's currency, at its rate."""

    def __init__(self, finance: FinanceInfo, lang: Lang) -> None:
        self.finance, self.lang = finance, lang

    def __call__(self, usd: float | None, missing: str = "—", *, places: int | None = None) -> str:
        if usd is None:
            return missing
        amount = usd * self.finance.usd_to_currency
        return fmt_money(amount, self.finance.currency, self.lang, places=places)


# what dominates a decode step (step_time.Bound), in each language
STEP_PARTS: dict[Lang, dict[str, str]] = {
    "pt-BR": {
        "weights": "pesos",
        "kv": "KV",
        "compute": "computação",
        "communication": "comunicação",
        "overhead": "custo fixo",
    },
    "en": {
        "weights": "weights",
        "kv": "KV",
        "compute": "compute",
        "communication": "communication",
        "overhead": "fixed cost",
    },
}


def throughput_value(t: ScenarioThroughput, lang: Lang) -> str:
    w = WORDS[lang]
    return w["throughput_value"].format(
        rate=fmt_dec(t.tokens_per_second_per_session),
        node=fmt_int(round(t.tokens_per_second_per_node)),
        ttft=w["no_ttft"] if t.ttft_seconds is None else f"{fmt_dec(t.ttft_seconds, 2)} s",
        bound=w[f"bound_{t.limit or 'memory'}"],
        part=STEP_PARTS[lang][t.step_bound],
    )


def cost_rows(
    cost: ScenarioCost, money: Money, lang: Lang, *, terse: bool = False
) -> list[tuple[str, str]]:
    """(label, value) of a scenario's money: CapEx, TCO, cloud, per session, per token, power.

    terse: a dash where a figure is missing (tables), instead of saying what would give it."""
    w = dict(WORDS[lang])
    if terse:
        w.update(no_price="—", no_cloud="—", no_rate="—")
    cloud = (
        w["no_cloud"]
        if cost.cloud_offer is None
        else f"{money(cost.cloud_monthly_usd)} ({cost.cloud_offer})"
    )
    per_mtok = w["no_rate"]
    if cost.usd_per_mtok_cloud is not None:
        owned = money(cost.usd_per_mtok_owned, w["no_price"])
        per_mtok = f"{owned} ({w['owned']})"
        if cost.cloud_offer is not None:
            per_mtok += f" · {money(cost.usd_per_mtok_cloud)} ({cost.cloud_offer})"
    power = "—" if cost.power_kw is None else f"{fmt_dec(cost.power_kw)} kW"
    capacity = _capacity_value(cost, money, w)
    if cost.power_estimated and cost.power_kw is not None:
        power += f" ({w['estimated']})"
    return [
        (w["capex"], money(cost.capex_usd, w["no_price"])),
        (w["tco"], money(cost.tco_monthly_usd, w["no_price"])),
        (w["cloud"], cloud),
        (w["per_session"], money(cost.cost_per_session_month_usd, w["no_price"])),
        (w["per_mtok"], per_mtok),
        *([(w["per_mtok_capacity"], capacity)] if capacity else []),
        (w["power"], power),
        *api_rows(cost, money, lang),
    ]


def _capacity_value(cost: ScenarioCost, money: Money, w: dict[str, str]) -> str | None:
    """$/1M output tokens with the nodes busy, owned and rented, and at full load where an
    SLO holds the batch lower; None where neither the node nor an offer has a price."""
    parts = []
    for usd, full, who in (
        (cost.usd_per_mtok_capacity_owned, cost.usd_per_mtok_full_load_owned, w["owned"]),
        (cost.usd_per_mtok_capacity_cloud, cost.usd_per_mtok_full_load_cloud, cost.cloud_offer),
    ):
        if usd is None:
            continue
        part = f"{money(usd, places=2)} ({who})"
        if full is not None and full < usd * (1 - 1e-9):
            part += f" [{money(full, places=2)} {w['at_full_load']}]"
        parts.append(part)
    return " · ".join(parts) or None


def api_rows(cost: ScenarioCost, money: Money, lang: Lang) -> list[tuple[str, str]]:
    """The API's monthly cost for the workload and the break-even utilisations, where an API
    price and an output rate exist."""
    w = WORDS[lang]
    if cost.api_offer is None or cost.api_monthly_usd is None:
        return []  # no price, or no output rate to bill: nothing to hold the fleet against

    def share(x: float | None) -> str:
        """A utilisation up to full load; past it, the multiple of the load it would take."""
        if x is None:
            return "—"
        return fmt_pct(round(x, 3)) if x <= 1 else w["times_load"].format(x=fmt_dec(x))

    rows = [(w["api"], f"{money(cost.api_monthly_usd)} ({cost.api_offer})")]
    if cost.break_even_owned is not None or cost.break_even_cloud is not None:
        owned, cloud = share(cost.break_even_owned), share(cost.break_even_cloud)
        rows.append((w["break_even"], w["break_even_value"].format(owned=owned, cloud=cloud)))
    return rows


def rate_line(finance: FinanceInfo, lang: Lang) -> str | None:
    """'Exchange rate: 1 USD = 5.4 BRL (2026-11-20)' where amounts are shown in another
    currency; None in USD."""
    if finance.currency == "USD":
        return None
    w = WORDS[lang]
    return w["rate"].format(
        rate=fmt_num(finance.usd_to_currency),
        currency=finance.currency,
        as_of=w["rate_as_of"].format(date=finance.rate_as_of) if finance.rate_as_of else "",
    )


def money_column(name: str, finance: FinanceInfo) -> str:
    """A CSV money column's name in the amounts' currency: tco_monthly_usd, tco_monthly_brl."""
    return f"{name}_{finance.currency.lower()}"


def in_currency(usd: float | None, finance: FinanceInfo) -> float | None:
    return None if usd is None else usd * finance.usd_to_currency


def assumption_lines(finance: FinanceInfo, lang: Lang) -> list[str]:
    """The rate, the node price, the cloud offer and each assumption, with sources and dates
    (the catalogs' phrases in the language: catalog_phrases.py)."""
    w = WORDS[lang]
    money = Money(finance, lang)

    def dated(as_of: str | None) -> str:
        return f", {as_of}" if as_of else ""

    def said(text: object) -> str | None:
        """A catalog's phrase in the report's language (an analyst's own as written)."""
        return None if text is None else catalog_text(str(text), lang)

    lines = [line] if (line := rate_line(finance, lang)) else []
    if finance.node_price_usd is not None:
        lines.append(
            w["price"].format(
                price=money(finance.node_price_usd),
                install=w["install"].format(price=money(finance.install_usd))
                if finance.install_usd
                else "",
                source=said(finance.price_source),
                as_of=dated(finance.price_as_of),
            )
        )
    else:
        lines.append(w["no_price_line"].format(source=said(finance.price_source) or "—"))
    offer = finance.cloud_offer
    if offer is not None:
        lines.append(
            w["offer"].format(
                offer=offer.name,
                price=money(offer.usd_per_hour),
                kind=said(offer.price_kind),
                source=said(offer.source),
                as_of=offer.as_of,
            )
        )
    api = finance.api_offer
    if api is not None:
        lines.append(
            w["api_line"].format(
                offer=api.name,
                input=money(api.usd_per_mtok_input, places=3),
                output=money(api.usd_per_mtok_output, places=3),
                source=said(api.source),
                as_of=api.as_of,
            )
        )
    groups: dict[tuple[object, object], list[str]] = {}  # figures sharing a source and date
    for name, figure in finance.assumptions.items():
        groups.setdefault((figure["source"], figure["as_of"]), []).append(
            assumption_text(name, float(figure["value"]), money, lang)
        )
    for (source, as_of), figures in groups.items():
        lines.append(
            w["group"].format(figures=", ".join(figures), source=said(source), as_of=dated(as_of))
        )
    lines.append(w["formulas"])
    return lines


def assumption_text(name: str, value: float, money: Callable[[float], str], lang: Lang) -> str:
    """'vida útil 4 anos', 'energy $0.12/kWh', 'MBU 70%'."""
    pt, en, kind = ASSUMPTIONS[name]
    shown = _UNITS[lang][kind].format(
        v=fmt_num(value), p=fmt_pct(value), m=money(value) if kind.startswith("money") else ""
    )
    return f"{pt if lang == 'pt-BR' else en} {shown}"


def scenario_money_rows(
    r: ScenarioResult, finance: FinanceInfo, lang: Lang
) -> list[tuple[str, str]]:
    """Throughput and money rows of one scenario (none for an infeasible one)."""
    rows = []
    if r.throughput is not None:
        rows.append((WORDS[lang]["throughput"], throughput_value(r.throughput, lang)))
    if r.cost is not None:
        rows += cost_rows(r.cost, Money(finance, lang), lang)
    return rows
