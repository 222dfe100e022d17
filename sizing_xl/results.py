"""What a sizing returns: per-scenario results with their throughput and cost, the deployment,
the engine check, the money context, and the alerts (alerts.py evaluates them); the bottom of the
core: the stages (capacity, throughput, costs, alerts) import these types, this imports none."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, is_dataclass
from typing import Literal

from sizing_xl.alert_texts import REASONS, TEXT
from sizing_xl.catalog import ApiPrice, CloudOffer, ModelSpec, ServerSpec, StorageProfile
from sizing_xl.i18n import SCENARIO_LABELS, SEVERITY_LABELS, Lang
from sizing_xl.methods.base import EngineMemory
from sizing_xl.records import field_values
from sizing_xl.request import HaMode, ScenarioName, SizingRequest

Severity = Literal["info", "warning", "critical"]
# the largest part of a decode step (step_time.step_parts)
Bound = Literal["weights", "kv", "compute", "communication", "overhead"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Alert:
    """One finding: a stable code, a severity, the scenario it concerns (if any), its figures."""

    code: str
    severity: Severity
    scenario: str | None = None
    params: dict[str, str] = field(default_factory=dict)

    def message(self, lang: Lang) -> str:
        params = dict(self.params)
        if self.scenario is not None:
            params["scenario"] = SCENARIO_LABELS[self.scenario][lang]
        for key in ("low", "high"):
            if key in params:
                params[key] = SCENARIO_LABELS[params[key]][lang]
        if "reason" in params:  # a reason worded in the message's language, from its figures
            params["why"] = REASONS[params["reason"]][lang].format(**params)
        return TEXT[self.code][lang].format(**params)

    def line(self, lang: Lang) -> str:
        """'ALERTA: ...' as the seed's reports print it."""
        return f"{SEVERITY_LABELS[self.severity][lang]}: {self.message(lang)}"


@dataclass(frozen=True, slots=True, kw_only=True)
class ScenarioThroughput:
    """What one scenario's nodes deliver at full load, and which limit set sessions per node."""

    sessions_per_replica: int  # the busiest replica's sessions at full load
    time_per_output_token_ms: float  # TPOT: a step plus the sessions' share of prefill
    step_ms: float  # one decode step
    tokens_per_second_per_session: float
    tokens_per_second_per_node: float
    full_load_tokens_per_second_per_node: float  # with memory's sessions, whatever the SLOs
    ttft_seconds: float | None  # None: the server has no FLOPS figure
    bound: Literal["memory", "throughput"]
    limit: Literal["tokens_per_second", "ttft"] | None  # the SLO that bound, if one did
    step_bound: Bound  # the largest part of a step
    memory_sessions_per_node: int  # what memory alone would hold
    weights_gib_read_per_step: float  # one replica, one decode step
    kv_gib_read_per_step: float
    weights_read_fraction: float  # 1 for dense models; MoE: experts one step touches
    weights_ms: float  # the parts of one step at full load
    kv_ms: float
    compute_ms: float
    communication_ms: float
    overhead_ms: float
    prefill_ms: float | None  # one request's prompt
    hbm_bandwidth_tbps_per_gpu: float
    memory_bandwidth_utilization: float
    context_fill: float
    prefill_tflops_per_gpu: float | None
    model_flops_utilization: float
    prompt_tokens: int
    output_tokens: int | None  # per request: its prefill is shared over these steps


@dataclass(frozen=True, slots=True, kw_only=True)
class ScenarioCost:
    """A scenario's money and power; None where a price is unknown."""

    nodes: int
    node_price_usd: float | None  # purchase + installation of one node
    capex_usd: float | None
    tco_monthly_usd: float | None
    depreciation_monthly_usd: float | None
    capital_monthly_usd: float | None
    maintenance_monthly_usd: float | None
    energy_monthly_usd: float
    facilities_monthly_usd: float
    cloud_offer: str | None
    cloud_monthly_usd: float | None
    node_power_kw: float | None
    power_estimated: bool  # from GPU TDP, not a published maximum draw
    power_kw: float | None  # the fleet
    cost_per_session_month_usd: float | None  # owned TCO over the nominal concurrency
    cloud_cost_per_session_month_usd: float | None
    usd_per_mtok_owned: float | None  # per million output tokens, at the given output rate
    usd_per_mtok_cloud: float | None
    api_offer: str | None = None  # the pay-per-token price held against the fleet
    api_monthly_usd: float | None = None  # the whole workload through the API
    usd_per_mtok_api: float | None = None  # per million output tokens, input tokens included
    break_even_owned: float | None = None  # utilisation above which owning beats the API
    break_even_cloud: float | None = None  # the same for renting (api.py)
    # per million output tokens with every node busy at its sized batch (the SLO's, where one
    # binds), as buyers compare offers at an interactivity; and with memory's full batch
    usd_per_mtok_capacity_owned: float | None = None
    usd_per_mtok_capacity_cloud: float | None = None
    usd_per_mtok_full_load_owned: float | None = None
    usd_per_mtok_full_load_cloud: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ScenarioResult:
    """One scenario's figures; GiB are binary. Under the seed method HBM is the vendor's GB
    converted; under an engine method it is what the driver reports, and kv_budget_ratio is the
    engine's memory fraction."""

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
    method: str = "seed"
    sessions_per_unit: int = 0  # what one node, or one multi-node replica, holds
    memory_sessions_per_unit: int = 0  # the same before any SLO
    sessions_per_replica: int = 0
    memory: EngineMemory | None = None
    throughput: ScenarioThroughput | None = None
    cost: ScenarioCost | None = None

    @property
    def memory_sessions_per_node(self) -> int:
        """Sessions per node memory alone allows, before any SLO."""
        if self.throughput is None:
            return self.sessions_per_node
        return self.throughput.memory_sessions_per_node

    @property
    def slo_limit(self) -> str | None:
        """The SLO ("ttft", "tokens_per_second") that leaves no session where memory holds some."""
        tp = self.throughput
        if tp is None or self.sessions_per_node or not self.memory_sessions_per_node:
            return None
        return tp.limit

    @property
    def feasible(self) -> bool:
        return self.nodes_final is not None


@dataclass(frozen=True, slots=True, kw_only=True)
class Scenario:
    name: ScenarioName
    results: ScenarioResult


@dataclass(frozen=True, slots=True, kw_only=True)
class WeightsInfo:
    """The checkpoint the engine methods load: its size, precision and where the size comes from."""

    gib: float
    precision: str | None
    basis: Literal["published", "params", "flag"]


@dataclass(frozen=True, slots=True, kw_only=True)
class DeploymentInfo:
    tensor_parallel: int
    pipeline_parallel: int
    gpus_per_replica: int
    replicas_per_node: int
    nodes_per_replica: int
    tensor_parallel_chosen: bool = False  # no TP given: the smallest the engine starts at
    weights: WeightsInfo | None
    weights_gib_per_node: float | None  # every replica's copy on one node


@dataclass(frozen=True, slots=True, kw_only=True)
class EngineCheck:
    """What vLLM would hold for the same request, beside the chosen method's answer."""

    method: str
    sessions_per_node: int
    sessions_per_replica: int
    ratio_to_method: float | None  # engine / chosen method, Recommended scenario
    nodes: dict[ScenarioName, int | None]
    memory: EngineMemory


@dataclass(frozen=True, slots=True, kw_only=True)
class FinanceInfo:
    """The money context of a sizing: currency and rate, prices and assumptions with dates."""

    currency: str
    usd_to_currency: float
    rate_as_of: str | None
    node_price_usd: float | None
    install_usd: float | None
    price_source: str | None
    price_as_of: str | None
    cloud_offer: CloudOffer | None
    api_offer: ApiPrice | None = None
    assumptions: dict[str, dict[str, object]]  # name -> value, unit, source, as_of


@dataclass(frozen=True, slots=True, kw_only=True)
class SizingResult:
    """A whole sizing: the request, the catalog entries it used, three scenarios, alerts."""

    method_version: str
    inputs: SizingRequest
    model: ModelSpec
    server: ServerSpec
    storage: StorageProfile
    deployment: DeploymentInfo
    scenarios: dict[ScenarioName, Scenario]
    engine_check: EngineCheck | None = None
    finance: FinanceInfo
    alerts: list[Alert]

    def scenario(self, name: ScenarioName) -> ScenarioResult:
        return self.scenarios[name].results


def plain(value: object) -> object:
    """The JSON-ready form of a result: dataclasses (results, catalog entries, the request) as
    dicts of their fields in declaration order (what pydantic's dump gives; a test
    holds the two equal), lists for tuples, the rest as is."""
    kind = type(value)
    if kind in _LEAVES:
        return value
    fields_of = _FIELDS.get(kind, _UNSEEN)
    if fields_of is _UNSEEN:
        fields_of = _FIELDS[kind] = _fields_of(kind)
    if fields_of is not None:
        names, values_of = fields_of
        # leaves, most of a document, are kept without a call
        return {
            name: v if type(v) in _LEAVES else plain(v)
            for name, v in zip(names, values_of(value), strict=True)
        }
    if isinstance(value, dict):
        return {key: v if type(v) in _LEAVES else plain(v) for key, v in value.items()}
    if isinstance(value, list | tuple):
        return [v if type(v) in _LEAVES else plain(v) for v in value]
    return value


_LEAVES = frozenset({str, int, float, bool, type(None)})
# A type's field names and values getter (records.field_values), or None for a type without
# fields (dict, list...): looked up once per type.
_FIELDS: dict[type, tuple[tuple[str, ...], Callable[[object], tuple]] | None] = {}
_UNSEEN = object()


def _fields_of(kind: type) -> tuple[tuple[str, ...], Callable[[object], tuple]] | None:
    return field_values(kind) if is_dataclass(kind) else None
