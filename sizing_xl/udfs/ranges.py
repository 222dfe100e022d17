"""SIZING_RANGE: a percentile of a scenario's nodes or money over uncertain inputs."""

from __future__ import annotations

from sizing_xl.errors import InputError, shown
from sizing_xl.planning.ranges import METRICS, Ranges, Uncertain, parse_uncertain, size_ranges
from sizing_xl.records import as_dict, record_key
from sizing_xl.udfs.arguments import as_choice, as_float, as_int, as_text
from sizing_xl.udfs.base import SCENARIOS, SIZING_ARGS, request_of, udf

UDF_SAMPLES = 2_000  # a cell recalculates often; P10 and P90 are within a node at this count
PERCENTILE_FIELDS = {"p10": "p10", "p50": "p50", "p90": "p90", "point": "point"}
PERCENTILE_FIELDS |= {"10": "p10", "50": "p50", "90": "p90"}
MAX_RANGE_ROWS = 50

_RANGES: dict[tuple, Ranges] = {}
_RANGES_KEPT = 16


def uncertain_rows(value: object) -> list[Uncertain]:
    """Rows of (field, low, high[, distribution]), or cells of text like
    "concurrency=800..1500:triangular"; blank rows skipped."""
    rows = value if isinstance(value, list | tuple) else [value]
    if rows and not isinstance(rows[0], list | tuple):
        # one row arrives flat: a (field, low, high, ...) row, or one column of texts
        numeric = len(rows) >= 3 and not any(isinstance(v, str) and "=" in v for v in rows)
        rows = [rows] if numeric else [[v] for v in rows]
    out: list[Uncertain] = []
    for row in rows:
        cells = [c for c in row if c is not None and not (isinstance(c, str) and not c.strip())]
        if not cells:
            continue
        if len(out) == MAX_RANGE_ROWS:
            raise InputError("uncertain", f"expected at most {MAX_RANGE_ROWS} rows")
        if len(cells) == 1:
            out.append(parse_uncertain(as_text(cells[0], "uncertain"), _number))
            continue
        if len(cells) not in (3, 4):
            raise InputError(
                "uncertain", f"expected rows of field, low, high[, distribution], got {shown(row)}"
            )
        field, low, high, *dist = cells
        text = f"{as_text(field, 'uncertain')}=0..0:{as_text(dist[0], 'uncertain') if dist else ''}"
        spec = parse_uncertain(text, _number)  # the field and distribution checked as the CLI does
        out.append(
            Uncertain(
                field=spec.field,
                low=as_float(low, f"uncertain {spec.field} low"),
                high=as_float(high, f"uncertain {spec.field} high"),
                distribution=spec.distribution,
            )
        )
    if not out:
        raise InputError("uncertain", "required, but the cells are empty")
    return out


def _number(text: str) -> float:
    return as_float(text, "uncertain")


@udf("metric", "percentile", "uncertain", *SIZING_ARGS, "samples", "sample_seed")
def SIZING_RANGE(
    metric,
    percentile,
    uncertain,
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
    samples=None,
    sample_seed=None,
):
    """P10, P50 or P90 of a scenario's nodes or money (capex, tco_monthly, cloud_monthly, per_mtok_owned, per_mtok_cloud) over the uncertain inputs, seeded; the CLI's --uncertain ranges."""
    try:
        return _range_value(
            metric,
            percentile,
            uncertain,
            scenario,
            samples,
            sample_seed,
            (
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
            ),
        )
    except InputError as exc:  # a cell names its argument, not the CLI's flag
        raise InputError(exc.field.removeprefix("--"), exc.problem) from None


def _range_value(
    metric, percentile, uncertain, scenario, samples, sample_seed, sizing_args: tuple
) -> float | str:
    name = as_choice(metric, "metric", {m: m for m in METRICS}, "nodes")
    at = as_choice(percentile, "percentile", PERCENTILE_FIELDS, "p50")
    ranges = uncertain_rows(uncertain)
    request, catalog, key = request_of(*sizing_args)
    count = as_int(samples, "samples", UDF_SAMPLES, minimum=1)
    seed = as_int(sample_seed, "sample_seed", 0, minimum=0)
    cache_key = (key, record_key(request), tuple(ranges), count, seed)
    found = _RANGES.pop(cache_key, None) if key is not None else None
    if found is None:
        found = size_ranges(as_dict(request), ranges, samples=count, seed=seed, catalog=catalog)
    if key is not None:  # P10, P50 and P90 of three scenarios: one draw
        _RANGES[cache_key] = found
        while len(_RANGES) > _RANGES_KEPT:
            _RANGES.pop(next(iter(_RANGES)))
    picked = as_choice(scenario, "scenario", SCENARIOS, "recommended")
    value = getattr(found.spread(name, picked), at)  # type: ignore[arg-type]
    if value is not None:
        return value
    if name == "nodes":
        return f"INFEASIBLE: not one session fits a node at {at.upper()}"
    if name.startswith("per_mtok") and not request.output_tokens_per_session_per_hour:
        return "no figure: give output_tokens_per_session_per_hour in options"
    return "no figure: no price for this node; give node_price_usd or cloud_offer in options"
