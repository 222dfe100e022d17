"""The executive report for directors (the seed's 8 sections), in pt-BR or English Markdown."""

from __future__ import annotations

from datetime import datetime
from importlib import resources

from sizing_xl.alerts import ENGINE_LABELS, Alert
from sizing_xl.i18n import Lang, fmt_dec, fmt_int, fmt_num, fmt_pct
from sizing_xl.methods.defaults import engine_defaults
from sizing_xl.reports.finops import WORDS as FINOPS_WORDS
from sizing_xl.reports.finops import Money, assumption_lines, cost_rows, throughput_value
from sizing_xl.reports.glossary import PARAMETER_DICTIONARY
from sizing_xl.reports.phrases import ITEMS, PHRASES
from sizing_xl.scenarios import SCENARIO_NAMES, ScenarioResult, SizingResult
from sizing_xl.units import bytes_per_element, gib_to_tib

ITEM_LISTS = ("limit_risks", "decision_risks", "undersizing_risks", "premises")


def phrase(lang: Lang, key: str, **values: object) -> str:
    return PHRASES[lang][key].format(**values)


def ha_label(r: ScenarioResult, lang: Lang) -> str:
    return phrase(lang, "ha_none") if r.ha_spares == 0 else r.ha_mode.upper()


def nodes_word(n: int, lang: Lang) -> str:
    """'1 nó', '2 nós'."""
    return f"{n} {phrase(lang, 'node' if n == 1 else 'nodes')}"


def fault_tolerance_label(r: ScenarioResult, lang: Lang) -> str:
    if r.ha_spares == 0:
        return phrase(lang, "tolerance_0")
    word = phrase(lang, "node" if r.ha_spares == 1 else "nodes")
    return phrase(lang, "tolerance_n", n=r.ha_spares, nodes=word, ha=r.ha_mode.upper())


def relative_capex(r: ScenarioResult, baseline: ScenarioResult) -> str:
    """'+50%' against the Minimum scenario's node count; '—' when either is infeasible."""
    if r.nodes_final is None or baseline.nodes_final is None:
        return "—"
    return f"+{round(100 * (r.nodes_final - baseline.nodes_final) / baseline.nodes_final)}%"


def nodes_text(r: ScenarioResult) -> str:
    return "—" if r.nodes_final is None else fmt_int(r.nodes_final)


def nodes_words(r: ScenarioResult, lang: Lang) -> str:
    """'1 nó', '2 nós', or '—' when the scenario is infeasible."""
    return "—" if r.nodes_final is None else nodes_word(r.nodes_final, lang)


def kv_total_text(r: ScenarioResult) -> str:
    """'2.20 TiB (2252.2 GiB)' as the seed writes it."""
    return f"{gib_to_tib(r.kv_total_gib):.2f} TiB ({fmt_dec(r.kv_total_gib)} GiB)"


def architecture_text(result: SizingResult, lang: Lang) -> str:
    m = result.model
    if m.attention_type == "mla":
        return phrase(
            lang,
            "arch_mla",
            layers=m.num_layers,
            rank=m.kv_lora_rank,
            rope=m.qk_rope_head_dim,
            pattern=m.attention_pattern,
        )
    return phrase(
        lang,
        "arch_gqa",
        layers=m.num_layers,
        kv_heads=m.num_key_value_heads,
        pattern=m.attention_pattern,
    )


def kv_formula_text(result: SizingResult) -> str:
    tokens = "(full_layers × context + sliding_layers × window)"
    tp = result.inputs.tensor_parallel
    if result.model.attention_type == "mla":
        latent = "(kv_lora_rank + qk_rope_head_dim)"
        return f"{tokens} × {latent}{' × TP' if tp > 1 else ''} × bytes"
    heads = "ceil(kv_heads / TP) × TP" if tp > 1 else "kv_heads"
    return f"2 × {tokens} × {heads} × head_dim × bytes"


def kv_parameters_text(result: SizingResult, lang: Lang) -> str:
    m, req = result.model, result.inputs
    n = bytes_per_element(req.kv_precision)
    size_text = phrase(lang, "byte") if n == 1 else phrase(lang, "bytes", n=n)
    common = dict(
        layers=m.num_layers,
        context=fmt_int(req.effective_context),
        precision=req.kv_precision,
        bytes=size_text,
    )
    if m.attention_type == "mla":
        text = phrase(lang, "kv_params_mla", rank=m.kv_lora_rank, rope=m.qk_rope_head_dim, **common)
    else:
        text = phrase(lang, "kv_params_gqa", kv_heads=m.num_key_value_heads, **common)
    return text + (phrase(lang, "tp", tp=req.tensor_parallel) if req.tensor_parallel > 1 else "")


def _scenario_table(result: SizingResult, r: ScenarioResult, lang: Lang) -> str:
    req = result.inputs
    rows = [
        ("row_model", result.model.name),
        ("row_server", result.server.name),
        ("row_context", phrase(lang, "context_value", context=fmt_int(req.effective_context))),
        (
            "row_concurrency",
            phrase(lang, "concurrency_value", concurrency=fmt_int(req.concurrency)),
        ),
        ("row_kv", f"{fmt_dec(r.kv_per_session_gib, 2)} GiB"),
        ("row_kv_total", kv_total_text(r)),
        (
            "row_budget",
            phrase(
                lang, "budget_value", budget=fmt_dec(r.hbm_budget_gib), hbm=fmt_dec(r.hbm_total_gib)
            ),
        ),
        ("row_sessions", fmt_int(r.sessions_per_node)),
        ("row_nodes", f"**{nodes_text(r)}**"),
        ("row_ha", ha_label(r, lang)),
        ("row_headroom", fmt_pct(r.peak_headroom_ratio)),
    ]
    if r.throughput is not None:
        rows.append(("row_throughput", throughput_value(r.throughput, lang)))
    check = result.engine_check
    if check is not None and check.method != r.method:
        name = next(n for n in SCENARIO_NAMES if result.scenario(n) is r)
        nodes = check.nodes[name]
        rows.append(
            (
                "row_engine_check",
                phrase(
                    lang,
                    "engine_check_value",
                    sessions=fmt_int(check.sessions_per_node),
                    nodes=phrase(lang, "infeasible") if nodes is None else nodes_word(nodes, lang),
                ),
            )
        )
    lines = [phrase(lang, "table_head")]
    for key, value in rows:
        label = phrase(lang, key, family=result.server.family, engine=_check_engine(result))
        lines.append(f"| **{label}** | {value} |")
    return "\n".join(lines)


def _check_engine(result: SizingResult) -> str:
    return ENGINE_LABELS[result.engine_check.method] if result.engine_check else ""


def slo_missed(result: SizingResult, r: ScenarioResult, lang: Lang) -> str | None:
    """The SLO that no session meets, worded ('≥ 50 tokens/s per session'), where memory would
    hold sessions but an SLO leaves none; None where memory is what fails."""
    t = r.throughput
    if r.nodes_final is not None or t is None or t.limit is None or r.memory_sessions_per_unit == 0:
        return None
    req = result.inputs
    value = req.min_tokens_per_second if t.limit == "tokens_per_second" else req.max_ttft_seconds
    return phrase(lang, f"slo_{t.limit}", value=fmt_num(value or 0))


def _meaning(result: SizingResult, name: str, lang: Lang) -> str:
    r = result.scenario(name)  # type: ignore[arg-type]
    slo = slo_missed(result, r, lang)
    if slo is not None:
        return phrase(lang, "meaning_infeasible_slo", slo=slo)
    if r.nodes_final is None or r.nodes_operational is None:
        return phrase(
            lang,
            "meaning_infeasible",
            kv=fmt_dec(r.kv_per_session_gib, 2),
            budget=fmt_dec(r.hbm_budget_gib),
        )
    capacity = r.capacity_after_failures_sessions or 0
    return phrase(
        lang,
        f"meaning_{name}",
        nodes=r.nodes_final,
        nodes_words=nodes_words(r, lang),
        operational=r.nodes_operational,
        spares=r.ha_spares,
        spare_nodes=nodes_word(r.ha_spares, lang),
        headroom=fmt_pct(r.peak_headroom_ratio),
        capacity=capacity,
        margin=phrase(lang, "margin") if capacity > result.inputs.concurrency else "",
        budget_ratio=fmt_pct(r.kv_budget_ratio),
        base_budget_ratio=fmt_pct(result.inputs.kv_budget_ratio),
    )


# What each engine calls its memory fraction and its cap on concurrent sequences.
ENGINE_TERMS = {
    "vllm": ("gpu_memory_utilization", "max_num_seqs"),
    "sglang": ("mem_fraction_static", "max_running_requests"),
}
_METHOD_KEYS = (
    "budget_formula",
    "budget_params",
    "budget_assumption",
    "sessions_formula",
    "sessions_params",
    "sessions_assumption",
)


def method_values(result: SizingResult, lang: Lang, values: dict) -> dict[str, str]:
    """Section 4's budget and sessions rows for the method used, and the footer's method line."""
    rec = result.scenario("recommended")
    check = result.engine_check
    if rec.memory is None:
        rows = {key: phrase(lang, f"{key}_seed", **values) for key in _METHOD_KEYS}
        method = phrase(lang, "method_seed")
    else:
        m, d = rec.memory, result.deployment
        fraction_name, cap_name = ENGINE_TERMS[rec.method]
        engine = dict(
            engine=ENGINE_LABELS[rec.method],
            engine_version=getattr(engine_defaults(), rec.method).version,
        )
        fields = dict(
            **engine,
            fraction_name=fraction_name,
            cap_name=cap_name,
            fraction=fmt_num(m.memory_fraction),
            usable=fmt_dec(m.usable_gib_per_gpu),
            weights=fmt_dec(m.weights_gib_per_gpu),
            engine_overhead=fmt_dec(m.non_weight_overhead_gib),
            gpus=result.server.gpus_per_node,
            tp=d.tensor_parallel,
            pp=d.pipeline_parallel,
            blocks=fmt_int(m.blocks_per_gpu),
            block=m.block_size,
            blocks_per_session=fmt_int(m.blocks_per_session),
            replicas=d.replicas_per_node,
        )
        rows = {key: phrase(lang, f"{key}_engine", **fields) for key in _METHOD_KEYS}
        method = phrase(lang, "method_engine", **engine)
    checked = ""
    if check is not None and check.method != rec.method:
        ratio = check.ratio_to_method
        checked = phrase(
            lang,
            "method_check",
            engine=ENGINE_LABELS[check.method],
            sessions=fmt_int(check.sessions_per_node),
            ratio="—" if ratio is None else f"{fmt_dec(ratio, 2)}×",
        )
    return {**rows, "method_line": phrase(lang, "method_line", method=method, check=checked)}


def money_values(result: SizingResult, lang: Lang) -> dict[str, str]:
    """Section 5's money rows per scenario, and the cost assumptions with their dates."""
    money = Money(result.finance, lang)
    s = [result.scenario(n) for n in SCENARIO_NAMES]
    if all(r.cost is None for r in s):
        return {"cost_rows": "", "cost_assumptions": ""}
    by_label: dict[str, list[str]] = {}
    for r in s:
        rows = cost_rows(r.cost, money, lang, terse=True) if r.cost is not None else []
        for label, value in rows:
            by_label.setdefault(label, []).append(value)
    labels = [label for label, _ in cost_rows(next(r.cost for r in s if r.cost), money, lang)]
    lines = [
        f"| **{label}** | " + " | ".join((by_label[label] + ["—"] * 3)[:3]) + " |"
        for label in labels
        if label != FINOPS_WORDS[lang]["per_session"]
    ]
    assumptions = "; ".join(assumption_lines(result.finance, lang))
    return {
        "cost_rows": "".join("\n" + line for line in lines),
        "cost_assumptions": f"\n\n**{phrase(lang, 'cost_assumptions')}** {assumptions}",
    }


def technical_alerts(alerts: list[Alert]) -> list[Alert]:
    """The alerts a director sees: warnings and critical findings."""
    return [a for a in alerts if a.severity != "info"]


def report_content(result: SizingResult, *, lang: Lang, generated_at: datetime) -> dict:
    """Every figure and sentence of the report, keyed by the template's field names.

    Text values are Markdown (bold as **…**); ITEM_LISTS keys hold (title, text) pairs.
    """
    req, server = result.inputs, result.server
    s = {name: result.scenario(name) for name in SCENARIO_NAMES}
    rec, minimum, ideal = s["recommended"], s["minimum"], s["ideal"]
    common = dict(
        concurrency=fmt_int(req.concurrency),
        context=fmt_int(req.effective_context),
        family=server.family,
        server=server.name,
        precision=req.kv_precision,
        kv=fmt_dec(rec.kv_per_session_gib, 2),
        budget=fmt_dec(rec.hbm_budget_gib),
    )
    feasible = rec.nodes_final is not None and rec.nodes_operational is not None
    rec_values = dict(
        nodes=nodes_text(rec),
        operational=rec.nodes_operational,
        spares=rec.ha_spares,
        spare_nodes=nodes_word(rec.ha_spares, lang),
        headroom=fmt_pct(rec.peak_headroom_ratio),
    )
    slo = slo_missed(result, rec, lang)
    suffix = "" if feasible else ("_infeasible_slo" if slo else "_infeasible")
    common["slo"] = slo or ""
    all_feasible = all(r.nodes_final is not None for r in s.values())
    alerts = technical_alerts(result.alerts)
    precision_key = (
        "precision_1byte" if bytes_per_element(req.kv_precision) == 1 else ("precision_2byte")
    )
    max_context = result.model.max_context or req.effective_context
    values = dict(
        date=generated_at.strftime(phrase(lang, "date")),
        generated_at=generated_at.strftime(phrase(lang, "datetime")),
        model=result.model.name,
        server=server.name,
        gpus=server.gpus_per_node,
        hbm_gb=fmt_num(server.hbm_total_gb),
        hbm_gib=fmt_dec(rec.hbm_total_gib),
        family=server.family,
        concurrency=common["concurrency"],
        context=common["context"],
        max_context=fmt_int(max_context),
        architecture=architecture_text(result, lang),
        attention_pattern=result.model.attention_pattern,
        main_conclusion=phrase(lang, "conclusion" + suffix, **common, nodes=rec_values["nodes"]),
        recommended_headroom=fmt_pct(rec.peak_headroom_ratio),
        ideal_headroom=fmt_pct(ideal.peak_headroom_ratio),
        minimum_headroom=fmt_pct(minimum.peak_headroom_ratio),
        recommended_ha=rec.ha_mode.upper(),
        ideal_ha=ideal.ha_mode.upper(),
        kv_formula=kv_formula_text(result),
        kv_parameters=kv_parameters_text(result, lang),
        kv_per_session=fmt_dec(rec.kv_per_session_gib, 2),
        overhead=fmt_num(req.runtime_overhead_gib),
        budget_ratio=fmt_pct(rec.kv_budget_ratio),
        ideal_budget_ratio=fmt_pct(ideal.kv_budget_ratio),
        budget_gib=fmt_dec(rec.hbm_budget_gib),
        sessions_per_node=rec.sessions_per_node,
        recommended_spares=rec.ha_spares,
        recommended_capex=relative_capex(rec, minimum),
        ideal_capex=relative_capex(ideal, minimum),
        comparison_conclusion=phrase(
            lang,
            "comparison" if all_feasible else "comparison_infeasible",
            recommended=nodes_text(rec),
            minimum=nodes_text(minimum),
            minimum_words=nodes_words(minimum, lang),
            ideal=nodes_text(ideal),
            capex=relative_capex(rec, minimum),
        ),
        alert_lines="\n".join(f"- {a.line(lang)}" for a in alerts) or phrase(lang, "no_alerts"),
        recommendation=phrase(lang, "recommendation" + suffix, **{**common, **rec_values}),
        watch_sessions=fmt_int(round(0.8 * req.concurrency)),
        precision_premise=phrase(lang, precision_key, precision=req.kv_precision.upper()),
        next_steps=phrase(
            lang,
            "next_steps" + suffix.removesuffix("_slo"),  # one next step for both causes
            nodes=rec_values["nodes"],
            server=server.name,
        ),
        dictionary_rows="\n".join(
            f"| **{p}** | {origin} | {desc} | {why} |"
            for p, origin, desc, why in PARAMETER_DICTIONARY[lang]
        ),
        method_version=result.method_version,
    )
    values.update(method_values(result, lang, values))
    values.update(money_values(result, lang))
    for name in SCENARIO_NAMES:
        values[f"{name}_table"] = _scenario_table(result, s[name], lang)
        values[f"{name}_meaning"] = _meaning(result, name, lang)
        values[f"{name}_nodes"] = nodes_text(s[name])
        values[f"{name}_nodes_words"] = nodes_words(s[name], lang)
        values[f"{name}_tolerance"] = fault_tolerance_label(s[name], lang)
    for key in ITEM_LISTS:
        values[key] = [(title, text.format(**values)) for title, text in ITEMS[lang][key]]
    return values


def render_executive_report(
    result: SizingResult, *, lang: Lang = "pt-BR", generated_at: datetime | None = None
) -> str:
    """The executive report as Markdown; generated_at fixed makes the output reproducible."""
    values = report_content(result, lang=lang, generated_at=generated_at or datetime.now())
    for key in ITEM_LISTS:
        marker = (lambda i: f"{i}.") if key == "premises" else (lambda i: "-")
        values[key] = "\n".join(
            f"{marker(i)} **{title}:** {text}" for i, (title, text) in enumerate(values[key], 1)
        )
    template = resources.files("sizing_xl.reports").joinpath(f"templates/executive.{lang}.md")
    return template.read_text("utf-8").format(**values)
