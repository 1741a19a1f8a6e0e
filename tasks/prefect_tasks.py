"""Thin Prefect task wrappers around the plain functions of ``tasks``.

The CPU work of a batch runs in a ``ProcessPoolExecutor`` handed in by the flow; the
task itself (and every Prefect call) stays in the flow's process.
"""

from __future__ import annotations

from concurrent.futures import BrokenExecutor, Executor

from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.tasks import exponential_backoff
from prefect.utilities.timeout import timeout as time_limit

from tasks.batch import BatchSummary, process_batch
from tasks.clean import CleanConfig
from tasks.discover import FileRef
from tasks.line_stats import LineStats
from tasks.workers import run_alone


def retry_on_io_error(task_, task_run, state) -> bool:
    """Retry a failed task only when it failed on I/O (an ``OSError``), not on a timeout."""
    try:
        state.result()
    except TimeoutError:
        return False
    except OSError:
        return True
    except Exception:
        return False
    return False


@task(name="clean-batch", persist_result=False, cache_policy=NO_CACHE, retries=3,
      retry_delay_seconds=exponential_backoff(backoff_factor=1), retry_jitter_factor=0.5,
      retry_condition_fn=retry_on_io_error, task_run_name="clean-batch-{batch_no}")
def clean_batch(refs: list[FileRef], known: dict[str, str | None], staging_dir: str, run_id: str,
                batch_no: int, config: CleanConfig, pool: Executor | None = None,
                timeout: float | None = None, prior: LineStats | None = None) -> BatchSummary:
    """Clean one batch, in ``pool`` when given (else in this process); returns its summary.

    A batch that takes longer than ``timeout`` seconds fails with ``TimeoutError`` (in
    this process, the cleaning is interrupted between two Python statements).  A batch
    whose pool broke under it is cleaned again alone (``tasks.workers``).  ``prior``
    holds what earlier runs learnt about the batch's sources (``tasks.line_stats``).
    """
    args = (refs, known, staging_dir, run_id, batch_no, config, prior)
    if pool is None:
        with time_limit(timeout):
            return process_batch(*args)
    try:
        return pool.submit(process_batch, *args).result(timeout)
    except BrokenExecutor:
        # A worker died (killed, out of memory, a crash in C code), maybe on a batch beside this
        # one: clean this batch again in a process of its own, where only its own files can fail it.
        return run_alone(process_batch, args, timeout)
