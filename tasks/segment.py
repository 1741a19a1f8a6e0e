"""Stage 5: kept lines to paragraphs."""

from __future__ import annotations

from tasks.model import BLANK, DROP, Label, Line, Paragraph


def segment(lines: list[Line], labels: list[Label]) -> list[Paragraph]:
    """One paragraph per kept line (placeholder rule)."""
    return [
        Paragraph(label.kind, line.text)
        for line, label in zip(lines, labels)
        if label.kind not in (BLANK, DROP)
    ]
