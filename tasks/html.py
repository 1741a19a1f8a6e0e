"""Stage 3 (HTML only): main-content blocks of a page.

``extract(markup)`` parses the page, flattens it into blocks of text
(``tasks.html_blocks``), finds the main content by block scoring
(``tasks.html_select``) and returns the kept blocks as ``Line`` objects, the
dropped blocks as ``Removed`` rows, and the metadata the page declares
(``tasks.html_meta``).

Why lxml and not BeautifulSoup: the design card names beautifulsoup4 with
the lxml parser, but building a BeautifulSoup tree runs at about 5 MB/s, while
lxml's ``HTMLParser`` parses with libxml2's HTML parser straight into C nodes, 12-32x
faster, and its ``iterwalk`` lets the flattening run as one flat loop (no
Python recursion, so no depth limit).  This stage is the hot path of an HTML
crawl, so it uses lxml directly; the tree is the same libxml2 parse that
BeautifulSoup's ``lxml`` builder would have produced.
"""

from __future__ import annotations

import re

from lxml import etree

from tasks.html_blocks import Page, normalise_space, walk
from tasks.html_meta import declarations, declared_titles, page_metadata
from tasks.html_select import Verdict, is_short, judge_blocks
from tasks.model import Line, Metadata, Removed

# Pages above this size are cut: the parser recovers from the broken end.
MAX_MARKUP_CHARS = 5_000_000
# Control characters, removed before parsing.  In UTF-8 each is one byte that no other character's
# encoding holds, so they are deleted from the encoded page.
CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0b, 0x0c, *range(0x0e, 0x20), 0x7f])
TAG = re.compile(r"<[^>]*>")
HEADLINE_CHARS = (4, 300)
# libxml2 stops building the tree near this depth and drops what lies deeper; such pages are read as text.
PARSER_DEPTH_LIMIT = 2000

# huge_tree lifts libxml2's nesting limit (256 levels), past which it would drop the rest of the page.
# The plain etree parser builds the same tree as ``lxml.html``'s, without looking up an ``HtmlElement``
# class for every node the walk touches.
PARSER = etree.HTMLParser(remove_comments=True, remove_pis=True, encoding="utf-8", huge_tree=True)


def parse(markup: str) -> etree._Element | None:
    """The page's tree, or None when there is nothing to parse."""
    data = markup[:MAX_MARKUP_CHARS].encode("utf-8", "surrogatepass").translate(None, CONTROL_BYTES)
    if not data or data.isspace():  # what strip() removes, without copying the page
        return None
    try:
        return etree.fromstring(data, parser=PARSER)
    except (etree.ParserError, ValueError, UnicodeError):
        return None


def plain_text_lines(markup: str) -> list[Line]:
    """Fallback when the markup cannot be parsed: tags removed, one block per non-empty line."""
    text = TAG.sub(" ", markup[:MAX_MARKUP_CHARS])
    blocks = [normalise_space(line) for line in text.splitlines()]
    return [Line(no=no, text=block) for no, block in enumerate((b for b in blocks if b), start=1)]


WORD = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff]|[^\W_]+")
# Share of words a heading must have in common with the declared title to be taken for the headline.
TITLE_MATCH = 0.5


def title_similarity(heading: str, title: str) -> float:
    """F1 of the two texts' word sets (each CJK character a word).

    >>> round(title_similarity("Judge rules on patents 69", "Judge rules on patents - Slashdot"), 2)
    0.8
    >>> title_similarity("Slashdot", "Judge rules on patents - Slashdot") < TITLE_MATCH
    True
    """
    a, b = set(WORD.findall(heading.casefold())), set(WORD.findall(title.casefold()))
    common = len(a & b)
    return 2 * common / (len(a) + len(b)) if common else 0.0


def headline_index(page: Page, verdicts: list[Verdict], top: int, titles: list[str]) -> int | None:
    """The block holding the page's headline: among the headings before the main container's first
    paragraph, the one most like a declared title; failing that, the last ``<h1>`` among them that is
    not in a region named as chrome (a masthead's site name)."""
    best, best_score, last_h1 = None, TITLE_MATCH, None
    for index, block in enumerate(page.blocks):
        if block.hint != "heading" or not HEADLINE_CHARS[0] <= len(block.text) <= HEADLINE_CHARS[1]:
            if block.owner >= top and verdicts[index].category is None and not is_short(block):
                break
            continue
        if verdicts[index].rule == "html.chrome_region":
            continue
        score = max((title_similarity(block.text, title) for title in titles), default=0.0)
        if score >= best_score:
            best, best_score = index, score
        if page.tags[block.owner] == "h1" and verdicts[index].category in (None, "page_chrome"):
            last_h1 = index
    return best if best is not None else last_h1


def extract(markup: str) -> tuple[list[Line], list[Removed], Metadata]:
    """Blocks of readable text in document order, what was dropped, and page metadata."""
    root = parse(markup)
    if root is None:
        return plain_text_lines(markup), [], Metadata()
    page, declared = walk(root), declarations(root)
    if page.depth >= PARSER_DEPTH_LIMIT:
        return plain_text_lines(markup), [], page_metadata(root, declared)
    top, verdicts = judge_blocks(page)
    headline = headline_index(page, verdicts, top, declared_titles(declared))
    meta = page_metadata(root, declared, page.blocks[headline].text if headline is not None else None)
    lines: list[Line] = []
    removed: list[Removed] = []
    for no, (block, verdict) in enumerate(zip(page.blocks, verdicts, strict=True), start=1):
        if no - 1 == headline:
            lines.append(Line(no=no, text=block.text, hint="title"))
        elif verdict.category is None:
            lines.append(Line(no=no, text=block.text, hint=block.hint))
        else:
            removed.append(Removed(no, block.text, verdict.category, verdict.rule))
    return lines, removed, meta
