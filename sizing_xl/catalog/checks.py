"""Catalog values checked before their schema: strict number types, safe text, physical bounds."""

from __future__ import annotations

import functools
import json
import math
import typing

from sizing_xl.errors import UNPRINTABLE, escape_controls, nearest, shown
from sizing_xl.records import field_specs

NAME_CHARS = 200  # an entry name is a cell, a flag value and a chart label
TEXT_CHARS = 2_000  # sources and notes; Excel's own cell limit is 32,767
# Upper bounds far past any real model or node, so that a slipped "000" or a number near
# float's limit is refused at the catalog instead of reaching floor() or a workbook.
UPPER_BOUNDS: dict[str, float] = {
    "num_layers": 10_000,
    "num_attention_heads": 100_000,
    "num_key_value_heads": 100_000,
    "head_dim": 65_536,
    "num_sliding_layers": 10_000,
    "sliding_window": 1e9,
    "kv_lora_rank": 65_536,
    "qk_rope_head_dim": 65_536,
    "num_global_key_value_heads": 100_000,
    "global_head_dim": 65_536,
    "max_context": 1e9,
    "params_total_b": 1e6,
    "params_active_b": 1e6,
    "hidden_size": 1e6,
    "intermediate_size": 1e7,
    "vocab_size": 1e8,
    "num_experts": 100_000,
    "experts_per_token": 100_000,
    "weights_gib": 1e7,
    "non_weight_overhead_gib": 1e5,
    "gpus_per_node": 1_024,
    "hbm_per_gpu_gb": 1e5,
    "usable_gib_per_gpu": 1e5,
    "hbm_bandwidth_tbps_per_gpu": 1e4,
    "bf16_dense_tflops_per_gpu": 1e7,
    "fp8_dense_tflops_per_gpu": 1e7,
    "tdp_w_per_gpu": 1e5,
    "capex_usd": 1e10,
    "install_usd": 1e10,
    "node_power_kw": 1e4,
    "read_gbps": 1e6,
    "write_gbps": 1e6,
    "p99_latency_ms": 1e7,
    "usd_per_hour": 1e6,
    "usd_per_mtok_input": 1e4,
    "usd_per_mtok_output": 1e4,
    "usd_per_hour_1y": 1e6,
    "usd_per_hour_3y": 1e6,
    "value": 1e12,
}

# finance.json's assumptions, each with the (lowest, highest) value it may take, inclusive:
# another name (a typo) or a value outside is refused as the catalog loads.
FINANCE_BOUNDS: dict[str, tuple[float, float]] = {
    "hardware_life_years": (0.1, 50),
    "residual_value_ratio": (0, 1),
    "cost_of_capital_per_year": (0, 1),
    "maintenance_per_year": (0, 1),
    "usd_per_kwh": (0, 100),
    "pue": (1, 10),
    "facilities_usd_per_node_month": (0, 1e7),
    "hours_per_month": (1, 744),
    "server_base_power_w": (0, 1e6),
    "memory_bandwidth_utilization": (1e-6, 1),
    "model_flops_utilization": (1e-6, 1),
}


@functools.cache
def numeric_fields(schema: type) -> set[str]:
    """The schema's fields that hold an int or a float (bool excluded)."""
    return {name for name, spec in field_specs(schema).items() if spec.kind in (int, float)}


def text_problem(text: str, limit: int) -> str | None:
    """Why text cannot go into a catalog, or None."""
    # controls, lone surrogates and non-characters break .xlsx XML, JSON encoders and terminals;
    # bidirectional controls reorder what a sheet or terminal shows
    bad = UNPRINTABLE.search(text)
    if bad:
        code = escape_controls(bad.group())
        return f"holds the character {code}, which no workbook, JSON file or terminal shows safely"
    if len(text) > limit:
        return f"is {len(text):,} characters long; at most {limit:,}"
    return None


def value_problem(schema: type, body: dict[str, object], *, text_numbers: bool) -> str | None:
    """The first field of body that is the wrong kind of value, as 'field: problem'.

    text_numbers allows numbers written as text (a workbook cell formatted as text); catalog
    files must hold JSON numbers.
    """
    numeric, known = numeric_fields(schema), field_specs(schema)
    for key, value in body.items():
        if key not in known:
            return f"unknown field {shown(key)}{_did_you_mean(key, known)}"
        if key in numeric:
            if isinstance(value, bool) or (isinstance(value, str) and not text_numbers):
                return f"{key}: expected a number, got {json.dumps(value)[:40]}"
            if isinstance(value, int | float) and not (
                math.isfinite(value) and value <= UPPER_BOUNDS[key]
            ):
                return (
                    f"{key}: {value:.6g} is beyond any real figure (at most {UPPER_BOUNDS[key]:,g})"
                )
        elif isinstance(value, str):
            problem = text_problem(value, TEXT_CHARS)
            if problem:
                return f"{key}: {problem}"
    return None


def finance_problem(name: str, body: dict[str, object]) -> str | None:
    """Why a finance.json entry is not an assumption this tool uses or its value is out of range."""
    if name not in FINANCE_BOUNDS:
        return f"not one this tool uses{_did_you_mean(name, FINANCE_BOUNDS)}"
    low, high = FINANCE_BOUNDS[name]
    value = body.get("value")
    if isinstance(value, int | float) and not low <= value <= high:
        return f"value: expected a value between {low:g} and {high:g}, got {value:g}"
    return None


def _did_you_mean(word: str, known: typing.Iterable[str]) -> str:
    # a known name inside the word ('pue' in 'pue_typo') is the likelier meaning than none
    near = nearest(word, list(known)) or next((k for k in known if k in word), None)
    return f"; did you mean {near}?" if near else ""
