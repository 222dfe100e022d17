"""Sweeps: the nodes of every point of a grid of inputs, hoisting what a point does not change.

Concurrency enters a sizing only through the peak load (concurrency x (1 + headroom)): the
sessions a node holds, its SLO bound, the replica shape and the HA spares do not depend on it.
So a sweep takes each distinct point of the other axes once through size()'s capacity stage
(capacity.plan_capacities, without the step-time check where no SLO can change the sessions),
then turns every concurrency into nodes with the engine's own two formulas (peak_sessions, and
nodes_operational over a whole column as nodes_at_loads).
Every cell equals a single size() of its point; the property tests hold it to that.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from sizing_xl import engine
from sizing_xl.alerts import context_alert
from sizing_xl.capacity import Capacities, ScenarioCapacity, at_concurrency, plan_capacities
from sizing_xl.catalog import Catalog
from sizing_xl.catalog.loading import load_catalog
from sizing_xl.deployment import Deployment
from sizing_xl.errors import InputError
from sizing_xl.request import SCENARIO_NAMES, ScenarioName, check_field, make_request
from sizing_xl.results import Alert
from sizing_xl.scenarios import (
    SizingResult,
    StageParts,
    looked_up,
    size,
    size_stage,
    stage_parts,
)

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


@dataclass(frozen=True)
class Grid:
    """Nodes per scenario (SCENARIO_NAMES order) at every point of the axes, in points() order,
    and the critical alert a point's figures carry where a single sizing raises one beside
    node counts (a context above the model's maximum; a point where nothing fits shows as
    infeasible already)."""

    axes: tuple[Axis, ...]
    nodes: list[tuple[int | None, ...]]
    critical: list[Alert | None] = field(default_factory=list)

    def alert_at(self, i: int) -> Alert | None:
        return self.critical[i] if self.critical else None

    def rows(self) -> Iterator[tuple[dict[str, object], dict[ScenarioName, int | None]]]:
        """(point, {scenario: nodes_final}) for every point."""
        for point, nodes in zip(points(self.axes), self.nodes, strict=True):
            yield point, dict(zip(SCENARIO_NAMES, nodes, strict=True))

    def matrix(self, scenario: ScenarioName) -> list[list[int | None]]:
        """A two-axis grid as a table of one scenario's nodes: a row per value of the first
        axis, a column per value of the second."""
        down, across = self.axes
        at, width = SCENARIO_NAMES.index(scenario), len(across.values)
        cells = [n[at] for n in self.nodes]
        return [cells[i * width : (i + 1) * width] for i in range(len(down.values))]


def checked_axes(axes: Sequence[Axis]) -> tuple[Axis, ...]:
    """The axes with their values checked by the request's own limits (an error names the
    field); a field varied twice is refused."""
    fields = [a.field for a in axes]
    if len(set(fields)) != len(fields):
        raise InputError("axes", f"a field is varied twice: {', '.join(fields)}")
    return tuple(Axis(a.field, tuple(check_field(a.field, v) for v in a.values)) for a in axes)


def sweep_nodes(
    base: Mapping[str, object], axes: Sequence[Axis], catalog: Catalog | None = None
) -> Grid:
    """The nodes of every point: `base` holds make_request()'s arguments, each axis replaces one.

    Values are checked before anything is sized. Each distinct point of the axes other than
    concurrency goes once through size()'s capacity stage; concurrency then becomes nodes with
    the engine's formulas, the peak load computed once per headroom.
    """
    catalog = catalog or load_catalog()
    axes = checked_axes(axes)
    at = {a.field: i for i, a in enumerate(axes)}
    others = [i for i, a in enumerate(axes) if a.field != CONCURRENCY]
    loads = axes[at[CONCURRENCY]].values if CONCURRENCY in at else (base[CONCURRENCY],)
    peaks: dict[float, list[float]] = {}  # a headroom's peak load at every concurrency

    def column(sc: ScenarioCapacity, plan: Deployment) -> list[int | None]:
        if sc.headroom not in peaks:
            peaks[sc.headroom] = [
                engine.peak_sessions(concurrency=c, peak_headroom_ratio=sc.headroom) for c in loads
            ]
        per_unit, per_replica, spares = (
            sc.capacity.sessions_per_unit,
            plan.nodes_per_replica,
            sc.spares(plan),
        )
        units = engine.nodes_at_loads(peaks=peaks[sc.headroom], sessions_per_node=per_unit)
        return [None if u is None else u * per_replica + spares for u in units]

    tables: dict[tuple[int, ...], list[tuple[int | None, ...]]] = {}
    alerts: dict[tuple[int, ...], Alert | None] = {}
    for index in itertools.product(*(range(len(axes[i].values)) for i in others)):
        point = {axes[i].field: axes[i].values[j] for i, j in zip(others, index, strict=True)}
        request = make_request(**{**base, **point, CONCURRENCY: loads[0]})
        stage = plan_capacities(request, catalog, throughput=False)  # nodes only
        looked_up(stage.ctx, catalog)  # a bad storage or offer fails as in size()
        columns = [column(sc, stage.ctx.plan) for sc in stage.scenarios.values()]
        tables[index] = list(zip(*columns, strict=True))  # one tuple per concurrency
        alerts[index] = context_alert(stage.ctx.model, request.effective_context)
    if CONCURRENCY not in at:
        return Grid(axes, [tables[index][0] for index in tables], list(alerts.values()))
    # points() order: the concurrency axis may sit anywhere among the others
    load_at = at[CONCURRENCY]
    nodes, critical = [], []
    for index in itertools.product(*(range(len(a.values)) for a in axes)):
        rest = index[:load_at] + index[load_at + 1 :]
        nodes.append(tables[rest][index[load_at]])
        critical.append(alerts[rest])
    return Grid(axes, nodes, critical)


def sweep_results(
    base: Mapping[str, object], axes: Sequence[Axis], catalog: Catalog | None = None
) -> list[tuple[dict[str, object], SizingResult]]:
    """[(point, the whole sizing)] for every point: one size() each, for faces that show
    more than the nodes (the growth plan)."""
    return list(iter_results(base, axes, catalog))


def iter_results(
    base: Mapping[str, object], axes: Sequence[Axis], catalog: Catalog | None = None
) -> Iterator[tuple[dict[str, object], SizingResult]]:
    """The same, one point at a time: a streamed document holds one sizing in memory.

    As in sweep_nodes, a point of the other axes goes once through the capacity stage and each
    concurrency takes size()'s remaining steps from it. Stages are held only while the axes
    before concurrency keep their values, and only up to STAGES_HELD of them, so that memory
    stays bounded whatever the grid."""
    catalog = catalog or load_catalog()
    axes = checked_axes(axes)
    fields = [a.field for a in axes]
    load_at = fields.index(CONCURRENCY) if CONCURRENCY in fields else None
    held = math.prod(len(a.values) for a in axes[load_at + 1 :]) if load_at is not None else 0
    if load_at is None or held > STAGES_HELD:
        for p in points(axes):
            yield p, size(make_request(**{**base, **p}), catalog)
        return
    stages: dict[tuple[object, ...], tuple[Capacities, StageParts]] = {}
    before: tuple[object, ...] = ()
    for p in points(axes):
        values = tuple(p.values())
        if values[:load_at] != before:  # the faster axes start again: a new set of stages
            before = values[:load_at]
            stages.clear()
        key = values[load_at + 1 :]
        if key not in stages:
            request = make_request(**{**base, **p})
            stage = plan_capacities(request, catalog)
            chosen_tp = request.tensor_parallel is None
            stages[key] = stage, stage_parts(stage, catalog, chosen_tp=chosen_tp)
        stage, parts = stages[key]
        stage = at_concurrency(stage, p[CONCURRENCY])  # type: ignore[arg-type]
        yield p, size_stage(stage, parts)


STAGES_HELD = 1000  # a few MiB of capacity stages at most
