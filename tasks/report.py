"""What a run did, for the people watching it: figures per commit, rates, drift, artifact content.

Pure functions over plain data (the Arrow tables one commit added, counters, earlier
runs' rates); ``flows/clean_corpus.py`` turns their results into Prefect artifacts.
"""

from __future__ import annotations

import heapq
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import pyarrow as pa

# While a run adds up its commits, keep this many distinct removed lines per category
# (the most frequent ones; on a huge run the counts of rare lines are approximate).
REMOVED_LINES_KEPT = 200
# Rows per category in the table artifact of frequent removed lines.
REMOVED_LINES_SHOWN = 10
SHARE_PREFIX = "removed_share."


@dataclass
class Figures:
    """What one or more commits added to the tables."""

    n_documents: int = 0
    n_paragraphs: int = 0
    paragraph_chars: int = 0
    repaired_documents: int = 0
    rejected_by_reason: Counter = field(default_factory=Counter)
    removed_by_category: Counter = field(default_factory=Counter)
    removed_by_category_language: Counter = field(default_factory=Counter)  # (category, language)
    encodings: Counter = field(default_factory=Counter)
    repairs: Counter = field(default_factory=Counter)
    removed_lines: Counter = field(default_factory=Counter)  # (category, text)

    @property
    def n_rejected(self) -> int:
        return sum(self.rejected_by_reason.values())

    def add(self, other: Figures) -> None:
        """Add ``other``'s counts to these; only the most frequent removed lines are kept."""
        self.n_documents += other.n_documents
        self.n_paragraphs += other.n_paragraphs
        self.paragraph_chars += other.paragraph_chars
        self.repaired_documents += other.repaired_documents
        for name in ("rejected_by_reason", "removed_by_category", "removed_by_category_language",
                     "encodings", "repairs", "removed_lines"):
            getattr(self, name).update(getattr(other, name))
        self.removed_lines = top_lines_per_category(self.removed_lines, REMOVED_LINES_KEPT)


def top_lines_per_category(lines: Counter, n: int) -> Counter:
    """The ``n`` most frequent texts of each category (ties: alphabetical).

    >>> top_lines_per_category(Counter({('a', 'x'): 1, ('a', 'y'): 3, ('b', 'z'): 2}), 1)
    Counter({('a', 'y'): 3, ('b', 'z'): 2})
    """
    by_category: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for (category, text), count in lines.items():
        by_category[category].append((-count, text))
    # a partial sort per category: a commit brings thousands of distinct lines for a few hundred kept
    return Counter({(category, text): -negated for category, ranked in by_category.items()
                    for negated, text in heapq.nsmallest(n, ranked)})


def commit_figures(tables: dict[str, pa.Table]) -> Figures:
    """Figures of the rows one commit adds (``documents``, ``paragraphs``, ``removed``, ``rejects``).

    Only the columns read here are needed (``COMMIT_COLUMNS`` in ``tasks.warehouse``): a
    paragraph's length is ``char_end - char_start``, not its text.
    """
    empty = pa.table({})

    def column(table: str, name: str) -> list:
        data = tables.get(table, empty)
        return data[name].to_pylist() if name in data.column_names else []

    language_of = dict(zip(column("documents", "doc_id"), column("documents", "language"), strict=True))
    categories = column("removed", "category")
    removed_languages = [language_of.get(doc_id, "und") for doc_id in column("removed", "doc_id")]
    repairs = column("documents", "repairs")
    paragraph_ends = column("paragraphs", "char_end")
    return Figures(
        n_documents=len(language_of),
        n_paragraphs=len(paragraph_ends),
        paragraph_chars=sum(paragraph_ends) - sum(column("paragraphs", "char_start")),
        repaired_documents=sum(1 for r in repairs if r),
        rejected_by_reason=Counter(column("rejects", "reason")),
        removed_by_category=Counter(categories),
        removed_by_category_language=Counter(zip(categories, removed_languages, strict=True)),
        encodings=Counter(column("documents", "encoding")),
        repairs=Counter(r for doc_repairs in repairs for r in doc_repairs or ()),
        removed_lines=top_lines_per_category(Counter(zip(categories, column("removed", "text"), strict=True)),
                                             REMOVED_LINES_KEPT),
    )


# --- rates and drift -----------------------------------------------------------------------------

def run_rates(figures: Figures, files_cleaned: int) -> dict[str, float]:
    """The rates the drift guard compares across runs; empty when the run cleaned no file.

    ``removed_share.<category>``: removed lines of that category over all lines kept or
    removed (paragraphs + removed lines); ``reject_rate``: files rejected for a reason
    other than ``duplicate`` over files cleaned; ``repair_rate``: documents with a repair
    over documents; ``mean_paragraph_chars``.

    >>> run_rates(Figures(n_documents=2, n_paragraphs=6, paragraph_chars=600, repaired_documents=1,
    ...     removed_by_category=Counter(byline=2), rejected_by_reason=Counter(empty=1, duplicate=1)), 4)
    {'reject_rate': 0.25, 'repair_rate': 0.5, 'mean_paragraph_chars': 100.0, 'removed_share.byline': 0.25}
    """
    if files_cleaned <= 0:
        return {}
    rejected = figures.n_rejected - figures.rejected_by_reason.get("duplicate", 0)
    rates = {"reject_rate": rejected / files_cleaned}
    if figures.n_documents:
        rates["repair_rate"] = figures.repaired_documents / figures.n_documents
    if figures.n_paragraphs:
        rates["mean_paragraph_chars"] = figures.paragraph_chars / figures.n_paragraphs
    lines = figures.n_paragraphs + sum(figures.removed_by_category.values())
    for category, n in sorted(figures.removed_by_category.items()):
        rates[SHARE_PREFIX + category] = n / lines
    return rates


@dataclass(frozen=True)
class DriftRule:
    """A rate drifts when it is more than ``k`` standard deviations *and* more than
    ``min_change`` away from its mean over the last ``window`` runs (at least ``min_runs``)."""

    k: float = 3.0
    window: int = 20
    min_runs: int = 3
    min_change: float = 0.02  # for fractions (shares and rates)
    min_change_chars: float = 25.0  # for mean_paragraph_chars


@dataclass(frozen=True)
class Drift:
    rate: str
    value: float
    mean: float
    std: float
    n_runs: int

    def message(self) -> str:
        return (f"{self.rate} is {self.value:.3g}, usually {self.mean:.3g} ± {self.std:.2g} "
                f"(last {self.n_runs} runs)")


def drifts(current: dict[str, float], earlier: list[dict[str, float]], rule: DriftRule = DriftRule()
           ) -> list[Drift]:
    """The rates of ``current`` far outside their usual range in ``earlier`` runs (oldest first).

    Runs that cleaned nothing (no rates) are not compared.  A category missing from a run
    that has rates had a share of 0 there, so a new kind of removed line is noticed too.

    >>> usual = [{'reject_rate': r} for r in (0.01, 0.02, 0.015)]
    >>> [d.rate for d in drifts({'reject_rate': 0.30}, usual)], drifts({'reject_rate': 0.025}, usual)
    (['reject_rate'], [])
    """
    history = [rates for rates in earlier if rates][-rule.window:]
    if not current or len(history) < rule.min_runs:
        return []
    names = set(current) | {n for rates in history for n in rates if n.startswith(SHARE_PREFIX)}
    found = []
    for name in sorted(names):
        share = name.startswith(SHARE_PREFIX)
        default = 0.0 if share else None
        values = [v for rates in history if (v := rates.get(name, default)) is not None]
        value = current.get(name, default)
        if value is None or len(values) < rule.min_runs:
            continue
        mean, std = statistics.fmean(values), statistics.pstdev(values)
        floor = rule.min_change_chars if name == "mean_paragraph_chars" else rule.min_change
        if abs(value - mean) > max(rule.k * std, floor):
            found.append(Drift(name, value, mean, std, len(values)))
    return found


# --- artifacts -----------------------------------------------------------------------------------

def progress_percent(done_bytes: int, done_files: int, total_bytes: int, total_files: int) -> float:
    """Share of the input committed, by bytes (by files when the input has no bytes), 0–100.

    >>> progress_percent(50, 1, 200, 4), progress_percent(0, 1, 0, 4), progress_percent(9, 9, 0, 0)
    (25.0, 25.0, 100.0)
    """
    done, total = (done_bytes, total_bytes) if total_bytes else (done_files, total_files)
    return 100.0 if not total else round(min(100.0, 100.0 * done / total), 1)


def throughput(n_bytes: int, n_files: int, seconds: float) -> tuple[float, float]:
    """(MB/s, files/s); zeros for a run that took no measurable time.

    >>> throughput(3 * 2**20, 30, 2.0)
    (1.5, 15.0)
    """
    if seconds <= 0:
        return 0.0, 0.0
    return n_bytes / 2**20 / seconds, n_files / seconds


def removed_lines_table(lines: Counter, per_category: int = REMOVED_LINES_SHOWN) -> list[dict]:
    """Rows of the table artifact: the most frequent removed lines of each category.

    Categories with the most removed lines come first.
    """
    by_category: Counter = Counter()
    for (category, _), count in lines.items():
        by_category[category] += count
    rank = {c: i for i, (c, _) in enumerate(sorted(by_category.items(), key=lambda kv: (-kv[1], kv[0])))}
    top = top_lines_per_category(lines, per_category)
    ordered = sorted(top.items(), key=lambda kv: (rank[kv[0][0]], -kv[1], kv[0][1]))
    return [{"category": category, "count": count, "text": text} for (category, text), count in ordered]


def _counts_list(counts: Counter) -> list[str]:
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return [f"- {key}: {n}" for key, n in ordered] or ["- none"]


def _removed_table(by_category_language: Counter) -> list[str]:
    """Markdown table: one row per category, one column per language, and a total."""
    if not by_category_language:
        return ["none"]
    languages = sorted({lang for _, lang in by_category_language})
    totals: Counter = Counter()
    for (category, _), n in by_category_language.items():
        totals[category] += n
    lines = ["| category | total | " + " | ".join(languages) + " |",
             "|---|---:|" + "---:|" * len(languages)]
    for category, total in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0])):
        cells = " | ".join(str(by_category_language.get((category, lang), 0)) for lang in languages)
        lines.append(f"| {category} | {total} | {cells} |")
    return lines


@dataclass
class RunReport:
    """Everything the summary artifact shows about one run."""

    run_id: str
    files_seen: int
    unchanged: int
    bytes_in: int
    seconds: float
    figures: Figures
    drifts: list[Drift] = field(default_factory=list)
    failed_batches: list[str] = field(default_factory=list)


def summary_markdown(report: RunReport) -> str:
    """The markdown artifact of a run: drift warnings first, then counts, removed lines, encodings."""
    f = report.figures
    mb_s, files_s = throughput(report.bytes_in, report.files_seen, report.seconds)
    lines = [f"# clean-corpus run `{report.run_id}`", ""]
    if report.drifts:
        lines += ["> ⚠️ **Drift warning**: rates far outside their usual range; check the removed lines "
                  "and the rejects of this run before trusting its output.", ">"]
        lines += [f"> - {d.message()}" for d in report.drifts] + [""]
    if report.failed_batches:
        lines += ["> ⚠️ **Failed batches** (their files are `rejects` with reason `error`):", ">"]
        lines += [f"> - {why}" for why in report.failed_batches] + [""]
    lines += [
        "| | |", "|---|---:|",
        f"| files seen | {report.files_seen} |",
        f"| documents written | {f.n_documents} |",
        f"| unchanged | {report.unchanged} |",
        f"| rejected | {f.n_rejected} |",
        f"| paragraphs written | {f.n_paragraphs} |",
        f"| lines removed | {sum(f.removed_by_category.values())} |",
        f"| MB cleaned | {report.bytes_in / 2**20:.2f} |",
        f"| duration | {report.seconds:.1f} s |",
        f"| throughput | {mb_s:.2f} MB/s, {files_s:.1f} files/s |",
        "", "## Rejected by reason", "", *_counts_list(f.rejected_by_reason),
        "", "## Lines removed by category and document language", "",
        *_removed_table(f.removed_by_category_language),
        "", "## Encodings of the documents written", "", *_counts_list(f.encodings),
        "", f"## Repairs ({f.repaired_documents} of {f.n_documents} documents repaired)", "",
        *_counts_list(f.repairs),
    ]
    return "\n".join(lines)
