"""Alerts: the risk signals of the seed's quick start, each with a stable code and a severity."""

from __future__ import annotations

import math
from collections.abc import Mapping
from itertools import pairwise
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict

from sizing_xl.engine import kv_elements_per_token_layer
from sizing_xl.i18n import (
    SCENARIO_LABELS,
    SEVERITY_LABELS,
    Lang,
    fmt_dec,
    fmt_int,
    fmt_num,
    fmt_pct,
)
from sizing_xl.units import bytes_per_element

if TYPE_CHECKING:
    from sizing_xl.catalog import ModelSpec, StorageProfile
    from sizing_xl.methods.base import EngineMemory
    from sizing_xl.request import SizingRequest
    from sizing_xl.scenarios import DeploymentInfo, EngineCheck, Scenario

Severity = Literal["info", "warning", "critical"]
SEVERITY_ORDER: dict[str, int] = {"critical": 0, "warning": 1, "info": 2}


class AlertThresholds(BaseModel):
    """Where each signal starts (the quick start's values)."""

    model_config = ConfigDict(frozen=True)

    kv_budget_ratio_max: float = 0.75
    method_disagreement: float = 0.25
    runtime_overhead_gib_min: float = 50.0
    nodes_final_max: int = 20
    scenario_gap_min: float = 0.10
    long_context_tokens: int = 32_768


DEFAULT_THRESHOLDS = AlertThresholds()

_TEXT: dict[str, dict[Lang, str]] = {
    "CONTEXT_ABOVE_MODEL_MAX": {
        "pt-BR": "Contexto efetivo ({context} tokens) excede o máximo do modelo {model} "
        "({max_context} tokens).",
        "en": "Effective context ({context} tokens) exceeds the maximum of model {model} "
        "({max_context} tokens).",
    },
    "KV_PRECISION_16BIT": {
        "pt-BR": "Precisão KV {precision} usa 2 bytes/elemento: dobra o KV por sessão frente a "
        "fp8 e reduz sessões/nó em ~50%.",
        "en": "KV precision {precision} takes 2 bytes/element: it doubles KV per session "
        "against fp8 and cuts sessions/node by ~50%.",
    },
    "KV_BUDGET_AGGRESSIVE": {
        "pt-BR": "Budget de KV de {ratio} da HBM (> {limit}) aumenta o risco de fragmentação "
        "e instabilidade em runtime.",
        "en": "A KV budget of {ratio} of HBM (> {limit}) raises the risk of fragmentation "
        "and runtime instability.",
    },
    "RUNTIME_OVERHEAD_LOW": {
        "pt-BR": "Overhead de runtime de {overhead} GiB (< {limit} GiB) provavelmente está "
        "subestimado: risco de OOM.",
        "en": "A runtime overhead of {overhead} GiB (< {limit} GiB) is probably underestimated: "
        "risk of OOM.",
    },
    "NO_PEAK_HEADROOM": {
        "pt-BR": "Cenário {scenario}: headroom de 0% — sem tolerância a picos; picos de demanda "
        "causam degradação.",
        "en": "Scenario {scenario}: 0% headroom — no tolerance for peaks; demand peaks cause "
        "degradation.",
    },
    "NO_SESSION_FITS": {
        "pt-BR": "Cenário {scenario}: nem 1 sessão cabe em um nó (KV/sessão {kv} GiB, budget "
        "{budget} GiB). Reduza o contexto, use fp8 ou um servidor maior.",
        "en": "Scenario {scenario}: not even 1 session fits a node (KV/session {kv} GiB, budget "
        "{budget} GiB). Reduce the context, use fp8 or a larger server.",
    },
    "NODE_COUNT_HIGH": {
        "pt-BR": "Cenário {scenario}: {nodes} nós (> {limit}): carga excessiva ou configuração "
        "ineficiente. Revise os NFRs ou considere um modelo menor.",
        "en": "Scenario {scenario}: {nodes} nodes (> {limit}): excessive load or an inefficient "
        "configuration. Review the NFRs or consider a smaller model.",
    },
    "SCENARIOS_CLOSE": {
        "pt-BR": "Cenários {low} ({low_nodes} nós) e {high} ({high_nodes} nós) diferem menos de "
        "{gap}: carga leve ou sobre-provisionamento; considere otimizações.",
        "en": "Scenarios {low} ({low_nodes} nodes) and {high} ({high_nodes} nodes) differ by less "
        "than {gap}: light load or over-provisioning; consider optimizations.",
    },
    "LONG_CONTEXT": {
        "pt-BR": "Contexto longo ({context} tokens) aumenta TTFT (Time To First Token) e pressiona "
        "I/O de storage durante prefill. Storage: {storage} ({read} GB/s read, P99={p99} ms).",
        "en": "Long context ({context} tokens) increases TTFT (Time To First Token) and pressures "
        "storage I/O during prefill. Storage: {storage} ({read} GB/s read, P99={p99} ms).",
    },
    "KV_REPLICATED_BY_TP": {
        "pt-BR": "Com tensor parallelism {tp}, o KV de {model} é replicado ({factor}x): cada rank "
        "guarda ao menos um KV head ou o latente MLA inteiro.",
        "en": "With tensor parallelism {tp}, the KV of {model} is replicated ({factor}x): each "
        "rank holds at least one KV head or the whole MLA latent.",
    },
    "MLA_TP_ASSUMED_1": {
        "pt-BR": "{model} usa MLA: o latente é replicado em cada rank de tensor parallelism. Este "
        "dimensionamento assume TP=1 (ou data-parallel attention); informe --tensor-parallel.",
        "en": "{model} uses MLA: its latent is replicated on every tensor-parallel rank. This "
        "sizing assumes TP=1 (or data-parallel attention); pass --tensor-parallel.",
    },
    "WEIGHTS_DO_NOT_FIT": {
        "pt-BR": "{engine}: {weights} GiB de pesos por GPU (TP {tp} × PP {pp}) deixam {available} "
        "GiB de {usable} GiB × {fraction} para KV, menos que uma sessão ({session} GiB por GPU). "
        "Só os pesos pedem ao menos {min_gpus} GPUs por réplica: aumente --tensor-parallel ou "
        "--pipeline-parallel.",
        "en": "{engine}: {weights} GiB of weights per GPU (TP {tp} × PP {pp}) leave {available} "
        "GiB of {usable} GiB × {fraction} for KV, less than one session ({session} GiB per GPU). "
        "The weights alone need at least {min_gpus} GPUs per replica: raise --tensor-parallel or "
        "--pipeline-parallel.",
    },
    "OVERHEAD_BELOW_WEIGHTS": {
        "pt-BR": "O overhead de runtime ({overhead} GiB por nó) é menor que os pesos que um nó "
        "guarda ({weights} GiB: {replicas} réplica(s) de {model}); o budget ratio esconde a "
        "diferença. Compare com a verificação do engine (--method vllm).",
        "en": "The runtime overhead ({overhead} GiB per node) is smaller than the weights a node "
        "holds ({weights} GiB: {replicas} replica(s) of {model}); the budget ratio hides the "
        "gap. Compare with the engine check (--method vllm).",
    },
    "METHOD_DISAGREES": {
        "pt-BR": "O método {method} dá {method_sessions} sessões/nó; o {engine} guardaria "
        "{engine_sessions} ({ratio}): nós no cenário Recomendado {method_nodes} contra "
        "{engine_nodes}.",
        "en": "Method {method} gives {method_sessions} sessions/node; {engine} would hold "
        "{engine_sessions} ({ratio}): Recommended nodes {method_nodes} against {engine_nodes}.",
    },
    "MAX_NUM_SEQS_CAP": {
        "pt-BR": "{engine}: a memória comporta {by_memory} sessões por réplica, mas o limite de "
        "sequências simultâneas é {cap} (--max-num-seqs).",
        "en": "{engine}: memory holds {by_memory} sessions per replica, but the limit of "
        "concurrent sequences is {cap} (--max-num-seqs).",
    },
    "USABLE_MEMORY_ASSUMED": {
        "pt-BR": "{server} não tem a memória reportada pelo driver (usable_gib_per_gpu): o "
        "{engine} foi calculado com os {gib} GiB do valor do fabricante em GB decimais, "
        "cerca de 7% a menos; informe --usable-gib-per-gpu.",
        "en": "{server} has no driver-reported memory (usable_gib_per_gpu): {engine} was sized "
        "on the vendor's decimal-GB figure, {gib} GiB, about 7% low; pass --usable-gib-per-gpu.",
    },
}
ENGINE_LABELS = {"vllm": "vLLM", "sglang": "SGLang", "seed": "seed"}
ALERT_CODES: tuple[str, ...] = tuple(_TEXT)


class Alert(BaseModel):
    """One finding: a stable code, a severity, the scenario it concerns (if any), its figures."""

    model_config = ConfigDict(frozen=True)

    code: str
    severity: Severity
    scenario: str | None = None
    params: dict[str, str] = {}

    def message(self, lang: Lang) -> str:
        params = dict(self.params)
        if self.scenario is not None:
            params["scenario"] = SCENARIO_LABELS[self.scenario][lang]
        for key in ("low", "high"):
            if key in params:
                params[key] = SCENARIO_LABELS[params[key]][lang]
        return _TEXT[self.code][lang].format(**params)

    def line(self, lang: Lang) -> str:
        """'ALERTA: ...' as the seed's reports print it."""
        return f"{SEVERITY_LABELS[self.severity][lang]}: {self.message(lang)}"


def evaluate_alerts(
    request: SizingRequest,
    model: ModelSpec,
    storage: StorageProfile,
    scenarios: Mapping[str, Scenario],
    deployment: DeploymentInfo,
    engine_check: EngineCheck | None = None,
    thresholds: AlertThresholds = DEFAULT_THRESHOLDS,
) -> list[Alert]:
    """Every signal the inputs and the three scenarios raise, most severe first."""
    t = thresholds
    found: list[Alert] = []

    def add(code: str, severity: Severity, scenario: str | None = None, **params: str) -> None:
        found.append(Alert(code=code, severity=severity, scenario=scenario, params=params))

    context = fmt_int(request.effective_context)
    if model.max_context is not None and request.effective_context > model.max_context:
        add(
            "CONTEXT_ABOVE_MODEL_MAX",
            "critical",
            context=context,
            model=model.name,
            max_context=fmt_int(model.max_context),
        )
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
        if r.sessions_per_node == 0:
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
