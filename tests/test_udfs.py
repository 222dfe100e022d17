"""The SIZING_* functions called the way Excel calls them: floats, None, booleans, ranges, junk."""

from __future__ import annotations

import inspect

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sizing_xl.udfs as udfs
from sizing_xl import load_catalog, make_request, size
from sizing_xl.catalog import overlay
from sizing_xl.excel.sheets import MODEL_COLUMNS
from sizing_xl.udfs import (
    DOCS,
    SIZING_ALERTS,
    SIZING_CAPACITY_AFTER_FAILURES,
    SIZING_CATALOG,
    SIZING_HBM_BUDGET_GIB,
    SIZING_KV_PER_SESSION_GIB,
    SIZING_KV_TOTAL_GIB,
    SIZING_MODEL,
    SIZING_NODES_FINAL,
    SIZING_SCENARIO,
    SIZING_SERVER,
    SIZING_SESSIONS_PER_NODE,
    SIZING_VERSION,
)
from tests.conftest import SEED_ARGS

M, S = "opt-oss-120b", "dgx300"
SEED = (M, S, 1000.0, 131072.0)  # numbers arrive from Excel as floats


def test_seed_figures_with_excel_floats():
    assert SIZING_KV_PER_SESSION_GIB(M, 131072.0) == pytest.approx(2.252197265625)
    assert round(SIZING_KV_TOTAL_GIB(M, 1000.0, 131072.0), 1) == 2252.2
    assert round(SIZING_HBM_BUDGET_GIB(S), 1) == 1418.0
    assert round(SIZING_HBM_BUDGET_GIB(S, "ideal"), 1) == 1316.7
    assert [SIZING_SESSIONS_PER_NODE(M, S, 131072.0, s) for s in ("minimum", "ideal")] == [629, 584]
    assert [SIZING_NODES_FINAL(*SEED, s) for s in ("minimum", "recommended", "ideal")] == [2, 3, 5]
    assert SIZING_NODES_FINAL(*SEED) == 3  # scenario left blank: Recommended
    assert SIZING_CAPACITY_AFTER_FAILURES(*SEED) == 1258
    assert SIZING_NODES_FINAL(*SEED, None, "fp16") == 5


def test_blank_optional_cells_take_the_seed_defaults():
    assert SIZING_NODES_FINAL(*SEED, None, None, None, None, None, None, None, None) == 3


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((" OPT-OSS-120B ", " dgx300", 1000.0, 131072.0, " Ideal "), 5),  # stray spaces, case
        ((M, S, [[1000.0]], [[131072.0]], [["IDEAL"]]), 5),  # 1x1 ranges
        ((M, S, [1000.0], 131072.0, "Mínimo"), 2),  # a 1-D range, the pt-BR scenario name
        ((M, S, "1000", "131072", "RECOMENDADO"), 3),  # numbers typed as text
        ((M, S, 1000.0, 131072.0, "rec", "FP8", "70%"), 3),  # percent typed as text
        ((M, S, 1000, 131072, "recommended", "fp8", 0.7, 120.0, 0.2, 1.0), 3),
    ],
)
def test_what_excel_passes_is_understood(args, expected):
    assert SIZING_NODES_FINAL(*args) == expected


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((M, S, -5.0, 131072.0), "ERROR: concurrency: expected a number >= 1, got -5"),
        ((M, S, 1000.5, 131072.0), "ERROR: concurrency: expected a whole number, got 1000.5"),
        ((M, S, True, 131072.0), "ERROR: concurrency: expected a whole number, got TRUE"),
        ((M, S, None, 131072.0), "ERROR: concurrency: required, but the cell is empty"),
        ((M, S, "   ", 131072.0), "ERROR: concurrency: required, but the cell is empty"),
        ((M, S, "lots", 131072.0), "ERROR: concurrency: expected a whole number in ASCII digits"),
        ((M, S, [[1.0, 2.0]], 131072.0), "ERROR: concurrency: expected a single cell, got a range"),
        ((M, S, 1000.0, 0.0), "ERROR: effective_context: expected a number >= 1, got 0"),
        (
            (M, S, 1000.0, 1.0, "best"),
            "ERROR: scenario: expected one of minimum, recommended, ideal",
        ),
        ((M, S, 1000.0, 1.0, None, "fp4"), "ERROR: kv_precision: expected one of fp8, int8"),
        ((M, S, 1000.0, 1.0, None, None, 1.5), "ERROR: kv_budget_ratio: expected a number <= 1"),
        ((M, S, 1000.0, 1.0, None, None, None, -1.0), "ERROR: runtime_overhead_gib: expected a"),
        ((M, S, 1000.0, 1.0, None, None, None, None, None, 0.0), "ERROR: tensor_parallel"),
        (("opt-oss-12b", S, 1.0, 1.0), "ERROR: unknown model 'opt-oss-12b'; did you mean"),
        ((M, "dgx-b30", 1.0, 1.0), "ERROR: unknown server 'dgx-b30'; did you mean 'dgx-b300'"),
        ((None, S, 1.0, 1.0), "ERROR: model: required, but the cell is empty"),
    ],
)
def test_bad_arguments_show_a_readable_message_in_the_cell(args, message):
    result = SIZING_NODES_FINAL(*args)
    assert isinstance(result, str) and result.startswith(message)
    assert "\n" not in result and "Traceback" not in result


def test_infeasible_scenario_says_so():
    result = SIZING_NODES_FINAL(M, S, 1000.0, 131072.0, None, None, None, 2145.0)
    assert result.startswith("INFEASIBLE: not one session fits a node")
    assert SIZING_SESSIONS_PER_NODE(M, S, 131072.0, None, None, None, 2145.0) == 0


junk = st.one_of(
    st.none(),
    st.booleans(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(10**12), 10**12),
    st.text(max_size=12),
    st.sampled_from(["x" * 40_000, "a\nb\x00", "\ud800", "\ufffe", "١٢٣", "=SUM(1)", "1e400"]),
    st.lists(st.one_of(st.none(), st.floats(), st.text(max_size=4)), max_size=3),
    st.lists(
        st.lists(st.one_of(st.none(), st.floats(), st.text(max_size=4)), max_size=3), max_size=3
    ),
)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(udfs.UDF_NAMES), st.data())
def test_no_argument_ever_raises_into_excel(name, data):
    udf = getattr(udfs, name)
    n = len(inspect.signature(udf).parameters)
    args = data.draw(st.lists(junk, min_size=n, max_size=n))
    result = udf(*args)
    assert isinstance(result, str | int | float | list)
    if isinstance(result, str) and result.startswith("ERROR"):
        # one readable line, and never an internal fault ("unexpected ...")
        assert "\n" not in result and len(result) <= 400 and "unexpected" not in result, result


def models_range(*rows: dict) -> list[list]:
    """The workbook's Models range as Excel passes it: the sheet's header row first, numbers as
    floats, blanks as None, an analyst's own extra column, and an empty row at the end."""
    header = [*MODEL_COLUMNS, "analyst notes"]
    numbers = [
        [float(v) if isinstance(v, int) else v for v in (row.get(h) for h in header)]
        for row in rows
    ]
    return [header, *numbers, [None] * len(header)]


def test_a_model_added_as_a_workbook_row_is_sized():
    spec = dict(
        name="acme-hybrid-30b",
        attention_type="gqa",
        attention_pattern="hybrid",
        num_layers=48,
        num_sliding_layers=40,
        sliding_window=4096,
        num_key_value_heads=8,
        head_dim=128,
        max_context=262144,
    )
    models = models_range({**spec, "analyst notes": "our own column"})
    got = SIZING_NODES_FINAL(
        "acme-hybrid-30b", S, 1000.0, 131072.0, "ideal", None, None, None, None, None, models
    )
    catalog = overlay(load_catalog(), "models", [spec], "test")
    want = size(
        make_request(model="acme-hybrid-30b", server=S, concurrency=1000, effective_context=131072),
        catalog,
    )
    assert got == want.scenario("ideal").nodes_final
    kv = SIZING_KV_PER_SESSION_GIB("acme-hybrid-30b", 131072.0, "fp8", None, models)
    assert kv == pytest.approx(2 * (8 * 131072 + 40 * 4096) * 8 * 128 / 2**30)


def test_a_workbook_row_replaces_the_catalog_entry_of_the_same_name():
    every_layer_full = dict(
        name=M, attention_pattern="full", num_layers=36, num_key_value_heads=8, head_dim=64
    )
    kv = SIZING_KV_PER_SESSION_GIB(M, 131072.0, None, None, models_range(every_layer_full))
    assert kv == pytest.approx(4.5)


def test_a_malformed_workbook_row_names_the_sheet_and_field():
    bad = dict(name="broken", num_layers=-3, num_key_value_heads=8, head_dim=64)
    result = SIZING_KV_PER_SESSION_GIB("broken", 1024.0, None, None, models_range(bad))
    assert result.startswith("ERROR: workbook Models sheet: model 'broken': num_layers:")


def test_table_lookups_alerts_and_catalog_lists():
    table = SIZING_SCENARIO(*SEED, "ideal")
    as_dict = dict(table)
    assert as_dict["Nodes Final"] == 5 and as_dict["Sessions Per Node"] == 584
    assert all(len(row) == 2 for row in table)
    alerts = SIZING_ALERTS(*SEED, None, None, None, None, None, None, "en")
    assert alerts.splitlines()[0].startswith("[LONG_CONTEXT] WARNING: Long context (131,072")
    assert SIZING_MODEL("gemma-3-27b", "num_sliding_layers") == 52
    assert SIZING_MODEL("gemma-3-27b", " full_layers ") == 10
    assert SIZING_SERVER("dgx300", "hbm_total_gb") == 2304
    assert SIZING_MODEL("gemma-3-27b", "hidden").startswith("ERROR: field: unknown field 'hidden'")
    assert ["dgx300"] in SIZING_CATALOG("SERVERS") and ["deepseek-v3"] in SIZING_CATALOG(None)
    assert SIZING_VERSION().startswith("sizing_xl ")


def test_names_are_prefixed_and_every_argument_has_help_text():
    assert udfs.UDF_NAMES and all(n.startswith("SIZING_") for n in udfs.UDF_NAMES)
    for name in udfs.UDF_NAMES:
        udf = getattr(udfs, name)
        assert udf.__doc__ and len(udf.__doc__) <= 255, name
        for arg in inspect.signature(udf).parameters:
            assert arg in DOCS and len(DOCS[arg]) <= 255, (name, arg)


def test_functions_agree_with_each_other_and_with_the_cli(catalog):
    from sizing_xl.reports.text import render_text_report

    # the same labels as the text report, and SIZING_RESULT takes either spelling
    text = render_text_report(size(make_request(**SEED_ARGS), catalog), lang="en")
    labels = [label for label, _ in SIZING_SCENARIO(*SEED, "recommended")]
    assert "Kv Per Session Gib" in labels and "  Kv Per Session Gib: 2.25" in text
    assert udfs.SIZING_RESULT("Nodes Final", *SEED) == udfs.SIZING_RESULT("nodes_final", *SEED) == 3
    # one limit per argument, whichever function takes it
    kv = SIZING_KV_PER_SESSION_GIB(M, 131072.0, None, 5000.0)
    sessions = SIZING_SESSIONS_PER_NODE(M, S, 131072.0, None, None, None, None, 5000.0)
    assert kv == sessions == "ERROR: tensor_parallel: expected a number <= 1024, got 5000"
    assert SIZING_KV_TOTAL_GIB(M, 1e308, 131072.0) == (
        "ERROR: concurrency: expected a number <= 100000000, got 1e+308"
    )
    # a context above the model's maximum is an error in every cell, not a silent number
    above = "ERROR: effective_context: 262,144 tokens is above opt-oss-120b's maximum context"
    for cell in (
        SIZING_KV_PER_SESSION_GIB(M, 262144.0),
        SIZING_KV_TOTAL_GIB(M, 1000.0, 262144.0),
        SIZING_NODES_FINAL(M, S, 1000.0, 262144.0),
        SIZING_SESSIONS_PER_NODE(M, S, 262144.0),
    ):
        assert cell.startswith(above)


def test_catalog_lists_the_workbooks_own_rows():
    row = dict(name="acme-7b", num_layers=32.0, num_key_value_heads=8.0, head_dim=128.0)
    assert ["acme-7b"] in SIZING_CATALOG("models", models_range(row))
    assert ["acme-7b"] not in SIZING_CATALOG("models")


# --- SIZING_GRID: a nodes table from two ranges ---------------------------------------------


def test_grid_takes_excel_ranges_and_equals_single_sizings():
    from sizing_xl.udfs import SIZING_GRID

    contexts = [[8192.0], [None], [131072.0]]  # a column with a blank cell
    loads = [[500.0, 1000.0, "2000"]]  # a row; a number typed as text
    table = SIZING_GRID(M, S, contexts, loads, "ideal")
    assert table[0][1:] == [500, 1000, 2000] and [r[0] for r in table[1:]] == [8192, 131072]
    for row in table[1:]:
        for load, cell in zip(table[0][1:], row[1:], strict=True):
            args = {**SEED_ARGS, "effective_context": row[0], "concurrency": load}
            assert cell == size(make_request(**args)).scenario("ideal").nodes_final
    assert table[2][2] == 5  # the seed: 131,072 tokens x 1,000 sessions, Ideal
    assert SIZING_GRID(M, S, 131072.0, 1000.0) == [["context \\ concurrency", 1000], [131072, 3]]


def test_grid_marks_infeasible_cells_and_refuses_bad_values_in_one_line():
    from sizing_xl.udfs import SIZING_GRID

    tiny = SIZING_GRID(M, S, 131072.0, 1000.0, None, None, None, 2300.0)  # overhead eats HBM
    assert tiny[1][1] == "INFEASIBLE"
    for contexts, loads, fragment in (
        ([[None]], 1000.0, "ERROR: contexts: required"),
        ([[1.5]], 1000.0, "ERROR: contexts: expected a whole number"),
        ([[262144.0]], 1000.0, "ERROR: contexts: 262,144 tokens is above"),
        (8192.0, [[0.0]], "ERROR: concurrencies: expected a number >= 1"),
        (8192.0, [list(range(1, 300))], "ERROR: concurrencies: expected at most 200 values"),
        (8192.0, [[True]], "ERROR: concurrencies: expected a whole number, got TRUE"),
    ):
        out = SIZING_GRID(M, S, contexts, loads)
        assert isinstance(out, str) and out.startswith(fragment) and "\n" not in out, out
