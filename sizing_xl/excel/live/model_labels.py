"""The live Model sheet's row labels for the single-value rows, in each language (data).

A label names the catalog column it reads in parentheses, so a reader can find it on the
Models or Servers sheet.
"""

from __future__ import annotations

from sizing_xl.i18n import Lang

# quantity: (pt-BR, en)
_LABELS: dict[str, tuple[str, str]] = {
    "attention_type": ("Tipo de atenção (attention_type)", "Attention type (attention_type)"),
    "attention_pattern": (
        "Padrão de camadas (attention_pattern)",
        "Layer pattern (attention_pattern)",
    ),
    "num_layers": ("Camadas (num_layers)", "Layers (num_layers)"),
    "sliding_layers": ("Camadas de janela deslizante", "Sliding-window layers"),
    "full_layers": ("Camadas de atenção completa", "Full-attention layers"),
    "sliding_window": (
        "Janela deslizante, tokens (sliding_window)",
        "Sliding window, tokens (sliding_window)",
    ),
    "num_key_value_heads": ("Cabeças KV (num_key_value_heads)", "KV heads (num_key_value_heads)"),
    "head_dim": ("Dimensão por cabeça (head_dim)", "Head dimension (head_dim)"),
    "kv_lora_rank": ("MLA: posto latente (kv_lora_rank)", "MLA: latent rank (kv_lora_rank)"),
    "qk_rope_head_dim": (
        "MLA: dimensão RoPE (qk_rope_head_dim)",
        "MLA: RoPE dimension (qk_rope_head_dim)",
    ),
    "global_kv_heads": (
        "Camadas globais: cabeças KV",
        "Global layers: KV heads",
    ),
    "global_head_dim": (
        "Camadas globais: dimensão por cabeça",
        "Global layers: head dimension",
    ),
    "gpus_per_node": ("GPUs por nó (gpus_per_node)", "GPUs per node (gpus_per_node)"),
    "hbm_per_gpu_gb": ("HBM por GPU, GB (hbm_per_gpu_gb)", "HBM per GPU, GB (hbm_per_gpu_gb)"),
    "hbm_total_bytes": ("HBM do nó (bytes)", "Node HBM (bytes)"),
    "bytes_per_element": ("Bytes por elemento de KV", "Bytes per KV element"),
    "kv_elements_per_token_layer": (
        "Elementos de KV por token·camada",
        "KV elements per token·layer",
    ),
    "global_kv_elements_per_token_layer": (
        "Elementos de KV por token·camada global",
        "KV elements per token·global layer",
    ),
    "cached_token_layers": ("Token·camadas em cache por sessão", "Token·layers cached per session"),
    "kv_per_session_bytes": ("KV por sessão (bytes)", "KV per session (bytes)"),
    "replicas_per_node": ("Réplicas por nó", "Replicas per node"),
    "nodes_per_replica": ("Nós por réplica", "Nodes per replica"),
    "usable_gib_per_gpu": (
        "Memória utilizável por GPU, GiB (usable_gib_per_gpu)",
        "Usable memory per GPU, GiB (usable_gib_per_gpu)",
    ),
    "weights_gib": ("Pesos (GiB)", "Weights (GiB)"),
    "gpu_memory_utilization": (
        "Utilização de memória (gpu_memory_utilization)",
        "Memory utilisation (gpu_memory_utilization)",
    ),
    "non_weight_overhead_gib": (
        "Overhead fora dos pesos (GiB por GPU)",
        "Non-weight overhead (GiB per GPU)",
    ),
    "block_size": ("Tokens por bloco (block_size)", "Tokens per block (block_size)"),
    "max_num_seqs": (
        "Sequências por réplica (max_num_seqs)",
        "Sequences per replica (max_num_seqs)",
    ),
    "kv_available_bytes_per_gpu": ("KV disponível por GPU (bytes)", "KV available per GPU (bytes)"),
    "layers_per_group": ("Camadas por grupo", "Layers per group"),
    "full_groups": ("Grupos de atenção completa", "Full-attention groups"),
    "sliding_groups": ("Grupos de janela deslizante", "Sliding-window groups"),
    "layers_per_group_on_gpu": ("Camadas por grupo por GPU", "Layers per group per GPU"),
    "page_bytes": ("Página por camada (bytes)", "Page per layer (bytes)"),
    "full_block_size": (
        "Tokens por bloco, camadas completas",
        "Tokens per block, full-attention layers",
    ),
    "sliding_block_size": (
        "Tokens por bloco, camadas de janela",
        "Tokens per block, sliding-window layers",
    ),
    "blocks_per_gpu": ("Blocos por GPU", "Blocks per GPU"),
    "blocks_per_session": ("Blocos por sessão", "Blocks per session"),
    "engine_sessions_per_replica": ("vLLM: sessões por réplica", "vLLM: sessions per replica"),
    "engine_kv_per_session_bytes": ("vLLM: KV por sessão (bytes)", "vLLM: KV per session (bytes)"),
    "hbm_bandwidth_tbps_per_gpu": (
        "Banda de HBM, TB/s por GPU",
        "HBM bandwidth, TB/s per GPU",
    ),
    "weights_precision_used": ("Precisão dos pesos usada", "Weights precision used"),
    "prefill_tflops": ("TFLOPS de prefill por GPU", "Prefill TFLOPS per GPU"),
    "active_share": ("MoE: parâmetros ativos / totais", "MoE: active / total parameters"),
    "expert_miss": ("MoE: 1 − top-k / especialistas", "MoE: 1 − top-k / experts"),
    "prefill_flops": ("FLOPs de prefill", "Prefill FLOPs"),
    "decode_flops": ("FLOPs por token de decode", "FLOPs per decoded token"),
    "overhead_factor": ("Fator dos custos fixos (GPU)", "Fixed costs' factor (GPU)"),
    "communication_ms": ("All-reduces por passo (ms)", "All-reduces per step (ms)"),
    "overhead_ms": ("Custos fixos por passo (ms)", "Fixed costs per step (ms)"),
    "weights_ms": ("Leitura dos pesos inteiros (ms)", "Reading all the weights (ms)"),
    "weights_slope_ms": (
        "MoE: pesos lidos a mais por sessão, na 1ª (ms)",
        "MoE: more weights read per session, at the first (ms)",
    ),
    "kv_ms": ("Leitura do KV de uma sessão (ms)", "Reading one session's KV (ms)"),
    "compute_ms": ("Cálculo de um token (ms)", "Computing one token (ms)"),
    "prefill_ms": ("Prefill de um prompt (ms)", "Prefill of one prompt (ms)"),
    "prefill_share_ms": (
        "Prefill por sessão e passo (ms)",
        "Prefill per session and step (ms)",
    ),
    "node_power_kw": ("Potência do nó (kW)", "Node power (kW)"),
    "node_purchase_usd": ("Preço do nó (USD)", "Node price (USD)"),
    "node_price_usd": ("Preço do nó + instalação (USD)", "Node price + installation (USD)"),
    "depreciation_node_usd": ("Depreciação por nó-mês", "Depreciation per node-month"),
    "capital_node_usd": ("Capital por nó-mês", "Capital per node-month"),
    "maintenance_node_usd": ("Manutenção por nó-mês", "Maintenance per node-month"),
    "energy_node_usd": ("Energia por nó-mês", "Energy per node-month"),
    "tco_node_usd": ("TCO por nó-mês", "TCO per node-month"),
}


def single_label(quantity: str, lang: Lang) -> str:
    """The row label of a single-value quantity in the file's language."""
    pt, en = _LABELS[quantity]
    return pt if lang == "pt-BR" else en
