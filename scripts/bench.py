#!/usr/bin/env python3
"""Benchmarks: each figure beside a naive reference measured in the same run, as a ratio."""

from __future__ import annotations

import argparse
import compileall
import itertools
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import _checkout  # this checkout's sizing_xl, installed or not

# isort: split
from sizing_xl.catalog.loading import CATALOG_FILES, _load_catalog, builtin_catalogs
from sizing_xl.scenarios import HEADLINE_CASE, as_flags

SEED_FLAGS = as_flags(HEADLINE_CASE)

# The naive reference: the seed's method in ten plain lines, no validation, no alerts.
NAIVE = """
import math
def naive(conc=1000, ctx=131072, full=18, sliding=18, window=128, heads=8, dim=64, nbytes=1,
          hbm_gb=2304, overhead=120):
    kv = 2 * (full * ctx + sliding * min(window, ctx)) * heads * dim * nbytes / 2**30
    out = []
    for ratio, headroom, spares in ((0.70, 0.0, 0), (0.70, 0.20, 1), (0.65, 0.30, 2)):
        per_node = math.floor((hbm_gb * 1e9 / 2**30 - overhead) * ratio / kv)
        out.append(math.ceil(conc * (1 + headroom) / per_node) + spares)
    return out
"""


# The naive CLI: the same flags through argparse, the three node counts printed as JSON.
NAIVE_CLI = """
import argparse, json
parser = argparse.ArgumentParser()
for flag in ("--model", "--server", "--storage", "--concurrency", "--effective-context"):
    parser.add_argument(flag)
args = parser.parse_args()
print(json.dumps(naive(conc=int(args.concurrency), ctx=int(args.effective_context))))
"""


def per_call(fn: Callable[[], object], *, seconds: float = 0.5) -> float:
    """Median seconds per call over repeated batches lasting about `seconds` in all."""
    fn()
    n, t0 = 1, time.perf_counter()
    while time.perf_counter() - t0 < 0.05:
        fn()
        n += 1
    batch = max(1, n)
    samples = []
    end = time.perf_counter() + seconds
    while time.perf_counter() < end or len(samples) < 5:
        t = time.perf_counter()
        for _ in range(batch):
            fn()
        samples.append((time.perf_counter() - t) / batch)
    return statistics.median(samples)


def wall(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, cwd=_checkout.ROOT)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def row(label: str, ours: float, ref: float, ref_label: str) -> None:
    print(
        f"  {label:<44}{ours * 1e3:>10.3f} ms   {ref_label} {ref * 1e3:.3f} ms   "
        f"ratio {ours / ref:>7.1f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7, help="subprocess runs per start-up figure")
    args = parser.parse_args()

    from sizing_xl import load_catalog, make_request, size
    from sizing_xl.capacity import method_input, resolve_weights
    from sizing_xl.deployment import plan_deployment
    from sizing_xl.methods import vllm
    from sizing_xl.reports.executive import render_executive_report
    from sizing_xl.reports.text import render_json, render_text_report

    namespace: dict = {}
    exec(NAIVE, namespace)
    naive = namespace["naive"]
    assert naive() == [2, 3, 5]

    catalog = load_catalog()
    request = make_request(**HEADLINE_CASE)
    result = size(request, catalog)
    assert [result.scenario(n).nodes_final for n in ("minimum", "recommended", "ideal")] == [
        2,
        3,
        5,
    ]

    print(f"sizing_xl benchmarks (Python {sys.version.split()[0]}), median of repeated runs")
    print("in-process")
    t_naive = per_call(naive)
    row("size(): 3 scenarios + alerts", per_call(lambda: size(request, catalog)), t_naive, "naive")
    row(
        "make_request() + size()",
        per_call(
            lambda: size(
                make_request(
                    model="opt-oss-120b",
                    server="dgx300",
                    concurrency=1000,
                    effective_context=131072,
                ),
                catalog,
            )
        ),
        t_naive,
        "naive",
    )
    # The engine methods against the seed's: one whole sizing each (the seed one carries the
    # vLLM check too), and the vLLM arithmetic alone against one seed sizing.
    t_seed = per_call(lambda: size(request, catalog))
    for method in ("vllm", "sglang"):
        other = make_request(**HEADLINE_CASE, method=method)
        row(
            f"size(), --method {method}", per_call(lambda r=other: size(r, catalog)), t_seed, "seed"
        )
    model, server = catalog.model(request.model), catalog.server(request.server)
    plan = plan_deployment(
        tensor_parallel=1, pipeline_parallel=1, gpus_per_node=server.gpus_per_node, server="x"
    )
    base = method_input(request, model, server, plan, resolve_weights(model, request))
    row(
        "vLLM check (node_capacity) alone",
        per_call(lambda: vllm.node_capacity(base)),
        t_seed,
        "seed size()",
    )
    # The packaged catalogs (checked by a test, read with json.loads and the schemas) against
    # json.loads of the same files; a user's catalog of 10,000 models, checked in full (no
    # repeated keys, finite bounded numbers, safe text, schemas), against json.loads of it.
    files = [builtin_catalogs().joinpath(name) for name in CATALOG_FILES.values()]
    raw = [f.read_bytes() for f in files]
    row(
        "load the built-in catalogs",
        per_call(lambda: _load_catalog.__wrapped__(()), seconds=1),
        per_call(lambda: [json.loads(b) for b in raw], seconds=1),
        "json.loads",
    )
    with tempfile.TemporaryDirectory() as big:
        big_models = write_big_catalog(Path(big))
        row(
            "  + a user catalog of 10,000 models",
            per_call(lambda: _load_catalog.__wrapped__((big,)), seconds=2)
            - per_call(lambda: _load_catalog.__wrapped__(()), seconds=1),
            per_call(lambda: json.loads(big_models.read_bytes()), seconds=2),
            "json.loads",
        )
    row("text report", per_call(lambda: render_text_report(result)), t_naive, "naive")
    row("JSON document", per_call(lambda: render_json(result)), t_naive, "naive")
    row(
        "executive report (Markdown)",
        per_call(lambda: render_executive_report(result)),
        t_naive,
        "naive",
    )

    planning_figures(catalog, naive)
    perf_figures(catalog, t_naive)

    try:
        from sizing_xl.excel.director.workbook import build_director_workbook
    except ImportError:
        build_director_workbook = None
    if build_director_workbook is not None:
        import openpyxl

        # The reference: the same cells (values and formulas) in bare sheets of the same
        # names, without styles, charts, validations or defined names: what openpyxl alone costs
        book = build_director_workbook(result)
        cells = {
            ws.title: [
                (c.row, c.column, c.value) for r in ws.iter_rows() for c in r if c.value is not None
            ]
            for ws in book.worksheets
        }

        def naive_workbook(path: Path) -> None:
            wb = openpyxl.Workbook()
            wb.remove(wb.active)
            for title, values in cells.items():
                ws = wb.create_sheet(title)
                for r, c, value in values:
                    ws.cell(row=r, column=c, value=value)
            wb.save(path)

        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "bench.xlsx"
            t_bare = per_call(lambda: naive_workbook(out), seconds=2)
            t_book = per_call(lambda: build_director_workbook(result).save(out), seconds=2)
        count = sum(map(len, cells.values()))
        row(
            f"director workbook ({len(cells)} sheets)", t_book, t_bare, f"same {count:,} cells bare"
        )
    excel_figures(t_naive)

    print("start-up (a whole process, as a shell runs it)")
    # An installed copy runs from bytecode pip compiled at install; a checkout compiles its
    # sources on every run where PYTHONDONTWRITEBYTECODE is set. Compile them first, so the
    # figure is what a user's shell sees.
    compileall.compile_dir(_checkout.ROOT / "sizing_xl", quiet=1)
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as fh:
        fh.write(NAIVE + NAIVE_CLI)
        naive_script = fh.name
    t_naive_proc = wall([sys.executable, naive_script, *SEED_FLAGS], args.runs)
    t_bare = wall([sys.executable, "-c", "pass"], args.runs)
    t_text = wall([sys.executable, "-m", "sizing_xl", *SEED_FLAGS], args.runs)
    row("sizing (text report)", t_text, t_naive_proc, "naive argparse+json")  # goal: at most 4x
    row(
        "sizing --format json",
        wall([sys.executable, "-m", "sizing_xl", *SEED_FLAGS, "--format", "json"], args.runs),
        t_naive_proc,
        "naive argparse+json",
    )
    # issue 18's goal: a user catalog of 10,000 models costs at most half a start-up more
    with tempfile.TemporaryDirectory() as big:
        write_big_catalog(Path(big))
        row(
            "sizing --catalog-dir (10,000 models)",
            wall([sys.executable, "-m", "sizing_xl", *SEED_FLAGS, "--catalog-dir", big], args.runs),
            t_text,
            "sizing",
        )
    sweep_figures(args.runs)
    import_times([sys.executable, "-X", "importtime", "-m", "sizing_xl", *SEED_FLAGS])
    for module in ("pydantic", "openpyxl", "xlwings"):
        t = wall([sys.executable, "-c", f"import {module}"], args.runs) - t_bare
        print(
            f"  import {module:<37}{t * 1e3:>10.1f} ms   (over a bare interpreter, "
            f"{t_bare * 1e3:.1f} ms)"
        )
    Path(naive_script).unlink()
    print(
        f"  (naive reference in-process: {t_naive * 1e6:.2f} µs per call; "
        f"{math.floor(1 / t_naive):,} calls/s)"
    )


def write_big_catalog(directory: Path) -> Path:
    """DIR/models.json: 10,000 entries, the packaged models under new names, in turn."""
    models = json.loads(builtin_catalogs().joinpath("models.json").read_bytes())
    items = list(models.items())
    big = {f"{name}-u{i}": body for i in range(10_000) for name, body in [items[i % len(items)]]}
    path = directory / "models.json"
    path.write_text(json.dumps(big, indent=2, ensure_ascii=False), encoding="utf-8")
    return path


def import_times(cmd: list[str]) -> None:
    """What a sizing imports (python -X importtime), each top-level module with all it holds
    (sizing_xl's own by module or package: sizing_xl.results, sizing_xl.catalog), from the
    slowest; the text path should import no module it does not call."""
    stderr = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=_checkout.ROOT)
    own: dict[str, int] = {}
    for line in stderr.stderr.splitlines():
        fields = line.removeprefix("import time:").split("|")
        if len(fields) != 3 or not fields[0].strip().isdigit():
            continue  # the header
        name = fields[2].strip()
        parts = name.split(".")
        top = ".".join(parts[:2]) if parts[0] == "sizing_xl" and len(parts) > 1 else parts[0]
        own[top] = own.get(top, 0) + int(fields[0])  # self time: nothing counted twice
    print(
        f"  imports of a sizing (python -X importtime, self times by top-level module; "
        f"{sum(own.values()) / 1e3:.1f} ms in all, importtime's own cost included)"
    )
    for name, us in sorted(own.items(), key=lambda item: -item[1]):
        if us >= 2000:
            print(f"    {name:<42}{us / 1e3:>10.1f} ms")


# A process that runs a command and reports its peak memory (VmHWM: a forked child's
# ru_maxrss may carry its parent's peak across exec).
PEAK = """
import sys
with open(sys.argv[1], "w", encoding="utf-8") as sys.stdout:
    if sys.argv[2] == "naive":
        code = exec(sys.argv[3]) or 0
    else:
        from sizing_xl.cli import run
        code = run(sys.argv[2:])
peak = next(line for line in open("/proc/self/status") if line.startswith("VmHWM"))
sys.stderr.write(f"{code} {int(peak.split()[1]) / 1024}")
"""
# The naive sweep: the bare formula at 10,000 points, a JSON line each.
NAIVE_SWEEP = (
    NAIVE
    + """
import json, sys
for ctx in range(1024, 129725, 1300):
    for conc in range(100, 10001, 100):
        nodes = naive(conc=conc, ctx=ctx)
        sys.stdout.write(json.dumps({"inputs": {"effective_context": ctx, "concurrency": conc},
                                     "nodes": nodes}) + "\\n")
"""
)


def sweep_figures(runs: int) -> None:
    """`sizing sweep` 100 x 100 as JSON and JSON Lines (issue 18's goal: at most 2 s and 100
    MiB, points streamed), whole processes start to end, against a naive sweep (the bare
    formula, a JSON line per point) in a process of its own; runs interleaved."""
    grid = ["--vary", "effective-context=1024..129724/1300", "--vary", "concurrency=100..10000/100"]
    sweep = ["sweep", "--model", "opt-oss-120b", "--server", "dgx300", *grid, "--format"]
    cases = {"json": [*sweep, "json"], "jsonl": [*sweep, "jsonl"], "naive": ["naive", NAIVE_SWEEP]}
    seen: dict[str, list[tuple[float, float, int]]] = {name: [] for name in cases}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        for _ in range(max(1, runs // 3)):
            for name, argv in cases.items():
                start = time.perf_counter()
                proc = subprocess.run(
                    [sys.executable, "-c", PEAK, str(out), *argv],
                    capture_output=True, text=True, check=True, cwd=_checkout.ROOT,
                )  # fmt: skip
                seconds = time.perf_counter() - start
                code, mib = proc.stderr.split()[-2:]
                assert code == "0", proc.stderr
                seen[name].append((seconds, float(mib), out.stat().st_size))
    median = {
        name: tuple(statistics.median(v) for v in zip(*rows, strict=True))
        for name, rows in seen.items()
    }
    naive_s = median["naive"][0]
    for name in ("json", "jsonl"):
        seconds, mib, size = median[name]
        row(f"sizing sweep 100 x 100, --format {name}", seconds, naive_s, "naive sweep")
        print(f"    peak memory {mib:.0f} MiB, {size / 1e6:.0f} MB written")


def planning_figures(catalog, naive: Callable[..., list[int]]) -> None:
    """A 100 x 100 context x concurrency grid: the sweep engine against a nested loop of the
    bare formula, and against one make_request() + size() per point."""
    from sizing_xl import make_request, size
    from sizing_xl.planning.sweep import Axis, sweep_nodes

    contexts = tuple(range(1024, 131073, 1300))[:100]
    loads = tuple(range(100, 10001, 100))
    axes = [Axis("effective_context", contexts), Axis("concurrency", loads)]
    grid = sweep_nodes(HEADLINE_CASE, axes, catalog)
    bare = [naive(conc=c, ctx=x) for x in contexts for c in loads]
    assert [list(n) for n in grid.nodes] == bare  # the same 30,000 node counts
    t_sweep = per_call(lambda: sweep_nodes(HEADLINE_CASE, axes, catalog), seconds=2)
    t_bare = per_call(lambda: [naive(conc=c, ctx=x) for x in contexts for c in loads], seconds=2)
    some = [(x, c) for x in contexts[:10] for c in loads[:10]]
    t_each = (
        per_call(
            lambda: [
                size(
                    make_request(**{**HEADLINE_CASE, "effective_context": x, "concurrency": c}),
                    catalog,
                )
                for x, c in some
            ],
            seconds=2,
        )
        * len(bare)
        / len(some)
    )
    print("planning")
    row("100 x 100 grid, sweep_nodes()", t_sweep, t_bare, "nested loop")
    row("  same, make_request() + size() per point", t_each, t_bare, "nested loop")
    ranges_figures(catalog, naive)


def perf_figures(catalog, t_naive: float) -> None:
    """One step-time estimate (issue 19's goal: at most 50 µs in-process) beside the naive
    seed formula, and a 100-load curve through `sizing perf`'s engine."""
    from sizing_xl.planning.perf import perf_curve
    from sizing_xl.step_time import estimate_step, perf_constants

    model, server = catalog.model("llama-3.1-70b"), catalog.server("dgx-h100")
    constants = perf_constants()

    def one() -> object:
        return estimate_step(
            model=model,
            server=server,
            weights_bytes=141e9,
            weights_precision="bf16",
            tensor_parallel=8,
            kv_bytes_per_element=2,
            input_tokens=1024,
            output_tokens=1024,
            concurrency=64,
            max_batch=670,
            constants=constants,
        )

    loads = list(range(1, 101))

    def curve() -> object:
        return perf_curve(
            model="llama-3.1-70b",
            server="dgx-h100",
            tensor_parallel=8,
            input_tokens=1024,
            output_tokens=1024,
            concurrencies=loads,
            catalog=catalog,
        )

    print("throughput (step-time model)")
    row("one estimate_step()", per_call(one), t_naive, "naive")
    row("  a 100-load curve, perf_curve()", per_call(curve), t_naive * 100, "100 naive")


def ranges_figures(catalog, naive: Callable[..., list[int]]) -> None:
    """10,000 samples of the seed case over five uncertain inputs (load, headroom, price,
    energy, life; goal: under 2 s), against 10,000 bare formulas and 10,000 size() calls."""
    from sizing_xl import make_request, size
    from sizing_xl.planning.ranges import Uncertain, size_ranges

    base = {**HEADLINE_CASE, "node_price_usd": 500_000, "output_tokens_per_session_per_hour": 3600}
    uncertain = [
        Uncertain(field="concurrency", low=800, high=1500, distribution="triangular"),
        Uncertain(field="peak_headroom_ratio", low=0.1, high=0.3),
        Uncertain(field="node_price_usd", low=400_000, high=600_000),
        Uncertain(field="usd_per_kwh", low=0.08, high=0.2),
        Uncertain(field="hardware_life_years", low=4, high=6),
    ]
    n = 10_000
    t_ranges = per_call(lambda: size_ranges(base, uncertain, samples=n, catalog=catalog), seconds=3)
    t_bare = per_call(lambda: [naive(conc=800 + i % 700) for i in range(n)], seconds=1)
    loads = range(800, 1000)
    t_size = (
        per_call(
            lambda: [size(make_request(**{**base, "concurrency": c}), catalog) for c in loads],
            seconds=2,
        )
        * n
        / len(loads)
    )
    row("ranges: 10,000 samples, 5 inputs", t_ranges, t_bare, "bare loop")
    row("  same, make_request() + size() per sample", t_size, t_bare, "bare loop")


def excel_figures(t_naive: float) -> None:
    """A UDF cell as Sizing.xlsm calls it: wb_models and wb_servers, header to last name; and a
    500-row range, mostly blank, as a hand-made formula might pass."""
    try:
        import openpyxl

        import sizing_xl.udfs as udfs
        from sizing_xl.udfs.base import clear_caches
    except ImportError:
        return
    book = openpyxl.load_workbook(_checkout.ROOT / "workbook" / "Sizing.xlsm")

    def excel_range(name: str, rows: int | None = None) -> list[list]:
        ws = book[name]
        filled = sum(1 for (c,) in ws.iter_rows(max_col=1) if c.value is not None)
        return [
            [float(v) if isinstance(v, int) and not isinstance(v, bool) else v for v in r]
            for r in ws.iter_rows(max_row=rows or filled, max_col=ws.max_column, values_only=True)
        ]

    head = ("opt-oss-120b", "dgx300", 1000.0, 131072.0, "recommended", *[None] * 5)

    def calls(rows: int | None):
        models, servers = excel_range("Models", rows), excel_range("Servers", rows)
        # xlwings hands every call fresh lists; built beforehand, so their cost (xlwings',
        # not ours) stays out of the figure
        fresh = itertools.cycle(
            [([list(r) for r in models], [list(r) for r in servers]) for _ in range(16)]
        )
        return lambda: udfs.SIZING_NODES_FINAL(*head, *next(fresh))

    cell, blank_rows = calls(None), calls(500)

    def uncached() -> object:
        clear_caches()
        return cell()

    print("excel (xlwings UDFs, in-process)")
    row("SIZING_NODES_FINAL, workbook names", per_call(cell), t_naive, "naive")
    row("  same, 500-row ranges, mostly blank", per_call(blank_rows), t_naive, "naive")
    row("  same, nothing cached", per_call(uncached), per_call(cell), "cached")
    formulas = sum(
        1
        for ws in book.worksheets
        for r in ws.iter_rows()
        for c in r
        if isinstance(c.value, str) and c.value.startswith("=") and "SIZING_" in c.value
    )
    print(
        f"  one recalculation of Sizing.xlsm's {formulas} UDF cells ≈ "
        f"{formulas * per_call(cell) * 1e3:.1f} ms"
    )


def lite_figures() -> None:
    """The SIZING_* calls of tests/pyodide/calls.py in Pyodide (xlwings Lite's Python) beside
    the same calls in this CPython; needs node and the cache tests/test_pyodide.py fills."""
    import shutil

    root = Path(__file__).resolve().parent.parent
    cache = Path(os.environ.get("SIZING_XL_PYODIDE_CACHE", Path.home() / ".cache" / "sizing_xl"))
    modules = next(cache.glob("pyodide-*/node_modules"), None)
    wheels = cache / "pyodide-wheels"
    node = shutil.which("node")
    print("excel (xlwings Lite: Pyodide in Node, all 75 calls of tests/pyodide/calls.py)")
    if node is None or modules is None or not any(wheels.glob("*.whl")):
        print("  skipped: needs node and a first run of tests/test_pyodide.py (it fetches Pyodide)")
        return
    # this checkout's package, installed or not (calls.py runs from tests/pyodide/)
    env = {**os.environ, "XLWINGS_LICENSE_KEY": "noncommercial", "PYTHONPATH": str(root)}
    calls = root / "tests" / "pyodide" / "calls.py"
    with tempfile.TemporaryDirectory() as tmp:
        for wheel in wheels.glob("*.whl"):
            shutil.copy(wheel, tmp)
        subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps",
                        "--no-build-isolation", "-w", tmp, str(root)], check=True)  # fmt: skip
        here = json.loads(subprocess.run([sys.executable, str(calls)], env=env, cwd=root,
                                         capture_output=True, text=True, check=True).stdout)  # fmt: skip
        lite = subprocess.run([node, str(root / "tests" / "pyodide" / "run.mjs"), str(modules),
                               tmp, str(calls)], capture_output=True, text=True, check=True)  # fmt: skip
    wasm = json.loads(lite.stdout.splitlines()[-1])
    row("75 SIZING_* calls in Pyodide", wasm["seconds"], here["seconds"], "CPython")
    print(f"  Pyodide {wasm['python']} start-up with the wheels: {wasm['load_seconds']:.1f} s")


if __name__ == "__main__":
    main()
    lite_figures()
