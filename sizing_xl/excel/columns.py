"""Sheet layouts read beyond the workbook builders: the catalog sheets' column order, the
Sizing sheet's inputs and text safe to paste (no openpyxl here: the Excel functions, the Lite
script and the CLI read them)."""

from __future__ import annotations

# A cell whose text starts with one of these is read as a formula (or as one by CSV tools)
# when a person edits or pastes it.
FORMULA_LEADERS = ("=", "+", "-", "@", "\t", "\r")


def pasted_cell(value: object) -> str:
    """A value as the text to paste into a sheet; text Excel would read as a formula gets its
    quote prefix ('), which keeps it text."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_LEADERS):
        return "'" + value
    return str(value)


# Column order of each catalog sheet; workbook formulas find columns by these names.
MODEL_COLUMNS: tuple[str, ...] = (
    "name",
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
    "num_attention_heads",
    "params_total_b",
    "params_active_b",
    "num_experts",
    "experts_per_token",
    "hidden_size",
    "intermediate_size",
    "vocab_size",
    "weights_precision",
    "weights_gib",
    "non_weight_overhead_gib",
    "architecture",
    "display_name",
    "verified",
    "source",
    "notes",
)
SERVER_COLUMNS: tuple[str, ...] = (
    "name",
    "gpus_per_node",
    "hbm_per_gpu_gb",
    "usable_gib_per_gpu",
    "interconnect",
    "vendor",
    "family",
    "gpu",
    "hbm_bandwidth_tbps_per_gpu",
    "bf16_dense_tflops_per_gpu",
    "fp8_dense_tflops_per_gpu",
    "tdp_w_per_gpu",
    "capex_usd",
    "install_usd",
    "node_power_kw",
    "price_as_of",
    "price_source",
    "power_as_of",
    "power_source",
    "display_name",
    "source",
)
STORAGE_COLUMNS: tuple[str, ...] = (
    "name",
    "read_gbps",
    "write_gbps",
    "p99_latency_ms",
    "display_name",
    "source",
)
CATALOG_SHEETS = {"Models": MODEL_COLUMNS, "Servers": SERVER_COLUMNS, "Storage": STORAGE_COLUMNS}

# The inputs block of the live Model sheet and of the Sizing sheet (Sizing.xlsm and its Lite twin):
# (defined name, request field, number format), one row each from the first input row.
INPUTS: tuple[tuple[str, str, str], ...] = (
    ("in_model", "model", "@"),
    ("in_server", "server", "@"),
    ("in_storage", "storage", "@"),
    ("in_concurrency", "concurrency", "#,##0"),
    ("in_context", "effective_context", "#,##0"),
    ("in_precision", "kv_precision", "@"),
    ("in_budget_ratio", "kv_budget_ratio", "0%"),
    ("in_overhead_gib", "runtime_overhead_gib", "#,##0.0"),
    ("in_headroom", "peak_headroom_ratio", "0%"),
    ("in_tp", "tensor_parallel", "0"),
    ("in_method", "method", "@"),
    ("in_pp", "pipeline_parallel", "0"),
    ("in_gpu_util", "gpu_memory_utilization", "0.00"),
)

SHEET = "Sizing"  # Sizing.xlsm's sheet of inputs, options and scenarios
FIRST_INPUT_ROW = (
    5  # the Sizing sheet's inputs (live/model_sheet.py INPUTS), then a gap and OPTIONS
)
# The options range: any request field without an argument of its own, blank = its default.
OPTIONS: tuple[str, ...] = (
    "node_price_usd",
    "cloud_offer",
    "output_tokens_per_session_per_hour",
    "min_tokens_per_second",
    "max_ttft_seconds",
    "usd_per_kwh",
    "pue",
    "currency",
    "usd_to_currency",
)
