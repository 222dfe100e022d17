"""Money and throughput: costs computed by hand, the roofline, SLOs, and every figure dated."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sizing_xl import InputError, load_catalog, make_request, size
from sizing_xl.step_time import perf_constants, weights_read_fraction
from sizing_xl.throughput import SLOW_DECODE_TOKENS_PER_SECOND
from tests.conftest import SEED_ARGS

H100_CASE = dict(
    model="llama-3.1-70b",
    server="dgx-h100",
    concurrency=1000,
    effective_context=8192,
    tensor_parallel=8,
)


def test_owned_tco_by_hand(catalog):
    # 6 DGX H100 at $285,000 + $22,300; 4 years, 20 % residual, 8 %, 5 %, 10.2 kW, PUE 1.4
    r = size(make_request(**H100_CASE), catalog).scenario("recommended")
    assert r.nodes_final == 6
    c = r.cost
    price = 285_000 + 22_300
    assert c.capex_usd == pytest.approx(6 * price)
    depreciation = price * 0.8 / 48
    capital = price * 1.2 / 2 * 0.08 / 12
    maintenance = price * 0.05 / 12
    energy = 10.2 * 730 * 1.4 * 0.12
    assert c.depreciation_monthly_usd == pytest.approx(6 * depreciation)
    assert c.capital_monthly_usd == pytest.approx(6 * capital)
    assert c.energy_monthly_usd == pytest.approx(6 * energy)
    assert c.tco_monthly_usd == pytest.approx(
        6 * (depreciation + capital + maintenance + energy + 200)
    )
    assert c.tco_monthly_usd == pytest.approx(54_493.27, abs=0.01)
    assert c.power_kw == pytest.approx(61.2) and not c.power_estimated
    assert c.cost_per_session_month_usd == pytest.approx(c.tco_monthly_usd / 1000)


def test_cloud_cost_by_hand(catalog):
    # the cheapest on-demand 8 x H100 offer is CoreWeave's $49.24/hour; AWS's on request
    r = size(make_request(**H100_CASE, output_tokens_per_session_per_hour=20000), catalog)
    c = r.scenario("recommended").cost
    assert c.cloud_offer == "coreweave-8xh100"
    assert c.cloud_monthly_usd == pytest.approx(49.24 * 730 * 6)
    tokens_per_month = 1000 * 20000 * 730
    assert c.usd_per_mtok_cloud == pytest.approx(c.cloud_monthly_usd / tokens_per_month * 1e6)
    aws = size(make_request(**H100_CASE, cloud_offer="aws-p5.48xlarge"), catalog)
    assert aws.scenario("recommended").cost.cloud_monthly_usd == pytest.approx(55.04 * 730 * 6)


def test_seed_case_keeps_its_nodes_and_prints_the_throughput_check(catalog):
    r = size(make_request(**SEED_ARGS), catalog)
    assert [r.scenario(n).nodes_final for n in ("minimum", "recommended", "ideal")] == [2, 3, 5]
    t = r.scenario("recommended").throughput
    assert t.bound == "memory" and t.limit is None
    # 629 sessions over 8 TP=1 replicas: the busiest GPU decodes 79 sessions; it reads 79 x
    # 2.25 GiB of KV and 92 % of the 60.8 GiB of MoE weights per step at 8 TB/s x the fitted
    # bandwidth efficiency, plus the fixed costs of its 36 MoE layers
    assert t.sessions_per_replica == 79
    assert t.weights_read_fraction == pytest.approx(weights_read_fraction(r.model, 79))
    mbu = perf_constants().bandwidth_efficiency
    read_ms = (t.weights_gib_read_per_step + t.kv_gib_read_per_step) * 2**30 / (8e12 * mbu) * 1e3
    assert t.weights_ms + t.kv_ms == pytest.approx(read_ms)
    assert t.step_bound == "kv" and t.compute_ms < read_ms
    assert t.time_per_output_token_ms == pytest.approx(
        read_ms + t.overhead_ms
    )  # TP 1: no all-reduce
    assert t.tokens_per_second_per_session == pytest.approx(1e3 / t.time_per_output_token_ms)
    assert 15 < t.tokens_per_second_per_session < 25
    # the slow-decode alert follows the figure, whichever side of 20 a refit puts it
    slow = t.tokens_per_second_per_session < SLOW_DECODE_TOKENS_PER_SECOND
    assert slow == ("SLOW_DECODE" in {a.code for a in r.alerts})
    assert r.scenario("recommended").cost.capex_usd is None  # NVIDIA publishes no DGX B300 price


def test_throughput_binds_before_memory_with_a_tokens_per_second_slo(catalog):
    base = size(make_request(**SEED_ARGS, tensor_parallel=8), catalog)
    slo = size(make_request(**SEED_ARGS, tensor_parallel=8, min_tokens_per_second=150), catalog)
    for name in ("minimum", "recommended", "ideal"):
        r, b = slo.scenario(name), base.scenario(name)
        assert r.throughput.bound == "throughput" and r.throughput.limit == "tokens_per_second"
        assert r.sessions_per_node < b.sessions_per_node and r.nodes_final > b.nodes_final
        assert r.throughput.tokens_per_second_per_session >= 150
    assert "THROUGHPUT_BOUND" in [a.code for a in slo.alerts]


def test_an_slo_no_session_meets_is_infeasible_and_says_why(catalog):
    # DeepSeek-V3's 625 GiB of weights over 8 H200 take longer to read than 1 / 500 s
    r = size(
        make_request(
            model="deepseek-v3",
            server="dgx-h200",
            concurrency=10,
            effective_context=4096,
            tensor_parallel=8,
            min_tokens_per_second=500,
        ),
        catalog,
    )
    assert r.scenario("recommended").nodes_final is None
    alert = next(a for a in r.alerts if a.code == "SLO_UNREACHABLE")
    assert alert.severity == "critical" and "one session alone decodes" in alert.message("en")
    ttft = size(make_request(**SEED_ARGS, max_ttft_seconds=0.5), catalog)
    assert ttft.scenario("ideal").nodes_final is None
    assert "prefill of 131,072 tokens" in next(
        a.message("en") for a in ttft.alerts if a.code == "SLO_UNREACHABLE"
    )


def test_slow_sessions_raise_an_info_alert(catalog):
    # a node full of KV reads it all every step: a smaller KV budget keeps sessions quick
    light = {**SEED_ARGS, "concurrency": 100, "effective_context": 8192, "kv_budget_ratio": 0.3}
    r = size(make_request(**light), catalog)
    codes = {a.code for a in r.alerts}
    slow = size(make_request(model="llama-3.1-70b", server="dgx-h100", concurrency=500,
                             effective_context=4096), catalog)  # fmt: skip
    assert "SLOW_DECODE" not in codes
    assert "SLOW_DECODE" in {a.code for a in slow.alerts}


def test_moe_reads_active_weights_alone_and_nearly_all_when_full(catalog):
    gpt = catalog.model("gpt-oss-120b")
    assert weights_read_fraction(gpt, 1) == pytest.approx(5.1 / 116.8 + (1 - 5.1 / 116.8) * 4 / 128)
    assert weights_read_fraction(gpt, 500) > 0.99
    assert weights_read_fraction(catalog.model("llama-3.1-70b"), 1) == 1.0


def test_currency_converts_every_amount_and_states_the_rate(catalog):
    usd = size(make_request(**H100_CASE), catalog)
    brl = size(
        make_request(**H100_CASE, currency="brl", usd_to_currency=5.4, rate_as_of="2026-11-20"),
        catalog,
    )
    assert brl.scenario("recommended").cost == usd.scenario("recommended").cost  # kept in USD
    from sizing_xl.reports.text import render_text_report

    text = render_text_report(brl)
    assert "CapEx: R$ 9.956.520" in text  # 6 x 307,300 x 5.4
    assert "Câmbio: 1 USD = 5.4 BRL (2026-11-20)" in text
    assert "CapEx: $1,843,800" in render_text_report(usd, lang="en")


# --- data: every figure with its source and date -------------------------------------------


def test_every_price_power_and_offer_has_a_source_and_a_date(catalog):
    for server in catalog.servers.values():
        assert server.price_source, server.name  # says where the price is, or that none exists
        if server.capex_usd is not None or server.install_usd is not None:
            assert server.price_as_of, server.name
        assert server.power_source and server.power_as_of, server.name
    for offer in catalog.cloud.values():
        assert offer.source and offer.as_of and offer.usd_per_hour > 0, offer.name
        assert offer.server in catalog.servers, offer.name
        if offer.usd_per_hour_3y or offer.usd_per_hour_1y:
            assert offer.committed_source, offer.name
    for figure in catalog.finance.values():
        assert figure.source and figure.as_of and figure.unit, figure.name


def test_a_price_without_a_date_is_refused(tmp_path):
    from sizing_xl import CatalogError

    (tmp_path / "servers.json").write_text(
        json.dumps(
            {
                "my-node": {
                    "vendor": "X",
                    "family": "Y",
                    "gpu": "Z",
                    "gpus_per_node": 8,
                    "hbm_per_gpu_gb": 80,
                    "capex_usd": 100000,
                    "price_source": "a quote",
                    "source": "datasheet",
                }
            }
        )
    )
    with pytest.raises(CatalogError, match="price_as_of"):
        load_catalog([tmp_path])


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("flags", "flag", "words"),
    [
        (["--node-price-usd", "-1"], "--node-price-usd", ">= 0"),
        (["--pue", "0.9"], "--pue", ">= 1"),
        (["--memory-bandwidth-utilization", "1.5"], "--memory-bandwidth-utilization", "<= 1"),
        (["--model-flops-utilization", "0"], "--model-flops-utilization", "> 0"),
        (["--cloud-offer", "aws-p5"], "--cloud-offer", "did you mean 'aws-p5.48xlarge'"),
        (["--currency", "BRL"], "--usd-to-currency", "needs the rate"),
        (
            ["--rate-as-of", "yesterday", "--currency", "BRL", "--usd-to-currency", "5"],
            "--rate-as-of",
            "YYYY-MM-DD",
        ),
    ],
)
def test_bad_money_input_is_one_line(flags, flag, words):
    proc = subprocess.run(
        [sys.executable, "-m", "sizing_xl", *[a for k, v in SEED_ARGS.items()
         for a in (f"--{k.replace('_', '-')}", str(v))], *flags],
        capture_output=True,
        text=True,
        timeout=60,
    )  # fmt: skip
    assert proc.returncode == 2, proc.stdout
    assert proc.stderr.count("\n") == 1 and flag in proc.stderr and words in proc.stderr


def test_an_offer_of_another_node_is_refused(catalog):
    with pytest.raises(InputError, match="is 8 × H200, not the 8 × B300"):
        size(make_request(**SEED_ARGS, cloud_offer="aws-p5en.48xlarge"), catalog)


# --- properties ------------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(
    price=st.floats(1_000, 5_000_000),
    more=st.floats(1, 1_000_000),
    kwh=st.floats(0, 1),
    pue=st.floats(1, 3),
)
def test_a_higher_price_never_costs_less(price, more, kwh, pue):
    def tco(p: float, k: float) -> float:
        r = size(make_request(**H100_CASE, node_price_usd=p, usd_per_kwh=k, pue=pue)).scenario(
            "recommended"
        )
        return r.cost.tco_monthly_usd

    assert tco(price + more, kwh) >= tco(price, kwh)
    assert tco(price, kwh + 0.05) >= tco(price, kwh)


@settings(max_examples=40, deadline=None)
@given(
    model=st.sampled_from(["llama-3.1-70b", "gpt-oss-120b", "qwen3-32b", "mixtral-8x7b"]),
    rate=st.floats(1, 400),
    stricter=st.floats(0, 300),
    context=st.integers(512, 32768),
)
def test_a_stricter_slo_never_needs_fewer_nodes(model, rate, stricter, context):
    def nodes(slo: float) -> int | None:
        return (
            size(
                make_request(
                    model=model,
                    server="dgx-h200",
                    concurrency=500,
                    effective_context=context,
                    tensor_parallel=8,
                    min_tokens_per_second=slo,
                )
            )
            .scenario("recommended")
            .nodes_final
        )

    loose, strict = nodes(rate), nodes(rate + stricter)
    assert strict is None or (loose is not None and strict >= loose)


def test_executive_report_shows_money_beside_relative_capex(catalog):
    from sizing_xl.reports.executive import render_executive_report

    result = size(make_request(**H100_CASE, output_tokens_per_session_per_hour=20000), catalog)
    en = render_executive_report(result, lang="en")
    assert "| **CapEx** | $1,229,200 | $1,843,800 | $2,458,400 |" in en
    assert "| **Cost per 1M output tokens** | $2.49 (owned) · $9.85 (coreweave-8xh100)" in en
    assert "**Cost assumptions:** Node price: $285,000 + $22,300 installation" in en
    assert "hardware life 4 years, residual value 20%" in en and ", 2026)" in en
    assert "| **Throughput at full load** | 31.7 tokens/s per session" in en
    pt = render_executive_report(
        size(make_request(**H100_CASE, currency="BRL", usd_to_currency=5.4), catalog)
    )
    assert "| **CapEx** | R$ 6.637.680 | R$ 9.956.520 | R$ 13.275.360 |" in pt
    assert "Câmbio: 1 USD = 5.4 BRL" in pt


# --- the Excel functions: Excel-typed arguments, an options range ------------------------------


def test_money_functions_take_excel_values_and_an_options_range():
    import sizing_xl.udfs as u

    args = ("llama-3.1-70b", "dgx-h100", 1000.0, 8192.0, None, None, None, None, None, 8.0)
    assert u.SIZING_CAPEX(*args) == pytest.approx(6 * 307_300)
    assert u.SIZING_TCO_MONTHLY(*args) == pytest.approx(54_493.27, abs=0.01)
    assert u.SIZING_CLOUD_MONTHLY(*args) == pytest.approx(49.24 * 730 * 6)
    full = size(make_request(**H100_CASE), load_catalog()).scenario("recommended").throughput
    assert u.SIZING_TOKENS_PER_SECOND(*args) == pytest.approx(full.tokens_per_second_per_session)
    assert u.SIZING_TTFT_SECONDS(*args) == pytest.approx(full.ttft_seconds)
    assert 25 < u.SIZING_TOKENS_PER_SECOND(*args) < 45
    options = [
        ["output_tokens_per_session_per_hour", 20000.0],
        [None, None],  # a blank row of the options range
        ["currency", " brl "],
        ["usd_to_currency", "5.4"],
    ]
    tail = (None, None, None, None, None, options)
    per_mtok = u.SIZING_COST_PER_MTOK("OWNED", *args, *tail)
    assert per_mtok == pytest.approx(54_493.268 / (1000 * 20000 * 730) * 1e6 * 5.4)
    assert u.SIZING_COST_PER_MTOK("cloud", *args).startswith("NO FIGURE: give output_tokens")
    assert u.SIZING_CAPEX("opt-oss-120b", "dgx300", 1000.0, 131072.0).startswith(
        "NO FIGURE: dgx300 has no public price"
    )
    slo = u.SIZING_NODES_FINAL(*args, None, None, None, None, None, [["min_tokens_per_second", 60]])
    assert slo > u.SIZING_NODES_FINAL(*args)
    bad = u.SIZING_NODES_FINAL(*args, None, None, None, None, None, [["x" * 500, 1]])
    assert bad.startswith("ERROR: options: unknown option 'xxx") and len(bad) < 1000


def test_cost_per_token_with_the_nodes_busy_follows_the_interactivity_asked(catalog):
    """At capacity a token costs one node's month over the tokens it makes in a month at its
    sized batch; a stricter tokens/s SLO keeps the batch smaller, so each token costs more,
    and the figure at full load (memory's batch) stays beside it."""
    priced = dict(H100_CASE, cloud_offer="aws-p5.48xlarge")
    free = size(make_request(**priced), catalog).scenario("recommended")
    c, t = free.cost, free.throughput
    hours = 730
    owned_node = c.tco_monthly_usd / c.nodes
    assert c.usd_per_mtok_capacity_owned == pytest.approx(
        owned_node / (t.tokens_per_second_per_node * 3600 * hours) * 1e6
    )
    assert c.usd_per_mtok_capacity_cloud == pytest.approx(
        55.04 / (t.tokens_per_second_per_node * 3600) * 1e6
    )
    assert c.usd_per_mtok_full_load_owned == pytest.approx(c.usd_per_mtok_capacity_owned)
    costs = []
    for rate in (20, 40, 60):
        r = size(make_request(**priced, min_tokens_per_second=rate), catalog)
        s = r.scenario("recommended")
        assert s.throughput.tokens_per_second_per_session >= rate
        assert s.cost.usd_per_mtok_full_load_owned == pytest.approx(c.usd_per_mtok_capacity_owned)
        costs.append(s.cost.usd_per_mtok_capacity_owned)
    assert costs == sorted(costs) and costs[-1] > costs[0]
    from sizing_xl.reports.text import render_text_report

    en = render_text_report(
        size(make_request(**priced, min_tokens_per_second=60), catalog), lang="en"
    )
    assert "Per 1M output tokens, nodes busy" in en and "at full load, without the SLO" in en
    import sizing_xl.udfs as u

    args = ("llama-3.1-70b", "dgx-h100", 1000.0, 8192.0, None, None, None, None, None, 8.0)
    options = [["cloud_offer", "aws-p5.48xlarge"], ["min_tokens_per_second", 60.0]]
    slo = size(make_request(**priced, min_tokens_per_second=60), catalog).scenario("recommended")
    assert u.SIZING_COST_PER_MTOK("owned_busy", *args, options=options) == pytest.approx(
        slo.cost.usd_per_mtok_capacity_owned
    )
    assert u.SIZING_COST_PER_MTOK("Cloud_Busy", *args, options=options) == pytest.approx(
        slo.cost.usd_per_mtok_capacity_cloud
    )
    # at memory's full batch, without the SLO: the cheapest a token gets, as the sheet shows it
    assert u.SIZING_COST_PER_MTOK("owned_full", *args, options=options) == pytest.approx(
        slo.cost.usd_per_mtok_full_load_owned
    )
    assert u.SIZING_COST_PER_MTOK("cloud_full", *args, options=options) == pytest.approx(
        slo.cost.usd_per_mtok_full_load_cloud
    )
    assert slo.cost.usd_per_mtok_full_load_owned < slo.cost.usd_per_mtok_capacity_owned
