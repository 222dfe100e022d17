"""A checkpoint's size from its config.json: parameters counted per module, each at the precision
the engine loads it (quantized linear layers at their bits plus scales, the rest at 16 bits).

The module names are the Hugging Face ones (model.layers.N.self_attn.q_proj, mlp.experts.E.up_proj,
model.embed_tokens, lm_head, vision towers), so a quantization_config's `ignore` /
`modules_to_not_convert` patterns match them as the loaders match them.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass

from sizing_xl.catalog.checks import UPPER_BOUNDS
from sizing_xl.errors import InputError, shown

MAX_PATTERNS, MAX_PATTERN_CHARS = 100_000, 1_000
# a group holding a repetition, itself repeated: (a+)+, (.*)*, (x+){2,}
NESTED_REPEAT = re.compile(r"\([^()]*[*+}][^()]*\)\s*[*+{]")
# A config key's bound is its catalog field's (catalog_checks.UPPER_BOUNDS): a config past it is
# refused before the count loops over its layers and experts.
CATALOG_FIELD = {
    "num_hidden_layers": "num_layers",
    "hidden_size": "hidden_size",
    "intermediate_size": "intermediate_size",
    "moe_intermediate_size": "intermediate_size",
    "vocab_size": "vocab_size",
    "num_attention_heads": "num_attention_heads",
    "num_key_value_heads": "num_key_value_heads",
    "head_dim": "head_dim",
    "num_local_experts": "num_experts",
    "num_experts": "num_experts",
    "n_routed_experts": "num_experts",
}
LIMITS = {key: UPPER_BOUNDS[field] for key, field in CATALOG_FIELD.items()}
SIZE_KEYS = tuple(LIMITS)

# Model types whose config class ties the output head to the embeddings when the key is absent
# (transformers' Gemma*Config default tie_word_embeddings=True; Llama, Qwen, Mistral: False).
TIED_BY_DEFAULT = frozenset({"gemma", "gemma2", "gemma3", "gemma3_text"})
# Model types whose q, k and v projections carry a bias without saying so in the config
# (transformers' Qwen2Attention: bias=True on q_proj, k_proj and v_proj)
QKV_BIAS = frozenset({"qwen2", "qwen2_moe", "qwen2_vl", "qwen2_5_vl"})
# A module counted once per layer: (name under model.layers.N, parameters, quantizable).
Module = tuple[str, int, bool]


@dataclass(frozen=True)
class Quantization:
    """How a config stores its quantizable linear layers: bytes per weight, scales included."""

    method: str  # quant_method as the config spells it
    precision: str  # this tool's name for the weights' precision (int4, fp8, mxfp4, ...)
    bytes_per_param: float
    ignore: tuple[str, ...]  # module patterns kept at 16 bits
    lm_head: bool = False  # GPTQ's lm_head flag: the output head is quantized too


@dataclass(frozen=True)
class CheckpointSize:
    """Parameters and bytes of one checkpoint, split by what stays 16-bit."""

    params: int
    params_16bit: int  # embeddings, output head, norms, routers, ignored modules, vision tower
    quantized_params: int
    bytes: float
    active_params: int = 0  # what one token runs through: routed experts at top-k of E


def _pos(cfg: dict, *keys: str) -> int:
    for key in keys:
        value = cfg.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return value
    return 0


def _global_layer(cfg: dict, layer: int) -> bool:
    """A full-attention layer with its own head size and KV heads (Gemma 4's global layers)."""
    types = cfg.get("layer_types")
    return (
        bool(_pos(cfg, "global_head_dim"))
        and isinstance(types, list)
        and layer < len(types)
        and types[layer] == "full_attention"
    )


def _attention(cfg: dict, hidden: int, *, full: bool = False) -> list[Module]:
    heads = _pos(cfg, "num_attention_heads")
    if cfg.get("kv_lora_rank"):  # MLA (DeepSeek-V2/V3, Kimi-K2): latent projections
        rope, nope = _pos(cfg, "qk_rope_head_dim"), _pos(cfg, "qk_nope_head_dim")
        v_dim, latent, q_rank = (
            _pos(cfg, "v_head_dim"),
            _pos(cfg, "kv_lora_rank"),
            _pos(cfg, "q_lora_rank"),
        )
        q = (
            [
                ("q_a_proj", hidden * q_rank, True),
                ("q_b_proj", q_rank * heads * (nope + rope), True),
            ]
            if q_rank
            else [("q_proj", hidden * heads * (nope + rope), True)]
        )
        return [
            *(("self_attn." + n, p, qz) for n, p, qz in q),
            ("self_attn.kv_a_proj_with_mqa", hidden * (latent + rope), True),
            ("self_attn.kv_b_proj", latent * heads * (nope + v_dim), True),
            ("self_attn.o_proj", heads * v_dim * hidden, True),
        ]
    head_dim = _pos(cfg, "head_dim") or (hidden // heads if heads else 0)
    kv = _pos(cfg, "num_key_value_heads") or heads
    if full:  # vLLM's gemma4.py loads a v_proj even where attention_k_eq_v copies k_proj into it
        head_dim = _pos(cfg, "global_head_dim") or head_dim
        kv = _pos(cfg, "num_global_key_value_heads") or kv
    bias: list[Module] = []
    if cfg.get("attention_bias") or cfg.get("model_type") in QKV_BIAS:
        bias = [("self_attn.qkv_bias", (heads + 2 * kv) * head_dim, False)]
    return [
        *bias,
        ("self_attn.q_proj", hidden * heads * head_dim, True),
        ("self_attn.k_proj", hidden * kv * head_dim, True),
        ("self_attn.v_proj", hidden * kv * head_dim, True),
        ("self_attn.o_proj", heads * head_dim * hidden, True),
    ]


def _moe_layer(cfg: dict, layer: int) -> bool:
    """Whether a layer routes to experts: a listed MoE layer (`moe_layers`), else every
    step-th layer (Llama 4's interleave_moe_layer_step, Qwen-MoE's decoder_sparse_step) past
    the leading dense ones (first_k_dense_replace) and outside `mlp_only_layers`."""
    listed = cfg.get("moe_layers")
    if isinstance(listed, list):
        return layer in listed
    dense_only = cfg.get("mlp_only_layers")
    if isinstance(dense_only, list) and layer in dense_only:
        return False
    step = _pos(cfg, "interleave_moe_layer_step", "decoder_sparse_step") or 1
    return layer >= _pos(cfg, "first_k_dense_replace") and (layer + 1) % step == 0


def _mlp(cfg: dict, hidden: int, layer: int) -> list[Module]:
    """A gated MLP (gate, up, down) or a routed MoE block with its router and shared experts."""
    experts = _pos(cfg, "num_local_experts", "num_experts", "n_routed_experts")
    inter = _pos(cfg, "intermediate_size")
    if not experts or not _moe_layer(cfg, layer):
        # Llama 4 names its dense layers' width apart from its experts'
        width = (_pos(cfg, "intermediate_size_mlp") if experts else 0) or inter
        return [
            ("mlp.gate_proj", hidden * width, True),
            ("mlp.up_proj", hidden * width, True),
            ("mlp.down_proj", width * hidden, True),
        ]
    moe_inter = _pos(cfg, "moe_intermediate_size") or inter
    block = [
        ("mlp.experts.0.gate_proj", experts * hidden * moe_inter, True),
        ("mlp.experts.0.up_proj", experts * hidden * moe_inter, True),
        ("mlp.experts.0.down_proj", experts * moe_inter * hidden, True),
        ("mlp.gate", hidden * experts, False),  # routers stay 16-bit in every format read here
    ]
    shared = _pos(cfg, "shared_expert_intermediate_size") or (
        _pos(cfg, "n_shared_experts") * moe_inter
    )
    if cfg.get("residual_moe") is True:  # sglang/srt/models/grok.py: a dense MLP beside them
        shared += inter
    if shared:
        block += [
            ("mlp.shared_experts.gate_proj", hidden * shared, True),
            ("mlp.shared_experts.up_proj", hidden * shared, True),
            ("mlp.shared_experts.down_proj", shared * hidden, True),
        ]
    return block


def _vision(cfg: dict) -> int:
    """A ViT tower's parameters (attention 4h², MLP 2·h·inter per layer): kept at 16 bits."""
    vision = cfg.get("vision_config")
    if not isinstance(vision, dict):
        return 0
    h, inter = _pos(vision, "hidden_size", "embed_dim"), _pos(vision, "intermediate_size")
    layers = _pos(vision, "num_hidden_layers", "depth")
    return layers * (4 * h * h + 2 * h * inter)


class IgnoreList:
    """A quantization_config's modules kept at 16 bits, matched as the loaders match them:
    compressed-tensors 're:' regexes, fnmatch globs (gpt-oss), and plain module names or runs
    of name components ('lm_head', 'self_attn', 'model.layers.0.mlp'). Built once, so that a
    name costs a set look-up and one match of each kind, whatever the list's length."""

    def __init__(self, patterns: tuple[str, ...]) -> None:
        if len(patterns) > MAX_PATTERNS:
            raise InputError("config", f"quantization_config ignores {len(patterns):,} modules")
        regexes, globs, self.names = [], [], set()
        for pattern in patterns:
            if len(pattern) > MAX_PATTERN_CHARS:
                raise InputError("config", f"an ignore pattern of {len(pattern):,} characters")
            if pattern.startswith("re:"):
                regexes.append(_checked_regex(pattern[3:]))
            elif "*" in pattern or "?" in pattern or "[" in pattern:
                globs.append(fnmatch.translate(pattern) + "|" + fnmatch.translate(pattern + ".*"))
            else:
                self.names.add(pattern)
        self.regex = re.compile("|".join(f"(?:{r})" for r in regexes)) if regexes else None
        self.glob = re.compile("|".join(f"(?:{g})" for g in globs)) if globs else None

    def __contains__(self, name: str) -> bool:
        if self.regex is not None and self.regex.match(name):
            return True
        if self.glob is not None and self.glob.match(name):
            return True
        parts = name.split(".")
        runs = (
            ".".join(parts[i:j]) for i in range(len(parts)) for j in range(i + 1, len(parts) + 1)
        )
        return not self.names.isdisjoint(runs)


def _checked_regex(pattern: str) -> str:
    """A regex from the config, refused when invalid or when nested repetition could make it
    run for ever on a module name."""
    if NESTED_REPEAT.search(pattern):
        raise InputError("config", f"ignore pattern {shown(pattern)} repeats a repetition")
    try:
        re.compile(pattern)
    except re.error as exc:
        raise InputError("config", f"ignore pattern {shown(pattern)}: {exc}") from None
    return pattern


def checkpoint_size(cfg: dict, quant: Quantization | None, weight_bytes: float) -> CheckpointSize:
    """Every parameter of the language model (and a vision tower): quantizable linear layers at
    the quantization's bytes unless ignored, everything else at `weight_bytes` (the dtype)."""
    hidden, vocab = _pos(cfg, "hidden_size"), _pos(cfg, "vocab_size")
    layers = _pos(cfg, "num_hidden_layers")
    if not (hidden and vocab and layers):
        raise InputError("config", "no hidden_size, vocab_size or num_hidden_layers: cannot count")
    for key in SIZE_KEYS:  # the catalog's own bounds, before any loop over layers or experts
        value = _pos(cfg, key)
        if value > LIMITS[key]:
            raise InputError("config", f"{key} {value:,} is beyond any real model")
    ignore = IgnoreList(quant.ignore if quant else ())
    quantized = plain = idle = 0
    experts = _pos(cfg, "num_local_experts", "num_experts", "n_routed_experts")
    routed = _pos(cfg, "num_experts_per_tok", "experts_per_token", "moe_topk")
    for layer in range(layers):
        attention = _attention(cfg, hidden, full=_global_layer(cfg, layer))
        for name, params, quantizable in attention + _mlp(cfg, hidden, layer):
            full = f"model.layers.{layer}.{name}"
            if quant and quantizable and full not in ignore:
                quantized += params
            else:
                plain += params
            if name.startswith("mlp.experts.") and experts and routed:
                idle += params * (experts - min(routed, experts)) // experts
        plain += 2 * hidden  # two RMSNorm weights per layer
    embed = vocab * hidden
    tied = cfg.get("tie_word_embeddings", cfg.get("model_type") in TIED_BY_DEFAULT)
    head = 0 if tied else vocab * hidden
    head_quantized = quant is not None and quant.lm_head and "lm_head" not in ignore
    plain += embed + hidden + _vision(cfg) + (0 if head_quantized else head)
    quantized += head if head_quantized else 0
    size = plain * weight_bytes + quantized * (quant.bytes_per_param if quant else weight_bytes)
    total = quantized + plain
    return CheckpointSize(total, plain, quantized, size, active_params=total - idle)


def _num(value: object, default: float) -> float:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and value > 0
    return float(value) if ok else default  # type: ignore[arg-type]


def _patterns(*values: object) -> tuple[str, ...]:
    return tuple(str(p) for v in values if isinstance(v, list) for p in v if isinstance(p, str))


def _grouped(bits: float, group: float, *, zero_points: bool) -> float:
    """bits/8 per weight, plus a 16-bit scale (and a packed zero point) per group of weights."""
    per_group = 2 + (bits / 8 if zero_points else 0)
    return bits / 8 + (per_group / group if group > 0 else 0)


def _compressed_tensors(q: dict) -> tuple[str, float] | None:
    """config_groups[*].weights: num_bits, type int/float, strategy tensor/channel/group/block."""
    groups = q.get("config_groups")
    if not isinstance(groups, dict):
        return None
    for group in groups.values():
        weights = group.get("weights") if isinstance(group, dict) else None
        if not isinstance(weights, dict):
            continue
        bits = _num(weights.get("num_bits"), 0)
        kind = "fp" if weights.get("type") == "float" else "int"
        precision = f"{kind}{int(bits)}"
        if bits not in (4, 8):
            return None
        strategy = weights.get("strategy")
        if strategy == "group":
            size = _num(weights.get("group_size"), 128)
            scale = 1 if kind == "fp" and bits == 4 else 2  # NVFP4 keeps fp8 group scales
            zero = 0 if weights.get("symmetric", True) else bits / 8
            return precision, bits / 8 + (scale + zero) / size
        if strategy == "block":
            block = weights.get("block_structure")
            pair = isinstance(block, list) and len(block) == 2
            cells = _num(block[0], 128) * _num(block[1], 128) if pair else 128 * 128
            return precision, bits / 8 + 4 / cells
        return precision, bits / 8  # per-tensor or per-channel scales: negligible
    return None


def read_quantization(q: dict) -> Quantization | None:
    """What vLLM's loader for quant_method stores per weight (vllm/model_executor/layers/
    quantization/<method>.py); None for a method this tool does not read (the caller warns)."""
    method = str(q.get("quant_method", "")).lower()
    ignore = _patterns(
        q.get("ignore"),
        q.get("ignored_layers"),
        q.get("modules_to_not_convert"),
        q.get("exclude_modules"),
        q.get("llm_int8_skip_modules"),
    )
    found: tuple[str, float] | None = None
    if method in ("fp8", "fbgemm_fp8"):
        block = q.get("weight_block_size")
        cells = (
            _num(block[0], 1) * _num(block[1], 1)
            if isinstance(block, list) and len(block) == 2
            else 0
        )
        found = "fp8", 1 + (4 / cells if cells else 0)  # fp32 scale per 128 x 128 block
    elif method == "compressed-tensors":
        found = _compressed_tensors(q)
    elif method in ("gptq", "awq", "gptq_marlin", "awq_marlin"):
        bits = _num(q.get("bits", q.get("w_bit")), 0)
        group = _num(q.get("group_size", q.get("q_group_size")), 128)
        if q.get("group_size") == -1:
            group = 0  # one scale per output channel
        if bits in (4, 8):  # 2- and 3-bit packings are not read: the caller warns
            found = f"int{int(bits)}", _grouped(bits, group, zero_points=True)
    elif method == "mxfp4":
        found = "mxfp4", 0.5 + 1 / 32  # e2m1 values, one e8m0 scale per 32
    elif method == "modelopt":
        algo = str(q.get("quant_algo", "")).upper()
        if algo == "FP8":
            found = "fp8", 1.0
        elif algo == "NVFP4":
            found = "fp4", 0.5 + 1 / _num(q.get("group_size"), 16)  # fp8 scale per 16
    elif method == "bitsandbytes":
        if q.get("load_in_4bit"):
            found = "int4", 0.5 + (1 / 64 if q.get("bnb_4bit_use_double_quant") else 4 / 64)
        elif q.get("load_in_8bit"):
            found = "int8", 1.0
    if found is None:
        return None
    precision, size = found
    return Quantization(method, precision, size, ignore, lm_head=bool(q.get("lm_head")))
