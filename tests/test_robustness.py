"""A batch that fails, hangs or hits a transient I/O error never sinks the run."""

import os
import time
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pyarrow.dataset as ds
import pytest

import tasks.prefect_tasks as prefect_tasks
from tasks.clean import CleanConfig
from tasks.discover import walk_root
from tasks.workers import WORKER_EXIT_SECONDS, RespawningPool, run_alone


def rows(wh: Path, table: str) -> list[dict]:
    return ds.dataset(wh / table, format="parquet", partitioning="hive").to_table().to_pylist()


def failing_on_batch(bad_batch: int, exc: Exception, times: int = 99):
    """``process_batch`` that raises ``exc`` on ``bad_batch`` (the first ``times`` calls); counts calls."""
    real = prefect_tasks.process_batch
    calls = []

    def process_batch(refs, known, staging_dir, run_id, batch_no=0, config=None, prior=None):
        calls.append(batch_no)
        if batch_no == bad_batch and calls.count(bad_batch) <= times:
            raise exc
        return real(refs, known, staging_dir, run_id, batch_no, config, prior)

    return process_batch, calls


def run_flow(root: Path, wh: Path, **kwargs) -> dict:
    from flows.clean_corpus import clean_corpus

    return clean_corpus(inputs=[str(root)], warehouse=str(wh), workers=1, batch_files=2, **kwargs)


def test_a_batch_whose_worker_raises_becomes_error_rejects(prefect_harness, corpus, tmp_path, monkeypatch):
    fake, calls = failing_on_batch(1, RuntimeError("worker died\nwith a traceback"))
    monkeypatch.setattr(prefect_tasks, "process_batch", fake)
    totals = run_flow(corpus, tmp_path / "wh")
    assert calls.count(1) == 1  # not an I/O error: no retry
    failed = sorted(r.rel_path for r in walk_root(corpus))[2:]
    errors = {r["source_path"]: r["detail"]
              for r in rows(tmp_path / "wh", "rejects") if r["reason"] == "error"}
    assert errors == dict.fromkeys(failed, "batch 1 failed: RuntimeError: worker died")
    assert totals["rejected_by_reason"] == {"error": 2, "empty": 1} and totals["documents_written"] == 1

    monkeypatch.undo()
    again = run_flow(corpus, tmp_path / "wh")  # the next run cleans them again
    assert (again["unchanged"], again["documents_written"], again["rejected"]) == (2, 2, 0)
    assert {r["source_path"] for r in rows(tmp_path / "wh", "documents")} >= set(failed)


def test_a_transient_io_error_is_retried(prefect_harness, corpus, tmp_path, monkeypatch):
    fake, calls = failing_on_batch(0, OSError("stale file handle"), times=1)
    monkeypatch.setattr(prefect_tasks, "process_batch", fake)
    totals = run_flow(corpus, tmp_path / "wh")
    assert calls.count(0) == 2
    assert totals["rejected_by_reason"] == {"empty": 1} and totals["documents_written"] == 3


def test_a_batch_in_process_is_stopped_at_its_timeout(corpus, tmp_path, monkeypatch):
    def slow(*args, **kwargs):
        while True:
            time.sleep(0.01)

    monkeypatch.setattr(prefect_tasks, "process_batch", slow)
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        prefect_tasks.clean_batch.fn(list(walk_root(corpus)), {}, str(tmp_path), "r", 0, CleanConfig(),
                                     timeout=0.5)
    assert time.monotonic() - started < 5


def test_a_batch_in_a_pool_is_given_up_at_its_timeout(corpus, tmp_path):
    with ThreadPoolExecutor(1) as busy:
        busy.submit(time.sleep, 2)  # the only worker is taken: the batch cannot finish in time
        with pytest.raises(TimeoutError):
            prefect_tasks.clean_batch.fn(list(walk_root(corpus)), {}, str(tmp_path), "r", 0, CleanConfig(),
                                         busy, timeout=0.3)


def test_timeouts_are_not_retried_but_io_errors_are():
    class Failed:
        def __init__(self, exc):
            self.exc = exc

        def result(self):
            raise self.exc

    retry = prefect_tasks.retry_on_io_error
    assert retry(None, None, Failed(OSError("EIO")))
    assert not retry(None, None, Failed(TimeoutError("batch took too long")))
    assert not retry(None, None, Failed(ValueError("bug")))


def test_leaving_the_pool_stops_a_worker_stuck_on_a_timed_out_batch():
    from flows.clean_corpus import batch_pool

    started = time.monotonic()
    with batch_pool(2, several_batches=True) as pool:
        stuck = pool.submit(time.sleep, 600)
        with pytest.raises(TimeoutError):
            stuck.result(timeout=0.5)
        workers = pool.processes()
    assert time.monotonic() - started < WORKER_EXIT_SECONDS + 10
    for worker in workers:
        worker.join(5)
    assert not any(w.is_alive() for w in workers)


def test_a_pool_whose_worker_dies_is_replaced():
    pool = RespawningPool(2)
    try:
        with pytest.raises(BrokenProcessPool):
            pool.submit(os._exit, 1).result(timeout=60)  # the worker process dies
        assert pool.submit(pow, 2, 10).result(timeout=60) == 1024
    finally:
        pool.shutdown()


def test_a_batch_caught_in_a_broken_pool_is_cleaned_alone(corpus, tmp_path):
    class BrokenPool(ThreadPoolExecutor):
        def submit(self, fn, /, *args, **kwargs):
            future = Future()
            future.set_exception(BrokenProcessPool("a worker died beside this batch"))
            return future

    refs = list(walk_root(corpus))
    summary = prefect_tasks.clean_batch.fn(refs, {}, str(tmp_path), "r", 0, CleanConfig(), BrokenPool(), 120)
    alone = prefect_tasks.clean_batch.fn(refs, {}, str(tmp_path / "alone"), "r", 0, CleanConfig())
    assert summary.n_documents == alone.n_documents > 0
    assert summary.removed_by_category == alone.removed_by_category


def test_a_batch_that_kills_its_own_process_fails_alone():
    with pytest.raises(BrokenProcessPool):
        run_alone(os._exit, (1,), 60)


def language_models_loaded() -> int:
    from tasks import language

    return language._identifier.cache_info().currsize


def test_a_pool_started_early_is_warm_and_taken_by_the_run_that_fits_it():
    from tasks.workers import start_early_pool, stop_early_pools, take_early_pool

    start_early_pool(2)
    try:
        assert take_early_pool(3) is None  # a run with other workers starts its own
        pool = take_early_pool(2)
        assert pool is not None and take_early_pool(2) is None
        assert len(pool.processes()) == 2  # started before any batch was submitted
        assert pool.submit(language_models_loaded).result(timeout=60) == 1  # loaded when it started
        pool.shutdown()
    finally:
        stop_early_pools()


def test_an_early_pool_no_run_took_is_stopped():
    from tasks.workers import _early_pools, start_early_pool, stop_early_pools

    start_early_pool(1)
    processes = _early_pools[0].processes()
    stop_early_pools()
    assert not _early_pools and not any(p.is_alive() for p in processes)


def test_a_process_prepared_to_clean_collects_garbage_less_often() -> None:
    import gc

    from tasks.workers import GC_THRESHOLD, prepare_cleaning

    threshold = gc.get_threshold()
    try:
        prepare_cleaning()
        assert gc.get_threshold() == GC_THRESHOLD and gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)
