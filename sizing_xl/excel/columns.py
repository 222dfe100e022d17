"""Column order of the catalog sheets (no openpyxl here: the Excel functions read it too)."""

from __future__ import annotations

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
    "max_context",
    "num_attention_heads",
    "params_total_b",
    "params_active_b",
    "num_experts",
    "experts_per_token",
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
