"""The live Model sheet's formulas: catalog look-ups, the seed method and vLLM's, as Excel text.

Each row mirrors one quantity of sizing_xl (engine.py, methods/seed.py, methods/vllm.py); the
LibreOffice tests compare every row with the engine. Only functions Excel 2016+ and LibreOffice
7.4 both evaluate: INDEX/MATCH, IF, AND/OR, ISNUMBER, MIN/MAX, INT, ROUND, ROUNDUP, MOD.
"""

from __future__ import annotations

from sizing_xl.excel.live.money_formulas import NONE, output_rows
from sizing_xl.excel.live.step_formulas import kv_expression, throughput_rows
from sizing_xl.excel.live.vllm_formulas import profiling_run
from sizing_xl.excel.sheets import lookup
from sizing_xl.i18n import Lang
from sizing_xl.methods.defaults import engine_defaults
from sizing_xl.units import BYTES_PER_GB, BYTES_PER_GIB, BYTES_PER_PARAM

GIB = BYTES_PER_GIB
INFEASIBLE = {"pt-BR": "inviável", "en": "infeasible"}


def _bytes_per_param(precision: str) -> str:
    """=IF(p="bf16",2,IF(p="fp16",2,...,0)): bytes per weight at a uniform precision."""
    formula = "0"
    for name, size in reversed(BYTES_PER_PARAM.items()):
        formula = f'IF({precision}="{name}",{size:g},{formula})'
    return formula


# A named formula, so the weights expression stays short enough to repeat in the input check
WEIGHTS_PRECISION_NAME = "w_precision"


def weights_precision_formula() -> str:
    """The weights precision used: the input, else the model's checkpoint precision."""
    return f"IF(ISBLANK(in_weights_prec),{lookup('Models', 'weights_precision', 'in_model')},in_weights_prec)"


def weights_gib_formula() -> str:
    """The weights in GiB as capacity.resolve_weights finds them, or "—" when it finds none:
    the input, else the published size at the checkpoint's own precision, else params x
    bytes at the precision used."""
    published = lookup("Models", "weights_gib", "in_model")
    own = lookup("Models", "weights_precision", "in_model")
    params = lookup("Models", "params_total_b", "in_model")
    precision, per_param = WEIGHTS_PRECISION_NAME, _bytes_per_param(WEIGHTS_PRECISION_NAME)
    return (
        f"IF(ISNUMBER(in_weights_gib),in_weights_gib,"
        f"IF(AND(ISNUMBER({published}),ISTEXT({precision}),{precision}={own}),{published},"
        f"IF(AND(ISNUMBER({params}),{per_param}>0),{params}*1000000000*{per_param}/{GIB},"
        f'"—")))'
    )


# Single-value rows, top to bottom: catalog fields, then the seed method's KV, then vLLM's pool.
ARCHITECTURE_QUANTITIES: tuple[str, ...] = (
    "attention_type",
    "attention_pattern",
    "num_layers",
    "sliding_layers",
    "full_layers",
    "sliding_window",
    "num_key_value_heads",
    "head_dim",
    "kv_lora_rank",
    "qk_rope_head_dim",
    "global_kv_heads",
    "global_head_dim",
    "gpus_per_node",
    "hbm_per_gpu_gb",
    "hbm_total_bytes",
    "bytes_per_element",
    "kv_elements_per_token_layer",
    "global_kv_elements_per_token_layer",
    "cached_token_layers",
    "kv_per_session_bytes",
    "replicas_per_node",
    "nodes_per_replica",
    "usable_gib_per_gpu",
    "weights_gib",
    "gpu_memory_utilization",
    "non_weight_overhead_gib",
    "block_size",
    "max_num_seqs",
    "kv_available_bytes_per_gpu",
    "layers_per_group",
    "full_groups",
    "sliding_groups",
    "layers_per_group_on_gpu",
    "page_bytes",
    "full_block_size",
    "sliding_block_size",
    "blocks_per_gpu",
    "blocks_per_session",
    "engine_sessions_per_replica",
    "engine_kv_per_session_bytes",
    "hbm_bandwidth_tbps_per_gpu",
)
# vLLM's pool, which needs the weights: without them the engine runs no vLLM check, and the
# rows show a dash (the weights row gives its own)
_FIRST, _LAST = (
    ARCHITECTURE_QUANTITIES.index(q) for q in ("usable_gib_per_gpu", "hbm_bandwidth_tbps_per_gpu")
)
VLLM_POOL_ROWS = frozenset(ARCHITECTURE_QUANTITIES[_FIRST:_LAST]) - {"weights_gib"}


def architecture_rows(c: dict[str, str]) -> list[tuple[str, str]]:
    """(quantity, formula) for each ARCHITECTURE_QUANTITIES row, given every row's cell."""
    vllm = engine_defaults().vllm
    model = {
        field: lookup("Models", field, "in_model")
        for field in (
            "attention_type",
            "attention_pattern",
            "num_layers",
            "num_sliding_layers",
            "sliding_window",
            "num_key_value_heads",
            "head_dim",
            "kv_lora_rank",
            "qk_rope_head_dim",
            "num_global_key_value_heads",
            "global_head_dim",
            "max_context",
            "params_total_b",
            "non_weight_overhead_gib",
            "hidden_size",
            "intermediate_size",
            "vocab_size",
            "experts_per_token",
        )
    }
    server = {
        field: lookup("Servers", field, "in_server")
        for field in ("gpus_per_node", "hbm_per_gpu_gb", "usable_gib_per_gpu", "interconnect")
    }
    replica = "(in_tp*in_pp)"
    full, sliding = c["full_layers"], c["sliding_layers"]
    many, few = f"MAX({full},{sliding})", f"MIN({full},{sliding})"
    tokens_blocks = f"ROUNDUP(in_context/{c['full_block_size']},0)"
    sliding_tokens = f"ROUNDUP(in_context/{c['sliding_block_size']},0)"
    window_blocks = f"ROUNDUP(({c['sliding_window']}-1)/{c['sliding_block_size']},0)+1"
    # methods/vllm.page_bytes_per_layer of a sliding (or only) layer and of a full one
    sliding_page = (
        f"2*{c['block_size']}*MAX(1,INT({c['num_key_value_heads']}/in_tp))"
        f"*{c['head_dim']}*{c['bytes_per_element']}"
    )
    full_page = (
        f"2*{c['block_size']}*MAX(1,INT({c['global_kv_heads']}/in_tp))"
        f"*{c['global_head_dim']}*{c['bytes_per_element']}"
    )
    mla = f'{c["attention_type"]}="mla"'
    rows = [
        ("attention_type", "=" + model["attention_type"]),
        ("attention_pattern", "=" + model["attention_pattern"]),
        ("num_layers", "=" + model["num_layers"]),
        (
            "sliding_layers",
            f'=IF({c["attention_pattern"]}="sliding",{c["num_layers"]},'
            f'IF({c["attention_pattern"]}="hybrid",{model["num_sliding_layers"]},0))',
        ),
        ("full_layers", f"={c['num_layers']}-{c['sliding_layers']}"),
        ("sliding_window", "=" + model["sliding_window"]),
        ("num_key_value_heads", "=" + model["num_key_value_heads"]),
        ("head_dim", "=" + model["head_dim"]),
        ("kv_lora_rank", "=" + model["kv_lora_rank"]),
        ("qk_rope_head_dim", "=" + model["qk_rope_head_dim"]),
        # engine.kv_heads_and_dim: a full layer's own where the model gives them (Gemma 4)
        (
            "global_kv_heads",
            f"=IF(ISNUMBER({model['num_global_key_value_heads']}),"
            f"{model['num_global_key_value_heads']},{c['num_key_value_heads']})",
        ),
        (
            "global_head_dim",
            f"=IF(ISNUMBER({model['global_head_dim']}),{model['global_head_dim']},{c['head_dim']})",
        ),
        ("gpus_per_node", "=" + server["gpus_per_node"]),
        ("hbm_per_gpu_gb", "=" + server["hbm_per_gpu_gb"]),
        (
            "hbm_total_bytes",
            f"={c['gpus_per_node']}*{c['hbm_per_gpu_gb']}*{BYTES_PER_GB}",
        ),
        (
            "bytes_per_element",
            '=IF(OR(in_precision="fp16",in_precision="bf16"),2,'
            'IF(OR(in_precision="fp8",in_precision="int8"),1,IF(in_precision="fp32",4,NA())))',
        ),
        (
            "kv_elements_per_token_layer",
            f"=IF({mla},({c['kv_lora_rank']}+{c['qk_rope_head_dim']})*in_tp,"
            f"2*ROUNDUP({c['num_key_value_heads']}/in_tp,0)*in_tp*{c['head_dim']})",
        ),
        (
            "global_kv_elements_per_token_layer",
            f"=IF({mla},{c['kv_elements_per_token_layer']},"
            f"2*ROUNDUP({c['global_kv_heads']}/in_tp,0)*in_tp*{c['global_head_dim']})",
        ),
        (
            "cached_token_layers",
            f"={full}*in_context+{sliding}*MIN({c['sliding_window']},in_context)",
        ),
        (
            "kv_per_session_bytes",
            f"=({full}*in_context*{c['global_kv_elements_per_token_layer']}"
            f"+{sliding}*MIN({c['sliding_window']},in_context)"
            f"*{c['kv_elements_per_token_layer']})*{c['bytes_per_element']}",
        ),
        ("replicas_per_node", f"=MAX(1,INT({c['gpus_per_node']}/{replica}))"),
        ("nodes_per_replica", f"=MAX(1,INT({replica}/{c['gpus_per_node']}))"),
        (
            "usable_gib_per_gpu",
            f"=IF(ISNUMBER({server['usable_gib_per_gpu']}),{server['usable_gib_per_gpu']},"
            f"{c['hbm_per_gpu_gb']}*{BYTES_PER_GB}/{GIB})",
        ),
        (
            "weights_gib",
            "=" + weights_gib_formula(),
        ),
        (
            "gpu_memory_utilization",
            f"=IF(ISNUMBER(in_gpu_util),in_gpu_util,{vllm.gpu_memory_utilization:g})",
        ),
        (
            "non_weight_overhead_gib",
            f"=IF(ISNUMBER(in_nw_overhead),in_nw_overhead,"
            f"IF(ISNUMBER({model['non_weight_overhead_gib']}),{model['non_weight_overhead_gib']},"
            f"{profiling_run(model, server['interconnect'], c['max_num_seqs'])}))",
        ),
        (
            "block_size",
            f"=IF(ISNUMBER(in_block),in_block,IF({mla},{vllm.mla_block_size},{vllm.block_size}))",
        ),
        (
            "max_num_seqs",
            f"=IF(ISNUMBER(in_max_seqs),in_max_seqs,{vllm.max_num_seqs})",
        ),
        (
            "kv_available_bytes_per_gpu",
            f"={c['usable_gib_per_gpu']}*{GIB}*{c['gpu_memory_utilization']}"
            f"-{c['weights_gib']}/{replica}*{GIB}-{c['non_weight_overhead_gib']}*{GIB}",
        ),
        (
            "layers_per_group",
            f"=IF({sliding}=0,{full},IF({full}=0,{sliding},IF({many}<1.5*{few},{many},{few})))",
        ),
        (
            "full_groups",
            f"=IF({full}=0,0,ROUNDUP({full}/{c['layers_per_group']},0))",
        ),
        (
            "sliding_groups",
            f"=IF({sliding}=0,0,ROUNDUP({sliding}/{c['layers_per_group']},0))",
        ),
        (
            "layers_per_group_on_gpu",
            f"=ROUNDUP({c['layers_per_group']}/in_pp,0)",
        ),
        (  # methods/vllm.unified_pages: the largest page of the layer types present
            "page_bytes",
            f"=IF({mla},{c['block_size']}*({c['kv_lora_rank']}+{c['qk_rope_head_dim']})"
            f"*{c['bytes_per_element']},MAX(IF({full}>0,{full_page},0),"
            f"IF({sliding}>0,{sliding_page},0)))",
        ),
        (
            "full_block_size",
            f"=IF(OR({mla},{full}=0),{c['block_size']},"
            f"{c['block_size']}*{c['page_bytes']}/({full_page}))",
        ),
        (
            "sliding_block_size",
            f"=IF(OR({mla},{sliding}=0),{c['block_size']},"
            f"{c['block_size']}*{c['page_bytes']}/({sliding_page}))",
        ),
        (
            "blocks_per_gpu",
            f"=MAX(0,INT({c['kv_available_bytes_per_gpu']}/{c['page_bytes']}"
            f"/{c['layers_per_group_on_gpu']}))",
        ),
        (
            "blocks_per_session",
            f"={c['full_groups']}*{tokens_blocks}+IF({c['sliding_groups']}=0,0,"
            f"{c['sliding_groups']}*MIN({sliding_tokens},{window_blocks}))",
        ),
        (
            "engine_sessions_per_replica",
            f"=MIN(INT({c['blocks_per_gpu']}/{c['blocks_per_session']}),{c['max_num_seqs']})",
        ),
        (
            "engine_kv_per_session_bytes",
            f"={c['blocks_per_session']}*{c['page_bytes']}*{c['layers_per_group_on_gpu']}*{replica}",
        ),
        (
            "hbm_bandwidth_tbps_per_gpu",
            "=" + lookup("Servers", "hbm_bandwidth_tbps_per_gpu", "in_server"),
        ),
    ]
    weighed = f"ISNUMBER({c['weights_gib']})"
    return [(q, f"=IF({weighed},{f[1:]},{NONE})" if q in VLLM_POOL_ROWS else f) for q, f in rows]


# Scenario rows: (quantity, label pt-BR, label en, number format, formula). In a formula
# "X{row}" stands for the same scenario's cell in that row: column B, C or D.
def scenario_rows(c: dict[str, str], lang: Lang) -> list[tuple[str, str, str, str]]:
    vllm_on = 'in_method="vllm"'
    seed_budget = f"MAX(0,{c['hbm_total_bytes']}-in_overhead_gib*{GIB})*X{{kv_budget_ratio}}"
    kv = kv_expression(c)
    npr = c["nodes_per_replica"]
    nope = f'"{INFEASIBLE[lang]}"'
    rows = [
        (
            "peak_headroom_ratio",
            "Headroom usado",
            "Headroom used",
            "0%",
            "=IF(X{policy_stricter},MAX(IF(ISBLANK(X{policy_headroom}),in_headroom,"
            "X{policy_headroom}),in_headroom),IF(ISBLANK(X{policy_headroom}),in_headroom,"
            "X{policy_headroom}))",
        ),
        (
            "kv_budget_ratio",
            "Budget usado (vLLM: utilização)",
            "Budget used (vLLM: utilisation)",
            "0%",
            f"=IF({vllm_on},{c['gpu_memory_utilization']},IF(X{{policy_stricter}},"
            "MIN(IF(ISBLANK(X{policy_budget}),in_budget_ratio,X{policy_budget}),in_budget_ratio),"
            "IF(ISBLANK(X{policy_budget}),in_budget_ratio,X{policy_budget})))",
        ),
        (
            "kv_per_session_gib",
            "KV por sessão (GiB)",
            "KV per session (GiB)",
            "0.00",
            f"={kv}/{GIB}",
        ),
        (
            "kv_total_gib",
            "KV total (GiB)",
            "Total KV (GiB)",
            "#,##0.0",
            f"={kv}*in_concurrency/{GIB}",
        ),
        (
            "hbm_total_gib",
            "HBM total (GiB)",
            "HBM total (GiB)",
            "#,##0.0",
            f"=IF({vllm_on},{c['usable_gib_per_gpu']}*{c['gpus_per_node']},"
            f"{c['hbm_total_bytes']}/{GIB})",
        ),
        (
            "hbm_budget_gib",
            "Budget de HBM por nó (GiB)",
            "HBM budget per node (GiB)",
            "#,##0.0",
            f"=IF({vllm_on},MAX(0,{c['kv_available_bytes_per_gpu']})*{c['gpus_per_node']},"
            f"{seed_budget})/{GIB}",
        ),
        (
            "memory_sessions_per_unit",
            "Sessões por unidade, memória (nó ou réplica)",
            "Sessions per unit, memory (node or replica)",
            "#,##0",
            f"=IF({vllm_on},{c['engine_sessions_per_replica']}*{c['replicas_per_node']},"
            f"INT(ROUND({seed_budget}*{npr}/{c['kv_per_session_bytes']},6)))",
        ),
        *throughput_rows(c),
        (
            "sessions_per_unit",
            "Sessões por unidade (nó ou réplica)",
            "Sessions per unit (node or replica)",
            "#,##0",
            f"=MIN(X{{memory_sessions_per_unit}},"
            f"X{{throughput_sessions_per_replica}}*{c['replicas_per_node']})",
        ),
        (
            "sessions_per_node",
            "Sessões por nó",
            "Sessions per node",
            "#,##0",
            f"=INT(X{{sessions_per_unit}}/{npr})",
        ),
        (
            "peak_sessions",
            "Sessões no pico",
            "Peak sessions",
            "#,##0.##",
            "=ROUND(in_concurrency*(1+X{peak_headroom_ratio}),6)",
        ),
        (
            "nodes_operational",
            "Nós operacionais",
            "Operational nodes",
            "#,##0",
            f"=IF(X{{sessions_per_unit}}=0,{nope},"
            f"ROUNDUP(X{{peak_sessions}}/X{{sessions_per_unit}},0)*{npr})",
        ),
        (
            "nodes_final",
            "Nós finais",
            "Final nodes",
            "#,##0",
            f"=IF(ISNUMBER(X{{nodes_operational}}),X{{nodes_operational}}+X{{policy_spares}}*{npr},"
            f"{nope})",
        ),
        (
            "capacity_after_failures_sessions",
            "Capacidade após falhas (sessões)",
            "Capacity after failures (sessions)",
            "#,##0",
            f"=IF(ISNUMBER(X{{nodes_operational}}),X{{nodes_operational}}/{npr}"
            f"*X{{sessions_per_unit}},{nope})",
        ),
        *output_rows(c, lang),
    ]
    pick = 1 if lang == "pt-BR" else 2
    return [(row[0], row[pick], row[3], row[4]) for row in rows]
