"""`sizing perf`: TTFT, TPOT and tokens/s of one replica under a benchmark's load."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from sizing_xl.cli.common import (
    EXIT_INPUT,
    EXIT_OK,
    EXIT_OUTPUT,
    Parser,
    ascii_int,
    excel_extra_missing,
    fail,
)
from sizing_xl.cli.flags import args_catalog, sizing_failure
from sizing_xl.errors import CatalogError, InputError, SizingError, shown
from sizing_xl.files import output_target, xlsx_target
from sizing_xl.i18n import DEFAULT_LANG, LANGS
from sizing_xl.planning.perf import MAX_LOADS, perf_curve
from sizing_xl.reports.perf import render_perf_csv, render_perf_json, render_perf_text
from sizing_xl.units import KV_PRECISIONS


def build_parser() -> argparse.ArgumentParser:
    p = Parser(
        prog="sizing perf",
        description="The step-time model: one replica's TTFT, TPOT and output tokens/s per user "
        "and per GPU for requests of --input-tokens in and --output-tokens out at each "
        "--concurrency, what bounds the step, and how far the estimate is from measured "
        "benchmarks.",
        epilog="Exit codes: 0 ok, 2 invalid input, 3 catalog error.",
    )
    p.add_argument("--model", required=True, metavar="NAME")
    p.add_argument("--server", required=True, metavar="NAME")
    p.add_argument("--tensor-parallel", type=ascii_int, default=1, metavar="N")
    p.add_argument(
        "--concurrency",
        required=True,
        metavar="N[,N...]",
        help=f"requests in flight; a comma list gives the curve (at most {MAX_LOADS})",
    )
    p.add_argument("--input-tokens", type=ascii_int, required=True, metavar="ISL")
    p.add_argument("--output-tokens", type=ascii_int, required=True, metavar="OSL")
    p.add_argument(
        "--engine",
        choices=("vllm", "sglang"),
        default="vllm",
        help="whose memory method bounds the batch (default: %(default)s)",
    )
    p.add_argument("--weights-precision", metavar="P", help="default: the checkpoint's own")
    p.add_argument(
        "--kv-precision",
        choices=sorted(KV_PRECISIONS),
        default="bf16",
        help="KV cache dtype (default: %(default)s, the engines' auto for 16-bit models)",
    )
    p.add_argument("--catalog-dir", action="append", default=[], metavar="DIR")
    p.add_argument("--format", choices=("text", "json", "csv"), default="text")
    p.add_argument(
        "--output-xlsx",
        metavar="FILE",
        help="also write the table and the interactivity curve (tokens/s per GPU against per "
        'user) as a workbook (needs the excel extra: pip install ".[excel]")',
    )
    p.add_argument("--lang", choices=LANGS, default=DEFAULT_LANG)
    return p


def _loads(text: str) -> list[int]:
    values = [v.strip() for v in text.split(",")]
    if len(values) > MAX_LOADS:
        raise InputError("--concurrency", f"expected at most {MAX_LOADS} values")
    try:
        return [ascii_int(v) for v in values]
    except argparse.ArgumentTypeError as exc:
        raise InputError("--concurrency", str(exc)) from None


def run(argv: Sequence[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    prog = parser.prog
    try:
        if args.output_xlsx:  # checked before any work
            output_target(xlsx_target(args.output_xlsx))
        catalog = args_catalog(args)
        curve = perf_curve(
            model=args.model,
            server=args.server,
            input_tokens=args.input_tokens,
            output_tokens=args.output_tokens,
            concurrencies=_loads(args.concurrency),
            tensor_parallel=args.tensor_parallel,
            engine=args.engine,
            weights_precision=args.weights_precision,
            kv_precision=args.kv_precision,
            catalog=catalog,
        )
        gpu = catalog.server(args.server).gpu
    except (InputError, CatalogError) as exc:
        return sizing_failure(prog, exc)
    except OSError as exc:
        return fail(prog, f"cannot write output: {exc}", EXIT_OUTPUT)
    except ValueError as exc:  # a pydantic choice the flags do not cover
        return fail(prog, shown(str(exc), 300), EXIT_INPUT)
    if args.output_xlsx:
        try:
            from sizing_xl.excel.planning import write_perf_workbook  # openpyxl: on demand

            write_perf_workbook(curve, gpu, args.output_xlsx, lang=args.lang)
        except ImportError as exc:
            return excel_extra_missing(prog, exc)
        except (OSError, SizingError) as exc:
            return fail(prog, f"cannot write output: {exc}", EXIT_OUTPUT)
    if args.format == "json":
        sys.stdout.write(render_perf_json(curve, gpu, args.lang))
    elif args.format == "csv":
        sys.stdout.write(render_perf_csv(curve))
    else:
        sys.stdout.write(render_perf_text(curve, gpu, args.lang))
    return EXIT_OK
