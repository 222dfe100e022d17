"""The planning faces: `sizing sweep`, `sizing growth`, `sizing compare`, their CSV, JSON and
workbooks, held to single sizings of the same points."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sizing_xl import load_catalog, make_request, size
from sizing_xl.cli import run
from sizing_xl.cli.common import EXIT_INPUT, EXIT_OK
from sizing_xl.planning.compare import best_option, compare_servers, layouts, monthly_cost
from sizing_xl.planning.growth import growth_plan, monthly_loads
from sizing_xl.reports.text import render_json
from sizing_xl.scenarios import SCENARIO_NAMES
from tests.conftest import SEED_ARGS, SEED_FLAGS

CATALOG = load_catalog()
SOME = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def nodes_of(args: dict) -> dict:
    result = size(make_request(**args), CATALOG)
    return {n: result.scenario(n).nodes_final for n in SCENARIO_NAMES}


def cli(capsys, *args: str) -> tuple[int, str, str]:
    code = run(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# --- sweep ----------------------------------------------------------------------------------


def test_sweep_csv_holds_every_point_equal_to_a_single_sizing(capsys):
    code, out, _ = cli(
        capsys, "sweep", *SEED_FLAGS, "--vary", "effective-context=8192,131072",
        "--vary", "concurrency=500..2000/500", "--format", "csv",
    )  # fmt: skip
    assert code == EXIT_OK
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 2 * 4
    for row in rows:
        point = {
            "effective_context": int(row["effective_context"]),
            "concurrency": int(row["concurrency"]),
        }
        expected = nodes_of({**SEED_ARGS, **point})
        assert {n: int(row[f"{n}_nodes"]) for n in SCENARIO_NAMES} == expected
    seed = next(
        r for r in rows if r["concurrency"] == "1000" and r["effective_context"] == "131072"
    )
    assert [seed[f"{n}_nodes"] for n in SCENARIO_NAMES] == ["2", "3", "5"]


def test_sweep_text_is_a_table_in_the_chosen_language(capsys):
    code, out, _ = cli(
        capsys, "sweep", *SEED_FLAGS, "--vary", "kv-precision=fp8,fp16", "--lang", "en"
    )
    assert code == EXIT_OK
    lines = out.splitlines()
    assert lines[0] == "Nodes per scenario: opt-oss-120b on dgx300, method seed"
    assert lines[2].split() == ["KV", "precision", "Minimum", "Recommended", "Ideal"]
    assert lines[4].split() == ["fp8", "2", "3", "5"] and lines[5].split() == [
        "fp16",
        "4",
        "5",
        "7",
    ]
    _, pt, _ = cli(capsys, "sweep", *SEED_FLAGS, "--vary", "kv-precision=fp8")
    assert "Mínimo" in pt and "Recomendado" in pt
    assert pt.splitlines()[2].startswith("Precisão KV") and "kv-precision" not in pt


def test_sweep_json_lists_points_with_the_single_sizing_document(capsys):
    code, out, _ = cli(
        capsys, "sweep", *SEED_FLAGS, "--vary", "concurrency=1000,2000", "--format", "json"
    )
    assert code == EXIT_OK
    points = json.loads(out)["points"]
    assert [p["inputs"] for p in points] == [{"concurrency": 1000}, {"concurrency": 2000}]
    single = json.loads(_single_json(capsys))
    assert points[0]["scenarios"] == single["scenarios"]


@pytest.mark.parametrize(
    "order",
    [("concurrency", "context", "precision"), ("context", "concurrency", "precision")],
)
def test_every_sweep_point_is_the_single_sizing_in_json_and_json_lines(capsys, order):
    """Points sized from a stage shared across concurrencies (planning/sweep.iter_results),
    wherever the concurrency axis sits, equal single sizings; a JSON Lines line is the JSON
    document's point."""
    vary = {
        "concurrency": "concurrency=1,700,5000",
        "context": "effective-context=4096,131072,300000",
        "precision": "kv-precision=fp8,bf16",
    }
    flags = ["sweep", "--model", "llama-3.1-70b", "--server", "dgx-h100", "--lang", "en"]
    flags += [arg for axis in order for arg in ("--vary", vary[axis])]
    flags += ["--concurrency", "1", "--effective-context", "1", "--min-tokens-per-second", "20"]
    code, out, _ = cli(capsys, *flags, "--format", "json")
    assert code == EXIT_OK
    points = json.loads(out)["points"]
    code, out, _ = cli(capsys, *flags, "--format", "jsonl")
    assert code == EXIT_OK
    lines = [json.loads(line) for line in out.splitlines()]
    assert lines == points and len(points) == 18
    for point in points:
        args = {"model": "llama-3.1-70b", "server": "dgx-h100", "min_tokens_per_second": 20}
        result = json.loads(render_json(size(make_request(**args, **point["inputs"])), lang="en"))
        assert point["scenarios"] == result["scenarios"], point["inputs"]
        assert point["alerts"] == result["alerts"], point["inputs"]
    assert any(p["alerts"] for p in points)  # the context past the model's maximum


def test_sweep_points_are_the_same_whatever_sub_records_are_held(capsys, monkeypatch):
    """A stage's throughput and engine memory enter each point's text once encoded (planning
    reports' point_lines): holding one at a time, each pushed out by the next, writes the same
    points as holding them all, and each point parses to what its sizing's document says."""
    import sizing_xl.reports.planning as planning

    flags = ["sweep", "--model", "llama-3.1-70b", "--server", "dgx-h100", "--lang", "en"]
    flags += ["--vary", "effective-context=4096,131072", "--vary", "concurrency=1,700,5000"]
    flags += ["--method", "vllm", "--format", "jsonl"]
    code, held_all, _ = cli(capsys, *flags)
    assert code == EXIT_OK
    monkeypatch.setattr(planning, "HELD_SUBRECORDS", 1)
    code, held_one, _ = cli(capsys, *flags)
    assert code == EXIT_OK and held_one == held_all
    for line in held_all.splitlines():
        point = json.loads(line)
        args = {"model": "llama-3.1-70b", "server": "dgx-h100", "method": "vllm"}
        single = json.loads(render_json(size(make_request(**args, **point["inputs"])), lang="en"))
        assert point["scenarios"] == single["scenarios"]
        assert point["scenarios"]["ideal"]["results"]["memory"] is not None
    assert "\\u0000" not in held_all  # no marker left behind


def _single_json(capsys) -> str:
    assert run([*SEED_FLAGS, "--format", "json"]) == EXIT_OK
    return capsys.readouterr().out


def test_a_varied_field_needs_no_flag_of_its_own(capsys):
    args = ["--model", "opt-oss-120b", "--server", "dgx300", "--effective-context", "131072"]
    code, out, _ = cli(capsys, "sweep", *args, "--vary", "concurrency=1000", "--format", "csv")
    assert code == EXIT_OK and out.splitlines()[1] == "1000,2,3,5,"  # no critical alert


@pytest.mark.parametrize(
    ("vary", "fragment"),
    [
        ("concurrency=0,10", "--vary concurrency: expected a number >= 1, got 0"),
        ("concurrency=abc", "--vary concurrency: expected a whole number"),
        ("concurency=10", "expected FIELD=VALUES with FIELD one of"),
        ("concurrency", "expected FIELD=VALUES"),
        ("concurrency=10..1/1", "STOP >= START"),
        ("concurrency=1..10/0", "STEP > 0"),
        ("concurrency=1..10000000/1", "more than the 100,000"),
        ("kv-precision=fp8,fp7", "--vary kv-precision: expected one of"),
        ("server=dgx300,dgx-b2000", "--server: unknown server 'dgx-b2000'"),
    ],
)
def test_a_bad_sweep_is_one_line_exit_2(capsys, vary, fragment):
    code, out, err = cli(capsys, "sweep", *SEED_FLAGS, "--vary", vary)
    assert code == EXIT_INPUT and out == ""
    assert err.count("\n") == 1 and fragment in err and "Traceback" not in err, err


def test_ranges_of_floats_include_their_end(capsys):
    code, out, _ = cli(
        capsys, "sweep", *SEED_FLAGS, "--vary", "kv-budget-ratio=0.5..0.7/0.1", "--format", "csv"
    )
    assert code == EXIT_OK
    assert [r.split(",")[0] for r in out.splitlines()[1:]] == ["0.5", "0.6", "0.7"]


def test_sweep_workbook_holds_the_grid(tmp_path, capsys):
    path = tmp_path / "sweep.xlsx"
    code, out, _ = cli(
        capsys, "sweep", *SEED_FLAGS, "--vary", "effective-context=32768,131072",
        "--vary", "concurrency=1000,2000", "--output-xlsx", str(path), "--lang", "en",
    )  # fmt: skip
    assert code == EXIT_OK and f"→ {path}" in out
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Sweep", "Recommended grid"]
    grid = wb["Recommended grid"]
    assert [c.value for c in grid[5]] == [32768, 2, 2] and [c.value for c in grid[6]] == [
        131072,
        3,
        5,
    ]
    assert grid.conditional_formatting  # the heat map
    rows = list(wb["Sweep"].iter_rows(min_row=5, values_only=True))
    assert rows[2] == (131072, 1000, 2, 3, 5)


def test_a_pt_br_sweep_workbook_heads_its_axes_in_portuguese(tmp_path, capsys):
    """The bug: 'effective-context' and 'concurrency', the flags' names, heading a pt-BR file."""
    path = tmp_path / "sweep.xlsx"
    code, _, _ = cli(
        capsys, "sweep", *SEED_FLAGS, "--vary", "effective-context=32768,131072",
        "--vary", "concurrency=1000,2000", "--output-xlsx", str(path),
    )  # fmt: skip
    assert code == EXIT_OK
    wb = openpyxl.load_workbook(path)
    sweep, grid = wb.worksheets
    assert [c.value for c in sweep[4]][:3] == [
        "Contexto efetivo (tokens)",
        "Concorrência (sessões)",
        "Mínimo",
    ]
    assert grid["A5"].value == 32768 and grid["A4"].value == "Contexto efetivo (tokens)"
    assert grid["A1"].value == (
        "Nós do cenário Recomendado: Contexto efetivo (tokens) nas linhas × Concorrência "
        "(sessões) nas colunas"
    )
    texts = [
        c.value for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)
    ]
    assert not [t for t in texts if "effective" in t or "concurrency" in t]


def test_every_field_a_sweep_can_vary_has_a_label_in_both_languages():
    from sizing_xl.cli.flags import REQUEST_FLAGS, REQUIRED
    from sizing_xl.reports.planning_words import AXIS_LABELS

    assert {*REQUIRED, *REQUEST_FLAGS} <= AXIS_LABELS.keys()
    assert all(pt and en for pt, en in AXIS_LABELS.values())


# --- growth ---------------------------------------------------------------------------------


def test_monthly_loads_round_up_after_snapping():
    assert monthly_loads(1000, 0.15, 3) == [1000, 1150, 1323, 1521]  # 1,322.5 -> 1,323
    assert monthly_loads(1000, 0.1, 2) == [1000, 1100, 1210]  # 1,210 exactly, not 1,211
    assert monthly_loads(5, -0.5, 4) == [5, 3, 2, 1, 1]


@SOME
@given(st.integers(1, 5_000), st.floats(0, 0.5), st.integers(0, 24))  # under 1e8 sessions
def test_a_growing_load_never_needs_fewer_nodes(start, rate, months):
    plan = growth_plan(SEED_ARGS, monthly_loads(start, rate, months), CATALOG)
    for name in SCENARIO_NAMES:
        series = [m.nodes[name] for m in plan.months]
        assert series == sorted(series)
        months_up = [s.month for s in plan.steps if s.scenario == name]
        assert months_up == [m for m in range(1, len(series)) if series[m] != series[m - 1]]
    for m in plan.months:
        assert m.nodes == nodes_of({**SEED_ARGS, "concurrency": m.concurrency})


def test_growth_text_names_the_month_of_each_first_extra_node(capsys):
    code, out, _ = cli(
        capsys, "growth", *SEED_FLAGS, "--growth-monthly", "0.15", "--months", "6", "--lang", "en"
    )
    assert code == EXIT_OK
    assert "15% a month from 1,000 sessions, 6 months" in out.splitlines()[0]
    plan = growth_plan(SEED_ARGS, monthly_loads(1000, 0.15, 6), CATALOG)
    first = {n: next(s for s in plan.steps if s.scenario == n) for n in SCENARIO_NAMES}
    assert f"Recommended in month {first['recommended'].month} " in out
    assert "No node price and no cloud offer" in out


def test_growth_cost_curve_follows_the_nodes(capsys, tmp_path):
    path = tmp_path / "growth.xlsx"
    code, out, _ = cli(
        capsys, "growth", *SEED_FLAGS, "--node-price-usd", "400000", "--concurrency-by-month",
        "1000,1500,2500", "--format", "csv", "--output-xlsx", str(path),
    )  # fmt: skip
    assert code == EXIT_OK
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["concurrency"] for r in rows] == ["1000", "1500", "2500"]
    per_node = {float(r["recommended_tco_monthly_usd"]) / int(r["recommended_nodes"]) for r in rows}
    # TCO = nodes x one node's month, to the cent the CSV carries
    assert max(per_node) - min(per_node) < 0.01
    assert all(re.fullmatch(r"\d+\.\d\d", r["recommended_tco_monthly_usd"]) for r in rows)
    costs = [float(r["recommended_tco_monthly_usd"]) for r in rows]
    assert costs == sorted(costs)
    ws = openpyxl.load_workbook(path).active
    assert [c.value for c in ws[5]][:5] == [0, 1000, 2, 3, 5]
    assert ws._charts  # the nodes chart


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--months", "6"], "--growth-monthly: expected a monthly growth rate"),
        (["--growth-monthly", "0.1", "--concurrency-by-month", "1,2"], "not both"),
        (["--growth-monthly", "-1"], "--growth-monthly: expected a rate above -1"),
        (["--growth-monthly", "0.1", "--months", "9999"], "--months: expected 0 to 600"),
        (["--concurrency-by-month", "1,x"], "--concurrency-by-month: expected a whole number"),
        (
            ["--concurrency-by-month", "10,0"],
            "--concurrency-by-month: month 1: expected a number >= 1",
        ),
        (
            ["--growth-monthly", "1", "--months", "30"],
            "--growth-monthly: month 17: expected a number <= 100000000, got 131072000",
        ),
    ],
)
def test_a_bad_growth_plan_is_one_line_exit_2(capsys, args, fragment):
    code, _, err = cli(capsys, "growth", *SEED_FLAGS, *args)
    assert code == EXIT_INPUT and err.count("\n") == 1 and fragment in err, err


# --- compare --------------------------------------------------------------------------------


def test_layouts_divide_a_node_or_span_whole_nodes():
    assert list(layouts(8)) == [
        (1, 1), (1, 2), (1, 4), (2, 1), (2, 2), (2, 4), (4, 1), (4, 2), (4, 4), (8, 1), (8, 2), (8, 4)
    ]  # fmt: skip


@pytest.mark.parametrize("method", ["vllm", "sglang"])
def test_each_server_gets_its_best_feasible_layout(method):
    base = {**SEED_ARGS, "method": method}
    for server in ("dgx-h100", "dgx-b200", "mi300x-8"):
        best = best_option(base, server, CATALOG).result
        assert best is not None
        tried = []
        for tp, pp in layouts(CATALOG.server(server).gpus_per_node):
            try:
                args = {**base, "server": server, "tensor_parallel": tp, "pipeline_parallel": pp}
                tried.append(nodes_of(args)["recommended"])
            except Exception as exc:  # a layout whose replica cannot hold the weights
                assert "weights" in str(exc) or "pipeline" in str(exc)
        feasible = [n for n in tried if n is not None]
        assert best.scenario("recommended").nodes_final == min(feasible)


def test_servers_rank_by_monthly_cost_then_nodes():
    options = compare_servers({**SEED_ARGS, "method": "vllm"}, list(CATALOG.servers), CATALOG)
    costs = [monthly_cost(o) for o in options]
    priced = [c for c in costs if c is not None]
    assert priced == sorted(priced) and costs[: len(priced)] == priced  # unpriced after
    unpriced = [o.result.scenario("recommended").nodes_final for o in options[len(priced) :]]
    assert unpriced == sorted(unpriced)


def test_compare_under_the_seed_keeps_the_request_layout(capsys):
    code, out, _ = cli(
        capsys, "compare", *SEED_FLAGS, "--servers", "dgx300,dgx-b200", "--format", "json"
    )
    assert code == EXIT_OK
    doc = json.loads(out)
    assert {s["server"] for s in doc["servers"]} == {"dgx300", "dgx-b200"}
    seed = next(s for s in doc["servers"] if s["server"] == "dgx300")
    assert seed["layouts_tried"] == 1 and seed["deployment"]["tensor_parallel"] == 1
    assert {n: seed["scenarios"][n]["results"]["nodes_final"] for n in SCENARIO_NAMES} == {
        "minimum": 2, "recommended": 3, "ideal": 5,
    }  # fmt: skip
    assert round(seed["why"]["kv_per_session_gib"], 2) == 2.25
    assert seed["why"]["sessions_per_node"] == 629


def test_compare_text_explains_the_layout(capsys, tmp_path):
    path = tmp_path / "compare.xlsx"
    code, out, _ = cli(
        capsys, "compare", *SEED_FLAGS, "--method", "vllm", "--servers", "all", "--lang", "en",
        "--output-xlsx", str(path),
    )  # fmt: skip
    assert code == EXIT_OK
    assert "weights 60.8 GiB/GPU" in out and "sessions/replica" in out and "TP 1 × PP 1" in out
    ws = openpyxl.load_workbook(path).active
    servers = [r[1] for r in ws.iter_rows(min_row=5, values_only=True)]
    assert sorted(servers) == sorted(CATALOG.servers)


def test_compare_suggests_a_near_server_name(capsys):
    code, _, err = cli(capsys, "compare", *SEED_FLAGS, "--servers", "dgx300,dgx-b20")
    assert code == EXIT_INPUT and "--server: unknown server 'dgx-b20'" in err and "dgx-b200" in err


# --- hostile command lines ------------------------------------------------------------------

SPECS = st.one_of(
    st.text(max_size=30),
    st.tuples(
        st.sampled_from(["concurrency", "effective-context", "kv-precision", "server", "pue", "x"]),
        st.text(max_size=15) | st.sampled_from(["1..9/2", "0.1..0.2/0.05", "1e400", "nan", "5..1"]),
    ).map("=".join),
)


@settings(max_examples=80, deadline=None, derandomize=True)
@given(st.lists(SPECS, max_size=3), st.sampled_from(["text", "csv", "json", "jsonl"]))
def test_fuzzed_sweeps_exit_cleanly(specs, fmt):
    args = ["sweep", *SEED_FLAGS, "--format", fmt]
    for spec in specs:
        args += ["--vary", spec]
    try:
        code = run(args)
    except SystemExit as stop:
        code = stop.code
    assert code in (0, 2, 3, 4)


@settings(max_examples=40, deadline=None, derandomize=True)
@given(st.text(max_size=20), st.text(max_size=20))
def test_fuzzed_growth_and_compare_exit_cleanly(rate, servers):
    for args in (
        ["growth", *SEED_FLAGS, "--growth-monthly", rate, "--months", "3"],
        ["growth", *SEED_FLAGS, "--concurrency-by-month", rate],
        ["compare", *SEED_FLAGS, "--servers", servers],
    ):
        try:
            code = run(args)
        except SystemExit as stop:
            code = stop.code
        assert code in (0, 2, 3, 4)


def test_a_workbook_name_without_xlsx_is_refused_before_anything_is_sized(capsys, tmp_path):
    path = tmp_path / "grid.csv"
    code, out, err = cli(
        capsys, "sweep", *SEED_FLAGS, "--vary", "concurrency=1,2", "--output-xlsx", str(path)
    )
    assert code == EXIT_INPUT and out == "" and not path.exists()
    assert err.count("\n") == 1 and "--output-xlsx: expected a .xlsx file name" in err


def test_a_json_sweep_streams_its_points_in_bounded_memory(tmp_path):
    """10,000 points as one JSON document, written point by point: the process's peak memory
    stays far below the document's size, and the document parses whole."""
    code = (
        "import sys\n"
        "from sizing_xl.cli import run\n"
        "out = open(sys.argv[1], 'w')\n"
        "sys.stdout = out\n"
        "code = run(['sweep', '--model', 'llama-3.1-70b', '--server', 'dgx-h100',\n"
        "    '--effective-context', '8192', '--concurrency', '1',\n"
        "    '--vary', 'concurrency=1..2000/1', '--vary', 'kv-precision=fp8,fp16',\n"
        "    '--format', 'json'])\n"
        "out.close()\n"
        # VmHWM, not ru_maxrss: Linux carries a forking parent's peak across exec into the
        # latter, so a child of a large test process would report its parent's memory
        "peak = next(l for l in open('/proc/self/status') if l.startswith('VmHWM'))\n"
        "sys.stderr.write(f'{code} {peak.split()[1]}')\n"
    )
    target = tmp_path / "sweep.json"
    proc = subprocess.run(
        [sys.executable, "-c", code, str(target)], capture_output=True, text=True, timeout=300
    )
    exit_code, peak_kib = (int(v) for v in proc.stderr.split()[-2:])
    assert exit_code == 0
    size_mib = target.stat().st_size / 2**20
    doc = json.loads(target.read_text("utf-8"))
    assert len(doc["points"]) == 4000 and size_mib > 25
    assert peak_kib / 1024 < 150  # the interpreter and the package, not the document


def test_growth_and_compare_state_the_rate_and_keep_csv_money_in_the_asked_currency(capsys):
    money = ["--currency", "BRL", "--usd-to-currency", "5.4", "--rate-as-of", "2026-11-20"]
    load = ["--concurrency", "700", "--effective-context", "32768", "--lang", "en"]
    grow = ["growth", "--model", "llama-3.1-70b", "--server", "dgx-h100", *load]
    grow += ["--growth-monthly", "0.1", "--months", "2"]
    assert run([*grow, *money]) == EXIT_OK
    assert "Exchange rate: 1 USD = 5.4 BRL (2026-11-20)" in capsys.readouterr().out.splitlines()[1]
    assert run([*grow, "--format", "csv"]) == EXIT_OK
    usd = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert run([*grow, *money, "--format", "csv"]) == EXIT_OK
    brl = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert "recommended_tco_monthly_usd" not in brl[0]
    for a, b in zip(usd, brl, strict=True):
        assert float(b["recommended_tco_monthly_brl"]) == pytest.approx(
            5.4 * float(a["recommended_tco_monthly_usd"]),
            abs=0.03,  # each to the cent
        )
    cmp_ = ["compare", "--model", "llama-3.1-70b", "--servers", "dgx-h100,dgx-h200", *load]
    assert run([*cmp_, *money]) == EXIT_OK
    assert "Exchange rate: 1 USD = 5.4 BRL" in capsys.readouterr().out
    assert run([*cmp_, *money, "--format", "csv"]) == EXIT_OK
    header = capsys.readouterr().out.splitlines()[0]
    assert "recommended_tco_monthly_brl" in header and "_usd" not in header


def test_a_growth_plan_as_json_holds_its_money_context_months_and_steps(capsys):
    flags = ["growth", *SEED_FLAGS, "--growth-monthly", "0.2", "--months", "3"]
    assert run([*flags, "--format", "json", "--currency", "BRL", "--usd-to-currency", "5"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["finance"]["currency"] == "BRL" and doc["finance"]["usd_to_currency"] == 5
    assert [m["month"] for m in doc["months"]] == [0, 1, 2, 3]
    assert doc["months"][0]["nodes"] == {"minimum": 2, "recommended": 3, "ideal": 5}
    assert all({"scenario", "month"} <= set(s) for s in doc["steps"])


@pytest.mark.parametrize("fmt", ["text", "csv", "json", "jsonl"])
@pytest.mark.parametrize(
    ("field", "says"),
    [("cloud-offer", "unknown cloud offer 'nope'"), ("storage", "unknown storage profile 'nope'")],
)
def test_an_unknown_name_on_a_sweep_axis_is_one_line_exit_2_in_every_format(
    capsys, fmt, field, says
):
    """Every format, the nodes-only tables too, fails as the single sizing does."""
    code = run(["sweep", *SEED_FLAGS, "--vary", f"{field}=nope", "--format", fmt])
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and f"--{field}: {says}" in err


def test_a_growth_plan_says_when_each_purchase_comes_and_what_it_adds_a_month(capsys):
    flags = ["growth", "--model", "llama-3.1-70b", "--server", "dgx-h100", "--concurrency", "700"]
    flags += ["--effective-context", "32768", "--growth-monthly", "0.15", "--months", "3"]
    assert run([*flags, "--format", "json"]) == EXIT_OK
    doc = json.loads(capsys.readouterr().out)
    per_node = doc["finance"]["node_price_usd"] + doc["finance"]["install_usd"]
    months = {m["month"]: m for m in doc["months"]}
    steps = [s for s in doc["steps"] if s["scenario"] == "recommended"]
    assert steps
    for s in steps:
        added = s["nodes"] - s["nodes_before"]
        assert s["capex_usd"] == pytest.approx(added * per_node)
        before = months[s["month"] - 1]["tco_monthly_usd"]["recommended"]
        now = months[s["month"]]["tco_monthly_usd"]["recommended"]
        assert s["tco_monthly_increase_usd"] == pytest.approx(now - before)
    assert run([*flags, "--lang", "en"]) == EXIT_OK
    text = capsys.readouterr().out
    first = steps[0]
    assert f"month {first['month']}: {first['nodes_before']} → {first['nodes']} nodes" in text
    assert run(["growth", *SEED_FLAGS, "--growth-monthly", "0.2", "--months", "3"]) == EXIT_OK
    assert "COMPRAS" not in capsys.readouterr().out  # no price for a DGX B300: no purchase
