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


def _call(path: str, sha: str, task: str) -> Outcome:
    from .work import resolve

    return resolve(task)(path, sha)


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


def run_dask(
    jobs: Iterator[tuple[str, str]],
    take: Callable[[Outcome], None],
    scheduler: str | None,
    task: str,
    timeout: float | None = None,
) -> int:
    """Run ``jobs`` on the cluster at ``scheduler``, at most twice as many files in flight as the
    cluster has threads (memory of the client stays bounded whatever the batch's size); returns the
    cluster's number of threads."""
    from distributed import as_completed
    from distributed.client import FutureCancelledError

    client = client_for(scheduler)
    try:
        threads = sum(client.nthreads().values()) or 1
        meta: dict[Any, tuple[str, str, float]] = {}
        ac = as_completed()

        def submit() -> bool:
            job = next(jobs, None)
            if job is None:
                return False
            fut = client.submit(_call, job[0], job[1], task, pure=False)
            meta[fut] = (job[0], job[1], time.monotonic())
            ac.add(fut)
            return True

        for _ in range(2 * threads):
            if not submit():
                break
        while meta:
            ready = ac.next_batch(block=False)
            if not ready:
                time.sleep(0.05)
            for fut in ready:
                if fut not in meta:  # cancelled after its time limit: recorded already
                    continue
                path, sha, _ = meta.pop(fut)
                try:
                    out = fut.result()
                except FutureCancelledError:
                    continue
                except Exception as exc:  # noqa: BLE001 — KilledWorker and the like: the file is recorded
                    reason = CRASHED if type(exc).__name__ == "KilledWorker" else INTERNAL
                    out = failed(path, sha, reason, f"集群处理失败：{Path(path).name}（{type(exc).__name__}: {exc}）")
                take(out)
                submit()
            if timeout:
                now = time.monotonic()
                for fut, (path, sha, t0) in list(meta.items()):
                    if now - t0 > timeout:
                        del meta[fut]
                        fut.cancel()
                        out = failed(path, sha, TIMEOUT, f"处理超过时限 {timeout:g} 秒，已停止：{Path(path).name}")
                        out.seconds = now - t0
                        take(out)
                        submit()
    finally:
        client.close()
    return threads
