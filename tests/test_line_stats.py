"""Learning repeated lines from the corpus: counts per source, the state table, and drops with evidence."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq

from tasks import line_stats
from tasks.batch import process_batch
from tasks.classify import classify
from tasks.discover import walk_root
from tasks.line_stats import LineStats, document_keys, line_key
from tasks.model import BODY, DROP, Line

FOOTER = "Harbour Lane Weekly | independent local journalism since 1987"
TOPICS = ["the ferry timetable", "a new cycle lane", "the school roof", "winter gritting", "the market hall",
          "library hours", "a bus shelter", "the lifeboat station", "street lighting", "the swimming pool",
          "a bridge repair", "the harbour wall"]


def test_line_keys_stay_those_of_the_saved_counts() -> None:
    # the state table keeps these hashes from run to run: a change of hashing would lose its counts
    assert line_key("Read  more") == -8415774691515072937
    assert line_key("本报记者 张伟") == 8567155303662280994


def article(i: int, extra: str = "") -> str:
    topic = TOPICS[i]
    return (
        f"Council decides on {topic}\n\n"
        f"Councillors voted on Tuesday to approve spending on {topic}, ending a debate that had run "
        f"since spring. Work is due to start within {i + 2} weeks.\n\n"
        f"Residents who objected to the plans for {topic} said they would keep a close eye on the costs, "
        f"which officers put at {i + 3} hundred thousand pounds.\n\n"
        f"{extra}{FOOTER}\n"
    )


def write_source(root: Path, folder: str, n: int, start: int = 0) -> None:
    (root / folder).mkdir(parents=True, exist_ok=True)
    for i in range(start, start + n):
        (root / folder / f"story-{i:02d}.txt").write_text(article(i), "utf-8")


def removed_rows(summary) -> list[dict]:
    return pq.read_table(summary.staged["removed"]).to_pylist() if "removed" in summary.staged else []


def test_a_line_counts_once_per_document() -> None:
    stats = LineStats()
    stats.add_document("s", document_keys(["Footer", "Footer", "footer ", "Body"]))
    assert stats.sources["s"].n_docs == 1
    assert stats.sources["s"].seen[line_key("Footer")] == 1
    assert len(stats.sources["s"].seen) == 2


def test_evidence_needs_enough_documents_and_share() -> None:
    stats = LineStats()
    for i in range(4):
        stats.add_document("s", {1, 2} if i < 3 else {1})
    assert stats.repeated("s") == {}
    stats.add_document("s", {1})
    assert stats.repeated("s") == {1: (5, 5), 2: (3, 5)}
    for _ in range(2):
        stats.add_document("s", {1})
    assert stats.repeated("s") == {1: (7, 7)}


def test_state_table_round_trip_and_cap(tmp_path: Path, monkeypatch) -> None:
    stats = LineStats()
    for i in range(6):
        stats.add_document("a/b", {10, 20 + i})
    line_stats.save(tmp_path, stats)
    loaded = line_stats.load(tmp_path)
    assert loaded.sources["a/b"].n_docs == 6 and loaded.sources["a/b"].seen[10] == 6
    assert pq.read_table(line_stats.stats_file(tmp_path)).schema.equals(line_stats.SCHEMA)
    monkeypatch.setattr(line_stats, "MAX_KEYS_PER_SOURCE", 3)
    capped = LineStats()
    capped.merge(loaded)
    assert len(capped.sources["a/b"].seen) == 3 and capped.sources["a/b"].seen[10] == 6


def test_shared_footer_is_dropped_with_evidence_within_one_batch(tmp_path: Path) -> None:
    root = tmp_path / "in"
    write_source(root, "harbour", 10)
    write_source(root, "elsewhere", 2)
    summary = process_batch(list(walk_root(root)), {}, str(tmp_path / "staging"), "run-1")
    repeated = [r for r in removed_rows(summary) if r["category"] == "repeated_line"]
    assert len(repeated) == 10
    assert {r["text"] for r in repeated} == {FOOTER}
    assert {r["rule"] for r in repeated} == {"repeated_line:seen_in=10/10"}
    paragraphs = pq.read_table(summary.staged["paragraphs"]).to_pylist()
    assert sum(p["text"] == FOOTER for p in paragraphs) == 2  # the small source taught nothing
    assert summary.line_counts.sources["harbour"].n_docs == 10


def test_a_line_repeated_inside_one_article_is_no_evidence(tmp_path: Path) -> None:
    root = tmp_path / "in"
    write_source(root, "harbour", 6)
    chorus = "Keep the harbour open"
    (root / "harbour" / "story-99.txt").write_text(article(11, extra=(chorus + "\n\n") * 5), "utf-8")
    summary = process_batch(list(walk_root(root)), {}, str(tmp_path / "staging"), "run-1")
    paragraphs = pq.read_table(summary.staged["paragraphs"]).to_pylist()
    assert sum(p["text"] == chorus for p in paragraphs) == 5
    assert summary.line_counts.sources["harbour"].seen[line_key(chorus)] == 1


def test_counts_from_earlier_runs_teach_later_batches(tmp_path: Path) -> None:
    root = tmp_path / "in"
    write_source(root, "harbour", 3)
    first = process_batch(list(walk_root(root)), {}, str(tmp_path / "s1"), "run-1")
    assert not [r for r in removed_rows(first) if r["category"] == "repeated_line"]
    write_source(root, "harbour", 3, start=3)
    later = [r for r in walk_root(root) if r.rel_path >= "harbour/story-03"]
    second = process_batch(later, {}, str(tmp_path / "s2"), "run-2", prior=first.line_counts)
    rules = {r["rule"] for r in removed_rows(second) if r["category"] == "repeated_line"}
    assert rules == {"repeated_line:seen_in=6/6"}


def page(i: int, site: str) -> str:
    """An article page whose own address is on ``site``, the shared footer in its article body."""
    paragraphs = "".join(f"<p>{para}</p>" for para in article(i).split("\n\n")[1:])
    return (f'<html><head><title>Council decides on {TOPICS[i]}</title>'
            f'<link rel="canonical" href="https://www.{site}/news/{i}"></head>'
            f"<body><article><h1>Council decides on {TOPICS[i]}</h1>{paragraphs}</article></body></html>")


def write_pages(root: Path, site: str, folders: int, per_folder: int) -> None:
    """``folders * per_folder`` pages of ``site``, too few per folder for the folder to teach anything."""
    for i in range(folders * per_folder):
        folder = root / f"crawl-{i // per_folder}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"page-{i:02d}.html").write_text(page(i, site), "utf-8")


def test_pages_of_one_site_spread_over_folders_teach_their_footer(tmp_path: Path) -> None:
    root = tmp_path / "in"
    write_pages(root, "harbour.example", folders=4, per_folder=2)
    summary = process_batch(list(walk_root(root)), {}, str(tmp_path / "staging"), "run-1")
    repeated = [r for r in removed_rows(summary) if r["category"] == "repeated_line"]
    assert {r["text"] for r in repeated} == {FOOTER} and len(repeated) == 8
    assert {r["rule"] for r in repeated} == {"repeated_line:seen_in=8/8"}
    assert summary.line_counts.sources["site:harbour.example"].n_docs == 8


def test_text_files_over_many_small_folders_teach_nothing(tmp_path: Path) -> None:
    root = tmp_path / "in"
    for folder in range(4):
        write_source(root, f"crawl-{folder}", 2, start=2 * folder)
    summary = process_batch(list(walk_root(root)), {}, str(tmp_path / "staging"), "run-1")
    assert not [r for r in removed_rows(summary) if r["category"] == "repeated_line"]


def test_a_site_learnt_in_an_earlier_run_teaches_a_page_in_a_new_folder(tmp_path: Path) -> None:
    root = tmp_path / "in"
    write_pages(root, "harbour.example", folders=3, per_folder=2)
    first = process_batch(list(walk_root(root)), {}, str(tmp_path / "s1"), "run-1")
    stats = LineStats()
    stats.merge(first.line_counts)
    (root / "new").mkdir()
    (root / "new" / "page.html").write_text(page(10, "harbour.example"), "utf-8")
    later = [r for r in walk_root(root) if r.rel_path.startswith("new/")]
    prior = stats.sites_and_folders(["new"])
    second = process_batch(later, {}, str(tmp_path / "s2"), "run-2", prior=prior)
    assert [r["rule"] for r in removed_rows(second) if r["category"] == "repeated_line"] == [
        "repeated_line:seen_in=7/7"]  # six pages before, and this one


def test_repetition_never_takes_the_only_body() -> None:
    texts = ["Share this article", "The hall is closed today", "© 2024 Harbour Lane Weekly"]
    lines = [Line(no, text) for no, text in enumerate(texts, 1)]
    labels, _ = classify(lines, {line_key(texts[1]): (9, 10)})
    assert [label.kind for label in labels] == [DROP, BODY, DROP]


def test_flow_learns_across_runs_and_keeps_the_state_table(prefect_harness, tmp_path: Path) -> None:
    from flows.clean_corpus import clean_corpus

    root, wh = tmp_path / "in", tmp_path / "wh"
    write_source(root, "harbour", 10)
    clean_corpus(inputs=[str(root)], warehouse=str(wh), workers=1)
    write_source(root, "harbour", 2, start=10)
    clean_corpus(inputs=[str(root)], warehouse=str(wh), workers=1)
    removed = pq.read_table(wh / "removed").to_pylist()
    rules = sorted(r["rule"] for r in removed if r["category"] == "repeated_line")
    assert rules == ["repeated_line:seen_in=10/10"] * 10 + ["repeated_line:seen_in=12/12"] * 2
    assert line_stats.load(wh).sources["harbour"].n_docs == 12
    documents = pq.read_table(wh / "documents").to_pylist()
    assert not any(FOOTER in d["text"] for d in documents)
