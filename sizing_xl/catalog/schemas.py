"""Catalogs of models, servers and storage profiles: their schemas, validation and look-up."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Annotated, Literal, TypeVar

from sizing_xl.catalog.checks import NAME_CHARS, finance_problem, text_problem, value_problem
from sizing_xl.errors import CatalogError, UnknownEntryError, shown
from sizing_xl.records import (
    Limit,
    NonNegativeFloat,
    NonNegativeInt,
    PositiveFloat,
    PositiveInt,
    RecordError,
    build,
    record,
)
from sizing_xl.units import WEIGHT_PRECISIONS, gb_to_gib

# A date a price or power figure holds for: 2026, 2026-08 or 2026-08-15.
AS_OF_PATTERN = r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$"
AsOf = Annotated[str, Limit(pattern=AS_OF_PATTERN)]

AttentionPattern = Literal["full", "sliding", "hybrid"]
AttentionType = Literal["gqa", "mla"]
# How a node's GPUs talk: NCCL allocates NVLink SHARP buffers (about 2 GiB per GPU under vLLM)
# only on NVSwitch nodes of Hopper and later ("nvswitch-nvls").
Interconnect = Literal["nvswitch-nvls", "nvswitch", "nvlink", "pcie", "infinity-fabric"]
WeightPrecision = Literal["fp32", "bf16", "fp16", "fp8", "int8", "fp4", "int4", "mxfp4"]
assert set(WeightPrecision.__args__) == set(WEIGHT_PRECISIONS)  # type: ignore[attr-defined]


@record
class _Entry:
    # forbid: a typo such as "num_layer" must fail loudly, not size with a default
    name: str
    display_name: str | None = None
    source: str
    verified: bool = True
    notes: str | None = None

    @property
    def label(self) -> str:
        return self.display_name or self.name


@record
class ModelSpec(_Entry):
    """A model's KV-cache-relevant architecture, with the seed's parameter names.

    attention_type "gqa" stores K and V per KV head (MHA and MQA are GQA cases);
    "mla" stores one compressed latent of kv_lora_rank + qk_rope_head_dim per layer.
    attention_pattern says how many layers hold the whole context (full) and how
    many only a sliding window (sliding), or a mix of both (hybrid).
    """

    hf_repo: str | None = None
    architecture: str | None = None  # config.json "architectures"[0]; engines key rules on it
    num_layers: PositiveInt
    num_attention_heads: PositiveInt | None = None
    num_key_value_heads: PositiveInt | None = None
    head_dim: PositiveInt | None = None
    attention_type: AttentionType = "gqa"
    attention_pattern: AttentionPattern = "full"
    num_sliding_layers: NonNegativeInt | None = None
    sliding_window: PositiveInt | None = None
    kv_lora_rank: PositiveInt | None = None
    qk_rope_head_dim: PositiveInt | None = None
    # Hybrid models whose full-attention (global) layers have their own KV heads and head size
    # (Gemma 4); config.json's keys of the same names. Unset: every layer as above.
    num_global_key_value_heads: PositiveInt | None = None
    global_head_dim: PositiveInt | None = None
    max_context: PositiveInt | None = None
    params_total_b: PositiveFloat | None = None
    params_active_b: PositiveFloat | None = None
    # Sizes the engine's profiling run scales with (activations, logits): config.json's own keys
    hidden_size: PositiveInt | None = None
    intermediate_size: PositiveInt | None = None  # dense MLP; MoE: one expert's, when no dense
    vocab_size: PositiveInt | None = None
    num_experts: PositiveInt | None = None  # MoE: routed experts per layer (config.json)
    experts_per_token: PositiveInt | None = None  # MoE: experts each token is routed to
    # The published checkpoint: its precision, and its size where params x bytes would be
    # wrong (mixed-precision checkpoints such as gpt-oss's MXFP4).
    weights_precision: WeightPrecision | None = None
    weights_gib: PositiveFloat | None = None
    weights_source: str | None = None
    # vLLM's memory besides weights and KV, per GPU (activations, CUDA graphs, non-torch),
    # measured for this model; without it the engine methods use a default by model size.
    non_weight_overhead_gib: NonNegativeFloat | None = None
    non_weight_overhead_source: str | None = None

    def __post_init__(self) -> None:
        if self.attention_type == "gqa":
            if self.num_key_value_heads is None or self.head_dim is None:
                raise ValueError("gqa models need num_key_value_heads and head_dim")
            if self.kv_lora_rank is not None or self.qk_rope_head_dim is not None:
                raise ValueError("kv_lora_rank and qk_rope_head_dim need attention_type 'mla'")
        elif self.kv_lora_rank is None or self.qk_rope_head_dim is None:
            raise ValueError("mla models need kv_lora_rank and qk_rope_head_dim")
        if (self.num_global_key_value_heads is not None or self.global_head_dim is not None) and (
            self.attention_type != "gqa" or self.attention_pattern != "hybrid"
        ):
            raise ValueError(
                "num_global_key_value_heads and global_head_dim need a hybrid gqa model"
            )
        if (self.num_sliding_layers or 0) > self.num_layers:
            raise ValueError(
                f"num_sliding_layers {self.num_sliding_layers} exceeds num_layers {self.num_layers}"
            )
        if (
            self.num_key_value_heads is not None
            and self.num_attention_heads is not None
            and self.num_key_value_heads > self.num_attention_heads
        ):
            raise ValueError("num_key_value_heads cannot exceed num_attention_heads")
        if (
            self.params_active_b is not None
            and self.params_total_b is not None
            and self.params_active_b > self.params_total_b
        ):
            raise ValueError("params_active_b cannot exceed params_total_b")
        if self.attention_pattern == "full":
            if self.num_sliding_layers:
                raise ValueError("attention_pattern 'full' cannot have num_sliding_layers")
        else:
            if self.sliding_window is None:
                raise ValueError(
                    f"attention_pattern {self.attention_pattern!r} needs sliding_window"
                )
            if self.attention_pattern == "hybrid" and not (
                self.num_sliding_layers and 0 < self.num_sliding_layers < self.num_layers
            ):
                raise ValueError(
                    "attention_pattern 'hybrid' needs num_sliding_layers between 1 and num_layers - 1"
                )
        if (self.num_experts is None) != (self.experts_per_token is None) or (
            self.num_experts is not None and self.experts_per_token > self.num_experts
        ):
            raise ValueError("num_experts and experts_per_token go together, top-k <= experts")
        if self.weights_gib is not None and self.weights_precision is None:
            raise ValueError("weights_gib needs weights_precision (the checkpoint's precision)")

    @property
    def sliding_layers(self) -> int:
        if self.attention_pattern == "sliding":
            return self.num_layers
        return self.num_sliding_layers or 0

    @property
    def full_layers(self) -> int:
        return self.num_layers - self.sliding_layers

    def above_max_context(self, tokens: int) -> bool:
        """Whether a context is longer than the model serves (a critical alert, a cell error)."""
        return self.max_context is not None and tokens > self.max_context


@record
class ServerSpec(_Entry):
    """One node: its GPUs and their HBM in the vendor's decimal GB."""

    vendor: str
    family: str  # how reports name a node of this kind ("nós DGX")
    gpu: str
    gpus_per_node: PositiveInt
    hbm_per_gpu_gb: PositiveFloat
    # What the driver reports per GPU, in GiB (the engine methods' "total GPU memory");
    # vendors' "80 GB" is about 79.2 GiB here, not the 74.5 GiB decimal conversion gives.
    usable_gib_per_gpu: PositiveFloat | None = None
    usable_source: str | None = None
    interconnect: Interconnect | None = None  # None: taken as nvswitch-nvls (the larger buffers)
    interconnect_source: str | None = None
    hbm_bandwidth_tbps_per_gpu: PositiveFloat | None = None
    bf16_dense_tflops_per_gpu: PositiveFloat | None = None
    fp8_dense_tflops_per_gpu: PositiveFloat | None = None
    tdp_w_per_gpu: PositiveFloat | None = None
    # Money and power, each with where it comes from and when it held; where no public figure
    # exists the figure stays empty and the source says so.
    capex_usd: NonNegativeFloat | None = None  # the node's purchase price
    install_usd: NonNegativeFloat | None = None
    price_source: str | None = None
    price_as_of: AsOf | None = None
    node_power_kw: PositiveFloat | None = None  # maximum draw of the whole node
    power_source: str | None = None
    power_as_of: AsOf | None = None

    def __post_init__(self) -> None:
        if (self.capex_usd is not None or self.install_usd is not None) and not (
            self.price_source and self.price_as_of
        ):
            raise ValueError("a price needs price_source and price_as_of")
        if self.node_power_kw is not None and not (self.power_source and self.power_as_of):
            raise ValueError("node_power_kw needs power_source and power_as_of")

    @property
    def nvls(self) -> bool:
        """Whether NCCL sets up NVLink SHARP buffers here (assumed where the field is empty)."""
        return self.interconnect in (None, "nvswitch-nvls")

    @property
    def hbm_total_gb(self) -> float:
        return self.gpus_per_node * self.hbm_per_gpu_gb

    @property
    def hbm_total_gib(self) -> float:
        return gb_to_gib(self.hbm_total_gb)


@record
class StorageProfile(_Entry):
    """A storage tier that prefill and KV offload read from."""

    read_gbps: PositiveFloat
    write_gbps: PositiveFloat | None = None
    p99_latency_ms: PositiveFloat


@record
class CloudOffer(_Entry):
    """A cloud instance that is one node of a catalog server, priced per hour in USD."""

    provider: str
    instance: str
    server: str  # the catalog server one instance is
    region: str | None = None
    usd_per_hour: PositiveFloat
    price_kind: Literal["on-demand", "capacity block", "spot", "committed"] = "on-demand"
    usd_per_hour_1y: PositiveFloat | None = None
    usd_per_hour_3y: PositiveFloat | None = None
    committed_source: str | None = None
    as_of: AsOf


@record
class ApiPrice(_Entry):
    """A pay-per-token API serving open weights, in USD per 1M tokens; `models` names the
    catalog models it prices (the first the one served, the rest the same weights or
    architecture, as its notes say)."""

    provider: str
    provider_model: str | None = None
    models: Annotated[tuple[str, ...], Limit(min_length=1)]
    usd_per_mtok_input: NonNegativeFloat
    usd_per_mtok_output: PositiveFloat
    as_of: AsOf

    def __post_init__(self) -> None:
        object.__setattr__(self, "models", tuple(normalize_name(m) for m in self.models))

    def usd(self, input_tokens: float, output_tokens: float) -> float:
        """What the tokens cost at the list price."""
        return (
            input_tokens * self.usd_per_mtok_input + output_tokens * self.usd_per_mtok_output
        ) / 1e6


@record
class FinanceFigure(_Entry):
    """One assumption of the owned-hardware TCO or the throughput check, with its unit."""

    value: NonNegativeFloat
    unit: str
    as_of: AsOf


Spec = TypeVar("Spec", ModelSpec, ServerSpec, StorageProfile, CloudOffer, FinanceFigure, ApiPrice)
_SCHEMAS: dict[str, type[_Entry]] = {
    "models": ModelSpec,
    "servers": ServerSpec,
    "storage": StorageProfile,
    "cloud": CloudOffer,
    "finance": FinanceFigure,
    "api": ApiPrice,
}
_KIND_SINGULAR = {
    "models": "model",
    "servers": "server",
    "storage": "storage profile",
    "cloud": "cloud offer",
    "finance": "finance assumption",
    "api": "API price",
}


@dataclass(frozen=True)
class Catalog:
    """Everything the catalogs hold, keyed by entry name, and where each kind came from."""

    models: Mapping[str, ModelSpec]
    servers: Mapping[str, ServerSpec]
    storage: Mapping[str, StorageProfile]
    cloud: Mapping[str, CloudOffer] = field(default_factory=dict)
    finance: Mapping[str, FinanceFigure] = field(default_factory=dict)
    api: Mapping[str, ApiPrice] = field(default_factory=dict)
    files: tuple[str, ...] = field(default=())

    def model(self, name: str) -> ModelSpec:
        return _lookup(self.models, name, "models")

    def server(self, name: str) -> ServerSpec:
        return _lookup(self.servers, name, "servers")

    def storage_profile(self, name: str) -> StorageProfile:
        return _lookup(self.storage, name, "storage")

    def cloud_offer(self, name: str) -> CloudOffer:
        return _lookup(self.cloud, name, "cloud")

    def api_price(self, name: str) -> ApiPrice:
        return _lookup(self.api, name, "api")


def normalize_name(name: str) -> str:
    return name.strip().lower()


def _lookup(entries: Mapping[str, Spec], name: str, kind: str) -> Spec:
    key = normalize_name(name)
    if key in entries:
        return entries[key]
    known = sorted(entries)
    near = difflib.get_close_matches(key, known, n=3, cutoff=0.5)
    near += [k for k in known if key and key in k and k not in near][: 3 - len(near)]
    raise UnknownEntryError(_KIND_SINGULAR[kind], name, near, known)


def _first_error(exc: RecordError) -> str:
    err = exc.errors()[0]
    loc = ".".join(str(p) for p in err["loc"])
    msg = err["msg"].removeprefix("Value error, ")
    return f"{loc}: {msg}" if loc else msg


def parse_entries(
    kind: str, raw: object, path: str, *, text_numbers: bool = False
) -> dict[str, _Entry]:
    """Validate one catalog file's content: a JSON object mapping entry names to specs.

    text_numbers accepts numbers written as text (workbook cells); files must hold JSON numbers.
    """
    if not isinstance(raw, dict):
        raise CatalogError(f"expected a JSON object of {kind} keyed by name", path=path)
    schema = _SCHEMAS[kind]
    what = _KIND_SINGULAR[kind]
    entries: dict[str, _Entry] = {}
    spelled: dict[str, str] = {}
    for name, body in raw.items():
        key = normalize_name(name)
        problem = text_problem(name, NAME_CHARS) or ("" if key else "is empty")
        if problem:
            raise CatalogError(f"{what} name {shown(name)} {problem}", path=path)
        if key in spelled:
            raise CatalogError(
                f"{what} names {shown(spelled[key])} and {shown(name)} are the same name "
                "(case and outer spaces do not count); keep one",
                path=path,
            )
        spelled[key] = name
        if not isinstance(body, dict):
            raise CatalogError(f"{what} {shown(name)}: expected an object", path=path)
        problem = value_problem(schema, body, text_numbers=text_numbers)
        if kind == "finance" and not problem:
            problem = finance_problem(key, body)
        try:
            if problem:
                raise ValueError(problem)
            entries[key] = build(schema, {**body, "name": key})
        except RecordError as exc:
            raise CatalogError(f"{what} {shown(name)}: {_first_error(exc)}", path=path) from None
        except ValueError as exc:
            raise CatalogError(f"{what} {shown(name)}: {exc}", path=path) from None
    return entries


def overlay(
    catalog: Catalog, kind: str, rows: Iterable[Mapping[str, object]], origin: str
) -> Catalog:
    """The catalog with rows (each with a 'name') added or replacing entries of one kind.

    Rows without a 'source' are credited to `origin` (e.g. "workbook Models sheet").
    """
    raw = {}
    for row in rows:
        body = {k: v for k, v in row.items() if k != "name"}
        body.setdefault("source", origin)
        raw[str(row["name"])] = body
    if not raw:
        return catalog
    parsed = parse_entries(kind, raw, origin, text_numbers=True)
    return replace(catalog, **{kind: {**getattr(catalog, kind), **parsed}})
