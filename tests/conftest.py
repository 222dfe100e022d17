"""Shared fixtures: the seed's headline request and its result."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import NoReturn

import pytest

from sizing_xl import load_catalog, make_request, size
from sizing_xl.scenarios import HEADLINE_CASE, as_flags

REPO = Path(__file__).resolve().parents[1]
# The seed's executive report, kept in the repository (a copy of shared/seeds/000_…txt) so a
# clone tests on its own, with or without ../shared beside it.
SEED_REPORT = REPO / "tests" / "data" / "seeds" / "executive-report.pt-BR.txt"

SEED_ARGS = dict(HEADLINE_CASE)
SEED_FLAGS = as_flags(HEADLINE_CASE)


def run_python(code: str) -> None:
    """Run code in a fresh interpreter (clean sys.modules) and fail with its stderr."""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


@pytest.fixture(scope="session")
def catalog():
    return load_catalog()


@pytest.fixture(scope="session")
def seed_result(catalog):
    return size(make_request(**SEED_ARGS), catalog)


def unavailable(message: str) -> NoReturn:
    """A tool or file a test needs is missing: under CI (which installs and places them all)
    that fails the run; elsewhere the test is skipped, saying what to install."""
    if os.environ.get("CI"):
        pytest.fail(message + " (CI provides it: .ci/run, scripts/test.sh)")
    pytest.skip(message)


@pytest.fixture(scope="session")
def soffice():
    """LibreOffice's path; under CI its absence fails the run instead of hiding the tests."""
    from sizing_xl.excel.libreoffice import soffice as find_soffice

    path = find_soffice()
    if path is None:
        unavailable(
            "LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui"
        )
    return path


@pytest.fixture(scope="session")
def ssconvert():
    """Gnumeric's converter; under CI its absence fails the run instead of hiding the tests."""
    path = shutil.which("ssconvert")
    if path is None:
        unavailable("Gnumeric (ssconvert) is not installed: apt-get install gnumeric")
    return path


@cache
def fidelity_module():
    """scripts/fidelity.py as a module (its dataclasses need it registered in sys.modules)."""
    sys.path.insert(0, str(REPO / "scripts"))
    spec = importlib.util.spec_from_file_location("fidelity", REPO / "scripts" / "fidelity.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["fidelity"] = module
    spec.loader.exec_module(module)
    return module
