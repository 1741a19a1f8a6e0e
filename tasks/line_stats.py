"""Learning boilerplate from the corpus: lines that repeat across documents of one source.

A source is the folder a file sits in.  For each source we keep how many documents were
cleaned and, per line hash, in how many of them the line occurs (once per document: a line
repeated inside one article is no evidence).  Lines seen in a large share of a source's
documents are passed back into cleaning as plain data (``repeated``: hash -> (seen_in,
n_docs)), where ``tasks.classify`` decides, from the line's shape, whether the evidence is
enough to drop it as ``repeated_line``.

The counts live in the warehouse state table ``line_stats`` (one Parquet file, replaced
atomically), so scheduled runs keep learning.  Memory is bounded: lines are 64-bit hashes,
only lines up to ``MAX_LINE_CHARS`` are counted, and each source keeps at most
``MAX_KEYS_PER_SOURCE`` hashes (the most frequent).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from tasks import storage
from tasks.warehouse import write_atomic

TABLE = "line_stats"
SCHEMA = pa.schema([("source", pa.string()), ("line_hash", pa.int64()), ("n_docs", pa.int64())])
# Longer lines are article prose: never counted.
MAX_LINE_CHARS = 200
MAX_KEYS_PER_SOURCE = 20_000
# Evidence worth passing to cleaning: a source of at least MIN_DOCS documents, a line seen in at
# least MIN_SEEN of them and in at least MIN_SHARE of them.
MIN_DOCS = 5
MIN_SEEN = 3
MIN_SHARE = 0.5
WHITESPACE = re.compile(r"\s+")

Repeated = Mapping[int, tuple[int, int]]


def source_of(rel_path: str) -> str:
    """The source of a file: its folder (``""`` for the input root).

    >>> source_of("harbor/2024/a.txt"), source_of("a.txt")
    ('harbor/2024', '')
    """
    return rel_path.rsplit("/", 1)[0] if "/" in rel_path else ""


def line_key(text: str) -> int:
    """A signed 64-bit hash of a line, case and whitespace folded."""
    folded = WHITESPACE.sub(" ", text).strip().casefold()
    return int.from_bytes(hashlib.blake2b(folded.encode(), digest_size=8).digest(), "big", signed=True)


def document_keys(texts: Iterable[str]) -> frozenset[int]:
    """The hashes of a document's countable lines, each once."""
    return frozenset(line_key(t) for t in texts if t.strip() and len(t) <= MAX_LINE_CHARS)


@dataclass
class SourceStats:
    n_docs: int = 0
    seen: Counter = field(default_factory=Counter)

    def repeated(self) -> dict[int, tuple[int, int]]:
        """The lines seen often enough to be candidates for ``repeated_line``."""
        if self.n_docs < MIN_DOCS:
            return {}
        return {key: (k, self.n_docs) for key, k in self.seen.items()
                if k >= MIN_SEEN and k >= MIN_SHARE * self.n_docs}


@dataclass
class LineStats:
    """Per source: documents counted and in how many of them each line hash occurs."""

    sources: dict[str, SourceStats] = field(default_factory=dict)

    def add_document(self, source: str, keys: Iterable[int]) -> None:
        stats = self.sources.setdefault(source, SourceStats())
        stats.n_docs += 1
        stats.seen.update(keys)

    def merge(self, other: LineStats) -> None:
        """Add ``other``'s counts, then keep each source within ``MAX_KEYS_PER_SOURCE`` hashes."""
        for source, theirs in other.sources.items():
            mine = self.sources.setdefault(source, SourceStats())
            mine.n_docs += theirs.n_docs
            mine.seen.update(theirs.seen)
            if len(mine.seen) > MAX_KEYS_PER_SOURCE:
                mine.seen = Counter(dict(mine.seen.most_common(MAX_KEYS_PER_SOURCE)))

    def subset(self, sources: Iterable[str]) -> LineStats:
        """A copy of the counts of ``sources`` only (what one batch needs, safe from later merges)."""
        return LineStats({s: SourceStats(self.sources[s].n_docs, Counter(self.sources[s].seen))
                          for s in set(sources) if s in self.sources})

    def repeated(self, source: str) -> dict[int, tuple[int, int]]:
        stats = self.sources.get(source)
        return stats.repeated() if stats else {}

    def to_table(self) -> pa.Table:
        """One row per (source, line hash); a row with a null hash holds the source's document count."""
        rows = []
        for source, stats in sorted(self.sources.items()):
            rows.append({"source": source, "line_hash": None, "n_docs": stats.n_docs})
            rows += [{"source": source, "line_hash": key, "n_docs": k} for key, k in stats.seen.items()]
        return pa.Table.from_pylist(rows, schema=SCHEMA)

    @classmethod
    def from_table(cls, table: pa.Table) -> LineStats:
        stats = cls()
        for row in table.to_pylist():
            source = stats.sources.setdefault(row["source"], SourceStats())
            if row["line_hash"] is None:
                source.n_docs += row["n_docs"]
            else:
                source.seen[row["line_hash"]] += row["n_docs"]
        return stats


def stats_file(warehouse: Path) -> Path:
    return warehouse / TABLE / f"{TABLE}.parquet"


def load(warehouse: Path) -> LineStats:
    """The counts kept in ``warehouse`` (empty when there are none yet)."""
    path = stats_file(warehouse)
    if not path.exists():
        return LineStats()
    return LineStats.from_table(pq.read_table(**storage.arrow_source(path), schema=SCHEMA))


def save(warehouse: Path, stats: LineStats) -> Path:
    """Replace the state table with ``stats`` (atomically: a reader sees the old file or the new)."""
    return write_atomic(stats.to_table(), stats_file(warehouse))
