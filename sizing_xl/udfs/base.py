"""What every SIZING_* function shares: argument help, the error guard, the workbook catalog, one sizing per request."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

try:
    from xlwings import arg, func, ret
except ImportError as exc:  # pragma: no cover - the UDFs are the Excel face, xlwings is its extra
    raise ImportError(
        'sizing_xl.udfs needs xlwings: in the sizing_xl checkout, pip install ".[excel]"'
    ) from exc

from sizing_xl.catalog import Catalog, ModelSpec, ServerSpec, overlay
from sizing_xl.catalog.checks import numeric_fields
from sizing_xl.catalog.loading import catalog_dirs_from_env, load_catalog
from sizing_xl.errors import InputError, SizingError, one_line
from sizing_xl.i18n import LANGS, SCENARIO_LABELS
from sizing_xl.methods import METHOD_NAMES
from sizing_xl.records import field_names, field_specs, record_key
from sizing_xl.scenarios import (
    SCENARIO_NAMES,
    ScenarioResult,
    SizingRequest,
    SizingResult,
    make_request,
    size,
)
from sizing_xl.udfs.arguments import (
    as_choice,
    as_float,
    as_int,
    as_options,
    as_table,
    as_text,
)
from sizing_xl.units import KV_PRECISIONS

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
OPTION_FIELDS = tuple(sorted(set(field_names(SizingRequest)) - ARGUMENT_FIELDS))
# Options that take a number (True: a whole one), read as the arguments and the flags are
OPTION_NUMBERS = {
    name: field_specs(SizingRequest)[name].kind is int
    for name in numeric_fields(SizingRequest) & set(OPTION_FIELDS)
}

SCENARIOS = {
    **{name: name for name in SCENARIO_NAMES},
    **{label.lower(): name for name in SCENARIO_NAMES for label in SCENARIO_LABELS[name].values()},
    "min": "minimum",
    "rec": "recommended",
    "mínimo": "minimum",
    "minimo": "minimum",
}
PRECISIONS = {p: p for p in KV_PRECISIONS}
METHODS_BY_NAME = {m: m for m in METHOD_NAMES}
LANGS_BY_NAME = {lang.lower(): lang for lang in LANGS} | {"pt": "pt-BR", "english": "en"}

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
    "kv_precision": "KV cache precision: fp8 (default), int8, fp16, bf16 or fp32.",
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
    "contexts": "Contexts in tokens, one per row of the table: a range (row or column) or a "
    "single cell; blanks are skipped. At most 200.",
    "concurrencies": "Concurrent sessions, one per column of the table: a range (row or "
    "column) or a single cell; blanks are skipped. At most 200.",
    "config_json": "The text of a model's config.json, pasted into one cell.",
    "name": "Optional: the catalog name (default: the config's model name).",
    "lang": '"pt-BR" (default) or "en".',
    "metric": '"nodes" (default), "capex", "tco_monthly", "cloud_monthly", "per_mtok_owned" or '
    '"per_mtok_cloud"; money in the currency of options.',
    "percentile": '"P10", "P50" (default), "P90" (or 10, 50, 90), or "point" for the sizing '
    "without ranges.",
    "uncertain": "Rows of field, low, high[, distribution] (e.g. concurrency, 800, 1500, "
    '"triangular"), or texts like "usd_per_kwh=0.08..0.2"; the fields of sizing --uncertain.',
    "samples": "Samples drawn, 1 to 100,000; default 2,000.",
    "focus_start": 'The forecast\'s first month: a date or "YYYY-MM"; blank: next month.',
    "focus_months": "Months of forecast, 1 to 120; default 12.",
    "figure": '"tokens_per_second_per_user" (default), "tokens_per_second_per_gpu", "tpot_ms", '
    '"ttft_ms", "step_ms", "batch", "queued" or "bound".',
    "input_tokens": "Prompt tokens per request (a benchmark's ISL), a whole number >= 1.",
    "output_tokens": "Generated tokens per request (a benchmark's OSL), a whole number >= 1.",
    "engine": '"vllm" (default) or "sglang": whose memory method bounds the batch.',
    "sample_seed": "Seed of the draws, a whole number >= 0; default 0. The same seed gives the "
    "same figures.",
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


def udf(*arg_names: str, doc_returns: str | None = None) -> Callable[[_F], _F]:
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


def workbook_catalog(models: object = None, servers: object = None) -> Catalog:
    """The catalogs with the workbook's rows on top; each distinct range content parsed once.

    Every UDF cell passes the same Models and Servers ranges, mostly blank rows: blank rows are
    dropped first (a C-speed count), and the rest keys a cache, so a recalculation of many
    cells validates the rows once instead of once per cell.
    """
    return keyed_catalog(models, servers)[0]


def keyed_catalog(models: object, servers: object) -> tuple[Catalog, tuple | None]:
    """The catalog and a hashable key of what made it (None: not cacheable)."""
    dirs = catalog_dirs_from_env()
    keys = (range_key(models), range_key(servers))
    if None in keys:  # a shape the key cannot hold: parse without the cache
        return _overlaid(dirs, models, servers), None
    return overlaid_cached(dirs, *keys), (dirs, *keys)


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
def overlaid_cached(dirs: tuple[str, ...], models: tuple, servers: tuple) -> Catalog:
    return _overlaid(dirs, models or None, servers or None)


def _overlaid(dirs: tuple[str, ...], models: object, servers: object) -> Catalog:
    catalog = load_catalog(dirs)
    catalog = overlay(
        catalog, "models", as_table(models, "models", ModelSpec), "workbook Models sheet"
    )
    return overlay(
        catalog, "servers", as_table(servers, "servers", ServerSpec), "workbook Servers sheet"
    )


def request_of(
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
) -> tuple[SizingRequest, Catalog, tuple | None]:
    """The request the cells ask, the catalog it is sized on, and a key of that catalog (None:
    not cacheable)."""
    request = make_request(
        **argument_fields(
            model,
            server,
            kv_precision,
            kv_budget_ratio,
            runtime_overhead_gib,
            peak_headroom_ratio,
            tensor_parallel,
            storage,
            method,
            pipeline_parallel,
            gpu_memory_utilization,
            options,
        ),
        concurrency=as_int(concurrency, "concurrency"),
        effective_context=as_int(effective_context, "effective_context"),
    )
    catalog, key = keyed_catalog(models, servers)
    within_model_context(catalog.model(request.model), request.effective_context)
    return request, catalog, key


def sizing_of(*args: object) -> SizingResult:
    """size() of request_of(*args): the arguments as request_of takes them."""
    request, catalog, key = request_of(*args)
    if key is None:
        return size(request, catalog)
    # The cells of one recalculation mostly ask the same request for other fields or scenarios:
    # size it once. Results are frozen, so sharing one is safe.
    cache_key = (key, record_key(request))
    result = _RESULTS.pop(cache_key, None) or size(request, catalog)
    _RESULTS[cache_key] = result  # most recent last
    while len(_RESULTS) > _RESULTS_KEPT:
        _RESULTS.pop(next(iter(_RESULTS)))
    return result


_RESULTS: dict[tuple, SizingResult] = {}
_RESULTS_KEPT = 64


def clear_caches() -> None:
    """Forget parsed workbook ranges and sized requests (a benchmark's cold start)."""
    overlaid_cached.cache_clear()
    _RESULTS.clear()


def argument_fields(
    model,
    server,
    kv_precision,
    kv_budget_ratio,
    runtime_overhead_gib,
    peak_headroom_ratio,
    tensor_parallel,
    storage=None,
    method=None,
    pipeline_parallel=None,
    gpu_memory_utilization=None,
    options=None,
) -> dict[str, object]:
    """make_request()'s arguments from the cells, but for concurrency and context: blanks take
    the seed's defaults, `options` adds any other request field."""
    utilization = as_float(gpu_memory_utilization, "gpu_memory_utilization", 0.0)
    return {
        **as_options(options, "options", OPTION_FIELDS, OPTION_NUMBERS),
        "model": as_text(model, "model"),
        "server": as_text(server, "server"),
        "storage": as_text(storage, "storage", "profile_default"),
        "kv_precision": as_choice(kv_precision, "kv_precision", PRECISIONS, "fp8"),
        "kv_budget_ratio": as_float(kv_budget_ratio, "kv_budget_ratio", 0.70),
        "runtime_overhead_gib": as_float(runtime_overhead_gib, "runtime_overhead_gib", 120.0),
        "peak_headroom_ratio": as_float(peak_headroom_ratio, "peak_headroom_ratio", 0.20),
        # blank: the smallest TP at which the engine starts the model, as the CLI takes it
        "tensor_parallel": as_int(tensor_parallel, "tensor_parallel", optional=True),
        "method": as_choice(method, "method", METHODS_BY_NAME, "seed"),
        "pipeline_parallel": as_int(pipeline_parallel, "pipeline_parallel", 1),
        "gpu_memory_utilization": utilization or None,  # blank: the engine's default
    }


def pick_scenario(result: SizingResult, scenario: object) -> ScenarioResult:
    return result.scenario(as_choice(scenario, "scenario", SCENARIOS, "recommended"))  # type: ignore[arg-type]


def infeasible(r: ScenarioResult) -> str:
    """Why a scenario has no node count: an SLO no node meets, or memory for not one session."""
    tp = r.throughput
    if tp and r.slo_limit == "ttft":
        return f"INFEASIBLE: no node meets the TTFT SLO (prefill takes {tp.ttft_seconds:.2f} s)"
    if tp and r.slo_limit == "tokens_per_second":
        return (
            "INFEASIBLE: no node meets the tokens/s SLO (one session alone decodes at "
            f"{tp.tokens_per_second_per_session:.1f} tokens/s)"
        )
    return (
        f"INFEASIBLE: not one session fits a node ({r.kv_per_session_gib:.2f} GiB per "
        f"session, {r.hbm_budget_gib:.1f} GiB budget)"
    )


SIZING_ARGS = (
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


def within_model_context(spec: ModelSpec, context: int) -> None:
    """A context past the model's maximum is an error in every cell, as it is critical in the CLI."""
    if spec.above_max_context(context):
        raise InputError(
            "effective_context",
            f"{context:,} tokens is above {spec.name}'s maximum context of {spec.max_context:,}",
        )
