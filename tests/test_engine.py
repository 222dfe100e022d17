"""The arithmetic: the seed's golden figures and real architectures sized by hand."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sizing_xl import engine, make_request, size
from sizing_xl.units import BYTES_PER_GIB, gb_to_gib
from tests.conftest import SEED_ARGS

GIB = BYTES_PER_GIB


def test_seed_headline_figures(seed_result):
    r = {name: s.results for name, s in seed_result.scenarios.items()}
    assert round(r["recommended"].kv_per_session_gib, 2) == 2.25
    assert round(r["recommended"].kv_total_gib, 1) == 2252.2
    assert round(r["minimum"].hbm_total_gib, 1) == 2145.8
    assert round(r["minimum"].hbm_budget_gib, 1) == 1418.0
    assert round(r["recommended"].hbm_budget_gib, 1) == 1418.0
    assert round(r["ideal"].hbm_budget_gib, 1) == 1316.7
    assert [r[n].sessions_per_node for n in ("minimum", "recommended", "ideal")] == [629, 629, 584]
    assert [r[n].nodes_final for n in ("minimum", "recommended", "ideal")] == [2, 3, 5]
    # "Em caso de falha, os nós restantes mantêm 1258 sessões"
    assert r["recommended"].capacity_after_failures_sessions == 1258


def test_seed_fp16_needs_five_recommended_nodes(catalog):
    result = size(make_request(**SEED_ARGS, kv_precision="fp16"), catalog)
    assert result.scenario("recommended").sessions_per_node == 314
    assert result.scenario("recommended").nodes_final == 5


def test_quick_start_example_2_gives_2_3_4_not_the_quoted_1_2_3(catalog):
    # The quick start says 1/2/3; the seed's own formulas on a 1,128 GB DGX H200 give 2/3/4.
    result = size(
        make_request(
            model="opt-oss-20b", server="dgx200", concurrency=500, effective_context=131072
        ),
        catalog,
    )
    assert result.scenario("minimum").sessions_per_node == 433
    assert [result.scenario(n).nodes_final for n in ("minimum", "recommended", "ideal")] == [
        2,
        3,
        4,
    ]


def test_hybrid_model_charges_sliding_layers_only_their_window(catalog):
    # gpt-oss-120b: 18 full layers x 131,072 + 18 sliding x 128 tokens, 2 x 8 heads x 64 dims, fp8
    model = catalog.model("gpt-oss-120b")
    kv = engine.kv_bytes_per_session(model, context_tokens=131072, bytes_per_element=1)
    assert kv == 2 * (18 * 131072 + 18 * 128) * 8 * 64 * 1 == 2_418_278_400
    every_layer_full = 2 * 36 * 131072 * 8 * 64
    assert kv / every_layer_full == pytest.approx(0.5, abs=0.001)  # the public calculators' 2x


def test_gemma3_is_52_local_plus_10_global(catalog):
    model = catalog.model("gemma-3-27b")
    assert (model.full_layers, model.sliding_layers) == (10, 52)
    kv = engine.kv_bytes_per_session(model, context_tokens=32768, bytes_per_element=2)
    assert kv == 2 * (10 * 32768 + 52 * 1024) * 16 * 128 * 2
    assert kv / GIB == 2.90625


def test_sliding_window_longer_than_context_caches_only_the_context(catalog):
    model = catalog.model("gemma-3-27b")
    kv = engine.kv_bytes_per_session(model, context_tokens=512, bytes_per_element=2)
    assert kv == 2 * 62 * 512 * 16 * 128 * 2


def test_plain_gqa_llama_70b(catalog):
    model = catalog.model("llama-3.1-70b")
    kv = engine.kv_bytes_per_session(model, context_tokens=8192, bytes_per_element=2)
    assert kv == 2 * 80 * 8192 * 8 * 128 * 2
    assert kv / GIB == 2.5


def test_qwen3_head_dim_is_read_not_derived(catalog):
    model = catalog.model("qwen3-32b")
    assert model.head_dim == 128  # hidden_size / heads would give 80
    kv = engine.kv_bytes_per_session(model, context_tokens=32768, bytes_per_element=2)
    assert kv / GIB == 8.0  # 2 x 64 x 32768 x 8 x 128 x 2


def test_mla_stores_one_latent_per_layer_not_k_and_v_per_head(catalog):
    model = catalog.model("deepseek-v3")
    kv = engine.kv_bytes_per_session(model, context_tokens=131072, bytes_per_element=1)
    assert kv == 61 * 131072 * (512 + 64) * 1
    assert kv / GIB == 4.2890625


def test_tensor_parallel_replicates_scarce_kv_heads_and_mla_latents(catalog):
    qwen = catalog.model("qwen3-235b-a22b")  # 4 KV heads
    one = engine.kv_bytes_per_session(qwen, context_tokens=4096, bytes_per_element=1)
    assert (
        engine.kv_bytes_per_session(
            qwen, context_tokens=4096, bytes_per_element=1, tensor_parallel=4
        )
        == one
    )
    assert (
        engine.kv_bytes_per_session(
            qwen, context_tokens=4096, bytes_per_element=1, tensor_parallel=8
        )
        == 2 * one
    )
    ds = catalog.model("deepseek-v3")
    ds_one = engine.kv_bytes_per_session(ds, context_tokens=4096, bytes_per_element=1)
    assert (
        engine.kv_bytes_per_session(ds, context_tokens=4096, bytes_per_element=1, tensor_parallel=8)
        == 8 * ds_one
    )


def test_hbm_is_decimal_gb_converted_once():
    assert gb_to_gib(2304) == pytest.approx(2145.767, abs=1e-3)


def test_exact_fit_is_not_pushed_over_by_binary_rounding():
    # 1,100 x 1.1 = 1,210 on paper but 1210.0000000000002 in floats: still exactly 1 node.
    peak = engine.peak_sessions(concurrency=1100, peak_headroom_ratio=0.1)
    assert engine.nodes_operational(peak_sessions=peak, sessions_per_node=1210) == 1
    assert engine.nodes_operational(peak_sessions=peak, sessions_per_node=1209) == 2


def test_no_session_fits_is_a_finding_not_a_division_by_zero(catalog):
    # 63 GiB per session against (596 - 560) x 0.7 = 25 GiB of budget
    result = size(
        make_request(
            model="llama-3.1-405b",
            server="dgx-h100",
            concurrency=10,
            effective_context=131072,
            kv_precision="fp16",
            runtime_overhead_gib=560,
        ),
        catalog,
    )
    for scenario in result.scenarios.values():
        assert scenario.results.sessions_per_node == 0
        assert scenario.results.nodes_final is None
    codes = {(a.code, a.severity) for a in result.alerts}
    assert ("NO_SESSION_FITS", "critical") in codes


def test_overhead_above_hbm_leaves_no_budget(catalog):
    result = size(make_request(**{**SEED_ARGS, "runtime_overhead_gib": 5000}), catalog)
    assert result.scenario("minimum").hbm_budget_gib == 0
    assert result.scenario("minimum").nodes_final is None


@given(
    st.lists(st.floats(min_value=0, max_value=1e7, allow_nan=False), max_size=50),
    st.integers(min_value=-2, max_value=10_000),
)
def test_nodes_at_loads_is_nodes_operational_at_each_load(peaks, per_node):
    from sizing_xl.engine import nodes_at_loads, nodes_operational

    assert nodes_at_loads(peaks=peaks, sessions_per_node=per_node) == [
        nodes_operational(peak_sessions=p, sessions_per_node=per_node) for p in peaks
    ]
