"""Comparing servers for one load: each server's best parallel layout, ranked by cost and nodes.

Under an engine method the layout matters (weights split over TP x PP GPUs free memory for KV,
and replicas per node change), so each server is tried over the layouts that fit it, as NVIDIA
AIConfigurator searches TP x PP per system; the seed method has no weights term and keeps the
request's layout.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from sizing_xl.catalog import Catalog, normalize_name
from sizing_xl.catalog.loading import load_catalog
from sizing_xl.deployment import plan_deployment
from sizing_xl.errors import InputError
from sizing_xl.request import make_request
from sizing_xl.scenarios import SizingResult, size

PIPELINE_STAGES = (1, 2, 4)  # replicas of up to 4 nodes; longer pipelines only add latency
RANKED_BY = "recommended"  # the scenario whose nodes and cost rank the servers


@dataclass(frozen=True)
class ServerOption:
    """One server's answer: its best sizing, or why no layout sizes the request on it."""

    server: str
    result: SizingResult | None
    layouts_tried: int
    problem: str | None  # why no layout fits, when result is None


def layouts(gpus_per_node: int) -> Iterator[tuple[int, int]]:
    """(TP, PP) with TP a divisor of the node's GPUs and replicas that divide a node or span
    whole nodes (deployment.plan_deployment's rule)."""
    for tp in (d for d in range(1, gpus_per_node + 1) if gpus_per_node % d == 0):
        for pp in PIPELINE_STAGES:
            try:
                plan_deployment(
                    tensor_parallel=tp, pipeline_parallel=pp, gpus_per_node=gpus_per_node, server=""
                )
            except InputError:
                continue
            yield tp, pp


def _nodes(result: SizingResult | None) -> float:
    n = None if result is None else result.scenario(RANKED_BY).nodes_final
    return math.inf if n is None else n


def _layout_key(result: SizingResult) -> tuple[float, int, int]:
    """Fewest nodes, then the smallest replica (least communication), then fewer stages."""
    d = result.deployment
    return (_nodes(result), d.gpus_per_replica, d.pipeline_parallel)


def best_option(base: Mapping[str, object], server: str, catalog: Catalog) -> ServerOption:
    """The server's best layout under an engine method, or the request's own under the seed."""
    spec = catalog.server(server)
    tried = (
        [(base.get("tensor_parallel", 1), base.get("pipeline_parallel", 1))]
        if base.get("method", "seed") == "seed"
        else list(layouts(spec.gpus_per_node))
    )
    results, problem = [], None
    for tp, pp in tried:
        args = {**base, "server": spec.name, "tensor_parallel": tp, "pipeline_parallel": pp}
        try:
            results.append(size(make_request(**args), catalog))
        except InputError as exc:
            problem = str(exc)
    if not results:
        return ServerOption(spec.name, None, len(tried), problem)
    return ServerOption(spec.name, min(results, key=_layout_key), len(tried), None)


def monthly_cost(option: ServerOption, field: str = "tco_monthly_usd") -> float | None:
    """The ranked scenario's owned monthly TCO (or another ScenarioCost field, such as
    cloud_monthly_usd); None without a price or a sizing."""
    r = None if option.result is None else option.result.scenario(RANKED_BY)
    return None if r is None or r.cost is None else getattr(r.cost, field)


def compare_servers(
    base: Mapping[str, object], servers: Sequence[str], catalog: Catalog | None = None
) -> list[ServerOption]:
    """Every server's best option, cheapest monthly TCO first (unpriced after), then fewest
    nodes; servers that cannot size the request last."""
    catalog = catalog or load_catalog()
    if not servers:
        raise InputError("--servers", "expected at least one server name")
    # one option per server, however often or in whatever case it is named
    unique = {normalize_name(s): s for s in servers}.values()
    options = [best_option(base, s, catalog) for s in unique]

    def rank(o: ServerOption) -> tuple[bool, float, float]:
        cost = monthly_cost(o)
        return (cost is None, math.inf if cost is None else cost, _nodes(o.result))

    return sorted(options, key=rank)
