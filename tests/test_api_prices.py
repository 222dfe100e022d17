"""Buy, rent or API: api.json, the workload through a pay-per-token API, and the break-even
utilisation on every face."""

from __future__ import annotations

import csv
import io
import json

import pytest

from sizing_xl import load_catalog, make_request, size
from sizing_xl.cli import run
from sizing_xl.request import HEADLINE_CASE, as_flags

CATALOG = load_catalog()
WORKLOAD = {
    "model": "llama-3.1-70b",
    "server": "dgx-h100",
    "concurrency": 700,
    "effective_context": 32768,
    "output_tokens_per_session_per_hour": 20000,
    "input_tokens_per_session_per_hour": 60000,
}


def write_api(tmp_path, entries: dict) -> str:
    (tmp_path / "api.json").write_text(json.dumps(entries), "utf-8")
    return str(tmp_path)


def price(model: str, usd_in: float, usd_out: float) -> dict:
    return {
        "provider": "Test",
        "models": [model],
        "usd_per_mtok_input": usd_in,
        "usd_per_mtok_output": usd_out,
        "source": "a test",
        "as_of": "2026-11",
    }


def test_every_packaged_api_price_is_sourced_dated_and_prices_a_catalog_model():
    assert len(CATALOG.api) >= 12
    for entry in CATALOG.api.values():
        assert entry.source and entry.as_of and entry.provider
        assert all(m in CATALOG.models for m in entry.models), entry.name
    priced = {m for entry in CATALOG.api.values() for m in entry.models}
    assert priced == set(CATALOG.models)  # every packaged model has a public price


def test_the_break_even_reproduces_a_hand_computed_case(tmp_path):
    catalog = load_catalog([write_api(tmp_path, {"flat": price("llama-3.1-70b", 1.0, 2.0)})])
    fields = {**WORKLOAD, "concurrency": 100, "api_offer": "flat"}
    fields |= {
        "output_tokens_per_session_per_hour": 1000,
        "input_tokens_per_session_per_hour": 3000,
    }
    cost = size(make_request(**fields), catalog).scenario("recommended").cost
    # 100 sessions x 730 h: 73 M output tokens at $2 and 219 M input tokens at $1 per million
    assert cost.api_monthly_usd == pytest.approx(146 + 219)
    assert cost.usd_per_mtok_api == pytest.approx(365 / 73)
    assert cost.break_even_owned == pytest.approx(cost.tco_monthly_usd / 365)
    assert cost.break_even_cloud == pytest.approx(cost.cloud_monthly_usd / 365)


def test_the_cheapest_price_depends_on_the_workload_s_mix(tmp_path):
    catalog = load_catalog(
        [
            write_api(
                tmp_path,
                {
                    "cheap-in": price("llama-3.1-70b", 0.001, 0.5),
                    "cheap-out": price("llama-3.1-70b", 0.5, 0.001),
                },
            )
        ]
    )
    reading = {**WORKLOAD, "input_tokens_per_session_per_hour": 100_000}
    writing = {**WORKLOAD, "input_tokens_per_session_per_hour": 100}
    assert size(make_request(**reading), catalog).finance.api_offer.name == "cheap-in"
    assert size(make_request(**writing), catalog).finance.api_offer.name == "cheap-out"


def test_a_dearer_api_never_raises_the_break_even(tmp_path):
    evens = []
    for usd_out in (0.2, 0.4, 0.8, 1.6):
        catalog = load_catalog([write_api(tmp_path, {"x": price("llama-3.1-70b", 0.1, usd_out)})])
        cost = size(make_request(**WORKLOAD, api_offer="x"), catalog).scenario("ideal").cost
        evens.append(cost.break_even_owned)
    assert evens == sorted(evens, reverse=True)


@pytest.mark.parametrize(
    ("offer", "words"),
    [
        ("fireworks-gpt-oss-120b", "--api-offer: 'fireworks-gpt-oss-120b' prices gpt-oss-120b"),
        ("openrouter-llama-3.1-7b", "did you mean"),
    ],
)
def test_an_api_offer_of_another_model_or_a_misspelt_one_is_one_line(capsys, offer, words):
    code = run([*as_flags(WORKLOAD), "--api-offer", offer])
    err = capsys.readouterr().err
    assert code == 2 and words in err and len(err.strip().splitlines()) == 1, err


def test_a_catalog_api_price_with_an_unknown_field_or_no_date_is_refused(tmp_path, capsys):
    bad = {**price("llama-3.1-70b", 1, 2), "usd_per_mtok_outptu": 3}
    assert run([*as_flags(WORKLOAD), "--catalog-dir", write_api(tmp_path, {"x": bad})]) == 3
    assert "usd_per_mtok_output" in capsys.readouterr().err
    undated = {k: v for k, v in price("llama-3.1-70b", 1, 2).items() if k != "as_of"}
    assert run([*as_flags(WORKLOAD), "--catalog-dir", write_api(tmp_path, {"x": undated})]) == 3


def test_the_text_report_holds_the_api_beside_the_fleet_only_with_a_workload(capsys):
    assert run([*as_flags(WORKLOAD), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "Pay-per-token API, monthly: $8,074 (openrouter-llama-3.1-70b)" in out
    assert "Break-even utilisation against the API: owned 15.7× the load · cloud 62.3× the" in out
    assert "API: openrouter-llama-3.1-70b, $0.130 per 1M input tokens" in out
    assert run([*as_flags(HEADLINE_CASE), "--lang", "en"]) == 0
    assert "Pay-per-token API" not in capsys.readouterr().out  # no output rate: nothing to bill


def test_compare_holds_the_api_as_a_row_in_text_csv_and_json(capsys):
    flags = ["compare", "--model", "llama-3.1-70b", "--servers", "dgx-h100,dgx-h200"]
    flags += ["--concurrency", "700", "--effective-context", "32768", "--lang", "en"]
    flags += ["--output-tokens-per-session-per-hour", "20000"]
    flags += ["--input-tokens-per-session-per-hour", "60000"]
    assert run(flags) == 0
    last = capsys.readouterr().out.splitlines()[-1]
    assert last.startswith("—  openrouter-llama-3.1-70b") and "$8,074" in last
    assert run([*flags, "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows[-1]["server"] == "openrouter-llama-3.1-70b" and rows[-1]["api_monthly_usd"]
    assert all(not r["api_monthly_usd"] for r in rows[:-1])
    assert run([*flags, "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["api"]["offer"]["name"] == "openrouter-llama-3.1-70b"
    assert doc["api"]["monthly_usd"] == pytest.approx(float(rows[-1]["api_monthly_usd"]), abs=0.01)


@pytest.mark.parametrize("lang", ["en", "pt-BR"])
def test_the_executive_page_shows_monthly_cost_by_utilisation(tmp_path, lang):
    from openpyxl import load_workbook

    from sizing_xl.excel.director.workbook import write_director_workbook

    result = size(make_request(**WORKLOAD), CATALOG)
    path = tmp_path / "board.xlsx"
    write_director_workbook(result, path, lang=lang, catalog=CATALOG)
    ws = load_workbook(path).worksheets[0]
    rows = [
        r for r in ws.iter_rows(values_only=True) if type(r[0]) in (int, float) and 0 < r[0] <= 1
    ]
    full = rows[-1]
    cost = result.scenario("recommended").cost
    assert full[0] == 1.0 and full[3] == pytest.approx(cost.api_monthly_usd)
    assert rows[0][0] == pytest.approx(0.1) and rows[0][3] == pytest.approx(
        cost.api_monthly_usd / 10
    )
    assert all(r[1] == pytest.approx(cost.tco_monthly_usd) for r in rows)
    assert len(ws._charts) == 3  # nodes, monthly cost, and cost by utilisation
    title = "COMPRAR, ALUGAR OU API" if lang == "pt-BR" else "BUY, RENT OR API"
    assert title in {r[0] for r in ws.iter_rows(values_only=True)}


def test_sizing_break_even_gives_the_cli_s_figure_in_a_cell(capsys):
    from sizing_xl.udfs import SIZING_BREAK_EVEN

    options = [
        ["output_tokens_per_session_per_hour", 20000.0],
        ["input_tokens_per_session_per_hour", 60000.0],
    ]
    args = ("llama-3.1-70b", "dgx-h100", 700.0, 32768.0)
    assert run([*as_flags(WORKLOAD), "--format", "json"]) == 0
    cost = json.loads(capsys.readouterr().out)["scenarios"]["recommended"]["results"]["cost"]
    assert SIZING_BREAK_EVEN("owned", *args, options=options) == pytest.approx(
        cost["break_even_owned"]
    )
    assert SIZING_BREAK_EVEN("cloud", *args, options=options) == pytest.approx(
        cost["break_even_cloud"]
    )
    assert SIZING_BREAK_EVEN("owned", *args).startswith("NO FIGURE: give output_tokens")


@pytest.mark.parametrize("lang", ["en", "pt-BR"])
def test_the_compare_workbook_holds_the_api_row_too(tmp_path, lang):
    from openpyxl import load_workbook

    target = tmp_path / "compare.xlsx"
    flags = ["compare", "--model", "llama-3.1-70b", "--servers", "dgx-h100,dgx-h200"]
    flags += ["--concurrency", "700", "--effective-context", "32768", "--lang", lang]
    flags += ["--output-tokens-per-session-per-hour", "20000", "--output-xlsx", str(target)]
    assert run(flags) == 0
    rows = list(load_workbook(target).worksheets[0].iter_rows(min_row=5, values_only=True))
    last = rows[-1]
    cost = size(make_request(**{**WORKLOAD, "input_tokens_per_session_per_hour": None}), CATALOG)
    assert last[1] == "openrouter-llama-3.1-70b"
    assert last[5] == pytest.approx(cost.scenario("recommended").cost.api_monthly_usd)
    assert ("0,130" if lang == "pt-BR" else "0.130") in last[8]
