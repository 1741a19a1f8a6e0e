"""Stage 4: label every line as title, heading, body or boilerplate."""

from __future__ import annotations

from tasks.model import BLANK, BODY, DROP, Label, Line, Metadata, Removed


def classify(lines: list[Line]) -> tuple[list[Label], Metadata]:
    """One label per line, and the metadata found on the way."""
    labels = [Label(BLANK) if not line.text else Label(line.hint or BODY) for line in lines]
    return labels, Metadata()


def merge_metadata(page: Metadata, found: Metadata) -> Metadata:
    """Fields from the page (HTML head) win over fields found in the text."""
    return Metadata(
        title=page.title or found.title,
        published_date=page.published_date or found.published_date,
        byline=page.byline or found.byline,
        source=page.source or found.source,
    )


def removed_lines(lines: list[Line], labels: list[Label]) -> list[Removed]:
    """The dropped lines, for the ``removed`` table."""
    return [
        Removed(line.no, line.text, label.category or "other", label.rule or "unknown")
        for line, label in zip(lines, labels)
        if label.kind == DROP
    ]
