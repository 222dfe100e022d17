"""vLLM's non-weight memory per GPU: the profiling run's activation peak and non-torch memory.

vllm/v1/worker/gpu_worker.py determine_available_memory charges the KV budget (total x
gpu_memory_utilization) with the weights, the torch peak increase of profile_run and the non-torch
increase seen during it; the CUDA context sits in the baseline snapshot and is not charged. The
coefficients are engines.json's `non_weight`, each with its source.
"""

from __future__ import annotations

from dataclasses import dataclass

from sizing_xl.catalog import ModelSpec
from sizing_xl.methods.defaults import VllmRelease, engine_defaults, vllm_release
from sizing_xl.units import BYTES_PER_GIB


@dataclass(frozen=True)
class NonWeightMemory:
    """One GPU's non-weight memory as vLLM's profiling run measures it, in GiB."""

    forward_gib: float  # the dummy forward pass of max_num_batched_tokens tokens
    sampler_gib: float  # the sampler warm-up over min(max_num_seqs, tokens) dummy requests
    non_torch_gib: float  # lazily loaded kernels; the all-reduce buffers under TP > 1
    rope_cache_gib: float = 0.0  # the RoPE cos/sin table, loaded with the weights on every GPU
    runner_buffers_gib: float = 0.0  # model runner V2's persistent sampler buffers, where charged

    @property
    def activation_gib(self) -> float:
        """The torch peak: the forward pass and the sampler do not overlap (profile_run)."""
        return max(self.forward_gib, self.sampler_gib)

    @property
    def total_gib(self) -> float:
        return (
            self.activation_gib + self.non_torch_gib + self.rope_cache_gib + self.runner_buffers_gib
        )


def rope_cache_gib(model: ModelSpec, activation_bytes: float) -> float:
    """vllm/model_executor/layers/rotary_embedding/base.py RotaryEmbedding keeps cos and sin
    for every position up to the config's max_position_embeddings (rotary dim values each, in
    the model's dtype) on every GPU: megabytes for most models, gigabytes for Llama 4's
    10 M positions. It is part of 'Model loading took', not of the checkpoint."""
    rotary = model.qk_rope_head_dim or model.head_dim
    if model.max_context is None or rotary is None:
        return 0.0
    return model.max_context * rotary * activation_bytes / BYTES_PER_GIB


def routed_intermediate(model: ModelSpec) -> int | None:
    """The MLP width one token runs through: a dense MLP's, or top-k experts' of a MoE."""
    if model.intermediate_size is None:
        return None
    return model.intermediate_size * (model.experts_per_token or 1)


def non_weight_memory(
    model: ModelSpec,
    *,
    tensor_parallel: int,
    max_num_batched_tokens: int,
    max_num_seqs: int,
    nvls: bool = True,
    release: VllmRelease | None = None,
    sampler: str | None = None,
    runner_v2: bool | None = None,
) -> NonWeightMemory | None:
    """The profiling run's memory (vllm/v1/worker/gpu_model_runner.py profile_run):

    - forward: tokens x activation bytes x (3 x routed MLP width / TP + hidden_factor x hidden):
      the gate/up output and the activated half of each MLP shard, plus the residual stream;
    - sampler (_dummy_sampler_run): min(max_num_seqs, tokens) x vocab x bytes per logit, full
      vocabulary on every TP rank (logits are all-gathered), on the last pipeline stage, which
      binds the KV size (kv_cache_utils.get_kv_cache_configs takes the minimum over workers);
    - non-torch: a small figure on one GPU or one pipeline stage; under TP > 1 the all-reduce
      buffers, about 2 GiB where NCCL uses NVLink SHARP (`nvls`: NVSwitch nodes of Hopper and
      later), a few hundred MiB elsewhere;
    - the RoPE cos/sin table every GPU keeps beside its weight shard (rope_cache_gib).

    `release` (default: the one sizings use) names the sampler path a default install takes;
    `sampler` names another (engines.json `samplers`: torch, flashinfer, triton). The release
    also says which models run on model runner V2 (`runner_v2` forces it either way, as
    VLLM_USE_V2_MODEL_RUNNER does): its warm-up samples without top-k/top-p, and from v0.27 its
    penalty buffers (max_num_seqs x vocab) are charged. None when the model lacks hidden_size,
    intermediate_size or vocab_size.
    """
    width = routed_intermediate(model)
    if model.hidden_size is None or model.vocab_size is None or width is None:
        return None
    defaults = engine_defaults().vllm
    rule = defaults.non_weight
    release = release or vllm_release()
    tokens = max_num_batched_tokens
    per_token = 3 * width / tensor_parallel + rule.hidden_factor * model.hidden_size
    forward = tokens * rule.activation_bytes * per_token
    requests = min(max_num_seqs, tokens)
    v2 = release.runs_v2(model) if runner_v2 is None else runner_v2
    per_logit = defaults.sampler_bytes_per_logit(release, "runner_v2" if v2 else sampler)
    sampler_bytes = requests * model.vocab_size * per_logit
    charged = v2 and release.runner_v2_buffers_charged
    buffers = max_num_seqs * model.vocab_size * rule.runner_v2_buffer_bytes if charged else 0
    collective = rule.nvls_collective_gib if nvls else rule.plain_collective_gib
    # all-reduce buffers belong to the TP group; pipeline stages only send and receive
    non_torch = collective if tensor_parallel > 1 else rule.single_gpu_gib
    return NonWeightMemory(
        forward / BYTES_PER_GIB,
        sampler_bytes / BYTES_PER_GIB,
        non_torch,
        rope_cache_gib(model, rule.activation_bytes),
        buffers / BYTES_PER_GIB,
    )
