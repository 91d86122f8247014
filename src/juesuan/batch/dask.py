"""The batch on a Dask distributed cluster (``juesuan batch --engine dask --scheduler tcp://…``):
the same per-file function as the local pool (:func:`juesuan.batch.work.process_file`) runs on the
cluster's workers; each Outcome comes back to the single writer of this process.

The files must be readable at the same path on every worker (a shared file system). Limits on a
cluster are the cluster's: a worker past its memory limit is restarted by its nanny and the file is
recorded as ``worker_crashed``; the per-file time limit is enforced here, in the client: a file past
it is recorded as ``timeout`` and its task cancelled (a thread of a Dask worker cannot be stopped
mid-file; it ends when the file's work ends)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Callable, Iterator

from ..errors import InputError
from .work import CRASHED, INTERNAL, TIMEOUT, Outcome, failed


def _call_many(jobs: list[tuple[str, str]], task: str) -> list[Outcome]:
    """One task of several files: the per-file function on each, every failure an Outcome (one
    file's exception must not lose the others')."""
    from .work import resolve, run_one

    fn = resolve(task)
    return [run_one(fn, path, sha) for path, sha in jobs]


# The worker's periodic callbacks of Dask's statistical profiler (distributed.worker.profile)
_PROFILER = ("profile", "profile-cycle")


def _warm(task: str, dask_worker: Any = None) -> bool:
    """Ready a worker before the first files (:func:`juesuan.batch.work.warm_up`: imports, layouts,
    long-lived objects out of the garbage collector's scans), and pause the worker's statistical
    profiler for the batch (:func:`_resume` restarts it). The profiler samples the running task's
    stack 100 times a second and keeps each second's call tree for ~17 minutes: on our pipeline's
    deep stacks that is CPU, and memory the garbage collector walks again and again (a worker grew
    to 284 MB over 2,000 documents, against 56 MB for a local worker)."""
    from .work import warm_up

    warm_up(task)
    callbacks = getattr(dask_worker, "periodic_callbacks", None) or {}
    paused = [name for name in _PROFILER if name in callbacks and callbacks[name].is_running()]
    for name in paused:
        callbacks[name].stop()
    if dask_worker is not None:
        dask_worker._juesuan_paused_profiler = paused
    return True


def _resume(dask_worker: Any = None) -> bool:
    """Restart the profiler callbacks :func:`_warm` paused on this worker."""
    callbacks = getattr(dask_worker, "periodic_callbacks", None) or {}
    for name in getattr(dask_worker, "_juesuan_paused_profiler", ()):
        if name in callbacks:
            callbacks[name].start()
    if dask_worker is not None:
        dask_worker._juesuan_paused_profiler = []
    return True


def client_for(scheduler: str | None) -> Any:
    try:
        from distributed import Client
    except ImportError:
        raise InputError(
            "未安装 Dask：--engine dask 需要可选组件（pip install 'juesuan[dask]'）", code="dask_unavailable"
        ) from None
    try:
        return Client(scheduler, timeout="20s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise InputError(f"无法连接 Dask 调度器：{scheduler}（{exc}）", code="dask_unavailable") from None


def chunk_size(files: int, threads: int, most: int = 8) -> int:
    """Files per task: several, so the cluster's cost per task is shared, but no more than leaves
    every thread about four tasks (an even finish), and at most ``most``."""
    return max(1, min(most, files // (4 * max(1, threads))))


def run_dask(
    jobs: Iterator[tuple[str, str]],
    take: Callable[[Outcome], None],
    scheduler: str | None,
    task: str,
    timeout: float | None = None,
    files: int = 0,
    chunk: int | None = None,
) -> int:
    """Run ``jobs`` on the cluster at ``scheduler`` in tasks of ``chunk`` files (default:
    :func:`chunk_size` of ``files``), at most twice as many tasks in flight as the cluster has threads
    (the client's memory stays bounded whatever the batch's size); returns the cluster's number of
    threads. Each outcome goes to ``take`` as its task completes.

    Time limit: a task of one file past ``timeout`` is cancelled and the file recorded as
    ``timeout``; a task of k files gets 2·k·``timeout`` (it may wait behind another task), then its
    files are sent again one per task. A file that took longer than ``timeout`` is recorded as
    ``timeout`` whatever its task, as in the local pool."""
    from distributed import wait
    from distributed.client import FutureCancelledError

    client = client_for(scheduler)
    try:
        threads = sum(client.nthreads().values()) or 1
        try:
            client.run(_warm, task, on_error="return")
        except Exception:  # noqa: BLE001 — a worker that cannot warm up fails its files, one by one, below
            pass
        size = chunk or chunk_size(files, threads)
        meta: dict[Any, tuple[list[tuple[str, str]], float]] = {}
        again: list[tuple[str, str]] = []  # files of a task past its time, sent again one per task

        def submit() -> bool:
            if again:
                part = [again.pop(0)]
            else:
                part = []
                for job in jobs:
                    part.append(job)
                    if len(part) >= size:
                        break
                if not part:
                    return False
            fut = client.submit(_call_many, part, task, pure=False)
            meta[fut] = (part, time.monotonic())
            return True

        def fill() -> None:
            while len(meta) < 2 * threads and submit():
                pass

        def give(out: Outcome) -> None:
            if timeout and out.seconds > timeout and out.status == "added":
                name = Path(out.path).name
                seconds = out.seconds
                out = failed(out.path, out.sha256, TIMEOUT, f"处理超过时限 {timeout:g} 秒，已停止：{name}")
                out.seconds = seconds
            take(out)

        fill()
        while meta:
            try:
                done = wait(list(meta), timeout=1.0, return_when="FIRST_COMPLETED").done
            except TimeoutError:  # nothing finished within the second: look at the time limits
                done = set()
            for fut in done:
                if fut not in meta:
                    continue
                part, _ = meta.pop(fut)
                try:
                    outs = fut.result()
                except FutureCancelledError:
                    continue
                except Exception as exc:  # noqa: BLE001 — KilledWorker and the like: each file is recorded
                    if len(part) > 1:  # one of them may be the culprit: each again on its own
                        again.extend(part)
                        continue
                    reason = CRASHED if type(exc).__name__ == "KilledWorker" else INTERNAL
                    path, sha = part[0]
                    outs = [
                        failed(path, sha, reason, f"集群处理失败：{Path(path).name}（{type(exc).__name__}: {exc}）")
                    ]
                for out in outs:
                    give(out)
            if timeout:
                now = time.monotonic()
                for fut, (part, t0) in list(meta.items()):
                    limit = timeout if len(part) == 1 else 2 * len(part) * timeout
                    if now - t0 > limit:
                        del meta[fut]
                        fut.cancel()
                        if len(part) > 1:
                            again.extend(part)
                            continue
                        path, sha = part[0]
                        out = failed(path, sha, TIMEOUT, f"处理超过时限 {timeout:g} 秒，已停止：{Path(path).name}")
                        out.seconds = now - t0
                        take(out)
            fill()
    finally:
        try:
            client.run(_resume, on_error="return")
        except Exception:  # noqa: BLE001 — a cluster gone away has no profiler to restart
            pass
        client.close()
    return threads
