"""Data validation on the live Model sheet's inputs: catalog dropdowns and numeric ranges."""

from __future__ import annotations

from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from sizing_xl.records import field_specs
from sizing_xl.step_time import PerfConstants
from sizing_xl.units import KV_PRECISIONS


def _perf_bounds() -> tuple[tuple[str, str, float, float], ...]:
    """The step-time constants' own bounds (step_time.PerfConstants) as range checks."""
    out = []
    for name, spec in field_specs(PerfConstants).items():
        given = spec.limit.given() if spec.limit is not None else {}
        bounds = {k: v for k, v in given.items() if k in ("ge", "gt", "le")}
        if "le" in bounds:
            low = bounds.get("ge", bounds.get("gt", 0))
            out.append((name, "decimal", max(low, 0.0001) if "gt" in bounds else low, bounds["le"]))
    return tuple(out)


def add_input_validations(ws: Worksheet, refs: dict[str, str], methods: tuple[str, ...]) -> None:
    """Dropdowns fed from the catalog sheets, and range checks on the numeric inputs."""
    for field_name, sheet in (("model", "Models"), ("server", "Servers"), ("storage", "Storage")):
        dv = DataValidation(
            type="list",
            allow_blank=False,
            formula1=f"OFFSET({sheet}!$A$2,0,0,COUNTA({sheet}!$A:$A)-1,1)",
        )
        dv.add(refs[field_name])
        ws.add_data_validation(dv)
    for field_name, choices in (("kv_precision", KV_PRECISIONS), ("method", methods)):
        dv = DataValidation(type="list", formula1='"' + ",".join(choices) + '"')
        dv.add(refs[field_name])
        ws.add_data_validation(dv)
    for field_name, kind, low, high in (
        ("concurrency", "whole", 1, 100_000_000),
        ("effective_context", "whole", 1, 100_000_000),
        ("tensor_parallel", "whole", 1, 1024),
        ("pipeline_parallel", "whole", 1, 1024),
        ("kv_budget_ratio", "decimal", 0.0001, 1),
        ("runtime_overhead_gib", "decimal", 0, 1_000_000),
        ("peak_headroom_ratio", "decimal", 0, 10),
        ("gpu_memory_utilization", "decimal", 0.0001, 1),
        ("weights_gib", "decimal", 0.0001, 1_000_000),
        ("non_weight_overhead_gib", "decimal", 0, 100_000),
        ("block_size", "whole", 1, 4096),
        ("max_num_seqs", "whole", 1, 10_000_000),
        ("node_price_usd", "decimal", 0, 1e12),
        ("cloud_usd_per_hour", "decimal", 0, 1e6),
        ("output_tokens_per_session_per_hour", "decimal", 0, 1e9),
        ("min_tokens_per_second", "decimal", 0.0001, 1e6),
        ("max_ttft_seconds", "decimal", 0.0001, 1e6),
        ("prompt_tokens", "whole", 1, 100_000_000),
        ("output_tokens", "whole", 1, 10_000_000),
        ("context_fill", "decimal", 0.0001, 1),
        ("usd_to_currency", "decimal", 0.000001, 1e9),
        ("pue", "decimal", 1, 10),
        ("memory_bandwidth_utilization", "decimal", 0.0001, 1),
        ("model_flops_utilization", "decimal", 0.0001, 1),
        *_perf_bounds(),
    ):
        if field_name not in refs:  # the analyst's workbook takes fewer inputs
            continue
        dv = DataValidation(
            type=kind,
            operator="between",
            formula1=str(low),
            formula2=str(high),
            showErrorMessage=True,
        )
        dv.add(refs[field_name])
        ws.add_data_validation(dv)
