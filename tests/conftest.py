"""Shared fixtures. Materials in ../shared are optional: tests that need them skip, saying why."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEED = SHARED / "seeds" / "000_f2a3e5ca77432ebc.txt"
EXAMPLES = REPO / "examples"


@pytest.fixture(scope="session")
def seed_path() -> Path:
    if not SEED.exists():
        pytest.skip(f"the seed disclosure {SEED} is not available (../shared is absent in a fresh clone)")
    return SEED


@pytest.fixture(scope="session")
def seed_report(seed_path: Path):
    from juesuan import api

    return api.check(seed_path)
