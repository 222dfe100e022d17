"""The tensors a decoder checkpoint loads as on one GPU, in the order the engine creates them.

SGLang's and vLLM's models build each layer alike (python/sglang/srt/models/qwen2.py,
llama.py, qwen3_moe.py; vllm/model_executor/models/ the same): the vocabulary-parallel
embedding, then per layer the fused QKV projection, the output projection, the shared RoPE
cache (built once, with the first attention), the fused gate/up and down projections (a MoE
layer: its router and the fused experts w13 and w2 of layers/moe/fused_moe_triton/layer.py),
two norms; the final norm and the output head last. Sizes only: enough for what the caching
allocator reserves (torch_allocator.py), not a checkpoint's exact byte count.
"""

from __future__ import annotations

from sizing_xl.catalog import ModelSpec

VOCAB_PADDING = 64  # layers/vocab_parallel_embedding.py DEFAULT_VOCAB_PADDING_SIZE


def weight_tensor_bytes(
    model: ModelSpec,
    *,
    tensor_parallel: int,
    bytes_per_param: float,
    activation_bytes: int,
    rope_bytes: int,
    pipeline_parallel: int = 1,
) -> list[int] | None:
    """Each tensor's bytes on one GPU of a TP group, in creation order (under PP, the first
    stage's: the embedding and the larger share of the layers); None for a model without the
    fields the shapes need, or with MLA attention (its projections differ)."""
    m, tp = model, tensor_parallel
    hidden, heads, vocab, inter = (
        m.hidden_size,
        m.num_attention_heads,
        m.vocab_size,
        m.intermediate_size,
    )
    if None in (hidden, heads, vocab, inter, m.num_key_value_heads) or m.attention_type == "mla":
        return None
    assert hidden and heads and vocab and inter and m.num_key_value_heads  # for the type checker
    head_dim = m.head_dim or hidden // heads
    q = heads // tp * head_dim
    kv = max(1, m.num_key_value_heads // tp) * head_dim
    per_tp = inter // tp

    def weight(params: float) -> int:
        return int(params * bytes_per_param)

    embedding = -(-vocab // VOCAB_PADDING) * VOCAB_PADDING // tp * hidden * activation_bytes
    norm = hidden * activation_bytes
    tensors = [embedding]
    for layer in range(-(-m.num_layers // pipeline_parallel)):
        tensors += [weight((q + 2 * kv) * hidden), weight(hidden * q)]
        if layer == 0:
            tensors.append(rope_bytes)
        if m.num_experts:
            experts = m.num_experts
            tensors += [
                experts * hidden * activation_bytes,  # the router
                weight(experts * 2 * per_tp * hidden),
                weight(experts * hidden * per_tp),
            ]
        else:
            tensors += [weight(2 * per_tp * hidden), weight(hidden * per_tp)]
        tensors += [norm, norm]
    # the last stage holds the final norm and the output head (the first, under PP, does not)
    return [*tensors, norm, embedding] if pipeline_parallel == 1 else tensors
