"""The director's catalog sheets' column headers in each language (data beside sheets.py).

A header is the label and, in parentheses, the catalog field it shows, so a reader finds the
column the Model sheet's messages name (max_context, weights_gib) and the JSON key to edit.
"""

from __future__ import annotations

from sizing_xl.i18n import Lang

# field: (pt-BR, en)
_LABELS: dict[str, tuple[str, str]] = {
    "name": ("Nome", "Name"),
    "display_name": ("Nome de exibição", "Display name"),
    "source": ("Fonte", "Source"),
    "notes": ("Notas", "Notes"),
    # models
    "attention_type": ("Tipo de atenção", "Attention type"),
    "attention_pattern": ("Padrão de camadas", "Layer pattern"),
    "num_layers": ("Camadas", "Layers"),
    "num_sliding_layers": ("Camadas de janela deslizante", "Sliding-window layers"),
    "sliding_window": ("Janela deslizante, tokens", "Sliding window, tokens"),
    "num_key_value_heads": ("Cabeças KV", "KV heads"),
    "head_dim": ("Dimensão por cabeça", "Head dimension"),
    "kv_lora_rank": ("MLA: posto latente", "MLA: latent rank"),
    "qk_rope_head_dim": ("MLA: dimensão RoPE", "MLA: RoPE dimension"),
    "num_global_key_value_heads": ("Camadas globais: cabeças KV", "Global layers: KV heads"),
    "global_head_dim": ("Camadas globais: dimensão por cabeça", "Global layers: head dimension"),
    "max_context": ("Contexto máximo, tokens", "Maximum context, tokens"),
    "num_attention_heads": ("Cabeças de atenção", "Attention heads"),
    "params_total_b": ("Parâmetros totais, bilhões", "Total parameters, billions"),
    "params_active_b": ("Parâmetros ativos, bilhões", "Active parameters, billions"),
    "num_experts": ("Especialistas (MoE)", "Experts (MoE)"),
    "experts_per_token": ("Especialistas por token", "Experts per token"),
    "hidden_size": ("Dimensão oculta", "Hidden size"),
    "intermediate_size": ("Dimensão intermediária", "Intermediate size"),
    "vocab_size": ("Vocabulário, tokens", "Vocabulary, tokens"),
    "weights_precision": ("Precisão dos pesos", "Weights precision"),
    "weights_gib": ("Pesos, GiB", "Weights, GiB"),
    "non_weight_overhead_gib": ("Overhead fora dos pesos, GiB/GPU", "Non-weight overhead, GiB/GPU"),
    "architecture": ("Arquitetura", "Architecture"),
    "verified": ("Verificado", "Verified"),
    # servers
    "gpus_per_node": ("GPUs por nó", "GPUs per node"),
    "hbm_per_gpu_gb": ("HBM por GPU, GB", "HBM per GPU, GB"),
    "usable_gib_per_gpu": ("Memória utilizável por GPU, GiB", "Usable memory per GPU, GiB"),
    "interconnect": ("Interconexão", "Interconnect"),
    "vendor": ("Fabricante", "Vendor"),
    "family": ("Família", "Family"),
    "gpu": ("GPU", "GPU"),
    "hbm_bandwidth_tbps_per_gpu": ("Banda de HBM, TB/s por GPU", "HBM bandwidth, TB/s per GPU"),
    "bf16_dense_tflops_per_gpu": ("TFLOPS BF16 densos por GPU", "Dense BF16 TFLOPS per GPU"),
    "fp8_dense_tflops_per_gpu": ("TFLOPS FP8 densos por GPU", "Dense FP8 TFLOPS per GPU"),
    "tdp_w_per_gpu": ("TDP por GPU, W", "TDP per GPU, W"),
    "capex_usd": ("Preço do nó, USD", "Node price, USD"),
    "install_usd": ("Instalação, USD", "Installation, USD"),
    "node_power_kw": ("Potência do nó, kW", "Node power, kW"),
    "price_as_of": ("Data do preço", "Price as of"),
    "price_source": ("Fonte do preço", "Price source"),
    "power_as_of": ("Data da potência", "Power as of"),
    "power_source": ("Fonte da potência", "Power source"),
    # storage
    "read_gbps": ("Leitura, GB/s", "Read, GB/s"),
    "write_gbps": ("Escrita, GB/s", "Write, GB/s"),
    "p99_latency_ms": ("Latência P99, ms", "P99 latency, ms"),
}


def column_header(field: str, lang: Lang) -> str:
    """'Contexto máximo, tokens (max_context)': the label in the language, then the field."""
    pt, en = _LABELS[field]
    return f"{pt if lang == 'pt-BR' else en} ({field})"
