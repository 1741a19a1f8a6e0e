"""What the run report costs next to the work it describes, on one batch of a synthetic corpus.

Cleans one batch (``process_batch``), commits it (``commit_batch``, which computes the
commit's figures), then times the report's pure functions alone: ``commit_figures`` on
the committed rows, adding them into a run's ``Figures``, the summary markdown and the
removed-lines table.  Prints seconds and the report's share of the batch's time.

    python3 benchmarks/report_overhead.py [--files 2000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.corpus import build_corpus  # noqa: E402
from tasks.batch import process_batch  # noqa: E402
from tasks.discover import walk_root  # noqa: E402
from tasks.report import (  # noqa: E402
    Figures,
    RunReport,
    commit_figures,
    removed_lines_table,
    summary_markdown,
)
from tasks.warehouse import TABLES, commit_batch, part_files, read_part, recover  # noqa: E402


def timed(fn, *args):
    started = time.perf_counter()
    result = fn(*args)
    return result, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpus, wh = Path(tmp) / "corpus", Path(tmp) / "wh"
        build_corpus(corpus, args.files)
        refs = list(walk_root(corpus))
        index = recover(wh)
        batch, clean_s = timed(process_batch, refs, {}, str(Path(tmp) / "staging"), "bench", 0)
        part = "part-bench-000000.parquet"
        _, commit_s = timed(commit_batch, wh, index, batch.staged, part)
        tables = {t: read_part(p, t) for t in TABLES for p in part_files(wh, t) if p.name == part}
        figures, figures_s = timed(commit_figures, tables)
        run = Figures()
        _, add_s = timed(run.add, figures)
        report = RunReport("bench", len(refs), 0, batch.bytes_in, clean_s + commit_s, run)
        _, markdown_s = timed(summary_markdown, report)
        _, table_s = timed(removed_lines_table, run.removed_lines)
    report_s = figures_s + add_s + markdown_s + table_s
    print(f"{len(refs)} files, {batch.bytes_in / 2**20:.1f} MB, {figures.n_documents} documents, "
          f"{sum(figures.removed_by_category.values())} removed lines")
    print(f"clean batch      {clean_s:8.3f} s")
    print(f"commit batch     {commit_s:8.3f} s  (includes commit_figures)")
    print(f"commit_figures   {figures_s:8.3f} s")
    print(f"Figures.add      {add_s:8.3f} s")
    print(f"summary markdown {markdown_s:8.3f} s")
    print(f"removed table    {table_s:8.3f} s")
    print(f"report share of the batch: {100 * report_s / (clean_s + commit_s):.2f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
