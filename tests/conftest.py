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
