"""The planning commands: `sizing sweep`, `sizing growth` and `sizing compare`."""

from __future__ import annotations

import argparse
import functools
import math
import sys
from collections.abc import Callable, Iterator, Sequence

from sizing_xl.catalog import Catalog
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
from sizing_xl.cli.flags import (
    REQUEST_FLAGS,
    REQUIRED,
    add_request_flags,
    args_catalog,
    request_fields,
    sizing_failure,
)
from sizing_xl.errors import CatalogError, InputError, SizingError, escape_controls, shown
from sizing_xl.files import output_target, xlsx_target
from sizing_xl.i18n import DEFAULT_LANG, LANGS
from sizing_xl.planning.compare import compare_servers
from sizing_xl.planning.growth import MAX_MONTHS, growth_plan, monthly_loads
from sizing_xl.planning.sweep import CONCURRENCY, Axis, checked_axes, iter_results, sweep_nodes
from sizing_xl.reports import comparison
from sizing_xl.reports import planning as out
from sizing_xl.request import make_request

MAX_POINTS = 100_000  # a sweep prints every point; more is a mistake, not a plan
EXCEL_COLUMNS = 16_384  # A to XFD
ALL_SERVERS = "all"

EPILOG = "Exit codes: 0 ok, 2 invalid input, 3 catalog error, 4 output not written."
DESCRIPTIONS = {
    "sweep": "Nodes per scenario over a grid of inputs: every sizing flag may be varied "
    "(--vary FIELD=A,B,C or FIELD=START..STOP/STEP); the other flags as in one sizing.",
    "growth": "The nodes and monthly cost each scenario needs as the load grows: the month "
    "each one needs more nodes.",
    "compare": "Servers ranked for one load, by monthly cost where prices exist and by nodes; "
    "under --method vllm or sglang each server is tried over its TP x PP layouts.",
}


def build_parser(command: str) -> argparse.ArgumentParser:
    p = Parser(prog=f"sizing {command}", description=DESCRIPTIONS[command], epilog=EPILOG)
    add_request_flags(p)
    plan = p.add_argument_group(command)
    if command == "sweep":
        plan.add_argument(
            "--vary",
            action="append",
            default=[],
            metavar="FIELD=VALUES",
            help="a sizing flag and its values: effective-context=8192,32768,131072 or "
            "concurrency=100..2000/100; repeatable, the last varying fastest",
        )
    elif command == "growth":
        plan.add_argument(
            "--growth-monthly",
            metavar="RATE",
            type=ascii_float,
            help="monthly load growth, e.g. 0.15",
        )
        plan.add_argument(
            "--months",
            metavar="N",
            type=ascii_int,
            default=24,
            help="months to plan (default: %(default)s)",
        )
        plan.add_argument(
            "--concurrency-by-month",
            metavar="N,N,...",
            help="the concurrency of each month from month 0, instead of --growth-monthly",
        )
    else:
        plan.add_argument(
            "--servers",
            metavar="A,B,...",
            help=f"servers to compare, comma-separated, or '{ALL_SERVERS}' for every catalog server",
        )
    o = p.add_argument_group("output")
    o.add_argument(
        "--lang", default=DEFAULT_LANG, choices=LANGS, help="language (default: %(default)s)"
    )
    o.add_argument(
        "--format",
        choices=("text", "json", "jsonl", "csv") if command == "sweep" else ("text", "json", "csv"),
        default="text",
        help="what to print on standard output (default: %(default)s)"
        + (
            "; json: one document, a compact point per line; jsonl: those lines alone"
            if command == "sweep"
            else ""
        ),
    )
    o.add_argument(
        "--output-xlsx",
        metavar="FILE",
        help='also write the table as a workbook (needs the excel extra: pip install ".[excel]")',
    )
    return p


def _number_range(text: str, kind: Callable[[str], object], flag: str) -> list[object]:
    """START..STOP/STEP, both ends included when the steps reach them."""
    span, _, step_text = text.partition("/")
    start_text, _, stop_text = span.partition("..")
    start, stop = kind(start_text), kind(stop_text)
    step = kind(step_text) if step_text else 1
    if not step > 0 or stop < start:  # type: ignore[operator]
        raise InputError(
            flag, f"expected START..STOP/STEP with STOP >= START and STEP > 0, got {shown(text)}"
        )
    ratio = (stop - start) / step  # type: ignore[operator]
    if not math.isfinite(ratio) or ratio >= MAX_POINTS:  # checked before any loop or int()
        raise InputError(
            flag, f"{shown(text)} gives more than the {MAX_POINTS:,} values a sweep takes"
        )
    count = math.floor(round(ratio, 9)) + 1
    if count > MAX_POINTS:
        raise InputError(flag, f"{count:,} values, more than the {MAX_POINTS:,} a sweep takes")
    if isinstance(start, int) and isinstance(step, int):
        return [start + i * step for i in range(count)]
    return [round(start + i * step, 9) for i in range(count)]  # type: ignore[operator]


def parse_vary(specs: Sequence[str], parser: argparse.ArgumentParser) -> list[Axis]:
    """--vary FIELD=VALUES into axes, each value read by its own flag's type."""
    actions = {a.dest: a for a in parser._actions if a.option_strings}
    fields = {*REQUIRED, *REQUEST_FLAGS}
    axes = []
    for spec in specs:
        name, sep, values = spec.partition("=")
        field = name.strip().removeprefix("--").replace("-", "_")
        if not sep or field not in fields or not values.strip():
            known = ", ".join(sorted(map(out.flag_name, fields)))
            raise InputError(
                "--vary", f"expected FIELD=VALUES with FIELD one of: {known}; got {shown(spec)}"
            )
        flag = f"--vary {out.flag_name(field)}"
        kind = actions[field].type or str
        try:
            if ".." in values and kind in (ascii_int, ascii_float):
                parsed = _number_range(values.strip(), kind, flag)
            else:
                parsed = [kind(v.strip()) for v in values.split(",")]
        except argparse.ArgumentTypeError as exc:
            raise InputError(flag, str(exc)) from None
        axes.append(Axis(field, tuple(parsed)))
    if not axes:
        raise InputError("--vary", "expected at least one --vary FIELD=VALUES")
    varied = [out.flag_name(a.field) for a in axes]
    if len(set(varied)) != len(varied):
        raise InputError("--vary", f"a field is varied twice: {', '.join(varied)}")
    if math.prod(len(a.values) for a in axes) > MAX_POINTS:
        raise InputError("--vary", f"more than the {MAX_POINTS:,} points a sweep takes")
    try:
        return list(checked_axes(axes))
    except InputError as exc:  # named as the user varied it
        raise InputError(f"--vary {out.flag_name(exc.field)}", exc.problem) from None


def _comma_ints(text: str, flag: str) -> list[int]:
    values = text.split(",")
    if len(values) > MAX_MONTHS + 1:  # counted before any is read
        raise InputError(
            flag, f"{len(values):,} months, more than the {MAX_MONTHS + 1} a plan takes"
        )
    try:
        return [ascii_int(v) for v in values]
    except argparse.ArgumentTypeError as exc:
        raise InputError(flag, str(exc)) from None


# What a command gives: its renderers per --format, and its workbook writer.
Output = tuple[dict[str, Callable[[], str | Iterator[str]]], Callable[[str], object]]


def _workbook(writer: str, *args: object, **kwargs: object) -> Callable[[str], object]:
    def write(path: str) -> object:
        from sizing_xl.excel import planning  # openpyxl: only when a workbook is asked for

        return getattr(planning, writer)(*args, path, **kwargs)

    return write


def _sweep(args: argparse.Namespace, parser: argparse.ArgumentParser, catalog: Catalog) -> Output:
    axes = parse_vary(args.vary, parser)
    base = request_fields(args, parser, given=[a.field for a in axes])
    request = make_request(**{**base, **{a.field: a.values[0] for a in axes}})
    grid = functools.cache(lambda: sweep_nodes(base, axes, catalog))
    if args.output_xlsx and len(axes) == 2 and len(axes[1].values) + 1 > EXCEL_COLUMNS:
        raise InputError(  # the Grid sheet puts the second axis across
            "--output-xlsx",
            f"the grid sheet would put {len(axes[1].values):,} {axes[1].field} values across, "
            f"past Excel's {EXCEL_COLUMNS:,} columns; give that --vary first (it goes down)",
        )

    def streamed(render: Callable[..., Iterator[str]]) -> Callable[[], Iterator[str]]:
        def pieces() -> Iterator[str]:
            grid()  # every point checked (fast, hoisted) before the first byte is written
            return render(iter_results(base, axes, catalog), args.lang)

        return pieces

    return {
        "json": streamed(out.stream_sweep_json),
        "jsonl": streamed(out.stream_sweep_jsonl),
        "csv": lambda: out.render_sweep_csv(grid()),
        "text": lambda: out.render_sweep_text(grid(), request, args.lang),
    }, lambda path: _workbook("write_sweep_workbook", grid(), request, lang=args.lang)(path)


def _growth(args: argparse.Namespace, parser: argparse.ArgumentParser, catalog: Catalog) -> Output:
    listed, growth = args.concurrency_by_month, args.growth_monthly
    base = request_fields(args, parser, given=[CONCURRENCY] if listed else [])
    if listed and growth is not None:
        raise InputError("--growth-monthly", "give it or --concurrency-by-month, not both")
    if listed:
        source, loads = "--concurrency-by-month", _comma_ints(listed, "--concurrency-by-month")
    elif growth is None:
        raise InputError("--growth-monthly", "expected a monthly growth rate, e.g. 0.15")
    else:
        source, loads = "--growth-monthly", monthly_loads(base[CONCURRENCY], growth, args.months)
    plan = growth_plan(base, loads, catalog, source=source)
    request = make_request(**{**base, CONCURRENCY: loads[0]})
    return {
        "json": lambda: out.render_growth_json(plan, args.lang),
        "csv": lambda: out.render_growth_csv(plan),
        "text": lambda: out.render_growth_text(plan, request, args.lang, growth),
    }, _workbook("write_growth_workbook", plan, request, lang=args.lang, growth=growth)


def _compare(args: argparse.Namespace, parser: argparse.ArgumentParser, catalog: Catalog) -> Output:
    if not args.servers:
        parser.error("missing --servers")
    names = [s.strip() for s in args.servers.split(",") if s.strip()]
    servers = list(catalog.servers) if names == [ALL_SERVERS] else names
    base = request_fields(args, parser, given=["server"])
    options = compare_servers(base, servers, catalog)
    request = make_request(**{**base, "server": options[0].server})
    return {
        "json": lambda: comparison.render_compare_json(options, args.lang),
        "csv": lambda: comparison.render_compare_csv(options),
        "text": lambda: comparison.render_compare_text(options, request, args.lang),
    }, _workbook("write_compare_workbook", options, request, lang=args.lang)


COMMANDS = {"sweep": _sweep, "growth": _growth, "compare": _compare}


def run(command: str, argv: Sequence[str]) -> int:
    parser = build_parser(command)
    args = parser.parse_args(argv)
    prog = parser.prog
    try:
        if args.output_xlsx:  # checked before any sizing
            output_target(xlsx_target(args.output_xlsx))
    except InputError as exc:
        return fail(prog, str(exc), EXIT_INPUT)
    except (OSError, SizingError) as exc:
        return fail(prog, f"cannot write output: {exc}", EXIT_OUTPUT)
    try:
        renderers, workbook = COMMANDS[command](args, parser, args_catalog(args))
        text = renderers[args.format]()  # a JSON sweep: pieces, written as they are made
    except (InputError, CatalogError) as exc:
        return sizing_failure(prog, exc)
    if args.output_xlsx:
        try:
            workbook(args.output_xlsx)
        except ImportError as exc:
            return excel_extra_missing(prog, exc)
        except (OSError, SizingError) as exc:
            return fail(prog, f"cannot write output: {exc}", EXIT_OUTPUT)
    try:
        for piece in [text] if isinstance(text, str) else text:
            sys.stdout.write(piece)
    except (InputError, CatalogError) as exc:  # checked before the first byte; kept as a guard
        sys.stdout.write("\n")
        return sizing_failure(prog, exc)
    if args.output_xlsx and args.format == "text":
        sys.stdout.write(f"→ {escape_controls(args.output_xlsx)}\n")
    return EXIT_OK
