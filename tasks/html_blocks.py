"""Flatten a parsed page into text blocks, in document order, without recursion.

A *block* is the run of text between two block-level boundaries: a ``<p>``, a
heading, a list item, a table cell, a ``<div>``'s loose text, or a stretch of a
table-layout page cut by ``<br>`` (a line break on a web page nearly always
ends a paragraph, a caption or a list entry).  Each block remembers the innermost
block-level element that owns it, how much of its text sits inside links, and a
structural hint (``heading``, ``list_item``).

Every element met on the way gets a row in ``Page.elements`` (document order,
so a subtree is the contiguous range ``[index, end)``); the scoring in
``tasks.html_select`` aggregates block figures over those ranges.

The walk uses ``lxml.etree.iterwalk``: lxml's C iterator feeds start/end events
to one flat loop, so a page nested 50 000 levels deep costs no Python stack.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

# Elements whose content is never readable text.
SKIPPED_TAGS = frozenset(
    "script style noscript template svg iframe object embed select option button textarea input canvas map "
    "head title meta link audio video source picture frameset frame "
    "annotation annotation-xml".split()  # MathML is read, its TeX/encoded annotations are not
)
# Elements that start and end a block of text.
BLOCK_TAGS = frozenset(
    "p div section article main header footer nav aside h1 h2 h3 h4 h5 h6 li ul ol dl dt dd table tbody "
    "thead tfoot tr td th blockquote pre figure figcaption form fieldset center address hr body html "
    "caption details summary menu dir legend text noframes".split()
)
HEADING_TAGS = frozenset("h1 h2 h3 h4 h5 h6".split())
LIST_TAGS = frozenset(("li", "dt", "dd"))
LIST_CONTAINERS = frozenset(("ul", "ol", "dl"))

SPACES = re.compile(r"\s+")
NOT_DISPLAYED = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
# Utility classes that hide an element from the screen (Bootstrap, WordPress and the like).
HIDING_CLASSES = frozenset("hidden hide d-none invisible sr-only visually-hidden screen-reader-text".split())
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff]")
# CJK text carries about three times the content of the same number of Latin characters.
CJK_EXTRA_WEIGHT = 2


@dataclass
class Element:
    """One element of the page, as the scorer needs it."""

    tag: str
    attrs: str  # lower-cased class, id and itemprop, space separated
    parent: int  # index of the parent element, -1 for the root
    end: int = 0  # one past the last index of this element's subtree
    hidden: bool = False  # not displayed: ``hidden``, ``aria-hidden``, ``display: none``, a hiding class


@dataclass
class Block:
    """One block of text and the figures the scorer uses."""

    text: str
    owner: int  # index of the innermost block-level element holding the text
    hint: str | None
    weight: int  # characters, CJK characters weighing more
    link_weight: int  # the part of ``weight`` inside <a> elements

    @property
    def link_density(self) -> float:
        return self.link_weight / self.weight if self.weight else 0.0


@dataclass
class Page:
    elements: list[Element] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    depth: int = 0  # deepest nesting met
    rules: list[int] = field(default_factory=list)  # per <hr>, the number of blocks before it


def text_weight(text: str) -> int:
    """Length of ``text`` with CJK characters weighing more.

    >>> text_weight("ab"), text_weight("新闻")
    (2, 6)
    """
    return len(text) + CJK_EXTRA_WEIGHT * len(CJK.findall(text))


def normalise_space(text: str) -> str:
    """Collapse runs of whitespace (including no-break spaces) to one space.

    >>> normalise_space("  a\\n\\t b\\xa0 ")
    'a b'
    """
    return SPACES.sub(" ", text).strip()


class _Walker:
    """State of one walk: the open elements and the text gathered for the current block."""

    def __init__(self) -> None:
        self.page = Page()
        self.stack: list[int] = []  # indices of open elements
        self.block_owner: list[int] = []  # innermost open block-level element
        self.hints: list[str | None] = []
        self.pieces: list[tuple[str, bool]] = []
        self.set_aside: list[list[tuple[str, bool]]] = []  # text of blocks interrupted by hidden inline text
        self.link_depth = 0
        self.pre_depth = 0

    def open(self, el: etree._Element, tag: str) -> None:
        attrs = f"{el.get('class', '')} {el.get('id', '')} {el.get('itemprop', '')}".lower().strip()
        parent = self.stack[-1] if self.stack else -1
        hidden = el.get("hidden") is not None or el.get("aria-hidden") == "true" \
            or bool(NOT_DISPLAYED.search(el.get("style", ""))) \
            or not HIDING_CLASSES.isdisjoint(el.get("class", "").lower().split())
        self.page.elements.append(Element(tag, attrs, parent, hidden=hidden))
        index = len(self.page.elements) - 1
        self.stack.append(index)
        self.page.depth = max(self.page.depth, len(self.stack))
        if tag not in BLOCK_TAGS and hidden:  # hidden inline text: a block of its own, set aside
            self.set_aside.append(self.pieces)
            self.pieces = []
        if tag in BLOCK_TAGS or hidden:
            self.flush()
            self.block_owner.append(index)
            hint = "heading" if tag in HEADING_TAGS else "list_item" if tag in LIST_TAGS else None
            inherited = self.hints[-1] if self.hints and tag not in LIST_CONTAINERS else None
            self.hints.append(hint or inherited)
        if tag == "a":
            self.link_depth += 1
        elif tag == "pre":
            self.pre_depth += 1

    def close(self, tag: str) -> None:
        index = self.stack.pop()
        self.page.elements[index].end = len(self.page.elements)
        if tag in BLOCK_TAGS or self.page.elements[index].hidden:
            self.flush()
            self.block_owner.pop()
            self.hints.pop()
        if tag not in BLOCK_TAGS and self.page.elements[index].hidden:
            self.pieces = self.set_aside.pop()  # the text around it reads on
        if tag == "a":
            self.link_depth -= 1
        elif tag == "pre":
            self.pre_depth -= 1

    def add_text(self, text: str | None) -> None:
        if text:
            self.pieces.append((text, self.link_depth > 0))

    def flush(self) -> None:
        if not self.pieces or not self.block_owner:
            self.pieces = []
            return
        owner, hint = self.block_owner[-1], self.hints[-1]
        if self.pre_depth:  # preformatted text: one block per line
            for line in "".join(piece for piece, _ in self.pieces).splitlines():
                if text := normalise_space(line):
                    self.page.blocks.append(Block(text, owner, hint, text_weight(text), 0))
        elif text := normalise_space("".join(piece for piece, _ in self.pieces)):
            link = normalise_space("".join(piece for piece, in_link in self.pieces if in_link))
            self.page.blocks.append(Block(text, owner, hint, text_weight(text), text_weight(link)))
        self.pieces = []


def walk(root: etree._Element) -> Page:
    """Blocks and elements of the tree under ``root``, in document order."""
    walker = _Walker()
    events = etree.iterwalk(root, events=("start", "end"))
    for event, el in events:
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if event == "start":
            walker.open(el, tag)
            if tag in SKIPPED_TAGS or not tag:
                events.skip_subtree()
            elif tag == "br":
                walker.flush()
            elif tag == "hr":
                walker.page.rules.append(len(walker.page.blocks))
            else:
                walker.add_text(el.text)
        else:
            walker.close(tag)
            walker.add_text(el.tail)
    walker.flush()
    return walker.page
