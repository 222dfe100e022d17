"""`sizing calibrate`: the overrides a vLLM start-up log implies, as flags and as catalog entries."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from sizing_xl.calibrate import Calibration, VllmLog, calibrate, read_vllm_log
from sizing_xl.capacity import model_weights
from sizing_xl.catalog import Catalog, ModelSpec, ServerSpec, normalize_name
from sizing_xl.catalog.loading import (
    CATALOG_FILES,
    catalog_dirs_from_env,
    load_catalog,
    merge_entries,
)
from sizing_xl.cli.common import (
    EXIT_CATALOG,
    EXIT_INPUT,
    EXIT_OK,
    EXIT_OUTPUT,
    Parser,
    fail,
)
from sizing_xl.deployment import plan_deployment
from sizing_xl.errors import CatalogError, InputError, UnknownEntryError, escape_controls
from sizing_xl.i18n import fmt_dec, fmt_int, fmt_num
from sizing_xl.methods import EngineKnobs, MethodInput
from sizing_xl.methods.defaults import engine_defaults, vllm_release
from sizing_xl.methods.vllm import startup_figures
from sizing_xl.records import as_dict
from sizing_xl.units import bytes_per_element


def build_parser() -> argparse.ArgumentParser:
    p = Parser(
        prog="sizing calibrate",
        description="Read a vLLM start-up log and print the usable memory and non-weight "
        "overhead that reproduce its available KV cache memory, as flags and as catalog entries.",
    )
    p.add_argument("--vllm-log", metavar="FILE", required=True, help="vLLM start-up log")
    p.add_argument("--model", metavar="NAME", help="catalog model (default: the log's model)")
    p.add_argument("--server", metavar="NAME", help="catalog server the log ran on")
    p.add_argument(
        "--catalog-dir",
        metavar="DIR",
        help="read DIR's catalogs too, and merge <model>-calibrated and <server>-calibrated "
        "entries into them",
    )
    p.add_argument("--format", choices=("text", "json"), default="text")
    return p


def _readable(directory: str | None) -> list[str]:
    """--catalog-dir is read too (the user's models and servers), once it holds a catalog."""
    if not directory or not Path(directory).is_dir():
        return []
    return (
        [directory] if any((Path(directory) / f).is_file() for f in CATALOG_FILES.values()) else []
    )


def _find_model(catalog: Catalog, log: VllmLog, name: str | None) -> ModelSpec | None:
    """--model, else the catalog entry whose hf_repo or name the log's model path ends with."""
    if name:
        return catalog.model(name)
    if not log.model:
        return None
    logged = normalize_name(log.model).rstrip("/")
    for model in catalog.models.values():
        for key in filter(None, (model.hf_repo, model.name)):
            if logged == normalize_name(key) or logged.endswith("/" + normalize_name(key)):
                return model
    return None


def reproduce(log: VllmLog, cal: Calibration, model: ModelSpec, server: ServerSpec | None) -> dict:
    """The start-up figures vLLM's rules give with the calibrated numbers, beside the log's."""
    tp, pp = cal.tensor_parallel, cal.pipeline_parallel
    if server is None:  # the log's own GPUs: only their count and usable memory matter here
        server = ServerSpec(
            name="log",
            source="the vLLM log",
            vendor="-",
            family="-",
            gpu="-",
            gpus_per_node=tp * pp,
            hbm_per_gpu_gb=cal.usable_gib_per_gpu,
        )
    plan = plan_deployment(
        tensor_parallel=tp,
        pipeline_parallel=pp,
        gpus_per_node=server.gpus_per_node,
        server=server.name,
    )
    defaults = engine_defaults().vllm
    inp = MethodInput(
        model=model,
        server=server,
        deployment=plan,
        context_tokens=int(log.max_model_len or model.max_context or 1),
        kv_bytes_per_element=bytes_per_element(log.kv_precision),
        kv_budget_ratio=1.0,
        runtime_overhead_gib=0.0,
        weights_gib=cal.weights_gib,
        knobs=EngineKnobs(
            gpu_memory_utilization=cal.gpu_memory_utilization,
            non_weight_overhead_gib=cal.non_weight_overhead_gib,
            block_size=None,
            max_num_seqs=int(log.max_num_seqs or defaults.max_num_seqs),
            max_num_batched_tokens=int(
                log.max_num_batched_tokens or defaults.max_num_batched_tokens
            ),
            mem_fraction_static=1.0,
            swa_full_tokens_ratio=1.0,
            usable_gib_per_gpu=cal.usable_gib_per_gpu,
        ),
    )
    figures = startup_figures(
        inp, max_model_len=inp.context_tokens, release=vllm_release(log.version)
    )
    return {
        "kv_precision": log.kv_precision,
        "max_model_len": inp.context_tokens,
        "kv_cache_tokens": figures.kv_cache_tokens,
        "logged_kv_cache_tokens": log.kv_cache_tokens,
        "max_concurrency": round(figures.max_concurrency, 4),
        "logged_max_concurrency": log.max_concurrency,
    }


def catalog_entries(
    cal: Calibration, model: ModelSpec | None, server: ServerSpec | None, source: str
) -> dict[str, dict[str, dict]]:
    """<server>-calibrated with the usable memory; <model>-calibrated with the weights the log
    loaded and the overhead that reproduces its KV memory at the tool's default utilisation
    (catalog entries carry no utilisation), so that sizing with both gives the log's KV."""
    entries: dict[str, dict[str, dict]] = {}
    if server is not None:
        body = {k: v for k, v in as_dict(server).items() if k != "name" and v is not None}
        body.update(
            **_derived(source, server.name),
            usable_gib_per_gpu=round(cal.usable_gib_per_gpu, 4),
            usable_source=source,
            display_name=f"{server.label} (calibrated)",
        )
        entries["servers"] = {f"{server.name}-calibrated": body}
    if model is not None:
        default = engine_defaults().vllm.gpu_memory_utilization
        body = {k: v for k, v in as_dict(model).items() if k != "name" and v is not None}
        body.update(
            **_derived(source, model.name),
            weights_gib=round(cal.weights_gib, 4),
            weights_precision=model.weights_precision or "bf16",
            weights_source=f"{source}: the weights per GPU it gives x "
            f"{cal.tensor_parallel * cal.pipeline_parallel} GPUs"
            if cal.weights_from_log
            else f"{model.weights_source or model.source} (the log gives no weights)",
            non_weight_overhead_gib=round(max(0.0, cal.overhead_at(default)), 4),
            non_weight_overhead_source=(
                f"{source}, at gpu_memory_utilization {fmt_num(default)} (the tool's default; the "
                f"log ran at {fmt_num(cal.gpu_memory_utilization)}, where the overhead is "
                f"{fmt_dec(cal.non_weight_overhead_gib, 2)} GiB)"
            ),
            display_name=f"{model.label} (calibrated)",
        )
        entries["models"] = {f"{model.name}-calibrated": body}
    return entries


def _derived(source: str, base: str) -> dict[str, object]:
    """A calibrated entry is derived from one log, not checked against a datasheet."""
    return {"source": f"{source} (its other fields as {base}'s)", "verified": False}


def weights_mismatch(cal: Calibration, model: ModelSpec | None) -> str | None:
    """A warning when the weights the log loaded are far from the named model's checkpoint
    (a log of another model or precision)."""
    weights = model_weights(model) if model and cal.weights_from_log else None
    if weights is None or abs(cal.weights_gib - weights.gib) <= 0.2 * weights.gib:
        return None
    return (
        f"the log loads {fmt_dec(cal.weights_gib, 2)} GiB of weights over its "
        f"{cal.tensor_parallel * cal.pipeline_parallel} GPUs, model {model.name}'s checkpoint "
        f"is {fmt_dec(weights.gib, 2)} GiB: a log of another model or precision? The "
        "calibration uses the log's figure"
    )


def gpu_mismatch(log: VllmLog, server: ServerSpec | None) -> str | None:
    """A warning when the log's GPU memory is not the named server's (another GPU's log)."""
    if server is None or log.total_gib is None or server.usable_gib_per_gpu is None:
        return None
    if abs(log.total_gib - server.usable_gib_per_gpu) <= 0.03 * server.usable_gib_per_gpu:
        return None
    return (
        f"the log's GPUs report {fmt_dec(log.total_gib, 2)} GiB each, server {server.name}'s "
        f"{fmt_dec(server.usable_gib_per_gpu, 2)} GiB: a log from another GPU? The calibration "
        "uses the log's figure"
    )


def flags(cal: Calibration) -> str:
    return (
        f"--usable-gib-per-gpu {fmt_num(round(cal.usable_gib_per_gpu, 4))} "
        f"--gpu-memory-utilization {fmt_num(cal.gpu_memory_utilization)} "
        f"--non-weight-overhead-gib {fmt_num(round(cal.non_weight_overhead_gib, 4))} "
        f"--weights-gib {fmt_num(round(cal.weights_gib, 4))}"
    )


def render_text(log: VllmLog, cal: Calibration, model, repro: dict | None, entries) -> str:
    origin = {True: "from the log", False: "assumed"}
    lines = [
        f"vLLM log: model {log.model or '(not named)'}"
        + (f" → catalog {model.name}" if model else " (not in the catalogs: pass --model)"),
        f"  GPU memory {fmt_dec(cal.usable_gib_per_gpu, 2)} GiB ({origin[cal.usable_from_log]}"
        f"{'' if cal.usable_from_log else ': the server’s usable_gib_per_gpu'}), "
        f"utilisation {fmt_num(cal.gpu_memory_utilization)} ({_utilization_origin(log, cal)})",
        f"  weights {fmt_dec(cal.weights_gib_per_gpu, 2)} GiB per GPU (TP {cal.tensor_parallel} × "
        f"PP {cal.pipeline_parallel}"
        + ("" if cal.weights_from_log else "; the catalog model's, the log has no loading line")
        + f"), available KV {fmt_dec(cal.available_gib, 2)} GiB per GPU",
        f"  non-weight overhead = {fmt_dec(cal.usable_gib_per_gpu, 2)} × "
        f"{fmt_num(cal.gpu_memory_utilization)} − {fmt_dec(cal.weights_gib_per_gpu, 2)} − "
        f"{_signed(cal.available_gib)} = {fmt_dec(cal.non_weight_overhead_gib, 2)} GiB per GPU",
    ]
    if log.logged_overhead_gib is not None:
        lines.append(f"  the log itemises {fmt_dec(log.logged_overhead_gib, 2)} GiB of it")
    if repro:
        lines.append(
            f"  vLLM's rules with these figures: {fmt_int(repro['kv_cache_tokens'])} KV tokens"
            + _versus(repro["logged_kv_cache_tokens"], repro["kv_cache_tokens"], fmt_int)
            + f", {fmt_dec(repro['max_concurrency'], 2)}x for {fmt_int(repro['max_model_len'])} "
            "tokens per request"
            + _versus(repro["logged_max_concurrency"], repro["max_concurrency"], fmt_num)
        )
    lines += ["", "Flags:", "  " + flags(cal)]
    if entries:
        lines += ["", "Catalog entries (keep them with --catalog-dir DIR):"]
        lines += ["  " + line for line in json.dumps(entries, indent=2).splitlines()]
    return "\n".join(lines) + "\n"


def _signed(gib: float) -> str:
    """A figure subtracted in a sum: a negative one (a failed start-up) in parentheses."""
    return fmt_dec(gib, 2) if gib >= 0 else f"({fmt_dec(gib, 2)})"


def _utilization_origin(log: VllmLog, cal: Calibration) -> str:
    if cal.utilization_from_log:
        return "from the log"
    release = vllm_release(log.version)
    named = f"v{log.version}" if log.version else "an unnamed release"
    return f"not logged: the default of vLLM {named}, as releases since {release.since} set it"


def _versus(logged: float | None, ours: float, fmt) -> str:
    if not logged:
        return ""
    return f" (log: {fmt(logged)}, {100 * (ours - logged) / logged:+.1f}%)"


def run(argv: Sequence[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    prog = parser.prog
    try:
        catalog = load_catalog([*catalog_dirs_from_env(), *_readable(args.catalog_dir)])
        log = read_vllm_log(args.vllm_log)
        server = catalog.server(args.server) if args.server else None
        model = _find_model(catalog, log, args.model)
        cal = calibrate(
            log,
            usable_gib_per_gpu=server.usable_gib_per_gpu if server else None,
            # a log without a utilisation line ran at its own release's default
            default_utilization=vllm_release(log.version).gpu_memory_utilization,
            model_weights_gib=weights.gib if model and (weights := model_weights(model)) else None,
        )
        warnings = [w for w in (gpu_mismatch(log, server), weights_mismatch(cal, model)) if w]
        repro = reproduce(log, cal, model, server) if model else None
        # the file's name, not this machine's path
        source = f"calibrated from the vLLM log {escape_controls(Path(args.vllm_log).name)}"
        entries = catalog_entries(cal, model, server, source)
        written = (
            [merge_entries(args.catalog_dir, kind, body) for kind, body in entries.items()]
            if args.catalog_dir
            else []
        )
    except UnknownEntryError as exc:
        return fail(prog, f"--{exc.kind.split()[0]}: {exc}", EXIT_INPUT)
    except InputError as exc:
        return fail(prog, f"{exc.field}: {exc.problem}", EXIT_INPUT)
    except CatalogError as exc:
        return fail(prog, f"catalog: {exc}", EXIT_CATALOG)
    except OSError as exc:
        return fail(prog, f"cannot write the catalog: {exc}", EXIT_OUTPUT)
    sys.stderr.writelines(f"{prog}: warning: {w}\n" for w in warnings)
    if args.format == "json":
        doc = {
            "log": vars(log) | {"kv_precision": log.kv_precision},
            "warnings": warnings,
            "calibration": vars(cal),
            "flags": flags(cal),
            "reproduced": repro,
            "catalog_entries": entries,
        }
        sys.stdout.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(render_text(log, cal, model, repro, entries))
    if args.format == "text":
        sys.stdout.writelines(f"→ {path}\n" for path in written)
    return EXIT_OK
