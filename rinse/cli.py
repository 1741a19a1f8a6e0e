"""``rinse`` command line: ``run``, ``serve``, ``compact``, ``eval``.

Prefect is imported only inside the commands that need it (after the environment
defaults are set), so the checks that refuse a run answer fast and without a server,
and ``spawn``-ed worker processes that re-import this module never load Prefect.
"""

from __future__ import annotations

import argparse
import gc
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path

from rinse.config import (
    DEFAULT_BATCH_TIMEOUT,
    DEFAULT_CRON,
    DEFAULT_INPUT,
    DEFAULT_MAX_FILE_BYTES,
    DEFAULT_WAREHOUSE,
    UsageError,
    input_roots,
    load_config,
    location,
    set_prefect_env_defaults,
    worker_count,
)
from rinse.server import (
    DEFAULT_HOST,
    DEFAULT_PORT,
    api_url,
    early_temporary_server,
    is_healthy,
    running_server,
    ui_url,
    wait_healthy,
)
from tasks.discover import DEFAULT_BATCH_BYTES, DEFAULT_BATCH_FILES
from tasks.warehouse import TABLES, WarehouseError, WarehouseLock, check_writable


def build_parser(config: dict | None = None) -> argparse.ArgumentParser:
    """The ``rinse`` parser; ``config`` (from ``--config``) replaces the defaults of run and serve."""
    parser = argparse.ArgumentParser(prog="rinse", description="Clean scraped news text into Parquet tables.")
    sub = parser.add_subparsers(dest="command", required=True)

    def add_locations(p: argparse.ArgumentParser) -> None:
        p.add_argument("--config", metavar="TOML",
                       help="read options from this file (keys: the long options); flags win")
        p.add_argument("--input", action="append", metavar="DIR_OR_URI",
                       help=f"input folder (repeatable; default: {DEFAULT_INPUT}/)")
        p.add_argument("--warehouse", default=DEFAULT_WAREHOUSE, metavar="DIR_OR_URI",
                       help=f"warehouse folder (default: {DEFAULT_WAREHOUSE}/)")
        p.add_argument("--workers", type=int, default=None, help="worker processes (default: one per CPU)")
        p.add_argument("--batch-mb", type=float, default=DEFAULT_BATCH_BYTES / 2**20,
                       help="close a batch at this many MB of input (default: %(default)s)")
        p.add_argument("--batch-files", type=int, default=DEFAULT_BATCH_FILES,
                       help="close a batch at this many files (default: %(default)s)")
        p.add_argument("--dask-address", metavar="tcp://HOST:PORT",
                       help="clean batches on this running Dask cluster (default: local processes)")
        p.add_argument("--max-mb", type=float, default=DEFAULT_MAX_FILE_BYTES / 2**20,
                       help="reject larger files (and gzip contents) as too_large (default: %(default)s)")
        p.add_argument("--batch-timeout", type=float, default=DEFAULT_BATCH_TIMEOUT, metavar="SECONDS",
                       help="a batch taking longer fails; its files become rejects (default: %(default)s)")

    run = sub.add_parser("run", help="run the clean-corpus flow once")
    add_locations(run)
    run.add_argument("--wait", action="store_true", help="wait for another run's warehouse lock")
    serve = sub.add_parser("serve", help="serve a scheduled clean-corpus deployment (needs a Prefect server)")
    add_locations(serve)
    serve.add_argument("--cron", default=DEFAULT_CRON, help=f"schedule (default: {DEFAULT_CRON!r})")
    serve.add_argument("--name", default="clean-corpus-scheduled", help="deployment name")
    serve.add_argument("--server-port", type=int, default=DEFAULT_PORT,
                       help="without PREFECT_API_URL: port of the Prefect server to use or start "
                            "(default: %(default)s)")
    compact = sub.add_parser("compact", help="merge each table's small Parquet files into few")
    compact.add_argument("--warehouse", default=DEFAULT_WAREHOUSE, metavar="DIR_OR_URI")
    compact.add_argument("--table", choices=TABLES, action="append", help="table (default: all)")
    evaluate = sub.add_parser("eval", help="score the cleaning core on an evaluation set (a source checkout)")
    evaluate.add_argument("set_dir", help="e.g. ../shared/eval/textset-dev or ../shared/eval/external")
    evaluate.add_argument("extra", nargs=argparse.REMAINDER, help="passed on to benchmarks/eval_sets.py")
    for command in (run, serve):  # after every add_argument, or theirs would win
        command.set_defaults(**config or {})
    return parser


def check_run_possible(inputs: list[str], warehouse: str) -> None:
    """Refuse early, with one line, what would make the flow fail before it starts."""
    input_roots(inputs)
    check_writable(location(warehouse))


@contextmanager
def warehouse_held(warehouse: str, wait: bool) -> Iterator[None]:
    """The warehouse lock for a whole ``rinse run``, taken before Prefect is imported: a second
    run is refused with one line, or (``wait``) says it waits and then waits."""
    lock = WarehouseLock(location(warehouse))
    try:
        lock.__enter__()
    except WarehouseError:
        if not wait:
            raise
        print(f"rinse: waiting for the other run to release {lock.path.parent}", file=sys.stderr)
        lock = WarehouseLock(location(warehouse), wait=True)
        lock.__enter__()
    try:
        yield
    finally:
        lock.__exit__()


def format_summary(totals: dict) -> str:
    """The short summary ``rinse run`` prints.

    >>> print(format_summary({'run_id': 'r', 'files_seen': 3, 'documents_written': 2, 'unchanged': 0,
    ...     'rejected': 1, 'rejected_by_reason': {'empty': 1}, 'removed_by_category': {}}))
    run r: 3 files seen, 2 documents written, 0 unchanged, 1 rejected
      rejected: empty 1
      lines removed: none
    """
    def counts(d: dict) -> str:
        return ", ".join(f"{k} {v}" for k, v in sorted(d.items(), key=lambda kv: (-kv[1], kv[0]))) or "none"

    return "\n".join([
        f"run {totals['run_id']}: {totals['files_seen']} files seen, {totals['documents_written']} documents "
        f"written, {totals['unchanged']} unchanged, {totals['rejected']} rejected",
        f"  rejected: {counts(totals['rejected_by_reason'])}",
        f"  lines removed: {counts(totals['removed_by_category'])}",
    ])


def batch_options(args: argparse.Namespace) -> dict:
    """The flow parameters that say how batches are made, where they are cleaned, and the file limit."""
    return {"batch_bytes": int(args.batch_mb * 2**20), "batch_files": args.batch_files,
            "dask_address": args.dask_address, "batch_timeout": args.batch_timeout,
            "max_file_bytes": int(args.max_mb * 2**20)}


def start_cleaning(args: argparse.Namespace, workers: int) -> None:
    """Start the worker processes now, each loading the language model and OpenCC's tables, and
    hand them the run's first batches (``tasks.run_plan``): they clean while this process imports
    Prefect and the flow run is created, and the flow takes over those batches.  The workers
    start first: their start-up overlaps this process's imports and walks of the input."""
    from tasks.workers import start_early_pool

    pool = start_early_pool(workers)
    from tasks.clean import CleanConfig
    from tasks.run_plan import keep_run_start, plan_run, run_key, start_head

    roots, wh = input_roots(args.input or [DEFAULT_INPUT]), location(args.warehouse)
    options = batch_options(args)
    config = CleanConfig(max_bytes=options["max_file_bytes"])
    plan = plan_run(roots, wh, workers, options["batch_bytes"], options["batch_files"])
    key = run_key(roots, wh, workers, options["batch_bytes"], options["batch_files"], config)
    keep_run_start(start_head(key, plan, pool, workers, config))


def get_ready_to_clean(args: argparse.Namespace, workers: int) -> Callable[[], None] | None:
    """What to do before Prefect is imported: start cleaning in worker processes, or with one
    worker load what cleaning needs in this process; nothing for a Dask cluster (ready already)."""
    if args.dask_address:
        return None
    if workers > 1:
        return lambda: start_cleaning(args, workers)
    from tasks.workers import prepare_cleaning

    return prepare_cleaning


def command_run(args: argparse.Namespace) -> int:
    inputs = args.input or [DEFAULT_INPUT]
    check_run_possible(inputs, args.warehouse)
    workers = worker_count(args.workers)
    with warehouse_held(args.warehouse, args.wait), ExitStack() as stack:
        from tasks.run_plan import drop_run_starts
        from tasks.workers import stop_early_pools

        stack.callback(drop_run_starts)
        stack.callback(stop_early_pools)
        ready = get_ready_to_clean(args, workers)
        wait_for_api = stack.enter_context(early_temporary_server(meanwhile=ready))
        from flows.clean_corpus import clean_corpus_for

        clean = clean_corpus_for(args.workers, args.dask_address)
        if wait_for_api:
            wait_for_api()
        totals = clean(inputs=inputs, warehouse=args.warehouse, workers=args.workers, lock_held=True,
                       **batch_options(args))
    print(format_summary(totals))
    return 0


def command_serve(args: argparse.Namespace) -> int:
    inputs = [str(p) for p in input_roots(args.input or [DEFAULT_INPUT])]
    warehouse = str(location(args.warehouse))
    check_writable(location(warehouse))
    with ExitStack() as stack:
        stack.enter_context(prefect_server(args.server_port))
        from prefect.client.schemas.objects import ConcurrencyLimitConfig

        from flows.clean_corpus import clean_corpus_for

        clean_corpus_for(args.workers, args.dask_address).serve(
            name=args.name, cron=args.cron, tags=["rinse"],
            description=f"clean {', '.join(inputs)} into {warehouse}",
            parameters={"inputs": inputs, "warehouse": warehouse, "workers": args.workers,
                        **batch_options(args)},
            # Flow.serve passes this on as the deployment's concurrency_limit: one run at a
            # time, and a scheduled run that would overlap the running one is cancelled.
            global_limit=ConcurrencyLimitConfig(limit=1, collision_strategy="CANCEL_NEW"),
        )
    return 0


SERVER_WAIT_SECONDS = 30.0  # for the server at PREFECT_API_URL to answer


@contextmanager
def prefect_server(port: int) -> Iterator[None]:
    """Make sure a real Prefect server answers before ``serve`` registers its deployment.

    With ``PREFECT_API_URL`` set, wait for that server's health check; else use the
    server on 127.0.0.1:``port``, starting ``prefect server start`` there (and stopping
    it on exit) when none answers.
    """
    api = os.environ.get("PREFECT_API_URL")
    if api:
        wait_healthy(api, timeout=SERVER_WAIT_SECONDS)
        yield
        return
    api = api_url(DEFAULT_HOST, port)
    if is_healthy(api):
        os.environ["PREFECT_API_URL"] = api
        yield
        return
    print(f"rinse: starting a Prefect server, UI at {ui_url(api)} (it stops with rinse serve)",
          file=sys.stderr)
    with running_server(DEFAULT_HOST, port) as api:
        os.environ["PREFECT_API_URL"] = api
        # a plain SIGTERM (e.g. from a supervisor) must stop the server too
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        yield


def command_compact(args: argparse.Namespace) -> int:
    from tasks.warehouse import compact

    wh = location(args.warehouse)
    if not wh.is_dir():
        raise UsageError(f"warehouse {wh} does not exist")
    with WarehouseLock(wh):
        for table in args.table or TABLES:
            print(f"{table}: {compact(wh, table)} files merged away")
    return 0


def command_eval(args: argparse.Namespace) -> int:
    script = Path(__file__).resolve().parents[1] / "benchmarks" / "eval_sets.py"
    if not script.exists():
        raise UsageError(f"{script} is missing: rinse eval needs a source checkout (pip install -e .)")
    return subprocess.call([sys.executable, str(script), args.set_dir, *args.extra])


COMMANDS = {"run": command_run, "serve": command_serve, "compact": command_compact, "eval": command_eval}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    set_prefect_env_defaults()
    try:
        if getattr(args, "config", None):  # config values replace the defaults, not the flags given
            args = build_parser(load_config(args.config)).parse_args(argv)
        return COMMANDS[args.command](args)
    except (UsageError, WarehouseError) as exc:
        print(f"rinse: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("rinse: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader of our output went away (`rinse run | head -1`)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def entry_point() -> None:
    """The ``rinse`` command: ``main``, then an exit without a last garbage collection over the
    whole heap (0.4 s after a run of 40,000 files); every file is closed by then, and Prefect's
    logs are sent by its exit handlers as before."""
    code = main()
    gc.freeze()
    sys.exit(code)


if __name__ == "__main__":
    entry_point()
