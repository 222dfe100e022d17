"""Sweeps: the nodes of every point of a grid of inputs, hoisting what a point does not change.

Concurrency enters a sizing only through the peak load (concurrency x (1 + headroom)): the
sessions a node holds, its SLO bound, the replica shape and the HA spares do not depend on it.
So a sweep sizes each distinct point of the other axes once with size(), then turns every
concurrency into nodes with the engine's own two formulas (peak_sessions, nodes_operational).
Every cell equals a single size() of its point; the property tests hold it to that.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from sizing_xl import engine
from sizing_xl.catalog import Catalog, load_catalog
from sizing_xl.errors import InputError
from sizing_xl.request import check_field, make_request
from sizing_xl.scenarios import SCENARIO_NAMES, SizingResult, size

CONCURRENCY = "concurrency"


@dataclass(frozen=True)
class Axis:
    """One varied request field and its values, in the order given."""

    field: str
    values: tuple[object, ...]


def points(axes: Sequence[Axis]) -> Iterator[dict[str, object]]:
    """Every combination of the axes' values, the last axis varying fastest."""
    for combo in itertools.product(*(a.values for a in axes)):
        yield dict(zip((a.field for a in axes), combo, strict=True))


def sweep_nodes(
    base: Mapping[str, object], axes: Sequence[Axis], catalog: Catalog | None = None
) -> list[tuple[dict[str, object], dict[str, int | None]]]:
    """[(point, {scenario: nodes_final})] for every point, in points() order.

    `base` holds make_request()'s arguments; each axis replaces one of them. Values are
    checked with the request's own limits before anything is sized.
    """
    catalog = catalog or load_catalog()
    axes = [Axis(a.field, tuple(check_field(a.field, v) for v in a.values)) for a in axes]
    fields = [a.field for a in axes]
    if len(set(fields)) != len(fields):
        raise InputError("--vary", f"a field is varied twice: {', '.join(fields)}")
    at = {a.field: i for i, a in enumerate(axes)}
    others = [i for i, a in enumerate(axes) if a.field != CONCURRENCY]
    loads = axes[at[CONCURRENCY]].values if CONCURRENCY in at else (base[CONCURRENCY],)
    peaks: dict[float, list[float]] = {}  # a headroom's peak load at every concurrency

    def column(result: SizingResult, name: str) -> list[int | None]:
        r, per_replica = result.scenario(name), result.deployment.nodes_per_replica
        if r.peak_headroom_ratio not in peaks:
            peaks[r.peak_headroom_ratio] = [
                engine.peak_sessions(concurrency=c, peak_headroom_ratio=r.peak_headroom_ratio)
                for c in loads
            ]
        units = (
            engine.nodes_operational(peak_sessions=p, sessions_per_node=r.sessions_per_unit)
            for p in peaks[r.peak_headroom_ratio]
        )
        return [None if u is None else u * per_replica + r.ha_spares for u in units]

    tables = {}  # one full sizing per distinct point of the other axes
    for index in itertools.product(*(range(len(axes[i].values)) for i in others)):
        point = {axes[i].field: axes[i].values[j] for i, j in zip(others, index, strict=True)}
        result = size(make_request(**{**base, **point, CONCURRENCY: loads[0]}), catalog)
        tables[index] = [column(result, name) for name in SCENARIO_NAMES]
    out = []
    load_at = at.get(CONCURRENCY)
    for index in itertools.product(*(range(len(a.values)) for a in axes)):
        point = {a.field: a.values[j] for a, j in zip(axes, index, strict=True)}
        table, j = tables[tuple(index[i] for i in others)], 0 if load_at is None else index[load_at]
        out.append((point, dict(zip(SCENARIO_NAMES, (t[j] for t in table), strict=True))))
    return out


def sweep_results(
    base: Mapping[str, object], axes: Sequence[Axis], catalog: Catalog | None = None
) -> list[tuple[dict[str, object], SizingResult]]:
    """[(point, the whole sizing)] for every point: one size() each, for faces that show
    more than the nodes (the JSON document)."""
    catalog = catalog or load_catalog()
    return [(p, size(make_request(**{**base, **p}), catalog)) for p in points(axes)]
