"""Shared fixtures. Materials in ../shared are optional: tests that need them skip, saying why."""

from __future__ import annotations

import os
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


def run_probe(probe: str, cache: str, data_path: str | None = None) -> subprocess.CompletedProcess:
    """``python -c PROBE`` in a fresh process with the user cache directory ``cache`` (``off``: no
    cache) and, when given, the data path ``data_path``: the user-cache tests compare what it prints."""
    env = dict(os.environ, JUESUAN_CACHE_DIR=cache)
    env.pop("JUESUAN_DATA_PATH", None)
    if data_path:
        env["JUESUAN_DATA_PATH"] = data_path
    return subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=120)


def cached_same_off_cold_warm(probe: str, cache: Path, pattern: str) -> str:
    """What ``probe`` prints with the cache off, cold (``pattern`` files written in ``cache``) and
    warm: the same three times (returned)."""
    off = run_probe(probe, "off")
    cold = run_probe(probe, str(cache))
    assert list(cache.glob(pattern)), f"no {pattern} written"
    warm = run_probe(probe, str(cache))
    assert off.returncode == cold.returncode == warm.returncode == 0, off.stderr + cold.stderr + warm.stderr
    assert off.stdout == cold.stdout == warm.stdout
    return off.stdout


def cached_data_file_changes(probe: str, tmp_path: Path, file: str, text: str, marker: str, changed: str) -> None:
    """A data file (``file``, a path in a data path, e.g. ``variants/x.yaml``, holding ``text``, printed
    by ``probe`` as ``marker``) added, then changed (``marker`` → ``changed``), then made malformed: each picked up through a
    warm user cache as without one."""
    cache, extra = tmp_path / "cache", tmp_path / "data"
    added = extra / file
    added.parent.mkdir(parents=True)
    assert marker not in run_probe(probe, str(cache), str(extra)).stdout
    added.write_text(text, encoding="utf-8")
    out = run_probe(probe, str(cache), str(extra))
    assert out.returncode == 0, out.stderr
    assert marker in out.stdout and out.stdout == run_probe(probe, "off", str(extra)).stdout
    added.write_text(text.replace(marker, changed), encoding="utf-8")
    again = run_probe(probe, str(cache), str(extra))
    assert changed in again.stdout and marker not in again.stdout
    added.write_text(text + "unknown_key: 1\n", encoding="utf-8")  # malformed: refused as before
    bad = run_probe(probe, str(cache), str(extra))
    assert bad.returncode != 0 and "unknown_key" in bad.stderr


def cached_file_corrupt(probe: str, cache: Path, pattern: str) -> None:
    """A corrupt cache file (every ``pattern`` file in ``cache``) falls back to building: the same
    output."""
    good = run_probe(probe, str(cache)).stdout
    for file in cache.glob(pattern):
        file.write_bytes(b"not a pickle")
    again = run_probe(probe, str(cache))
    assert again.returncode == 0 and again.stdout == good


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
