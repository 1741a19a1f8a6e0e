"""Worker processes for batches: a spawn-based pool that outlives the death of a worker.

When a worker process dies (killed, out of memory, a crash inside C code) the standard
``ProcessPoolExecutor`` is broken for good and every later batch would fail with it.
``RespawningPool`` starts a fresh pool instead, and ``run_alone`` gives a batch that was
caught in a broken pool a process of its own, so a batch that kills its worker fails
alone and the batches beside it are cleaned.
"""

from __future__ import annotations

import gc
import multiprocessing
import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.process import BaseProcess
from typing import Any

# How long a worker may take to exit once its pool is shut down.
WORKER_EXIT_SECONDS = 5.0


def spawn_pool(workers: int, initializer: Callable[[], None] | None = None) -> ProcessPoolExecutor:
    """A pool whose workers start afresh (``spawn``): no state copied from the flow's process;
    each runs ``initializer`` first."""
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=initializer)


def pool_processes(pool: ProcessPoolExecutor) -> list[BaseProcess]:
    return list((pool._processes or {}).values())  # noqa: SLF001 (no public handle on the workers)


def stop_pool(pool: ProcessPoolExecutor, grace: float = WORKER_EXIT_SECONDS) -> None:
    """Shut ``pool`` down; idle workers exit at once, one still busy after ``grace`` seconds (stuck
    on a timed-out batch) is terminated, and each is waited for."""
    processes = pool_processes(pool)
    reaper = pool._executor_manager_thread  # noqa: SLF001 (the pool's thread, which reaps its workers too)
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.join(grace)
        if process.is_alive():
            process.terminate()
            process.join(WORKER_EXIT_SECONDS)
    if reaper is not None:
        # a worker this thread reaps first looks alive here until the reaper notes its exit code
        reaper.join(WORKER_EXIT_SECONDS)


class RespawningPool(Executor):
    """A spawn process pool of ``workers`` that is replaced by a fresh one once it breaks."""

    def __init__(self, workers: int, initializer: Callable[[], None] | None = None) -> None:
        self._workers = workers
        self._initializer = initializer
        self._lock = threading.Lock()
        self._pool = spawn_pool(workers, initializer)
        self._retired: list[ProcessPoolExecutor] = []

    @property
    def workers(self) -> int:
        return self._workers

    def start_workers(self) -> None:
        """Start every worker now (a pool starts them on demand), without waiting for them."""
        for _ in range(self._workers):
            self.submit(int)

    def submit(self, fn: Callable, /, *args: Any, **kwargs: Any) -> Future:
        with self._lock:
            try:
                return self._pool.submit(fn, *args, **kwargs)
            except BrokenProcessPool:
                self._retired.append(self._pool)
                self._pool = spawn_pool(self._workers, self._initializer)
                return self._pool.submit(fn, *args, **kwargs)

    def processes(self) -> list[BaseProcess]:
        """The worker processes of the current pool."""
        return pool_processes(self._pool)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False,
                 grace: float = WORKER_EXIT_SECONDS) -> None:
        """Stop every pool this one has used (``wait`` and ``cancel_futures`` are implied)."""
        with self._lock:
            for pool in (*self._retired, self._pool):
                stop_pool(pool, grace)


def run_alone(fn: Callable, args: tuple, timeout: float | None) -> Any:
    """``fn(*args)`` in a process of its own, with a result within ``timeout`` seconds."""
    pool = spawn_pool(1)
    try:
        return pool.submit(fn, *args).result(timeout)
    finally:
        stop_pool(pool)


# Collections of the youngest generation come after this many new container objects (700 by
# default): cleaning allocates many short-lived objects and makes few reference cycles, so the
# default collects every few lines of text for nothing (about 5% of a batch's time).
GC_THRESHOLD = (10_000, 20, 20)


def prepare_cleaning() -> None:
    """Get a process ready to clean: load what cleaning needs (``warm_up``), keep it out of every
    garbage collection (it lives as long as the process), and collect less often."""
    from tasks.clean import warm_up

    warm_up()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLD)


# A pool started ahead of a run (``start_early_pool``), waiting for the run to take it.
_early_pools: list[RespawningPool] = []


def start_early_pool(workers: int) -> RespawningPool:
    """Start a pool of ``workers`` whose workers load what cleaning needs, for the next run to take:
    ``rinse run`` does this before Prefect is imported, so a second's start-up per worker is not
    paid by the first batches."""
    pool = RespawningPool(workers, initializer=prepare_cleaning)
    pool.start_workers()
    _early_pools.append(pool)
    return pool


def take_early_pool(workers: int) -> RespawningPool | None:
    """The pool ``start_early_pool`` started, if it has ``workers`` workers (it is then the caller's)."""
    if _early_pools and _early_pools[0].workers == workers:
        return _early_pools.pop(0)
    return None


def stop_early_pools() -> None:
    """Stop a pool started early that no run took (one batch is cleaned in the flow's process):
    its workers did nothing but start, so they are not waited for."""
    while _early_pools:
        _early_pools.pop().shutdown(grace=0)
