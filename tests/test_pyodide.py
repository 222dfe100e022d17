"""The SIZING_* functions in Pyodide, the Python of xlwings Lite (Excel on Mac and the web):
this project's wheel loaded beside the Pyodide builds of pydantic-core and xlwings, every
function registered through xlwings.server's metadata and called through custom_functions_call
with Office.js-typed arguments, each result equal to the same call in CPython."""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, unavailable

PYODIDE = "314.0.7"  # npm; its Python is 3.14, hence the cp314 wasm wheels below
WASM_WHEELS = ("pydantic_core==2.50.5", "xlwings==0.37.8")  # built for pyemscripten_2026_0
PURE_WHEELS = ("pydantic==2.14.4", "typing-extensions", "annotated-types", "typing-inspection")
CACHE = Path(os.environ.get("SIZING_XL_PYODIDE_CACHE", Path.home() / ".cache" / "sizing_xl"))
HERE = Path(__file__).parent / "pyodide"


def _run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, check=True, capture_output=True, text=True, **kwargs)


@pytest.fixture(scope="module")
def pyodide(tmp_path_factory):
    """(node, node_modules, a folder of every wheel to load): Pyodide from npm and the wheels
    from the package index, cached between runs; this checkout's wheel built fresh."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        unavailable("Node.js (node, npm) is not installed: the Pyodide test needs it")
    modules = CACHE / f"pyodide-{PYODIDE}"
    if not (modules / "node_modules" / "pyodide" / "pyodide.mjs").is_file():
        modules.mkdir(parents=True, exist_ok=True)
        _run([npm, "install", "--prefix", str(modules), f"pyodide@{PYODIDE}", "--no-audit",
              "--no-fund"], timeout=300)  # fmt: skip
    cached = CACHE / "pyodide-wheels"
    if not any(cached.glob("xlwings-*.whl")):
        pip = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", str(cached)]
        _run(
            [
                *pip,
                "--only-binary=:all:",
                "--platform",
                "pyemscripten_2026_0_wasm32",
                "--python-version",
                "3.14",
                "--implementation",
                "cp",
                *WASM_WHEELS,
            ],
            timeout=300,
        )
        _run([*pip, *PURE_WHEELS], timeout=300)  # fmt: skip
    wheels = tmp_path_factory.mktemp("wheels")
    for wheel in cached.glob("*.whl"):
        shutil.copy(wheel, wheels)
    _run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
          "-w", str(wheels), str(REPO)], timeout=300)  # fmt: skip
    return node, modules / "node_modules", wheels


def _same(a: object, b: object) -> bool:
    """Equal, floats to 1e-12 (Pyodide's libm may differ from the host's in the last bit)."""
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return a == b


@pytest.fixture(scope="module")
def cpython():
    """The same calls in this CPython, as the reference."""
    env = {**os.environ, "XLWINGS_LICENSE_KEY": "noncommercial"}
    here = _run([sys.executable, str(HERE / "calls.py")], env=env, cwd=REPO, timeout=300)
    return json.loads(here.stdout)


def _in_pyodide(pyodide, wheels: Path, *personal: Path) -> dict:
    node, modules, _ = pyodide
    command = [node, str(HERE / "run.mjs"), str(modules), str(wheels), str(HERE / "calls.py")]
    lite = _run([*command, *map(str, personal)], timeout=600)
    return json.loads(lite.stdout.splitlines()[-1])


def _same_results(cpython: dict, wasm: dict) -> None:
    assert wasm["python"].startswith("3.14")
    assert cpython["functions"] == wasm["functions"] == 25
    assert cpython["results"].keys() == wasm["results"].keys()
    differ = [k for k in cpython["results"] if not _same(cpython["results"][k], wasm["results"][k])]
    assert differ == []
    results = wasm["results"]
    # the seed's golden figures, computed in the browser's Python
    assert results["seed:SIZING_SESSIONS_PER_NODE"] == [[629]]
    assert results["seed:SIZING_NODES_FINAL"] == [[3]]
    assert results["vllm:SIZING_SESSIONS_PER_NODE"] == [[608]]
    assert results["seed:SIZING_GRID"][0][0] == "context \\ concurrency"
    assert not any("ERROR" in json.dumps(v) for k, v in results.items() if "SERVER" in k)


def test_every_function_gives_in_pyodide_what_it_gives_in_cpython(pyodide, cpython):
    wasm = _in_pyodide(pyodide, pyodide[2])
    _same_results(cpython, wasm)
    print(f"Pyodide: {len(wasm['results'])} calls in {wasm['seconds']:.2f} s "
          f"(CPython {cpython['seconds']:.2f} s), start-up {wasm['load_seconds']:.1f} s")  # fmt: skip


def test_the_lite_bundle_registers_the_same_functions_from_its_personal_module(
    pyodide, cpython, tmp_path
):
    """scripts/build_lite.py's personal/ folder, mounted as xlwings Lite mounts it, with no
    sizing_xl installed: sizing_functions.py registers the 25 functions, each result equal."""
    _run([sys.executable, str(REPO / "scripts" / "build_lite.py"), str(tmp_path / "lite")])
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    for wheel in pyodide[2].glob("*.whl"):
        if not wheel.name.startswith("sizing_xl-"):
            shutil.copy(wheel, wheels)
    _same_results(cpython, _in_pyodide(pyodide, wheels, tmp_path / "lite" / "personal"))
