"""Alerts: the risk signals of the seed's quick start, each with a stable code and a severity."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING

from sizing_xl.alert_texts import TEXT
from sizing_xl.deployment import tp_spans_nodes
from sizing_xl.engine import kv_elements_per_token_layer
from sizing_xl.i18n import (
    fmt_dec,
    fmt_int,
    fmt_num,
    fmt_pct,
)
from sizing_xl.results import Alert, Severity
from sizing_xl.throughput import SLOW_DECODE_TOKENS_PER_SECOND
from sizing_xl.units import bytes_per_element

if TYPE_CHECKING:
    from sizing_xl.catalog import ModelSpec, StorageProfile
    from sizing_xl.methods.base import EngineMemory
    from sizing_xl.request import SizingRequest
    from sizing_xl.results import DeploymentInfo, EngineCheck, Scenario

SEVERITY_ORDER: dict[str, int] = {"critical": 0, "warning": 1, "info": 2}


@dataclass(frozen=True, slots=True, kw_only=True)
class AlertThresholds:
    """Where each signal starts (the quick start's values)."""

    kv_budget_ratio_max: float = 0.75
    method_disagreement: float = 0.25
    runtime_overhead_gib_min: float = 50.0
    nodes_final_max: int = 20
    scenario_gap_min: float = 0.10
    long_context_tokens: int = 32_768


DEFAULT_THRESHOLDS = AlertThresholds()

ENGINE_LABELS = {"vllm": "vLLM", "sglang": "SGLang", "seed": "seed"}
ALERT_CODES: tuple[str, ...] = tuple(TEXT)


def context_alert(model: ModelSpec, context: int) -> Alert | None:
    """CONTEXT_ABOVE_MODEL_MAX (critical) where the context passes the model's maximum: a
    single sizing and every point of a sweep raise the same alert."""
    if not model.above_max_context(context):
        return None
    return Alert(
        code="CONTEXT_ABOVE_MODEL_MAX",
        severity="critical",
        params={
            "context": fmt_int(context),
            "model": model.name,
            "max_context": fmt_int(model.max_context or 0),
        },
    )


def evaluate_alerts(
    request: SizingRequest,
    model: ModelSpec,
    storage: StorageProfile,
    scenarios: Mapping[str, Scenario],
    deployment: DeploymentInfo,
    engine_check: EngineCheck | None = None,
    thresholds: AlertThresholds = DEFAULT_THRESHOLDS,
    *,
    server_priced: bool = True,
) -> list[Alert]:
    """Every signal the inputs and the three scenarios raise, most severe first."""
    t = thresholds
    found: list[Alert] = []

    def add(code: str, severity: Severity, scenario: str | None = None, **params: str) -> None:
        found.append(Alert(code=code, severity=severity, scenario=scenario, params=params))

    context = fmt_int(request.effective_context)
    above = context_alert(model, request.effective_context)
    if above is not None:
        found.append(above)
    if bytes_per_element(request.kv_precision) > 1:
        add("KV_PRECISION_16BIT", "warning", precision=request.kv_precision)
    if request.kv_budget_ratio > t.kv_budget_ratio_max:
        add(
            "KV_BUDGET_AGGRESSIVE",
            "warning",
            ratio=fmt_pct(request.kv_budget_ratio),
            limit=fmt_pct(t.kv_budget_ratio_max),
        )
    if request.runtime_overhead_gib < t.runtime_overhead_gib_min:
        add(
            "RUNTIME_OVERHEAD_LOW",
            "warning",
            overhead=fmt_num(request.runtime_overhead_gib),
            limit=fmt_num(t.runtime_overhead_gib_min),
        )
    if request.effective_context >= t.long_context_tokens:
        add(
            "LONG_CONTEXT",
            "warning",
            context=context,
            storage=storage.name,
            read=fmt_num(storage.read_gbps),
            p99=fmt_num(storage.p99_latency_ms),
        )
    tp = request.tensor_parallel
    if deployment.tensor_parallel_chosen and tp > 1 and deployment.weights is not None:
        add(
            "TP_CHOSEN",
            "info",
            tp=str(tp),
            engine="vLLM" if request.method == "seed" else request.method,
            model=model.name,
            weights=fmt_dec(deployment.weights.gib),
        )
    if deployment.weights is None:  # only the seed sizes without them (engines refuse)
        add("WEIGHTS_UNKNOWN", "info", model=model.name)
    node_gpus = deployment.gpus_per_replica // deployment.nodes_per_replica
    if tp_spans_nodes(deployment.tensor_parallel, node_gpus):
        # vLLM docs/serving/parallelism_scaling.md: TP = GPUs per node, PP = nodes
        step = scenarios["recommended"].results.throughput if "recommended" in scenarios else None
        why = (
            {"reason": "no_step_figures"}
            if step is None
            else {
                "reason": "allreduce_share",
                "comm": fmt_dec(step.communication_ms),
                "step": fmt_dec(step.step_ms),
            }
        )
        add(
            "TP_ACROSS_NODES",
            "warning",
            tp=str(deployment.tensor_parallel),
            nodes=str(deployment.nodes_per_replica),
            node_gpus=str(node_gpus),
            stages=str(deployment.gpus_per_replica // node_gpus),
            **why,
        )
    if tp == 1 and model.attention_type == "mla":
        add("MLA_TP_ASSUMED_1", "info", model=model.name)
    elif tp > 1:
        held = kv_elements_per_token_layer(model, tensor_parallel=tp)
        factor = held / kv_elements_per_token_layer(model)
        if factor > 1:
            add(
                "KV_REPLICATED_BY_TP",
                "warning",
                tp=str(tp),
                model=model.name,
                factor=fmt_num(factor),
            )

    for name, scenario in scenarios.items():
        r = scenario.results
        if r.peak_headroom_ratio == 0:
            # Minimum has no headroom by design: worth a note, not a warning.
            add("NO_PEAK_HEADROOM", "info" if r.ha_spares == 0 else "warning", name)
        if r.runtime_overhead_gib >= r.hbm_total_gib:
            # nothing is left for KV at all: say which figure, not "use fp8"
            add(
                "OVERHEAD_EXCEEDS_HBM",
                "critical",
                name,
                overhead=fmt_dec(r.runtime_overhead_gib),
                hbm=fmt_dec(r.hbm_total_gib),
            )
        elif r.memory_sessions_per_unit == 0:  # a node, or a replica spanning nodes
            add(
                "NO_SESSION_FITS",
                "critical",
                name,
                kv=fmt_dec(r.kv_per_session_gib, 2),
                budget=fmt_dec(r.hbm_budget_gib),
            )
        elif r.nodes_final is not None and r.nodes_final > t.nodes_final_max:
            add(
                "NODE_COUNT_HIGH",
                "warning",
                name,
                nodes=fmt_int(r.nodes_final),
                limit=fmt_int(t.nodes_final_max),
            )

    found += _method_alerts(request, model, scenarios, deployment, engine_check, t)
    found += _throughput_alerts(request, scenarios, server_priced)

    names = list(scenarios)
    for low, high in pairwise(names):
        a, b = scenarios[low].results.nodes_final, scenarios[high].results.nodes_final
        if a and b and abs(b - a) / a < t.scenario_gap_min:
            add(
                "SCENARIOS_CLOSE",
                "info",
                low=low,
                high=high,
                low_nodes=fmt_int(a),
                high_nodes=fmt_int(b),
                gap=fmt_pct(t.scenario_gap_min),
            )
    return sorted(found, key=lambda a: SEVERITY_ORDER[a.severity])


def _method_alerts(
    request: SizingRequest,
    model: ModelSpec,
    scenarios: Mapping[str, Scenario],
    deployment: DeploymentInfo,
    check: EngineCheck | None,
    t: AlertThresholds,
) -> list[Alert]:
    """What the engine methods and the vLLM check say about weights, caps and disagreement."""
    found: list[Alert] = []
    rec = scenarios["recommended"].results
    engines: list[tuple[str, EngineMemory, int]] = []
    if rec.memory is not None:
        engines.append((rec.method, rec.memory, rec.sessions_per_replica))
    if check is not None and check.method != rec.method:
        engines.append((check.method, check.memory, check.sessions_per_replica))
    for method, memory, per_replica in engines:
        label = ENGINE_LABELS[method]
        if per_replica == 0 and memory.kv_available_gib_per_gpu < memory.kv_per_session_gib_per_gpu:
            room = (
                memory.usable_gib_per_gpu * memory.memory_fraction - memory.non_weight_overhead_gib
            )
            gpus = deployment.gpus_per_replica
            weights_total = memory.weights_gib_per_gpu * gpus
            found.append(
                Alert(
                    code="WEIGHTS_DO_NOT_FIT",
                    severity="critical",
                    params=dict(
                        engine=label,
                        weights=fmt_dec(memory.weights_gib_per_gpu),
                        tp=str(deployment.tensor_parallel),
                        pp=str(deployment.pipeline_parallel),
                        available=fmt_dec(max(0.0, memory.kv_available_gib_per_gpu)),
                        usable=fmt_dec(memory.usable_gib_per_gpu),
                        fraction=fmt_num(memory.memory_fraction),
                        session=fmt_dec(memory.kv_per_session_gib_per_gpu, 2),
                        min_gpus=fmt_int(math.ceil(weights_total / room)) if room > 0 else "∞",
                    ),
                )
            )
            break  # one engine saying so is enough
    for method, memory, _ in engines:
        if memory.capped:
            by_memory = memory.blocks_per_gpu // max(1, memory.blocks_per_session)
            found.append(
                Alert(
                    code="MAX_NUM_SEQS_CAP",
                    severity="info",
                    params=dict(
                        engine=ENGINE_LABELS[method],
                        by_memory=fmt_int(by_memory),
                        cap=fmt_int(memory.max_sessions_per_replica),
                    ),
                )
            )
        if memory.usable_assumed:
            found.append(
                Alert(
                    code="USABLE_MEMORY_ASSUMED",
                    severity="info",
                    params=dict(
                        server=request.server,
                        engine=ENGINE_LABELS[method],
                        gib=fmt_dec(memory.usable_gib_per_gpu),
                    ),
                )
            )
            break
    weights_node = deployment.weights_gib_per_node
    if request.method == "seed" and weights_node and request.runtime_overhead_gib < weights_node:
        found.append(
            Alert(
                code="OVERHEAD_BELOW_WEIGHTS",
                severity="warning",
                params=dict(
                    overhead=fmt_num(request.runtime_overhead_gib),
                    weights=fmt_dec(weights_node),
                    replicas=str(deployment.replicas_per_node),
                    model=model.name,
                ),
            )
        )
    if check is not None and check.method != request.method:
        chosen, engine_spn = rec.sessions_per_node, check.sessions_per_node
        ratio = check.ratio_to_method
        off = (chosen == 0) != (engine_spn == 0) or (
            ratio is not None and abs(ratio - 1) > t.method_disagreement
        )
        if off:
            found.append(
                Alert(
                    code="METHOD_DISAGREES",
                    severity="warning",
                    params=dict(
                        method=request.method,
                        method_sessions=fmt_int(chosen),
                        engine=ENGINE_LABELS[check.method],
                        engine_sessions=fmt_int(engine_spn),
                        ratio="—" if ratio is None else f"{fmt_dec(ratio, 2)}×",
                        method_nodes=_nodes_text(rec.nodes_final),
                        engine_nodes=_nodes_text(check.nodes["recommended"]),
                    ),
                )
            )
    return found


def _nodes_text(n: int | None) -> str:
    return "—" if n is None else fmt_int(n)


_SLO_NAMES = {"tokens_per_second": "tokens/s", "ttft": "TTFT"}


def _throughput_alerts(
    request: SizingRequest, scenarios: Mapping[str, Scenario], server_priced: bool
) -> list[Alert]:
    """Which scenarios an SLO bound or no node can meet, slow sessions, and a missing price."""
    found: list[Alert] = []
    for name, scenario in scenarios.items():
        r = scenario.results
        tp = r.throughput
        if tp is None or r.memory_sessions_per_node == 0:
            continue
        if r.slo_limit:
            if r.slo_limit == "ttft":
                why = dict(
                    reason="ttft_prefill_alone",
                    prompt=fmt_int(tp.prompt_tokens),
                    ttft=_apart(tp.ttft_seconds or 0, request.max_ttft_seconds or 0, 2),
                    max_ttft=fmt_num(request.max_ttft_seconds or 0),
                )
            else:
                why = dict(
                    reason="decode_alone",
                    rate=_apart(
                        tp.tokens_per_second_per_session, request.min_tokens_per_second or 0
                    ),
                    min_rate=fmt_num(request.min_tokens_per_second or 0),
                    weights=fmt_dec(tp.weights_gib_read_per_step),
                    fixed_ms=fmt_dec(tp.communication_ms + tp.overhead_ms, 2),
                )
            found.append(
                Alert(
                    code="SLO_UNREACHABLE",
                    severity="critical",
                    scenario=name,
                    params=dict(limit=_SLO_NAMES[tp.limit], **why),
                )
            )
        elif tp.limit is not None:
            found.append(
                Alert(
                    code="THROUGHPUT_BOUND",
                    severity="warning",
                    scenario=name,
                    params=dict(
                        limit=_SLO_NAMES[tp.limit],
                        sessions=fmt_int(r.sessions_per_node),
                        memory=fmt_int(tp.memory_sessions_per_node),
                        nodes=_nodes_text(r.nodes_final),
                    ),
                )
            )
        elif (
            request.min_tokens_per_second is None
            and tp.tokens_per_second_per_session < SLOW_DECODE_TOKENS_PER_SECOND
        ):
            found.append(
                Alert(
                    code="SLOW_DECODE",
                    severity="info",
                    scenario=name,
                    params=dict(
                        sessions=fmt_int(r.sessions_per_node),
                        rate=_apart(
                            tp.tokens_per_second_per_session, SLOW_DECODE_TOKENS_PER_SECOND
                        ),
                        limit=fmt_num(SLOW_DECODE_TOKENS_PER_SECOND),
                    ),
                )
            )
    if not server_priced and request.node_price_usd is None:
        found.append(
            Alert(code="NO_NODE_PRICE", severity="info", params=dict(server=request.server))
        )
    return found


def _apart(value: float, limit: float, places: int = 1) -> str:
    """A figure beside the limit it misses, with the decimals it takes to show on its own side
    (19.97, not 20.0, beside "< 20"; 2.004, not 2.00, beside "> 2")."""
    below = value < limit
    while places < 4 and (
        round(value, places) >= limit if below else round(value, places) <= limit
    ):
        places += 1
    return fmt_dec(value, places)
