import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

import tasks.batch as batch
import tasks.warehouse as warehouse
from rinse import PIPELINE_VERSION
from tasks.batch import process_batch
from tasks.discover import batches, walk_root
from tasks.warehouse import (
    SCHEMAS,
    STAGING,
    WarehouseError,
    WarehouseLock,
    commit_batch,
    compact,
    doc_id_for,
    ensure_tables,
    part_files,
    recover,
    to_table,
    write_atomic,
)


def ingest(root: Path, wh: Path, run_id: str, max_files: int = 2, version: str = PIPELINE_VERSION) -> None:
    """What the flow does, without Prefect: recover, clean in batches, commit in order."""
    index = recover(wh)
    known = index.known(version)
    staging = wh / STAGING / run_id
    for n, refs in enumerate(batches(walk_root(root), max_files=max_files)):
        summary = process_batch(refs, {r.rel_path: known[r.rel_path] for r in refs if r.rel_path in known},
                                str(staging), run_id, n)
        commit_batch(wh, index, summary.staged, f"part-{run_id}-{n:06d}.parquet")
    ensure_tables(wh)


def rows(wh: Path, table: str) -> list[dict]:
    return ds.dataset(wh / table, format="parquet", partitioning="hive").to_table().to_pylist()


def run_free_rows(wh: Path, table: str) -> list[str]:
    """The rows of ``table``, sorted, without the columns that differ from run to run."""
    return sorted(repr({k: v for k, v in r.items() if k not in ("run_id", "processed_at")})
                  for r in rows(wh, table))


def visible_files(wh: Path) -> list[str]:
    return sorted(str(p.relative_to(wh)) for t in SCHEMAS for p in part_files(wh, t))


def test_schemas_have_the_interface_types() -> None:
    docs, runs = SCHEMAS["documents"], SCHEMAS["runs"]
    assert docs.field("published_date").type == pa.date32()
    assert docs.field("processed_at").type == pa.timestamp("us", tz="UTC")
    assert docs.field("repairs").type == pa.list_(pa.string())
    assert docs.field("n_paragraphs").type == pa.int32() and docs.field("n_chars").type == pa.int32()
    assert SCHEMAS["paragraphs"].field("char_end").type == pa.int32()
    assert SCHEMAS["removed"].field("line_no").type == pa.int32()
    assert runs.field("n_rejected").type == pa.int64() and runs.field("finished_at").type == docs.field(
        "processed_at").type


def test_tables_on_disk_keep_the_schemas(corpus, tmp_path) -> None:
    wh = tmp_path / "wh"
    ingest(corpus, wh, "r1")
    for table in ("documents", "paragraphs", "removed", "rejects"):
        assert ds.dataset(wh / table, format="parquet", partitioning="hive").schema.remove_metadata() == (
            SCHEMAS[table])


def test_write_atomic_leaves_no_temp_and_a_failed_write_keeps_the_old_file(tmp_path, monkeypatch) -> None:
    dest = tmp_path / "documents" / "part-a.parquet"
    write_atomic(to_table([], "documents"), dest)
    assert [p.name for p in dest.parent.iterdir()] == ["part-a.parquet"]

    def broken_write(table, out, **kwargs):
        out.write(b"PAR1 half a file")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(warehouse.pq, "write_table", broken_write)
    with pytest.raises(OSError):
        write_atomic(to_table([], "documents"), dest)
    assert [p.name for p in dest.parent.iterdir()] == ["part-a.parquet"]
    assert pq.read_table(dest).schema.remove_metadata() == SCHEMAS["documents"]


def test_rerun_over_unchanged_input_writes_nothing(corpus, tmp_path) -> None:
    wh = tmp_path / "wh"
    ingest(corpus, wh, "r1")
    before = {t: rows(wh, t) for t in ("documents", "paragraphs", "removed", "rejects")}
    files = visible_files(wh)
    ingest(corpus, wh, "r2")
    assert visible_files(wh) == files
    assert {t: rows(wh, t) for t in before} == before
    paths = {d["source_path"] for d in before["documents"]}
    assert paths == {"en_buses.txt", "zh/library.txt", "zh/tram.txt"}
    assert [r["reason"] for r in before["rejects"]] == ["empty"]


def test_changed_file_replaces_its_document_and_child_rows(corpus, tmp_path) -> None:
    wh = tmp_path / "wh"
    ingest(corpus, wh, "r1")
    old = next(d for d in rows(wh, "documents") if d["source_path"] == "en_buses.txt")
    (corpus / "en_buses.txt").write_text("Night buses delayed\n\nThe routes will now return in May.\n")
    ingest(corpus, wh, "r2")
    docs = [d for d in rows(wh, "documents") if d["source_path"] == "en_buses.txt"]
    assert len(docs) == 1 and docs[0]["doc_id"] != old["doc_id"] and "May" in docs[0]["text"]
    doc_ids = {d["doc_id"] for d in rows(wh, "documents")}
    assert {p["doc_id"] for p in rows(wh, "paragraphs")} <= doc_ids
    assert old["doc_id"] not in {p["doc_id"] for p in rows(wh, "paragraphs")}


def test_new_pipeline_version_cleans_everything_again_in_place(corpus, tmp_path, monkeypatch) -> None:
    wh = tmp_path / "wh"
    ingest(corpus, wh, "r1")
    before = {t: len(rows(wh, t)) for t in ("documents", "paragraphs", "removed", "rejects")}
    monkeypatch.setattr(batch, "PIPELINE_VERSION", "next")
    ingest(corpus, wh, "r2", version="next")
    assert {t: len(rows(wh, t)) for t in before} == before
    assert {d["pipeline_version"] for d in rows(wh, "documents")} == {"next"}
    assert {d["run_id"] for d in rows(wh, "documents")} == {"r2"}


def test_file_that_becomes_empty_turns_from_document_into_reject(corpus, tmp_path) -> None:
    wh = tmp_path / "wh"
    ingest(corpus, wh, "r1")
    (corpus / "zh" / "tram.txt").write_bytes(b"  \n")
    ingest(corpus, wh, "r2")
    assert "zh/tram.txt" not in {d["source_path"] for d in rows(wh, "documents")}
    assert {r["source_path"]: r["reason"] for r in rows(wh, "rejects")}["zh/tram.txt"] == "empty"


def test_exact_duplicates_are_kept_once_and_rejected_with_the_kept_doc_id(corpus, tmp_path) -> None:
    wh = tmp_path / "wh"
    ingest(corpus, wh, "r1")
    shutil.copy(corpus / "en_buses.txt", corpus / "zz_copy.txt")
    shutil.copy(corpus / "zh" / "library.txt", corpus / "zh" / "library_again.txt")
    ingest(corpus, wh, "r2")
    docs = {d["source_path"]: d["doc_id"] for d in rows(wh, "documents")}
    dups = {r["source_path"]: r for r in rows(wh, "rejects") if r["reason"] == "duplicate"}
    assert set(dups) == {"zz_copy.txt", "zh/library_again.txt"} and "zz_copy.txt" not in docs
    assert docs["en_buses.txt"] in dups["zz_copy.txt"]["detail"]
    assert dups["zh/library_again.txt"]["duplicate_of"] == docs["zh/library.txt"]
    files = visible_files(wh)
    ingest(corpus, wh, "r3")
    assert visible_files(wh) == files


def test_duplicates_within_one_batch_keep_the_first_path(tmp_path) -> None:
    root, wh = tmp_path / "in", tmp_path / "wh"
    root.mkdir()
    for name in ("b.txt", "a.txt", "c.txt"):
        (root / name).write_text("Same story\n\nSame words in every copy.\n")
    ingest(root, wh, "r1", max_files=10)
    assert [d["source_path"] for d in rows(wh, "documents")] == ["a.txt"]
    assert sorted(r["source_path"] for r in rows(wh, "rejects")) == ["b.txt", "c.txt"]


def test_a_batch_without_duplicates_is_moved_from_staging_into_its_tables(corpus, tmp_path) -> None:
    wh = tmp_path / "wh"
    index = recover(wh)
    summary = process_batch(list(walk_root(corpus)), {}, str(wh / STAGING / "r1"), "r1")
    staged_bytes = {t: Path(p).read_bytes() for t, p in summary.staged.items()}
    commit_batch(wh, index, summary.staged, "part-r1-000000.parquet")
    assert not any(Path(p).exists() for p in summary.staged.values())
    assert {t: (wh / t / "part-r1-000000.parquet").read_bytes() for t in staged_bytes} == staged_bytes
    assert len(rows(wh, "documents")) == 3 and index.known(PIPELINE_VERSION).keys() == {
        "en_buses.txt", "zh/library.txt", "zh/tram.txt", "empty.txt"}


def test_duplicates_and_their_child_rows_are_filtered_out_of_the_moved_batch(tmp_path) -> None:
    root, wh = tmp_path / "in", tmp_path / "wh"
    root.mkdir()
    for name in ("a.txt", "b.txt"):
        (root / name).write_text("Same story\n\nSame words in every copy.\n")
    ingest(root, wh, "r1", max_files=10)
    (kept,) = rows(wh, "documents")
    assert {p["doc_id"] for p in rows(wh, "paragraphs")} == {kept["doc_id"]}
    assert [r["source_path"] for r in rows(wh, "rejects")] == ["b.txt"]
    (root / "c.txt").write_text("Same story\n\nSame words in every copy.\n")
    ingest(root, wh, "r2", max_files=10)  # a batch of one duplicate: its documents file is dropped
    assert rows(wh, "documents") == [kept]
    assert {p["doc_id"] for p in rows(wh, "paragraphs")} == {kept["doc_id"]}
    assert sorted(r["source_path"] for r in rows(wh, "rejects")) == ["b.txt", "c.txt"]
    assert not list((wh / STAGING).rglob("*.parquet"))
    assert [p.name for p in part_files(wh, "documents")] == ["part-r1-000000.parquet"]


@pytest.mark.parametrize("killed_at", ["paragraphs", "documents", "rejects"])
def test_a_run_killed_mid_commit_is_tidied_by_the_next(corpus, tmp_path, monkeypatch, killed_at) -> None:
    wh, expected = tmp_path / "wh", tmp_path / "expected"
    ingest(corpus, expected, "r1", max_files=10)
    move = warehouse.storage.move

    def killed_before(table):
        def move_or_die(src, dest):
            if dest.parent.name == table:
                raise KeyboardInterrupt
            return move(src, dest)
        return move_or_die

    monkeypatch.setattr(warehouse.storage, "move", killed_before(killed_at))
    with pytest.raises(KeyboardInterrupt):
        ingest(corpus, wh, "r1", max_files=10)
    monkeypatch.undo()
    ingest(corpus, wh, "r2", max_files=10)
    for table in ("documents", "paragraphs", "removed", "rejects"):
        assert run_free_rows(wh, table) == run_free_rows(expected, table)
    assert not (wh / STAGING / "r1").exists()


def test_recover_tidies_what_a_killed_run_leaves(corpus, tmp_path) -> None:
    wh = tmp_path / "wh"
    ingest(corpus, wh, "r1")
    doc_part = next(p for p in part_files(wh, "documents") if p.name.startswith("part-r1"))
    shutil.copy(doc_part, doc_part.with_name("part-r0-000000.parquet"))
    orphan = to_table([{"doc_id": "0" * 24, "ordinal": 0, "kind": "body", "text": "orphan", "language": "en",
                        "char_start": 0, "char_end": 6}], "paragraphs")
    write_atomic(orphan, wh / "paragraphs" / "part-killed-000000.parquet")
    (wh / "documents" / ".part-dead.tmp").write_bytes(b"half")
    (wh / STAGING / "killed").mkdir(parents=True)
    recover(wh)
    paths = [d["source_path"] for d in rows(wh, "documents")]
    assert sorted(paths) == sorted(set(paths)) and len(paths) == 3
    assert "orphan" not in {p["text"] for p in rows(wh, "paragraphs")}
    assert not (wh / "documents" / ".part-dead.tmp").exists() and not (wh / STAGING).exists()


def test_second_writer_is_refused_while_the_lock_is_held(tmp_path) -> None:
    with WarehouseLock(tmp_path):
        with pytest.raises(WarehouseError, match="another rinse run holds"):
            with WarehouseLock(tmp_path):
                pass
    with WarehouseLock(tmp_path):
        pass


def test_compact_merges_files_and_keeps_rows(corpus, tmp_path) -> None:
    wh = tmp_path / "wh"
    ingest(corpus, wh, "r1", max_files=1)
    before = sorted(rows(wh, "paragraphs"), key=lambda r: (r["doc_id"], r["ordinal"]))
    assert len(part_files(wh, "paragraphs")) == 3
    assert compact(wh, "paragraphs") == 2
    assert len(part_files(wh, "paragraphs")) == 1
    assert sorted(rows(wh, "paragraphs"), key=lambda r: (r["doc_id"], r["ordinal"])) == before
    ingest(corpus, wh, "r2")
    assert sorted(rows(wh, "paragraphs"), key=lambda r: (r["doc_id"], r["ordinal"])) == before


@pytest.mark.parametrize("merged_written", [True, False])
def test_recover_finishes_or_undoes_a_killed_compaction(corpus, tmp_path, monkeypatch, merged_written):
    wh = tmp_path / "wh"
    ingest(corpus, wh, "r1", max_files=1)
    before = sorted(rows(wh, "paragraphs"), key=lambda r: (r["doc_id"], r["ordinal"]))

    def killed(journal):
        raise KeyboardInterrupt

    monkeypatch.setattr(warehouse, "_finish_compaction", killed)
    if not merged_written:
        monkeypatch.setattr(warehouse, "write_atomic", lambda data, dest: killed(dest))
    with pytest.raises(KeyboardInterrupt):
        compact(wh, "paragraphs")
    monkeypatch.undo()
    recover(wh)
    assert len(part_files(wh, "paragraphs")) == (1 if merged_written else 3)
    assert sorted(rows(wh, "paragraphs"), key=lambda r: (r["doc_id"], r["ordinal"])) == before
    assert not (wh / "paragraphs" / ".compact.json").exists()


def test_doc_id_depends_on_path_and_content() -> None:
    ids = {doc_id_for(p, s) for p in ("a.txt", "b.txt") for s in ("1" * 64, "2" * 64)}
    assert len(ids) == 4 and all(len(i) == 24 for i in ids)
