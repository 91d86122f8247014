"""Batch processing (docs/batch.md): many files read and checked in parallel worker processes, each
file under a time and a memory limit, the results stored by ONE writer (this process) in batches.

>>> from juesuan import batch, store
>>> with store.open_store("corpus.duckdb") as s:
...     summary = batch.run(batch.list_files(["disclosures/"]), s, workers=2)

Every file listed is accounted for in the :class:`Summary`: added, already in the store (skipped
before reading: the content hash is known), a duplicate of another file of the batch, failed in this
run, or failed in an earlier run (recorded in the store's ``batch_failures``; ``retry_failed``
processes it again). A file that fails is recorded with its reason, and the batch goes on.
"""

from __future__ import annotations

import sys
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from ..errors import InputError
from ..store import Store
from ..store.rows import sha256_of
from .work import CRASHED, DEFAULT_TASK, MEMORY, TIMEOUT, Outcome, failed

__all__ = ["Outcome", "Summary", "list_files", "run", "REASONS"]

# What each failure reason means (the error codes of juesuan.errors have their own, errors.CODES)
REASONS = {
    TIMEOUT: "超过单个文件的处理时限，已停止",
    MEMORY: "超过单个文件的内存上限，已停止",
    CRASHED: "处理进程意外退出（文件可能触发了底层库的缺陷）",
    "internal_error": "处理时出现内部错误",
    "too_deeply_nested": "文件结构嵌套过深",
}


def list_files(paths: Iterable[str | Path], lists: Iterable[str | Path] = ()) -> list[Path]:
    """The files to process: each path a file, or a folder standing for every file under it (not
    hidden, recursive, sorted); each of ``lists`` a text file naming one path a line (blank lines and
    lines starting with # ignored; relative paths from the list's folder). A path that does not
    exist is kept: the batch records it as failed."""
    out: list[Path] = []
    for lst in lists:
        lp = Path(lst)
        try:
            text = lp.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"无法读取文件清单：{lp}（{exc}）", code="file_not_found") from None
        for line in text.splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                p = Path(line).expanduser()
                out.append(p if p.is_absolute() else lp.parent / p)
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(
                f
                for f in p.rglob("*")
                if f.is_file() and not any(part.startswith(".") for part in f.relative_to(p).parts)
            )
        else:
            out.append(p)
    return out


@dataclass
class Summary:
    """The batch's account of every file (``files`` = added + skipped + duplicates + failed +
    previously_failed), the error-level findings by rule of the documents added, the failures by
    reason, and how long it took."""

    files: int = 0
    added: int = 0
    skipped: int = 0
    duplicates: int = 0
    failed: int = 0
    previously_failed: int = 0
    errors_by_rule: Counter[str] = field(default_factory=Counter)
    failures_by_reason: Counter[str] = field(default_factory=Counter)
    failures: list[tuple[str, str, str]] = field(default_factory=list)  # (file, reason, message)
    seconds: float = 0.0
    workers: int = 0
    engine: str = "local"
    peak_mb: float = 0.0  # the highest peak resident memory of one worker
    processed_seconds: float = 0.0  # time spent in the workers on the files processed

    @property
    def accounted(self) -> int:
        return self.added + self.skipped + self.duplicates + self.failed + self.previously_failed

    @property
    def rate(self) -> float:
        """Files processed (added or failed in this run) per second of the batch."""
        done = self.added + self.failed
        return done / self.seconds if self.seconds > 0 else 0.0

    def as_json(self) -> dict[str, Any]:
        return {
            "schema": "juesuan.batch/1",
            "files": self.files,
            "added": self.added,
            "skipped": self.skipped,
            "duplicates": self.duplicates,
            "failed": self.failed,
            "previously_failed": self.previously_failed,
            "errors_by_rule": dict(self.errors_by_rule.most_common()),
            "failures_by_reason": dict(self.failures_by_reason.most_common()),
            "failures": [{"file": f, "reason": r, "message": m} for f, r, m in self.failures],
            "seconds": round(self.seconds, 3),
            "documents_per_second": round(self.rate, 3),
            "workers": self.workers,
            "engine": self.engine,
            "peak_memory_mb": round(self.peak_mb, 1),
        }


# ---------------------------------------------------------------- the single writer


class Writer:
    """Stores the workers' results in batches (one transaction per batch, :meth:`Store.add`), and
    records failures in ``batch_failures``. Flushes every ``batch_size`` documents or ``interval``
    seconds, so a batch killed half-way loses at most the unflushed files, which a restart redoes."""

    def __init__(self, store: Store, summary: Summary, batch_size: int = 50, interval: float = 5.0):
        self.store = store
        self.summary = summary
        self.batch_size = batch_size
        self.interval = interval
        self.docs: list[Outcome] = []
        self.fails: list[Outcome] = []
        self.last = time.monotonic()

    def take(self, out: Outcome) -> None:
        s = self.summary
        s.peak_mb = max(s.peak_mb, out.peak_mb)
        s.processed_seconds += out.seconds
        if out.status == "added":
            self.docs.append(out)
        else:
            self._count_failure(out)
            self.fails.append(out)
        if len(self.docs) >= self.batch_size or time.monotonic() - self.last >= self.interval:
            self.flush()

    def _count_failure(self, out: Outcome) -> None:
        s = self.summary
        s.failed += 1
        reason = out.reason or "unusable_input"
        s.failures_by_reason[reason] += 1
        s.failures.append((out.path, reason, out.message or REASONS.get(reason, reason)))

    def flush(self) -> None:
        self.last = time.monotonic()
        docs, self.docs = self.docs, []
        if docs:
            results = self.store.add([d.rows for d in docs])
            stored = []
            for d, r in zip(docs, results):
                if r.status == "added":
                    self.summary.added += 1
                    stored.append(d.sha256)
                    for row in d.rows.tables.get("findings", []):
                        if row[2] == "error":
                            self.summary.errors_by_rule[row[1]] += 1
                elif r.status == "exists":
                    self.summary.skipped += 1
                else:
                    out = failed(d.path, d.sha256, r.error.code if r.error else "store_failed", str(r.error))
                    self._count_failure(out)
                    self.fails.append(out)
            self.store.clear_failures(stored)
        fails, self.fails = self.fails, []
        if fails:
            self.store.record_failures([(f.sha256, f.path, f.reason or "unusable_input", f.message) for f in fails])


class _Behind:
    """The writer on a thread of its own: the loop that feeds the workers hands each outcome over and
    goes on, so no worker waits for a transaction (the database does its work outside the GIL).
    Everything that changes the summary goes through the one queue, in order."""

    def __init__(self, writer: Writer):
        import queue
        import threading

        self.writer = writer
        self.queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._loop, name="juesuan-batch-writer", daemon=True)
        self.thread.start()

    def _loop(self) -> None:
        while True:
            item = self.queue.get()
            if item is None:
                return
            if self.error is not None:
                continue  # the store failed: drain, the caller raises the error
            try:
                if isinstance(item, str):
                    setattr(self.writer.summary, item, getattr(self.writer.summary, item) + 1)
                else:
                    self.writer.take(item)
            except BaseException as exc:  # noqa: BLE001 — raised again in the caller's thread
                self.error = exc

    def _check(self) -> None:
        if self.error is not None:
            raise self.error

    def take(self, out: Outcome) -> None:
        self._check()
        self.queue.put(out)

    def count(self, field_name: str) -> None:
        """One more file in ``Summary.<field_name>`` (skipped, duplicates, previously_failed)."""
        self.queue.put(field_name)

    def close(self) -> None:
        """Wait for every outcome handed over to be taken (the caller flushes)."""
        self.queue.put(None)
        self.thread.join()
        self._check()


# ---------------------------------------------------------------- the local process pool


class _Slot:
    """One worker process and the files sent to it, in order: the first is being processed (since
    ``started``), the others wait in the pipe, so the worker never waits for the writer."""

    def __init__(self, ctx: Any, memory_mb: int | None, task: str):
        from .work import worker_main

        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=worker_main, args=(child, memory_mb, task, list(sys.path)), daemon=True)
        self.proc.start()
        child.close()
        self.jobs: deque[tuple[str, str]] = deque()
        self.started = 0.0

    def send(self, job: tuple[str, str]) -> None:
        if not self.jobs:
            self.started = time.monotonic()
        self.jobs.append(job)
        self.conn.send(job)

    def done(self) -> None:
        """The first file's outcome arrived: the next one starts now."""
        self.jobs.popleft()
        self.started = time.monotonic()

    def stop(self, kill: bool = False) -> None:
        if kill:
            self.proc.kill()
        else:
            try:
                self.conn.send(None)
            except (OSError, BrokenPipeError):
                pass
        self.proc.join(timeout=5)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join()
        self.conn.close()


def _context() -> Any:
    import multiprocessing as mp

    # forkserver: workers forked from a clean server process, not from this one (no threads, no
    # open database); spawn where forkserver is not available
    method = "forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn"
    return mp.get_context(method)


def _local(
    jobs: Iterator[tuple[str, str]],
    take: Callable[[Outcome], None],
    workers: int,
    timeout: float | None,
    memory_mb: int | None,
    task: str,
    depth: int = 2,
) -> None:
    """Run ``jobs`` on ``workers`` processes, ``depth`` files in flight per worker; a worker past
    ``timeout`` on one file is killed and replaced, a worker that dies is replaced (the files
    waiting behind the stopped one go to other workers); each file's Outcome goes to ``take``."""
    from multiprocessing.connection import wait

    ctx = _context()
    slots = [_Slot(ctx, memory_mb, task) for _ in range(max(1, workers))]
    again: deque[tuple[str, str]] = deque()  # files sent to a worker that was stopped before them

    def next_job() -> tuple[str, str] | None:
        return again.popleft() if again else next(jobs, None)

    def replace(i: int) -> None:
        """Stop worker ``i`` (its first file is accounted for), start a new one."""
        slot = slots[i]
        slot.jobs.popleft()
        again.extend(slot.jobs)
        slot.jobs.clear()
        slot.stop(kill=True)
        slots[i] = _Slot(ctx, memory_mb, task)

    more = True
    try:
        while True:
            for i in range(len(slots)):
                while more and len(slots[i].jobs) < depth:
                    job = next_job()
                    if job is None:
                        more = False
                        break
                    try:
                        slots[i].send(job)
                    except (OSError, BrokenPipeError):  # the worker died: a new one takes its files
                        pending = list(slots[i].jobs)
                        slots[i].jobs.clear()
                        slots[i].stop(kill=True)
                        slots[i] = _Slot(ctx, memory_mb, task)
                        again.extend(pending)
                        break
            busy = [s for s in slots if s.jobs]
            if not busy:
                if again:
                    more = True
                    continue
                return
            now = time.monotonic()
            wait_for = 1.0
            if timeout:
                wait_for = max(0.01, min(wait_for, min(s.started + timeout - now for s in busy)))
            ready = set(wait([s.conn for s in busy] + [s.proc.sentinel for s in busy], timeout=wait_for))
            for i, slot in enumerate(slots):
                while slot.jobs:
                    path, sha = slot.jobs[0]
                    name = Path(path).name
                    out: Outcome | None = None
                    now = time.monotonic()
                    if slot.conn in ready or slot.proc.sentinel in ready:
                        try:
                            out = slot.conn.recv() if slot.conn.poll() else None
                        except (EOFError, OSError):
                            out = None
                        if out is None:
                            slot.proc.join(timeout=1)
                            code = slot.proc.exitcode
                            if code is None:  # woken by nothing of this worker's: nothing to do
                                break
                            reason = MEMORY if code == -9 else CRASHED  # SIGKILL: the kernel's OOM killer
                            out = failed(path, sha, reason, f"处理进程意外退出（退出码 {code}），已跳过：{name}")
                            out.seconds = now - slot.started
                            replace(i)
                            take(out)
                            break
                        slot.done()
                        take(out)
                        if slot.conn.poll():  # more outcomes already waiting in the pipe
                            continue
                        break
                    if timeout and now - slot.started > timeout:
                        out = failed(path, sha, TIMEOUT, f"处理超过时限 {timeout:g} 秒，已停止：{name}")
                        out.seconds = now - slot.started
                        replace(i)
                        take(out)
                    break
                if again:
                    more = True
    finally:
        for slot in slots:
            slot.stop(kill=bool(slot.jobs))


# ---------------------------------------------------------------- the batch


def run(
    files: list[Path],
    store: Store,
    workers: int = 1,
    timeout: float | None = 300.0,
    memory_mb: int | None = 2048,
    retry_failed: bool = False,
    engine: str = "local",
    scheduler: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    task: str = DEFAULT_TASK,
    batch_size: int = 50,
    chunk: int | None = None,
) -> Summary:
    """Process ``files`` into ``store``; ``progress(done, total)`` after each file accounted for.
    ``chunk``: files per task on Dask (default: a few, from the number of files and threads)."""
    summary = Summary(files=len(files), workers=workers, engine=engine)
    writer = Writer(store, summary, batch_size=batch_size)
    start = time.monotonic()
    known = store.known_hashes()
    failed_before = set() if retry_failed else store.failed_hashes()
    behind = _Behind(writer)
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done, len(files))

    seen: set[str] = set()

    def jobs() -> Iterator[tuple[str, str]]:
        for p in files:
            name = str(p)
            try:
                if not p.is_file():
                    raise InputError(f"文件不存在或不是文件：{p}", code="file_not_found")
                sha = sha256_of(p)
            except InputError as err:
                behind.take(failed(name, "", err.code, str(err)))
                tick()
                continue
            except OSError as exc:
                behind.take(failed(name, "", "unusable_input", f"无法读取文件：{p}（{exc.strerror or exc}）"))
                tick()
                continue
            if sha in known:
                behind.count("skipped")
                tick()
            elif sha in seen:
                behind.count("duplicates")
                tick()
            elif sha in failed_before:
                behind.count("previously_failed")
                tick()
            else:
                seen.add(sha)
                yield name, sha

    def take(out: Outcome) -> None:
        behind.take(out)
        tick()

    try:
        if engine == "dask":
            from .dask import run_dask

            summary.workers = run_dask(jobs(), take, scheduler, task, timeout, len(files), chunk)
        else:
            _local(jobs(), take, workers, timeout, memory_mb, task)
    finally:
        try:
            behind.close()
        finally:
            writer.flush()
            summary.seconds = time.monotonic() - start
    return summary
