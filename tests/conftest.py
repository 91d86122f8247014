"""Shared fixtures. Materials in ../shared are optional: tests that need them skip, saying why."""

from __future__ import annotations

import subprocess
import sys
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


def run_cli(*args: str) -> subprocess.CompletedProcess:
    """`juesuan ARGS` in a fresh process, as a user runs it."""
    return subprocess.run([sys.executable, "-m", "juesuan.cli", *args], capture_output=True, text=True, timeout=60)


def run_narrative(doc):  # type: ignore[no-untyped-def]
    """The narrative and 绩效 checks of ``doc``: findings, and rule statuses by id."""
    from juesuan import narrative

    findings, statuses = narrative.check(doc)
    return findings, {s.id: s for s in statuses}


def helvetica_resources():  # type: ignore[no-untyped-def]
    """A page's /Resources naming Helvetica as /F1: for the small PDFs tests write with pypdf."""
    from pypdf.generic import DictionaryObject, NameObject

    return DictionaryObject(
        {
            NameObject("/Font"): DictionaryObject(
                {
                    NameObject("/F1"): DictionaryObject(
                        {
                            NameObject("/Type"): NameObject("/Font"),
                            NameObject("/Subtype"): NameObject("/Type1"),
                            NameObject("/BaseFont"): NameObject("/Helvetica"),
                        }
                    )
                }
            )
        }
    )
