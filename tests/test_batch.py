import hashlib
import io
import pickle
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tasks.batch as batch
from tasks.batch import (
    add_paragraphs,
    add_removed,
    arrow_table,
    empty_columns,
    one_line,
    process_batch,
    read_head,
)
from tasks.discover import walk_root
from tasks.model import CleanDocument, Paragraph, RejectError, Removed
from tasks.warehouse import SCHEMAS


def run(root: Path, staging: Path, known: dict | None = None):
    return process_batch(list(walk_root(root)), known or {}, str(staging), "run-1", batch_no=3)


def staged_rows(summary, table: str) -> list[dict]:
    return pq.read_table(summary.staged[table]).to_pylist() if table in summary.staged else []


def test_one_bad_file_becomes_an_error_reject_and_the_rest_is_cleaned(corpus, tmp_path, monkeypatch) -> None:
    real = batch.clean_document

    def flaky(data, name, config=None, repeated=None, site_repeated=None):
        if name.endswith("tram.txt"):
            raise ValueError("table is broken\nsecond line")
        return real(data, name, config)

    monkeypatch.setattr(batch, "clean_document", flaky)
    summary = run(corpus, tmp_path / "staging")
    rejects = {r["source_path"]: r for r in staged_rows(summary, "rejects")}
    assert rejects["zh/tram.txt"]["reason"] == "error"
    assert rejects["zh/tram.txt"]["detail"] == "ValueError: table is broken"
    assert rejects["empty.txt"]["reason"] == "empty"
    assert {r["source_path"] for r in staged_rows(summary, "documents")} == {"en_buses.txt", "zh/library.txt"}
    assert (summary.n_files, summary.n_documents, summary.n_rejected) == (4, 2, 2)


def test_reject_error_keeps_its_reason_and_sha(corpus, tmp_path, monkeypatch) -> None:
    def refuse(data, name, config=None, repeated=None, site_repeated=None):
        raise RejectError("binary", "looks like an image")

    monkeypatch.setattr(batch, "clean_document", refuse)
    summary = run(corpus, tmp_path / "staging")
    row = next(r for r in staged_rows(summary, "rejects") if r["source_path"] == "en_buses.txt")
    assert row["reason"] == "binary" and row["detail"] == "looks like an image"
    assert row["content_sha256"] == hashlib.sha256((corpus / "en_buses.txt").read_bytes()).hexdigest()
    assert summary.rejected_by_reason == {"binary": 4}


def test_known_files_with_the_same_sha_are_skipped(corpus, tmp_path) -> None:
    sha = hashlib.sha256((corpus / "en_buses.txt").read_bytes()).hexdigest()
    summary = run(corpus, tmp_path / "staging", known={"en_buses.txt": sha, "zh/library.txt": "0" * 64})
    assert summary.n_unchanged == 1
    assert "en_buses.txt" not in {r["source_path"] for r in staged_rows(summary, "documents")}
    assert "zh/library.txt" in {r["source_path"] for r in staged_rows(summary, "documents")}


def test_staged_files_have_the_table_schemas_and_hidden_nothing_left(corpus, tmp_path) -> None:
    staging = tmp_path / "staging"
    summary = run(corpus, staging)
    for table, path in summary.staged.items():
        assert pq.read_schema(path).remove_metadata() == SCHEMAS[table]
        assert Path(path).name == f"{table}-000003.parquet"
    assert sorted(p.name for p in staging.iterdir()) == sorted(Path(p).name for p in summary.staged.values())


def test_symlink_outside_root_is_an_error_reject_without_reading(tmp_path) -> None:
    root = tmp_path / "in"
    root.mkdir()
    (tmp_path / "outside.txt").write_text("private")
    (root / "link.txt").symlink_to(tmp_path / "outside.txt")
    summary = run(root, tmp_path / "staging")
    (row,) = staged_rows(summary, "rejects")
    assert row["reason"] == "error" and "outside the input root" in row["detail"]
    assert row["content_sha256"] is None and summary.bytes_in == 0


def test_open_input_opens_absolute_and_relative_paths_and_file_uris(tmp_path, monkeypatch) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"abc")
    monkeypatch.chdir(tmp_path)
    for name in (str(path), "a.txt", path.as_uri()):
        with batch.open_input(name) as file:
            assert file.read() == b"abc"


@pytest.mark.parametrize("size, limit", [(0, 5), (4, 5), (5, 5), (6, 5), (300, 5)])
def test_read_head_reads_what_read_of_the_limit_reads(tmp_path, size, limit) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(bytes(range(256))[:size] * 2)
    with open(path, "rb") as file:
        assert read_head(file, limit) == path.read_bytes()[:limit]
    assert read_head(io.BytesIO(path.read_bytes()), limit) == path.read_bytes()[:limit]


def test_read_head_reads_on_in_a_file_that_grew_after_it_was_measured(tmp_path, monkeypatch) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"0123456789")
    with open(path, "rb") as file:
        monkeypatch.setattr(batch.os, "fstat", lambda fd: type("Stat", (), {"st_size": 3}))
        assert read_head(file, 8) == b"01234567"


def test_paragraph_offsets_index_the_document_text() -> None:
    doc = CleanDocument("utf-8", "text", [Paragraph("title", "標題"), Paragraph("body", "First line.")], [])
    columns = empty_columns("paragraphs")
    add_paragraphs(columns, "d0", CleanDocument("utf-8", "text", [Paragraph("body", "Earlier.")], []))
    add_paragraphs(columns, "d1", doc)
    spans = list(zip(columns["char_start"], columns["char_end"], strict=True))[1:]
    assert [doc.text[start:end] for start, end in spans] == ["標題", "First line."]
    assert columns["ordinal"] == [0, 0, 1] and columns["doc_id"] == ["d0", "d1", "d1"]


def test_staged_tables_are_built_in_chunks_as_arrow_builds_them_whole_and_leave_text_as_it_was() -> None:
    texts = ["央行周二宣布上调利率", "Xi’s visit", None, "plain ASCII"] * (batch.STAGING_CHUNK_ROWS // 2 + 1)
    columns = empty_columns("removed")
    add_removed(columns, "doc-1", [Removed(0, text or "", "footer", "r1") for text in texts])
    columns["text"] = texts
    sizes = [sys.getsizeof(text) for text in texts]
    table = arrow_table(columns, SCHEMAS["removed"])
    assert [sys.getsizeof(text) for text in texts] == sizes  # no UTF-8 copy kept inside each str
    assert table.num_rows == len(texts) and table.column("text").num_chunks > 1
    assert table.equals(pa.Table.from_pydict(columns, schema=SCHEMAS["removed"]))  # which keeps copies


def test_removed_rows_are_added_column_by_column() -> None:
    columns = empty_columns("removed")
    add_removed(columns, "d1", [Removed(2, "Share this", "share_widget", "share"),
                                Removed(5, "© 2024", "copyright", "copyright")])
    assert columns == {"doc_id": ["d1", "d1"], "line_no": [2, 5], "text": ["Share this", "© 2024"],
                       "category": ["share_widget", "copyright"], "rule": ["share", "copyright"]}


def test_process_batch_and_its_summary_pickle_for_a_worker_process(corpus, tmp_path) -> None:
    assert pickle.loads(pickle.dumps(process_batch)) is process_batch
    summary = run(corpus, tmp_path / "staging")
    assert pickle.loads(pickle.dumps(summary)) == summary


@pytest.mark.parametrize("exc, line", [
    (OSError(2, "No such file"), "FileNotFoundError: [Errno 2] No such file"),
    (RuntimeError(), "RuntimeError"),
])
def test_one_line(exc, line) -> None:
    assert one_line(exc) == line


def test_a_failed_batch_rejects_new_files_and_keeps_the_current_rows(corpus, tmp_path) -> None:
    refs = list(walk_root(corpus))
    summary = batch.failed_batch(refs, {"en_buses.txt": "ab" * 32}, str(tmp_path), "run-1", 5,
                                 "batch 5 failed: TimeoutError: took too long")
    rejects = staged_rows(summary, "rejects")
    assert sorted(r["source_path"] for r in rejects) == ["empty.txt", "zh/library.txt", "zh/tram.txt"]
    assert {(r["reason"], r["detail"]) for r in rejects} == {
        ("error", "batch 5 failed: TimeoutError: took too long")}
    assert (summary.n_files, summary.n_unchanged, summary.n_rejected) == (4, 1, 3)
    assert summary.staged["rejects"].endswith("rejects-000005.parquet")


def test_warm_up_loads_what_cleaning_loads_on_first_use() -> None:
    from tasks import language
    from tasks.clean import warm_up

    language._identifier.cache_clear()
    language._converter.cache_clear()
    warm_up()
    assert language._identifier.cache_info().currsize == 1
    assert language._converter.cache_info().currsize == 2


evidence = st.dictionaries(st.integers(0, 6), st.tuples(st.integers(3, 5), st.integers(5, 6)), max_size=5)


@given(before=evidence, now=evidence, keys=st.frozensets(st.integers(0, 8)))
def test_a_document_holds_a_changed_line_exactly_when_its_evidence_changed(before, now, keys) -> None:
    # learn_repeated works the changed lines out once per source, not per document
    per_document = any(before.get(key) != now.get(key) for key in keys)
    assert (not batch.changed_lines(before, now).isdisjoint(keys)) is per_document
