"""Cloud: which offer a sizing is priced at, and its monthly cost per node.

llm-d-incubation/llm-d-planner src/planner/knowledge_base/model_catalog.py: $/hour x 730.
"""

from __future__ import annotations

from collections.abc import Mapping

from sizing_xl.catalog import CloudOffer, ServerSpec
from sizing_xl.costs.assumptions import Assumptions
from sizing_xl.errors import InputError


def same_node(a: ServerSpec, b: ServerSpec) -> bool:
    """Two catalog servers are the same node when their GPUs and GPU counts are."""
    return (a.gpu, a.gpus_per_node) == (b.gpu, b.gpus_per_node)


def pick_offer(
    offers: Mapping[str, CloudOffer],
    servers: Mapping[str, ServerSpec],
    server: ServerSpec,
    requested: CloudOffer | None,
) -> CloudOffer | None:
    """The requested offer (refused if it is another node), else the cheapest on-demand offer
    of the same node; None when no offer matches."""

    def node_of(offer: CloudOffer) -> ServerSpec | None:
        return servers.get(offer.server)

    if requested is not None:
        node = node_of(requested)
        if node is None or not same_node(node, server):
            what = f"{node.gpus_per_node} × {node.gpu}" if node else f"server {requested.server!r}"
            raise InputError(
                "cloud_offer",
                f"offer {requested.name!r} is {what}, not the {server.gpus_per_node} × "
                f"{server.gpu} of {server.name}",
            )
        return requested
    matching = [
        o
        for o in offers.values()
        if o.price_kind == "on-demand" and (n := node_of(o)) is not None and same_node(n, server)
    ]
    return min(matching, key=lambda o: (o.usd_per_hour, o.name), default=None)


def cloud_monthly_usd(offer: CloudOffer, a: Assumptions) -> float:
    """One instance for a month: $/hour x hours per month."""
    return offer.usd_per_hour * a.hours_per_month
