"""What a user asks: the request (the seed's flags, the deployment, engine knobs) and its policies."""

from __future__ import annotations

import typing
from dataclasses import field
from functools import cache
from typing import Annotated, Literal

from sizing_xl.catalog import AS_OF_PATTERN
from sizing_xl.errors import InputError, nearest, shown
from sizing_xl.records import (
    REFUSED,
    Limit,
    Normalize,
    RecordError,
    build,
    field_names,
    field_specs,
    record,
    validate,
)
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


@record(finite=True)
class ScenarioPolicy:
    """How one scenario turns the request into a sizing.

    A ratio left as None follows the request's flag. With follow_stricter_request, the
    scenario never takes less headroom or more budget than the request asks for, so that
    Ideal stays at least as conservative as Recommended whatever the flags say.
    """

    ha_mode: HaMode
    peak_headroom_ratio: Annotated[float, Limit(ge=0, le=10)] | None = None
    kv_budget_ratio: Annotated[float, Limit(gt=0, le=1)] | None = None
    follow_stricter_request: bool = False


# the seed's own constants (tests/test_cli.py validates them)
DEFAULT_POLICIES: dict[ScenarioName, ScenarioPolicy] = {
    "minimum": ScenarioPolicy(ha_mode="none", peak_headroom_ratio=0.0),
    "recommended": ScenarioPolicy(ha_mode="n+1"),
    "ideal": ScenarioPolicy(
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


def _lower(v: object) -> object:
    return v.strip().lower() if isinstance(v, str) else v


def _upper(v: object) -> object:
    return v.strip().upper() if isinstance(v, str) else v


@record(finite=True)
class SizingRequest:
    """What a user asks: the seed's flags with the seed's defaults, the method and deployment,
    and engine knobs (None: the model's or the engine's default, catalogs/engines.json)."""

    model: Annotated[str, Limit(min_length=1)]
    server: Annotated[str, Limit(min_length=1)]
    storage: Annotated[str, Limit(min_length=1)] = "profile_default"
    concurrency: Annotated[int, Limit(ge=1, le=100_000_000)]
    effective_context: Annotated[int, Limit(ge=1, le=100_000_000)]
    kv_precision: Annotated[KvPrecision, Normalize(_lower)] = "fp8"
    kv_budget_ratio: Annotated[float, Limit(gt=0, le=1)] = 0.70
    runtime_overhead_gib: Annotated[float, Limit(ge=0, le=1_000_000)] = 120.0
    peak_headroom_ratio: Annotated[float, Limit(ge=0, le=10)] = 0.20
    # None: the smallest power of two at which the engine starts the model (capacity.py)
    tensor_parallel: Annotated[int, Limit(ge=1, le=1024)] | None = None
    policies: dict[ScenarioName, ScenarioPolicy] = field(
        default_factory=lambda: dict(DEFAULT_POLICIES)
    )
    method: Annotated[MethodName, Normalize(_lower)] = "seed"
    pipeline_parallel: Annotated[int, Limit(ge=1, le=1024)] = 1
    weights_precision: Annotated[DerivedPrecision | None, Normalize(_lower)] = None
    weights_gib: Annotated[float, Limit(gt=0, le=1_000_000)] | None = None
    usable_gib_per_gpu: Annotated[float, Limit(gt=0, le=100_000)] | None = None
    gpu_memory_utilization: Annotated[float, Limit(gt=0, le=1)] | None = None
    non_weight_overhead_gib: Annotated[float, Limit(ge=0, le=100_000)] | None = None
    block_size: Annotated[int, Limit(ge=1, le=4096)] | None = None
    max_num_seqs: Annotated[int, Limit(ge=1, le=10_000_000)] | None = None
    mem_fraction_static: Annotated[float, Limit(gt=0, le=1)] | None = None
    swa_full_tokens_ratio: Annotated[float, Limit(gt=0, le=100)] | None = None
    # The throughput check and its SLOs (opt-in: without them the figures are only reported).
    context_fill: Annotated[float, Limit(gt=0, le=1)] = 1.0
    memory_bandwidth_utilization: Annotated[float, Limit(gt=0, le=1)] | None = None
    model_flops_utilization: Annotated[float, Limit(gt=0, le=1)] | None = None
    prompt_tokens: Annotated[int, Limit(ge=1, le=100_000_000)] | None = None
    output_tokens: Annotated[int, Limit(ge=1, le=10_000_000)] | None = None  # answer per request
    # SLOs below a thousandth of a token per second or of a second are typos, not targets
    min_tokens_per_second: Annotated[float, Limit(ge=0.001, le=1_000_000)] | None = None
    max_ttft_seconds: Annotated[float, Limit(ge=0.001, le=1_000_000)] | None = None
    # Money: catalog prices and finance.json's assumptions, overridable here.
    node_price_usd: Annotated[float, Limit(ge=0, le=1e12)] | None = None
    usd_per_kwh: Annotated[float, Limit(ge=0, le=100)] | None = None
    pue: Annotated[float, Limit(ge=1, le=10)] | None = None
    cloud_offer: Annotated[str, Limit(min_length=1)] | None = None
    output_tokens_per_session_per_hour: Annotated[float, Limit(ge=0, le=1e9)] | None = None
    input_tokens_per_session_per_hour: Annotated[float, Limit(ge=0, le=1e9)] | None = None
    api_offer: Annotated[str, Limit(min_length=1)] | None = None
    # below one token per session-hour, a cost per 1M tokens runs to hundreds of digits
    currency: Annotated[str, Limit(pattern=CURRENCY_PATTERN), Normalize(_upper)] = "USD"
    usd_to_currency: Annotated[float, Limit(gt=0, le=1e9)] | None = None
    rate_as_of: Annotated[str, Limit(pattern=AS_OF_PATTERN)] | None = None

    def __post_init__(self) -> None:
        for name in ("model", "server", "storage"):
            object.__setattr__(self, name, getattr(self, name).strip())
        rate = self.output_tokens_per_session_per_hour
        if rate is not None and 0 < rate < 1:
            raise ValueError(
                "output_tokens_per_session_per_hour: expected 0 (no output rate) or at least 1 "
                f"token per session-hour (got {shown(rate)})"
            )
        if self.currency != "USD" and self.usd_to_currency is None:
            raise ValueError(f"usd_to_currency: currency {self.currency} needs the rate from USD")
        if self.currency == "USD" and self.usd_to_currency not in (None, 1):
            # a converted amount printed with "$" would pass for dollars
            raise ValueError(
                f"currency: a rate of {self.usd_to_currency:g} per USD needs the currency it "
                "converts to (such as BRL)"
            )


def input_error(exc: RecordError, prefix: str = "") -> InputError:
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
        return build(SizingRequest, fields)
    except RecordError as exc:
        raise input_error(exc) from None


def check_field(name: str, value: object) -> object:
    """One request field checked alone, with the request's own limits and words.

    The functions that need no whole request (KV per session, the HBM budget) use it, so every
    face refuses the same values with the same line.
    """
    plain = field_specs(SizingRequest)[name].check(value)
    if plain is not REFUSED:
        return plain
    try:
        return validate(_field_types()[name], value)
    except RecordError as exc:
        raise input_error(exc, prefix=name) from None


@cache
def _field_types() -> dict[str, object]:
    """Each request field's annotation, limits included."""
    return typing.get_type_hints(SizingRequest, include_extras=True)


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
    if kind in ("unexpected_keyword_argument", "extra_forbidden"):  # records, models
        if len(err["loc"]) > 1:  # inside a policy
            return "not a field there"
        near = nearest(str(err["loc"][0]), field_names(SizingRequest))
        return "not a request field" + (f"; did you mean {near}?" if near else "")
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
