"""Stage 5: kept lines to paragraphs.

Blank lines separate blocks.  Inside a block every line is its own paragraph
(line-per-paragraph layouts, headings, list items, full-width indents) unless the
text was hard-wrapped: then a line that was broken only because the next word did
not fit joins the line before it.  English re-joins with a space, Chinese without.

The wrap test is the one ``textwrap`` itself applies: a line of a wrapped text is
as long as it can be, so ``len(line) + 1 + len(next word)`` exceeds the width the
text was wrapped at.  That width is read off the document (``wrap_width``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from tasks.model import BLANK, BODY, DROP, TITLE, Label, Line, Paragraph

# Hard wrapping happens at 70-80 columns; longer lines were never wrapped.
MAX_WRAP_WIDTH = 80
MIN_WRAP_WIDTH = 30
# textwrap lines fall short of the width by less than the longest word.
WRAP_SLACK = 22
# Share of non-final block lines that must look wrapped for the document to count as wrapped.
WRAPPED_SHARE = 0.7
# ... and the share of them the next word would not have fitted on.
FULL_SHARE = 0.5
# Chinese lines of a wrapped text fill the width but for a character or two (punctuation kept
# off the start of a line).
CJK_WRAP_SLACK = 1
JOINABLE_KINDS = (BODY, TITLE)
# A width argument the caller did not give (None means "not wrapped"): ``wrap_width`` is measured.
NOT_MEASURED = -1

CJK_CHAR = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")
QUOTES = "“”‘’\"'「」『』"
FIRST_WORD = re.compile(r"^\S+")
# Markers that also occur as text at the start of a wrapped line: a dash, a bracketed number.
AMBIGUOUS_MARKER = re.compile(r"^(?:-\s|[（(]\d{1,2}[)）])")
# A line broken after the hyphen of a compound ("well-" / "known").
HYPHEN_BREAK = re.compile(r"[^\W\d_]-$")
# "- item", "• item", "1. item", "(2) item", "一、item", "（三）item": a list item starts its own line.
LIST_MARKER = re.compile(
    r"^(?:[-•*·▪●◦‣+]\s|\d{1,2}(?:[.)]\s|、)|[（(]\d{1,2}[)）]\s*[^\W\d_]|[（(]?[一二三四五六七八九十]{1,3}[、)）])"
)


def inner_pairs(lines: Sequence[Line]) -> list[tuple[int, int]]:
    """Index pairs of consecutive non-blank lines inside one block."""
    return [
        (i, i + 1)
        for i in range(len(lines) - 1)
        if lines[i].text and lines[i + 1].text and not lines[i].hint and not lines[i + 1].hint
    ]


def starts_list_item(previous: str, line: str) -> bool:
    """Whether ``line`` starts a list item.  A dash or a bracketed number may also be text wrapped
    off a line that stops mid-sentence ("... 7-6" / "(5) to seal the win").

    >>> starts_list_item("The plan has three parts:", "- a new lane")
    True
    >>> starts_list_item("Granollers and Lopez won 6-4, 7-6", "(5) to seal the victory.")
    False
    """
    if not LIST_MARKER.match(line):
        return False
    ambiguous = AMBIGUOUS_MARKER.match(line) and not LIST_MARKER.match(previous)
    return not (ambiguous and previous[-1:].isalnum())


def first_word(text: str) -> str:
    match = FIRST_WORD.match(text)
    return match.group() if match else ""


def measured(lines: Sequence[Line], i: int) -> bool:
    """Whether line ``i`` tells the wrap width: not the last line before a list item (a short item
    or the line that leads into the list)."""
    return not starts_list_item(lines[i].text, lines[i + 1].text)


def wrap_width(lines: Sequence[Line]) -> int | None:
    """The width a hard-wrapped document was wrapped at, or None when it was not wrapped.

    >>> text = "one two three four five six seven eight nine ten eleven twelve thirteen"
    >>> lines = [Line(i, w) for i, w in enumerate([text[:40], text[41:], "", text[:38], text[39:]])]
    >>> wrap_width(lines)
    40
    """
    pairs = [(i, j) for i, j in inner_pairs(lines) if measured(lines, i)]
    lengths = [len(lines[i].text) for i, _ in pairs]
    candidates = [n for n in lengths if n <= MAX_WRAP_WIDTH]
    if not candidates:
        return None
    width = max(candidates)
    near = sum(1 for n in lengths if width - WRAP_SLACK <= n <= width)
    if width < MIN_WRAP_WIDTH or near < WRAPPED_SHARE * len(lengths):
        return None
    # Lines of similar length are not enough: the next word must not have fitted (in the width of
    # the line's block, as paragraphs may each have their own), as textwrap does.
    widths = block_widths(lines)
    full = sum(1 for i, j in pairs if continues(lines[i].text, lines[j].text, widths[i]))
    return width if full >= FULL_SHARE * len(lengths) else None


def measured_width(lines: Sequence[Line], width: int | None) -> int | None:
    """``wrap_width(lines)``, unless the caller measured it already (``width`` is not ``NOT_MEASURED``)."""
    return wrap_width(lines) if width == NOT_MEASURED else width


def continues(previous: str, line: str, width: int | None, text_width: int = 0) -> bool:
    """Whether ``line`` was wrapped off ``previous``: the next word did not fit, or (in a wrapped
    text whose line lost characters to repairs, such as a ``<p>`` tag) the sentence plainly goes on:
    ``previous`` ends with no punctuation and ``line`` starts in lower case.

    >>> continues("The city said on Tuesday that it would", "open a new line.", 40)
    True
    >>> continues("A short heading", "The body starts here.", 40)
    False
    >>> continues("Prices rose sharply in", "the second quarter.", 40)
    True

    A list item never continues a line; Chinese wraps anywhere, so a Chinese line was wrapped only
    when it fills the width (and the document's width ``text_width``, when known):

    >>> continues("Three things changed:", "- the timetable", 40)
    False
    >>> continues("作者：张三", "新发展阶段经济增长动能转换及路径优化研究", 20)
    False
    """
    if not width or len(previous) > min(width, MAX_WRAP_WIDTH) or starts_list_item(previous, line):
        return False
    first = first_word(line)
    if not first:
        return False
    if CJK_CHAR.match(previous[-1:]) or CJK_CHAR.match(line[:1]):
        return len(previous) >= max(width, text_width) - CJK_WRAP_SLACK
    if len(previous) + 1 + len(first) > width:
        return True
    return first[:1].islower() and previous[-1:].isalnum()


def wrap_separator(previous: str, line: str) -> str:
    """What re-joins a hard-wrapped line: a space between words, nothing between CJK characters.

    >>> wrap_separator("the new", "plant"), wrap_separator("上海金山", "正式开工")
    (' ', '')
    >>> wrap_separator("he said:", "“It works.”"), wrap_separator("a well-", "known name")
    (' ', '')
    """
    before, after = previous.rstrip(QUOTES)[-1:], line.lstrip(QUOTES)[:1]
    cjk = CJK_CHAR.match(before) or CJK_CHAR.match(after)
    return "" if cjk or HYPHEN_BREAK.search(previous) and after.isalpha() else " "


def block_widths(lines: Sequence[Line]) -> list[int]:
    """Per line, the longest non-final line of its block: a lower bound of the width it was wrapped at.

    Wrapped paragraphs may each have their own width; every line but the last is as long as
    that width allows, so the block's longest such line stands in for it.
    """
    widths = [0] * len(lines)
    start = 0
    for end in range(len(lines) + 1):
        if end < len(lines) and lines[end].text:
            continue
        width = max((len(lines[i].text) for i in range(start, end - 1)), default=0)
        widths[start:end] = [width] * (end - start)
        start = end + 1
    return widths


def paragraph_spans(
    lines: Sequence[Line], same_paragraph: Callable[[int, int], bool], text_width: int | None
) -> list[list[int]]:
    """Group non-blank line indices into paragraphs.

    ``text_width`` is None when the document was not wrapped, else the width ``lines`` were
    wrapped at (0 when unknown).  In a wrapped document, line ``j`` joins the paragraph of line
    ``j - 1`` when both are in one block, ``j`` is not indented, the wrap test holds and
    ``same_paragraph(j - 1, j)``.
    """
    if text_width is None:  # no width to wrap at: no line continues another
        return [[j] for j, line in enumerate(lines) if line.text]
    # A short block tells little about the width; Chinese, which wraps anywhere, is held to the
    # document's (``text_width``).
    widths = block_widths(lines)
    spans: list[list[int]] = []
    for j, line in enumerate(lines):
        if not line.text:
            continue
        previous = lines[j - 1] if j else None
        if (
            spans
            and previous is not None
            and spans[-1][-1] == j - 1
            and not line.indented
            and not line.hint
            and not previous.hint
            and continues(previous.text, line.text, widths[j], text_width)
            and same_paragraph(j - 1, j)
        ):
            spans[-1].append(j)
        else:
            spans.append([j])
    return spans


def span_text(lines: Sequence[Line], span: Sequence[int]) -> str:
    """The text of a paragraph made of the lines ``span``."""
    if len(span) == 1:  # most paragraphs are one line: nothing to join
        return lines[span[0]].text
    pieces = [lines[span[0]].text]
    for i, j in zip(span, span[1:], strict=False):
        pieces += [wrap_separator(lines[i].text, lines[j].text), lines[j].text]
    return "".join(pieces)


def segment(lines: list[Line], labels: list[Label], width: int | None = NOT_MEASURED) -> list[Paragraph]:
    """Kept lines to paragraphs: wrapped lines of one paragraph (same kind) are re-joined.

    ``width`` is ``wrap_width(lines)``, measured here unless the caller has it already.
    """
    width = measured_width(lines, width)
    # Dropped lines are blanked; a line blank already is kept as it is (of a blank line, only the
    # text is read).
    visible = [Line(line.no, "") if line.text and label.kind in (BLANK, DROP) else line
               for line, label in zip(lines, labels, strict=True)]

    def same_paragraph(i: int, j: int) -> bool:
        return labels[i].kind == labels[j].kind and labels[j].kind in JOINABLE_KINDS

    # Whether to join at all is the document's call; the width Chinese lines are held to is read
    # off the kept lines, which blanking may have changed.
    text_width = None if width is None else wrap_width(visible) or 0
    return [
        Paragraph(labels[span[0]].kind, span_text(lines, span))
        for span in paragraph_spans(visible, same_paragraph, text_width)
    ]
