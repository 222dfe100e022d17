"""The live Model sheet's money and throughput formulas, mirroring step_time.py, throughput.py
and costs/.

Amounts are computed in USD as the engine does, then shown at the sheet's exchange rate; a
figure the engine leaves empty (no price, no offer, no output rate) shows a dash.
"""

from __future__ import annotations

from sizing_xl.excel.live.step_formulas import kv_expression, step_formula, steps_known
from sizing_xl.excel.sheets import lookup
from sizing_xl.i18n import Lang
from sizing_xl.step_time import FP8_PRECISIONS, perf_constants
from sizing_xl.units import BYTES_PER_GIB

GIB = BYTES_PER_GIB
DASH = "—"  # what the sheet shows where the engine leaves None
NONE = f'"{DASH}"'  # the same, as a formula's text

# (defined name, field, number format): request fields, finance.json's assumptions (written
# as resolved values) and the chosen cloud offer's price. Blank: the catalog's or no SLO.
MONEY_INPUTS: tuple[tuple[str, str, str], ...] = (
    ("in_weights_prec", "weights_precision", "@"),
    ("in_node_price", "node_price_usd", "#,##0"),
    ("in_cloud_usd_h", "cloud_usd_per_hour", "#,##0.00"),
    ("in_out_rate", "output_tokens_per_session_per_hour", "#,##0"),
    ("in_min_tps", "min_tokens_per_second", "#,##0.0"),
    ("in_max_ttft", "max_ttft_seconds", "#,##0.00"),
    ("in_prompt", "prompt_tokens", "#,##0"),
    ("in_osl", "output_tokens", "#,##0"),
    ("in_fill", "context_fill", "0%"),
    ("in_rate", "usd_to_currency", "#,##0.00##"),
    ("in_life", "hardware_life_years", "0.0"),
    ("in_residual", "residual_value_ratio", "0%"),
    ("in_capital", "cost_of_capital_per_year", "0.0%"),
    ("in_maint", "maintenance_per_year", "0.0%"),
    ("in_kwh", "usd_per_kwh", "0.000"),
    ("in_pue", "pue", "0.00"),
    ("in_facilities", "facilities_usd_per_node_month", "#,##0"),
    ("in_hours", "hours_per_month", "#,##0"),
    ("in_base_w", "server_base_power_w", "#,##0"),
    ("in_mbu", "memory_bandwidth_utilization", "0%"),
    ("in_mfu", "model_flops_utilization", "0%"),
    # the step-time model's other constants (catalogs/perf.json)
    ("in_dce", "decode_compute_efficiency", "0.0%"),
    ("in_step_ms", "step_overhead_ms", "0.00"),
    ("in_layer_us", "layer_overhead_us", "0.0"),
    ("in_moe_us", "moe_layer_overhead_us", "0.0"),
    ("in_ar_us", "allreduce_latency_us", "0.0"),
    ("in_ar_node_us", "internode_allreduce_latency_us", "0.0"),
    ("in_expert_us", "expert_prefill_overhead_us", "0.00"),
    ("in_req_ms", "request_overhead_ms", "0.0"),
    ("in_align", "arrival_alignment", "0.000"),
)
# the perf.json constants written as inputs, beside the two finance.json holds
PERF_INPUTS = tuple(attr for name, attr, _ in MONEY_INPUTS[-9:])

LABELS: dict[Lang, dict[str, str]] = {
    "pt-BR": {
        "weights_precision": "Precisão dos pesos (vazio = catálogo)",
        "node_price_usd": "Preço do nó, USD (vazio = catálogo)",
        "cloud_usd_per_hour": "Nuvem: USD por hora de um nó (vazio = sem oferta)",
        "output_tokens_per_session_per_hour": "Tokens de saída por sessão-hora (vazio = sem $/1M)",
        "min_tokens_per_second": "SLO: tokens/s por sessão (vazio = sem SLO)",
        "max_ttft_seconds": "SLO: TTFT máximo em s (vazio = sem SLO)",
        "prompt_tokens": "Tokens do prompt por requisição (vazio = contexto)",
        "output_tokens": "Tokens de resposta por requisição (vazio = prefill fora do TPOT)",
        "context_fill": "Fração do contexto ocupada em média",
        "usd_to_currency": "Câmbio: moeda por USD",
        "hardware_life_years": "Vida útil do hardware (anos)",
        "residual_value_ratio": "Valor residual",
        "cost_of_capital_per_year": "Custo de capital ao ano",
        "maintenance_per_year": "Manutenção ao ano (do preço)",
        "usd_per_kwh": "Energia (USD por kWh)",
        "pue": "PUE",
        "facilities_usd_per_node_month": "Facilities (USD por nó-mês)",
        "hours_per_month": "Horas por mês",
        "server_base_power_w": "Potência base do nó além das GPUs (W)",
        "memory_bandwidth_utilization": "MBU (banda de HBM atingida)",
        "model_flops_utilization": "MFU (FLOPS atingidos no prefill)",
        "decode_compute_efficiency": "FLOPS atingidos no decode",
        "step_overhead_ms": "Custo fixo por passo (ms)",
        "layer_overhead_us": "Custo fixo por camada e passo (µs)",
        "moe_layer_overhead_us": "Custo a mais por camada MoE (µs)",
        "allreduce_latency_us": "Latência de um all-reduce, TP > 1 (µs)",
        "internode_allreduce_latency_us": "All-reduce entre nós, TP > GPUs do nó (µs)",
        "expert_prefill_overhead_us": "Prefill: custo por especialista e camada MoE (µs)",
        "request_overhead_ms": "Custo fixo por requisição antes do 1º token (ms)",
        "arrival_alignment": "Requisições que chegam juntas (0 a 1)",
        "money": "CUSTO E VAZÃO (valores na moeda do câmbio acima)",
    },
    "en": {
        "weights_precision": "Weights precision (blank = catalog)",
        "node_price_usd": "Node price, USD (blank = catalog)",
        "cloud_usd_per_hour": "Cloud: USD per node-hour (blank = no offer)",
        "output_tokens_per_session_per_hour": "Output tokens per session-hour (blank = no $/1M)",
        "min_tokens_per_second": "SLO: tokens/s per session (blank = none)",
        "max_ttft_seconds": "SLO: longest TTFT in s (blank = none)",
        "prompt_tokens": "Prompt tokens per request (blank = context)",
        "output_tokens": "Answer tokens per request (blank = prefill not in TPOT)",
        "context_fill": "Share of the context held on average",
        "usd_to_currency": "Exchange rate: currency per USD",
        "hardware_life_years": "Hardware life (years)",
        "residual_value_ratio": "Residual value",
        "cost_of_capital_per_year": "Cost of capital a year",
        "maintenance_per_year": "Maintenance a year (of the price)",
        "usd_per_kwh": "Electricity (USD per kWh)",
        "pue": "PUE",
        "facilities_usd_per_node_month": "Facilities (USD per node-month)",
        "hours_per_month": "Hours per month",
        "server_base_power_w": "Node base power besides its GPUs (W)",
        "memory_bandwidth_utilization": "MBU (HBM bandwidth reached)",
        "model_flops_utilization": "MFU (FLOPS reached in prefill)",
        "decode_compute_efficiency": "FLOPS reached in decode",
        "step_overhead_ms": "Fixed cost per step (ms)",
        "layer_overhead_us": "Fixed cost per layer and step (µs)",
        "moe_layer_overhead_us": "Further cost per MoE layer (µs)",
        "allreduce_latency_us": "Latency of one all-reduce, TP > 1 (µs)",
        "internode_allreduce_latency_us": "All-reduce across nodes, TP > node GPUs (µs)",
        "expert_prefill_overhead_us": "Prefill cost per expert reached and MoE layer (µs)",
        "request_overhead_ms": "Fixed cost per request before its first token (ms)",
        "arrival_alignment": "Requests arriving together (0 to 1)",
        "money": "COST AND THROUGHPUT (amounts in the currency of the rate above)",
    },
}

MONEY_QUANTITIES: tuple[str, ...] = (
    "weights_precision_used",
    "prefill_tflops",
    "active_share",
    "expert_miss",
    "prefill_flops",
    "decode_flops",
    "overhead_factor",
    "communication_ms",
    "overhead_ms",
    "weights_ms",
    "weights_slope_ms",
    "kv_ms",
    "compute_ms",
    "prefill_ms",
    "prefill_share_ms",
    "node_power_kw",
    "node_purchase_usd",
    "node_price_usd",
    "depreciation_node_usd",
    "capital_node_usd",
    "maintenance_node_usd",
    "energy_node_usd",
    "tco_node_usd",
)


def money_rows(c: dict[str, str]) -> list[tuple[str, str]]:
    """(quantity, formula) of the single rows: prefill, power, one node's month."""
    m = {
        f: lookup("Models", f, "in_model")
        for f in ("weights_precision", "params_total_b", "params_active_b", "num_experts")
    }
    m["k"] = lookup("Models", "experts_per_token", "in_model")
    m["heads"] = lookup("Models", "num_attention_heads", "in_model")
    gpu = lookup("Servers", "gpu", "in_server")
    s = {
        f: lookup("Servers", f, "in_server")
        for f in (
            "bf16_dense_tflops_per_gpu",
            "fp8_dense_tflops_per_gpu",
            "node_power_kw",
            "tdp_w_per_gpu",
            "capex_usd",
            "install_usd",
        )
    }
    prec = c["weights_precision_used"]
    fp8 = ",".join(f'{prec}="{p}"' for p in sorted(FP8_PRECISIONS))
    params = f"IF(ISNUMBER({m['params_active_b']}),{m['params_active_b']},{m['params_total_b']})"
    counted = f"OR(ISNUMBER({m['params_active_b']}),ISNUMBER({m['params_total_b']}))"
    prompt = "IF(ISNUMBER(in_prompt),in_prompt,in_context)"
    context = "(in_context*in_fill)"  # the keys a decoded token attends to, on average

    def window(tokens: str) -> str:
        return f"MIN(IF(ISNUMBER({c['sliding_window']}),{c['sliding_window']},{tokens}),{tokens})"

    width = (
        f'IF({c["attention_type"]}="mla",{m["heads"]}*({c["kv_lora_rank"]}+'
        f"{c['qk_rope_head_dim']}),{m['heads']}*{c['head_dim']})"
    )
    attention = (
        f"IF(ISNUMBER({m['heads']}),4*({c['full_layers']}*{prompt}*{prompt}/2+"
        f"{c['sliding_layers']}*{prompt}*{window(prompt)})*{width},0)"
    )
    decode_attention = (
        f"IF(ISNUMBER({m['heads']}),4*({c['full_layers']}*{context}+"
        f"{c['sliding_layers']}*{window(context)})*{width},0)"
    )
    layers, tflops = c["num_layers"], c["prefill_tflops"]
    # step_time.replica_step: the fixed costs' factor by GPU is data (perf.json)
    factor = "1"
    for name, value in sorted(perf_constants().overhead_factors().items()):
        factor = f'IF({gpu}="{name}",{value!r},{factor})'
    bandwidth = f"{c['hbm_bandwidth_tbps_per_gpu']}*1000000000000*in_mbu*in_tp/1000"  # per ms
    measured = steps_known(c)
    price = c["node_price_usd"]
    return [
        (
            "weights_precision_used",
            f"=IF(ISBLANK(in_weights_prec),IF(ISTEXT({m['weights_precision']}),"
            f"{m['weights_precision']},{NONE}),in_weights_prec)",
        ),
        (
            "prefill_tflops",
            # throughput.prefill_tflops; a server without the figure shows a dash
            f"=IF(AND(OR({fp8}),ISNUMBER({s['fp8_dense_tflops_per_gpu']}),"
            f"{s['fp8_dense_tflops_per_gpu']}>0),{s['fp8_dense_tflops_per_gpu']},"
            f"IF(AND(ISNUMBER({s['bf16_dense_tflops_per_gpu']}),"
            f"{s['bf16_dense_tflops_per_gpu']}>0),{s['bf16_dense_tflops_per_gpu']},{NONE}))",
        ),
        (
            "active_share",
            f"=IF(ISNUMBER({m['num_experts']}),IF(ISNUMBER({m['params_total_b']}),"
            f"{params}/{m['params_total_b']},{NONE}),1)",
        ),
        (
            "expert_miss",
            f"=IF(ISNUMBER({m['num_experts']}),1-{m['k']}/{m['num_experts']},0)",
        ),
        (  # step_time.prefill_flops: none without the parameter count
            "prefill_flops",
            f"=IF({counted},2*{params}*1000000000*{prompt}+{attention},{NONE})",
        ),
        ("decode_flops", f"=IF({counted},2*{params}*1000000000+{decode_attention},{NONE})"),
        ("overhead_factor", f"={factor}"),
        (
            "communication_ms",
            # step_time.replica_step: NCCL's latency, no GPU factor, where TP spans nodes
            # (deployment.tp_spans_nodes: TP above the GPUs of a node)
            f"=IF({measured},IF(in_tp>1,2*{layers}*IF(in_tp>{c['gpus_per_node']},in_ar_node_us,"
            f"in_ar_us*{c['overhead_factor']})/1000,0),{NONE})",
        ),
        (
            "overhead_ms",
            f"=IF({measured},{c['overhead_factor']}*(in_step_ms+({layers}*in_layer_us+"
            f"IF(ISNUMBER({m['num_experts']}),{layers},0)*in_moe_us)/1000),{NONE})",
        ),
        (
            "weights_ms",
            f"=IF({measured},{c['weights_gib']}*{GIB}/({bandwidth}),{NONE})",
        ),
        (
            "weights_slope_ms",
            # ReplicaStep.weights_slope_ms at one session
            f"=IF({measured},IF({c['expert_miss']}>0,{c['weights_ms']}*(1-{c['active_share']})"
            f"*-LN({c['expert_miss']})*{c['expert_miss']},0),{NONE})",
        ),
        (
            "kv_ms",
            f"=IF({measured},{kv_expression(c)}*in_fill/({bandwidth}),{NONE})",
        ),
        (
            "compute_ms",
            f"=IF({measured},IF(ISNUMBER({tflops}),{c['decode_flops']}/({tflops}*1000000000"
            f"*in_tp*in_dce),0),{NONE})",
        ),
        (
            "prefill_ms",
            f"=IF(AND({measured},ISNUMBER({tflops})),MAX({c['prefill_flops']}/({tflops}"
            f"*1000000000*in_tp*in_mfu),{c['weights_ms']})+{c['communication_ms']}+"
            f"{c['overhead_ms']}+{c['overhead_factor']}*IF(ISNUMBER({m['num_experts']}),"
            # step_time.experts_reached over the prompt's tokens, in every MoE layer; a power
            # below e^-700 is 0, as in Python, where LibreOffice's underflow would be #NUM!
            f"{layers}*{m['num_experts']}*(1-IF({c['expert_miss']}=0,0,IF({prompt}*LN("
            f"{c['expert_miss']})<-700,0,{c['expert_miss']}^{prompt}))),0)*in_expert_us/1000,"
            f"{NONE})",
        ),
        (
            "prefill_share_ms",
            f"=IF({measured},IF(AND(ISNUMBER(in_osl),ISNUMBER({c['prefill_ms']})),"
            f"{c['prefill_ms']}/in_osl,0),{NONE})",
        ),
        (
            "node_power_kw",
            # costs/owned.node_power_kw: no draw and no TDP published, no figure
            f"=IF(ISNUMBER({s['node_power_kw']}),{s['node_power_kw']},"
            f"IF(ISNUMBER({s['tdp_w_per_gpu']}),"
            f"(in_base_w+{c['gpus_per_node']}*{s['tdp_w_per_gpu']})/1000,{NONE}))",
        ),
        (
            "node_purchase_usd",
            f"=IF(ISNUMBER(in_node_price),in_node_price,"
            f"IF(ISNUMBER({s['capex_usd']}),{s['capex_usd']},{NONE}))",
        ),
        (
            "node_price_usd",
            f"=IF(ISNUMBER({c['node_purchase_usd']}),{c['node_purchase_usd']}+"
            f"IF(ISNUMBER({s['install_usd']}),{s['install_usd']},0),{NONE})",
        ),
        (
            "depreciation_node_usd",
            f"=IF(ISNUMBER({price}),{price}*(1-in_residual)/(in_life*12),{NONE})",
        ),
        (
            "capital_node_usd",
            f"=IF(ISNUMBER({price}),{price}*(1+in_residual)/2*in_capital/12,{NONE})",
        ),
        (
            "maintenance_node_usd",
            f"=IF(ISNUMBER({price}),{price}*in_maint/12,{NONE})",
        ),
        (
            "energy_node_usd",
            f"=IF(ISNUMBER({c['node_power_kw']}),{c['node_power_kw']},0)*in_hours*in_pue*in_kwh",
        ),
        (
            "tco_node_usd",
            f"=IF(ISNUMBER({price}),{c['depreciation_node_usd']}+{c['capital_node_usd']}+"
            f"{c['maintenance_node_usd']}+{c['energy_node_usd']}+in_facilities,{NONE})",
        ),
    ]


def output_rows(c: dict[str, str], lang: Lang) -> list[tuple[str, str, str, str, str]]:
    """Scenario rows after the nodes: throughput at full load, then money."""
    at_load = "MAX(1,X{throughput_sessions_per_replica})"
    step = step_formula(c, at_load)
    tpot = f"({step}+{at_load}*{c['prefill_share_ms']})"
    prefill = c["prefill_ms"]
    ttft = f"(in_req_ms+{prefill}+in_align*({at_load}-1)/2*{prefill}+{step})/1000"
    full = "MAX(1,X{memory_sessions_per_replica})"
    full_tpot = f"({step_formula(c, full)}+{full}*{c['prefill_share_ms']})"
    nodes = "X{nodes_final}"
    feasible = f"ISNUMBER({nodes})"
    tco = f"{c['tco_node_usd']}*{nodes}"
    cloud = f"in_cloud_usd_h*in_hours*{nodes}"
    tokens = "(in_concurrency*in_out_rate*in_hours/1000000)"

    def money(value: str, *needs: str) -> str:
        ok = ",".join([feasible, *needs])
        return f"=IF(AND({ok}),{value}*in_rate,{NONE})"

    owned_ok = f"ISNUMBER({c['tco_node_usd']})"
    measured = steps_known(c)  # a rate needs the bandwidth figure and the weights

    def at_rate(rate: str) -> tuple[str, str]:
        """costs.scenario_cost's at_capacity, owned and cloud: one node's month over its
        tokens in a month at `rate` tokens/s per node."""
        ok = (f"ISNUMBER({rate})", f"{rate}>0")  # text compares above 0: no error
        return (
            money(f"{c['tco_node_usd']}/({rate}*3600*in_hours)*1000000", owned_ok, *ok),
            money(f"in_cloud_usd_h/({rate}*3600)*1000000", "ISNUMBER(in_cloud_usd_h)", *ok),
        )

    busy_owned, busy_cloud = at_rate("X{tokens_per_second_per_node}")
    # the memory-bound batch, without the SLO: the cheapest a token gets
    full_owned, full_cloud = at_rate("X{full_load_tokens_per_second_per_node}")
    return [
        ("tokens_per_second_per_session", "Tokens/s por sessão (nó cheio)",
         "Tokens/s per session (node full)", "#,##0.0", f"=IF({measured},1000/{tpot},{NONE})"),
        ("tokens_per_second_per_node", "Tokens/s por nó", "Tokens/s per node", "#,##0",
         f"=IF({measured},X{{sessions_per_unit}}/{c['nodes_per_replica']}*1000/{tpot},{NONE})"),
        ("ttft_seconds", "TTFT no nó cheio (s)", "TTFT with the node full (s)", "#,##0.00",
         f"=IF(AND({measured},ISNUMBER({prefill})),{ttft},{NONE})"),
        ("full_load_tokens_per_second_per_node", "Tokens/s por nó, plena carga sem SLO",
         "Tokens/s per node, full load without SLO", "#,##0",
         f"=IF({measured},X{{memory_sessions_per_unit}}/{c['nodes_per_replica']}*1000/{full_tpot},"
         f"{NONE})"),
        ("capex", "CapEx", "CapEx", "#,##0", money(f"{c['node_price_usd']}*{nodes}", owned_ok)),
        ("tco_monthly", "TCO mensal (próprio)", "Monthly TCO (owned)", "#,##0",
         money(tco, owned_ok)),
        ("cloud_monthly", "Nuvem mensal", "Monthly cloud", "#,##0",
         money(cloud, "ISNUMBER(in_cloud_usd_h)")),
        ("cost_per_session_month", "Custo por sessão-mês", "Cost per session-month", "#,##0.00",
         money(f"{tco}/in_concurrency", owned_ok)),
        ("usd_per_mtok_owned", "Por 1M tokens de saída (próprio)",
         "Per 1M output tokens (owned)", "#,##0.00",
         money(f"{tco}/{tokens}", owned_ok, "ISNUMBER(in_out_rate)", "in_out_rate>0")),
        ("usd_per_mtok_cloud", "Por 1M tokens de saída (nuvem)",
         "Per 1M output tokens (cloud)", "#,##0.00",
         money(f"{cloud}/{tokens}", "ISNUMBER(in_cloud_usd_h)", "ISNUMBER(in_out_rate)",
               "in_out_rate>0")),
        ("usd_per_mtok_capacity_owned", "Por 1M tokens, nós ocupados (próprio)",
         "Per 1M tokens, nodes busy (owned)", "#,##0.00", busy_owned),
        ("usd_per_mtok_capacity_cloud", "Por 1M tokens, nós ocupados (nuvem)",
         "Per 1M tokens, nodes busy (cloud)", "#,##0.00", busy_cloud),
        ("usd_per_mtok_full_load_owned", "Por 1M tokens, plena carga (próprio)",
         "Per 1M tokens, full load (owned)", "#,##0.00", full_owned),
        ("usd_per_mtok_full_load_cloud", "Por 1M tokens, plena carga (nuvem)",
         "Per 1M tokens, full load (cloud)", "#,##0.00", full_cloud),
        ("power_kw", "Potência da frota (kW)", "Fleet power (kW)", "#,##0.0",
         f"=IF(AND({feasible},ISNUMBER({c['node_power_kw']})),{c['node_power_kw']}*{nodes},"
         f"{NONE})"),
    ]  # fmt: skip


# Scenario rows that hold an amount of money, shown in the sizing's currency.
MONEY_ROWS = frozenset(
    {
        "capex",
        "tco_monthly",
        "cloud_monthly",
        "cost_per_session_month",
        "usd_per_mtok_owned",
        "usd_per_mtok_cloud",
        "usd_per_mtok_capacity_owned",
        "usd_per_mtok_capacity_cloud",
        "usd_per_mtok_full_load_owned",
        "usd_per_mtok_full_load_cloud",
    }
)
_SIGNS = {"USD": '"$"', "BRL": '"R$" ', "EUR": '"€"'}


def money_format(currency: str, *, cents: bool = False) -> str:
    """An Excel number format with the currency's sign; the viewer's locale sets separators."""
    sign = _SIGNS.get(currency, f'"{currency}" ')
    return f"{sign}#,##0{'.00' if cents else ''}"
