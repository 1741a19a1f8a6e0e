"""Learning boilerplate from the corpus: lines that repeat across documents of one source.

A source is the folder a file sits in, and for an HTML page also its site (the host of its
canonical address), so pages of one site saved in many folders, or of many sites saved in one,
still teach their own boilerplate.  For each source we keep how many documents were
cleaned and, per line hash, in how many of them the line occurs (once per document: a line
repeated inside one article is no evidence).  Lines seen in a large share of a source's
documents are passed back into cleaning as plain data (``repeated``: hash -> (seen_in,
n_docs)), where ``tasks.classify`` decides, from the line's shape, whether the evidence is
enough to drop it as ``repeated_line``.

The counts live in the warehouse state table ``line_stats`` (one Parquet file, replaced
atomically), so scheduled runs keep learning.  Memory is bounded: lines are 64-bit hashes,
only lines up to ``MAX_LINE_CHARS`` are counted, and each source keeps at most
``MAX_KEYS_PER_SOURCE`` hashes (the most frequent).  A batch gets the full counts of its
folders, but of the sites only the lines seen at least twice (it cannot know its pages' sites
before cleaning them, and a crawl has many sites): a site line seen once before and twice in
the batch is learnt when the batch is committed, for the batches after it.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from tasks import storage
from tasks.warehouse import COMPRESSION

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
SITE_PREFIX = "site:"
# The line hash, fed nothing yet: each line is hashed by a copy of it (a third quicker than a new
# hasher, whose parameters are parsed on every call).
UNFED_HASHER = hashlib.blake2b(digest_size=8)

Repeated = Mapping[int, tuple[int, int]]


def source_of(rel_path: str) -> str:
    """The source of a file: its folder (``""`` for the input root).

    >>> source_of("harbor/2024/a.txt"), source_of("a.txt")
    ('harbor/2024', '')
    """
    return rel_path.rsplit("/", 1)[0] if "/" in rel_path else ""


def site_source(site: str) -> str:
    """The source name of a site's counts (the prefix keeps sites apart from folders in one table).

    >>> site_source("harbor.example")
    'site:harbor.example'
    """
    return SITE_PREFIX + site


def document_sources(rel_path: str, site: str | None) -> list[str]:
    """The sources a document counts towards: its folder, and its site when it has one."""
    return [source_of(rel_path)] + ([site_source(site)] if site else [])


def strongest(*evidence: Repeated | None) -> dict[int, tuple[int, int]]:
    """The evidence of several sources about one document's lines: per line, the largest share.

    >>> strongest({1: (3, 10)}, {1: (9, 10), 2: (5, 5)})
    {1: (9, 10), 2: (5, 5)}
    """
    out: dict[int, tuple[int, int]] = {}
    for repeated in evidence:
        for key, (seen_in, n_docs) in (repeated or {}).items():
            if key not in out or seen_in * out[key][1] > out[key][0] * n_docs:
                out[key] = (seen_in, n_docs)
    return out


def line_key(text: str) -> int:
    """A signed 64-bit hash of a line, case and whitespace folded.

    >>> line_key("  Read\tMORE\u3000 now ") == line_key("read more now")
    True
    """
    hasher = UNFED_HASHER.copy()
    hasher.update(" ".join(text.split()).casefold().encode())
    return int.from_bytes(hasher.digest(), "big", signed=True)


def document_keys(texts: Iterable[str]) -> frozenset[int]:
    """The hashes of a document's countable lines, each once."""
    return frozenset(line_key(t) for t in texts if t.strip() and len(t) <= MAX_LINE_CHARS)


@dataclass
class SourceStats:
    n_docs: int = 0
    seen: Counter = field(default_factory=Counter)
    # ``repeated()`` until the counts change: it is asked once or twice per document
    _repeated: dict[int, tuple[int, int]] | None = field(default=None, repr=False, compare=False)

    def add(self, n_docs: int, seen: Mapping[int, int] | Iterable[int]) -> None:
        """Count ``n_docs`` more documents and their lines (counts, or keys seen once each)."""
        self.n_docs += n_docs
        self.seen.update(seen)
        self._repeated = None

    def repeated(self) -> dict[int, tuple[int, int]]:
        """The lines seen often enough to be candidates for ``repeated_line``."""
        if self._repeated is None:
            self._repeated = {} if self.n_docs < MIN_DOCS else {
                key: (k, self.n_docs) for key, k in self.seen.items()
                if k >= MIN_SEEN and k >= MIN_SHARE * self.n_docs}
        return self._repeated


@dataclass
class LineStats:
    """Per source: documents counted and in how many of them each line hash occurs."""

    sources: dict[str, SourceStats] = field(default_factory=dict)

    def add_document(self, source: str, keys: Iterable[int]) -> None:
        stats = self.sources.get(source)
        if stats is None:  # not ``setdefault``, which would make new (unused) counts for every document
            stats = self.sources[source] = SourceStats()
        stats.add(1, keys)

    def merge(self, other: LineStats) -> None:
        """Add ``other``'s counts, then keep each source within ``MAX_KEYS_PER_SOURCE`` hashes."""
        for source, theirs in other.sources.items():
            mine = self.sources.setdefault(source, SourceStats())
            mine.add(theirs.n_docs, theirs.seen)
            if len(mine.seen) > MAX_KEYS_PER_SOURCE:
                mine.seen = Counter(dict(mine.seen.most_common(MAX_KEYS_PER_SOURCE)))

    def subset(self, sources: Iterable[str]) -> LineStats:
        """A copy of the counts of ``sources`` only (what one batch needs, safe from later merges)."""
        return LineStats({s: SourceStats(self.sources[s].n_docs, Counter(self.sources[s].seen))
                          for s in set(sources) if s in self.sources})

    def sites_and_folders(self, folders: Iterable[str]) -> LineStats:
        """What one batch needs: the full counts of ``folders``, and of every site the lines seen
        at least twice (a copy, safe from later merges)."""
        batch = self.subset(folders)
        for source, stats in self.sources.items():
            if source.startswith(SITE_PREFIX):
                batch.sources[source] = SourceStats(stats.n_docs, Counter({k: n for k, n in stats.seen.items()
                                                                           if n >= 2}))
        return batch

    def repeated(self, source: str) -> dict[int, tuple[int, int]]:
        stats = self.sources.get(source)
        return stats.repeated() if stats else {}

    def sites_repeated(self) -> dict[str, dict[int, tuple[int, int]]]:
        """``repeated`` of every site that has some, keyed by site."""
        found = {source.removeprefix(SITE_PREFIX): self.repeated(source) for source in self.sources
                 if source.startswith(SITE_PREFIX)}
        return {site: repeated for site, repeated in found.items() if repeated}

    def repeated_for(self, rel_path: str, site: str | None) -> dict[int, tuple[int, int]]:
        """The evidence about a document's lines from its folder and its site."""
        return strongest(*(self.repeated(source) for source in document_sources(rel_path, site)))

    def to_table(self) -> pa.Table:
        """One row per (source, line hash); a row with a null hash holds the source's document count."""
        sources: list[str] = []
        hashes: list[int | None] = []
        counts: list[int] = []
        for source, stats in sorted(self.sources.items()):  # built by columns: it is saved during runs
            sources += [source] * (len(stats.seen) + 1)
            hashes.append(None)
            hashes += stats.seen.keys()
            counts.append(stats.n_docs)
            counts += stats.seen.values()
        columns = [pa.array(sources, pa.string()), pa.array(hashes, pa.int64()), pa.array(counts, pa.int64())]
        return pa.table(columns, schema=SCHEMA)

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
    """Replace the state table with ``stats`` (atomically: a reader sees the old file or the new).

    It is saved during runs: the random line hashes are not dictionary-encoded (no
    dictionary would fit them; trying took two thirds of the write).
    """
    table = stats.to_table()
    return storage.write_atomic(stats_file(warehouse), lambda out: pq.write_table(
        table, out, compression=COMPRESSION, use_dictionary=["source", "n_docs"]))
