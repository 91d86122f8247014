"""readers.geometry.median is statistics.median (the same figure, the same error on no value),
and reading a PDF does not import statistics (nor fractions and random, which it imports)."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from decimal import Decimal

import pytest

from conftest import REPO
from juesuan.readers.geometry import median


@pytest.mark.parametrize(
    "values",
    [[3.5], [2.0, 1.0], [0.1, 0.7, 0.2], [9.75, 10.25, 11.0, 7.5], [1, 2, 3, 4], [Decimal("1.1"), Decimal("2.2")]],
)
def test_median_is_statistics_median(values) -> None:
    got, want = median(iter(values)), statistics.median(values)
    assert got == want and type(got) is type(want)


def test_median_of_nothing_raises_as_statistics_does() -> None:
    with pytest.raises(statistics.StatisticsError):
        median(x for x in [])


def test_reading_a_pdf_does_not_import_statistics() -> None:
    pdf = REPO / "tests" / "fixtures" / "roundtrip" / "example-threeline.pdf"
    probe = (
        "import sys, json; from juesuan.readers import read; read(sys.argv[1]); print(json.dumps(sorted(sys.modules)))"
    )
    proc = subprocess.run([sys.executable, "-c", probe, str(pdf)], capture_output=True, text=True, timeout=120)
    loaded = set(json.loads(proc.stdout.strip().splitlines()[-1]))
    assert "juesuan.readers.borderless" in loaded
    assert loaded.isdisjoint({"statistics", "fractions", "random"})
