"""Shared fixtures: the seed's headline request and its result."""

from __future__ import annotations

from pathlib import Path

import pytest

from sizing_xl import load_catalog, make_request, size

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEED_REPORT = SHARED / "seeds" / "000_9c33989f9d6cbe0b.txt"

SEED_ARGS = dict(
    model="opt-oss-120b",
    server="dgx300",
    storage="profile_default",
    concurrency=1000,
    effective_context=131072,
)
SEED_FLAGS = [
    "--model",
    "opt-oss-120b",
    "--server",
    "dgx300",
    "--storage",
    "profile_default",
    "--concurrency",
    "1000",
    "--effective-context",
    "131072",
]


@pytest.fixture(scope="session")
def catalog():
    return load_catalog()


@pytest.fixture(scope="session")
def seed_result(catalog):
    return size(make_request(**SEED_ARGS), catalog)


@pytest.fixture(scope="session")
def soffice():
    """LibreOffice's path; under CI its absence fails the run instead of hiding the tests."""
    import os

    from sizing_xl.excel.libreoffice import soffice as find_soffice

    path = find_soffice()
    if path is None:
        message = "LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui"
        if os.environ.get("CI"):
            pytest.fail(message + " (.ci/run installs it)")
        pytest.skip(message)
    return path
