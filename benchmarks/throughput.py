"""Throughput of rinse against a floor and datatrove, on one synthetic corpus.

    python benchmarks/throughput.py [--files 4000] [--double] [--workers N] [--contenders ...]
                                    [--prefect-server]

Builds a deterministic corpus (``benchmarks/corpus.py``), then runs each contender in a fresh
subprocess over it and prints, side by side: wall seconds, MB/s and files/s (input bytes as stored
on disk, gzip included), documents written, and peak RSS.

Contenders:

* ``floor``: read, decode (UTF-8 else charset-normalizer), ftfy with CJK-safe settings behind the
  ``ftfy.badness.is_bad`` fast path, split lines, one zstd Parquet table; one process.
* ``core-1``: rinse's cleaning alone, ``process_batch`` over the same batches in one process (no
  Prefect, no warehouse commit): ``rinse-1`` minus this is what orchestration and start-up cost.
* ``rinse-1`` / ``rinse-N``: ``rinse run --input CORPUS --warehouse FRESH --workers 1|N``.  The wall
  time includes interpreter start-up and Prefect's temporary API server (a few seconds per run),
  or with ``--prefect-server`` only the start-up: one Prefect server is started for the whole
  benchmark and rinse reports to it, as scheduled runs (``rinse serve``) do.  The flow's own
  duration (``finished_at - started_at`` in ``WAREHOUSE/runs``) is printed beside it.
* ``datatrove-1`` / ``datatrove-N``: datatrove's ``LocalPipelineExecutor`` (tasks = workers) with a
  one-document-per-file reader (datatrove has no plain-text folder reader; ours is the smallest
  ``BaseDiskReader`` subclass, decoding like the floor), its ``FTFYFormatter`` and its zstd
  ``ParquetWriter``.  Skipped with a note when datatrove is not installed (``pip install -e '.[bench]'``).

Peak RSS is sampled with psutil every 20 ms over the whole process tree: ``main`` is the
contender's own process, ``child`` the largest of its descendants (pool workers, a Prefect server),
``tree`` the largest simultaneous sum (it counts copy-on-write pages shared after ``fork`` once per
process, so it overstates real use).  ``kernel`` is ``ru_maxrss`` from ``wait4``: the exact high-water
mark of the largest single process among the contender and the descendants it waited for (workers
forked by a fork server are not its children, so for datatrove it sees only the main process).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.corpus import build_corpus  # noqa: E402
from rinse.server import running_server  # noqa: E402

POLL_SECONDS = 0.02
PARQUET_BATCH = 256
MB = 1e6


# --- the floor and datatrove, run inside the measured child process ------------------------------


def decode_text(data: bytes) -> str:
    """UTF-8 when it decodes strictly, else charset-normalizer's best guess (empty if none).

    >>> decode_text("中文".encode("gb18030") * 20)
    '中文中文中文中文中文中文中文中文中文中文中文中文中文中文中文中文中文中文中文中文'
    """
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        return "" if best is None else str(best)


def corpus_files(corpus: Path) -> list[Path]:
    """Every regular, non-hidden file under ``corpus``, in a stable order."""
    return sorted(p for p in corpus.rglob("*") if p.is_file() and not p.name.startswith("."))


def run_floor(corpus: Path, out_dir: Path) -> dict:
    """Read, decode, ftfy (only where ``is_bad``), split lines, write ``lines.parquet``."""
    import ftfy
    import pyarrow as pa
    import pyarrow.parquet as pq
    from ftfy.badness import is_bad

    config = ftfy.TextFixerConfig(uncurl_quotes=False, fix_character_width=False)
    schema = pa.schema([("source_path", pa.string()), ("line_no", pa.int32()), ("text", pa.string())])
    batch: dict[str, list] = {name: [] for name in schema.names}
    n_docs = 0
    with pq.ParquetWriter(out_dir / "lines.parquet", schema, compression="zstd") as writer:
        for path in corpus_files(corpus):
            data = path.read_bytes()
            text = decode_text(gzip.decompress(data) if path.suffix == ".gz" else data)
            if is_bad(text):
                text = ftfy.fix_text(text, config)
            rel = path.relative_to(corpus).as_posix()
            for no, line in enumerate(text.splitlines(), start=1):
                batch["source_path"].append(rel)
                batch["line_no"].append(no)
                batch["text"].append(line)
            n_docs += 1
            if n_docs % PARQUET_BATCH == 0:
                writer.write_table(pa.table(batch, schema=schema))
                batch = {name: [] for name in schema.names}
        writer.write_table(pa.table(batch, schema=schema))
    return {"documents": n_docs}


def run_datatrove(corpus: Path, out_dir: Path, workers: int) -> dict:
    """datatrove's local executor: one-document-per-file reader, FTFYFormatter, zstd ParquetWriter."""
    import pyarrow.dataset as ds
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.formatters import FTFYFormatter
    from datatrove.pipeline.readers.base import BaseDiskReader
    from datatrove.pipeline.writers import ParquetWriter

    class WholeFileReader(BaseDiskReader):
        """Each file is one document (gzip inferred from the name), decoded like the floor."""

        name = "whole files"

        def read_file(self, filepath: str):
            with self.data_folder.open(filepath, "rb", compression="infer") as handle:
                text = decode_text(handle.read())
            document = self.get_document_from_dict({"text": text}, filepath, 0)
            if document:
                yield document

    executor = LocalPipelineExecutor(
        pipeline=[
            WholeFileReader(str(corpus), recursive=True),
            FTFYFormatter(),
            ParquetWriter(str(out_dir / "documents"), compression="zstd"),
        ],
        tasks=workers,
        workers=workers,
        logging_dir=str(out_dir / "logs"),
        skip_completed=False,
    )
    executor.run()
    return {"documents": ds.dataset(out_dir / "documents", format="parquet").count_rows()}


def run_core(corpus: Path, out_dir: Path) -> dict:
    """rinse's cleaning alone: ``process_batch`` over the batches ``rinse run --workers 1`` makes,
    in one process, staged Parquet kept (no Prefect, no commit to a warehouse)."""
    sys.path.insert(0, str(REPO))
    from tasks.batch import process_batch
    from tasks.discover import batches, walk_root
    from tasks.workers import prepare_cleaning

    prepare_cleaning()  # as a worker process starts
    n_docs = 0
    for batch_no, refs in enumerate(batches(walk_root(str(corpus)))):
        summary = process_batch(refs, {}, str(out_dir), "bench", batch_no)
        n_docs += summary.n_documents + summary.n_rejected
    return {"documents": n_docs}


def child_main(argv: list[str]) -> None:
    """``child floor|core|datatrove CORPUS OUT [WORKERS]``: run one contender, print its counts as JSON."""
    kind, corpus, out_dir = argv[0], Path(argv[1]), Path(argv[2])
    out_dir.mkdir(parents=True, exist_ok=True)
    if kind == "datatrove":
        counts = run_datatrove(corpus, out_dir, int(argv[3]))
    else:
        counts = (run_floor if kind == "floor" else run_core)(corpus, out_dir)
    print(json.dumps(counts))


# --- measuring one subprocess --------------------------------------------------------------------


@dataclass
class Measured:
    """Wall time, exit status and memory peaks (bytes) of one contender's process tree."""

    seconds: float
    returncode: int
    main_rss: int = 0
    child_rss: int = 0
    tree_rss: int = 0
    kernel_rss: int = 0
    stdout: str = ""
    stderr_tail: str = ""


def tree_rss(root) -> tuple[int, dict[int, int]]:
    """RSS of ``root`` and each live descendant (psutil ``Process``): (sum, {pid: rss})."""
    import psutil

    per_pid = {}
    try:
        processes = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0, per_pid
    for process in processes:
        try:
            per_pid[process.pid] = process.memory_info().rss
        except psutil.Error:
            continue
    return sum(per_pid.values()), per_pid


def measure(cmd: list[str], log_dir: Path, env: dict[str, str] | None = None) -> Measured:
    """Run ``cmd`` (cwd = repo), polling its process tree's RSS until it exits."""
    import psutil

    log_dir.mkdir(parents=True, exist_ok=True)
    out_path, err_path = log_dir / "stdout.txt", log_dir / "stderr.txt"
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=out, stderr=err)
        root = psutil.Process(proc.pid)
        peaks: dict[int, int] = {}
        tree_peak = 0
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            total, per_pid = tree_rss(root)
            tree_peak = max(tree_peak, total)
            for child_pid, rss in per_pid.items():
                peaks[child_pid] = max(peaks.get(child_pid, 0), rss)
            time.sleep(POLL_SECONDS)
        seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    main_rss = peaks.pop(proc.pid, 0)
    stderr_lines = err_path.read_text("utf-8", errors="replace").strip().splitlines()
    return Measured(
        seconds=seconds,
        returncode=proc.returncode,
        main_rss=main_rss,
        child_rss=max(peaks.values(), default=0),
        tree_rss=tree_peak,
        kernel_rss=usage.ru_maxrss * 1024,  # Linux reports KiB
        stdout=out_path.read_text("utf-8", errors="replace"),
        stderr_tail=" | ".join(stderr_lines[-3:]),
    )


# --- contenders ----------------------------------------------------------------------------------


@dataclass
class Result:
    """One contender on one corpus: its measurement, or why it was skipped."""

    name: str
    measured: Measured | None = None
    documents: int | None = None
    flow_seconds: float | None = None
    note: str = ""
    contender: str = ""  # the name asked for (``rinse-N``), before ``name`` says how many workers


def rinse_unavailable() -> str:
    """Why ``rinse run`` cannot be benchmarked from this tree, or ``""`` when it can."""
    if not (REPO / "rinse" / "cli.py").exists():
        return "rinse/cli.py is not in this tree yet (the `rinse run` CLI has not landed)"
    probe = subprocess.run([sys.executable, "-c", "import rinse.cli"], cwd=REPO, capture_output=True,
                           text=True)
    if probe.returncode:
        return "rinse.cli does not import: " + (probe.stderr.strip().splitlines() or ["?"])[-1]
    return ""


def datatrove_unavailable() -> str:
    """Why datatrove cannot run here, or ``""``."""
    import importlib.util

    if importlib.util.find_spec("datatrove") is None:
        return "datatrove is not installed (pip install -e '.[bench]')"
    return ""


def runs_table_summary(warehouse: Path) -> tuple[int | None, float | None]:
    """(documents written + rejected, flow seconds) from ``WAREHOUSE/runs``, when it has them."""
    import pyarrow.dataset as ds

    runs_dir = warehouse / "runs"
    if not runs_dir.exists():
        return None, None
    table = ds.dataset(runs_dir, format="parquet", partitioning="hive").to_table()
    if table.num_rows == 0:
        return None, None
    row = table.slice(table.num_rows - 1).to_pylist()[0]
    documents = None
    if "n_documents_written" in row:
        documents = (row["n_documents_written"] or 0) + (row.get("n_rejected") or 0)
    flow_seconds = None
    if row.get("started_at") and row.get("finished_at"):
        flow_seconds = (row["finished_at"] - row["started_at"]).total_seconds()
    return documents, flow_seconds


def failure_note(what: str, measured: Measured) -> str:
    return f"{what} failed (exit {measured.returncode}): {measured.stderr_tail}"


def run_rinse(name: str, corpus: Path, work: Path, workers: int) -> Result:
    warehouse = work / "warehouse"
    cmd = [sys.executable, "-c", "from rinse.cli import entry_point; entry_point()",  # what `rinse` runs
           "run", "--input", str(corpus), "--warehouse", str(warehouse), "--workers", str(workers)]
    measured = measure(cmd, work, env={**os.environ, "PYTHONPATH": str(REPO)})
    if measured.returncode:
        return Result(name, measured, note=failure_note("rinse run", measured))
    documents, flow_seconds = runs_table_summary(warehouse)
    return Result(name, measured, documents=documents, flow_seconds=flow_seconds)


def run_child(name: str, kind: str, corpus: Path, work: Path, workers: int) -> Result:
    cmd = [sys.executable, str(Path(__file__).resolve()), "child", kind, str(corpus), str(work / "out"),
           str(workers)]
    measured = measure(cmd, work)
    if measured.returncode:
        return Result(name, measured, note=failure_note(kind, measured))
    counts = json.loads(measured.stdout.strip().splitlines()[-1])
    return Result(name, measured, documents=counts["documents"])


def run_contender(name: str, corpus: Path, work: Path, workers: int) -> Result:
    """Run one named contender (``floor``, ``core-1``, ``rinse-1``, ``rinse-N``, ``datatrove-1``,
    ``datatrove-N``)."""
    family, _, width = name.partition("-")
    n_workers = 1 if width == "1" else workers
    if family in ("floor", "core"):
        return run_child(name, family, corpus, work, 1)
    if family == "rinse":
        reason = rinse_unavailable()
        return Result(name, note=reason) if reason else run_rinse(name, corpus, work, n_workers)
    reason = datatrove_unavailable()
    return Result(name, note=reason) if reason else run_child(name, "datatrove", corpus, work, n_workers)


# --- report --------------------------------------------------------------------------------------


def fmt(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def table_rows(results: list[Result], n_files: int, n_bytes: int) -> list[tuple[str, list[str]]]:
    """Metric name and one formatted cell per contender."""

    def cells(metric) -> list[str]:
        return [metric(r.measured, r) if r.measured and not r.note else "-" for r in results]

    return [
        ("wall seconds", cells(lambda m, r: f"{m.seconds:.1f}")),
        ("flow seconds", cells(lambda m, r: fmt(r.flow_seconds, ".1f"))),
        ("MB/s (wall)", cells(lambda m, r: f"{n_bytes / MB / m.seconds:.2f}")),
        ("files/s (wall)", cells(lambda m, r: f"{n_files / m.seconds:.0f}")),
        ("files/s (flow)", cells(lambda m, r: fmt(r.flow_seconds and n_files / r.flow_seconds, ".0f"))),
        ("documents out", cells(lambda m, r: fmt(r.documents, "d"))),
        ("peak RSS main MB", cells(lambda m, r: f"{m.main_rss / MB:.0f}")),
        ("peak RSS child MB", cells(lambda m, r: f"{m.child_rss / MB:.0f}")),
        ("peak RSS tree MB", cells(lambda m, r: f"{m.tree_rss / MB:.0f}")),
        ("kernel maxrss MB", cells(lambda m, r: f"{m.kernel_rss / MB:.0f}")),
    ]


def render_table(title: str, results: list[Result], n_files: int, n_bytes: int) -> str:
    rows = table_rows(results, n_files, n_bytes)
    header = ["", *(r.name for r in results)]
    width = max(len(name) for name, _ in rows)
    col = max(12, *(len(h) + 2 for h in header))
    lines = [title, header[0].ljust(width) + "".join(h.rjust(col) for h in header[1:])]
    lines += [name.ljust(width) + "".join(c.rjust(col) for c in cells) for name, cells in rows]
    lines += [f"  {r.name}: {r.note}" for r in results if r.note]
    return "\n".join(lines)


def mb_per_s(result: Result, n_bytes: int, flow: bool = False) -> float | None:
    """MB/s by wall time, or by the flow's own duration (``flow=True``; rinse only)."""
    if result.measured is None or result.note:
        return None
    seconds = result.flow_seconds if flow else result.measured.seconds
    return n_bytes / MB / seconds if seconds else None


TARGETS = (  # (contender, compared with, minimum ratio of MB/s) from issue 5
    ("rinse-1", "floor", 0.5),
    ("rinse-N", "rinse-1", 1.6),
    ("rinse-N", "datatrove-N", 1.0),
)


def target_lines(results: list[Result], n_bytes: int) -> list[str]:
    """Issue 5's throughput targets for the contenders that ran: wall-clock MB/s ratios, and
    beside them the ratio with rinse timed by its flow alone (no start-up, no Prefect server)."""
    by_contender = {r.contender: r for r in results}
    lines = []
    for name, other, minimum in TARGETS:
        a, b = by_contender.get(name), by_contender.get(other)
        if not (a and b and mb_per_s(a, n_bytes) and mb_per_s(b, n_bytes)):
            continue
        wall = mb_per_s(a, n_bytes) / mb_per_s(b, n_bytes)
        flow_a = mb_per_s(a, n_bytes, flow=True)
        flow_b = mb_per_s(b, n_bytes, flow=other.startswith("rinse")) or None
        flow = f", by flow time {flow_a / flow_b:.2f}" if flow_a and flow_b else ""
        lines.append(f"  {a.name} / {b.name} MB/s: {wall:.2f}{flow} (target >= {minimum}: "
                     f"{'met' if wall >= minimum else 'NOT met'})")
    core, rinse_1 = by_contender.get("core-1"), by_contender.get("rinse-1")
    if core and rinse_1 and mb_per_s(core, n_bytes) and mb_per_s(rinse_1, n_bytes):
        share = 1 - core.measured.seconds / rinse_1.measured.seconds
        lines.append(f"  rinse-1 time beyond its cleaning (Prefect, start-up, commits): {share:.1%} "
                     f"of its wall time ({rinse_1.measured.seconds - core.measured.seconds:.1f} s)")
    return ["targets:", *lines] if lines else []


def rss_growth(small: list[Result], large: list[Result]) -> str:
    """Peak tree RSS at 2N over N, per contender that ran both."""
    parts = []
    for a, b in zip(small, large, strict=True):
        if a.measured and b.measured and not (a.note or b.note) and a.measured.tree_rss:
            parts.append(f"{a.name} x{b.measured.tree_rss / a.measured.tree_rss:.2f}")
    return "peak tree RSS, 2N / N (target for rinse <= 1.25): " + (", ".join(parts) or "-")


def server_env(home: Path) -> dict[str, str]:
    """A Prefect home and database of the benchmark's own, so no user's server state is touched."""
    return {"PREFECT_HOME": str(home), "PREFECT_API_DATABASE_CONNECTION_URL": f"sqlite+aiosqlite:///{home}/prefect.db"}


def bench_size(n_files: int, args: argparse.Namespace, root: Path) -> tuple[list[Result], str, int]:
    corpus = root / f"corpus-{n_files}"
    start = time.perf_counter()
    paths = build_corpus(corpus, n_files, args.seed)
    n_bytes = sum(p.stat().st_size for p in paths)
    print(f"corpus: {n_files} files, {n_bytes / MB:.1f} MB on disk in {corpus} "
          f"(built in {time.perf_counter() - start:.1f}s)", flush=True)
    load_before = os.getloadavg()[0]
    results = []
    for name in args.contenders:
        label = name.replace("-N", f"-{args.workers}")
        work = root / f"{label}-{n_files}"
        shutil.rmtree(work, ignore_errors=True)  # a kept --workdir's warehouse would make the run a no-op
        result = run_contender(name, corpus, work, args.workers)
        result.name, result.contender = label, name
        status = result.note or f"{result.measured.seconds:.1f}s"
        print(f"  {label:<14} {status}", flush=True)
        results.append(result)
    prefect = "a running Prefect server" if args.prefect_server else "Prefect's temporary server per run"
    title = (f"{n_files} files, {n_bytes / MB:.1f} MB, {args.workers} workers for -N ({os.cpu_count()} CPUs, "
             f"1-min load {load_before:.1f} before the runs); rinse with {prefect}")
    return results, render_table(title, results, n_files, n_bytes), n_bytes


def main() -> None:
    if sys.argv[1:2] == ["child"]:
        child_main(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=4000, help="corpus size N (default 4000)")
    parser.add_argument("--double", action="store_true", help="also run 2N files to compare peak RSS")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="workers for the -N contenders (default: all CPUs)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--contenders", nargs="+", default=["floor", "rinse-1", "rinse-N", "datatrove-N"],
                        choices=["floor", "core-1", "rinse-1", "rinse-N", "datatrove-1", "datatrove-N"])
    parser.add_argument("--prefect-server", action="store_true",
                        help="start one Prefect server first and run rinse against it (PREFECT_API_URL), as "
                             "scheduled runs are; default: each run starts Prefect's temporary server")
    parser.add_argument("--workdir", type=Path, help="keep corpora and outputs here (default: a temp dir)")
    args = parser.parse_args()

    root = args.workdir or Path(tempfile.mkdtemp(prefix="rinse-bench-"))
    try:
        with ExitStack() as stack:
            if args.prefect_server:
                api = stack.enter_context(running_server(env=server_env(root / "prefect-home")))
                os.environ["PREFECT_API_URL"] = api
                # a server's first API answer takes about 0.6 s (it loads what it lazily needs); a
                # long-running one has paid that, so the first contender should not
                urllib.request.urlopen(f"{api}/admin/version", timeout=30).read()
                print(f"rinse runs report to a Prefect server started for the benchmark at {api}")
            sizes = [args.files, 2 * args.files] if args.double else [args.files]
            runs = [bench_size(n, args, root) for n in sizes]
        print()
        for results, table, n_bytes in runs:
            print(table + "\n")
            print("\n".join(target_lines(results, n_bytes)) + "\n")
        if args.double:
            print(rss_growth(runs[0][0], runs[1][0]))
    finally:
        if args.workdir is None:
            shutil.rmtree(root, ignore_errors=True)

if __name__ == "__main__":
    main()
