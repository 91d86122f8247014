"""Stage timings for ``juesuan check --timings``: a process-wide recorder, off unless enabled.

``with stage("read"): ...`` adds the elapsed time to the stage when recording is on and costs
nothing measurable otherwise.
"""

from __future__ import annotations

import os
import time
from contextlib import contextmanager
from typing import Iterator

# the stages of a check, in order, with their names for users
STAGES = {
    "startup": "启动",
    "read": "读取",
    "recognize": "识别",
    "rules": "表格规则",
    "narrative": "文字说明",
    "locate": "错误定位",
    "report": "报告",
}

_stages: dict[str, float] | None = None


def enable() -> None:
    global _stages
    _stages = {}


def record(name: str, seconds: float) -> None:
    if _stages is not None:
        _stages[name] = _stages.get(name, 0.0) + seconds


@contextmanager
def stage(name: str) -> Iterator[None]:
    if _stages is None:
        yield
        return
    t0 = time.perf_counter()
    try:
        yield
    finally:
        record(name, time.perf_counter() - t0)


def stages() -> dict[str, float]:
    return dict(_stages or {})


def since_process_start() -> float | None:
    """Seconds since this process started (Linux /proc; None elsewhere)."""
    try:
        with open("/proc/self/stat", "rb") as fh:
            fields = fh.read().rsplit(b")", 1)[1].split()
        start_ticks = int(fields[19])  # field 22 of stat: starttime, counted after the ")" field 2
        with open("/proc/uptime", "rb") as fh:
            uptime = float(fh.read().split()[0])
        return max(uptime - start_ticks / os.sysconf("SC_CLK_TCK"), 0.0)
    except (OSError, ValueError, IndexError):
        return None


def summary() -> str:
    """One line for stderr: every recorded stage in order, then the total."""
    st = stages()
    parts = [f"{label} {st[name]:.3f}" for name, label in STAGES.items() if name in st]
    return "用时（秒）：" + "，".join(parts) + f"；合计 {sum(st.values()):.3f}"
