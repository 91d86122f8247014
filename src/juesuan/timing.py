"""Stage timings for ``juesuan check --timings``: a process-wide recorder, off unless enabled.

``with stage("read"): ...`` adds the elapsed time to the stage when recording is on and costs
nothing measurable otherwise. Stages nest: while an inner stage runs, the outer one is paused, so
each stage's time is its own and the stages add up without counting anything twice (the rules
evaluated inside the differential check count as rules, not as the differential check).
:func:`summary` closes the account at the time it is called: whatever ran outside every stage
(argument parsing, limits, data packs, process exit paths) is shown as 其他, so the total is the
whole process up to then.
"""

from __future__ import annotations

import os
import time
from contextlib import contextmanager

TYPE_CHECKING = False  # (typing's, without importing typing: a check's process does not load it)
if TYPE_CHECKING:
    from typing import Iterator

# the stages of a check, in order, with their names for users
STAGES = {
    "startup": "启动",
    "read": "读取",
    "recognize": "识别",
    "ocrfix": "识别更正",  # scanned pages: OCR'd amounts the identities correct (juesuan.ocrfix)
    "differential": "差异核对",
    "rules": "表格规则",
    "narrative": "文字说明",
    "locate": "错误定位",
    "report": "报告",
    "other": "其他",
}

_stages: dict[str, float] | None = None
_open: list[str] = []  # the stages running, innermost last
_since: list[float] = []  # when each running stage's current share of time began
_enabled_at = 0.0


def enable() -> None:
    global _stages, _enabled_at
    _stages = {}
    _open.clear()
    _since.clear()
    _enabled_at = time.perf_counter()


def record(name: str, seconds: float) -> None:
    if _stages is not None:
        _stages[name] = _stages.get(name, 0.0) + seconds


@contextmanager
def stage(name: str) -> Iterator[None]:
    if _stages is None:
        yield
        return
    now = time.perf_counter()
    if _open:  # the enclosing stage pauses
        record(_open[-1], now - _since[-1])
    _open.append(name)
    _since.append(now)
    try:
        yield
    finally:
        now = time.perf_counter()
        record(_open.pop(), now - _since.pop())
        if _since:
            _since[-1] = now  # the enclosing stage resumes


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
    """One line for stderr: every recorded stage in order, then the total: the start-up (when
    recorded) and everything since :func:`enable`, the time no stage accounts for as 其他 (other)."""
    st = stages()
    if _stages is not None:
        rest = st.get("startup", 0.0) + (time.perf_counter() - _enabled_at) - sum(st.values())
        if rest >= 0.0005:
            st["other"] = st.get("other", 0.0) + rest
    parts = [f"{label} {st[name]:.3f}" for name, label in STAGES.items() if name in st]
    return "用时（秒）：" + "，".join(parts) + f"；合计 {sum(st.values()):.3f}"
