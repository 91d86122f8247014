"""The work of one file in a batch, the same on every engine: read, check and turn the report into
the store's rows (:class:`juesuan.store.rows.DocumentRows`), or say why the file failed. The result
is an :class:`Outcome`, picklable, handed to the single writer of the parent process.

This module imports little at its top: a spawned worker imports it first, then sets its limits
(:func:`limit_memory`), and only then imports the pipeline."""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

# Failure reasons beyond the error codes of juesuan.errors (docs/batch.md)
TIMEOUT = "timeout"
MEMORY = "memory_limit"
CRASHED = "worker_crashed"
INTERNAL = "internal_error"
NESTING = "too_deeply_nested"


@dataclass
class Outcome:
    """What became of one file: ``added`` (``rows`` to store) or ``failed`` (``reason``: an error
    code or one of the reasons above; ``message``: Chinese, for the user)."""

    path: str
    sha256: str
    status: str
    rows: Any = None
    reason: str | None = None
    message: str | None = None
    seconds: float = 0.0
    peak_mb: float = 0.0  # the worker process's peak resident memory so far


def peak_mb() -> float:
    """Peak resident memory of this process in MB (0 where unknown)."""
    try:
        import resource

        kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    except (ImportError, OSError):
        return 0.0
    return kb / (1024 * 1024) if sys.platform == "darwin" else kb / 1024


def limit_memory(memory_mb: int | None) -> None:
    """Cap this process's address space (RLIMIT_AS): an allocation beyond it raises MemoryError in
    the worker, which fails the file, not the machine. One thread per numeric library, so that the
    cap is spent on documents, not on thread arenas."""
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    if not memory_mb:
        return
    try:
        import resource

        limit = int(memory_mb) * 1024 * 1024
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ImportError, ValueError, OSError):  # not on this platform: the watchdog's time limit remains
        pass


def failed(path: str, sha256: str, reason: str, message: str) -> Outcome:
    return Outcome(path, sha256, "failed", reason=reason, message=message)


def process_file(path: str, sha256: str) -> Outcome:
    """Read, check and convert one file. Never raises: every failure is an Outcome."""
    from ..errors import JuesuanError

    name = Path(path).name
    start = time.perf_counter()
    try:
        from .. import api
        from ..store.rows import claim_rows, document_rows

        report = api.check(path)
        rows = document_rows(report, sha256, name, claim_rows(report.document))
        out = Outcome(path, sha256, "added", rows=rows)
    except JuesuanError as err:
        out = failed(path, sha256, err.code, str(err))
    except MemoryError:
        out = failed(path, sha256, MEMORY, f"处理时超出内存上限，已停止：{name}")
    except RecursionError:
        out = failed(path, sha256, NESTING, f"文件结构嵌套过深，无法处理：{name}")
    except OSError as exc:
        out = failed(path, sha256, "unusable_input", f"无法读取文件：{name}（{exc.strerror or exc}）")
    except Exception as exc:  # noqa: BLE001 — one file's defect must not stop the batch; its reason is kept
        out = failed(path, sha256, INTERNAL, f"处理时出现内部错误：{name}（{type(exc).__name__}: {exc}）")
    out.seconds = time.perf_counter() - start
    out.peak_mb = peak_mb()
    return out


def resolve(ref: str) -> Callable[[str, str], Outcome]:
    """The per-file function named ``module:function`` (tests and benchmarks may pass their own)."""
    import importlib

    module, _, name = ref.partition(":")
    fn: Callable[[str, str], Outcome] = getattr(importlib.import_module(module), name)
    return fn


DEFAULT_TASK = "juesuan.batch.work:process_file"


def warm_up(task: str) -> Callable[[str, str], Outcome]:
    """Make a worker ready before its first file, on every engine: import the per-file function and
    the pipeline, load the layouts (once per worker, not inside a file's time limit), then move the
    objects that live as long as the worker (modules, layouts, rule packs; on Dask the runtime's
    too) out of the garbage collector's scans (:func:`gc.freeze`). The collector runs every few
    documents (a check allocates many containers); without the freeze each full collection walks
    every one of those objects again, which costs a Dask worker (65,000 objects after the warm-up,
    against 25,000 in a local worker) more than a local one."""
    import gc

    fn = resolve(task)
    try:
        from .. import api  # noqa: F401
        from ..layouts import load

        load()
    except (Exception, MemoryError):  # noqa: BLE001 — the first file meets it again and is recorded with its reason
        return fn
    gc.collect()
    gc.freeze()
    return fn


def run_one(fn: Callable[[str, str], Outcome], path: str, sha: str) -> Outcome:
    """The per-file function on one file, a failure an Outcome (one file's exception must not stop
    the worker), with the worker's peak memory so far."""
    try:
        out = fn(path, sha)
    except MemoryError:
        out = failed(path, sha, MEMORY, f"处理时超出内存上限，已停止：{Path(path).name}")
    except Exception as exc:  # noqa: BLE001 — a per-file function of a caller's own that raised
        out = failed(path, sha, INTERNAL, f"处理时出现内部错误：{Path(path).name}（{type(exc).__name__}: {exc}）")
    out.peak_mb = max(out.peak_mb, peak_mb())
    return out


def worker_main(conn: Any, memory_mb: int | None, task: str, sys_path: list[str] | None = None) -> None:
    """A local worker process: receives (path, sha256) pairs, sends back Outcomes, until None or
    the parent goes away. ``sys_path``: the parent's sys.path (a forkserver's may be older)."""
    if sys_path:
        sys.path[:] = sys_path
    limit_memory(memory_mb)
    fn = warm_up(task)
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        path, sha = msg
        out = run_one(fn, path, sha)
        try:
            conn.send(out)
        except MemoryError:
            out = failed(path, sha, MEMORY, f"处理结果超出内存上限：{Path(path).name}")
            out.peak_mb = peak_mb()
            conn.send(out)
        except (BrokenPipeError, EOFError, OSError):
            return
