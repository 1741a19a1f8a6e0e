"""Stage 6: language (ISO 639-1) and script (ISO 15924) of text."""

from __future__ import annotations

import re

from tasks.model import Paragraph

HAN = re.compile(r"[\u3400-\u9fff]")
LATIN = re.compile(r"[A-Za-z]")


def identify(text: str) -> tuple[str, str]:
    """(language, script) of one text."""
    han, latin = len(HAN.findall(text)), len(LATIN.findall(text))
    if han and han * 2 >= latin:
        return "zh", "Hans"
    if latin:
        return "en", "Latn"
    return "und", "Zyyy"


def identify_document(paragraphs: list[Paragraph]) -> tuple[str, str]:
    """Language and script of a document; sets each paragraph's language too."""
    for p in paragraphs:
        p.language = identify(p.text)[0]
    return identify(" ".join(p.text for p in paragraphs))
