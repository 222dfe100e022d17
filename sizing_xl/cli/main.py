"""`sizing` itself: the seed CLI's flags, text/JSON/Markdown outputs and catalog listing."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from sizing_xl import __version__
from sizing_xl.catalog import Catalog
from sizing_xl.catalog.loading import CATALOG_ENV_VAR
from sizing_xl.cli.common import (
    EXIT_INPUT,
    EXIT_OK,
    EXIT_OUTPUT,
    Parser,
    ascii_float,
    ascii_int,
    excel_extra_missing,
    fail,
)
from sizing_xl.cli.flags import add_request_flags, args_catalog, request_fields, sizing_failure
from sizing_xl.errors import (
    CatalogError,
    InputError,
    SizingError,
    escape_controls,
    nearest,
    shown,
)
from sizing_xl.files import output_target, write_text_atomic, xlsx_target
from sizing_xl.i18n import DEFAULT_LANG, LANGS, Lang
from sizing_xl.planning import DEFAULT_SAMPLES, MAX_SAMPLES
from sizing_xl.reports.focus import focus_period
from sizing_xl.reports.text import render_json, render_text_report
from sizing_xl.scenarios import make_request, size

if TYPE_CHECKING:
    from sizing_xl.planning.ranges import Ranges

PLAN_COMMANDS = ("sweep", "growth", "compare")  # sizing_xl.cli.plan
# Each command with the line `sizing --help` gives it
COMMANDS = {
    "sweep": "size a grid of points (contexts, loads, precisions...) in one run",
    "growth": "nodes month by month as the load grows",
    "compare": "the same load on several servers, each at its best layout, with costs",
    "calibrate": "read a vLLM start-up log and write the catalog entries it implies",
    "model-from-config": "turn a Hugging Face config.json into a models.json entry",
    "perf": "TTFT, TPOT and tokens/s of one replica under a benchmark's load",
}


def build_parser() -> argparse.ArgumentParser:
    p = Parser(
        prog="sizing",
        description="Size GPU nodes for memory-bound LLM inference: KV cache per session, "
        "sessions per node and nodes for the Minimum, Recommended and Ideal scenarios.",
        epilog="commands (sizing COMMAND --help):\n"
        + "".join(f"  {name:<18} {line}\n" for name, line in COMMANDS.items())
        + f"\nExtra catalog directories can also be given in ${CATALOG_ENV_VAR} (separated\n"
        "like PATH). Exit codes: 0 ok, 2 invalid input, 3 catalog error, 4 output not written.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    cat = add_request_flags(p)
    out = p.add_argument_group("output")
    out.add_argument(
        "--lang", default=DEFAULT_LANG, choices=LANGS, help="report language (default: %(default)s)"
    )
    out.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="what to print on standard output (default: %(default)s)",
    )
    out.add_argument(
        "--executive-report",
        action="store_true",
        help="print the executive report (Markdown) instead of the text report",
    )
    out.add_argument("--output-json-file", metavar="FILE", help="also write the JSON result")
    out.add_argument(
        "--output-markdown-file", metavar="FILE", help="also write the executive report (Markdown)"
    )
    out.add_argument(
        "--output-focus",
        metavar="FILE",
        help="also write the monthly costs as a FOCUS forecast (FinOps Open Cost and Usage "
        "Specification columns, CSV): month x scenario x cost component",
    )
    out.add_argument(
        "--focus-start",
        metavar="YYYY-MM",
        help="the forecast's first month (default: next month)",
    )
    out.add_argument(
        "--focus-months",
        type=ascii_int,
        default=12,
        metavar="N",
        help="months the forecast covers, 1 to 120 (default: %(default)s)",
    )
    out.add_argument(
        "--output-xlsx",
        metavar="FILE",
        help="also write the director's workbook (.xlsx; needs the excel extra: "
        'pip install ".[excel]")',
    )
    ranges = p.add_argument_group("ranges")
    ranges.add_argument(
        "--uncertain",
        action="append",
        default=[],
        metavar="FIELD=LOW..HIGH[:DIST]",
        help="an input known only as a range: concurrency=800..1500, usd-per-kwh=0.08..0.2:"
        "triangular, hardware-life-years=4..6; DIST uniform (default), triangular (peak at the "
        "flag's value) or loguniform; repeatable. Adds P10/P50/P90 of nodes and money and a "
        "tornado to the text and JSON reports and the workbook's Executive page",
    )
    ranges.add_argument(
        "--samples",
        type=ascii_int,
        default=DEFAULT_SAMPLES,
        metavar="N",
        help=f"samples drawn for --uncertain, 1 to {MAX_SAMPLES:,} (default: %(default)s)",
    )
    ranges.add_argument(
        "--sample-seed",
        type=ascii_int,
        default=0,
        metavar="N",
        help="seed of the draws: the same seed gives the same ranges (default: %(default)s)",
    )
    cat.add_argument(
        "--list",
        nargs="?",
        const="all",
        choices=("all", "models", "servers", "storage", "cloud", "finance", "api"),
        help="list what the catalogs hold and exit",
    )
    p.add_argument("--version", action="version", version=f"sizing_xl {__version__}")
    return p


def _ranges(args: argparse.Namespace, fields: dict[str, object], catalog: Catalog) -> Ranges | None:
    """The --uncertain ranges around the sizing, or None when no input is uncertain."""
    if not args.uncertain:
        return None
    # imported here: only --uncertain samples, the seed text/JSON path never loads ranges.py
    from sizing_xl.planning.ranges import parse_uncertain, size_ranges

    uncertain = []
    for text in args.uncertain:
        try:
            uncertain.append(parse_uncertain(text, ascii_float))
        except argparse.ArgumentTypeError as exc:
            raise InputError("--uncertain", str(exc)) from None
    return size_ranges(
        fields, uncertain, samples=args.samples, seed=args.sample_seed, catalog=catalog
    )


def run(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["calibrate"]:
        from sizing_xl.cli import (
            calibrate as cli_calibrate,  # a separate command with its own flags
        )

        return cli_calibrate.run(argv[1:])
    if argv[:1] and argv[0] in PLAN_COMMANDS:
        from sizing_xl.cli import plan as cli_plan

        return cli_plan.run(argv[0], argv[1:])
    if argv[:1] == ["perf"]:
        from sizing_xl.cli import perf as cli_perf

        return cli_perf.run(argv[1:])
    if argv[:1] == ["model-from-config"]:
        from sizing_xl.cli import model_from_config as cli_import

        return cli_import.run(argv[1:])
    if argv[:1] and not argv[0].startswith("-"):  # a word where a command or flag goes
        near = nearest(argv[0], list(COMMANDS))
        hint = f"; did you mean {near}?" if near else f" (commands: {', '.join(COMMANDS)})"
        return fail("sizing", f"unknown command {shown(argv[0])}{hint}", EXIT_INPUT)
    parser = build_parser()
    args = parser.parse_args(argv)
    lang: Lang = args.lang
    prog = parser.prog
    try:
        catalog = args_catalog(args)
        if args.list:
            from sizing_xl.reports.listing import render_catalog_listing  # --list only

            sys.stdout.write(render_catalog_listing(catalog, args.list, lang))
            return EXIT_OK
        fields = request_fields(args, parser)
        result = size(make_request(**fields), catalog)
        ranges = _ranges(args, fields, catalog)
        # checked before any file is written
        focus = focus_period(args.focus_start, args.focus_months) if args.output_focus else None
    except (InputError, CatalogError) as exc:
        return sizing_failure(prog, exc)

    paths = (args.output_json_file, args.output_markdown_file, args.output_focus, args.output_xlsx)
    outputs = [f for f in paths if f]
    try:
        if args.output_xlsx:  # every path checked before any is written
            xlsx_target(args.output_xlsx)
        for path in outputs:
            output_target(path)
        if args.output_json_file:
            write_text_atomic(args.output_json_file, render_json(result, lang=lang, ranges=ranges))
        if args.output_markdown_file:
            from sizing_xl.reports.executive import render_executive_report

            write_text_atomic(args.output_markdown_file, render_executive_report(result, lang=lang))
        if args.output_focus:
            from sizing_xl.reports.focus import render_focus_csv

            start, months = focus
            write_text_atomic(
                args.output_focus, render_focus_csv(result, start=start, months=months)
            )
        if args.output_xlsx:
            # imported here: openpyxl costs ~290 ms, which the text/JSON path never pays
            from sizing_xl.excel.director.workbook import write_director_workbook

            write_director_workbook(
                result, args.output_xlsx, lang=lang, catalog=catalog, ranges=ranges
            )
    except InputError as exc:
        return fail(prog, f"{exc}", EXIT_INPUT)
    except ImportError as exc:
        return excel_extra_missing(prog, exc)
    except (OSError, SizingError) as exc:
        return fail(prog, f"cannot write output: {exc}", EXIT_OUTPUT)

    if args.format == "json":
        sys.stdout.write(render_json(result, lang=lang, ranges=ranges))
    elif args.executive_report and not args.output_markdown_file:
        from sizing_xl.reports.executive import render_executive_report  # its templates: on demand

        sys.stdout.write(render_executive_report(result, lang=lang))
    else:
        sys.stdout.write(render_text_report(result, lang=lang))
        if ranges is not None:
            from sizing_xl.reports.ranges import render_ranges_text

            sys.stdout.write(render_ranges_text(ranges, lang))
        for path in outputs:
            sys.stdout.write(f"→ {escape_controls(path)}\n")
    return EXIT_OK


def main() -> None:
    try:
        code = run()
    except KeyboardInterrupt:
        code = 130
    except BrokenPipeError:  # `sizing ... | head` closing the pipe is not an error
        code = EXIT_OK
    sys.exit(code)
