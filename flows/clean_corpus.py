"""The ``clean-corpus`` flow: discover input files, clean them in batches, commit to the warehouse.

One task per batch; each batch task hands its CPU work to a process pool (``spawn``)
created here, or to an existing Dask cluster (``dask_address``), so N task threads wait
on N workers.  The workers run only ``process_batch`` (no Prefect); every Prefect call
and everything that touches the warehouse index (recovery, commits, the ``runs`` row)
happens in this process, under the warehouse lock, with batches committed in batch order.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import logging
import multiprocessing
import os
import shutil
import uuid
from collections import Counter, deque
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from prefect import Flow, flow, get_run_logger
from prefect.artifacts import create_markdown_artifact
from prefect.runtime import flow_run
from prefect.task_runners import ThreadPoolTaskRunner

from rinse import PIPELINE_VERSION
from rinse.config import (
    DEFAULT_INPUT,
    DEFAULT_WAREHOUSE,
    UsageError,
    input_roots,
    local_path,
    worker_count,
)
from tasks.batch import BatchSummary, process_batch
from tasks.clean import CleanConfig
from tasks.discover import DEFAULT_BATCH_BYTES, DEFAULT_BATCH_FILES, FileRef, batches, discover
from tasks.prefect_tasks import clean_batch
from tasks.warehouse import (
    STAGING,
    CommitResult,
    WarehouseIndex,
    WarehouseLock,
    check_writable,
    commit_batch,
    ensure_tables,
    recover,
    write_run,
)

DASK_CONNECT_TIMEOUT = "10s"


@dataclass
class RunTotals:
    """The run's counts, as printed by the CLI and written to ``runs``."""

    run_id: str
    files_seen: int = 0
    documents_written: int = 0
    unchanged: int = 0
    rejected: int = 0
    bytes_in: int = 0
    rejected_by_reason: Counter = field(default_factory=Counter)
    removed_by_category: Counter = field(default_factory=Counter)

    def as_dict(self) -> dict:
        """Plain values (``dataclasses.asdict`` would rebuild the Counters from item pairs)."""
        return {f.name: dict(v) if isinstance(v := getattr(self, f.name), Counter) else v
                for f in fields(self)}

    def add(self, batch: BatchSummary, committed: CommitResult) -> None:
        self.files_seen += batch.n_files
        self.unchanged += batch.n_unchanged
        self.bytes_in += batch.bytes_in
        self.documents_written += committed.n_documents
        self.rejected += sum(committed.rejected_by_reason.values())
        self.rejected_by_reason.update(committed.rejected_by_reason)
        self.removed_by_category.update(committed.removed_by_category)

    def runs_row(self, started: dt.datetime, config: dict) -> dict:
        """This run's row of the ``runs`` table."""
        return {
            "run_id": self.run_id, "flow_run_id": str(flow_run.get_id() or ""), "started_at": started,
            "finished_at": dt.datetime.now(dt.timezone.utc), "n_files_seen": self.files_seen,
            "n_documents_written": self.documents_written, "n_unchanged": self.unchanged,
            "n_rejected": self.rejected, "bytes_in": self.bytes_in, "pipeline_version": PIPELINE_VERSION,
            "config": json.dumps(config),
        }


def new_run_id(now: dt.datetime) -> str:
    """Sortable and unique: ``20250101T120000Z-1a2b3c``."""
    return f"{now:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:6]}"


def summary_markdown(totals: RunTotals) -> str:
    """The run summary as a markdown artifact."""
    lines = [f"# clean-corpus run `{totals.run_id}`", "", "| | |", "|---|---:|",
             f"| files seen | {totals.files_seen} |", f"| documents written | {totals.documents_written} |",
             f"| unchanged | {totals.unchanged} |", f"| rejected | {totals.rejected} |",
             f"| bytes read | {totals.bytes_in} |"]
    for title, counts in (("Rejected by reason", totals.rejected_by_reason),
                          ("Lines removed by category", totals.removed_by_category)):
        lines += ["", f"## {title}", ""]
        lines += [f"- {key}: {n}" for key, n in counts.most_common()] or ["- none"]
    return "\n".join(lines)


def cluster_threads(dask_address: str) -> int:
    """The number of worker threads of the Dask cluster at ``dask_address``."""
    from distributed import Client

    try:
        with Client(dask_address, timeout=DASK_CONNECT_TIMEOUT) as client:
            return max(1, sum(client.nthreads().values()))
    except OSError as exc:
        raise UsageError(f"cannot reach the Dask scheduler at {dask_address}: {exc}") from exc


def batch_workers(workers: int | None, dask_address: str | None = None) -> int:
    """Batches cleaned at once: ``workers``, else one per CPU (or per thread of the Dask cluster)."""
    if workers is None and dask_address:
        return cluster_threads(dask_address)
    return worker_count(workers)


@contextmanager
def batch_pool(workers: int, several_batches: bool, dask_address: str | None = None
               ) -> Iterator[Executor | None]:
    """Where batches are cleaned: the Dask cluster at ``dask_address``, a spawn-based process
    pool, or ``None`` (in-process) for one worker or one batch."""
    if dask_address:
        from distributed import Client

        with Client(dask_address, timeout=DASK_CONNECT_TIMEOUT) as client:
            yield client.get_executor(pure=False)
        return
    if workers <= 1 or not several_batches:
        yield None
        return
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        yield pool


def known_subset(refs: list[FileRef], known: dict[str, str | None]) -> dict[str, str | None]:
    return {r.rel_path: known[r.rel_path] for r in refs if r.rel_path in known}


@flow(name="clean-corpus", persist_result=False, task_runner=ThreadPoolTaskRunner(max_workers=os.cpu_count()))
def clean_corpus(inputs: list[str] | None = None, warehouse: str = DEFAULT_WAREHOUSE,
                 workers: int | None = None, batch_bytes: int = DEFAULT_BATCH_BYTES,
                 batch_files: int = DEFAULT_BATCH_FILES, wait_for_lock: bool = False,
                 dask_address: str | None = None) -> dict:
    """Clean every file under ``inputs`` into the Parquet tables under ``warehouse``.

    With ``dask_address`` (``tcp://host:port`` of a running scheduler) batches are cleaned
    on that Dask cluster, whose workers must see ``inputs`` and ``warehouse`` at the same
    locations (``s3://`` URIs or a shared filesystem).
    """
    logger = get_run_logger()
    started = dt.datetime.now(dt.timezone.utc)
    roots = input_roots(inputs or [DEFAULT_INPUT])
    wh = local_path(warehouse)
    workers = batch_workers(workers, dask_address)
    config = CleanConfig()
    check_writable(wh)
    with WarehouseLock(wh, wait=wait_for_lock):
        index = recover(wh)
        totals = RunTotals(run_id=new_run_id(started))
        committer = Committer(wh, index, totals, logger)
        staging = wh / STAGING / totals.run_id
        staging.mkdir(parents=True)
        known = index.known(PIPELINE_VERSION)
        batch_iter = batches(discover(roots, skip=[wh]), batch_bytes, batch_files)
        head = list(itertools.islice(batch_iter, 2))
        with batch_pool(workers, len(head) > 1, dask_address) as pool:
            pending: deque = deque()
            for batch_no, refs in enumerate(itertools.chain(head, batch_iter)):
                pending.append((refs, clean_batch.submit(refs, known_subset(refs, known), str(staging),
                                                         totals.run_id, batch_no, config, pool)))
                if len(pending) > workers:
                    committer.commit_next(pending)
            while pending:
                committer.commit_next(pending)
        committer.reclean_orphaned_duplicates(staging, config)
        shutil.rmtree(wh / STAGING, ignore_errors=True)
        write_run(wh, totals.runs_row(started, {
            "inputs": [str(r) for r in roots], "warehouse": str(wh), "workers": workers,
            "dask_address": dask_address, "batch_bytes": batch_bytes, "batch_files": batch_files,
            **asdict(config)}))
        ensure_tables(wh)
    markdown = summary_markdown(totals)
    logger.info(markdown)
    create_markdown_artifact(markdown=markdown, key="clean-corpus-summary", description="rinse run summary")
    return totals.as_dict()


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
    duplicate_refs: dict[str, FileRef] = field(default_factory=dict)
    last_batch_no: int = -1

    def commit_next(self, pending: deque) -> None:
        """Wait for the oldest pending batch and commit it."""
        refs, future = pending.popleft()
        self.commit(refs, future.result())

    def commit(self, refs: list[FileRef], batch: BatchSummary) -> None:
        self.last_batch_no = batch.batch_no
        part_name = f"part-{self.totals.run_id}-{batch.batch_no:06d}.parquet"
        result = commit_batch(self.wh, self.index, batch.staged, part_name)
        for staged in batch.staged.values():
            Path(staged).unlink(missing_ok=True)
        self.totals.add(batch, result)
        self.duplicate_refs.update((r.rel_path, r) for r in refs if self.index.is_duplicate(r.rel_path))
        self.logger.info("batch %d: %d files, %d unchanged, %d documents, %d rejected", batch.batch_no,
                         batch.n_files, batch.n_unchanged, result.n_documents,
                         sum(result.rejected_by_reason.values()))

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
        self.totals.rejected -= this_run
        self.totals.rejected_by_reason.subtract({"duplicate": this_run})
        self.totals.rejected_by_reason += Counter()  # drop zero counts
        batch = process_batch(orphans, {}, str(staging), self.totals.run_id, self.last_batch_no + 1, config)
        batch.n_files = 0  # already seen
        self.commit(orphans, batch)
