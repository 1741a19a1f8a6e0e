"""What a run works out before its first batch, and the batches ``rinse run`` starts early.

``plan_run`` recovers the warehouse (under the caller's lock), loads its index and line
counts, sizes the input and opens the batch iterator.  The flow does this itself, unless
``rinse run`` did it before importing Prefect: then the first batches are already being
cleaned by the warm worker pool (``start_head``), while this process imports Prefect and
creates the flow run, a few seconds in which the workers would otherwise wait.  The flow
takes that plan (``take_head_start``) and submits those batches' tasks with the same
arguments, their pool standing in for the call already made (``StartedBatch``).

No Prefect here: this runs before Prefect is imported.
"""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from rinse import PIPELINE_VERSION
from tasks import line_stats
from tasks.batch import process_batch
from tasks.clean import CleanConfig
from tasks.discover import FileRef, balanced_batch_bytes, batches, discover
from tasks.storage import make_dirs
from tasks.warehouse import STAGING, WarehouseIndex, recover


def new_run_id(now: dt.datetime) -> str:
    """Sortable and unique: ``20250101T120000Z-1a2b3c``."""
    return f"{now:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:6]}"


def input_size(refs: Iterable[FileRef]) -> tuple[int, int]:
    """(files, bytes) of the input, for the progress artifact (a walk costs little next to cleaning)."""
    n_files = n_bytes = 0
    for ref in refs:
        n_files += 1
        n_bytes += ref.size
    return n_files, n_bytes


class BatchArgs(NamedTuple):
    """The arguments of ``process_batch`` for one batch."""

    refs: list[FileRef]
    known: dict[str, str | None]
    staging_dir: str
    run_id: str
    batch_no: int
    config: CleanConfig
    prior: line_stats.LineStats


@dataclass
class RunPlan:
    """A run's start: its id, the warehouse's index and line counts, the input's size, the batches.

    ``head`` holds the first few batches (enough to start every worker), ``rest`` yields the others.
    """

    run_id: str
    started: dt.datetime
    index: WarehouseIndex
    known: dict[str, str | None]
    line_counts: line_stats.LineStats
    n_files: int
    n_bytes: int
    batch_bytes: int
    staging: Path
    head: list[list[FileRef]]
    rest: Iterator[list[FileRef]]

    def all_batches(self) -> Iterator[list[FileRef]]:
        return itertools.chain(self.head, self.rest)

    @property
    def several_batches(self) -> bool:
        """Whether the input makes more than one batch (a single batch is cleaned in the flow's
        process: starting worker processes would cost more than it saves)."""
        return len(self.head) > 1

    def batch_args(self, batch_no: int, refs: list[FileRef], config: CleanConfig,
                   line_counts: line_stats.LineStats) -> BatchArgs:
        """``process_batch``'s arguments for batch ``batch_no``; ``line_counts`` is what the run has
        learnt so far (the plan's own, before any batch is committed)."""
        known = {r.rel_path: self.known[r.rel_path] for r in refs if r.rel_path in self.known}
        prior = line_counts.sites_and_folders(line_stats.source_of(r.rel_path) for r in refs)
        return BatchArgs(refs, known, str(self.staging), self.run_id, batch_no, config, prior)


def run_key(roots: list, warehouse: Path, workers: int, batch_bytes: int, batch_files: int,
            config: CleanConfig) -> tuple:
    """What a head start must have been made for, for a flow to take it."""
    return tuple(map(str, roots)), str(warehouse), workers, batch_bytes, batch_files, config


def plan_run(roots: list, warehouse: Path, workers: int, batch_bytes: int, batch_files: int,
             started: dt.datetime | None = None) -> RunPlan:
    """Recover ``warehouse`` and plan a run over ``roots`` (the caller holds the warehouse lock)."""
    started = started or dt.datetime.now(dt.timezone.utc)
    index = recover(warehouse)
    run_id = new_run_id(started)
    n_files, n_bytes = input_size(discover(roots, skip=[warehouse]))
    batch_bytes = balanced_batch_bytes(n_bytes, n_files, workers, batch_bytes)
    staging = warehouse / STAGING / run_id
    make_dirs(staging)
    batch_iter = batches(discover(roots, skip=[warehouse]), batch_bytes, batch_files)
    head = list(itertools.islice(batch_iter, max(2, workers)))
    return RunPlan(run_id, started, index, index.known(PIPELINE_VERSION), line_stats.load(warehouse), n_files,
                   n_bytes, batch_bytes, staging, head, batch_iter)


class StartedBatch(Executor):
    """The pool of a batch whose ``process_batch`` call was submitted already: the first ``submit``
    (the batch task making that same call) gets its future; a retry goes to ``pool``."""

    def __init__(self, future: Future, pool: Executor) -> None:
        self._future: Future | None = future
        self._pool = pool

    def submit(self, fn: Callable, /, *args: Any, **kwargs: Any) -> Future:
        future, self._future = self._future, None
        return future if future is not None else self._pool.submit(fn, *args, **kwargs)


@dataclass
class RunStart:
    """A run's plan, made for the parameters in ``key``, and the batches already submitted to ``pool``."""

    key: tuple
    plan: RunPlan
    pool: Executor | None = None
    started: dict[int, tuple[BatchArgs, Future]] = field(default_factory=dict)

    def batch(self, batch_no: int, refs: list[FileRef], config: CleanConfig,
              line_counts: line_stats.LineStats, pool: Executor | None) -> tuple[BatchArgs, Executor | None]:
        """The arguments of batch ``batch_no`` and the pool to hand its task: those it was started
        with, else the plan's (see ``RunPlan.batch_args``) and ``pool``."""
        if batch_no in self.started and self.pool is not None:
            args, future = self.started.pop(batch_no)
            return args, StartedBatch(future, self.pool)
        return self.plan.batch_args(batch_no, refs, config, line_counts), pool


def start_head(key: tuple, plan: RunPlan, pool: Executor, workers: int, config: CleanConfig) -> RunStart:
    """Submit the plan's first ``workers`` batches to ``pool`` now (only a plan of several batches
    is cleaned by a pool at all)."""
    start = RunStart(key, plan, pool)
    if plan.several_batches:
        for batch_no, refs in enumerate(plan.head[:workers]):
            args = plan.batch_args(batch_no, refs, config, plan.line_counts)
            start.started[batch_no] = (args, pool.submit(process_batch, *args))
    return start


# A run start made by ``rinse run`` before its flow, waiting for the flow to take it.
_run_starts: list[RunStart] = []


def keep_run_start(start: RunStart) -> None:
    _run_starts.append(start)


def take_run_start(key: tuple) -> RunStart | None:
    """The run start made for a run with these parameters, if any (it is then the caller's)."""
    for start in _run_starts:
        if start.key == key:
            _run_starts.remove(start)
            return start
    return None


def drop_run_starts() -> None:
    """Forget a run start no flow took (its staging folder goes with the next run's recovery)."""
    _run_starts.clear()
