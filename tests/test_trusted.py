"""The packaged data built without its schema (catalog/trusted.py) is what validation builds:
the build-time proof that lets a start-up skip pydantic's validators."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from pydantic import BaseModel

from sizing_xl.catalog.loading import builtin_catalogs
from sizing_xl.catalog.trusted import trusted
from sizing_xl.methods.defaults import EngineDefaults, engine_defaults
from sizing_xl.step_time import PerfAccuracy, PerfConstants, perf_accuracy, perf_constants


def assert_same_tree(got: object, expected: object) -> None:
    """Equal, of the same types all the way down, with the same fields set."""
    assert type(got) is type(expected)
    if isinstance(expected, BaseModel):
        assert got.model_fields_set == expected.model_fields_set  # type: ignore[union-attr]
        for name in type(expected).model_fields:
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
    assert_same_tree(built(), schema.model_validate(data()))


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
    assert_same_tree(trusted(PerfConstants, data), PerfConstants.model_validate(data))


def test_a_sizing_builds_no_pydantic_validator_for_packaged_data():
    """The seed case with the packaged catalogs never builds a catalog, engine or perf schema:
    pydantic's plugin loader (importlib.metadata) stays unloaded until the request's own."""
    code = (
        "import sys\n"
        "from sizing_xl.catalog.loading import load_catalog\n"
        "from sizing_xl.methods.defaults import engine_defaults\n"
        "from sizing_xl.step_time import perf_accuracy, perf_constants\n"
        "load_catalog(); engine_defaults(); perf_constants(); perf_accuracy()\n"
        "print('pydantic.plugin._loader' in sys.modules, 'importlib.metadata' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
