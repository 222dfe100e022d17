"""Deployment: how one model replica (tensor x pipeline parallel GPUs) maps onto nodes."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from sizing_xl.errors import InputError


@dataclass(frozen=True)
class Deployment:
    """A replica spans TP x PP GPUs: several replicas share a node, or one spans several nodes.

    Exactly one of replicas_per_node and nodes_per_replica is above 1 (or both are 1), so the
    unit nodes are bought in is nodes_per_replica nodes holding replicas_per_node replicas.
    """

    tensor_parallel: int
    pipeline_parallel: int
    gpus_per_node: int

    # computed once: a sizing reads them dozens of times
    @cached_property
    def gpus_per_replica(self) -> int:
        return self.tensor_parallel * self.pipeline_parallel

    @cached_property
    def replicas_per_node(self) -> int:
        return max(1, self.gpus_per_node // self.gpus_per_replica)

    @cached_property
    def nodes_per_replica(self) -> int:
        return max(1, self.gpus_per_replica // self.gpus_per_node)


def tp_spans_nodes(tensor_parallel: int, gpus_per_node: int) -> bool:
    """Whether a TP group reaches past one node: its all-reduces then go over the network (NCCL),
    as vLLM and SGLang turn their NVLink custom all-reduce off across nodes
    (vllm/distributed/device_communicators/custom_all_reduce.py)."""
    return tensor_parallel > gpus_per_node


def plan_deployment(
    *, tensor_parallel: int, pipeline_parallel: int, gpus_per_node: int, server: str
) -> Deployment:
    """The deployment of TP x PP GPUs on nodes of gpus_per_node; refuses one that fits no way.

    A replica must either divide a node (8 GPUs hold 8 // (TP x PP) replicas) or be made of
    whole nodes (TP x PP = 16 spans 2 nodes); anything else leaves GPUs that no replica uses.
    """
    gpus = tensor_parallel * pipeline_parallel
    if gpus <= gpus_per_node and gpus_per_node % gpus == 0:
        return Deployment(tensor_parallel, pipeline_parallel, gpus_per_node)
    if gpus > gpus_per_node and gpus % gpus_per_node == 0:
        return Deployment(tensor_parallel, pipeline_parallel, gpus_per_node)
    raise InputError(
        "tensor_parallel",
        f"a replica of TP {tensor_parallel} x PP {pipeline_parallel} = {gpus} GPUs neither "
        f"divides the {gpus_per_node} GPUs of a {server} node nor spans whole nodes; "
        f"use a divisor of {gpus_per_node} or a multiple of it",
    )
