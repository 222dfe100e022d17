"""SIZING_GRID: nodes over a context x concurrency grid, one array formula for a whole table."""

from __future__ import annotations

from sizing_xl.errors import InputError
from sizing_xl.planning.sweep import Axis, sweep_nodes
from sizing_xl.request import check_field
from sizing_xl.udfs.arguments import as_choice, as_int_list
from sizing_xl.udfs.base import (
    SCENARIOS,
    argument_fields,
    keyed_catalog,
    udf,
    within_model_context,
)

MAX_VALUES = 200  # per axis: a grid a sheet can show, and a recalculation that stays instant
CORNER = "context \\ concurrency"
INFEASIBLE = "INFEASIBLE"


@udf(
    "model",
    "server",
    "contexts",
    "concurrencies",
    "scenario",
    "kv_precision",
    "kv_budget_ratio",
    "runtime_overhead_gib",
    "peak_headroom_ratio",
    "tensor_parallel",
    "models",
    "servers",
    "method",
    "pipeline_parallel",
    "gpu_memory_utilization",
    "options",
    doc_returns="table",
)
def SIZING_GRID(
    model,
    server,
    contexts,
    concurrencies,
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
    """Nodes of a scenario for every context (rows) and concurrency (columns): a table with the concurrencies across its first row and the contexts down its first column."""
    fields = argument_fields(
        model,
        server,
        kv_precision,
        kv_budget_ratio,
        runtime_overhead_gib,
        peak_headroom_ratio,
        tensor_parallel,
        None,
        method,
        pipeline_parallel,
        gpu_memory_utilization,
        options,
    )
    rows = as_int_list(contexts, "contexts", limit=MAX_VALUES)
    columns = as_int_list(concurrencies, "concurrencies", limit=MAX_VALUES)
    name = as_choice(scenario, "scenario", SCENARIOS, "recommended")
    catalog, _ = keyed_catalog(models, servers)
    spec = catalog.model(fields["model"])
    try:  # each value as a single sizing checks it, named as this function's argument
        for context in rows:
            within_model_context(spec, check_field("effective_context", context))
    except InputError as exc:
        raise InputError("contexts", exc.problem) from None
    try:
        for load in columns:
            check_field("concurrency", load)
    except InputError as exc:
        raise InputError("concurrencies", exc.problem) from None
    axes = [Axis("effective_context", tuple(rows)), Axis("concurrency", tuple(columns))]
    nodes = sweep_nodes(fields, axes, catalog).matrix(name)  # type: ignore[arg-type]
    return [[CORNER, *columns]] + [
        [context, *(INFEASIBLE if n is None else n for n in cells)]
        for context, cells in zip(rows, nodes, strict=True)
    ]
