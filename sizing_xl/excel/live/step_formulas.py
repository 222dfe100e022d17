"""The live Model sheet's step-time formulas: a decode step and the SLOs' batch (step_time.py)."""

from __future__ import annotations


def _fraction(c: dict[str, str], sessions: str) -> str:
    """Share of the weights a step of `sessions` reads (throughput.weights_read_fraction).

    (1 - k/E) ** sessions is taken as 0 where it would underflow: LibreOffice's POWER gives
    #NUM! there, where Python gives 0.0.
    """
    miss = c["expert_miss"]
    untouched = f"IF({miss}<=0,0,IF({sessions}*LN({miss})<-700,0,POWER({miss},{sessions})))"
    return f"({c['active_share']}+(1-{c['active_share']})*(1-{untouched}))"


def steps_known(c: dict[str, str]) -> str:
    """Whether the step-time model runs (throughput.sizing_replica): it needs the server's
    bandwidth figure and the weights' size."""
    return f"AND({c['hbm_bandwidth_tbps_per_gpu']}>0,ISNUMBER({c['weights_gib']}))"


def kv_expression(c: dict[str, str]) -> str:
    """One session's KV bytes by the sheet's method (vLLM's pages, or the seed's layers)."""
    return f'IF(in_method="vllm",{c["engine_kv_per_session_bytes"]},{c["kv_per_session_bytes"]})'


def _room(budget: str, per_session: str) -> str:
    """step_time._room: sessions of per_session ms in budget ms (none cost nothing: no bound)."""
    return f"IF({per_session}>0,({budget})/({per_session}),IF({budget}>=0,1E+300,-1))"


def step_formula(c: dict[str, str], batch: str) -> str:
    """ReplicaStep.step_ms: max(weights read + KV, compute) + all-reduces + fixed costs."""
    return (
        f"(MAX({c['weights_ms']}*{_fraction(c, batch)}+{batch}*{c['kv_ms']},"
        f"{batch}*{c['compute_ms']})+{c['communication_ms']}+{c['overhead_ms']})"
    )


def throughput_rows(c: dict[str, str]) -> list[tuple[str, str, str, str, str]]:
    """Scenario rows between memory's sessions and the nodes: the SLO-bound sessions
    (ReplicaStep.max_batch, its closed form)."""
    mem = "X{memory_sessions_per_replica}"
    fixed = f"({c['communication_ms']}+{c['overhead_ms']})"
    share, compute, prefill = c["prefill_share_ms"], c["compute_ms"], c["prefill_ms"]
    tpot, wave = "1000/in_min_tps", f"(in_align*{prefill}/2)"
    base = f"(in_req_ms+{prefill}-{wave}+{fixed})"

    def under(weights: str, slope: str) -> str:
        """ReplicaStep._batch_under: the weights read taken as weights + B x slope."""
        memory = f"{c['kv_ms']}+{slope}"
        rate = (
            f"IF(ISNUMBER(in_min_tps),MIN({_room(f'{tpot}-{fixed}-{weights}', f'{memory}+{share}')},"
            f"{_room(f'{tpot}-{fixed}', f'{compute}+{share}')}),1E+300)"
        )
        ttft = (
            f"IF(AND(ISNUMBER(in_max_ttft),ISNUMBER({prefill})),"
            f"MIN({_room(f'in_max_ttft*1000-{base}-{weights}', f'{memory}+{wave}')},"
            f"{_room(f'in_max_ttft*1000-{base}', f'{compute}+{wave}')}),1E+300)"
        )
        return f"MIN({mem},{rate},{ttft})"

    # ReplicaStep.max_batch: the weights read at memory's batch, or the tangent at one session
    at_upper = under(f"{c['weights_ms']}*{_fraction(c, mem)}", "0")
    slope = c["weights_slope_ms"]
    tangent = under(f"({c['weights_ms']}*{_fraction(c, '1')}-{slope})", slope)
    return [
        (
            "memory_sessions_per_replica",
            "Sessões por réplica (memória)",
            "Sessions per replica (memory)",
            "#,##0",
            f"=ROUNDUP(X{{memory_sessions_per_unit}}/{c['replicas_per_node']},0)",
        ),
        (
            "throughput_sessions_per_replica",
            "Sessões por réplica (com SLOs)",
            "Sessions per replica (with SLOs)",
            "#,##0",
            # throughput.check_throughput: no bandwidth figure or no weights, no SLO check
            f"=IF(NOT({steps_known(c)}),{mem},MAX(0,INT(ROUND(MAX({at_upper},{tangent}),6))))",
        ),
    ]
