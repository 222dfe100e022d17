"""Sweeps: every grid cell equals a single size() of its point; nodes never fall with load."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sizing_xl import InputError, load_catalog, make_request, size
from sizing_xl.planning.sweep import Axis, points, sweep_nodes, sweep_results
from sizing_xl.request import HEADLINE_CASE, as_flags
from sizing_xl.scenarios import SCENARIO_NAMES
from tests.conftest import SEED_ARGS

CATALOG = load_catalog()
SOME = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# requests the engine accepts on every catalog server: weights known, replicas that fit a node
bases = st.fixed_dictionaries(
    {
        "model": st.sampled_from(["opt-oss-120b", "gpt-oss-20b", "llama-3.1-8b", "qwen3-32b"]),
        "server": st.sampled_from(["dgx300", "dgx-h200", "dgx-b200", "mi300x-8"]),
        "kv_precision": st.sampled_from(["fp8", "fp16"]),
        "method": st.sampled_from(["seed", "vllm", "sglang"]),
        "tensor_parallel": st.sampled_from([1, 2, 8]),
        "peak_headroom_ratio": st.floats(0, 1),
        "min_tokens_per_second": st.sampled_from([None, 15.0, 40.0]),
    }
).map(lambda d: {k: v for k, v in d.items() if v is not None})
contexts = st.lists(st.integers(1024, 131072), min_size=1, max_size=4, unique=True)
loads = st.lists(st.integers(1, 50_000), min_size=1, max_size=6, unique=True)


def final_nodes(args: dict) -> dict:
    result = size(make_request(**args), CATALOG)
    return {n: result.scenario(n).nodes_final for n in SCENARIO_NAMES}


@SOME
@given(bases, contexts, loads)
def test_every_grid_cell_equals_a_single_sizing_of_its_point(base, ctxs, concs):
    axes = [Axis("effective_context", tuple(ctxs)), Axis("concurrency", tuple(concs))]
    grid = list(
        sweep_nodes({**base, "concurrency": 1, "effective_context": 1}, axes, CATALOG).rows()
    )
    assert [p for p, _ in grid] == list(points(axes))
    for point, nodes in grid:
        assert nodes == final_nodes({**base, **point}), point


def as_number(n: int | None) -> float:
    return math.inf if n is None else n


@SOME
@given(bases, st.lists(st.integers(1, 200_000), min_size=2, max_size=8, unique=True))
def test_nodes_never_fall_as_concurrency_or_context_rise(base, concs):
    ctxs = (4096, 32768, 131072)
    axes = [Axis("effective_context", ctxs), Axis("concurrency", tuple(sorted(concs)))]
    grid = dict(
        (tuple(p.values()), n)
        for p, n in sweep_nodes(
            {**base, "concurrency": 1, "effective_context": 1}, axes, CATALOG
        ).rows()
    )
    for name in SCENARIO_NAMES:
        for c in ctxs:
            row = [as_number(grid[(c, k)][name]) for k in sorted(concs)]
            assert row == sorted(row), (name, c)
        for k in concs:
            column = [as_number(grid[(c, k)][name]) for c in ctxs]
            assert column == sorted(column), (name, k)


def test_any_field_may_be_varied_and_the_seed_grid_holds_its_figures():
    axes = [
        Axis("kv_precision", ("fp8", "fp16")),
        Axis("server", ("dgx300", "dgx-b200")),
        Axis("concurrency", (1000, 2000)),
    ]
    grid = list(sweep_nodes(SEED_ARGS, axes, CATALOG).rows())
    assert len(grid) == 8
    seed = grid[0]
    assert seed[0] == {"kv_precision": "fp8", "server": "dgx300", "concurrency": 1000}
    assert seed[1] == {"minimum": 2, "recommended": 3, "ideal": 5}
    for point, nodes in grid:
        assert nodes == final_nodes({**SEED_ARGS, **point})
    full = sweep_results(SEED_ARGS, axes[:1], CATALOG)
    assert [r.scenario("recommended").nodes_final for _, r in full] == [3, 5]


def test_a_bad_value_is_refused_before_anything_is_sized():
    with pytest.raises(InputError, match="concurrency"):
        sweep_nodes(SEED_ARGS, [Axis("concurrency", (100, 0))], CATALOG)


def test_a_field_varied_twice_is_one_input_error():
    with pytest.raises(InputError, match="varied twice"):
        sweep_nodes(SEED_ARGS, [Axis("concurrency", (1,)), Axis("concurrency", (2,))], CATALOG)


def test_a_sweep_marks_the_points_a_single_sizing_marks_critical(capsys):
    from sizing_xl.cli import run

    flags = [
        "sweep", "--model", "opt-oss-120b", "--server", "dgx300", "--concurrency", "1000",
        "--effective-context", "8192", "--vary", "effective-context=131072,262144", "--lang", "en",
    ]  # fmt: skip
    single = size(make_request(**{**SEED_ARGS, "effective_context": 262144}), CATALOG)
    assert [a.code for a in single.alerts if a.severity == "critical"] == [
        "CONTEXT_ABOVE_MODEL_MAX"
    ]
    assert run(flags) == 0
    text = capsys.readouterr().out.splitlines()
    assert text[-3].endswith("5") and text[-2].endswith("⚠1")  # 131,072 clean, 262,144 marked
    assert text[-1] == "⚠1 CRITICAL (CONTEXT_ABOVE_MODEL_MAX): " + single.alerts[0].message("en")
    assert run([*flags, "--format", "csv"]) == 0
    csv_rows = capsys.readouterr().out.splitlines()
    assert csv_rows[0].endswith(",critical_alert")
    assert csv_rows[1].endswith(",") and csv_rows[2].endswith(",CONTEXT_ABOVE_MODEL_MAX")
    assert run([*flags, "--format", "json"]) == 0
    points = json.loads(capsys.readouterr().out)["points"]
    assert [[a["code"] for a in p["alerts"] if a["severity"] == "critical"] for p in points] == [
        [],
        ["CONTEXT_ABOVE_MODEL_MAX"],
    ]


def test_a_sweep_within_the_model_s_context_has_no_alert_column(capsys):
    from sizing_xl.cli import run

    assert run(["sweep", *as_flags(HEADLINE_CASE), "--vary", "concurrency=500,1000"]) == 0
    assert "⚠" not in capsys.readouterr().out
