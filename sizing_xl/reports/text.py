"""The terminal report (sections per scenario, alerts) and the JSON document of a sizing."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING

from sizing_xl import __version__
from sizing_xl.alerts import ENGINE_LABELS
from sizing_xl.catalog import ModelSpec
from sizing_xl.engine import kv_heads_and_dim
from sizing_xl.i18n import SCENARIO_LABELS, Lang, fmt_dec, fmt_int, fmt_num, fmt_pct
from sizing_xl.methods.base import EngineMemory
from sizing_xl.reports.finops import WORDS as FINOPS_WORDS
from sizing_xl.reports.finops import (
    assumption_lines,
    scenario_money_rows,
)
from sizing_xl.results import plain
from sizing_xl.scenarios import SCENARIO_NAMES, ScenarioResult, SizingResult
from sizing_xl.units import bytes_per_element

if TYPE_CHECKING:  # ranges.py only for --uncertain
    from sizing_xl.reports.ranges import Ranges

RULE = "=" * 72

_WORDS: dict[Lang, dict[str, str]] = {
    "pt-BR": {
        "title": "SIZING DE INFERÊNCIA LLM",
        "inputs": "ENTRADAS",
        "model": "Modelo",
        "server": "Servidor",
        "storage": "Storage",
        "read": "de leitura",
        "concurrency": "Concorrência",
        "context": "Contexto efetivo",
        "precision": "Precisão KV",
        "overhead": "Overhead de runtime",
        "tp": "Tensor parallel",
        "method": "Método",
        "deployment": "Implantação",
        "weights": "Pesos",
        "usable": "utilizável",
        "memory_line": "{usable} GiB × {fraction} − {weights} de pesos − {overhead} de overhead "
        "= {kv} GiB de KV; {blocks} blocos de {block} tokens, {per_session} por sessão "
        "({session} GiB)",
        "slots": "{tokens} posições de token, {per_session} por sessão ({session} GiB)",
        "startup_line": "; o log de início do vLLM mostraria concorrência máxima {startup}× para "
        "{context} tokens por requisição: ele reserva em cada camada deslizante a janela − 1 + "
        "{batch} tokens do lote, e uma sessão em execução guarda só a janela (as sessões acima)",
        "replica_gpus": "GPUs por réplica",
        "replica_per_node": "réplica por nó",
        "replicas_per_node": "réplicas por nó",
        "nodes_per_replica": "nós por réplica",
        "per_gpu": "Por GPU",
        "check": "VERIFICAÇÃO DO ENGINE",
        "check_line": "{engine} guardaria {engine_sessions} sessões/nó ({replica} por réplica) "
        "contra {method_sessions} do método {method}{ratio}.",
        "check_nodes": "Nós {engine} por cenário",
        "basis_published": "checkpoint publicado",
        "basis_params": "params × bytes",
        "basis_flag": "--weights-gib",
        "scenario": "CENÁRIO",
        "alerts": "ALERTAS E RISCOS",
        "no_alerts": "Nenhum alerta.",
        "summary": "RESUMO",
        "nodes": "nós",
        "infeasible": "inviável",
        "sessions": "sessões",
        "layers_hybrid": "{layers} camadas ({full} de atenção completa + {sliding} deslizantes, "
        "janela de {window})",
        "layers_sliding": "{layers} camadas (deslizantes, janela de {window})",
        "layers_full": "{layers} camadas (atenção completa)",
        "kv_heads": "{heads} cabeças KV × {dim}",
        "kv_full": " (nas de atenção completa: {heads} × {dim})",
        "max_context": ", contexto máximo de {tokens} tokens",
        # sizing --list
        "list_models": "MODELOS",
        "list_servers": "SERVIDORES",
        "list_cloud": "NUVEM",
        "list_api": "API",
        "list_finance": "PREMISSAS FINANCEIRAS",
        "list_storage": "STORAGE",
        "list_cloud_line": "{provider} {instance} = {server}, {price}/h {kind} ({as_of})",
        "list_api_line": "{provider}: {input} de entrada / {output} de saída por 1M tokens, "
        "para {models} ({as_of})",
        "list_storage_line": "{read} GB/s de leitura, P99 {p99} ms",
        "list_files": "arquivos de catálogo",
    },
    "en": {
        "title": "LLM INFERENCE SIZING",
        "inputs": "INPUTS",
        "model": "Model",
        "server": "Server",
        "storage": "Storage",
        "read": "read",
        "concurrency": "Concurrency",
        "context": "Effective context",
        "precision": "KV precision",
        "overhead": "Runtime overhead",
        "tp": "Tensor parallel",
        "method": "Method",
        "deployment": "Deployment",
        "weights": "Weights",
        "usable": "usable",
        "memory_line": "{usable} GiB × {fraction} − {weights} weights − {overhead} overhead "
        "= {kv} GiB KV; {blocks} blocks of {block} tokens, {per_session} per session "
        "({session} GiB)",
        "slots": "{tokens} token slots, {per_session} per session ({session} GiB)",
        "startup_line": "; vLLM's start-up log would print maximum concurrency {startup}× for "
        "{context} tokens per request: it charges each sliding layer its window − 1 + {batch} "
        "batched tokens, while a running session keeps only its window (the sessions above)",
        "replica_gpus": "GPUs per replica",
        "replica_per_node": "replica per node",
        "replicas_per_node": "replicas per node",
        "nodes_per_replica": "nodes per replica",
        "per_gpu": "Per GPU",
        "check": "ENGINE CHECK",
        "check_line": "{engine} would hold {engine_sessions} sessions/node ({replica} per replica) "
        "against {method_sessions} for method {method}{ratio}.",
        "check_nodes": "{engine} nodes per scenario",
        "basis_published": "published checkpoint",
        "basis_params": "params × bytes",
        "basis_flag": "--weights-gib",
        "scenario": "SCENARIO",
        "alerts": "ALERTS AND RISKS",
        "no_alerts": "No alerts.",
        "summary": "SUMMARY",
        "nodes": "nodes",
        "infeasible": "infeasible",
        "sessions": "sessions",
        "layers_hybrid": "{layers} layers ({full} full + {sliding} sliding, window {window})",
        "layers_sliding": "{layers} layers (sliding, window {window})",
        "layers_full": "{layers} layers (full)",
        "kv_heads": "{heads} KV heads × {dim}",
        "kv_full": " (full: {heads} × {dim})",
        "max_context": ", max {tokens} tokens",
        # sizing --list
        "list_models": "MODELS",
        "list_servers": "SERVERS",
        "list_cloud": "CLOUD",
        "list_api": "API",
        "list_finance": "FINANCE",
        "list_storage": "STORAGE",
        "list_cloud_line": "{provider} {instance} = {server}, {price}/h {kind} ({as_of})",
        "list_api_line": "{provider}: {input} in / {output} out per 1M tokens, for {models} "
        "({as_of})",
        "list_storage_line": "{read} GB/s read, P99 {p99} ms",
        "list_files": "catalog files",
    },
}


def _opt_int(n: int | None) -> str:
    return "—" if n is None else fmt_int(n)


# Result fields in the order the report prints them; labels are the seed's "Nodes Final" style.
_FIELDS: list[tuple[str, Callable[[ScenarioResult], str]]] = [
    ("ha_mode", lambda r: r.ha_mode),
    ("peak_headroom_ratio", lambda r: fmt_pct(r.peak_headroom_ratio)),
    ("kv_budget_ratio", lambda r: fmt_pct(r.kv_budget_ratio)),
    ("kv_per_session_gib", lambda r: fmt_dec(r.kv_per_session_gib, 2)),
    ("kv_total_gib", lambda r: fmt_dec(r.kv_total_gib)),
    ("hbm_total_gib", lambda r: fmt_dec(r.hbm_total_gib)),
    ("hbm_budget_gib", lambda r: fmt_dec(r.hbm_budget_gib)),
    ("sessions_per_node", lambda r: fmt_int(r.sessions_per_node)),
    ("peak_sessions", lambda r: fmt_num(r.peak_sessions)),
    ("nodes_operational", lambda r: _opt_int(r.nodes_operational)),
    ("ha_spares", lambda r: fmt_int(r.ha_spares)),
    ("nodes_final", lambda r: _opt_int(r.nodes_final)),
    ("capacity_after_failures_sessions", lambda r: _opt_int(r.capacity_after_failures_sessions)),
]
# Rows an engine method adds: its own accounting beside the seed's labels (its
# runtime_overhead_gib holds the node's weights and non-weight memory).
_ENGINE_FIELDS: list[tuple[str, Callable[[ScenarioResult], str]]] = [
    ("method", lambda r: r.method),
    ("weights_and_overhead_gib", lambda r: fmt_dec(r.runtime_overhead_gib)),
    ("sessions_per_replica", lambda r: fmt_int(r.sessions_per_replica)),
]


def field_label(key: str) -> str:
    """'nodes_final' -> 'Nodes Final', the labels the seed's quick start points to."""
    return key.replace("_", " ").title()


def describe_model(m: ModelSpec, lang: Lang) -> str:
    """'36 layers (18 full + 18 sliding, window 128), 8 KV heads × 64, max 131,072 tokens'."""
    w = _WORDS[lang]
    layers = w[f"layers_{m.attention_pattern}"].format(
        layers=m.num_layers,
        full=m.full_layers,
        sliding=m.sliding_layers,
        window=m.sliding_window,
    )
    if m.attention_type == "mla":
        kv = f"MLA {m.kv_lora_rank}+{m.qk_rope_head_dim}"
    else:
        kv = w["kv_heads"].format(heads=m.num_key_value_heads, dim=m.head_dim)
        if m.num_global_key_value_heads or m.global_head_dim:  # Gemma 4's global layers
            heads, dim = kv_heads_and_dim(m, full=True)
            kv += w["kv_full"].format(heads=heads, dim=dim)
    limit = w["max_context"].format(tokens=fmt_int(m.max_context)) if m.max_context else ""
    return f"{layers}, {kv}{limit}"


def render_text_report(result: SizingResult, *, lang: Lang = "pt-BR") -> str:
    w = _WORDS[lang]
    req, srv, sto = result.inputs, result.server, result.storage
    n_bytes = bytes_per_element(req.kv_precision)
    # the vendor's decimal GB in binary GiB; an engine method sizes what the driver reports
    hbm = f"{fmt_num(srv.hbm_total_gb)} GB HBM ({fmt_dec(srv.hbm_total_gib)} GiB)"
    engine = result.scenario("minimum").memory
    if engine is not None:
        usable = engine.usable_gib_per_gpu * srv.gpus_per_node
        hbm += f", {w['usable']} {fmt_dec(usable)} GiB"
    inputs = [
        (w["model"], f"{result.model.name} — {describe_model(result.model, lang)}"),
        (
            w["server"],
            f"{srv.name} — {srv.gpus_per_node} × {srv.gpu}, {hbm}",
        ),
        (
            w["storage"],
            f"{sto.name} — {fmt_num(sto.read_gbps)} GB/s {w['read']}, "
            f"P99 {fmt_num(sto.p99_latency_ms)} ms",
        ),
        (w["concurrency"], f"{fmt_int(req.concurrency)} {w['sessions']}"),
        (w["context"], f"{fmt_int(req.effective_context)} tokens"),
        (w["precision"], f"{req.kv_precision} ({n_bytes} byte{'s' if n_bytes > 1 else ''}/elem)"),
    ]
    if req.method == "seed":
        inputs.append((w["overhead"], f"{fmt_num(req.runtime_overhead_gib)} GiB"))
    if req.tensor_parallel > 1:
        inputs.append((w["tp"], str(req.tensor_parallel)))
    inputs += method_inputs(result, lang)
    width = max(len(label) for label, _ in inputs) + 2
    lines = [RULE, f"{w['title']} — {result.model.name} @ {srv.name}", RULE, w["inputs"]]
    lines += [f"  {label + ':':<{width}}{value}" for label, value in inputs]
    for name in SCENARIO_NAMES:
        r = result.scenario(name)
        lines += ["", RULE, f"{w['scenario']}: {SCENARIO_LABELS[name][lang]}", RULE]
        lines += [f"  {field_label(key)}: {fmt(r)}" for key, fmt in _FIELDS]
        if r.memory is not None:
            lines += [f"  {field_label(key)}: {fmt(r)}" for key, fmt in _ENGINE_FIELDS]
            lines.append(f"  {w['per_gpu']}: {memory_line(r.memory, lang)}")
        lines += [
            f"  {label}: {value}" for label, value in scenario_money_rows(r, result.finance, lang)
        ]
    if result.engine_check is not None:
        lines += ["", RULE, f"{w['check']} ({ENGINE_LABELS[result.engine_check.method]})", RULE]
        lines += [f"  {line}" for line in engine_check_lines(result, lang)]
    lines += ["", RULE, FINOPS_WORDS[lang]["assumptions"], RULE]
    lines += [f"  {line}" for line in assumption_lines(result.finance, lang)]
    lines += ["", RULE, w["alerts"], RULE]
    if result.alerts:
        for alert in result.alerts:
            lines.append(f"  - [{alert.code}] {alert.line(lang)}")
    else:
        lines.append(f"  {w['no_alerts']}")
    summary = " | ".join(
        f"{SCENARIO_LABELS[name][lang]}: "
        + (w["infeasible"] if r.nodes_final is None else f"{r.nodes_final} {w['nodes']}")
        for name in SCENARIO_NAMES
        for r in [result.scenario(name)]
    )
    lines += ["", f"{w['summary']}: {summary}", ""]
    return "\n".join(lines)


def method_inputs(result: SizingResult, lang: Lang) -> list[tuple[str, str]]:
    """Method, deployment and weights lines of the inputs block, as (label, value)."""
    w = _WORDS[lang]
    req, d = result.inputs, result.deployment
    rows = []
    if req.method != "seed":
        rows.append((w["method"], ENGINE_LABELS[req.method]))
    if d.gpus_per_replica > 1 or d.pipeline_parallel > 1:
        spread = (
            f"{d.replicas_per_node} {w['replica_per_node' if d.replicas_per_node == 1 else 'replicas_per_node']}"
            if d.nodes_per_replica == 1
            else f"{d.nodes_per_replica} {w['nodes_per_replica']}"
        )
        rows.append(
            (
                w["deployment"],
                f"TP {d.tensor_parallel} × PP {d.pipeline_parallel} = {d.gpus_per_replica} "
                f"{w['replica_gpus']}, {spread}",
            )
        )
    if d.weights is not None and (req.method != "seed" or result.engine_check is not None):
        precision = f"{d.weights.precision}, " if d.weights.precision else ""
        rows.append(
            (
                w["weights"],
                f"{fmt_dec(d.weights.gib)} GiB ({precision}{w['basis_' + d.weights.basis]})",
            )
        )
    return rows


def memory_line(m: EngineMemory, lang: Lang) -> str:
    """One GPU's engine accounting: usable × fraction − weights − overhead = KV, in blocks;
    for sliding-window models, the start-up log's other concurrency figure, named."""
    startup = ""
    if m.hybrid_pool and m.startup_max_concurrency is not None:
        startup = _WORDS[lang]["startup_line"].format(
            startup=fmt_dec(m.startup_max_concurrency, 2),
            context=fmt_int(m.startup_context_tokens or 0),
            batch=fmt_int(m.startup_batched_tokens or 0),
        )
    w = _WORDS[lang]
    line = w["memory_line"].format(
        usable=fmt_dec(m.usable_gib_per_gpu),
        fraction=fmt_num(m.memory_fraction),
        weights=fmt_dec(m.weights_gib_per_gpu),
        overhead=fmt_dec(m.non_weight_overhead_gib),
        kv=fmt_dec(m.kv_available_gib_per_gpu),
        blocks=fmt_int(m.blocks_per_gpu),
        block=m.block_size,
        per_session=fmt_int(m.blocks_per_session),
        session=fmt_dec(m.kv_per_session_gib_per_gpu, 2),
    )
    if m.block_size == 1:  # SGLang pools single tokens, not blocks
        head, _, _ = line.partition("; ")
        line = f"{head}; " + w["slots"].format(
            tokens=fmt_int(m.blocks_per_gpu),
            per_session=fmt_int(m.blocks_per_session),
            session=fmt_dec(m.kv_per_session_gib_per_gpu, 2),
        )
    return line + startup


def engine_check_lines(result: SizingResult, lang: Lang) -> list[str]:
    """The engine check as sentences: its sessions per node against the method's, and its nodes."""
    w = _WORDS[lang]
    check = result.engine_check
    assert check is not None
    engine = ENGINE_LABELS[check.method]
    ratio = check.ratio_to_method
    line = w["check_line"].format(
        engine=engine,
        engine_sessions=fmt_int(check.sessions_per_node),
        replica=fmt_int(check.sessions_per_replica),
        method_sessions=fmt_int(result.scenario("recommended").sessions_per_node),
        method=result.inputs.method,
        ratio="" if ratio is None else f" ({fmt_dec(ratio, 2)}×)",
    )
    nodes = " | ".join(
        f"{SCENARIO_LABELS[n][lang]}: "
        + (w["infeasible"] if check.nodes[n] is None else f"{check.nodes[n]} {w['nodes']}")
        for n in SCENARIO_NAMES
    )
    nodes_line = f"{w['check_nodes'].format(engine=engine)}: {nodes}"
    return [line, nodes_line, f"{w['per_gpu']}: {memory_line(check.memory, lang)}"]


def alerts_document(result: SizingResult, lang: Lang) -> list[dict]:
    """The document's alerts: each alert's fields and its message in the language."""
    return [{**plain(a), "message": a.message(lang)} for a in result.alerts]


def result_document(result: SizingResult, *, lang: Lang = "pt-BR") -> dict:
    """The JSON document: inputs, catalog entries used, scenarios.<name>.results, alerts."""
    doc = plain(result)
    assert isinstance(doc, dict)
    doc["alerts"] = alerts_document(result, lang)
    doc["summary"] = {name: result.scenario(name).nodes_final for name in SCENARIO_NAMES}
    return {"tool": {"name": "sizing_xl", "version": __version__, "lang": lang}, **doc}


def render_json(result: SizingResult, *, lang: Lang = "pt-BR", ranges: Ranges | None = None) -> str:
    """The JSON document, with the --uncertain ranges under "ranges" when there are some."""
    doc = result_document(result, lang=lang)
    if ranges is not None:
        # imported here: only --uncertain gives ranges; without, ranges.py is never loaded
        from sizing_xl.reports.ranges import ranges_document

        doc["ranges"] = ranges_document(ranges)
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
