"""The Parquet warehouse: table schemas, atomic writes, the run index, batch commits, recovery.

Layout: ``WAREHOUSE/<table>/part-*.parquet`` for the tables ``documents``,
``paragraphs``, ``removed``, ``rejects`` and ``runs``.  ``WAREHOUSE`` is a local folder
or an object-storage prefix (``s3://bucket/prefix``).  Every file appears whole under
its final name (``tasks.storage.write_atomic``: ``os.replace`` of a hidden
``.part-*.tmp`` file, or one upload of the whole object), so readers (which glob
``**/*.parquet``; pyarrow also ignores names starting with ``.``) never see half a file.
Staged batch output lives in the hidden ``WAREHOUSE/.staging/`` until a commit moves it
into its table.

One writer at a time (``WarehouseLock``); batches are committed in batch order by the
flow's process, so the tables are the same whatever order the workers finish in.
"""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import hashlib
import json
import logging
import os
import socket
import time
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from tasks import storage
from tasks.report import Figures, commit_figures
from tasks.storage import TMP_PREFIX, is_remote

log = logging.getLogger(__name__)

TIMESTAMP = pa.timestamp("us", tz="UTC")
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
COMPRESSION = "zstd"
STAGING = ".staging"
LOCK_FILE = ".lock"
LOCK_POLL_SECONDS = 2.0
EMPTY_PART = "part-empty.parquet"
COMPACT_JOURNAL = ".compact.json"

SCHEMAS: dict[str, pa.Schema] = {
    "documents": pa.schema([
        ("doc_id", pa.string()),
        ("source_path", pa.string()),
        ("content_sha256", pa.string()),
        ("encoding", pa.string()),
        ("format", pa.string()),
        ("language", pa.string()),
        ("script", pa.string()),
        ("title", pa.string()),
        ("published_date", pa.date32()),
        ("text", pa.string()),
        ("n_paragraphs", pa.int32()),
        ("n_chars", pa.int32()),
        ("repairs", pa.list_(pa.string())),
        ("run_id", pa.string()),
        ("pipeline_version", pa.string()),
        ("processed_at", TIMESTAMP),
        ("byline", pa.string()),
        ("source", pa.string()),
        ("n_bytes", pa.int64()),
    ]),
    "paragraphs": pa.schema([
        ("doc_id", pa.string()),
        ("ordinal", pa.int32()),
        ("kind", pa.string()),
        ("text", pa.string()),
        ("language", pa.string()),
        ("char_start", pa.int32()),
        ("char_end", pa.int32()),
    ]),
    "removed": pa.schema([
        ("doc_id", pa.string()),
        ("line_no", pa.int32()),
        ("text", pa.string()),
        ("category", pa.string()),
        ("rule", pa.string()),
    ]),
    "rejects": pa.schema([
        ("source_path", pa.string()),
        ("content_sha256", pa.string()),
        ("reason", pa.string()),
        ("detail", pa.string()),
        ("run_id", pa.string()),
        ("pipeline_version", pa.string()),
        ("processed_at", TIMESTAMP),
        ("duplicate_of", pa.string()),
    ]),
    "runs": pa.schema([
        ("run_id", pa.string()),
        ("flow_run_id", pa.string()),
        ("started_at", TIMESTAMP),
        ("finished_at", TIMESTAMP),
        ("n_files_seen", pa.int64()),
        ("n_documents_written", pa.int64()),
        ("n_unchanged", pa.int64()),
        ("n_rejected", pa.int64()),
        ("bytes_in", pa.int64()),
        ("pipeline_version", pa.string()),
        ("config", pa.string()),
        ("rates", pa.string()),
    ]),
}
TABLES = tuple(SCHEMAS)
CHILD_TABLES = ("paragraphs", "removed")
# Tables with one current row per source_path (a path is either a document or a reject).
PATH_TABLES = ("documents", "rejects")
# What a commit reads of each staged table: the index's keys, what a ``duplicate`` reject
# copies from its document, and what ``tasks.report.commit_figures`` counts.
COMMIT_COLUMNS: dict[str, list[str]] = {
    "documents": ["doc_id", "source_path", "content_sha256", "pipeline_version", "run_id", "processed_at",
                  "language", "encoding", "repairs"],
    "paragraphs": ["doc_id", "char_start", "char_end"],
    "removed": ["doc_id", "category", "text"],
    "rejects": ["source_path", "content_sha256", "reason", "pipeline_version", "duplicate_of"],
}


class WarehouseError(Exception):
    """The warehouse cannot be used (not writable, locked by another run...)."""


def doc_id_for(source_path: str, content_sha256: str) -> str:
    """Stable id of one version of one document: 24 hex digits.

    >>> doc_id_for('a/b.txt', '00' * 32)
    'a4a7af8dbb12cc164b42b16a'
    """
    return hashlib.sha256(f"{source_path}\0{content_sha256}".encode()).hexdigest()[:24]


# --- files ---------------------------------------------------------------------------------------

def table_dir(warehouse: Path, table: str) -> Path:
    return warehouse / table


def part_files(warehouse: Path, table: str) -> list[Path]:
    """The visible Parquet files of a table, sorted (a reader's view)."""
    folder = table_dir(warehouse, table)
    return sorted(p for p in folder.rglob("*.parquet") if not p.name.startswith((".", "_")))


def write_atomic(table: pa.Table, dest: Path) -> Path:
    """Write ``table`` to ``dest`` as one Parquet file that appears whole."""
    return storage.write_atomic(dest, lambda out: pq.write_table(table, out, compression=COMPRESSION))


def to_table(rows: list[dict], table: str) -> pa.Table:
    """Rows (dicts) as an Arrow table with the table's exact schema."""
    return pa.Table.from_pylist(rows, schema=SCHEMAS[table])


def read_part(path: Path, table: str, columns: list[str] | None = None) -> pa.Table:
    """One Parquet file, cast to the current schema (missing extra columns become nulls)."""
    got = pq.read_table(**storage.arrow_source(path), columns=columns)
    schema = SCHEMAS[table]
    if columns is not None:
        schema = pa.schema([schema.field(c) for c in columns])
    for f in schema:
        if f.name not in got.column_names:
            got = got.append_column(f, pa.nulls(len(got), f.type))
    return got.select(schema.names).cast(schema)


def ensure_tables(warehouse: Path) -> None:
    """Keep one schema-only file in each table folder that has no other, so readers find a schema."""
    for table in TABLES:
        placeholder = table_dir(warehouse, table) / EMPTY_PART
        others = [p for p in part_files(warehouse, table) if p != placeholder]
        if others:
            placeholder.unlink(missing_ok=True)
        elif not placeholder.exists():
            write_atomic(to_table([], table), placeholder)


def drop_rows(path: Path, table: str, column: str, values: Iterable[str]) -> int:
    """Rewrite one file without the rows whose ``column`` is in ``values``; returns rows dropped."""
    values = pa.array(sorted(set(values)), pa.string())
    data = read_part(path, table)
    keep = data.filter(pc.invert(pc.is_in(data[column], value_set=values)))
    dropped = len(data) - len(keep)
    if not dropped:
        return 0
    if len(keep):
        write_atomic(keep, path)
    else:
        path.unlink()
    return dropped


# --- lock ----------------------------------------------------------------------------------------

class WarehouseLock:
    """One writer at a time on ``WAREHOUSE/.lock``; ``wait=False`` fails at once when held.

    Locally an exclusive ``flock``, released by the system if the process dies.  Object
    storage has no ``flock``: the lock is an object created only if absent (conditional
    PUT, ``If-None-Match: *``) naming its holder, and deleted on release.  A run killed
    while holding it leaves it behind; the error names the holder and since when, and
    deleting the object (once no run is active) frees the warehouse.
    """

    def __init__(self, warehouse: Path, wait: bool = False) -> None:
        self.path = warehouse / LOCK_FILE
        self.wait = wait
        self._fd: int | None = None
        self._holds_object = False

    def __enter__(self) -> WarehouseLock:
        if is_remote(self.path):
            self._create_lock_object()
            return self
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise WarehouseError(f"warehouse {self.path.parent} is not writable: {exc.strerror}") from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if self.wait else fcntl.LOCK_NB))
        except OSError as exc:
            os.close(fd)
            if exc.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise WarehouseError(f"another rinse run holds {self.path.parent}") from exc
            raise
        self._fd = fd
        return self

    def _create_lock_object(self) -> None:
        holder = json.dumps({"host": socket.gethostname(), "pid": os.getpid(),
                             "since": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")})
        while True:
            try:
                storage.create_exclusive(holder.encode(), self.path)
                self._holds_object = True
                return
            except FileExistsError:
                if not self.wait:
                    raise WarehouseError(f"another rinse run holds {self.path.parent} ({self._holder()}; "
                                         f"if no run is active, delete {self.path})") from None
            except OSError as exc:
                raise WarehouseError(f"warehouse {self.path.parent} is not writable: {exc}") from exc
            time.sleep(LOCK_POLL_SECONDS)

    def _holder(self) -> str:
        try:
            holder = json.loads(self.path.read_text())
            return f"held by pid {holder['pid']} on {holder['host']} since {holder['since']}"
        except (OSError, ValueError, KeyError):
            return "holder unknown"

    def __exit__(self, *exc_info: object) -> None:
        if self._holds_object:
            self.path.unlink(missing_ok=True)
            self._holds_object = False
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def check_writable(warehouse: Path) -> None:
    """Raise ``WarehouseError`` unless files can be created in ``warehouse``."""
    try:
        storage.make_dirs(warehouse)
        probe = warehouse / f"{TMP_PREFIX}{uuid.uuid4().hex}.tmp"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise WarehouseError(f"warehouse {warehouse} is not writable: {exc.strerror or exc}") from exc


# --- index ---------------------------------------------------------------------------------------

@dataclass
class Entry:
    """Where the current row of one ``source_path`` lives."""

    table: str  # "documents" or "rejects"
    file: Path
    sha: str | None
    pipeline_version: str | None
    doc_id: str | None = None
    reason: str | None = None
    duplicate_of: str | None = None


@dataclass
class WarehouseIndex:
    """What the warehouse holds, loaded once per run and kept current by ``commit_batch``."""

    paths: dict[str, Entry] = field(default_factory=dict)
    doc_by_sha: dict[str, str] = field(default_factory=dict)
    path_by_doc: dict[str, str] = field(default_factory=dict)
    child_files: dict[str, dict[str, set[Path]]] = field(
        default_factory=lambda: {t: defaultdict(set) for t in CHILD_TABLES})

    def add(self, path: str, entry: Entry) -> None:
        self.paths[path] = entry
        if entry.table == "documents":
            self.path_by_doc[entry.doc_id] = path
            if entry.sha is not None:
                self.doc_by_sha.setdefault(entry.sha, entry.doc_id)

    def release_sha(self, path: str) -> None:
        """Stop counting the content of ``path``'s current document as the kept copy."""
        entry = self.paths.get(path)
        if entry and entry.table == "documents" and self.doc_by_sha.get(entry.sha) == entry.doc_id:
            del self.doc_by_sha[entry.sha]

    def forget(self, path: str) -> Entry | None:
        self.release_sha(path)
        entry = self.paths.pop(path, None)
        if entry is not None and entry.table == "documents":
            self.path_by_doc.pop(entry.doc_id, None)
        return entry

    def is_duplicate(self, path: str) -> bool:
        entry = self.paths.get(path)
        return entry is not None and entry.reason == "duplicate"

    def orphaned_duplicate(self, path: str) -> bool:
        """A ``duplicate`` reject whose kept document is gone (it was replaced)."""
        return self.is_duplicate(path) and self.paths[path].duplicate_of not in self.path_by_doc

    def known(self, pipeline_version: str) -> dict[str, str | None]:
        """source_path -> sha of the rows that need no new work under ``pipeline_version``.

        An orphaned duplicate is left out, so it is cleaned again.
        """
        return {
            path: e.sha for path, e in self.paths.items()
            if e.pipeline_version == pipeline_version and not self.orphaned_duplicate(path)
        }


ENTRY_COLUMNS = ("source_path", "content_sha256", "pipeline_version", "doc_id", "reason", "duplicate_of")


def entries(table: str, file: Path, keys: pa.Table) -> Iterator[tuple[str, Entry]]:
    """``(source_path, Entry)`` of each row of ``keys``, a ``documents`` or ``rejects`` table
    (of ``ENTRY_COLUMNS``, those it has) that lives in ``file``."""
    columns = [keys[name].to_pylist() if name in keys.column_names else [None] * len(keys)
               for name in ENTRY_COLUMNS]
    for path, *fields in zip(*columns, strict=True):
        yield path, Entry(table, file, *fields)


def _path_rows(warehouse: Path, table: str) -> Iterator[tuple[str, Entry, dt.datetime | None]]:
    """``(source_path, Entry, processed_at)`` of each row of a table with one row per path."""
    cols = [c for c in (*ENTRY_COLUMNS, "processed_at") if c in SCHEMAS[table].names]
    for part in part_files(warehouse, table):
        keys = read_part(part, table, cols)
        for (path, entry), processed_at in zip(entries(table, part, keys), keys["processed_at"].to_pylist(),
                                               strict=True):
            yield path, entry, processed_at


def load_index(warehouse: Path) -> tuple[WarehouseIndex, dict[str, dict[Path, set[str]]]]:
    """Read the key columns of the warehouse; also return the stale rows to delete.

    Stale rows (``{table: {file: keys}}``) are what a killed run can leave behind: a
    second row for a ``source_path`` (the newest ``processed_at`` wins) and child rows
    whose document is missing.
    """
    index = WarehouseIndex()
    newest: dict[str, tuple] = {}  # source_path -> (processed_at, is_document) of the row kept
    stale: dict[str, dict[Path, set[str]]] = {t: defaultdict(set) for t in TABLES}
    for table in PATH_TABLES:
        for path, entry, processed_at in _path_rows(warehouse, table):
            rank = (processed_at or EPOCH, table == "documents")
            if path in newest:
                if rank <= newest[path]:
                    stale[table][entry.file].add(path)
                    continue
                old = index.forget(path)
                stale[old.table][old.file].add(path)
            newest[path] = rank
            index.add(path, entry)
    for table in CHILD_TABLES:
        for part in part_files(warehouse, table):
            for doc_id in pc.unique(read_part(part, table, ["doc_id"])["doc_id"]).to_pylist():
                if doc_id in index.path_by_doc:
                    index.child_files[table][doc_id].add(part)
                else:
                    stale[table][part].add(doc_id)
    return index, stale


def recover(warehouse: Path) -> WarehouseIndex:
    """Clean up after a killed run, then return the index of what the warehouse holds.

    Removes staging and temp files, finishes or undoes a killed compaction, and removes a
    second row per ``source_path`` and child rows whose document is missing.
    """
    storage.remove_tree(warehouse / STAGING)
    for tmp in warehouse.rglob(f"{TMP_PREFIX}*.tmp"):
        tmp.unlink(missing_ok=True)
    for journal in warehouse.glob(f"*/{COMPACT_JOURNAL}"):
        _finish_compaction(journal)
    index, stale = load_index(warehouse)
    for table, files in stale.items():
        column = "doc_id" if table in CHILD_TABLES else "source_path"
        for part, keys in files.items():
            n = drop_rows(part, table, column, keys)
            log.warning("recovery: removed %d leftover %s rows from %s", n, table, part.name)
    ensure_tables(warehouse)
    return index


# --- commit --------------------------------------------------------------------------------------

def duplicate_reject(row: dict, kept_doc_id: str, kept_path: str) -> dict:
    """The ``rejects`` row for a document whose raw bytes equal an already kept document."""
    return {
        "source_path": row["source_path"],
        "content_sha256": row["content_sha256"],
        "reason": "duplicate",
        "detail": f"same bytes as {kept_path} (doc_id {kept_doc_id})",
        "run_id": row["run_id"],
        "pipeline_version": row["pipeline_version"],
        "processed_at": row["processed_at"],
        "duplicate_of": kept_doc_id,
    }


def split_duplicates(docs: pa.Table, index: WarehouseIndex) -> tuple[pa.Array, list[dict]]:
    """The ``doc_id`` of each exact duplicate of a kept document in ``docs``, and their
    ``rejects`` rows; the other documents are counted as kept in ``index``."""
    dup_ids, dup_rows = [], []
    keys = docs.select(["doc_id", "source_path", "content_sha256"]).to_pylist()
    for i, key in enumerate(keys):
        kept = index.doc_by_sha.get(key["content_sha256"])
        kept_path = index.path_by_doc.get(kept) if kept else None
        if kept_path is not None and kept_path != key["source_path"]:
            dup_ids.append(key["doc_id"])
            dup_rows.append(duplicate_reject(docs.slice(i, 1).to_pylist()[0], kept, kept_path))
        else:
            index.doc_by_sha[key["content_sha256"]] = key["doc_id"]
            index.path_by_doc[key["doc_id"]] = key["source_path"]
    return pa.array(dup_ids, pa.string()), dup_rows


def remove_paths(warehouse: Path, index: WarehouseIndex, paths: Iterable[str]) -> None:
    """Delete the current rows of ``paths`` (and their documents' child rows); children first."""
    entries = {p: index.paths[p] for p in paths if p in index.paths}
    by_file: dict[str, dict[Path, set[str]]] = {t: defaultdict(set) for t in TABLES}
    for path, entry in entries.items():
        by_file[entry.table][entry.file].add(path)
        if entry.table == "documents":
            for table in CHILD_TABLES:
                for part in index.child_files[table].pop(entry.doc_id, ()):
                    by_file[table][part].add(entry.doc_id)
    for table in (*CHILD_TABLES, *PATH_TABLES):
        column = "doc_id" if table in CHILD_TABLES else "source_path"
        for part, keys in sorted(by_file[table].items()):
            drop_rows(part, table, column, keys)
    for path in entries:
        index.forget(path)


def without_docs(data: pa.Table, doc_ids: pa.Array) -> pa.Table:
    """The rows of a ``documents`` or child table whose ``doc_id`` is not in ``doc_ids``."""
    return data.filter(pc.invert(pc.is_in(data["doc_id"], value_set=doc_ids)))


def commit_batch(warehouse: Path, index: WarehouseIndex, staged: dict[str, str],
                 part_name: str) -> Figures:
    """Move one batch's staged tables into the warehouse.

    Exact duplicates of kept documents become ``duplicate`` rejects; rows they replace
    (same ``source_path``) are deleted first; then the new child rows, documents and
    rejects are added, in that order, so a kill at any point leaves rows that the next
    run's ``recover`` can tidy.  Only the columns in ``COMMIT_COLUMNS`` are read; a staged
    file whose rows all stay is moved into its table as it is.
    """
    files = {t: storage.as_location(p) for t, p in staged.items()}
    staged_keys = {t: read_part(f, t, COMMIT_COLUMNS[t]) for t, f in files.items()}
    keys = {t: staged_keys.get(t, to_table([], t).select(COMMIT_COLUMNS[t])) for t in COMMIT_COLUMNS}
    for path in keys["documents"]["source_path"].to_pylist() + keys["rejects"]["source_path"].to_pylist():
        index.release_sha(path)  # the version being replaced no longer counts as kept
    dup_ids, dup_rows = split_duplicates(keys["documents"], index)
    dup_rejects = to_table(dup_rows, "rejects")
    if dup_rows:
        keys = {t: without_docs(data, dup_ids) if "doc_id" in data.column_names else data
                for t, data in keys.items()}
        keys["rejects"] = pa.concat_tables([keys["rejects"], dup_rejects.select(COMMIT_COLUMNS["rejects"])])
    remove_paths(warehouse, index, keys["documents"]["source_path"].to_pylist() +
                 keys["rejects"]["source_path"].to_pylist())
    for table in (*CHILD_TABLES, *PATH_TABLES):
        staged_file = files.get(table)
        if len(keys[table]):
            dest = table_dir(warehouse, table) / part_name
            # a table only loses rows (duplicates) or only gains them (their rejects): same count, same rows
            if staged_file is not None and len(keys[table]) == len(staged_keys[table]):
                storage.move(staged_file, dest)
                staged_file = None
            else:
                write_atomic(committed_rows(staged_file, table, dup_ids, dup_rejects), dest)
            _index_rows(index, table, dest, keys[table])
        if staged_file is not None:
            staged_file.unlink()
    return commit_figures(keys)


def committed_rows(staged: Path | None, table: str, dup_ids: pa.Array, dup_rejects: pa.Table) -> pa.Table:
    """All columns of the rows a commit adds to ``table`` when they differ from the staged file's:
    without the duplicates' documents and child rows, with their ``duplicate`` rejects."""
    data = read_part(staged, table) if staged is not None else to_table([], table)
    if table == "rejects":
        return pa.concat_tables([data, dup_rejects])
    return without_docs(data, dup_ids)


def _index_rows(index: WarehouseIndex, table: str, dest: Path, keys: pa.Table) -> None:
    """Record in ``index`` that the rows of ``keys`` now live in ``dest``."""
    if table in CHILD_TABLES:
        for doc_id in pc.unique(keys["doc_id"]).to_pylist():
            index.child_files[table][doc_id].add(dest)
        return
    for path, entry in entries(table, dest, keys):
        index.add(path, entry)


def write_run(warehouse: Path, row: dict) -> Path:
    """Add the ``runs`` row of one flow run."""
    dest = table_dir(warehouse, "runs") / f"part-{row['run_id']}.parquet"
    return write_atomic(to_table([row], "runs"), dest)


def earlier_rates(warehouse: Path) -> list[dict[str, float]]:
    """The ``rates`` of the runs in ``runs``, oldest first (``{}`` for a run without rates)."""
    rows = [row for part in part_files(warehouse, "runs")
            for row in read_part(part, "runs", ["started_at", "rates"]).to_pylist()]
    rows.sort(key=lambda row: row["started_at"] or EPOCH)
    return [json.loads(row["rates"]) if row["rates"] else {} for row in rows]


def compact(warehouse: Path, table: str, max_rows: int = 1_000_000) -> int:
    """Merge a table's files into as few as possible; returns the number of files removed.

    A hidden journal names the files being replaced and their replacements, so a killed
    compaction is finished or undone by ``recover`` (never leaving rows twice).  Readers
    may briefly see rows twice while it runs.  Run it under the warehouse lock.
    """
    parts = part_files(warehouse, table)
    if len(parts) < 2:
        return 0
    merged = pa.concat_tables(read_part(p, table) for p in parts)
    folder = table_dir(warehouse, table)
    stamp = uuid.uuid4().hex[:12]
    new = [folder / f"part-c{stamp}-{n:05d}.parquet" for n in range(max(1, -(-len(merged) // max_rows)))]
    journal = folder / COMPACT_JOURNAL
    plan = json.dumps({"old": [p.name for p in parts], "new": [p.name for p in new]})
    storage.write_atomic(journal, lambda out: out.write(plan.encode()))
    for n, dest in enumerate(new):
        write_atomic(merged.slice(n * max_rows, max_rows), dest)
    _finish_compaction(journal)
    return len(parts) - len(new)


def _finish_compaction(journal: Path) -> None:
    """Complete a compaction whose merged files all exist, else undo it; then drop the journal."""
    plan = json.loads(journal.read_text())
    folder = journal.parent
    done = all((folder / name).exists() for name in plan["new"])
    for name in plan["old"] if done else plan["new"]:
        (folder / name).unlink(missing_ok=True)
    journal.unlink()
