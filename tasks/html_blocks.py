"""Flatten a parsed page into text blocks, in document order, without recursion.

A *block* is the run of text between two block-level boundaries: a ``<p>``, a
heading, a list item, a table cell, a ``<div>``'s loose text, or a stretch of a
table-layout page cut by ``<br>`` (a line break on a web page nearly always
ends a paragraph, a caption or a list entry).  Each block remembers the innermost
block-level element that owns it, how much of its text sits inside links, and a
structural hint (``heading``, ``list_item``).

Every element met on the way gets a row in ``Page``'s element lists (document
order, so a subtree is the contiguous range ``[index, end)``); the scoring in
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
# The structural hint a block-level tag gives its text (inherited by the blocks inside it).
TAG_HINTS = {
    **dict.fromkeys("h1 h2 h3 h4 h5 h6".split(), "heading"),
    **dict.fromkeys(("li", "dt", "dd"), "list_item"),
}
LIST_CONTAINERS = frozenset(("ul", "ol", "dl"))

NOT_DISPLAYED = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
# The attributes that name an element or can hide it.
NAMING_ATTRIBUTES = frozenset("class id itemprop hidden aria-hidden style".split())
# Utility classes that hide an element from the screen (Bootstrap, WordPress and the like).
HIDING_CLASSES = frozenset("hidden hide d-none invisible sr-only visually-hidden screen-reader-text".split())
CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff]+")
# CJK text carries about three times the content of the same number of Latin characters.
CJK_EXTRA_WEIGHT = 2


@dataclass(slots=True)
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
    """The page as the scorer sees it: its blocks, and one row per element in parallel lists."""

    tags: list[str] = field(default_factory=list)
    attrs: list[str] = field(default_factory=list)  # lower-cased class, id and itemprop, space separated
    parents: list[int] = field(default_factory=list)  # index of the parent element, -1 for the root
    ends: list[int] = field(default_factory=list)  # one past the last index of the element's subtree
    # Not displayed: ``hidden``, ``aria-hidden``, ``display: none``, a hiding class.
    hidden: list[bool] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    depth: int = 0  # deepest nesting met
    rules: list[int] = field(default_factory=list)  # per <hr>, the number of blocks before it


def text_weight(text: str) -> int:
    """Length of ``text`` with CJK characters weighing more.

    >>> text_weight("ab"), text_weight("新闻"), text_weight("新闻 and かな")
    (2, 6, 17)
    """
    if text.isascii():
        return len(text)
    return len(text) + CJK_EXTRA_WEIGHT * sum(map(len, CJK_RUN.findall(text)))  # runs: fewer matches to list


def normalise_space(text: str) -> str:
    """Collapse runs of whitespace (including no-break spaces) to one space.

    >>> normalise_space("  a\\n\\t b\\xa0 ")
    'a b'
    """
    return " ".join(text.split())


def names_and_visibility(attribute_list: list[tuple[str, str]]) -> tuple[str, bool]:
    """An element's lower-cased class, id and itemprop, space separated, and whether its attributes hide it.

    >>> names_and_visibility([("class", "Story d-none"), ("id", "Main"), ("href", "/")])
    ('story d-none main', True)
    """
    attributes = dict(attribute_list)
    if NAMING_ATTRIBUTES.isdisjoint(attributes):
        return "", False
    class_name = attributes.get("class", "")
    hidden = "hidden" in attributes or attributes.get("aria-hidden") == "true" \
        or ("style" in attributes and NOT_DISPLAYED.search(attributes["style"]) is not None) \
        or (class_name != "" and not HIDING_CLASSES.isdisjoint(class_name.lower().split()))
    return f"{class_name} {attributes.get('id', '')} {attributes.get('itemprop', '')}".lower().strip(), hidden


def add_blocks(blocks: list[Block], pieces: list[str], link_pieces: list[str], owner: int, hint: str | None,
               preformatted: bool) -> None:
    """Append the block(s) the text ``pieces`` make (one per line when preformatted); ``link_pieces``
    are those inside links."""
    if preformatted:
        for line in "".join(pieces).splitlines():
            if text := normalise_space(line):
                blocks.append(Block(text, owner, hint, text_weight(text), 0))
    elif text := normalise_space("".join(pieces)):
        link_weight = text_weight(normalise_space("".join(link_pieces))) if link_pieces else 0
        blocks.append(Block(text, owner, hint, text_weight(text), link_weight))


def walk(root: etree._Element) -> Page:
    """Blocks and elements of the tree under ``root``, in document order."""
    page = Page()
    tags, parents, ends, hidden, blocks = page.tags, page.parents, page.ends, page.hidden, page.blocks
    stack = [-1]  # indices of open elements, above the root's parent
    owners: list[int] = []  # open block-level (or hidden) elements, the innermost last
    hints: list[str | None] = []
    pieces: list[str] = []  # text of the current block
    link_pieces: list[str] = []  # the part of it inside <a> elements
    set_aside: list[tuple[list[str], list[str]]] = []  # text of blocks interrupted by hidden inline text
    link_depth = pre_depth = 0
    deepest = 1

    def flush() -> None:
        nonlocal pieces, link_pieces
        if pieces:
            if owners:
                add_blocks(blocks, pieces, link_pieces, owners[-1], hints[-1], pre_depth > 0)
            pieces, link_pieces = [], []

    def add_text(text: str) -> None:
        # Whitespace before a block's first words is dropped: ``normalise_space`` would drop it from the
        # joined text, and a block of nothing but whitespace adds no block (one flush fewer to run).
        if pieces or not text.isspace():
            pieces.append(text)
            if link_depth:
                link_pieces.append(text)

    events = etree.iterwalk(root, events=("start", "end"))
    for event, el in events:
        if event == "start":
            tag = el.tag
            tag = tag.lower() if isinstance(tag, str) else ""
            attributes = el.items()
            names, is_hidden = names_and_visibility(attributes) if attributes else ("", False)
            index = len(tags)
            tags.append(tag)
            page.attrs.append(names)
            parents.append(stack[-1])
            ends.append(0)
            hidden.append(is_hidden)
            stack.append(index)
            if len(stack) > deepest:
                deepest = len(stack)
            is_block = tag in BLOCK_TAGS
            if is_hidden and not is_block:  # hidden inline text: a block of its own, set aside
                set_aside.append((pieces, link_pieces))
                pieces, link_pieces = [], []
            if is_block or is_hidden:
                flush()
                owners.append(index)
                inherited = hints[-1] if hints and tag not in LIST_CONTAINERS else None
                hints.append(TAG_HINTS.get(tag) or inherited)
            if tag == "a":
                link_depth += 1
            elif tag == "pre":
                pre_depth += 1
            if tag in SKIPPED_TAGS or not tag:
                events.skip_subtree()
            elif tag == "br":
                flush()
            elif tag == "hr":
                page.rules.append(len(blocks))
            elif text := el.text:
                add_text(text)
        else:
            index = stack.pop()
            tag = tags[index]
            ends[index] = len(tags)
            is_block = tag in BLOCK_TAGS
            if is_block or hidden[index]:
                flush()
                owners.pop()
                hints.pop()
                if not is_block:
                    pieces, link_pieces = set_aside.pop()  # the text around it reads on
            if tag == "a":
                link_depth -= 1
            elif tag == "pre":
                pre_depth -= 1
            if text := el.tail:
                add_text(text)
    flush()
    page.depth = deepest - 1
    return page
