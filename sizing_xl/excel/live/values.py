"""The values the live Model sheet's formulas give for a sizing, computed by the engine.

Stored as cached values, so a viewer that does not recalculate shows the figures, not blanks;
the LibreOffice tests prove each one equal to what the sheet's formulas compute.
"""

from __future__ import annotations

from sizing_xl import engine
from sizing_xl.costs.assumptions import Assumptions
from sizing_xl.costs.owned import node_power_kw, owned_monthly
from sizing_xl.excel.live.model_formulas import INFEASIBLE, VLLM_POOL_ROWS
from sizing_xl.excel.live.model_sheet import LIVE_WORDS, METHODS_IN_SHEET, LiveModelCells
from sizing_xl.excel.live.money_formulas import DASH
from sizing_xl.i18n import Lang
from sizing_xl.methods import vllm
from sizing_xl.results import plain
from sizing_xl.scenarios import SCENARIO_NAMES, SizingResult
from sizing_xl.step_time import (
    ReplicaStep,
    decode_token_flops,
    dense_tflops,
    perf_constants,
    prefill_flops,
)
from sizing_xl.throughput import sizing_replica
from sizing_xl.units import BYTES_PER_GIB, bytes_per_element


def check_value(result: SizingResult, lang: Lang) -> str:
    """What the input check says for the sizing's own inputs."""
    words, request, model = LIVE_WORDS[lang], result.inputs, result.model
    if request.method not in METHODS_IN_SHEET:
        return words["bad_method"]
    if model.above_max_context(request.effective_context):
        return words["bad_context"]
    if request.method == "vllm" and result.deployment.weights is None:
        return words["bad_weights"]  # the engine refuses it too: only an edited sheet says so
    return words["ok"]


def inputs_pass_check(result: SizingResult) -> bool:
    """Whether the Model sheet shows results for the sizing's own inputs."""
    return check_value(result, "en") == LIVE_WORDS["en"]["ok"]


def single_values(result: SizingResult) -> dict[str, object]:
    """{quantity: value} for the sheet's one-column rows (architecture, engine, money).

    Without the model's weights the engine runs no vLLM check and no step-time model: those
    rows show a dash, never a guess."""
    m, srv, req = result.model, result.server, result.inputs
    precision = bytes_per_element(req.kv_precision)
    values: dict[str, object] = {
        "attention_type": m.attention_type,
        "attention_pattern": m.attention_pattern,
        "num_layers": m.num_layers,
        "sliding_layers": m.sliding_layers,
        "full_layers": m.full_layers,
        "sliding_window": m.sliding_window or 0,
        "num_key_value_heads": m.num_key_value_heads or 0,
        "head_dim": m.head_dim or 0,
        "kv_lora_rank": m.kv_lora_rank or 0,
        "qk_rope_head_dim": m.qk_rope_head_dim or 0,
        "global_kv_heads": m.num_global_key_value_heads or m.num_key_value_heads or 0,
        "global_head_dim": m.global_head_dim or m.head_dim or 0,
        "gpus_per_node": srv.gpus_per_node,
        "hbm_per_gpu_gb": srv.hbm_per_gpu_gb,
        "hbm_total_bytes": srv.hbm_total_gb * 10**9,
        "bytes_per_element": precision,
        "kv_elements_per_token_layer": engine.kv_elements_per_token_layer(
            m, tensor_parallel=req.tensor_parallel
        ),
        "global_kv_elements_per_token_layer": engine.kv_elements_per_token_layer(
            m, tensor_parallel=req.tensor_parallel, full=True
        ),
        "cached_token_layers": engine.cached_token_layers(m, context_tokens=req.effective_context),
        "kv_per_session_bytes": engine.kv_bytes_per_session(
            m,
            context_tokens=req.effective_context,
            bytes_per_element=precision,
            tensor_parallel=req.tensor_parallel,
        ),
        # a formula reading an empty catalog cell gives 0
        "hbm_bandwidth_tbps_per_gpu": srv.hbm_bandwidth_tbps_per_gpu or 0,
    }
    d, check = result.deployment, result.engine_check
    values |= {"replicas_per_node": d.replicas_per_node, "nodes_per_replica": d.nodes_per_replica}
    if check is None:  # no weights (the engine checks whenever it has them)
        pool = dict.fromkeys(VLLM_POOL_ROWS | {"weights_gib"}, DASH)
        return values | pool | _money_singles(result, values["kv_per_session_bytes"])
    memory = check.memory
    page, full_block, sliding_block = vllm.unified_pages(
        m,
        tensor_parallel=req.tensor_parallel,
        block_size=memory.block_size,
        bytes_per_element=precision,
    )
    values |= {
        "usable_gib_per_gpu": memory.usable_gib_per_gpu,
        "weights_gib": d.weights.gib,
        "gpu_memory_utilization": memory.memory_fraction,
        "non_weight_overhead_gib": memory.non_weight_overhead_gib,
        "block_size": memory.block_size,
        "max_num_seqs": memory.max_sessions_per_replica,
        "kv_available_bytes_per_gpu": memory.kv_available_gib_per_gpu * BYTES_PER_GIB,
        "layers_per_group": memory.layers_per_group,
        "full_groups": memory.full_groups,
        "sliding_groups": memory.sliding_groups,
        "layers_per_group_on_gpu": -(-memory.layers_per_group // req.pipeline_parallel),
        "page_bytes": page,
        "full_block_size": full_block,
        "sliding_block_size": sliding_block,
        "blocks_per_gpu": memory.blocks_per_gpu,
        "blocks_per_session": memory.blocks_per_session,
        "engine_sessions_per_replica": check.sessions_per_replica,
        "engine_kv_per_session_bytes": memory.kv_per_session_gib_per_gpu
        * BYTES_PER_GIB
        * d.gpus_per_replica,
    }
    kv = values["engine_kv_per_session_bytes" if req.method == "vllm" else "kv_per_session_bytes"]
    return values | _money_singles(result, kv)


def _dash(x: object) -> object:
    return DASH if x is None else x


def _money_singles(result: SizingResult, kv_per_session_bytes: float) -> dict[str, object]:
    m, srv, req = result.model, result.server, result.inputs
    a = Assumptions(**{k: v["value"] for k, v in result.finance.assumptions.items()})
    weights = result.deployment.weights
    precision = req.weights_precision or m.weights_precision  # capacity.resolve_weights's
    tflops = dense_tflops(srv, precision)
    prompt = req.prompt_tokens or req.effective_context
    # throughput.check_throughput's replica: none without the weights or the bandwidth figure
    replica = (
        None
        if weights is None
        else sizing_replica(
            model=m,
            server=srv,
            tensor_parallel=req.tensor_parallel,
            weights_gib=weights.gib,
            weights_precision=precision,
            kv_per_session_bytes=kv_per_session_bytes,
            effective_context=req.effective_context,
            context_fill=req.context_fill,
            prompt_tokens=prompt,
            mbu=a.memory_bandwidth_utilization,
            mfu=a.model_flops_utilization,
        )
    )
    kw, _ = node_power_kw(srv, a)
    purchase = result.finance.node_price_usd
    price = None if purchase is None else purchase + (srv.install_usd or 0)
    month = owned_monthly(price, kw, a)
    moe, total = m.num_experts is not None, m.params_total_b
    share = _dash(total and (m.params_active_b or total) / total) if moe else 1
    return {
        "weights_precision_used": _dash(precision),
        "prefill_tflops": _dash(tflops or None),
        "active_share": share,
        "expert_miss": 1 - m.experts_per_token / m.num_experts if moe else 0,
        "prefill_flops": _dash(prefill_flops(m, prompt)),
        "decode_flops": _dash(decode_token_flops(m, req.effective_context * req.context_fill)),
        "overhead_factor": perf_constants().overhead_factors().get(srv.gpu, 1),
        **_step_singles(replica, req.output_tokens),
        "node_power_kw": _dash(kw),
        "node_purchase_usd": _dash(purchase),
        "node_price_usd": _dash(price),
        "depreciation_node_usd": _dash(month.depreciation),
        "capital_node_usd": _dash(month.capital),
        "maintenance_node_usd": _dash(month.maintenance),
        "energy_node_usd": month.energy,
        "tco_node_usd": _dash(month.total),
    }


def _step_singles(replica: ReplicaStep | None, output_tokens: int | None) -> dict[str, object]:
    """The replica's step costs, or dashes where the server has no bandwidth figure."""
    names = ("communication_ms", "overhead_ms", "weights_ms", "kv_ms", "compute_ms")
    if replica is None:
        return dict.fromkeys((*names, "weights_slope_ms", "prefill_ms", "prefill_share_ms"), DASH)
    return {name: getattr(replica, name) for name in names} | {
        "weights_slope_ms": replica.weights_slope_ms(1),
        "prefill_ms": _dash(replica.prefill_ms),
        "prefill_share_ms": replica.prefill_share_ms(output_tokens),
    }


_MONEY = (
    ("capex", "capex_usd"),
    ("tco_monthly", "tco_monthly_usd"),
    ("cloud_monthly", "cloud_monthly_usd"),
    ("cost_per_session_month", "cost_per_session_month_usd"),
    ("usd_per_mtok_owned", "usd_per_mtok_owned"),
    ("usd_per_mtok_cloud", "usd_per_mtok_cloud"),
    ("usd_per_mtok_capacity_owned", "usd_per_mtok_capacity_owned"),
    ("usd_per_mtok_capacity_cloud", "usd_per_mtok_capacity_cloud"),
    ("usd_per_mtok_full_load_owned", "usd_per_mtok_full_load_owned"),
    ("usd_per_mtok_full_load_cloud", "usd_per_mtok_full_load_cloud"),
)


def scenario_values(result: SizingResult, name: str) -> dict[str, object]:
    """{quantity: value} for one scenario's column; None where the sheet says infeasible."""
    r = result.scenario(name)
    rate = result.finance.usd_to_currency
    values = plain(r)
    memory = -(-r.memory_sessions_per_unit // result.deployment.replicas_per_node)
    values["memory_sessions_per_replica"] = memory
    t = r.throughput  # None: no bandwidth figure or no weights, so no rate and no SLO
    values["throughput_sessions_per_replica"] = memory if t is None else t.sessions_per_replica
    values["tokens_per_second_per_session"] = DASH if t is None else t.tokens_per_second_per_session
    values["tokens_per_second_per_node"] = DASH if t is None else t.tokens_per_second_per_node
    values["ttft_seconds"] = DASH if t is None else _dash(t.ttft_seconds)
    values["full_load_tokens_per_second_per_node"] = (
        DASH if t is None else t.full_load_tokens_per_second_per_node
    )
    for quantity, field in _MONEY:
        usd = None if r.cost is None else getattr(r.cost, field)
        values[quantity] = DASH if usd is None else usd * rate
    values["power_kw"] = DASH if r.cost is None or r.cost.power_kw is None else r.cost.power_kw
    return values


def live_model_values(result: SizingResult, cells: LiveModelCells, lang: Lang) -> dict[str, object]:
    """{"B40": 2.25, ...}: every formula cell of the Model sheet, as the sheet computes it."""
    shown = inputs_pass_check(result)
    unweighed = shown and result.deployment.weights is None
    return {
        cells.check: check_value(result, lang),
        cells.note: LIVE_WORDS[lang]["no_weights"] if unweighed else "",
    } | block_values(result, cells, lang, shown=shown)


def block_values(
    result: SizingResult, cells: LiveModelCells, lang: Lang, *, shown: bool
) -> dict[str, object]:
    """The values of a block of the Model sheet's rows (the sheet, or a copy of its rows at
    another context or precision): the engine's figures, or blanks when the input check
    refuses the inputs (`shown` False)."""
    if not shown:  # every result cell is blank until the inputs are fixed
        inputs = set(cells.inputs.values())
        results = [ref for ref in cells.single.values() if ref not in inputs]
        results += [ref for column in cells.scenario.values() for ref in column.values()]
        return dict.fromkeys(results, "")
    singles = single_values(result)
    values: dict[str, object] = {
        cells.single[q]: v for q, v in singles.items() if q in cells.single
    }
    for name in SCENARIO_NAMES:
        column = scenario_values(result, name)
        for quantity, ref in cells.scenario[name].items():
            if quantity in column:
                value = column[quantity]
                values[ref] = INFEASIBLE[lang] if value is None else value
    return values
