"""Stage 2: repair damaged text (mojibake, entities, tag litter, odd spaces, glosses)."""

from __future__ import annotations

import ftfy

from tasks.model import Line


def repair_text(text: str) -> tuple[str, list[str]]:
    """Repair a whole decoded text; returns the text and the names of the repairs done."""
    fixed = ftfy.fix_text(text, uncurl_quotes=False, fix_character_width=False)
    return fixed, (["ftfy"] if fixed != text else [])


def repair_lines(lines: list[Line]) -> tuple[list[Line], list[str]]:
    """Repair the text of each line (for HTML blocks)."""
    repairs: set[str] = set()
    for line in lines:
        line.text, done = repair_text(line.text)
        repairs.update(done)
    return lines, sorted(repairs)
