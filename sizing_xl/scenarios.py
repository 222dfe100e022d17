"""Sizing requests, the three scenario policies (as data) and the results they produce."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from sizing_xl import engine
from sizing_xl.alerts import Alert, evaluate_alerts
from sizing_xl.catalog import Catalog, ModelSpec, ServerSpec, StorageProfile, load_catalog
from sizing_xl.errors import InputError
from sizing_xl.units import KV_PRECISIONS, bytes_per_element, bytes_to_gib, gb_to_bytes

METHOD_VERSION = "2.0"  # the seed's method; results stay comparable with sizing.py v2.0

ScenarioName = Literal["minimum", "recommended", "ideal"]
SCENARIO_NAMES: tuple[ScenarioName, ...] = ("minimum", "recommended", "ideal")
HaMode = Literal["none", "n+1", "n+2"]
HA_SPARES: dict[str, int] = {"none": 0, "n+1": 1, "n+2": 2}
KvPrecision = Literal["fp8", "int8", "fp16", "bf16"]
assert set(KvPrecision.__args__) == set(KV_PRECISIONS)  # type: ignore[attr-defined]


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


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


class SizingRequest(_Frozen):
    """What a user asks: the seed's flags, with the seed's defaults."""

    model: str = Field(min_length=1)
    server: str = Field(min_length=1)
    storage: str = Field(default="profile_default", min_length=1)
    concurrency: int = Field(ge=1, le=100_000_000)
    effective_context: int = Field(ge=1, le=100_000_000)
    kv_precision: KvPrecision = "fp8"
    kv_budget_ratio: float = Field(default=0.70, gt=0, le=1)
    runtime_overhead_gib: float = Field(default=120.0, ge=0)
    peak_headroom_ratio: float = Field(default=0.20, ge=0, le=10)
    tensor_parallel: int = Field(default=1, ge=1, le=1024)
    policies: dict[ScenarioName, ScenarioPolicy] = Field(
        default_factory=lambda: dict(DEFAULT_POLICIES)
    )

    @field_validator("model", "server", "storage")
    @classmethod
    def _strip(cls, v: str) -> str:
        return v.strip()

    @field_validator("kv_precision", mode="before")
    @classmethod
    def _lower(cls, v: object) -> object:
        return v.strip().lower() if isinstance(v, str) else v


class ScenarioResult(_Frozen):
    """One scenario's figures; GiB are binary, HBM totals converted from the vendor's GB."""

    ha_mode: HaMode
    ha_spares: int
    peak_headroom_ratio: float
    kv_budget_ratio: float
    kv_per_session_bytes: int
    kv_per_session_gib: float
    kv_total_gib: float
    hbm_total_gib: float
    runtime_overhead_gib: float
    hbm_budget_gib: float
    sessions_per_node: int
    peak_sessions: float
    nodes_operational: int | None
    nodes_final: int | None
    capacity_after_failures_sessions: int | None

    @property
    def feasible(self) -> bool:
        return self.nodes_final is not None


class Scenario(_Frozen):
    name: ScenarioName
    results: ScenarioResult


class SizingResult(_Frozen):
    """A whole sizing: the request, the catalog entries it used, three scenarios, alerts."""

    method_version: str
    inputs: SizingRequest
    model: ModelSpec
    server: ServerSpec
    storage: StorageProfile
    scenarios: dict[ScenarioName, Scenario]
    alerts: list[Alert]

    def scenario(self, name: ScenarioName) -> ScenarioResult:
        return self.scenarios[name].results


def input_error(exc: ValidationError, prefix: str = "") -> InputError:
    """pydantic's report as one InputError naming the first field at fault."""
    err = exc.errors()[0]
    field = ".".join(str(p) for p in (prefix, *err["loc"]) if p != "") or "request"
    return InputError(field, _describe(err))


def make_request(**fields: object) -> SizingRequest:
    """Build a request; a bad value raises one InputError naming the field."""
    try:
        return SizingRequest.model_validate(fields)
    except ValidationError as exc:
        raise input_error(exc) from None


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
        return f"expected a number {bound} {limit}, got {given!r}"
    if kind == "literal_error":
        return f"expected one of {ctx.get('expected')}, got {given!r}"
    if kind in ("int_parsing", "int_from_float", "int_type"):
        return f"expected a whole number, got {given!r}"
    if kind in ("float_parsing", "float_type", "finite_number"):
        return f"expected a finite number, got {given!r}"
    return f"{err['msg']} (got {given!r})"


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


def size_scenario(
    policy: ScenarioPolicy,
    request: SizingRequest,
    model: ModelSpec,
    server: ServerSpec,
) -> ScenarioResult:
    headroom, budget_ratio = resolve_policy(
        policy,
        peak_headroom_ratio=request.peak_headroom_ratio,
        kv_budget_ratio=request.kv_budget_ratio,
    )
    kv_bytes = engine.kv_bytes_per_session(
        model,
        context_tokens=request.effective_context,
        bytes_per_element=bytes_per_element(request.kv_precision),
        tensor_parallel=request.tensor_parallel,
    )
    hbm_bytes = gb_to_bytes(server.hbm_total_gb)
    budget = engine.hbm_budget_bytes(
        hbm_total_bytes=hbm_bytes,
        runtime_overhead_gib=request.runtime_overhead_gib,
        kv_budget_ratio=budget_ratio,
    )
    per_node = engine.sessions_per_node(hbm_budget_bytes=budget, kv_bytes_per_session=kv_bytes)
    peak = engine.peak_sessions(concurrency=request.concurrency, peak_headroom_ratio=headroom)
    operational = engine.nodes_operational(peak_sessions=peak, sessions_per_node=per_node)
    spares = HA_SPARES[policy.ha_mode]
    after = (
        None
        if operational is None
        else engine.capacity_after_failures(
            nodes_operational=operational, sessions_per_node=per_node
        )
    )
    return ScenarioResult(
        ha_mode=policy.ha_mode,
        ha_spares=spares,
        peak_headroom_ratio=headroom,
        kv_budget_ratio=budget_ratio,
        kv_per_session_bytes=kv_bytes,
        kv_per_session_gib=bytes_to_gib(kv_bytes),
        kv_total_gib=bytes_to_gib(kv_bytes * request.concurrency),
        hbm_total_gib=bytes_to_gib(hbm_bytes),
        runtime_overhead_gib=request.runtime_overhead_gib,
        hbm_budget_gib=bytes_to_gib(budget),
        sessions_per_node=per_node,
        peak_sessions=peak,
        nodes_operational=operational,
        nodes_final=None if operational is None else operational + spares,
        capacity_after_failures_sessions=after,
    )


def size(request: SizingRequest, catalog: Catalog | None = None) -> SizingResult:
    """Size a request on the catalogs: three scenarios and the alerts they raise."""
    catalog = catalog or load_catalog()
    model = catalog.model(request.model)
    server = catalog.server(request.server)
    storage = catalog.storage_profile(request.storage)
    scenarios = {
        name: Scenario(
            name=name, results=size_scenario(request.policies[name], request, model, server)
        )
        for name in SCENARIO_NAMES
    }
    alerts = evaluate_alerts(request, model, storage, scenarios)
    return SizingResult(
        method_version=METHOD_VERSION,
        inputs=request,
        model=model,
        server=server,
        storage=storage,
        scenarios=scenarios,
        alerts=alerts,
    )
