"""vLLM's memory outside the weights as a formula (methods/vllm_memory.py), for the live sheets."""

from __future__ import annotations

from sizing_xl.methods.defaults import engine_defaults
from sizing_xl.units import BYTES_PER_GIB

GIB = BYTES_PER_GIB


def _overhead_bands(params: str) -> str:
    """vLLM's non-weight memory by model size, from engines.json's bands."""
    bands = engine_defaults().vllm.non_weight_overhead_gib
    formula = f"{bands[-1].gib:g}"
    for band in reversed(bands[:-1]):
        limit = band.max_params_b
        formula = f"IF(AND(ISNUMBER({params}),{params}<={limit:g}),{band.gib:g},{formula})"
    return formula


def profiling_run(model: dict[str, str], interconnect: str, max_num_seqs: str) -> str:
    """methods/vllm_memory.non_weight_memory as a formula: MAX(forward, sampler) + non-torch,
    else the band of the model's size where the catalog lacks the sizes it needs."""
    vllm = engine_defaults().vllm
    rule, tokens = vllm.non_weight, vllm.max_num_batched_tokens
    per_logit = vllm.sampler_bytes_per_logit(vllm.release_of(None))
    hidden, inter, vocab = model["hidden_size"], model["intermediate_size"], model["vocab_size"]
    top_k = model["experts_per_token"]
    width = f"{inter}*IF(ISNUMBER({top_k}),{top_k},1)"
    forward = (
        f"{tokens}*{rule.activation_bytes:g}*(3*{width}/in_tp+{rule.hidden_factor:g}*{hidden})"
    )
    sampler = f"MIN({max_num_seqs},{tokens})*{vocab}*{per_logit:g}"
    # catalog.ServerSpec.nvls: NVLink SHARP buffers unless the server names another interconnect
    nvls = f'OR(NOT(ISTEXT({interconnect})),{interconnect}="nvswitch-nvls")'
    collective = f"IF({nvls},{rule.nvls_collective_gib:g},{rule.plain_collective_gib:g})"
    non_torch = f"IF(in_tp>1,{collective},{rule.single_gpu_gib:g})"
    # methods/vllm_memory.rope_cache_gib: positions x rotary dim x activation bytes
    rope_dim, head_dim, context = model["qk_rope_head_dim"], model["head_dim"], model["max_context"]
    rotary = f"IF(ISNUMBER({rope_dim}),{rope_dim},{head_dim})"
    rope = (
        f"IF(AND(ISNUMBER({context}),ISNUMBER({rotary})),"
        f"{context}*{rotary}*{rule.activation_bytes:g}/{GIB},0)"
    )
    return (
        f"IF(AND(ISNUMBER({hidden}),ISNUMBER({inter}),ISNUMBER({vocab})),"
        f"MAX({forward},{sampler})/{GIB}+{non_torch}+{rope},"
        f"{_overhead_bands(model['params_total_b'])})"
    )
