"""Each risk signal of the quick start raises its alert, with a stable code and severity."""

from __future__ import annotations

from string import Formatter

import pytest

from sizing_xl import make_request, size
from sizing_xl.alert_texts import REASONS
from sizing_xl.alerts import ALERT_CODES
from tests.conftest import SEED_ARGS


def codes(catalog, **changes) -> dict[str, str]:
    """Each code raised, with its most severe level (alerts come most severe first)."""
    result = size(make_request(**{**SEED_ARGS, **changes}), catalog)
    return {a.code: a.severity for a in reversed(result.alerts)}


def test_seed_case_raises_long_context_minimum_headroom_and_hidden_weights(catalog):
    # eight TP=1 replicas of 60.8 GiB each sit inside the seed's flat 120 GiB overhead only
    # because the 0.70 budget ratio leaves room: the vLLM check agrees within 2 %
    assert codes(catalog) == {
        "LONG_CONTEXT": "warning",
        "NO_PEAK_HEADROOM": "info",
        "OVERHEAD_BELOW_WEIGHTS": "warning",
        "NO_NODE_PRICE": "info",  # NVIDIA publishes no DGX B300 price
        # no SLOW_DECODE: 79 sessions per B300, each reading 131,072 tokens of KV every step,
        # decode 20.7 tokens/s by the step-time model (fitted on public benchmarks), above 20
    }


@pytest.mark.parametrize(
    ("changes", "code", "severity"),
    [
        (dict(effective_context=262144), "CONTEXT_ABOVE_MODEL_MAX", "critical"),
        (dict(kv_precision="fp16"), "KV_PRECISION_16BIT", "warning"),
        (dict(kv_precision="bf16"), "KV_PRECISION_16BIT", "warning"),
        (dict(kv_budget_ratio=0.8), "KV_BUDGET_AGGRESSIVE", "warning"),
        (dict(runtime_overhead_gib=40), "RUNTIME_OVERHEAD_LOW", "warning"),
        (dict(concurrency=20000), "NODE_COUNT_HIGH", "warning"),
        (dict(peak_headroom_ratio=0), "NO_PEAK_HEADROOM", "warning"),
        (dict(runtime_overhead_gib=2145), "NO_SESSION_FITS", "critical"),
        (dict(runtime_overhead_gib=3000), "OVERHEAD_EXCEEDS_HBM", "critical"),
        (dict(model="deepseek-v3", tensor_parallel=1), "MLA_TP_ASSUMED_1", "info"),
        (
            dict(model="qwen3-235b-a22b", effective_context=32768, tensor_parallel=8),
            "KV_REPLICATED_BY_TP",
            "warning",
        ),
        (  # the first case: 42 sessions per node, weights that fit no GPU
            dict(
                model="llama-3.1-405b", server="dgx-h100", concurrency=100, effective_context=32768
            ),
            "WEIGHTS_DO_NOT_FIT",
            "critical",
        ),
        (  # eight TP=1 gpt-oss replicas on a DGX H100: vLLM refuses to start
            dict(model="gpt-oss-120b", server="dgx-h100", concurrency=100, tensor_parallel=1),
            "WEIGHTS_DO_NOT_FIT",
            "critical",
        ),
        (  # DeepSeek-V3's 625 GiB of FP8 weights on a DGX H200 with TP=8
            dict(
                model="deepseek-v3", server="dgx-h200", effective_context=32768, tensor_parallel=8
            ),
            "METHOD_DISAGREES",
            "warning",
        ),
        (
            dict(model="llama-3.1-8b", server="dgx-h200", effective_context=1024, method="vllm"),
            "MAX_NUM_SEQS_CAP",
            "info",
        ),
        (dict(server="mi355x-8", method="vllm"), "USABLE_MEMORY_ASSUMED", "info"),
    ],
)
def test_each_signal_raises_its_alert(catalog, changes, code, severity):
    assert codes(catalog, **changes).get(code) == severity


def test_short_context_raises_no_long_context_alert(catalog):
    assert "LONG_CONTEXT" not in codes(catalog, effective_context=8192)


def test_scenarios_within_ten_percent_are_flagged(catalog):
    from sizing_xl.scenarios import DEFAULT_POLICIES, ScenarioPolicy

    policies = {
        **DEFAULT_POLICIES,
        "recommended": ScenarioPolicy(ha_mode="none", peak_headroom_ratio=0.0),
    }
    found = codes(catalog, concurrency=50000, policies=policies)
    assert found.get("SCENARIOS_CLOSE") == "info"


def test_alerts_are_sorted_most_severe_first(catalog):
    result = size(
        make_request(**{**SEED_ARGS, "kv_precision": "fp16", "effective_context": 262144}), catalog
    )
    order = [a.severity for a in result.alerts]
    assert order == sorted(order, key=["critical", "warning", "info"].index)


def test_every_code_has_both_languages_and_renders(catalog):
    result = size(
        make_request(
            **{
                **SEED_ARGS,
                "kv_precision": "fp16",
                "kv_budget_ratio": 0.8,
                "runtime_overhead_gib": 40,
                "effective_context": 262144,
            }
        ),
        catalog,
    )
    engine = size(make_request(**{**SEED_ARGS, "server": "mi355x-8", "effective_context": 512}))
    broken = size(make_request(**{**SEED_ARGS, "server": "dgx-h100", "model": "llama-3.1-405b"}))
    alerts = result.alerts + engine.alerts + broken.alerts
    assert {a.code for a in alerts} >= {"WEIGHTS_DO_NOT_FIT", "METHOD_DISAGREES"}
    for alert in alerts:
        assert alert.code in ALERT_CODES
        pt, en = alert.message("pt-BR"), alert.message("en")
        assert pt and en and pt != en and "{" not in pt + en


def test_a_replica_spanning_two_nodes_that_holds_a_session_is_no_critical_finding(catalog):
    """405B at TP 16 spans two DGX H100 nodes; with fp16 KV one node's share holds no whole
    session, yet the replica holds one: nodes are sized, and no alert says none fits."""
    fields = dict(
        model="llama-3.1-405b",
        server="dgx-h100",
        tensor_parallel=16,
        weights_precision="bf16",
        method="vllm",
        kv_precision="fp16",
        concurrency=30,
        effective_context=131072,
    )
    r = size(make_request(**fields), catalog)
    rec = r.scenario("recommended")
    assert rec.sessions_per_node == 0 and rec.sessions_per_replica == 1
    assert rec.nodes_final is not None
    assert "NO_SESSION_FITS" not in {a.code for a in r.alerts}
    r = size(make_request(**{**fields, "kv_precision": "fp32"}), catalog)
    assert r.scenario("recommended").nodes_final is None
    assert ("NO_SESSION_FITS", "critical") in {(a.code, a.severity) for a in r.alerts}


@pytest.mark.parametrize(
    ("changes", "pt", "en"),
    [
        (
            dict(max_ttft_seconds=0.5),  # a 131,072-token prefill alone takes longer than that
            "mesmo sozinha, uma sessão só recebe o primeiro token de um prefill de 131,072 tokens",
            "even alone, the first token of a prefill of 131,072 tokens comes after",
        ),
        (
            dict(min_tokens_per_second=500),  # no B300 node decodes 500 tokens/s per session
            "uma sessão sozinha gera",
            "one session alone decodes at",
        ),
    ],
)
def test_why_no_node_meets_an_slo_is_worded_in_the_message_language(catalog, changes, pt, en):
    result = size(make_request(**{**SEED_ARGS, **changes}), catalog)
    alert = next(a for a in result.alerts if a.code == "SLO_UNREACHABLE")
    assert (alert.severity, alert.scenario) == ("critical", "minimum")
    assert "why" not in alert.params and alert.params["reason"] in REASONS
    portuguese, english = alert.message("pt-BR"), alert.message("en")
    assert pt in portuguese and en in english
    for word in ("even alone", "one session", "decodes", "weights", "fixed costs", "shorter"):
        assert word not in portuguese
    assert "sessão" not in english and "pesos" not in english


def test_every_reason_has_both_languages_with_the_same_figures():
    for reason, texts in REASONS.items():
        assert set(texts) == {"pt-BR", "en"}, reason
        assert _fields(texts["pt-BR"]) == _fields(texts["en"]), reason


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(text) if name}


def test_without_a_tp_the_sizing_takes_the_smallest_at_which_the_engine_starts(catalog):
    """131 GiB of bf16 weights fit no single H200: anyone serving llama-3.1-70b runs TP 2 or
    more, so a request without --tensor-parallel is sized (and checked) at TP 2, and says so;
    a TP given stays as given, and a model that fits one GPU stays at TP 1."""
    case = dict(
        model="llama-3.1-70b",
        server="dgx-h200",
        concurrency=700,
        effective_context=32768,
        kv_precision="fp16",
    )
    auto = size(make_request(**case), catalog)
    assert auto.inputs.tensor_parallel == auto.deployment.tensor_parallel == 2
    assert auto.deployment.tensor_parallel_chosen
    assert auto.engine_check.sessions_per_node > 0
    found = _codes(auto)
    assert found["TP_CHOSEN"] == "info" and "WEIGHTS_DO_NOT_FIT" not in found
    assert "TP 2, the smallest at which vLLM starts llama-3.1-70b" in next(
        a.message("en") for a in auto.alerts if a.code == "TP_CHOSEN"
    )
    given = size(make_request(**case, tensor_parallel=1), catalog)
    assert not given.deployment.tensor_parallel_chosen and given.inputs.tensor_parallel == 1
    assert _codes(given)["WEIGHTS_DO_NOT_FIT"] == "critical"
    vllm = size(make_request(**case, method="vllm"), catalog)
    assert vllm.inputs.tensor_parallel == 2 and vllm.scenario("recommended").nodes_final
    seed = size(make_request(**SEED_ARGS), catalog)
    assert seed.inputs.tensor_parallel == 1 and "TP_CHOSEN" not in _codes(seed)


def _codes(result) -> dict[str, str]:
    return {a.code: a.severity for a in result.alerts}


def test_a_rate_below_its_limit_never_reads_as_the_limit():
    from sizing_xl.alerts import _apart as _below

    assert _below(19.97, 20) == "19.97" and _below(18.54, 20) == "18.5"
    assert _below(19.9996, 20) == "19.9996" and _below(0.04, 20) == "0.0"
    # and above a limit (a TTFT beside "> 2 s")
    assert _below(2.004, 2, 2) == "2.004" and _below(2.5, 2, 2) == "2.50"


def test_a_tp_group_across_nodes_is_a_warning_with_the_layout_vllm_advises(catalog):
    """TP 16 on 8-GPU nodes: every layer's all-reduces cross the network; vLLM's guidance is
    TP within the node and PP across nodes. TP 8 x PP 2 raises nothing."""
    case = dict(model="deepseek-v3", server="dgx-h100", concurrency=200, effective_context=32768)
    wide = size(make_request(**case, tensor_parallel=16), catalog)
    (alert,) = [a for a in wide.alerts if a.code == "TP_ACROSS_NODES"]
    text = alert.message("en")
    assert alert.severity == "warning" and "TP 16 spans 2 nodes" in text
    assert "--tensor-parallel 8 --pipeline-parallel 2" in text
    step = wide.scenario("recommended").throughput
    assert f"{step.communication_ms:.1f} ms of each {step.step_ms:.1f} ms decode step" in text
    assert "ocupa 2 nós" in alert.message("pt-BR")
    staged = size(make_request(**case, tensor_parallel=8, pipeline_parallel=2), catalog)
    assert "TP_ACROSS_NODES" not in {a.code for a in staged.alerts}
