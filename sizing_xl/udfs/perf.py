"""SIZING_PERF: the step-time model's TTFT, TPOT and tokens/s for a benchmark's load, in a cell."""

from __future__ import annotations

from sizing_xl.errors import InputError
from sizing_xl.planning.perf import perf_curve
from sizing_xl.udfs.arguments import as_choice, as_int, as_text
from sizing_xl.udfs.base import METHODS_BY_NAME, PRECISIONS, udf, workbook_catalog

FIGURES = {
    "tokens_per_second_per_user": "tokens_per_second_per_user",
    "tokens_per_second_per_gpu": "tokens_per_second_per_gpu",
    "tpot_ms": "tpot_ms",
    "ttft_ms": "ttft_ms",
    "step_ms": "step_ms",
    "batch": "batch",
    "queued": "queued",
    "bound": "bound",
}
ENGINES = {k: v for k, v in METHODS_BY_NAME.items() if v != "seed"}


@udf(
    "figure",
    "model",
    "server",
    "concurrency",
    "input_tokens",
    "output_tokens",
    "tensor_parallel",
    "engine",
    "kv_precision",
    "models",
    "servers",
)
def SIZING_PERF(
    figure,
    model,
    server,
    concurrency,
    input_tokens,
    output_tokens,
    tensor_parallel=None,
    engine=None,
    kv_precision=None,
    models=None,
    servers=None,
):
    """One replica's step-time estimate at a benchmark's load, as sizing perf gives it: tokens/s per user or per GPU, TPOT or TTFT in ms, the batch, the queue, or what bounds the step."""
    name = as_choice(figure, "figure", FIGURES, "tokens_per_second_per_user")
    try:
        curve = perf_curve(
            model=as_text(model, "model"),
            server=as_text(server, "server"),
            input_tokens=as_int(input_tokens, "input_tokens", minimum=1),
            output_tokens=as_int(output_tokens, "output_tokens", minimum=1),
            concurrencies=[as_int(concurrency, "concurrency", minimum=1)],
            tensor_parallel=as_int(tensor_parallel, "tensor_parallel", 1, minimum=1),
            engine=as_choice(engine, "engine", ENGINES, "vllm"),
            kv_precision=as_choice(kv_precision, "kv_precision", PRECISIONS, "bf16"),
            catalog=workbook_catalog(models, servers),
        )
    except InputError as exc:  # a cell names its argument, not the CLI's flag
        raise InputError(exc.field.removeprefix("--").replace("-", "_"), exc.problem) from None
    return getattr(curve.estimates[0], name)
