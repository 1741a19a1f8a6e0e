"""Run figures, rates, drift and artifact content: pure functions over real commits, no Prefect."""

import datetime as dt
import json
from collections import Counter
from pathlib import Path

import pyarrow.dataset as ds

from tasks.batch import process_batch
from tasks.discover import batches, walk_root
from tasks.report import (
    DriftRule,
    Figures,
    RunReport,
    drifts,
    removed_lines_table,
    run_rates,
    summary_markdown,
)
from tasks.warehouse import STAGING, commit_batch, earlier_rates, recover, write_run

REPO = Path(__file__).resolve().parents[1]


def rows(wh: Path, table: str) -> list[dict]:
    return ds.dataset(wh / table, format="parquet", partitioning="hive").to_table().to_pylist()


def commit_all(root: Path, wh: Path, max_files: int = 3) -> Figures:
    """Clean and commit ``root`` batch by batch, adding up each commit's figures."""
    index, total = recover(wh), Figures()
    for n, refs in enumerate(batches(walk_root(root), max_files=max_files)):
        summary = process_batch(refs, {}, str(wh / STAGING), "run-1", n)
        total.add(commit_batch(wh, index, summary.staged, f"part-run-1-{n:06d}.parquet"))
    return total


def test_commit_figures_add_up_to_what_the_tables_hold(tmp_path) -> None:
    wh = tmp_path / "wh"
    figures = commit_all(REPO / "seeds", wh)
    docs, removed, paragraphs = rows(wh, "documents"), rows(wh, "removed"), rows(wh, "paragraphs")
    assert figures.n_documents == len(docs) and figures.n_paragraphs == len(paragraphs)
    assert figures.paragraph_chars == sum(len(p["text"]) for p in paragraphs)
    assert figures.rejected_by_reason == Counter(r["reason"] for r in rows(wh, "rejects"))
    assert figures.removed_by_category == Counter(r["category"] for r in removed)
    language = {d["doc_id"]: d["language"] for d in docs}
    assert figures.removed_by_category_language == Counter((r["category"], language[r["doc_id"]])
                                                           for r in removed)
    assert figures.encodings == Counter(d["encoding"] for d in docs)
    assert figures.repairs == Counter(r for d in docs for r in d["repairs"])
    assert figures.repaired_documents == sum(1 for d in docs if d["repairs"])
    assert figures.removed_lines == Counter((r["category"], r["text"]) for r in removed)
    assert removed, "the seeds have boilerplate to remove"


def test_duplicates_count_as_rejects_not_as_documents(tmp_path) -> None:
    root = tmp_path / "in"
    root.mkdir()
    story = "Ferry fares frozen\n\nThe ferry operator froze fares for another year on Tuesday.\n"
    for name in ("a.txt", "b.txt", "c.txt"):
        (root / name).write_text(story)
    figures = commit_all(root, tmp_path / "wh", max_files=1)
    assert (figures.n_documents, figures.rejected_by_reason) == (1, {"duplicate": 2})
    rates = run_rates(figures, files_cleaned=3)
    assert rates["reject_rate"] == 0.0


def test_only_the_most_frequent_removed_lines_are_kept_while_adding() -> None:
    total = Figures()
    for n in range(300):
        total.add(Figures(removed_lines=Counter({("advert", f"ad {n}"): 1, ("advert", "Buy now"): 2})))
    assert len(total.removed_lines) == 200
    assert total.removed_lines["advert", "Buy now"] == 600


def test_removed_lines_table_puts_the_biggest_category_first() -> None:
    lines = Counter({("byline", "By staff"): 3, ("advert", "Buy now"): 5, ("advert", "Sale"): 4,
                     ("advert", "Click"): 1})
    table = removed_lines_table(lines, per_category=2)
    assert table == [{"category": "advert", "count": 5, "text": "Buy now"},
                     {"category": "advert", "count": 4, "text": "Sale"},
                     {"category": "byline", "count": 3, "text": "By staff"}]


def usual_runs() -> list[dict]:
    return [{"reject_rate": r, "mean_paragraph_chars": c, "removed_share.byline": b}
            for r, c, b in ((0.02, 180.0, 0.05), (0.03, 190.0, 0.06), (0.025, 185.0, 0.05),
                            (0.02, 182.0, 0.055))]


def test_drift_flags_a_rate_far_outside_its_usual_range() -> None:
    now = {"reject_rate": 0.025, "mean_paragraph_chars": 90.0, "removed_share.byline": 0.30}
    found = {d.rate: d for d in drifts(now, usual_runs())}
    assert set(found) == {"mean_paragraph_chars", "removed_share.byline"}
    assert "removed_share.byline is 0.3" in found["removed_share.byline"].message()
    assert found["mean_paragraph_chars"].n_runs == 4


def test_drift_needs_three_earlier_runs_with_rates_and_a_real_change() -> None:
    now = {**usual_runs()[0], "reject_rate": 0.9}
    assert drifts(now, usual_runs()[:2] + [{}, {}]) == []
    assert [d.rate for d in drifts(now, usual_runs()[:3])] == ["reject_rate"]
    steady = [{"reject_rate": 0.02}] * 5  # std 0: only the minimum change counts
    assert drifts({"reject_rate": 0.035}, steady) == []
    assert drifts({}, steady) == []  # a run that cleaned nothing is not judged


def test_drift_notices_a_category_that_was_never_removed_before() -> None:
    now = {**usual_runs()[0], "removed_share.advert": 0.2}
    assert [d.rate for d in drifts(now, usual_runs())] == ["removed_share.advert"]
    assert [d.rate for d in drifts(now, usual_runs(), DriftRule(min_change=0.5))] == []


def test_drift_window_forgets_old_runs() -> None:
    old = [{"reject_rate": 0.5}] * 10
    assert drifts({"reject_rate": 0.5}, old + [{"reject_rate": 0.02}] * 3, DriftRule(window=3))


def test_rates_are_stored_in_runs_and_read_back_oldest_first(tmp_path) -> None:
    wh = tmp_path / "wh"
    start = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)
    for n, rates in ((2, {"reject_rate": 0.2}), (1, {}), (3, {"reject_rate": 0.3})):
        write_run(wh, {"run_id": f"r{n}", "started_at": start + dt.timedelta(hours=n),
                       "rates": json.dumps(rates)})
    write_run(wh, {"run_id": "r0", "started_at": start})  # a row written before runs had rates
    assert earlier_rates(wh) == [{}, {}, {"reject_rate": 0.2}, {"reject_rate": 0.3}]


def test_summary_markdown_shows_every_figure_and_warns_on_drift(tmp_path) -> None:
    figures = commit_all(REPO / "seeds", tmp_path / "wh")
    report = RunReport("run-1", files_seen=7, unchanged=0, bytes_in=3 * 2**20, seconds=2.0, figures=figures,
                       drifts=drifts({"reject_rate": 0.9}, [{"reject_rate": 0.01}] * 3))
    text = summary_markdown(report)
    assert text.index("Drift warning") < text.index("files seen")
    assert "reject_rate is 0.9" in text
    assert f"| documents written | {figures.n_documents} |" in text
    assert "| throughput | 1.50 MB/s, 3.5 files/s |" in text
    for heading in ("Rejected by reason", "Lines removed by category and document language", "Encodings",
                    "Repairs"):
        assert f"## {heading}" in text
    category, n = figures.removed_by_category.most_common(1)[0]
    assert f"| {category} | {n} |" in text
    quiet = summary_markdown(RunReport("run-2", 7, 7, 0, 1.0, Figures()))
    assert "Drift" not in quiet and "- none" in quiet
