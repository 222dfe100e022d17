"""Excel user-defined functions (xlwings): SIZING_* formulas over the engine, safe for any cell.

Each function takes what Excel passes (numbers as floats, blanks as None, booleans, text with
stray spaces, single cells or ranges) and returns a number, a table or text. A bad argument
returns one readable line in the cell, "ERROR: <argument>: <what was expected>"; nothing raises
into Excel. Optional `models` / `servers` arguments take the workbook's own catalog ranges
(header row first): their rows add to, or replace, the packaged and user catalogs.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

try:
    from xlwings import arg, func, ret
except ImportError as exc:  # pragma: no cover - the UDFs are the Excel face, xlwings is its extra
    raise ImportError("sizing_xl.udfs needs xlwings: pip install 'sizing_xl[excel]'") from exc

from sizing_xl import __version__
from sizing_xl.catalog import (
    Catalog,
    ModelSpec,
    ServerSpec,
    catalog_dirs_from_env,
    load_catalog,
    overlay,
)
from sizing_xl.config_import import model_from_config
from sizing_xl.engine import hbm_budget_bytes, kv_bytes_per_session
from sizing_xl.errors import InputError, SizingError, one_line, shown
from sizing_xl.excel.arguments import (
    as_choice,
    as_float,
    as_int,
    as_options,
    as_table,
    as_text,
)
from sizing_xl.excel.columns import MODEL_COLUMNS
from sizing_xl.i18n import LANGS, SCENARIO_LABELS, Lang
from sizing_xl.methods import METHOD_NAMES
from sizing_xl.reports.text import field_label
from sizing_xl.request import check_field
from sizing_xl.scenarios import (
    DEFAULT_POLICIES,
    METHOD_VERSION,
    SCENARIO_NAMES,
    ScenarioResult,
    SizingRequest,
    SizingResult,
    make_request,
    resolve_policy,
    size,
)
from sizing_xl.strict_json import JsonFault, parse_json_bytes
from sizing_xl.units import KV_PRECISIONS, bytes_per_element, bytes_to_gib, gb_to_bytes

CATEGORY = "sizing_xl"
_F = TypeVar("_F", bound=Callable[..., Any])

# Request fields the functions take as arguments; every other one may come in `options`.
ARGUMENT_FIELDS = frozenset(
    {
        "model",
        "server",
        "storage",
        "concurrency",
        "effective_context",
        "kv_precision",
        "kv_budget_ratio",
        "runtime_overhead_gib",
        "peak_headroom_ratio",
        "tensor_parallel",
        "method",
        "pipeline_parallel",
        "gpu_memory_utilization",
        "policies",
    }
)
OPTION_FIELDS = tuple(sorted(set(SizingRequest.model_fields) - ARGUMENT_FIELDS))

_SCENARIOS = {
    **{name: name for name in SCENARIO_NAMES},
    **{label.lower(): name for name in SCENARIO_NAMES for label in SCENARIO_LABELS[name].values()},
    "min": "minimum",
    "rec": "recommended",
    "mínimo": "minimum",
    "minimo": "minimum",
}
_PRECISIONS = {p: p for p in KV_PRECISIONS}
_METHODS = {m: m for m in METHOD_NAMES}
_LANGS = {lang.lower(): lang for lang in LANGS} | {"pt": "pt-BR", "english": "en"}

# Argument help, shown by Excel's Insert Function dialog (255 characters at most).
DOCS = {
    "model": 'Model name, e.g. "opt-oss-120b" (packaged catalog, user catalog or a row of '
    "the models range).",
    "server": 'Server name, e.g. "dgx300" (packaged catalog, user catalog or a row of the '
    "servers range).",
    "storage": 'Storage profile name (default "profile_default").',
    "concurrency": "Simultaneous sessions to serve, a whole number >= 1.",
    "effective_context": "Tokens of context each session really uses, a whole number >= 1.",
    "scenario": '"minimum", "recommended" (default) or "ideal"; pt-BR names work too.',
    "kv_precision": "KV cache precision: fp8 (default), int8, fp16 or bf16.",
    "kv_budget_ratio": "Fraction of HBM left for KV after overhead, in (0, 1]; default 0.70. "
    "Ideal uses at most 0.65.",
    "runtime_overhead_gib": "GiB per node for weights, activations and buffers; default 120.",
    "peak_headroom_ratio": "Peak headroom of the Recommended scenario, >= 0; default 0.20. Ideal "
    "uses at least 0.30, Minimum 0.",
    "tensor_parallel": "GPUs one model replica spans; KV heads fewer than this and MLA latents "
    "are held once per GPU. Default 1.",
    "models": "Optional: the workbook's Models range, header row first; its rows add to or "
    "replace catalog models.",
    "servers": "Optional: the workbook's Servers range, header row first; its rows add to or "
    "replace catalog servers.",
    "field": 'A column name of the catalog, e.g. "num_layers" or "hbm_per_gpu_gb".',
    "result_field": 'A field of the scenario result, e.g. "hbm_budget_gib", "kv_per_session_gib" '
    'or "memory.blocks_per_gpu" (the names SIZING_SCENARIO lists).',
    "kind": '"models", "servers" or "storage".',
    "method": '"seed" (default: sizing.py v2.0), "vllm" or "sglang" (those engines\' memory rules).',
    "pipeline_parallel": "Pipeline stages per replica; a replica spans TP x PP GPUs. Default 1.",
    "gpu_memory_utilization": "vllm method: fraction of GPU memory for weights, activations and "
    "KV, in (0, 1]; default 0.92.",
    "options": "Optional: a 2-column range of (option, value) rows, e.g. node_price_usd, "
    "cloud_offer, min_tokens_per_second, output_tokens_per_session_per_hour, currency.",
    "basis": '"owned" (default: the TCO of bought nodes) or "cloud" (the cloud offer).',
    "config_json": "The text of a model's config.json, pasted into one cell.",
    "name": "Optional: the catalog name (default: the config's model name).",
    "lang": '"pt-BR" (default) or "en".',
}
assert all(len(doc) <= 255 for doc in DOCS.values())


def excel_safe(f: _F) -> _F:
    """Turn every failure into one line of text in the cell instead of an exception in Excel."""

    @functools.wraps(f)  # xlwings reads the argument names through __wrapped__
    def guarded(*args: object, **kwargs: object) -> object:
        try:
            return f(*args, **kwargs)
        except SizingError as exc:
            return one_line(f"ERROR: {exc}")
        except Exception as exc:  # never let Excel see a traceback
            return one_line(f"ERROR: {f.__name__}: unexpected {type(exc).__name__}: {exc}")

    return guarded  # type: ignore[return-value]


def _udf(*arg_names: str, doc_returns: str | None = None) -> Callable[[_F], _F]:
    """xlwings' func/arg decorators with this module's help texts, around excel_safe."""

    def decorate(f: _F) -> _F:
        assert f.__doc__ and len(f.__doc__) <= 255, f.__name__
        wrapped = excel_safe(f)
        for name in reversed(arg_names):
            wrapped = arg(name, doc=DOCS[name])(wrapped)
        if doc_returns == "table":
            wrapped = ret(expand="table")(wrapped)
        return func(category=CATEGORY)(wrapped)

    return decorate


def _catalog(models: object = None, servers: object = None) -> Catalog:
    """The catalogs with the workbook's rows on top; each distinct range content parsed once.

    Every UDF cell passes the same Models and Servers ranges, mostly blank rows: blank rows are
    dropped first (a C-speed count), and the rest keys a cache, so a recalculation of many
    cells validates the rows once instead of once per cell.
    """
    return _keyed_catalog(models, servers)[0]


def _keyed_catalog(models: object, servers: object) -> tuple[Catalog, tuple | None]:
    """The catalog and a hashable key of what made it (None: not cacheable)."""
    dirs = catalog_dirs_from_env()
    keys = (range_key(models), range_key(servers))
    if None in keys:  # a shape the key cannot hold: parse without the cache
        return _overlaid(dirs, models, servers), None
    return _overlaid_cached(dirs, *keys), (dirs, *keys)


def range_key(value: object) -> tuple | None:
    """A hashable copy of a range without its blank rows (() for no range); None if unhashable."""
    if value is None:
        return ()
    if not isinstance(value, list | tuple) or not value or not isinstance(value[0], list | tuple):
        return None
    try:
        width = len(value[0])
        blanks = ([None] * width, (None,) * width)  # list == is C-speed; 500 rows in ~20 µs
        rows = tuple(map(tuple, [r for r in value if r not in blanks]))
        hash(rows)
    except TypeError:
        return None
    return rows


@functools.lru_cache(maxsize=32)
def _overlaid_cached(dirs: tuple[str, ...], models: tuple, servers: tuple) -> Catalog:
    return _overlaid(dirs, models or None, servers or None)


def _overlaid(dirs: tuple[str, ...], models: object, servers: object) -> Catalog:
    catalog = load_catalog(dirs)
    catalog = overlay(
        catalog, "models", as_table(models, "models", ModelSpec), "workbook Models sheet"
    )
    return overlay(
        catalog, "servers", as_table(servers, "servers", ServerSpec), "workbook Servers sheet"
    )


def _sizing(
    model,
    server,
    concurrency,
    effective_context,
    kv_precision,
    kv_budget_ratio,
    runtime_overhead_gib,
    peak_headroom_ratio,
    tensor_parallel,
    models,
    servers,
    storage=None,
    method=None,
    pipeline_parallel=None,
    gpu_memory_utilization=None,
    options=None,
) -> SizingResult:
    utilization = as_float(gpu_memory_utilization, "gpu_memory_utilization", 0.0)
    extra = as_options(options, "options", OPTION_FIELDS)
    request = make_request(
        **extra,
        model=as_text(model, "model"),
        server=as_text(server, "server"),
        storage=as_text(storage, "storage", "profile_default"),
        concurrency=as_int(concurrency, "concurrency"),
        effective_context=as_int(effective_context, "effective_context"),
        kv_precision=as_choice(kv_precision, "kv_precision", _PRECISIONS, "fp8"),
        kv_budget_ratio=as_float(kv_budget_ratio, "kv_budget_ratio", 0.70),
        runtime_overhead_gib=as_float(runtime_overhead_gib, "runtime_overhead_gib", 120.0),
        peak_headroom_ratio=as_float(peak_headroom_ratio, "peak_headroom_ratio", 0.20),
        tensor_parallel=as_int(tensor_parallel, "tensor_parallel", 1),
        method=as_choice(method, "method", _METHODS, "seed"),
        pipeline_parallel=as_int(pipeline_parallel, "pipeline_parallel", 1),
        gpu_memory_utilization=utilization or None,  # blank: the engine's default
    )
    catalog, key = _keyed_catalog(models, servers)
    _within_model_context(catalog.model(request.model), request.effective_context)
    if key is None:
        return size(request, catalog)
    # The cells of one recalculation mostly ask the same request for other fields or scenarios:
    # size it once. Results are frozen, so sharing one is safe.
    cache_key = (key, request.model_dump_json())
    result = _RESULTS.pop(cache_key, None) or size(request, catalog)
    _RESULTS[cache_key] = result  # most recent last
    while len(_RESULTS) > _RESULTS_KEPT:
        _RESULTS.pop(next(iter(_RESULTS)))
    return result


_RESULTS: dict[tuple, SizingResult] = {}
_RESULTS_KEPT = 64


def _scenario(result: SizingResult, scenario: object) -> ScenarioResult:
    return result.scenario(as_choice(scenario, "scenario", _SCENARIOS, "recommended"))  # type: ignore[arg-type]


def _infeasible(r: ScenarioResult) -> str:
    return (
        f"INFEASIBLE: not one session fits a node ({r.kv_per_session_gib:.2f} GiB per "
        f"session, {r.hbm_budget_gib:.1f} GiB budget)"
    )


_SIZING_ARGS = (
    "model",
    "server",
    "concurrency",
    "effective_context",
    "scenario",
    "kv_precision",
    "kv_budget_ratio",
    "runtime_overhead_gib",
    "peak_headroom_ratio",
    "tensor_parallel",
    "models",
    "servers",
    "method",
    "pipeline_parallel",
    "gpu_memory_utilization",
    "options",
)


@_udf("model", "effective_context", "kv_precision", "tensor_parallel", "models")
def SIZING_KV_PER_SESSION_GIB(
    model, effective_context, kv_precision=None, tensor_parallel=None, models=None
):
    """KV cache one session holds, in GiB: 2 x (full layers x context + sliding layers x window) x KV heads x head_dim x bytes (MLA: one latent per layer)."""
    spec = _catalog(models).model(as_text(model, "model"))
    context = check_field("effective_context", as_int(effective_context, "effective_context"))
    _within_model_context(spec, context)
    kv = kv_bytes_per_session(
        spec,
        context_tokens=context,
        bytes_per_element=bytes_per_element(
            as_choice(kv_precision, "kv_precision", _PRECISIONS, "fp8")
        ),
        tensor_parallel=check_field(
            "tensor_parallel", as_int(tensor_parallel, "tensor_parallel", 1)
        ),
    )
    return bytes_to_gib(kv)


def _within_model_context(spec: ModelSpec, context: int) -> None:
    """A context past the model's maximum is an error in every cell, as it is critical in the CLI."""
    if spec.above_max_context(context):
        raise InputError(
            "effective_context",
            f"{context:,} tokens is above {spec.name}'s maximum context of {spec.max_context:,}",
        )


@_udf("model", "concurrency", "effective_context", "kv_precision", "tensor_parallel", "models")
def SIZING_KV_TOTAL_GIB(
    model, concurrency, effective_context, kv_precision=None, tensor_parallel=None, models=None
):
    """KV cache all concurrent sessions hold together, in GiB (KV per session x concurrency)."""
    sessions = check_field("concurrency", as_int(concurrency, "concurrency"))
    per_session = SIZING_KV_PER_SESSION_GIB.__wrapped__(
        model, effective_context, kv_precision, tensor_parallel, models
    )
    return per_session * sessions


@_udf("server", "scenario", "kv_budget_ratio", "runtime_overhead_gib", "servers")
def SIZING_HBM_BUDGET_GIB(
    server, scenario=None, kv_budget_ratio=None, runtime_overhead_gib=None, servers=None
):
    """HBM per node left for KV cache, in GiB: (HBM - runtime overhead) x budget ratio of the scenario."""
    spec = _catalog(None, servers).server(as_text(server, "server"))
    name = as_choice(scenario, "scenario", _SCENARIOS, "recommended")
    _, ratio = resolve_policy(
        DEFAULT_POLICIES[name],
        peak_headroom_ratio=0.0,
        kv_budget_ratio=check_field(
            "kv_budget_ratio", as_float(kv_budget_ratio, "kv_budget_ratio", 0.70)
        ),
    )
    budget = hbm_budget_bytes(
        hbm_total_bytes=gb_to_bytes(spec.hbm_total_gb),
        runtime_overhead_gib=check_field(
            "runtime_overhead_gib", as_float(runtime_overhead_gib, "runtime_overhead_gib", 120.0)
        ),
        kv_budget_ratio=ratio,
    )
    return bytes_to_gib(budget)


@_udf(
    "model",
    "server",
    "effective_context",
    "scenario",
    "kv_precision",
    "kv_budget_ratio",
    "runtime_overhead_gib",
    "tensor_parallel",
    "models",
    "servers",
    "method",
    "pipeline_parallel",
    "gpu_memory_utilization",
    "options",
)
def SIZING_SESSIONS_PER_NODE(
    model,
    server,
    effective_context,
    scenario=None,
    kv_precision=None,
    kv_budget_ratio=None,
    runtime_overhead_gib=None,
    tensor_parallel=None,
    models=None,
    servers=None,
    method=None,
    pipeline_parallel=None,
    gpu_memory_utilization=None,
    options=None,
):
    """Sessions one node holds under the method: floor(HBM budget / KV per session) for the seed, the engine's block arithmetic for vllm/sglang. 0: not one fits."""
    result = _sizing(
        model,
        server,
        1,
        effective_context,
        kv_precision,
        kv_budget_ratio,
        runtime_overhead_gib,
        None,
        tensor_parallel,
        models,
        servers,
        None,
        method,
        pipeline_parallel,
        gpu_memory_utilization,
        options,
    )
    return _scenario(result, scenario).sessions_per_node


def _scenario_udf(
    name: str,
    doc: str,
    pick: Callable[[SizingResult, ScenarioResult], object],
    *,
    table: bool = False,
) -> Callable[..., object]:
    """A UDF that sizes the request and returns pick(the result, one scenario's result).

    The signature is spelled out, not *args: Excel's Insert Function dialog shows these names.
    """

    def udf(
        model,
        server,
        concurrency,
        effective_context,
        scenario=None,
        kv_precision=None,
        kv_budget_ratio=None,
        runtime_overhead_gib=None,
        peak_headroom_ratio=None,
        tensor_parallel=None,
        models=None,
        servers=None,
        method=None,
        pipeline_parallel=None,
        gpu_memory_utilization=None,
        options=None,
    ):
        result = _sizing(
            model,
            server,
            concurrency,
            effective_context,
            kv_precision,
            kv_budget_ratio,
            runtime_overhead_gib,
            peak_headroom_ratio,
            tensor_parallel,
            models,
            servers,
            None,
            method,
            pipeline_parallel,
            gpu_memory_utilization,
            options,
        )
        return pick(result, _scenario(result, scenario))

    udf.__name__ = udf.__qualname__ = name
    udf.__doc__ = doc
    return _udf(*_SIZING_ARGS, doc_returns="table" if table else None)(udf)


def scenario_rows(fields: dict, prefix: str = "") -> list[list[object]]:
    """(field, value) rows; a nested engine breakdown becomes memory.block_size, ... rows."""
    rows: list[list[object]] = []
    for key, value in fields.items():
        if isinstance(value, dict):
            rows += scenario_rows(value, f"{prefix}{key}.")
        else:
            rows.append([prefix + key, "" if value is None else value])
    return rows


def _count(r: ScenarioResult, value: int | None) -> int | str:
    return _infeasible(r) if value is None else value


SIZING_NODES_FINAL = _scenario_udf(
    "SIZING_NODES_FINAL",
    "Nodes to provision in a scenario: ceil(concurrency x (1 + headroom) / sessions per node) "
    "+ HA spares.",
    lambda _, r: _count(r, r.nodes_final),
)
SIZING_CAPACITY_AFTER_FAILURES = _scenario_udf(
    "SIZING_CAPACITY_AFTER_FAILURES",
    "Sessions the scenario still serves after losing its HA spare nodes.",
    lambda _, r: _count(r, r.capacity_after_failures_sessions),
)
SIZING_SCENARIO = _scenario_udf(
    "SIZING_SCENARIO",
    "A scenario's full result as a two-column table (field, value), labelled as the text "
    "report labels them: KV, budget, sessions per node, nodes, HA, headroom.",
    lambda _, r: [[field_label(key), value] for key, value in scenario_rows(r.model_dump())],
    table=True,
)


def _money(result: SizingResult, r: ScenarioResult, field: str) -> float | str:
    """A cost figure in the request's currency, or one line saying why there is none."""
    if r.cost is None:
        return _infeasible(r)
    usd = getattr(r.cost, field)
    if usd is None:
        need = {
            "cloud_monthly_usd": "no cloud offer for this node: give cloud_offer in options",
            "usd_per_mtok_cloud": "give output_tokens_per_session_per_hour in options",
            "usd_per_mtok_owned": "give output_tokens_per_session_per_hour (and, without a "
            "catalog price, node_price_usd) in options",
        }.get(field, f"{result.server.name} has no public price: give node_price_usd in options")
        return f"NO FIGURE: {need}"
    return usd * result.finance.usd_to_currency


def _throughput(r: ScenarioResult, field: str) -> float | str:
    if r.throughput is None or getattr(r.throughput, field) is None:
        return "NO FIGURE: the server lacks a bandwidth or FLOPS figure, or the model its weights"
    return getattr(r.throughput, field)


SIZING_CAPEX = _scenario_udf(
    "SIZING_CAPEX",
    "Purchase and installation of the scenario's nodes, in the currency of options (USD by "
    "default): nodes x (node price + installation).",
    lambda res, r: _money(res, r, "capex_usd"),
)
SIZING_TCO_MONTHLY = _scenario_udf(
    "SIZING_TCO_MONTHLY",
    "Monthly cost of owning the scenario's nodes: depreciation, capital, maintenance, energy "
    "(kW x hours x PUE x $/kWh) and facilities.",
    lambda res, r: _money(res, r, "tco_monthly_usd"),
)
SIZING_CLOUD_MONTHLY = _scenario_udf(
    "SIZING_CLOUD_MONTHLY",
    "Monthly cost of the scenario's nodes as cloud instances: $/hour x 730 x nodes (the "
    "cheapest on-demand offer of the node, or cloud_offer in options).",
    lambda res, r: _money(res, r, "cloud_monthly_usd"),
)
SIZING_TOKENS_PER_SECOND = _scenario_udf(
    "SIZING_TOKENS_PER_SECOND",
    "Decode tokens per second each session gets with the node full (bandwidth roofline: "
    "weights + KV read per step over HBM bandwidth x MBU).",
    lambda _, r: _throughput(r, "tokens_per_second_per_session"),
)
SIZING_TTFT_SECONDS = _scenario_udf(
    "SIZING_TTFT_SECONDS",
    "Time to first token of one prompt (effective context, or prompt_tokens in options): "
    "prefill FLOPs over the replica's GPUs x dense FLOPS x MFU.",
    lambda _, r: _throughput(r, "ttft_seconds"),
)


@_udf("basis", *_SIZING_ARGS)
def SIZING_COST_PER_MTOK(
    basis,
    model,
    server,
    concurrency,
    effective_context,
    scenario=None,
    kv_precision=None,
    kv_budget_ratio=None,
    runtime_overhead_gib=None,
    peak_headroom_ratio=None,
    tensor_parallel=None,
    models=None,
    servers=None,
    method=None,
    pipeline_parallel=None,
    gpu_memory_utilization=None,
    options=None,
):
    """Cost per million output tokens, owned or cloud: monthly cost / (concurrency x output tokens per session-hour x 730) x 1e6; needs output_tokens_per_session_per_hour in options."""
    kind = as_choice(basis, "basis", {"owned": "owned", "cloud": "cloud"}, "owned")
    result = _sizing(
        model,
        server,
        concurrency,
        effective_context,
        kv_precision,
        kv_budget_ratio,
        runtime_overhead_gib,
        peak_headroom_ratio,
        tensor_parallel,
        models,
        servers,
        None,
        method,
        pipeline_parallel,
        gpu_memory_utilization,
        options,
    )
    return _money(result, _scenario(result, scenario), f"usd_per_mtok_{kind}")


@_udf("result_field", *_SIZING_ARGS)
def SIZING_RESULT(
    result_field,
    model,
    server,
    concurrency,
    effective_context,
    scenario=None,
    kv_precision=None,
    kv_budget_ratio=None,
    runtime_overhead_gib=None,
    peak_headroom_ratio=None,
    tensor_parallel=None,
    models=None,
    servers=None,
    method=None,
    pipeline_parallel=None,
    gpu_memory_utilization=None,
    options=None,
):
    """One value of a scenario's result under the chosen method, by the name SIZING_SCENARIO lists, e.g. "hbm_budget_gib" or "memory.blocks_per_gpu"."""
    rows = SIZING_SCENARIO.__wrapped__(
        model,
        server,
        concurrency,
        effective_context,
        scenario,
        kv_precision,
        kv_budget_ratio,
        runtime_overhead_gib,
        peak_headroom_ratio,
        tensor_parallel,
        models,
        servers,
        method,
        pipeline_parallel,
        gpu_memory_utilization,
        options,
    )
    values = {_field_key(label): value for label, value in rows}
    name = as_text(result_field, "result_field")
    if _field_key(name) not in values:
        known = ", ".join(values)
        raise InputError("result_field", f"unknown field {shown(name)}; known: {known}")
    return values[_field_key(name)]


def _field_key(name: str) -> str:
    """'Kv Per Session Gib' (SIZING_SCENARIO's label) or 'kv_per_session_gib': one key."""
    return "_".join(name.strip().lower().split())


@_udf(
    "model",
    "server",
    "concurrency",
    "effective_context",
    "kv_precision",
    "kv_budget_ratio",
    "runtime_overhead_gib",
    "peak_headroom_ratio",
    "tensor_parallel",
    "storage",
    "lang",
    "models",
    "servers",
    "method",
    "pipeline_parallel",
    "gpu_memory_utilization",
    "options",
)
def SIZING_ALERTS(
    model,
    server,
    concurrency,
    effective_context,
    kv_precision=None,
    kv_budget_ratio=None,
    runtime_overhead_gib=None,
    peak_headroom_ratio=None,
    tensor_parallel=None,
    storage=None,
    lang=None,
    models=None,
    servers=None,
    method=None,
    pipeline_parallel=None,
    gpu_memory_utilization=None,
    options=None,
):
    """The sizing's alerts as text, one per line, most severe first ("" when there are none)."""
    language: Lang = as_choice(lang, "lang", _LANGS, "pt-BR")  # type: ignore[assignment]
    result = _sizing(
        model,
        server,
        concurrency,
        effective_context,
        kv_precision,
        kv_budget_ratio,
        runtime_overhead_gib,
        peak_headroom_ratio,
        tensor_parallel,
        models,
        servers,
        storage,
        method,
        pipeline_parallel,
        gpu_memory_utilization,
        options,
    )
    return "\n".join(f"[{a.code}] {a.line(language)}" for a in result.alerts)


def entry_value(entry: object, field: object) -> object:
    name = as_text(field, "field")
    if name not in type(entry).model_fields and not isinstance(
        getattr(type(entry), name, None), property
    ):
        known = ", ".join(type(entry).model_fields)
        raise InputError("field", f"unknown field {shown(name)}; known: {known}")
    value = getattr(entry, name)
    return "" if value is None else value


@_udf("model", "field", "models")
def SIZING_MODEL(model, field, models=None):
    """A catalog value of a model by name, e.g. SIZING_MODEL("gemma-3-27b", "num_sliding_layers")."""
    return entry_value(_catalog(models).model(as_text(model, "model")), field)


@_udf("server", "field", "servers")
def SIZING_SERVER(server, field, servers=None):
    """A catalog value of a server by name, e.g. SIZING_SERVER("dgx300", "hbm_total_gb")."""
    return entry_value(_catalog(None, servers).server(as_text(server, "server")), field)


@_udf("kind", "models", "servers", doc_returns="table")
def SIZING_CATALOG(kind=None, models=None, servers=None):
    """The names the catalogs hold, one per row (models, servers or storage), the workbook's own rows included."""
    which = as_choice(
        kind, "kind", {"models": "models", "servers": "servers", "storage": "storage"}, "models"
    )
    return [[name] for name in getattr(_catalog(models, servers), which)]


@_udf("config_json", "name")
def SIZING_MODEL_FROM_CONFIG(config_json, name=None):
    """A Models-table row from a config.json pasted into a cell: the header row, then the values to paste under the Models sheet's columns (warnings in notes)."""
    text = as_text(config_json, "config_json")
    try:
        config = parse_json_bytes(text.encode("utf-8", "surrogatepass"))
    except JsonFault as exc:
        raise InputError("config_json", f"{shown(text, 40)} {exc}") from None
    if not isinstance(config, dict):
        raise InputError("config_json", "JSON, but not an object of settings")
    imported = model_from_config(
        config, name=as_text(name, "name", "") or None, origin="config.json pasted in Excel"
    )
    row = {"name": imported.name, **imported.entry}
    return [list(MODEL_COLUMNS), ["" if row.get(c) is None else row[c] for c in MODEL_COLUMNS]]


@_udf()
def SIZING_VERSION():
    """The sizing_xl version and the sizing method's version."""
    return f"sizing_xl {__version__} (method v{METHOD_VERSION})"


UDF_NAMES: tuple[str, ...] = tuple(n for n in dir() if n.startswith("SIZING_"))
