"""Bring your own model: a catalog entry read from a Hugging Face config.json, offline.

Every derived field names the config key it came from (in the entry's `source`); whatever is
guessed is listed as a warning (and kept in `notes`). Layouts read: plain GQA/MHA, `head_dim`
or hidden_size / heads, `layer_types`, `sliding_window` with `sliding_window_pattern` or
`use_sliding_window` / `max_window_layers`, MLA (`kv_lora_rank`, `qk_rope_head_dim`), a nested
`text_config`, MoE expert counts, `quantization_config` / `torch_dtype`, and the checkpoint size
from a `model.safetensors.index.json` beside the config. State that is not a KV cache (Mamba,
linear attention) is refused with the fields it would need.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from sizing_xl.catalog import normalize_name, parse_entries
from sizing_xl.catalog.strict_json import JsonFault, parse_json_bytes
from sizing_xl.checkpoint import checkpoint_size, read_quantization
from sizing_xl.errors import CatalogError, InputError, shown
from sizing_xl.files import read_bounded
from sizing_xl.units import BYTES_PER_PARAM, DTYPE_PRECISIONS, bytes_to_gib

# Keys that mark a state other than a KV cache, per family; sizing_xl cannot size them yet.
STATE_KEYS = (
    "mamba_d_state",
    "mamba_d_conv",
    "mamba_expand",
    "state_size",
    "ssm_cfg",
    "hybrid_override_pattern",
    "linear_num_key_heads",
    "linear_key_head_dim",
)
STATE_MODEL_TYPES = {"mamba", "mamba2", "falcon_mamba", "jamba", "zamba", "zamba2", "nemotron_h"}
# Layout keys of families whose KV layers differ in ways the entry cannot express (shared KV
# layers, Llama 4's chunked local attention): the entry sizes those layers as the others, and
# says so. Gemma 4's global layers (global_head_dim, num_global_key_value_heads) are read;
# its attention_k_eq_v saves nothing: vLLM's gemma4.py caches K and V apart (v_norm vs k_norm).
UNMODELLED_LAYOUT_KEYS = (
    "num_kv_shared_layers",
    "attention_chunk_size",
)
# A hybrid model's full-attention layers with their own KV heads and head size (Gemma 4)
GLOBAL_LAYER_KEYS = ("num_global_key_value_heads", "global_head_dim")
ATTENTION_LAYER_TYPES = {"full_attention": "full", "sliding_attention": "sliding"}
# Defaults a family's config class supplies for keys its published config.json omits (data)
CLASS_DEFAULTS: dict[str, dict] = {
    k: v
    for k, v in json.loads(
        resources.files("sizing_xl").joinpath("config_defaults.json").read_text("utf-8")
    ).items()
    if not k.startswith("_")
}
# A config.json is kilobytes, a safetensors index a few MiB (one line per tensor)
MAX_CONFIG_BYTES = 64 * 2**20
# The keys checkpoint.py counts parameters from, named in an entry's source when present
COUNT_KEYS = (
    "hidden_size",
    "intermediate_size",
    "moe_intermediate_size",
    "shared_expert_intermediate_size",
    "n_shared_experts",
    "first_k_dense_replace",
    "q_lora_rank",
    "qk_nope_head_dim",
    "v_head_dim",
    "vocab_size",
    "tie_word_embeddings",
    "vision_config",
)
DTYPES = {**DTYPE_PRECISIONS, "float8_e4m3fn": "fp8"}
EXPERT_KEYS = ("num_local_experts", "num_experts", "n_routed_experts")
TEXT_KEYS = ("model_type", "torch_dtype", "dtype", "_name_or_path")
TOP_K_KEYS = ("num_experts_per_tok", "experts_per_token", "moe_topk")


@dataclass
class ImportedModel:
    """A catalog entry (fields as models.json takes them), its name, and what was guessed."""

    name: str
    entry: dict[str, object]
    warnings: list[str] = field(default_factory=list)


def read_json_file(path: Path, what: str) -> dict:
    """A JSON object from a file; anything else (a directory, a FIFO or device, a file larger
    than any config) is one InputError naming the file, without blocking on it."""
    if path.is_dir():
        raise InputError(what, f"{shown(path)} is a directory, not a config.json file")
    try:
        data = parse_json_bytes(read_bounded(path, MAX_CONFIG_BYTES, what))
    except JsonFault as exc:
        raise InputError(what, f"{shown(path)} {exc}") from None
    if not isinstance(data, dict):
        raise InputError(what, f"{shown(path)} holds JSON but not an object of settings")
    return data


class _Reader:
    """Reads keys from the (text) config, remembering which were used."""

    def __init__(self, config: dict) -> None:
        text = config.get("text_config")
        self.nested = isinstance(text, dict)
        # a multimodal config keeps the language model's settings under text_config
        self.config = {**config, **text} if self.nested else config
        self.text_keys = set(text) if self.nested else set()
        self.defaulted: set[str] = set()
        self.used: list[str] = []
        self.warnings: list[str] = []
        family = CLASS_DEFAULTS.get(str(self.config.get("model_type")), {})
        missing = {k: v for k, v in family.get("defaults", {}).items() if k not in self.config}
        if missing:
            self.defaulted = set(missing)
            given = ", ".join(f"{k} {v}" for k, v in missing.items())
            self.warnings.append(f"not in the config, taken from transformers' defaults: {given}")
        implied = {k: v for k, v in family.get("implied", {}).items() if k not in self.config}
        self.implied = set(implied)
        self.config = {**self.config, **missing, **implied}

    def label(self, key: str) -> str:
        """How the entry's source names a key: under text_config where the config keeps it."""
        if key in self.defaulted:
            return f"{key} (default)"
        if key in self.implied:
            return f"{key} (implied by the architecture)"
        return f"text_config.{key}" if key in self.text_keys else key

    def get(self, *keys: str) -> object:
        for key in keys:
            value = self.config.get(key)
            if value is not None:
                self.used.append(self.label(key))
                return value
        return None

    def whole(self, key: str, *aliases: str, required: bool = True) -> int | None:
        value = self.get(key, *aliases)
        if value is None:
            if required:
                raise InputError("config", f"no {key} in the config: not a transformer LM config")
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise InputError("config", f"{key}: expected a whole number, got {value!r}")
        return value


def model_from_config(
    config: dict, *, name: str | None = None, index: dict | None = None, origin: str = "config.json"
) -> ImportedModel:
    """The catalog entry a config describes; one InputError for what cannot be sized."""
    r = _Reader(config)
    cfg = r.config
    for key in TEXT_KEYS:  # read as names and looked up in tables: a list or number is a fault
        if cfg.get(key) is not None and not isinstance(cfg[key], str):
            raise InputError("config", f"{key}: expected text, got {shown(cfg[key])}")
    model_type = str(cfg.get("model_type") or "")
    state = [k for k in STATE_KEYS if k in cfg]
    if model_type in STATE_MODEL_TYPES or state:
        fields_ = ", ".join(state) or f"model_type {model_type!r}"
        raise InputError(
            "config",
            f"this model keeps per-session state besides a KV cache ({fields_}); sizing_xl "
            "sizes KV caches only and cannot size that state yet",
        )
    entry: dict[str, object] = {}
    architectures = config.get("architectures")
    if isinstance(architectures, list) and architectures:
        entry["architecture"] = str(architectures[0])
        r.used.append("architectures")
    layers = r.whole("num_hidden_layers", "n_layer", "num_layers")
    heads = r.whole("num_attention_heads", "n_head", required=False)
    entry["num_layers"] = layers
    if heads:
        entry["num_attention_heads"] = heads
    if r.get("kv_lora_rank"):
        entry["attention_type"] = "mla"
        entry["kv_lora_rank"] = r.whole("kv_lora_rank")
        entry["qk_rope_head_dim"] = r.whole("qk_rope_head_dim")
    else:
        entry["attention_type"] = "gqa"
        kv = r.whole("num_key_value_heads", required=False)
        if kv is None:
            if heads is None:
                raise InputError("config", "no num_attention_heads nor num_key_value_heads")
            kv = heads
            r.warnings.append("num_key_value_heads absent: taken as num_attention_heads (MHA)")
        if heads and kv > heads:
            raise InputError(
                "config", f"num_key_value_heads {kv} exceeds num_attention_heads {heads}"
            )
        entry["num_key_value_heads"] = kv
        head_dim = r.whole("head_dim", required=False)
        if head_dim is None:
            hidden = r.whole("hidden_size", "n_embd", required=False)
            if hidden is None or not heads:
                raise InputError("config", "no head_dim, and no hidden_size and heads to derive it")
            head_dim = hidden // heads
            r.warnings.append(
                f"head_dim absent: derived as hidden_size / num_attention_heads = {head_dim}"
            )
        entry["head_dim"] = head_dim
    entry.update(_attention_pattern(r, layers))
    if entry.get("attention_pattern") == "hybrid" and entry["attention_type"] == "gqa":
        for key in GLOBAL_LAYER_KEYS:
            value = r.whole(key, required=False)
            if value:
                entry[key] = value
    odd = [f"{k} {cfg[k]}" for k in UNMODELLED_LAYOUT_KEYS if cfg.get(k) not in (None, 0, False)]
    if odd:
        r.warnings.append(
            f"{', '.join(odd)}: a layer layout this tool does not model yet; every layer is "
            "sized with the head_dim and KV heads above, so the KV per session is approximate"
        )
    context = r.whole(
        "max_position_embeddings", "n_positions", "max_sequence_length", required=False
    )
    scaling = cfg.get("rope_scaling")
    if isinstance(scaling, dict):
        r.used.append("rope_scaling")
        original, factor = scaling.get("original_max_position_embeddings"), scaling.get("factor")
        if isinstance(original, int) and isinstance(factor, int | float):
            stretched = int(original * factor)
            if context is None or stretched > context:  # YaRN switched on in the config
                r.warnings.append(
                    f"max_context from rope_scaling: {original} x {factor:g} = {stretched}"
                )
                context = stretched
    if context:
        entry["max_context"] = context
    experts = next((r.whole(k) for k in EXPERT_KEYS if cfg.get(k)), None)
    top_k = next((r.whole(k) for k in TOP_K_KEYS if cfg.get(k)), None)
    if experts and top_k:
        entry["num_experts"], entry["experts_per_token"] = experts, top_k
    for key in ("hidden_size", "vocab_size"):
        value = r.whole(key, required=False)
        if value:
            entry[key] = value
    inter = r.whole("intermediate_size", required=False)
    if experts and top_k:  # the MLP a routed token runs through: one expert's
        inter = r.whole("moe_intermediate_size", required=False) or inter
    if inter:
        entry["intermediate_size"] = inter
    entry.update(_weights(r, index))
    if not name:
        name = _name_from(config, folder=None, field="name")
    entry["source"] = f"{origin}: " + ", ".join(dict.fromkeys(r.used))
    if r.warnings:
        entry["notes"] = "; ".join(r.warnings)
    key = normalize_name(name)
    try:  # the same checks a catalog file gets
        parse_entries("models", {key: entry}, origin)
    except CatalogError as exc:
        raise InputError("config", f"contradictory fields: {exc}") from None
    return ImportedModel(key, entry, r.warnings)


def _attention_pattern(r: _Reader, layers: int) -> dict[str, object]:
    """full / sliding / hybrid and the sliding layers, from the layout keys the config has."""
    cfg = r.config
    window = cfg.get("sliding_window")
    layer_types = r.get("layer_types")
    if isinstance(layer_types, list):
        kinds = [ATTENTION_LAYER_TYPES.get(str(t)) for t in layer_types]
        if None in kinds:
            others = sorted({str(t) for t, k in zip(layer_types, kinds, strict=True) if k is None})
            raise InputError(
                "config",
                f"layer_types has {', '.join(others)} layers: state that is not a KV cache, "
                "which sizing_xl cannot size yet",
            )
        if len(kinds) != layers:
            raise InputError(
                "config", f"layer_types lists {len(kinds)} layers, num_hidden_layers says {layers}"
            )
        sliding = kinds.count("sliding")
    elif window is None:
        return {"attention_pattern": "full"}
    elif cfg.get("use_sliding_window") is False:
        r.used.append("use_sliding_window")
        return {"attention_pattern": "full"}
    elif cfg.get("sliding_window_pattern"):
        pattern = r.whole("sliding_window_pattern")
        # every pattern-th layer is global (Gemma 2/3: pattern 6 -> 5 local, 1 global)
        sliding = layers - layers // pattern if pattern else 0
    elif cfg.get("max_window_layers") is not None and cfg.get("use_sliding_window"):
        r.used.append("use_sliding_window")
        sliding = layers - r.whole("max_window_layers")  # layers from that index slide
    else:
        sliding = layers  # one window for every layer (Mistral 7B v0.1)
    if not sliding:
        return {"attention_pattern": "full"}
    if window is None:
        raise InputError("config", "sliding layers are listed but sliding_window is missing")
    r.used.append("sliding_window")
    if sliding == layers:
        return {"attention_pattern": "sliding", "sliding_window": r.whole("sliding_window")}
    return {
        "attention_pattern": "hybrid",
        "num_sliding_layers": sliding,
        "sliding_window": r.whole("sliding_window"),
    }


def _weights(r: _Reader, index: dict | None) -> dict[str, object]:
    """The checkpoint's precision and size: the safetensors index's total_size where given, else
    every parameter counted from the architecture at the precision vLLM loads it
    (checkpoint.py: quantized linear layers at their bits plus scales, the rest at the dtype)."""
    out: dict[str, object] = {}
    cfg = r.config
    dtype = r.get("torch_dtype", "dtype")
    dtype_precision = DTYPES.get(str(dtype)) if dtype else None
    if dtype_precision == "fp8":  # an fp8 dtype names the quantized layers, not the rest
        dtype_precision = "bf16"
    quant = None
    raw = cfg.get("quantization_config")
    if isinstance(raw, dict):
        r.used.append("quantization_config")
        quant = read_quantization(raw)
        if quant is None:
            method = shown(str(raw.get("quant_method", "")))
            r.warnings.append(
                f"quantization_config {method} not read: weights counted at the "
                f"{dtype_precision or 'bf16'} dtype"
            )
    precision = quant.precision if quant else dtype_precision
    if precision is None:
        r.warnings.append("no torch_dtype or known quantization: weights precision unknown")
        return out
    out["weights_precision"] = precision
    plain_bytes = BYTES_PER_PARAM[dtype_precision or "bf16"]
    counted = None
    if all(isinstance(cfg.get(k), int) for k in ("hidden_size", "vocab_size")):
        counted = checkpoint_size(cfg, quant, plain_bytes)
        out["params_total_b"] = round(counted.params / 1e9, 3)
        if counted.active_params < counted.params:  # an MoE: what one token runs through
            out["params_active_b"] = round(counted.active_params / 1e9, 3)
        r.used.extend(r.label(k) for k in COUNT_KEYS if k in cfg and r.label(k) not in r.used)
    metadata = (index or {}).get("metadata")
    total = metadata.get("total_size") if isinstance(metadata, dict) else None
    if isinstance(total, int | float) and not isinstance(total, bool) and total > 0:
        out["weights_gib"] = round(bytes_to_gib(total), 3)
        out["weights_source"] = "model.safetensors.index.json metadata.total_size"
        if counted is None and precision in BYTES_PER_PARAM:
            out["params_total_b"] = round(total / BYTES_PER_PARAM[precision] / 1e9, 3)
            r.warnings.append(f"params_total_b estimated from the checkpoint size at {precision}")
    elif counted is not None:
        out["weights_gib"] = round(bytes_to_gib(counted.bytes), 3)
        kept = f"{counted.params_16bit / 1e9:.3g} B parameters at {dtype_precision or 'bf16'}"
        out["weights_source"] = (
            f"counted from config.json: {counted.quantized_params / 1e9:.3g} B parameters at "
            f"{precision} ({quant.method}), {kept}"
            if quant
            else f"counted from config.json: {counted.params / 1e9:.3g} B parameters at {precision}"
        )
    else:
        r.warnings.append(
            "no model.safetensors.index.json, and no hidden_size / vocab_size to count the "
            "parameters: weights size unknown"
        )
    return out


def _name_from(config: dict, *, folder: str | None, field: str) -> str:
    """The last part of the config's _name_or_path, else the folder a config file was named
    in (never the current directory's); else the name is asked for."""
    path = config.get("_name_or_path")
    if isinstance(path, str) and path.strip():
        return path.rstrip("/").split("/")[-1]
    if folder:
        return folder
    raise InputError(field, "the config names no model (no _name_or_path): give a name")


def import_model(path: str | Path, *, name: str | None = None) -> ImportedModel:
    """Read PATH (a config.json) and the safetensors index beside it, if any."""
    config_path = Path(path)
    config = read_json_file(config_path, "config")
    index_path = config_path.with_name("model.safetensors.index.json")
    index = read_json_file(index_path, "config") if index_path.is_file() else None
    folder = config_path.resolve().parent.name
    given = folder if config_path.parent != Path(".") else None  # 'config.json' names no folder
    # the entry's source names the file by its folder, never this machine's path
    return model_from_config(
        config,
        name=name or _name_from(config, folder=given, field="--name"),
        index=index,
        origin=f"{folder}/{config_path.name}" if folder else config_path.name,
    )
