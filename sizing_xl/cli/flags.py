"""The sizing flags every `sizing` command shares, and the request and catalogs they give."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Collection, Sequence
from dataclasses import fields

from sizing_xl.catalog import Catalog
from sizing_xl.catalog.loading import catalog_dirs_from_env, load_catalog
from sizing_xl.cli.common import EXIT_CATALOG, EXIT_INPUT, ascii_float, ascii_int, fail
from sizing_xl.errors import InputError, SizingError, UnknownEntryError, shown
from sizing_xl.methods import METHOD_NAMES
from sizing_xl.records import RecordError, as_dict, build
from sizing_xl.request import (
    DEFAULT_POLICIES,
    SCENARIO_NAMES,
    ScenarioPolicy,
    SizingRequest,
    input_error,
)
from sizing_xl.units import BYTES_PER_PARAM, KV_PRECISIONS

DERIVED_PRECISIONS = tuple(BYTES_PER_PARAM)
REQUIRED = ("model", "server", "concurrency", "effective_context")

_POLICY_KNOBS = ("ha_mode", "peak_headroom_ratio", "kv_budget_ratio", "follow_stricter_request")


def add_request_flags(p: argparse.ArgumentParser) -> argparse._ArgumentGroup:
    """What to size, tuning, method, deployment, engine, SLO and money flags, and --catalog-dir;
    returns the catalogs group."""
    defaults = {f.name: f.default for f in fields(SizingRequest)}
    what = p.add_argument_group("what to size")
    what.add_argument(
        "--model", metavar="NAME", help="model name in models.json (e.g. opt-oss-120b)"
    )
    what.add_argument("--server", metavar="NAME", help="server name in servers.json (e.g. dgx300)")
    what.add_argument(
        "--storage",
        metavar="NAME",
        default=defaults["storage"],
        help="storage profile in storage.json (default: %(default)s)",
    )
    what.add_argument(
        "--concurrency", metavar="N", type=ascii_int, help="simultaneous sessions to serve"
    )
    what.add_argument(
        "--effective-context",
        metavar="TOKENS",
        type=ascii_int,
        help="context (tokens) each session really uses",
    )
    tuning = p.add_argument_group("tuning (seed defaults)")
    tuning.add_argument(
        "--kv-precision",
        default="fp8",
        type=str.lower,
        choices=KV_PRECISIONS,
        help="KV cache precision (default: %(default)s)",
    )
    tuning.add_argument(
        "--kv-budget-ratio",
        metavar="RATIO",
        type=ascii_float,
        default=defaults["kv_budget_ratio"],
        help="fraction of HBM left for KV after overhead (default: %(default)s)",
    )
    tuning.add_argument(
        "--runtime-overhead-gib",
        metavar="GIB",
        type=ascii_float,
        default=defaults["runtime_overhead_gib"],
        help="GiB per node for weights, activations, buffers (default: %(default)s)",
    )
    tuning.add_argument(
        "--peak-headroom-ratio",
        metavar="RATIO",
        type=ascii_float,
        default=defaults["peak_headroom_ratio"],
        help="peak headroom of the Recommended scenario (default: %(default)s)",
    )
    tuning.add_argument(
        "--tensor-parallel",
        metavar="N",
        type=ascii_int,
        default=None,
        help="GPUs one model replica spans; KV heads below it and MLA latents "
        "are replicated per rank (default: the smallest power of two at which the engine "
        "starts the model)",
    )
    _add_method_flags(p)
    tuning.add_argument(
        "--policy",
        action="append",
        default=[],
        metavar="SCENARIO.KNOB=VALUE",
        help="override a scenario policy, e.g. ideal.kv_budget_ratio=0.6 "
        f"(knobs: {', '.join(_POLICY_KNOBS)}); repeatable",
    )
    cat = p.add_argument_group("catalogs")
    cat.add_argument(
        "--catalog-dir",
        action="append",
        default=[],
        metavar="DIR",
        help="directory with any of models.json, servers.json, storage.json, cloud.json, "
        "finance.json whose entries add to or replace the built-in ones; repeatable",
    )
    return cat


def _add_method_flags(p: argparse.ArgumentParser) -> None:
    """--method, the deployment and the engine knobs; None leaves the engine's default."""
    method = p.add_argument_group(
        "method and deployment",
        "The seed method is sizing.py v2.0's; vllm and sglang follow those engines' memory "
        "rules (defaults in catalogs/engines.json).",
    )
    method.add_argument(
        "--method",
        default="seed",
        type=str.lower,
        choices=METHOD_NAMES,
        help="memory method (default: %(default)s); every sizing also carries a vLLM check",
    )
    method.add_argument(
        "--pipeline-parallel",
        metavar="N",
        type=ascii_int,
        default=1,
        help="pipeline stages per replica; a replica spans TP x PP GPUs (default: %(default)s)",
    )
    method.add_argument(
        "--weights-precision",
        type=str.lower,
        choices=DERIVED_PRECISIONS,
        help="size the weights as params_total_b x bytes at this precision "
        "(default: the published checkpoint)",
    )
    method.add_argument(
        "--weights-gib", metavar="GIB", type=ascii_float, help="the checkpoint's size in GiB"
    )
    method.add_argument(
        "--usable-gib-per-gpu",
        metavar="GIB",
        type=ascii_float,
        help="memory the driver reports per GPU (default: the server's catalog figure)",
    )
    for title, table in (
        ("engine knobs (--method vllm or sglang, and the vLLM check)", ENGINE_FLAGS),
        ("throughput check and SLOs (opt-in; the figures are always reported)", THROUGHPUT_FLAGS),
        ("money (defaults: catalogs' prices and finance.json, each with its date)", MONEY_FLAGS),
    ):
        group = p.add_argument_group(title)
        for flag, kind, metavar, text in table:
            group.add_argument(flag, metavar=metavar, type=kind, help=text)


# (flag, type, metavar, help) of the engine knobs; each maps to the request field of its name.
ENGINE_FLAGS: tuple[tuple[str, Callable[[str], object], str, str], ...] = (
    (
        "--gpu-memory-utilization",
        ascii_float,
        "F",
        "vLLM: fraction of GPU memory for weights, activations and KV (default 0.92)",
    ),
    (
        "--non-weight-overhead-gib",
        ascii_float,
        "GIB",
        "vLLM: activations, CUDA graphs and non-torch memory per GPU (default: by model size)",
    ),
    ("--block-size", ascii_int, "N", "vLLM: tokens per KV block (default 16; 64 for MLA)"),
    ("--max-num-seqs", ascii_int, "N", "vLLM: sequences a replica runs at once (default 1024)"),
    (
        "--mem-fraction-static",
        ascii_float,
        "F",
        "SGLang: fraction of GPU memory for weights and KV (default: SGLang's own, from the "
        "GPU's memory and TP x PP; 0.906 on an H200, 0.834 on an H100 at TP 1)",
    ),
    (
        "--swa-full-tokens-ratio",
        ascii_float,
        "R",
        "SGLang: sliding-window pool size over the full pool (default 0.8)",
    ),
)
THROUGHPUT_FLAGS: tuple[tuple[str, Callable[[str], object], str, str], ...] = (
    (
        "--min-tokens-per-second",
        ascii_float,
        "N",
        "SLO: decode rate each session keeps at full load; nodes grow to meet it",
    ),
    ("--max-ttft-seconds", ascii_float, "S", "SLO: longest time to first token of one prompt"),
    (
        "--prompt-tokens",
        ascii_int,
        "N",
        "prompt length per request, for the TTFT and prefill (default: the effective context)",
    ),
    (
        "--output-tokens",
        ascii_int,
        "N",
        "answer length per request: each prompt's prefill is shared over its answer's decode "
        "steps, as a benchmark measures TPOT (default: prefill not charged to TPOT)",
    ),
    (
        "--context-fill",
        ascii_float,
        "F",
        "share of the effective context a session holds on average while decoding (default 1.0)",
    ),
    (
        "--memory-bandwidth-utilization",
        ascii_float,
        "F",
        "fraction of HBM bandwidth a decode step reaches (default: fitted, catalogs/perf.json)",
    ),
    (
        "--model-flops-utilization",
        ascii_float,
        "F",
        "fraction of dense FLOPS a prefill reaches (default: fitted, catalogs/perf.json)",
    ),
)
MONEY_FLAGS: tuple[tuple[str, Callable[[str], object], str, str], ...] = (
    ("--node-price-usd", ascii_float, "USD", "purchase price of one node (default: the catalog's)"),
    ("--usd-per-kwh", ascii_float, "USD", "electricity price (default 0.12)"),
    ("--pue", ascii_float, "F", "power usage effectiveness, >= 1 (default 1.4)"),
    (
        "--cloud-offer",
        str,
        "NAME",
        "cloud offer in cloud.json (default: the cheapest on-demand offer of the same node)",
    ),
    (
        "--output-tokens-per-session-per-hour",
        ascii_float,
        "N",
        "output tokens one session produces per hour: gives $ per 1M output tokens",
    ),
    (
        "--input-tokens-per-session-per-hour",
        ascii_float,
        "N",
        "prompt tokens one session sends per hour: an API bills them too (default 0)",
    ),
    (
        "--api-offer",
        str,
        "NAME",
        "pay-per-token price in api.json (default: the cheapest for the model and workload)",
    ),
    ("--currency", str.upper, "CODE", "show amounts in this currency (default USD)"),
    ("--usd-to-currency", ascii_float, "RATE", "units of --currency per USD"),
    ("--rate-as-of", str, "DATE", "the date of that rate, e.g. 2026-11-20"),
)
# Request fields read from flags of the same name (beyond the required four and --policy).
REQUEST_FLAGS: tuple[str, ...] = (
    "storage",
    "kv_precision",
    "kv_budget_ratio",
    "runtime_overhead_gib",
    "peak_headroom_ratio",
    "tensor_parallel",
    "method",
    "pipeline_parallel",
    "weights_precision",
    "weights_gib",
    "usable_gib_per_gpu",
    *(flag[2:].replace("-", "_") for flag, *_ in (*ENGINE_FLAGS, *THROUGHPUT_FLAGS, *MONEY_FLAGS)),
)
# The flag an unknown catalog name came from.
_KIND_FLAGS = {
    "model": "--model",
    "server": "--server",
    "storage profile": "--storage",
    "cloud offer": "--cloud-offer",
    "API price": "--api-offer",
}


def parse_policies(specs: Sequence[str]) -> dict[str, ScenarioPolicy]:
    """Apply 'scenario.knob=value' overrides to the default policies."""
    changes: dict[str, dict[str, object]] = {}
    for spec in specs:
        target, sep, value = spec.partition("=")
        scenario, dot, knob = target.strip().lower().partition(".")
        if not sep or not dot or scenario not in SCENARIO_NAMES or knob not in _POLICY_KNOBS:
            raise InputError(
                "--policy",
                f"expected SCENARIO.KNOB=VALUE with SCENARIO in "
                f"{'/'.join(SCENARIO_NAMES)} and KNOB in {'/'.join(_POLICY_KNOBS)}, got {shown(spec)}",
            )
        changes.setdefault(scenario, {})[knob] = value.strip()
    policies = dict(DEFAULT_POLICIES)
    for scenario, knobs in changes.items():
        try:
            policies[scenario] = build(  # type: ignore[index]
                ScenarioPolicy,
                {**as_dict(policies[scenario]), **knobs},  # type: ignore[index]
            )
        except RecordError as exc:
            raise input_error(exc, prefix=f"--policy {scenario}") from None
    return policies


def flag_of(field: str) -> str:
    return "--" + field.split(".")[0].replace("_", "-")


def request_fields(
    args: argparse.Namespace, parser: argparse.ArgumentParser, given: Collection[str] = ()
) -> dict[str, object]:
    """make_request()'s arguments from the flags; a required flag missing is a usage error,
    unless the command gives that field another way (`given`)."""
    missing = [f for f in REQUIRED if f not in given and getattr(args, f, None) is None]
    if missing:
        parser.error("missing " + ", ".join(flag_of(f) for f in missing))
    fields = {f: getattr(args, f, None) for f in (*REQUIRED, *REQUEST_FLAGS)}
    return {
        **{f: v for f, v in fields.items() if v is not None},
        "policies": parse_policies(args.policy),
    }


def args_catalog(args: argparse.Namespace) -> Catalog:
    """The catalogs: built-in, then $SIZING_XL_CATALOG_PATH, then each --catalog-dir."""
    return load_catalog([*catalog_dirs_from_env(), *args.catalog_dir])


def sizing_failure(prog: str, exc: SizingError) -> int:
    """One line for what a sizing refused, naming the flag, and its exit code."""
    if isinstance(exc, UnknownEntryError):
        return fail(prog, f"{_KIND_FLAGS[exc.kind]}: {exc}", EXIT_INPUT)
    if isinstance(exc, InputError):
        field = exc.field if exc.field.startswith("--") else flag_of(exc.field)
        return fail(prog, f"{field}: {exc.problem}", EXIT_INPUT)
    return fail(prog, f"catalog: {exc}", EXIT_CATALOG)
