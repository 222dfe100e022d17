"""SIZING_FOCUS: the sizing's monthly costs as FOCUS forecast rows, spilled as a table."""

from __future__ import annotations

from datetime import date, datetime

from sizing_xl.errors import InputError
from sizing_xl.reports.focus import COLUMNS, focus_period, focus_rows
from sizing_xl.udfs.arguments import as_choice, as_int, as_text
from sizing_xl.udfs.base import SCENARIOS, SIZING_ARGS, sizing_of, udf


def _start(value: object) -> str | None:
    """A month from a cell: a date (Excel's own) or text as YYYY-MM; blank: next month."""
    if isinstance(value, datetime | date):
        return f"{value.year:04d}-{value.month:02d}"
    return as_text(value, "focus_start", "") or None


@udf("focus_start", "focus_months", *SIZING_ARGS, doc_returns="table")
def SIZING_FOCUS(
    focus_start,
    focus_months,
    model,
    server,
    concurrency,
    effective_context,
    scenario=None,
    kv_precision=None,
    kv_budget_ratio=None,
    runtime_overhead_gib=None,
    peak_headroom_ratio=None,
    tensor_parallel=None,
    models=None,
    servers=None,
    method=None,
    pipeline_parallel=None,
    gpu_memory_utilization=None,
    options=None,
):
    """The monthly costs as FOCUS forecast rows (header first): month x scenario x component (depreciation, capital, maintenance, energy, facilities, cloud rent), in the currency of options; scenario blank: all three."""
    try:
        start, months = focus_period(
            _start(focus_start), as_int(focus_months, "focus_months", 12, minimum=1)
        )
    except InputError as exc:  # a cell names its argument, not the CLI's flag
        raise InputError(exc.field.removeprefix("--").replace("-", "_"), exc.problem) from None
    result = sizing_of(
        model,
        server,
        concurrency,
        effective_context,
        kv_precision,
        kv_budget_ratio,
        runtime_overhead_gib,
        peak_headroom_ratio,
        tensor_parallel,
        models,
        servers,
        None,
        method,
        pipeline_parallel,
        gpu_memory_utilization,
        options,
    )
    rows = focus_rows(result, start=start, months=months)
    if scenario is not None:
        only = as_choice(scenario, "scenario", SCENARIOS, "recommended")
        rows = [r for r in rows if r.get("x_Scenario") == only]
    return [list(COLUMNS)] + [["" if r[c] is None else r[c] for c in COLUMNS] for r in rows]
