"""The Executive sheet's "buy, rent or API": the Recommended fleet's monthly cost owned and
rented against the same workload through a pay-per-token API, by utilisation, with a chart."""

from __future__ import annotations

from openpyxl.chart import LineChart, Reference

from sizing_xl.excel.cells import BOLD, BOX, CENTER, header_row, put
from sizing_xl.excel.director.executive_writer import ExecutiveWriter
from sizing_xl.excel.live.money_formulas import money_format
from sizing_xl.i18n import Lang, fmt_dec, fmt_int, fmt_money, fmt_pct
from sizing_xl.reports.ranges import bound
from sizing_xl.scenarios import SizingResult

WORDS: dict[Lang, dict[str, str]] = {
    "pt-BR": {
        "section": "COMPRAR, ALUGAR OU API",
        "about": "Para a carga do cenário Recomendado ({sessions} sessões, {output} tokens de "
        "saída e {input} de entrada por sessão-hora), a frota própria custa {owned} por mês e a "
        "alugada {cloud}, usada ou não; a API {api} cobra por token: {api_full} por mês a plena "
        "carga ({price_in} por 1M de entrada, {price_out} por 1M de saída, {as_of}). {verdict}",
        "owned_wins": "Comprar sai mais barato que a API acima de {u} de utilização.",
        "api_wins": "A API sai mais barata mesmo a plena carga: comprar só empataria com "
        "{x}× esta carga.",
        "cloud_wins": " Alugar empata com a API em {u} de utilização.",
        "cloud_never": " Alugar só empataria com {x}× esta carga.",
        "utilization": "Utilização",
        "owned": "Próprio (TCO)",
        "cloud": "Nuvem",
        "api": "API",
        "chart": "Custo mensal por utilização ({currency})",
        "none": "sem preço",
    },
    "en": {
        "section": "BUY, RENT OR API",
        "about": "For the Recommended scenario's load ({sessions} sessions, {output} output and "
        "{input} input tokens per session-hour), the owned fleet costs {owned} a month and the "
        "rented one {cloud}, used or not; the API {api} bills per token: {api_full} a month at "
        "full load ({price_in} per 1M input, {price_out} per 1M output, {as_of}). {verdict}",
        "owned_wins": "Buying is cheaper than the API above {u} utilisation.",
        "api_wins": "The API is cheaper even at full load: buying would break even only at "
        "{x}× this load.",
        "cloud_wins": " Renting breaks even with the API at {u} utilisation.",
        "cloud_never": " Renting would break even only at {x}× this load.",
        "utilization": "Utilisation",
        "owned": "Owned (TCO)",
        "cloud": "Cloud",
        "api": "API",
        "chart": "Monthly cost by utilisation ({currency})",
        "none": "no price",
    },
}
assert set(WORDS["en"]) == set(WORDS["pt-BR"])
STEPS = tuple(range(10, 101, 10))  # utilisation, %


def add_api_section(out: ExecutiveWriter, result: SizingResult, lang: Lang) -> bool:
    """The section, its table and chart; False (nothing written) without an API price or an
    output rate to bill."""
    cost = result.scenario("recommended").cost
    api = result.finance.api_offer
    if cost is None or api is None or cost.api_monthly_usd is None:
        return False
    w, req, f = WORDS[lang], result.inputs, result.finance
    rate, currency = f.usd_to_currency, f.currency

    def money(usd: float | None, places: int | None = None) -> str:
        if usd is None:
            return w["none"]
        # English digits: the sheet's text is localised once, at the end (workbook.py)
        return fmt_money(usd * rate, currency, lang, places=places, english_digits=True)

    def pct(x: float) -> str:
        return fmt_pct(round(x, 3))

    verdict = ""
    for x, below, above in (
        (cost.break_even_owned, "owned_wins", "api_wins"),
        (cost.break_even_cloud, "cloud_wins", "cloud_never"),
    ):
        if x is not None:
            verdict += w[below if x <= 1 else above].format(u=pct(x), x=fmt_dec(x))
    out.section(w["section"])
    out.paragraph(
        w["about"].format(
            sessions=fmt_int(req.concurrency),
            output=bound(req.output_tokens_per_session_per_hour or 0),
            input=bound(req.input_tokens_per_session_per_hour or 0),
            owned=money(cost.tco_monthly_usd),
            cloud=money(cost.cloud_monthly_usd),
            api=api.label,
            api_full=money(cost.api_monthly_usd),
            price_in=money(api.usd_per_mtok_input, 3),
            price_out=money(api.usd_per_mtok_output, 3),
            as_of=api.as_of,
            verdict=verdict.strip(),
        )
    )
    ws, top = out.ws, out.row
    header_row(ws, top, 1, [w["utilization"], w["owned"], w["cloud"], w["api"]])
    fmt = money_format(currency)
    for i, step in enumerate(STEPS, 1):
        u = step / 100
        row = [
            u,
            None if cost.tco_monthly_usd is None else cost.tco_monthly_usd * rate,
            None if cost.cloud_monthly_usd is None else cost.cloud_monthly_usd * rate,
            cost.api_monthly_usd * u * rate,
        ]
        for col, value in zip("ABCD", row, strict=True):
            put(
                ws,
                f"{col}{top + i}",
                "—" if value is None else value,
                number_format="0%" if col == "A" else fmt,
                border=BOX,
                alignment=CENTER,
                font=BOLD if col == "A" else None,
            )
    last = top + len(STEPS)
    chart = LineChart()
    chart.title = w["chart"].format(currency=currency)
    chart.y_axis.majorGridlines = None
    for col, value in ((2, cost.tco_monthly_usd), (3, cost.cloud_monthly_usd), (4, 1.0)):
        if value is not None:
            chart.add_data(
                Reference(ws, min_col=col, min_row=top, max_row=last), titles_from_data=True
            )
    chart.set_categories(Reference(ws, min_col=1, min_row=top + 1, max_row=last))
    chart.y_axis.delete = False
    chart.x_axis.delete = False
    chart.legend.position = "b"
    chart.height, chart.width = 6.5, 11.5
    ws.add_chart(chart, f"G{top}")
    out.row = max(last + 1, top + 14)  # the chart stands beside the table
    return True
