"""workbook/Sizing.xlsm: reproducible from its script, and its formulas give the engine's figures."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile

import openpyxl
import pytest

from sizing_xl import load_catalog, make_request, size
from sizing_xl.catalog import overlay
from sizing_xl.excel.sizing_xlsm.workbook import (
    SHEET,
    template_path,
    write_sizing_workbook,
)
from sizing_xl.scenarios import SCENARIO_NAMES
from sizing_xl.udfs import UDF_NAMES
from tests.conftest import REPO, SEED_ARGS
from tests.formula_engine import evaluate

COMMITTED = REPO / "workbook" / "Sizing.xlsm"
# Parts whose content changes on every save, and what in them; nothing else may differ.
VOLATILE = {"docProps/core.xml": re.compile(r"<dcterms:modified[^>]*>[^<]*</dcterms:modified>")}
# The portable Excel functions of shared/notes/excel-facts.md, and the few more the
# director's live Model sheet uses that Excel 2016 and LibreOffice 7.4 share.
PORTABLE = {
    "INDEX",
    "ISTEXT",
    "MATCH",
    "SUMPRODUCT",
    "SUMIFS",
    "COUNTIFS",
    "IFERROR",
    "ROUNDUP",
    "ROUNDDOWN",
    "CEILING",
    "FLOOR",
    "MAX",
    "MIN",
    "CHOOSE",
    "IF",
    "AND",
    "OR",
    "ROUND",
    "INT",
    "TRIM",
    "ISNA",
    "ISBLANK",
    "ISNUMBER",
    "NOT",
    "NA",
    "OFFSET",
    "COUNTA",
    "MOD",  # Excel 2016 and LibreOffice 7.4 both: the live Model sheet's replica check
    "POWER",  # and its MoE weights-read share
    "LN",
    "ROW",  # the exact, wildcard-free catalog look-up: SUMPRODUCT(MAX((names=key)*ROW(names)))
}


def parts(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        out = {name: z.read(name) for name in z.namelist()}
    for name, pattern in VOLATILE.items():
        out[name] = pattern.sub("", out[name].decode()).encode()
    return out


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    path = tmp_path_factory.mktemp("xlsm") / "Sizing.xlsm"
    write_sizing_workbook(path)
    return path


def test_committed_workbook_is_what_the_script_builds(fresh):
    committed, built = parts(COMMITTED), parts(fresh)
    assert sorted(committed) == sorted(built)
    drifted = [name for name in built if committed[name] != built[name]]
    assert not drifted, f"rebuild with scripts/build_sizing_xlsm.py: {drifted} differ"


def test_vba_project_is_the_templates_byte_for_byte():
    with zipfile.ZipFile(template_path()) as t, zipfile.ZipFile(COMMITTED) as w:
        assert w.read("xl/vbaProject.bin") == t.read("xl/vbaProject.bin")


def test_sheets_tables_and_xlwings_conf():
    wb = openpyxl.load_workbook(COMMITTED, keep_vba=True)
    assert wb.sheetnames == [
        "Start", "Sizing", "Grid", "Models", "Servers", "Storage", "xlwings.conf"
    ]  # fmt: skip
    conf = {r[0].value: r[1].value for r in wb["xlwings.conf"].iter_rows(max_col=2)}
    assert conf["UDF Modules"] == "sizing_xl.udfs"
    for sheet in ("Models", "Servers", "Storage"):
        assert len(wb[sheet].tables) == 1
    names = {n for n in wb.defined_names}
    assert {"in_model", "in_precision", "wb_models", "wb_servers"} <= names


def test_input_cells_are_the_only_unlocked_cells_of_the_sizing_sheet():
    ws = openpyxl.load_workbook(COMMITTED)[SHEET]
    assert ws.protection.sheet
    unlocked = {c.coordinate for row in ws.iter_rows() for c in row if not c.protection.locked}
    # 10 seed inputs, method, PP, utilisation; then the 9 option values
    assert unlocked == {f"B{r}" for r in range(5, 18)} | {f"B{r}" for r in range(20, 29)}
    assert all(ws[ref].fill.fgColor.rgb.endswith("FFF2CC") for ref in unlocked)


def formula_functions(path) -> set[str]:
    found = set()
    for ws in openpyxl.load_workbook(path):
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value.startswith("="):
                    found |= set(re.findall(r"([A-Z][A-Z0-9_.]*)\(", c.value))
    return found


def test_every_function_in_a_formula_is_a_udf_or_portable(tmp_path, seed_result):
    from sizing_xl.excel.director.workbook import write_director_workbook

    director = tmp_path / "board.xlsx"
    write_director_workbook(seed_result, director)
    xlsm, xlsx = formula_functions(COMMITTED), formula_functions(director)
    assert xlsm and xlsx
    assert xlsm <= set(UDF_NAMES) | PORTABLE
    assert xlsx <= PORTABLE  # the director's file works without Python


def scenario_cells(values: dict, label: str) -> list:
    ws = openpyxl.load_workbook(COMMITTED)[SHEET]
    row = next(r[0].row for r in ws.iter_rows(max_col=1) if r[0].value == label)
    return [values[f"SIZING!{col}{row}"] for col in "BCD"]


def test_formulas_give_the_seed_figures():
    values = evaluate(COMMITTED)
    assert scenario_cells(values, "Sessions per node") == [629, 629, 584]
    assert scenario_cells(values, "Nodes final") == [2, 3, 5]
    assert [round(v, 2) for v in scenario_cells(values, "KV cache per session (GiB)")] == [2.25] * 3
    assert scenario_cells(values, "Capacity after failures (sessions)")[1] == 1258
    alerts = next(v for k, v in values.items() if isinstance(v, str) and "[LONG_CONTEXT]" in v)
    assert "Storage: profile_default (28 GB/s read" in alerts


def test_changing_an_input_cell_follows_the_engine():
    values = evaluate(COMMITTED, {"SIZING!B10": "fp16"})  # in_precision
    fp16 = size(make_request(**SEED_ARGS, kv_precision="fp16"))
    assert scenario_cells(values, "Nodes final") == [
        fp16.scenario(n).nodes_final for n in SCENARIO_NAMES
    ]
    assert scenario_cells(values, "Nodes final")[1] == 5


def test_the_method_cell_switches_the_formulas_to_vllm():
    values = evaluate(COMMITTED, {"SIZING!B15": "vllm"})  # in_method
    vllm = size(make_request(**SEED_ARGS, method="vllm"))
    for label, field in (
        ("Sessions per node", "sessions_per_node"),
        ("Nodes final", "nodes_final"),
        ("HBM budget per node (GiB)", "hbm_budget_gib"),
    ):
        want = [getattr(vllm.scenario(n), field) for n in SCENARIO_NAMES]
        assert scenario_cells(values, label) == pytest.approx(want), label
    assert scenario_cells(values, "Sessions per node") == [608] * 3


def test_a_new_model_row_is_sized_without_touching_python(tmp_path):
    wb = openpyxl.load_workbook(COMMITTED, keep_vba=True)
    models = wb["Models"]
    header = [c.value for c in models[1]]
    row = dict(
        name="acme-mla-200b",
        attention_type="mla",
        attention_pattern="full",
        num_layers=40,
        kv_lora_rank=384,
        qk_rope_head_dim=64,
        max_context=131072,
    )
    models.append([row.get(h) for h in header])
    table = models.tables["ModelsTable"]
    table.ref = re.sub(r"\d+$", str(models.max_row), table.ref)
    wb["Sizing"]["B5"] = "acme-mla-200b"
    wb["Sizing"]["B8"] = 2500
    path = tmp_path / "Sizing.xlsm"
    wb.save(path)
    values = evaluate(path)
    catalog = overlay(load_catalog(), "models", [row], "test")
    want = size(
        make_request(**{**SEED_ARGS, "model": "acme-mla-200b", "concurrency": 2500}), catalog
    )
    assert scenario_cells(values, "Nodes final") == [
        want.scenario(n).nodes_final for n in SCENARIO_NAMES
    ]
    assert scenario_cells(values, "Sessions per node") == [
        want.scenario(n).sessions_per_node for n in SCENARIO_NAMES
    ]
    assert scenario_cells(values, "KV cache per session (GiB)")[0] == pytest.approx(
        40 * 131072 * (384 + 64) / 2**30
    )


def test_options_range_prices_the_scenarios():
    values = evaluate(COMMITTED, {"SIZING!B20": 500000})  # node_price_usd in the options
    assert scenario_cells(values, "CapEx") == [1_000_000, 1_500_000, 2_500_000]  # 2/3/5 nodes
    priced = size(make_request(**SEED_ARGS, node_price_usd=500000))
    want = [priced.scenario(n).cost.tco_monthly_usd for n in SCENARIO_NAMES]
    assert scenario_cells(values, "Monthly TCO (owned)") == pytest.approx(want)
    speeds = [priced.scenario(n).throughput.tokens_per_second_per_session for n in SCENARIO_NAMES]
    assert scenario_cells(values, "Tokens/s per session (node full)") == pytest.approx(speeds)
    assert str(scenario_cells(values, "Monthly cloud")[0]).startswith("NO FIGURE: no cloud offer")


def workbook_range(ws, columns: int, rows: int = 500) -> list[list]:
    """A catalog sheet's A1:..500 as xlwings passes it: numbers as floats, blanks as None."""
    return [
        [float(v) if isinstance(v, int) and not isinstance(v, bool) else v for v in row]
        for row in ws.iter_rows(min_row=1, max_row=rows, max_col=columns, values_only=True)
    ]


def test_udfs_take_the_workbooks_own_ranges_and_skip_blank_rows():
    import sizing_xl.udfs as u
    from sizing_xl.udfs.base import overlaid_cached

    wb = openpyxl.load_workbook(COMMITTED)
    models = workbook_range(wb["Models"], wb["Models"].max_column)
    servers = workbook_range(wb["Servers"], wb["Servers"].max_column)
    filled = sum(1 for row in models if any(v is not None for v in row))
    assert len(models) == 500 and filled < 50  # mostly blank, as every UDF cell receives it
    assert len(u.range_key(models)) == filled  # blank rows dropped before anything is built
    args = ("opt-oss-120b", "dgx300", 1000.0, 131072.0, "ideal", *[None] * 5)
    before = overlaid_cached.cache_info()
    first = u.SIZING_NODES_FINAL(*args, models, servers)
    again = u.SIZING_NODES_FINAL(*args, [list(r) for r in models], [list(r) for r in servers])
    assert first == again == 5
    after = overlaid_cached.cache_info()
    assert after.hits >= before.hits + 1  # the second cell reused the parsed rows
    edited = [list(r) for r in models]
    edited[1][0] = "opt-oss-120b-copy"  # a changed range is parsed again, not served stale
    assert ["opt-oss-120b-copy"] in u.SIZING_CATALOG("models", edited, servers)
    more = ("opt-oss-120b", "dgx300", 4000.0, *args[3:])  # a cached result is per request
    assert u.SIZING_NODES_FINAL(*more, models, servers) > first


def test_udf_cells_open_with_the_engines_values_before_any_import(fresh):
    """Cached values: Excel before ImportPythonUDFs, and viewers that never recalculate."""
    ws = openpyxl.load_workbook(fresh, data_only=True)[SHEET]
    values = {c.coordinate: c.value for row in ws.iter_rows() for c in row}
    assert scenario_cells(values_by_sheet(values), "Sessions per node") == [629, 629, 584]
    assert scenario_cells(values_by_sheet(values), "Nodes final") == [2, 3, 5]
    assert not [k for k, v in values.items() if isinstance(v, str) and v.startswith("ERROR")]
    with zipfile.ZipFile(fresh) as z:
        assert 'fullCalcOnLoad="1"' not in z.read("xl/workbook.xml").decode()


def values_by_sheet(values: dict) -> dict:
    return {f"SIZING!{k}": v for k, v in values.items()}


def test_the_excel_extra_pins_the_xlwings_whose_vba_the_workbook_carries():
    """Bumping the pin without rebuilding the workbook (or the reverse) fails here: the VBA
    project must be the pinned release's template byte for byte (the test above), and the
    installed xlwings must be the pinned one."""
    import tomllib
    from importlib.metadata import version

    extra = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    pins = [d for d in extra["optional-dependencies"]["excel"] if d.startswith("xlwings")]
    assert pins == [f"xlwings=={version('xlwings')}"]


@pytest.mark.libreoffice
def test_catalog_names_grow_with_their_tables(tmp_path, soffice):
    """wb_models / wb_servers cover the header down to the last name, and a row typed under a
    table joins them, with no blank rows shipped to the functions."""
    from sizing_xl.excel.libreoffice import convert

    wb = openpyxl.load_workbook(COMMITTED, keep_vba=True)
    models = wb["Models"]
    filled = models.max_row
    models.cell(row=filled + 1, column=1, value="typed-below")
    probe = wb["Start"]
    probe["H1"], probe["H2"] = "=ROWS(wb_models)", "=INDEX(wb_models,ROWS(wb_models),1)"
    probe["H3"] = "=ROWS(wb_servers)"
    path = tmp_path / "grown.xlsm"
    wb.save(path)
    (out,) = convert([path], tmp_path / "out")
    start = openpyxl.load_workbook(out, data_only=True)["Start"]
    assert start["H1"].value == filled + 1 and start["H2"].value == "typed-below"
    assert start["H3"].value == wb["Servers"].max_row


def grid_cells(values: dict, sheet: str = "GRID") -> list[list]:
    return [[values[f"{sheet}!{c}{r}"] for c in "ABCDEFG"] for r in range(16, 22)]


def engine_grid(scenario: str, contexts, loads) -> list[list]:
    from sizing_xl.planning.sweep import Axis, sweep_nodes

    axes = [Axis("effective_context", tuple(contexts)), Axis("concurrency", tuple(loads))]
    nodes = [n[SCENARIO_NAMES.index(scenario)] for n in sweep_nodes(SEED_ARGS, axes).nodes]
    width = len(loads)
    return [[c, *nodes[i * width : (i + 1) * width]] for i, c in enumerate(contexts)]


def test_the_grid_sheet_is_one_array_formula_that_follows_its_inputs():
    from sizing_xl.excel.sizing_xlsm.workbook import GRID_CONTEXTS, GRID_LOADS

    values = evaluate(COMMITTED, {"GRID!B3": "ideal", "GRID!A7": 2048, "GRID!G5": 16000})
    contexts, loads = (2048, *GRID_CONTEXTS[1:]), (*GRID_LOADS[:-1], 16000)
    assert grid_cells(values) == engine_grid("ideal", contexts, loads)
    assert values["GRID!A15"] == "context \\ concurrency"
    assert [values[f"GRID!{c}15"] for c in "BCDEFG"] == list(loads)


def test_the_grid_sheet_opens_with_the_engines_values(fresh):
    from sizing_xl.excel.sizing_xlsm.workbook import GRID_CONTEXTS, GRID_LOADS

    ws = openpyxl.load_workbook(fresh, data_only=True)["Grid"]
    stored = {f"GRID!{c.coordinate}": c.value for row in ws.iter_rows() for c in row}
    assert grid_cells(stored) == engine_grid("recommended", GRID_CONTEXTS, GRID_LOADS)
    assert stored["GRID!D21"] == 3  # the seed: 131,072 tokens x 1,000 sessions, Recommended


def test_the_lite_bundle_carries_the_package_and_a_workbook_without_vba(tmp_path, soffice):
    """scripts/build_lite.py from this checkout: the personal module folder (package and
    catalogs), requirements.txt, and Sizing-Lite.xlsx with Sizing.xlsm's sheets, no VBA,
    the engine's values stored; LibreOffice opens it with them (no recalculation)."""
    from sizing_xl.excel.libreoffice import convert

    target = tmp_path / "lite"
    script = REPO / "scripts" / "build_lite.py"
    built = subprocess.run(
        [sys.executable, str(script), str(target)], capture_output=True, text=True
    )
    assert built.returncode == 0, built.stderr
    personal = target / "personal"
    assert (personal / "sizing_xl" / "udfs" / "__init__.py").is_file()
    assert (personal / "sizing_xl" / "catalogs" / "models.json").is_file()
    assert "from sizing_xl.udfs import *" in (personal / "sizing_functions.py").read_text()
    assert (target / "requirements.txt").read_text().split() == ["pydantic"]
    book = target / "Sizing-Lite.xlsx"
    with zipfile.ZipFile(book) as z:
        assert not [n for n in z.namelist() if "vba" in n.lower()]
    wb = openpyxl.load_workbook(book, data_only=True)
    assert wb.sheetnames == ["Start", "Sizing", "Grid", "Models", "Servers", "Storage"]
    values = {c.coordinate: c.value for row in wb[SHEET].iter_rows() for c in row}
    assert scenario_cells(values_by_sheet(values), "Sessions per node") == [629, 629, 584]
    assert scenario_cells(values_by_sheet(values), "Nodes final") == [2, 3, 5]
    (shown,) = convert([book], tmp_path / "out", recalculate=False)
    seen = openpyxl.load_workbook(shown, data_only=True)[SHEET]
    seen_values = {c.coordinate: c.value for row in seen.iter_rows() for c in row}
    assert scenario_cells(values_by_sheet(seen_values), "Nodes final") == [2, 3, 5]


def test_the_lite_script_writes_the_executive_sheet_from_the_sizing_sheet(tmp_path):
    """sizing_executive, called as xlwings Lite calls a script (a Book from the workbook's
    JSON): it adds an Executive sheet holding the seed's 2 / 3 / 5 nodes and its conclusion."""
    from sizing_xl.excel.sizing_xlsm.lite import build_lite_workbook
    from sizing_xl.excel.sizing_xlsm.workbook import workbook_with_values

    book = tmp_path / "Sizing-Lite.xlsx"
    book.write_bytes(workbook_with_values(build_lite_workbook()))
    env = {**os.environ, "XLWINGS_LICENSE_KEY": "noncommercial"}
    run = subprocess.run(
        [sys.executable, str(REPO / "tests" / "lite_script_run.py"), str(book)],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
    )
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert out["scripts"] == ["sizing_executive"]  # what Lite's Run button lists
    actions = out["actions"]
    assert actions[0]["func"] == "addSheet" and actions[0]["args"][-1] == "Executive"
    (written,) = [a["values"] for a in actions if a["func"] == "setValues"]
    assert ["Nodes final", 2, 3, 5] in written
    assert ["Sessions per node", 629, 629, 584] in written
    conclusion = written[written.index(["MAIN CONCLUSION", "", "", ""]) + 1][0]
    assert "1,000 concurrent sessions" in conclusion and "requiring 3" in conclusion
    assert len({len(r) for r in written}) == 1  # a rectangular range, as Excel takes
