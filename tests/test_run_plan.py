"""A run's plan, and the batches ``rinse run`` starts before its flow (no Prefect here)."""

import shutil
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from tasks.clean import CleanConfig
from tasks.run_plan import (
    RunStart,
    StartedBatch,
    drop_run_starts,
    keep_run_start,
    plan_run,
    run_key,
    start_head,
    take_run_start,
)

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def seeds_plan(tmp_path: Path, workers: int = 2, batch_files: int = 3):
    root = tmp_path / "in"
    shutil.copytree(SEEDS, root)
    wh = tmp_path / "wh"
    wh.mkdir()
    return plan_run([root], wh, workers, 32 * 2**20, batch_files)


def test_a_started_batch_hands_its_future_once_then_goes_to_the_pool():
    done = Future()
    with ThreadPoolExecutor(1) as pool:
        started = StartedBatch(done, pool)
        assert started.submit(len, "abc") is done
        assert started.submit(len, "abc").result() == 3  # a retry is a new call


def test_a_plan_batches_every_file_once(tmp_path):
    plan = seeds_plan(tmp_path)
    refs = [ref.rel_path for batch in plan.all_batches() for ref in batch]
    assert sorted(refs) == sorted(p.name for p in SEEDS.iterdir())
    assert (plan.n_files, len(plan.head)) == (len(refs), 2)
    assert plan.staging.is_dir() and plan.run_id in plan.staging.name


def test_the_first_batches_are_started_with_the_arguments_the_flow_gets(tmp_path):
    plan = seeds_plan(tmp_path)
    config = CleanConfig()
    with ThreadPoolExecutor(2) as pool:
        start = start_head(("k",), plan, pool, workers=2, config=config)
        assert sorted(start.started) == [0, 1]
        for batch_no, refs in enumerate(plan.all_batches()):
            args, executor = start.batch(batch_no, refs, config, plan.line_counts, pool)
            assert args == plan.batch_args(batch_no, refs, config, plan.line_counts)
            assert isinstance(executor, StartedBatch) == (batch_no < 2)
            summary = executor.submit(len, args.refs).result()  # a started batch ignores this call
            if batch_no < 2:
                assert summary.batch_no == batch_no and summary.n_documents == len(refs)
        assert start.started == {}


def test_a_plan_of_one_batch_starts_nothing(tmp_path):
    plan = seeds_plan(tmp_path, batch_files=100)
    with ThreadPoolExecutor(2) as pool:
        assert start_head(("k",), plan, pool, workers=2, config=CleanConfig()).started == {}


def test_a_run_start_is_taken_only_by_a_run_with_its_parameters(tmp_path):
    plan = seeds_plan(tmp_path)

    def key(workers: int) -> tuple:
        return run_key([tmp_path / "in"], tmp_path / "wh", workers, 32 * 2**20, 3, CleanConfig())

    keep_run_start(RunStart(key(2), plan))
    try:
        assert take_run_start(key(4)) is None
        assert take_run_start(key(2)).plan is plan
        assert take_run_start(key(2)) is None
    finally:
        drop_run_starts()
