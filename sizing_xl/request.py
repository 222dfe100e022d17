"""What a user asks: the request (the seed's flags, the deployment, engine knobs) and its policies."""

from __future__ import annotations

from functools import cache
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    field_validator,
    model_validator,
)

from sizing_xl.catalog import AS_OF_PATTERN
from sizing_xl.errors import InputError, shown
from sizing_xl.units import BYTES_PER_PARAM, KV_PRECISIONS

ScenarioName = Literal["minimum", "recommended", "ideal"]
SCENARIO_NAMES: tuple[ScenarioName, ...] = ("minimum", "recommended", "ideal")
HaMode = Literal["none", "n+1", "n+2"]
HA_SPARES: dict[str, int] = {"none": 0, "n+1": 1, "n+2": 2}
KvPrecision = Literal["fp8", "int8", "fp16", "bf16", "fp32"]
assert set(KvPrecision.__args__) == set(KV_PRECISIONS)  # type: ignore[attr-defined]
MethodName = Literal["seed", "vllm", "sglang"]
CURRENCY_PATTERN = r"^[A-Z]{3}$"
# A checkpoint precision the weights can be derived at from params_total_b (not "mxfp4").
DerivedPrecision = Literal["fp32", "bf16", "fp16", "fp8", "int8", "fp4", "int4"]
assert set(DerivedPrecision.__args__) == set(BYTES_PER_PARAM)  # type: ignore[attr-defined]


class _Frozen(BaseModel):
    # defer_build: validators built on first validation, not at import (start-up time)
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, defer_build=True)


class ScenarioPolicy(_Frozen):
    """How one scenario turns the request into a sizing.

    A ratio left as None follows the request's flag. With follow_stricter_request, the
    scenario never takes less headroom or more budget than the request asks for, so that
    Ideal stays at least as conservative as Recommended whatever the flags say.
    """

    ha_mode: HaMode
    peak_headroom_ratio: float | None = Field(default=None, ge=0, le=10)
    kv_budget_ratio: float | None = Field(default=None, gt=0, le=1)
    follow_stricter_request: bool = False


# model_construct: the seed's own constants (tests/test_cli.py validates them), so that
# importing the package builds no validator (and pydantic's plugin loader, importlib.metadata)
DEFAULT_POLICIES: dict[ScenarioName, ScenarioPolicy] = {
    "minimum": ScenarioPolicy.model_construct(ha_mode="none", peak_headroom_ratio=0.0),
    "recommended": ScenarioPolicy.model_construct(ha_mode="n+1"),
    "ideal": ScenarioPolicy.model_construct(
        ha_mode="n+2", peak_headroom_ratio=0.30, kv_budget_ratio=0.65, follow_stricter_request=True
    ),
}


# The seed's headline case: the workbooks' default inputs, the README's first command.
HEADLINE_CASE: dict[str, str | int] = {
    "model": "opt-oss-120b",
    "server": "dgx300",
    "storage": "profile_default",
    "concurrency": 1000,
    "effective_context": 131072,
}


def as_flags(case: dict[str, object]) -> list[str]:
    """{"effective_context": 131072} -> ["--effective-context", "131072"]."""
    return [
        arg for key, value in case.items() for arg in (f"--{key.replace('_', '-')}", str(value))
    ]


class SizingRequest(_Frozen):
    """What a user asks: the seed's flags with the seed's defaults, the method and deployment,
    and engine knobs (None: the model's or the engine's default, catalogs/engines.json)."""

    model: str = Field(min_length=1)
    server: str = Field(min_length=1)
    storage: str = Field(default="profile_default", min_length=1)
    concurrency: int = Field(ge=1, le=100_000_000)
    effective_context: int = Field(ge=1, le=100_000_000)
    kv_precision: KvPrecision = "fp8"
    kv_budget_ratio: float = Field(default=0.70, gt=0, le=1)
    runtime_overhead_gib: float = Field(default=120.0, ge=0, le=1_000_000)
    peak_headroom_ratio: float = Field(default=0.20, ge=0, le=10)
    # None: the smallest power of two at which the engine starts the model (capacity.py)
    tensor_parallel: int | None = Field(default=None, ge=1, le=1024)
    policies: dict[ScenarioName, ScenarioPolicy] = Field(
        default_factory=lambda: dict(DEFAULT_POLICIES)
    )
    method: MethodName = "seed"
    pipeline_parallel: int = Field(default=1, ge=1, le=1024)
    weights_precision: DerivedPrecision | None = None
    weights_gib: float | None = Field(default=None, gt=0, le=1_000_000)
    usable_gib_per_gpu: float | None = Field(default=None, gt=0, le=100_000)
    gpu_memory_utilization: float | None = Field(default=None, gt=0, le=1)
    non_weight_overhead_gib: float | None = Field(default=None, ge=0, le=100_000)
    block_size: int | None = Field(default=None, ge=1, le=4096)
    max_num_seqs: int | None = Field(default=None, ge=1, le=10_000_000)
    mem_fraction_static: float | None = Field(default=None, gt=0, le=1)
    swa_full_tokens_ratio: float | None = Field(default=None, gt=0, le=100)
    # The throughput check and its SLOs (opt-in: without them the figures are only reported).
    context_fill: float = Field(default=1.0, gt=0, le=1)
    memory_bandwidth_utilization: float | None = Field(default=None, gt=0, le=1)
    model_flops_utilization: float | None = Field(default=None, gt=0, le=1)
    prompt_tokens: int | None = Field(default=None, ge=1, le=100_000_000)
    output_tokens: int | None = Field(default=None, ge=1, le=10_000_000)  # answer per request
    # SLOs below a thousandth of a token per second or of a second are typos, not targets
    min_tokens_per_second: float | None = Field(default=None, ge=0.001, le=1_000_000)
    max_ttft_seconds: float | None = Field(default=None, ge=0.001, le=1_000_000)
    # Money: catalog prices and finance.json's assumptions, overridable here.
    node_price_usd: float | None = Field(default=None, ge=0, le=1e12)
    usd_per_kwh: float | None = Field(default=None, ge=0, le=100)
    pue: float | None = Field(default=None, ge=1, le=10)
    cloud_offer: str | None = Field(default=None, min_length=1)
    output_tokens_per_session_per_hour: float | None = Field(default=None, ge=0, le=1e9)
    input_tokens_per_session_per_hour: float | None = Field(default=None, ge=0, le=1e9)
    api_offer: str | None = Field(default=None, min_length=1)
    # below one token per session-hour, a cost per 1M tokens runs to hundreds of digits
    currency: str = Field(default="USD", pattern=CURRENCY_PATTERN)
    usd_to_currency: float | None = Field(default=None, gt=0, le=1e9)
    rate_as_of: str | None = Field(default=None, pattern=AS_OF_PATTERN)

    @field_validator("model", "server", "storage")
    @classmethod
    def _strip(cls, v: str) -> str:
        return v.strip()

    @field_validator("kv_precision", "method", "weights_precision", mode="before")
    @classmethod
    def _lower(cls, v: object) -> object:
        return v.strip().lower() if isinstance(v, str) else v

    @field_validator("currency", mode="before")
    @classmethod
    def _upper(cls, v: object) -> object:
        return v.strip().upper() if isinstance(v, str) else v

    @field_validator("output_tokens_per_session_per_hour")
    @classmethod
    def _whole_rate(cls, v: float | None) -> float | None:
        if v is not None and 0 < v < 1:
            raise ValueError("expected 0 (no output rate) or at least 1 token per session-hour")
        return v

    @model_validator(mode="after")
    def _rate_for_currency(self) -> SizingRequest:
        if self.currency != "USD" and self.usd_to_currency is None:
            raise ValueError(f"usd_to_currency: currency {self.currency} needs the rate from USD")
        if self.currency == "USD" and self.usd_to_currency not in (None, 1):
            # a converted amount printed with "$" would pass for dollars
            raise ValueError(
                f"currency: a rate of {self.usd_to_currency:g} per USD needs the currency it "
                "converts to (such as BRL)"
            )
        return self


def input_error(exc: ValidationError, prefix: str = "") -> InputError:
    """pydantic's report as one InputError naming the first field at fault."""
    err = exc.errors()[0]
    if not err["loc"] and err["type"] == "value_error":  # a check across fields names its field
        field, _, problem = err["msg"].removeprefix("Value error, ").partition(": ")
        return InputError(".".join(p for p in (prefix, field) if p), problem)
    field = ".".join(str(p) for p in (prefix, *err["loc"]) if p != "") or "request"
    return InputError(field, _describe(err))


def make_request(**fields: object) -> SizingRequest:
    """Build a request; a bad value raises one InputError naming the field."""
    try:
        return SizingRequest.model_validate(fields)
    except ValidationError as exc:
        raise input_error(exc) from None


def check_field(name: str, value: object) -> object:
    """One request field checked alone, with the request's own limits and words.

    The functions that need no whole request (KV per session, the HBM budget) use it, so every
    face refuses the same values with the same line.
    """
    try:
        return _field_adapter(name).validate_python(value)
    except ValidationError as exc:
        raise input_error(exc, prefix=name) from None


@cache
def _field_adapter(name: str) -> TypeAdapter:
    info = SizingRequest.model_fields[name]
    kind = Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
    return TypeAdapter(kind, config=ConfigDict(allow_inf_nan=False))


_PATTERN_WORDS = {
    AS_OF_PATTERN: "a date as YYYY, YYYY-MM or YYYY-MM-DD",
    CURRENCY_PATTERN: "a three-letter currency code such as BRL",
}


def _describe(err: dict) -> str:
    given = err.get("input")
    ctx = err.get("ctx") or {}
    kind = err["type"]
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        bound = {
            "greater_than_equal": ">=",
            "greater_than": ">",
            "less_than_equal": "<=",
            "less_than": "<",
        }[kind]
        limit = next(iter(ctx.values()))
        return f"expected a number {bound} {limit}, got {shown(given)}"
    if kind == "literal_error":
        return f"expected one of {ctx.get('expected')}, got {shown(given)}"
    if kind in ("int_parsing", "int_from_float", "int_type"):
        return f"expected a whole number, got {shown(given)}"
    if kind in ("float_parsing", "float_type", "finite_number"):
        return f"expected a finite number, got {shown(given)}"
    if kind == "string_pattern_mismatch":
        what = _PATTERN_WORDS.get(ctx.get("pattern", ""), "text of another form")
        return f"expected {what}, got {shown(given)}"
    return f"{err['msg'].removeprefix('Value error, ')} (got {shown(given)})"


def resolve_policy(
    policy: ScenarioPolicy, *, peak_headroom_ratio: float, kv_budget_ratio: float
) -> tuple[float, float]:
    """The (peak_headroom_ratio, kv_budget_ratio) a scenario sizes with, given the request's."""
    headroom = (
        peak_headroom_ratio if policy.peak_headroom_ratio is None else policy.peak_headroom_ratio
    )
    budget = kv_budget_ratio if policy.kv_budget_ratio is None else policy.kv_budget_ratio
    if policy.follow_stricter_request:
        headroom = max(headroom, peak_headroom_ratio)
        budget = min(budget, kv_budget_ratio)
    return headroom, budget
