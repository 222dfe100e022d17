"""Ranges (--uncertain): P10/P50/P90 of nodes and money, each sample a whole size(), and the tornado."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from sizing_xl import load_catalog, make_request, size
from sizing_xl.cli import run
from sizing_xl.planning.ranges import (
    FIELDS,
    METRICS,
    Uncertain,
    parse_uncertain,
    percentiles,
    size_ranges,
)
from sizing_xl.request import HEADLINE_CASE, SCENARIO_NAMES

CATALOG = load_catalog()
PRICED = {
    **HEADLINE_CASE,
    "node_price_usd": 500_000,
    "output_tokens_per_session_per_hour": 3600,
}


def figures(result, rate: float = 1.0) -> dict[tuple[str, str], float | None]:
    """Every metric of every scenario of a whole size(), money at the rate."""
    out = {}
    for name in SCENARIO_NAMES:
        r = result.scenario(name)
        for metric, read in METRICS.items():
            value = read(r.nodes_final, r.cost)
            out[metric, name] = value * rate if value is not None and metric != "nodes" else value
    return out


def spreads_at(ranges, p: str) -> dict[tuple[str, str], float | None]:
    return {(s.metric, s.scenario): getattr(s, p) for s in ranges.spreads}


def fixed(field: str, value: float) -> Uncertain:
    return Uncertain(field=field, low=value, high=value)


def test_ranges_whose_inputs_are_fixed_give_the_point_estimate_at_every_percentile():
    point = figures(size(make_request(**PRICED), CATALOG))
    r = size_ranges(
        PRICED,
        [fixed("concurrency", 1000), fixed("usd_per_kwh", 0.12), fixed("hardware_life_years", 4)],
        samples=500,
        catalog=CATALOG,
    )
    assert point[("nodes", "recommended")] == 3
    for p in ("point", "p10", "p50", "p90"):
        assert spreads_at(r, p) == pytest.approx(point)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("concurrency", 1700),  # the load alone
        ("peak_headroom_ratio", 0.45),  # Ideal follows the stricter request
        ("node_price_usd", 321_000),
        ("usd_per_kwh", 0.31),
        ("pue", 1.9),
        ("output_tokens_per_session_per_hour", 900),
        ("effective_context", 65_536),  # the capacity stage reruns
        ("kv_budget_ratio", 0.55),
        ("runtime_overhead_gib", 300),
    ],
)
def test_each_sample_is_a_whole_sizing_of_its_request_fields(field, value):
    r = size_ranges(PRICED, [fixed(field, value)], samples=3, catalog=CATALOG)
    whole = figures(size(make_request(**{**PRICED, field: value}), CATALOG))
    assert spreads_at(r, "p50") == pytest.approx(whole)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("hardware_life_years", 6),
        ("residual_value_ratio", 0.05),
        ("cost_of_capital_per_year", 0.12),
        ("maintenance_per_year", 0.02),
        ("facilities_usd_per_node_month", 750),
        ("server_base_power_w", 3000),
    ],
)
def test_each_sample_of_a_finance_assumption_is_a_sizing_on_that_finance_catalog(field, value):
    r = size_ranges(PRICED, [fixed(field, value)], samples=3, catalog=CATALOG)
    figure = CATALOG.finance[field]
    finance = {**CATALOG.finance, field: replace(figure, value=value)}
    whole = figures(size(make_request(**PRICED), replace(CATALOG, finance=finance)))
    assert spreads_at(r, "p50") == pytest.approx(whole)


def test_a_cloud_price_and_an_exchange_rate_reach_every_amount():
    base = {**PRICED, "server": "dgx-h100", "model": "llama-3.1-70b"}
    point = size(make_request(**base), CATALOG)
    offer = point.finance.cloud_offer
    assert offer is not None
    r = size_ranges(base, [fixed("cloud_usd_per_hour", offer.usd_per_hour * 2)], samples=2)
    assert r.spread("cloud_monthly", "recommended").p50 == pytest.approx(
        2 * point.scenario("recommended").cost.cloud_monthly_usd
    )
    brl = {**base, "currency": "BRL", "usd_to_currency": 5.0}
    r = size_ranges(brl, [fixed("usd_to_currency", 6.0)], samples=2)
    assert r.currency == "BRL"
    assert spreads_at(r, "p50") == pytest.approx(figures(point, rate=6.0))
    assert spreads_at(r, "point") == pytest.approx(figures(point, rate=5.0))


def test_the_same_seed_gives_the_same_ranges_and_another_input_leaves_the_draws_alone():
    load = Uncertain(field="concurrency", low=600, high=2400, distribution="triangular")
    one = size_ranges(PRICED, [load], samples=2000, seed=7, catalog=CATALOG)
    assert size_ranges(PRICED, [load], samples=2000, seed=7, catalog=CATALOG) == one
    both = size_ranges(
        PRICED, [load, fixed("usd_per_kwh", 0.12)], samples=2000, seed=7, catalog=CATALOG
    )
    assert both.spreads == one.spreads
    other = size_ranges(PRICED, [load], samples=2000, seed=8, catalog=CATALOG)
    assert other.spreads != one.spreads


@pytest.mark.parametrize(
    ("field", "narrow", "wide"),
    [
        ("concurrency", (900, 1100), (500, 1500)),
        ("node_price_usd", (450_000, 550_000), (300_000, 700_000)),
        ("effective_context", (98_304, 131_072), (65_536, 163_840)),
        ("hardware_life_years", (3.5, 4.5), (2, 6)),
    ],
)
def test_widening_an_input_about_its_centre_never_narrows_an_output(field, narrow, wide):
    def run_(span):
        u = Uncertain(field=field, low=span[0], high=span[1])
        return size_ranges(PRICED, [u], samples=400, seed=3, catalog=CATALOG)

    a, b = run_(narrow), run_(wide)
    for s in a.spreads:
        w = b.spread(s.metric, s.scenario)
        if s.p10 is None:
            continue
        assert w.p10 <= s.p10 and w.p90 >= s.p90, (s, w)


def test_more_load_or_a_higher_price_never_gives_a_lower_percentile():
    low = size_ranges(PRICED, [Uncertain(field="concurrency", low=500, high=1500)], samples=300)
    high = size_ranges(PRICED, [Uncertain(field="concurrency", low=900, high=1900)], samples=300)
    cheap = size_ranges(PRICED, [Uncertain(field="node_price_usd", low=3e5, high=5e5)], samples=300)
    dear = size_ranges(PRICED, [Uncertain(field="node_price_usd", low=4e5, high=6e5)], samples=300)
    totals = {"nodes", "capex", "tco_monthly", "cloud_monthly"}  # per token falls with load
    for lo, hi, metrics in ((low, high, totals), (cheap, dear, set(METRICS))):
        for s in lo.spreads:
            if s.metric not in metrics:
                continue
            h = hi.spread(s.metric, s.scenario)
            for p in ("p10", "p50", "p90"):
                if getattr(s, p) is not None:
                    assert getattr(h, p) >= getattr(s, p)


def test_the_tornado_moves_one_input_at_a_time_and_ranks_the_largest_swing_first():
    r = size_ranges(
        PRICED,
        [
            Uncertain(field="usd_per_kwh", low=0.08, high=0.2),
            Uncertain(field="hardware_life_years", low=3, high=6),
            Uncertain(field="concurrency", low=800, high=1200),
        ],
        samples=200,
        catalog=CATALOG,
    )
    assert r.tornado_metric == "tco_monthly"
    swings = [b.swing for b in r.tornado]
    assert swings == sorted(swings, reverse=True)
    life = next(b for b in r.tornado if b.field == "hardware_life_years")
    for years, got in ((3, life.at_low), (6, life.at_high)):
        figure = CATALOG.finance["hardware_life_years"]
        finance = {
            **CATALOG.finance,
            "hardware_life_years": replace(figure, value=years),
        }
        whole = size(make_request(**PRICED), replace(CATALOG, finance=finance))
        assert got == pytest.approx(whole.scenario("recommended").cost.tco_monthly_usd)


def test_an_unpriced_server_ranks_by_nodes_and_a_price_range_gives_money_from_mid_range():
    unpriced = {**HEADLINE_CASE}
    r = size_ranges(unpriced, [Uncertain(field="concurrency", low=500, high=3000)], samples=100)
    assert r.tornado_metric == "nodes"
    assert r.spread("tco_monthly", "recommended").p50 is None
    r = size_ranges(unpriced, [Uncertain(field="node_price_usd", low=4e5, high=6e5)], samples=100)
    assert r.tornado_metric == "tco_monthly"
    assert r.spread("capex", "recommended").point is None  # the point has no price
    assert r.spread("capex", "recommended").p50 == pytest.approx(3 * 5e5, rel=0.2)


def test_percentiles_rank_the_samples_where_nothing_fits_above_every_number():
    assert percentiles([3, 1, 2, None], (10, 50, 90)) == [1, 2, None]
    assert percentiles([5], (10, 50, 90)) == [5, 5, 5]
    r = size_ranges(
        HEADLINE_CASE,
        [Uncertain(field="runtime_overhead_gib", low=1800, high=2300)],
        samples=200,
        catalog=CATALOG,
    )
    nodes = r.spread("nodes", "recommended")
    assert 0 < nodes.unsized_share < 1 and nodes.p90 is None and nodes.p10 is not None


@pytest.mark.parametrize(
    ("spec", "words"),
    [
        ("concurency=1..2", "did you mean concurrency"),
        ("concurrency=5..1", "LOW <= HIGH"),
        ("concurrency=1..2:normal", "uniform, triangular, loguniform"),
        ("concurrency", "FIELD=LOW..HIGH"),
        ("kv-budget-ratio=0.5..1.5", "--uncertain kv-budget-ratio: expected a number <= 1"),
        ("hardware-life-years=0..5", "between 0.1 and 50"),
        ("usd-per-kwh=0..0.2:loguniform", "LOW > 0"),
        ("output-tokens-per-session-per-hour=0..100", "0 or at least 1"),
        ("concurrency=1e400..2", "finite number"),
    ],
)
def test_a_bad_range_is_one_line_exit_2(capsys, spec, words):
    code = run([*_flags(HEADLINE_CASE), "--uncertain", spec])
    err = capsys.readouterr().err
    assert code == 2 and words in err and len(err.strip().splitlines()) == 1, err


def test_samples_and_repeated_fields_are_bounded_before_anything_is_drawn(capsys):
    assert run([*_flags(HEADLINE_CASE), "--uncertain", "pue=1..2", "--samples", "0"]) == 2
    assert run([*_flags(HEADLINE_CASE), "--uncertain", "pue=1..2", "--samples", "100001"]) == 2
    both = ["--uncertain", "pue=1..2", "--uncertain", "pue=1.1..2"]
    assert run([*_flags(HEADLINE_CASE), *both]) == 2
    assert "given twice" in capsys.readouterr().err


def test_every_field_a_range_names_is_one_the_engine_reads():
    for field in FIELDS:
        assert parse_uncertain(f"{field.replace('_', '-')}=1..2", float).field == field


def test_the_text_and_json_reports_carry_the_ranges_and_the_seed_case_is_unchanged(capsys):
    flags = [*_flags(PRICED), "--lang", "en"]
    assert run(flags) == 0
    plain = capsys.readouterr().out
    assert run([*flags, "--uncertain", "hardware-life-years=4..6", "--samples", "300"]) == 0
    text = capsys.readouterr().out
    assert text.startswith(plain) and "RANGES — 300 samples" in text and "TORNADO" in text
    assert "SUMMARY: MINIMUM: 2 nodes | RECOMMENDED: 3 nodes | IDEAL: 5 nodes" in text
    assert run([*flags, "--format", "json", "--uncertain", "concurrency=900..1100"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["summary"] == {"minimum": 2, "recommended": 3, "ideal": 5}
    assert doc["ranges"]["samples"] == 10_000 and doc["ranges"]["tornado"][0]["swing"] >= 0
    assert {s["metric"] for s in doc["ranges"]["spreads"]} == set(METRICS)
    assert run([*_flags(PRICED), "--format", "json"]) == 0
    assert "ranges" not in json.loads(capsys.readouterr().out)


def test_the_pt_br_section_speaks_portuguese_with_brazilian_money(capsys):
    flags = [*_flags(PRICED), "--currency", "BRL", "--usd-to-currency", "5.4"]
    assert run([*flags, "--uncertain", "usd-per-kwh=0.1..0.2", "--samples", "100"]) == 0
    out = capsys.readouterr().out
    assert "FAIXAS — 100 amostras" in out and "R$ " in out and "uniforme" in out


def _flags(case: dict[str, object]) -> list[str]:
    return [a for k, v in case.items() for a in (f"--{k.replace('_', '-')}", str(v))]


@pytest.mark.parametrize("lang", ["en", "pt-BR"])
def test_the_executive_page_shows_each_percentile_beside_the_point(tmp_path, lang):
    from openpyxl import load_workbook

    from sizing_xl.excel.director.workbook import write_director_workbook

    result = size(make_request(**PRICED), CATALOG)
    r = size_ranges(
        PRICED,
        [
            Uncertain(field="concurrency", low=800, high=1500, distribution="triangular"),
            Uncertain(field="hardware_life_years", low=4, high=6),
        ],
        samples=500,
        catalog=CATALOG,
    )
    path = tmp_path / "board.xlsx"
    write_director_workbook(result, path, lang=lang, catalog=CATALOG, ranges=r)
    ws = load_workbook(path).worksheets[0]
    rows = {row[0]: row[1:4] for row in ws.iter_rows(values_only=True) if row[0]}
    p50 = "Nós (final) — P50" if lang == "pt-BR" else "Nodes (final) — P50"
    assert rows[p50] == tuple(r.spread("nodes", n).p50 for n in SCENARIO_NAMES)
    tco = next(k for k in rows if str(k).endswith("— P90") and "TCO" in str(k))
    assert rows[tco] == pytest.approx(tuple(r.spread("tco_monthly", n).p90 for n in SCENARIO_NAMES))
    bars = [
        row[0]
        for row in ws.iter_rows(values_only=True)
        if row[0] in {"concurrency", "hardware-life-years"}
    ]
    assert bars == [b.field.replace("_", "-") for b in r.tornado]
    write_director_workbook(result, tmp_path / "plain.xlsx", lang=lang, catalog=CATALOG)
    plain = load_workbook(tmp_path / "plain.xlsx").worksheets[0]
    assert p50 not in {row[0] for row in plain.iter_rows(values_only=True)}


def test_sizing_range_gives_the_cli_s_percentiles_in_a_cell():
    from sizing_xl.udfs import SIZING_RANGE

    args = ("opt-oss-120b", "dgx300", 1000.0, 131072.0)
    options = [["node_price_usd", 500000.0], ["output_tokens_per_session_per_hour", 3600.0]]
    rows = [["concurrency", 800.0, 1500.0, "triangular"], ["hardware_life_years", 4.0, 6.0, None]]
    want = size_ranges(
        PRICED,
        [
            Uncertain(field="concurrency", low=800, high=1500, distribution="triangular"),
            Uncertain(field="hardware_life_years", low=4, high=6),
        ],
        samples=2000,
        catalog=CATALOG,
    )
    for percentile, attr in (("P10", "p10"), (50.0, "p50"), ("p90", "p90"), ("point", "point")):
        for metric in ("nodes", "tco_monthly"):
            got = SIZING_RANGE(metric, percentile, rows, *args, "ideal", options=options)
            assert got == pytest.approx(getattr(want.spread(metric, "ideal"), attr))
    texts = [["concurrency=800..1500:triangular"], ["hardware-life-years=4..6"], [None]]
    assert (
        SIZING_RANGE("nodes", "P90", texts, *args, options=options)
        == want.spread("nodes", "recommended").p90
    )


@pytest.mark.parametrize(
    ("metric", "percentile", "rows", "options", "words"),
    [
        ("nodes", "P55", ["concurrency=1..2"], None, "ERROR: percentile:"),
        ("nodes", "P50", ["concurency=1..2"], None, "ERROR: uncertain: no uncertain field"),
        ("nodes", "P50", [["concurrency", 5.0, 1.0]], None, "ERROR: uncertain concurrency:"),
        ("nodes", "P50", [["concurrency", 1.0, "x"]], None, "high: expected a finite number"),
        ("nodes", "P50", [[None, None]], None, "required, but the cells are empty"),
        ("tco_monthly", "P50", ["pue=1.2..1.5"], None, "give node_price_usd or cloud_offer"),
        ("per_mtok_owned", "P50", ["pue=1.2..1.5"], [["node_price_usd", 1e5]], "output_tokens"),
    ],
)
def test_sizing_range_says_in_one_line_what_is_wrong_or_missing(
    metric, percentile, rows, options, words
):
    from sizing_xl.udfs import SIZING_RANGE

    got = SIZING_RANGE(
        metric, percentile, rows, "opt-oss-120b", "dgx300", 1000.0, 131072.0, options=options
    )
    assert isinstance(got, str) and words in got and "\n" not in got, got
