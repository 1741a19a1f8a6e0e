"""Stage 3 (HTML only): main-content blocks of a page."""

from __future__ import annotations

from bs4 import BeautifulSoup

from tasks.model import Line, Metadata, Removed

BLOCKS = ["p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre"]


def extract(markup: str) -> tuple[list[Line], list[Removed], Metadata]:
    """Blocks of readable text in document order, what was dropped, and page metadata."""
    soup = BeautifulSoup(markup, "lxml")
    for tag in soup(["script", "style", "nav", "footer", "aside", "noscript"]):
        tag.decompose()
    title = soup.title.get_text(" ", strip=True) if soup.title else None
    lines = []
    for no, tag in enumerate(soup.find_all(BLOCKS), start=1):
        text = tag.get_text(" ", strip=True)
        if text:
            hint = "heading" if tag.name.startswith("h") else ("list_item" if tag.name == "li" else None)
            lines.append(Line(no=no, text=text, hint=hint))
    return lines, [], Metadata(title=title)
