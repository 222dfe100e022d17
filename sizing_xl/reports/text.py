"""The terminal report (sections per scenario, alerts) and the JSON document of a sizing."""

from __future__ import annotations

import json
from collections.abc import Callable

from sizing_xl import __version__
from sizing_xl.catalog import Catalog, ModelSpec
from sizing_xl.i18n import SCENARIO_LABELS, Lang, fmt_dec, fmt_int, fmt_num, fmt_pct
from sizing_xl.scenarios import SCENARIO_NAMES, ScenarioResult, SizingResult
from sizing_xl.units import bytes_per_element

RULE = "=" * 72

_WORDS: dict[Lang, dict[str, str]] = {
    "pt-BR": {
        "title": "SIZING DE INFERÊNCIA LLM",
        "inputs": "ENTRADAS",
        "model": "Modelo",
        "server": "Servidor",
        "storage": "Storage",
        "concurrency": "Concorrência",
        "context": "Contexto efetivo",
        "precision": "Precisão KV",
        "overhead": "Overhead de runtime",
        "tp": "Tensor parallel",
        "scenario": "CENÁRIO",
        "alerts": "ALERTAS E RISCOS",
        "no_alerts": "Nenhum alerta.",
        "summary": "RESUMO",
        "nodes": "nós",
        "infeasible": "inviável",
        "sessions": "sessões",
        "layers": "camadas",
        "window": "janela",
        "max": "máx.",
    },
    "en": {
        "title": "LLM INFERENCE SIZING",
        "inputs": "INPUTS",
        "model": "Model",
        "server": "Server",
        "storage": "Storage",
        "concurrency": "Concurrency",
        "context": "Effective context",
        "precision": "KV precision",
        "overhead": "Runtime overhead",
        "tp": "Tensor parallel",
        "scenario": "SCENARIO",
        "alerts": "ALERTS AND RISKS",
        "no_alerts": "No alerts.",
        "summary": "SUMMARY",
        "nodes": "nodes",
        "infeasible": "infeasible",
        "sessions": "sessions",
        "layers": "layers",
        "window": "window",
        "max": "max",
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


def field_label(key: str) -> str:
    """'nodes_final' -> 'Nodes Final', the labels the seed's quick start points to."""
    return key.replace("_", " ").title()


def describe_model(m: ModelSpec, lang: Lang) -> str:
    w = _WORDS[lang]
    if m.attention_pattern == "hybrid":
        layers = (
            f"{m.num_layers} {w['layers']} ({m.full_layers} full + {m.sliding_layers} "
            f"sliding, {w['window']} {m.sliding_window})"
        )
    elif m.attention_pattern == "sliding":
        layers = f"{m.num_layers} {w['layers']} (sliding, {w['window']} {m.sliding_window})"
    else:
        layers = f"{m.num_layers} {w['layers']} (full)"
    if m.attention_type == "mla":
        kv = f"MLA {m.kv_lora_rank}+{m.qk_rope_head_dim}"
    else:
        kv = f"{m.num_key_value_heads} KV heads × {m.head_dim}"
    limit = f", {w['max']} {fmt_int(m.max_context)} tokens" if m.max_context else ""
    return f"{layers}, {kv}{limit}"


def render_text_report(result: SizingResult, *, lang: Lang = "pt-BR") -> str:
    w = _WORDS[lang]
    req, srv, sto = result.inputs, result.server, result.storage
    n_bytes = bytes_per_element(req.kv_precision)
    hbm_gib = result.scenario("minimum").hbm_total_gib
    inputs = [
        (w["model"], f"{result.model.name} — {describe_model(result.model, lang)}"),
        (
            w["server"],
            f"{srv.name} — {srv.gpus_per_node} × {srv.gpu}, "
            f"{fmt_num(srv.hbm_total_gb)} GB HBM ({fmt_dec(hbm_gib)} GiB)",
        ),
        (
            w["storage"],
            f"{sto.name} — {fmt_num(sto.read_gbps)} GB/s read, "
            f"P99 {fmt_num(sto.p99_latency_ms)} ms",
        ),
        (w["concurrency"], f"{fmt_int(req.concurrency)} {w['sessions']}"),
        (w["context"], f"{fmt_int(req.effective_context)} tokens"),
        (w["precision"], f"{req.kv_precision} ({n_bytes} byte{'s' if n_bytes > 1 else ''}/elem)"),
        (w["overhead"], f"{fmt_num(req.runtime_overhead_gib)} GiB"),
    ]
    if req.tensor_parallel > 1:
        inputs.append((w["tp"], str(req.tensor_parallel)))
    width = max(len(label) for label, _ in inputs) + 2
    lines = [RULE, f"{w['title']} — {result.model.name} @ {srv.name}", RULE, w["inputs"]]
    lines += [f"  {label + ':':<{width}}{value}" for label, value in inputs]
    for name in SCENARIO_NAMES:
        r = result.scenario(name)
        lines += ["", RULE, f"{w['scenario']}: {SCENARIO_LABELS[name][lang]}", RULE]
        lines += [f"  {field_label(key)}: {fmt(r)}" for key, fmt in _FIELDS]
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


def result_document(result: SizingResult, *, lang: Lang = "pt-BR") -> dict:
    """The JSON document: inputs, catalog entries used, scenarios.<name>.results, alerts."""
    doc = result.model_dump(mode="json")
    doc["alerts"] = [
        {**a.model_dump(mode="json"), "message": a.message(lang)} for a in result.alerts
    ]
    doc["summary"] = {name: result.scenario(name).nodes_final for name in SCENARIO_NAMES}
    return {"tool": {"name": "sizing_xl", "version": __version__, "lang": lang}, **doc}


def render_json(result: SizingResult, *, lang: Lang = "pt-BR") -> str:
    return json.dumps(result_document(result, lang=lang), indent=2, ensure_ascii=False) + "\n"


def render_catalog_listing(catalog: Catalog, kind: str, lang: Lang = "en") -> str:
    """A readable listing of what the catalogs hold ('all', 'models', 'servers' or 'storage')."""
    lines: list[str] = []
    if kind in ("all", "models"):
        lines.append(f"MODELS ({len(catalog.models)})")
        lines += [f"  {m.name:<18} {describe_model(m, lang)}" for m in catalog.models.values()]
    if kind in ("all", "servers"):
        lines.append(f"SERVERS ({len(catalog.servers)})")
        lines += [
            f"  {s.name:<18} {s.gpus_per_node} × {s.gpu} ({fmt_num(s.hbm_per_gpu_gb)} GB), "
            f"{fmt_num(s.hbm_total_gb)} GB = {fmt_dec(s.hbm_total_gib)} GiB HBM — {s.label}"
            for s in catalog.servers.values()
        ]
    if kind in ("all", "storage"):
        lines.append(f"STORAGE ({len(catalog.storage)})")
        lines += [
            f"  {p.name:<18} {fmt_num(p.read_gbps)} GB/s read, P99 {fmt_num(p.p99_latency_ms)} ms"
            for p in catalog.storage.values()
        ]
    lines.append("")
    lines.append("catalog files: " + ", ".join(catalog.files))
    return "\n".join(lines) + "\n"
