"""Plain data passed between the cleaning stages.

Stages are pure functions over these types: bytes -> ``Decoded`` -> ``Line`` list ->
labelled lines -> ``Paragraph`` list -> ``CleanDocument``.  Nothing here knows
about Prefect or Parquet.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

# Paragraph kinds written to ``paragraphs.kind``.
TITLE, HEADING, BODY, LIST_ITEM = "title", "heading", "body", "list_item"
# Label kind for a line that is dropped (it then carries a category and a rule).
DROP = "drop"
# Label kind for a line that only separates blocks (blank lines).
BLANK = "blank"


class RejectError(Exception):
    """A file that cannot become a document; ``reason`` is a ``rejects.reason`` value."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class Decoded:
    """Raw bytes turned into text, with what it took."""

    text: str
    encoding: str
    repairs: tuple[str, ...] = ()


@dataclass
class Line:
    """One line of the decoded (and repaired) source, or one block of an HTML page.

    ``no`` is the 1-based line number in the decoded source (for HTML, the block's
    ordinal).  ``hint`` is a structural kind an upstream stage already knows (an HTML
    ``<h2>`` is a ``heading``, an ``<li>`` a ``list_item``); text lines have none.
    """

    no: int
    text: str
    indented: bool = False
    hint: str | None = None


@dataclass
class Label:
    """What the classifier decided for one line."""

    kind: str  # TITLE, HEADING, BODY, LIST_ITEM, DROP or BLANK
    category: str | None = None  # boilerplate category when kind == DROP
    rule: str | None = None  # id of the rule that decided


@dataclass
class Removed:
    line_no: int
    text: str
    category: str
    rule: str


@dataclass
class Paragraph:
    kind: str
    text: str
    language: str = "und"


@dataclass
class Metadata:
    """Document fields found while classifying (headline, dateline, byline...)."""

    title: str | None = None
    published_date: dt.date | None = None
    byline: str | None = None
    source: str | None = None
    site: str | None = None  # host of an HTML page's own address (canonical link, og:url)


@dataclass
class CleanDocument:
    """Everything the pipeline learned about one source document."""

    encoding: str
    format: str  # "text" or "html"
    paragraphs: list[Paragraph]
    removed: list[Removed]
    metadata: Metadata = field(default_factory=Metadata)
    repairs: list[str] = field(default_factory=list)
    language: str = "und"
    script: str = "Zyyy"
    # Hashes of the document's short lines (``tasks.line_stats``), for learning repeated lines.
    line_keys: frozenset[int] = frozenset()

    @property
    def text(self) -> str:
        return "\n\n".join(p.text for p in self.paragraphs)
