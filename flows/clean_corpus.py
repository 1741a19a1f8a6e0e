"""The ``clean-corpus`` flow: discover input files, clean them in batches, commit to the warehouse.

One task per batch; each batch task hands its CPU work to a process pool (``spawn``)
created here, or to an existing Dask cluster (``dask_address``), so N task threads wait
on N workers.  The workers run only ``process_batch`` (no Prefect); every Prefect call
and everything that touches the warehouse index (recovery, commits, the ``runs`` row)
happens in this process, under the warehouse lock, with batches committed in batch order.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import time
import uuid
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Executor
from contextlib import contextmanager, nullcontext
from dataclasses import asdict, dataclass, field
from pathlib import Path

from prefect import Flow, flow, get_run_logger
from prefect.artifacts import (
    create_markdown_artifact,
    create_progress_artifact,
    create_table_artifact,
    update_progress_artifact,
)
from prefect.runtime import flow_run
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.utilities.annotations import opaque

from rinse import PIPELINE_VERSION
from rinse.config import (
    DEFAULT_BATCH_TIMEOUT,
    DEFAULT_INPUT,
    DEFAULT_MAX_FILE_BYTES,
    DEFAULT_WAREHOUSE,
    UsageError,
    input_roots,
    location,
    worker_count,
)
from tasks import line_stats
from tasks.batch import BatchSummary, failed_batch, one_line, process_batch
from tasks.clean import CleanConfig
from tasks.discover import (
    DEFAULT_BATCH_BYTES,
    DEFAULT_BATCH_FILES,
    FileRef,
)
from tasks.prefect_tasks import clean_batch
from tasks.report import (
    Drift,
    Figures,
    RunReport,
    drifts,
    progress_percent,
    removed_lines_table,
    run_rates,
    summary_markdown,
    throughput,
)
from tasks.run_plan import RunStart, plan_run, run_key, take_run_start
from tasks.storage import remove_tree
from tasks.warehouse import (
    STAGING,
    WarehouseIndex,
    WarehouseLock,
    check_writable,
    commit_batch,
    earlier_rates,
    ensure_tables,
    write_run,
)
from tasks.workers import RespawningPool, prepare_cleaning, take_early_pool

DASK_CONNECT_TIMEOUT = "10s"
# The line counts are saved again once this many times the last save's duration has passed (so
# saving takes at most a twentieth of the flow's process).
SAVE_SPACING = 20


@dataclass
class RunTotals:
    """The run's counts, as printed by the CLI and written to ``runs``."""

    run_id: str
    files_seen: int = 0
    unchanged: int = 0
    bytes_in: int = 0
    input_bytes_done: int = 0
    figures: Figures = field(default_factory=Figures)

    def as_dict(self) -> dict:
        f = self.figures
        return {"run_id": self.run_id, "files_seen": self.files_seen, "documents_written": f.n_documents,
                "unchanged": self.unchanged, "rejected": f.n_rejected, "bytes_in": self.bytes_in,
                "rejected_by_reason": dict(f.rejected_by_reason),
                "removed_by_category": dict(f.removed_by_category)}

    def add(self, refs: list[FileRef], batch: BatchSummary, committed: Figures) -> None:
        self.files_seen += batch.n_files
        self.unchanged += batch.n_unchanged
        self.bytes_in += batch.bytes_in
        self.input_bytes_done += sum(r.size for r in refs) if batch.n_files else 0
        self.figures.add(committed)

    def rates(self) -> dict[str, float]:
        return run_rates(self.figures, self.files_seen - self.unchanged)

    def runs_row(self, started: dt.datetime, config: dict) -> dict:
        """This run's row of the ``runs`` table."""
        return {
            "run_id": self.run_id, "flow_run_id": str(flow_run.get_id() or ""), "started_at": started,
            "finished_at": dt.datetime.now(dt.timezone.utc), "n_files_seen": self.files_seen,
            "n_documents_written": self.figures.n_documents, "n_unchanged": self.unchanged,
            "n_rejected": self.figures.n_rejected, "bytes_in": self.bytes_in,
            "pipeline_version": PIPELINE_VERSION, "config": json.dumps(config),
            "rates": json.dumps(self.rates()),
        }


def cluster_threads(dask_address: str) -> int:
    """The number of worker threads of the Dask cluster at ``dask_address``."""
    from distributed import Client

    try:
        with Client(dask_address, timeout=DASK_CONNECT_TIMEOUT) as client:
            return max(1, sum(client.nthreads().values()))
    except OSError as exc:
        raise UsageError(f"cannot reach the Dask scheduler at {dask_address}: {exc}") from exc


def batch_workers(workers: int | None, dask_address: str | None = None) -> int:
    """Batches cleaned at once: ``workers``, else one per CPU (or per thread of the Dask cluster,
    which must be reachable either way)."""
    if dask_address:
        threads = cluster_threads(dask_address)
        return worker_count(workers) if workers is not None else threads
    return worker_count(workers)


@contextmanager
def batch_pool(workers: int, several_batches: bool, dask_address: str | None = None
               ) -> Iterator[Executor | None]:
    """Where batches are cleaned: the Dask cluster at ``dask_address``, a spawn-based process
    pool that replaces workers that die, or ``None`` (in-process) for one worker or one batch."""
    if dask_address:
        from distributed import Client

        with Client(dask_address, timeout=DASK_CONNECT_TIMEOUT) as client:
            yield client.get_executor(pure=False)
        return
    if workers <= 1 or not several_batches:
        yield None
        return
    pool = take_early_pool(workers) or RespawningPool(workers, initializer=prepare_cleaning)
    try:
        yield pool
    finally:
        pool.shutdown()


@flow(name="clean-corpus", persist_result=False, task_runner=ThreadPoolTaskRunner(max_workers=os.cpu_count()))
def clean_corpus(inputs: list[str] | None = None, warehouse: str = DEFAULT_WAREHOUSE,
                 workers: int | None = None, batch_bytes: int = DEFAULT_BATCH_BYTES,
                 batch_files: int = DEFAULT_BATCH_FILES, wait_for_lock: bool = False, lock_held: bool = False,
                 dask_address: str | None = None,
                 batch_timeout: float | None = DEFAULT_BATCH_TIMEOUT,
                 max_file_bytes: int = DEFAULT_MAX_FILE_BYTES) -> dict:
    """Clean every file under ``inputs`` into the Parquet tables under ``warehouse``.

    With ``dask_address`` (``tcp://host:port`` of a running scheduler) batches are cleaned
    on that Dask cluster, whose workers must see ``inputs`` and ``warehouse`` at the same
    locations (``s3://`` URIs or a shared filesystem).

    ``lock_held``: the caller holds the warehouse lock for this run (``rinse run`` does).
    A batch that fails for good (after retries on I/O errors, or after ``batch_timeout``
    seconds) does not fail the run: its files are recorded as ``error`` rejects.  A file over
    ``max_file_bytes`` (or whose gzip content is) is a ``too_large`` reject.
    """
    logger = get_run_logger()
    roots = input_roots(inputs or [DEFAULT_INPUT])
    wh = location(warehouse)
    workers = batch_workers(workers, dask_address)
    config = CleanConfig(max_bytes=max_file_bytes)
    check_writable(wh)
    with nullcontext() if lock_held else WarehouseLock(wh, wait=wait_for_lock):
        key = run_key(roots, wh, workers, batch_bytes, batch_files, config)
        start = take_run_start(key) or RunStart(key, plan_run(roots, wh, workers, batch_bytes, batch_files))
        plan = start.plan
        totals = RunTotals(run_id=plan.run_id)
        logger.info("run %s: %d input files, %.1f MB, %d workers (%d batches started before the flow)",
                    plan.run_id, plan.n_files, plan.n_bytes / 2**20, workers, len(start.started))
        progress = create_progress_artifact(0.0, key="clean-corpus-progress",
                                            description=f"share of the {plan.n_files} input files committed")
        committer = Committer(wh, plan.index, totals, logger, progress, plan.n_files, plan.n_bytes,
                              plan.staging, plan.line_counts)
        with batch_pool(workers, plan.several_batches, dask_address) as pool:
            pending: deque = deque()
            for batch_no, refs in enumerate(plan.all_batches()):
                args, batch_executor = start.batch(batch_no, refs, config, committer.line_counts, pool)
                # opaque: else Prefect walks (and copies) every file ref and line count looking for futures
                pending.append((refs, args.known, clean_batch.submit(
                    opaque(refs), opaque(args.known), args.staging_dir, args.run_id, batch_no, config,
                    batch_executor, batch_timeout, opaque(args.prior))))
                if len(pending) > workers:
                    committer.commit_next(pending)
            while pending:
                committer.commit_next(pending)
        committer.reclean_orphaned_duplicates(plan.staging, config)
        committer.save_line_counts(at_end=True)
        remove_tree(wh / STAGING)
        found_drifts = drifts(totals.rates(), earlier_rates(wh))
        write_run(wh, totals.runs_row(plan.started, {
            "inputs": [str(r) for r in roots], "warehouse": str(wh), "workers": workers,
            "dask_address": dask_address, "batch_bytes": plan.batch_bytes, "batch_files": batch_files,
            **asdict(config)}))
        ensure_tables(wh)
    publish_report(totals, found_drifts, committer, logger)
    return totals.as_dict()


def publish_report(totals: RunTotals, found_drifts: list[Drift], committer: Committer,
                   logger: logging.Logger | logging.LoggerAdapter) -> None:
    """The run's summary and removed-lines artifacts, and its closing log lines."""
    seconds = committer.seconds()
    report = RunReport(totals.run_id, totals.files_seen, totals.unchanged, totals.bytes_in, seconds,
                       totals.figures, found_drifts, committer.failed_batches)
    create_markdown_artifact(markdown=summary_markdown(report), key="clean-corpus-summary",
                             description="what this run of clean-corpus did" +
                             (" (drift warning)" if found_drifts else ""))
    lines = removed_lines_table(totals.figures.removed_lines)
    if lines:
        create_table_artifact(table=lines, key="clean-corpus-removed-lines",
                              description="most frequent removed lines per category: check these first "
                                          "for false positives")
    mb_s, files_s = throughput(totals.bytes_in, totals.files_seen, seconds)
    f = totals.figures
    logger.info("run %s done in %.1f s (%.2f MB/s, %.1f files/s): %d files seen, %d documents written, "
                "%d unchanged, %d rejected, %d lines removed", totals.run_id, seconds, mb_s, files_s,
                totals.files_seen, f.n_documents, totals.unchanged, f.n_rejected,
                sum(f.removed_by_category.values()))
    for drift in found_drifts:
        logger.warning("drift: %s", drift.message())


def clean_corpus_for(workers: int | None, dask_address: str | None = None) -> Flow:
    """``clean_corpus`` with a task runner of one thread per worker (process or Dask thread)."""
    return clean_corpus.with_options(
        task_runner=ThreadPoolTaskRunner(max_workers=batch_workers(workers, dask_address)))


@dataclass
class Committer:
    """Commits batches in order and keeps the run's totals."""

    wh: Path
    index: WarehouseIndex
    totals: RunTotals
    logger: logging.Logger | logging.LoggerAdapter
    progress_artifact: uuid.UUID
    input_files: int
    input_bytes: int
    staging: Path
    line_counts: line_stats.LineStats = field(default_factory=line_stats.LineStats)
    duplicate_refs: dict[str, FileRef] = field(default_factory=dict)
    failed_batches: list[str] = field(default_factory=list)
    last_batch_no: int = -1
    started: float = field(default_factory=time.monotonic)
    counts_unsaved: bool = False
    counts_saved_at: float = field(default_factory=time.monotonic)
    counts_save_seconds: float = 0.0

    def seconds(self) -> float:
        return time.monotonic() - self.started

    def save_line_counts(self, at_end: bool = False) -> None:
        """Save what the run has learnt (``line_stats``) once the time since the last save is
        ``SAVE_SPACING`` times what that save took, and at the end of the run: the table grows
        with the corpus, so saving it after every commit would cost more and more; a killed run
        loses what it learnt since the last save."""
        now = time.monotonic()
        if not self.counts_unsaved or (not at_end and
                                       now - self.counts_saved_at < SAVE_SPACING * self.counts_save_seconds):
            return
        line_stats.save(self.wh, self.line_counts)
        self.counts_saved_at = time.monotonic()
        self.counts_save_seconds = self.counts_saved_at - now
        self.counts_unsaved = False

    def commit_next(self, pending: deque) -> None:
        """Wait for the oldest pending batch and commit it."""
        refs, known, future = pending.popleft()
        try:
            batch = future.result()
        except Exception as exc:  # retries spent or timed out: the run goes on without this batch
            batch_no = self.last_batch_no + 1
            reason = f"batch {batch_no} failed: {one_line(exc)}"
            self.logger.error("%s; its %d files are recorded as rejects (error)", reason, len(refs))
            self.failed_batches.append(reason)
            batch = failed_batch(refs, known, str(self.staging), self.totals.run_id, batch_no, reason)
        self.commit(refs, batch)

    def commit(self, refs: list[FileRef], batch: BatchSummary) -> None:
        self.last_batch_no = batch.batch_no
        part_name = f"part-{self.totals.run_id}-{batch.batch_no:06d}.parquet"
        committed = commit_batch(self.wh, self.index, batch.staged, part_name)
        self.totals.add(refs, batch, committed)
        if batch.line_counts.sources:
            self.line_counts.merge(batch.line_counts)
            self.counts_unsaved = True
            self.save_line_counts()
        self.duplicate_refs.update((r.rel_path, r) for r in refs if self.index.is_duplicate(r.rel_path))
        done = progress_percent(self.totals.input_bytes_done, self.totals.files_seen, self.input_bytes,
                                self.input_files)
        update_progress_artifact(self.progress_artifact, done)
        mb_s, _ = throughput(self.totals.bytes_in, 0, self.seconds())
        self.logger.info("batch %d committed: %d files, %d unchanged, %d documents, %d rejected; "
                         "%.0f%% of the input done, %.2f MB/s", batch.batch_no, batch.n_files,
                         batch.n_unchanged, committed.n_documents, committed.n_rejected, done, mb_s)

    def reclean_orphaned_duplicates(self, staging: Path, config: CleanConfig) -> None:
        """Clean again the duplicates whose kept document was replaced during this run.

        Their counts move from ``unchanged`` (or ``rejected: duplicate``, when this run
        rejected them) to what they are now.
        """
        orphans = [r for p, r in self.duplicate_refs.items() if self.index.orphaned_duplicate(p)]
        if not orphans:
            return
        this_run = sum(self.index.paths[r.rel_path].file.name.startswith(f"part-{self.totals.run_id}-")
                       for r in orphans)
        self.totals.unchanged -= len(orphans) - this_run
        rejected = self.totals.figures.rejected_by_reason
        rejected.subtract({"duplicate": this_run})
        self.totals.figures.rejected_by_reason = +rejected  # drop zero counts
        batch = process_batch(orphans, {}, str(staging), self.totals.run_id, self.last_batch_no + 1, config)
        batch.n_files = 0  # already seen
        self.commit(orphans, batch)
