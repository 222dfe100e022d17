"""Property tests over random valid (and invalid) requests on the built-in catalogs."""

from __future__ import annotations

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sizing_xl import InputError, UnknownEntryError, load_catalog, make_request, size
from sizing_xl.scenarios import SCENARIO_NAMES

CATALOG = load_catalog()
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

requests = st.fixed_dictionaries(
    {
        "model": st.sampled_from(sorted(CATALOG.models)),
        "server": st.sampled_from(sorted(CATALOG.servers)),
        "concurrency": st.integers(1, 200_000),
        "effective_context": st.integers(1, 400_000),
        "kv_precision": st.sampled_from(["fp8", "int8", "fp16", "bf16"]),
        "kv_budget_ratio": st.floats(0.05, 1.0),
        "runtime_overhead_gib": st.floats(0, 400),
        "peak_headroom_ratio": st.floats(0, 2),
        "tensor_parallel": st.sampled_from([1, 2, 4, 8]),
    }
)


def nodes(args: dict) -> list[float]:
    result = size(make_request(**args), CATALOG)
    return [
        math.inf if (n := result.scenario(s).nodes_final) is None else n for s in SCENARIO_NAMES
    ]


@FAST
@given(requests)
def test_ideal_at_least_recommended_at_least_minimum(args):
    minimum, recommended, ideal = nodes(args)
    assert ideal >= recommended >= minimum


@FAST
@given(requests, st.integers(1, 100_000))
def test_more_concurrency_never_needs_fewer_nodes(args, extra):
    more = {**args, "concurrency": args["concurrency"] + extra}
    assert all(b >= a for a, b in zip(nodes(args), nodes(more), strict=True))


@FAST
@given(requests, st.integers(1, 200_000))
def test_longer_context_never_needs_fewer_nodes(args, extra):
    more = {**args, "effective_context": args["effective_context"] + extra}
    assert all(b >= a for a, b in zip(nodes(args), nodes(more), strict=True))


@FAST
@given(requests)
def test_fp16_never_needs_fewer_nodes_than_fp8(args):
    fp8, fp16 = nodes({**args, "kv_precision": "fp8"}), nodes({**args, "kv_precision": "fp16"})
    assert all(b >= a for a, b in zip(fp8, fp16, strict=True))


@FAST
@given(requests)
def test_capacity_after_losing_the_spares_still_carries_the_load(args):
    result = size(make_request(**args), CATALOG)
    for name in SCENARIO_NAMES:
        r = result.scenario(name)
        if r.nodes_final is not None:
            assert r.capacity_after_failures_sessions >= args["concurrency"]
            assert r.nodes_final * r.sessions_per_node >= r.peak_sessions


bad_values = st.one_of(
    st.integers(max_value=0),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=5),
    st.none(),
    st.booleans(),
    st.lists(st.integers(), max_size=2),
)


@FAST
@given(
    requests,
    st.sampled_from(
        [
            "concurrency",
            "effective_context",
            "kv_budget_ratio",
            "runtime_overhead_gib",
            "peak_headroom_ratio",
            "tensor_parallel",
            "kv_precision",
            "model",
        ]
    ),
    bad_values,
)
def test_invalid_inputs_raise_one_clean_input_error(args, field, value):
    args = {**args, field: value}
    try:
        size(make_request(**args), CATALOG)
    except InputError as exc:
        assert exc.field == field
        assert "\n" not in str(exc)
    except UnknownEntryError as exc:  # a string that is no model's name
        assert field == "model" and "\n" not in str(exc)
