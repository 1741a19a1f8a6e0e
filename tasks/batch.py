"""Clean one batch of files into staged Parquet files (pure Python, no Prefect).

``process_batch`` is a top-level function over plain arguments so a
``ProcessPoolExecutor`` can run it in another process.  One bad file never takes the
batch down: a ``RejectError`` becomes a ``rejects`` row with its reason, any other
exception a row with reason ``error`` and the one-line exception.

Repeated lines: each document is cleaned with what earlier runs learnt about its sources
(``prior``: its folder, and its site for an HTML page); the batch then counts its own lines
per source, and a document in which the batch itself revealed a repeated line is cleaned
again.  The batch's counts go back in the summary for the flow to merge into the
``line_stats`` state table.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import BinaryIO

import pyarrow as pa

from rinse import PIPELINE_VERSION
from rinse.config import is_uri
from tasks.clean import CleanConfig, clean_document
from tasks.discover import FileRef
from tasks.line_stats import LineStats, Repeated, document_sources, source_of
from tasks.model import CleanDocument, RejectError, Removed
from tasks.storage import as_location
from tasks.warehouse import SCHEMAS, doc_id_for, write_atomic

READ_CHUNK = 1 << 20


@dataclass
class BatchSummary:
    """What a batch did: counts and the staged file of each table (paths, not payloads)."""

    batch_no: int
    n_files: int = 0
    n_unchanged: int = 0
    n_documents: int = 0
    n_rejected: int = 0
    bytes_in: int = 0
    rejected_by_reason: Counter = field(default_factory=Counter)
    removed_by_category: Counter = field(default_factory=Counter)
    staged: dict[str, str] = field(default_factory=dict)
    line_counts: LineStats = field(default_factory=LineStats)


def one_line(exc: BaseException) -> str:
    """``TypeName: first line of the message``.

    >>> one_line(ValueError('bad value\\nmore'))
    'ValueError: bad value'
    """
    message = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {message[0]}" if message else type(exc).__name__


Columns = dict[str, list]
STAGING_CHUNK_ROWS = 1024  # rows of a staged table built at once (see ``arrow_table``)


def empty_columns(table: str) -> Columns:
    """One empty list per column of ``table``: rows are staged by columns, which Arrow takes
    faster than a list of row dicts."""
    return {name: [] for name in SCHEMAS[table].names}


def empty_tables() -> dict[str, Columns]:
    """The tables a batch stages, with no rows yet."""
    return {table: empty_columns(table) for table in ("documents", "paragraphs", "removed", "rejects")}


def add_row(columns: Columns, row: Mapping[str, object]) -> None:
    """Append one row (a dict with every column) to ``columns``."""
    for name, column in columns.items():
        column.append(row[name])


def add_paragraphs(columns: Columns, doc_id: str, doc: CleanDocument) -> None:
    """Append ``doc``'s ``paragraphs`` rows, with offsets into ``doc.text`` (paragraphs joined by a
    blank line)."""
    paragraphs = doc.paragraphs
    starts, offset = [], 0
    for para in paragraphs:
        starts.append(offset)
        offset += len(para.text) + 2
    columns["doc_id"] += [doc_id] * len(paragraphs)
    columns["ordinal"] += range(len(paragraphs))
    columns["kind"] += [para.kind for para in paragraphs]
    columns["text"] += [para.text for para in paragraphs]
    columns["language"] += [para.language for para in paragraphs]
    columns["char_start"] += starts
    columns["char_end"] += [start + len(para.text) for start, para in zip(starts, paragraphs, strict=True)]


def add_removed(columns: Columns, doc_id: str, removed: list[Removed]) -> None:
    """Append the ``removed`` rows of one document (its other columns are ``Removed``'s fields)."""
    for name, column in columns.items():
        column += [doc_id] * len(removed) if name == "doc_id" else [getattr(row, name) for row in removed]


def document_row(ref: FileRef, sha: str, doc_id: str, doc: CleanDocument, run_id: str,
                 now: dt.datetime) -> dict:
    text = doc.text
    meta = doc.metadata
    return {
        "doc_id": doc_id, "source_path": ref.rel_path, "content_sha256": sha,
        "encoding": doc.encoding, "format": doc.format, "language": doc.language, "script": doc.script,
        "title": meta.title, "published_date": meta.published_date, "text": text,
        "n_paragraphs": len(doc.paragraphs), "n_chars": len(text), "repairs": list(doc.repairs),
        "run_id": run_id, "pipeline_version": PIPELINE_VERSION, "processed_at": now,
        "byline": meta.byline, "source": meta.source, "n_bytes": ref.size,
    }


def reject_row(ref: FileRef, sha: str | None, reason: str, detail: str, run_id: str,
               now: dt.datetime) -> dict:
    return {"source_path": ref.rel_path, "content_sha256": sha, "reason": reason, "detail": detail,
            "run_id": run_id, "pipeline_version": PIPELINE_VERSION, "processed_at": now,
            "duplicate_of": None}


def open_input(path: str) -> BinaryIO:
    """An input file opened for reading: a local path with ``open`` (no ``pathlib`` or fsspec on
    the hot path), a URI (``s3://``, ``file://``) through its location.  An absolute POSIX path
    is never a URI (a scheme starts with a letter), so it is opened without parsing it as one."""
    if path.startswith("/") or not is_uri(path):
        return open(path, "rb")
    return as_location(path).open("rb")


def read_head(file: BinaryIO, limit: int) -> bytes:
    """The first ``limit`` bytes of ``file`` (all of it when shorter), as ``file.read(limit)``.

    ``read(limit)`` allocates ``limit`` bytes before reading: 64 MB for every small file.  A file
    with a descriptor is first asked for one byte more than its length says; only when it gives
    them all (it grew meanwhile) is it read on up to ``limit``.
    """
    try:
        size = os.fstat(file.fileno()).st_size
    except (AttributeError, OSError):  # no descriptor (object storage): read() allocates what it gets
        return file.read(limit)
    first = min(size + 1, limit)
    data = file.read(first)
    if len(data) == first < limit:
        data += file.read(limit - first)
    return data


def read_file(ref: FileRef, max_bytes: int) -> tuple[bytes | None, str | None, tuple[str, str] | None]:
    """(bytes, sha256, None) for a file to clean, else (None, sha256 or None, (reason, detail)).

    A file over ``max_bytes`` is hashed in chunks, never held whole in memory (``too_large``);
    one that cannot be read, or a symlink not followed, is an ``error``.
    """
    if ref.refused:
        return None, None, ("error", ref.refused)
    try:
        with open_input(ref.path) as file:
            data = read_head(file, max_bytes + 1)
            digest = hashlib.sha256(data)
            if len(data) <= max_bytes:
                return data, digest.hexdigest(), None
            size = len(data)
            while chunk := file.read(READ_CHUNK):
                digest.update(chunk)
                size += len(chunk)
    except OSError as exc:
        return None, None, ("error", f"cannot read: {one_line(exc)}")
    return None, digest.hexdigest(), ("too_large", f"{size} bytes is over the {max_bytes} byte limit")


def clean_or_reject(ref: FileRef, data: bytes, sha: str, config: CleanConfig, prior: LineStats,
                    sites: Mapping[str, Repeated], run_id: str, now: dt.datetime) -> CleanDocument | dict:
    """The cleaned document, or the ``rejects`` row of a file that did not become one;
    ``sites`` is ``prior.sites_repeated()``, worked out once per batch."""
    try:
        return clean_document(data, ref.rel_path, config, repeated=prior.repeated(source_of(ref.rel_path)),
                              site_repeated=sites)
    except RejectError as exc:
        return reject_row(ref, sha, exc.reason, exc.detail, run_id, now)
    except Exception as exc:  # one bad file must not take the batch down
        return reject_row(ref, sha, "error", one_line(exc), run_id, now)


def changed_lines(before: Repeated, now: Repeated) -> set[int]:
    """The line hashes whose evidence differs between ``before`` and ``now`` (a document holding none
    of them is cleaned the same with either).

    >>> sorted(changed_lines({1: (3, 5), 2: (3, 5)}, {1: (3, 5), 2: (4, 6), 3: (3, 6)}))
    [2, 3]
    """
    return {key for key in before.keys() | now.keys() if before.get(key) != now.get(key)}


Cleaner = Callable[[FileRef, bytes, str, LineStats, Mapping[str, Repeated]], CleanDocument | dict]


def learn_repeated(cleaned: list[tuple[FileRef, str, bytes, CleanDocument]], prior: LineStats, clean: Cleaner
                   ) -> tuple[list[tuple[FileRef, str, CleanDocument | dict]], LineStats]:
    """Count the batch's lines per source (folder and site), and clean again each document whose
    repeated lines change once the batch's own counts are added to ``prior``; returns the
    documents and the counts."""
    counts = LineStats()
    for ref, _, _, doc in cleaned:
        for source in document_sources(ref.rel_path, doc.metadata.site):
            counts.add_document(source, doc.line_keys)
    learnt = LineStats()
    learnt.merge(prior)
    learnt.merge(counts)
    learnt_sites = learnt.sites_repeated()
    changed: dict[tuple[str, str | None], set[int]] = {}  # per folder and site: their documents share it
    out = []
    for ref, sha, data, doc in cleaned:
        source = source_of(ref.rel_path), doc.metadata.site
        if source not in changed:
            changed[source] = changed_lines(prior.repeated_for(ref.rel_path, doc.metadata.site),
                                            learnt.repeated_for(ref.rel_path, doc.metadata.site))
        if not changed[source].isdisjoint(doc.line_keys):
            out.append((ref, sha, clean(ref, data, sha, learnt, learnt_sites)))
        else:
            out.append((ref, sha, doc))
    return out, counts


def process_batch(refs: list[FileRef], known: dict[str, str | None], staging_dir: str, run_id: str,
                  batch_no: int = 0, config: CleanConfig | None = None,
                  prior: LineStats | None = None) -> BatchSummary:
    """Clean ``refs`` and stage their rows as ``staging_dir/<table>-<batch_no>.parquet``.

    ``known`` maps source_path -> sha256 of rows already current in the warehouse;
    such files are counted as unchanged and not cleaned again.  ``prior`` holds the
    line counts of the batch's sources from earlier runs.
    """
    now = dt.datetime.now(dt.timezone.utc)
    config = config or CleanConfig()
    prior = prior or LineStats()
    summary = BatchSummary(batch_no=batch_no, n_files=len(refs))
    tables = empty_tables()

    def clean(ref: FileRef, data: bytes, sha: str, stats: LineStats, sites: Mapping[str, Repeated]
              ) -> CleanDocument | dict:
        return clean_or_reject(ref, data, sha, config, stats, sites, run_id, now)

    prior_sites = prior.sites_repeated()

    cleaned = []
    for ref in refs:
        data, sha, unread = read_file(ref, config.max_bytes)
        if ref.rel_path in known and known[ref.rel_path] == sha:
            summary.n_unchanged += 1
            continue
        if unread:
            add_row(tables["rejects"], reject_row(ref, sha, *unread, run_id, now))
            continue
        summary.bytes_in += len(data)
        doc = clean(ref, data, sha, prior, prior_sites)
        if isinstance(doc, dict):
            add_row(tables["rejects"], doc)
        else:
            cleaned.append((ref, sha, data, doc))
    results, summary.line_counts = learn_repeated(cleaned, prior, clean)
    cleaned.clear()  # the files' bytes: not needed any more
    results.reverse()
    while results:  # each document goes once it is rows (a batch's peak memory is at staging)
        ref, sha, doc = results.pop()
        if isinstance(doc, dict):
            add_row(tables["rejects"], doc)
            continue
        doc_id = doc_id_for(ref.rel_path, sha)
        add_row(tables["documents"], document_row(ref, sha, doc_id, doc, run_id, now))
        add_paragraphs(tables["paragraphs"], doc_id, doc)
        add_removed(tables["removed"], doc_id, doc.removed)
    return staged_summary(summary, tables, staging_dir)


def staged_summary(summary: BatchSummary, tables: dict[str, Columns], staging_dir: str) -> BatchSummary:
    """Count the rows of ``tables`` (``empty_tables()`` filled in) into ``summary`` and stage each
    table that has rows as ``<table>-<batch_no>.parquet``; ``tables`` is emptied on the way."""
    summary.n_documents = len(tables["documents"]["doc_id"])
    summary.n_rejected = len(tables["rejects"]["reason"])
    summary.rejected_by_reason.update(tables["rejects"]["reason"])
    summary.removed_by_category.update(tables["removed"]["category"])
    for table in list(tables):
        columns = tables.pop(table)  # each table's rows go once staged: a batch's peak memory is staging
        if any(columns.values()):
            dest = as_location(staging_dir) / f"{table}-{summary.batch_no:06d}.parquet"
            summary.staged[table] = str(write_atomic(arrow_table(columns, SCHEMAS[table]), dest))
    return summary


def arrow_table(columns: Columns, schema: pa.Schema) -> pa.Table:
    """``columns`` as an Arrow table of ``schema``, built ``STAGING_CHUNK_ROWS`` rows at a time.

    Built whole, a column of a batch's texts grows by doubling and holds up to three times its
    size at once.  Text is passed as UTF-8 bytes encoded here: Arrow converting a ``str`` leaves a
    UTF-8 copy inside it (CPython's cache) for as long as the ``str`` lives.
    """
    def values(field: pa.Field, start: int) -> list:
        chunk = columns[field.name][start:start + STAGING_CHUNK_ROWS]
        return [None if s is None else s.encode() for s in chunk] if field.type == pa.string() else chunk

    def chunk(start: int) -> pa.RecordBatch:
        arrays = [pa.array(values(field, start), field.type) for field in schema]
        return pa.record_batch(arrays, schema=schema)

    n_rows = len(columns[schema.names[0]])
    chunks = [chunk(start) for start in range(0, n_rows, STAGING_CHUNK_ROWS)]
    return pa.Table.from_batches(chunks, schema=schema)


def failed_batch(refs: list[FileRef], known: dict[str, str | None], staging_dir: str, run_id: str,
                 batch_no: int, reason: str) -> BatchSummary:
    """What is committed for a batch whose cleaning failed for good (crash, timeout, retries spent).

    Each file the warehouse does not hold yet becomes a ``rejects`` row (``error``, with
    ``reason``), so the next run cleans it again; a file with a current row keeps it
    (counted as unchanged) rather than losing a good document to a failure.
    """
    now = dt.datetime.now(dt.timezone.utc)
    tables = empty_tables()
    for ref in refs:
        if ref.rel_path not in known:
            add_row(tables["rejects"], reject_row(ref, None, "error", reason, run_id, now))
    n_unchanged = len(refs) - len(tables["rejects"]["source_path"])
    summary = BatchSummary(batch_no=batch_no, n_files=len(refs), n_unchanged=n_unchanged)
    return staged_summary(summary, tables, staging_dir)
