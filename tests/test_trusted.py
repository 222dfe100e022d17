"""The packaged data built without validation (catalog/trusted.py) is what pydantic's validation
builds: the build-time proof that lets a start-up go without pydantic."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import is_dataclass

import pytest

from sizing_xl.catalog.loading import builtin_catalogs
from sizing_xl.catalog.trusted import trusted
from sizing_xl.methods.defaults import EngineDefaults, engine_defaults
from sizing_xl.records import field_names, validate
from sizing_xl.request import HEADLINE_CASE, as_flags
from sizing_xl.step_time import PerfAccuracy, PerfConstants, perf_accuracy, perf_constants


def assert_same_tree(got: object, expected: object) -> None:
    """Equal, of the same types all the way down."""
    assert type(got) is type(expected)
    if is_dataclass(expected):
        for name in field_names(type(expected)):
            assert_same_tree(getattr(got, name), getattr(expected, name))
    elif isinstance(expected, tuple | list):
        assert len(got) == len(expected)  # type: ignore[arg-type]
        for a, b in zip(got, expected, strict=True):  # type: ignore[call-overload]
            assert_same_tree(a, b)
    elif isinstance(expected, dict):
        assert list(got) == list(expected)  # type: ignore[call-overload]
        for key in expected:
            assert_same_tree(got[key], expected[key])  # type: ignore[index]
    else:
        assert got == expected


def packaged(name: str) -> dict:
    return json.loads(builtin_catalogs().joinpath(name).read_text("utf-8"))


@pytest.mark.parametrize(
    ("built", "schema", "data"),
    [
        (engine_defaults, EngineDefaults, lambda: packaged("engines.json")),
        (perf_constants, PerfConstants, lambda: packaged("perf.json")["constants"]),
        (perf_accuracy, PerfAccuracy, lambda: packaged("perf.json")["accuracy"]),
    ],
    ids=["engines.json", "perf.json constants", "perf.json accuracy"],
)
def test_packaged_engine_and_perf_files_validate_to_what_the_start_up_builds(built, schema, data):
    assert_same_tree(built(), validate(schema, data()))


def test_trusted_building_turns_json_into_the_annotated_types():
    """Whole numbers in float fields become floats, arrays tuples, nested objects models: a
    constructed entry prints as a validated one would (its JSON document is the same)."""
    data = {
        "bandwidth_efficiency": 1,
        "decode_compute_efficiency": 0.5,
        "prefill_compute_efficiency": 0.4,
        "step_overhead_ms": 0,
        "layer_overhead_us": 1,
        "moe_layer_overhead_us": 2,
        "allreduce_latency_us": 3,
        "internode_allreduce_latency_us": 4,
        "expert_prefill_overhead_us": 5,
        "request_overhead_ms": 6,
        "arrival_alignment": 1,
        "overhead_factor_by_gpu": {"MI300X": 2},
        "source": "test",
        "as_of": "2026-11",
        "fitted_on": ["a", "b"],
    }
    assert_same_tree(trusted(PerfConstants, data), validate(PerfConstants, data))


def test_the_seed_case_imports_no_pydantic():
    """The packaged catalogs, engines.json, perf.json and a valid request from flags are built
    in plain Python: the text report's whole run imports neither pydantic nor importlib.metadata
    (pydantic's plugin loader); a bad value still gets pydantic's words (tests/test_records.py)."""
    code = (
        "import sys, io, contextlib\n"
        "from sizing_xl.cli.main import run\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    code = run(sys.argv[1:])\n"
        "print(code, 'pydantic' in sys.modules, 'importlib.metadata' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, *as_flags(HEADLINE_CASE), "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.split() == ["0", "False", "False"]
