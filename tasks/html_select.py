"""Find a page's main content among its blocks, and say why the rest was dropped.

1. Boilerplate regions: elements whose tag (``nav``, ``aside``, ``footer``) or
   class/id (comment, share, related, advert, menu, sidebar...) names page chrome.
   A region that still holds most of the page's prose is a layout wrapper, not
   chrome, and is kept (a weak word such as menu or sidebar needs less of it).
2. Every block gets a value: prose counts for, links and boilerplate regions
   count against, and each block costs a little so that strings of short
   labels pull a region down.
3. The main container is the element whose subtree has the highest total value
   (a maximum-weight subtree: it grows over every neighbour that adds prose and
   stops at chrome), so split article bodies and sibling paragraphs come along.
4. Inside it, blocks in boilerplate regions, link lists and markup litter are
   dropped one by one; then a press release's closing company profile and the
   captions of credited pictures and video players.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import operator
import re
from dataclasses import dataclass

from tasks.classify import photo_caption
from tasks.html_blocks import Block, Page


def starting_words(words: str) -> re.Pattern[str]:
    """A pattern for the space-separated class/id words, where they start a name or follow a separator
    ("comment" in "post-comments", not in "enablecommentfeature")."""
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(words.split()) + ")")


STRONG_CHROME = (
    ("comment", starting_words("comment cmm?ts?(?![a-z]) disqus respond repl(?:y|ies) discuss pinglun 评论")),
    ("share_widget", starting_words("share sharing social addthis sociable fenxiang 分享")),
    ("advert", starting_words(r"ad(?:s|v|unit|slot|sense|sbygoogle)?(?![a-z0-9]) "
                              "advert sponsor dfp- guanggao 广告")),
    ("related_link", starting_words("related recommend more-?stories popular trending most-?(?:read|viewed) "
                                    "outbrain taboola xiangguan tuijian xgwz 相关 推荐")),
    ("newsletter", starting_words("newsletter subscri sign-?up cookie consent gdpr paywall popup")),
)
WEAK_CHROME = (
    ("navigation", starting_words("nav menu breadcrumb crumbs topbar masthead toolbar pagination pager "
                                  "skip-?link daohang tags?(?![a-z]) tagcloud categories")),
    ("footer", starting_words("footer copyright banquan colophon disclaimer "
                              "(?<!padding-)(?<!margin-)(?<!border-)bottom(?![a-z])")),
    ("sidebar", starting_words("sidebar side-bar aside widget rail(?![a-z]) skyscraper")),
    ("photo_caption", starting_words("credit gallery slideshow")),
    ("byline", starting_words("bio(?![a-z]) about-?(?:the-?)?author "
                              "author-?(?:bio|card|box|info|profile|tooltip)")),
    ("page_chrome", starting_words("print-?(?:only|header|footer|info|url|link|button)s?(?![a-z])")),
)
# Any of the words above: most class names have none, and need not be tried word list by word list.
CHROME_WORD = re.compile("|".join(pattern.pattern for _, pattern in STRONG_CHROME + WEAK_CHROME))
CHROME_TAGS = {"nav": "navigation", "aside": "sidebar", "footer": "footer"}
# A class or id made only of content words ("article", "entry-content") vetoes every chrome word.
CONTENT_TOKEN = re.compile(
    r"^(?:(?:article|content|main|story|entry|post|body|text|blog|detail|news)s?[-_]*)+$"
)
# A class that states a property of the element ("with-sidebar", "has-comments") does not name what it is.
STATE_TOKEN = re.compile(r"^(?:with|has|is|no|without)[-_]")
# A class/id/itemprop naming an article's body ("articleBody", "entry-content", "story-body").
BODY_NAME = re.compile(
    r"(?<![a-z0-9])(?:(?:article|entry|post|story)[-_]{0,2}(?:body|content|text)|body[-_]?text)(?![a-z])"
)
# Share of the main container's prose that body-named elements must hold to narrow it to them.
BODY_SHARE = 0.5
# Above the body, a block with this much unlinked text is the article's lede, not header furniture.
LEDE = 300
ENDS_SENTENCE = re.compile(r"[.!?。！？][\"'”’)）]?$")
# A ``<blockquote>`` of an embedded post from a social network, quoted by the story.
EMBEDDED_POST = starting_words("twitter-tweet instagram-media tiktok-embed")
NEVER_CHROME_TAGS = frozenset(("html", "body", "main", "article", "form", "text"))

# Share of the page's prose a region named by a weak (strong) word must hold to count as a layout wrapper.
WRAPPER_SHARE = {False: 0.4, True: 0.75}
WRAPPER_PARAGRAPHS = 3
LINK_DENSE = 0.5
SIBLING_LINK_DENSE = 0.25
# Inside the main container a sentence-long block (a reference, a linked quote) may carry more links.
PROSE_LINK_DENSE = 0.8
# Blocks with less prose weight than this and no sentence end are labels, not paragraphs.
SHORT_PROSE = 60
SENTENCE_END = re.compile(r"[.!?;:](?:\s|$)|[。！？；：，]")
BLOCK_COST = 3.0
LABEL_COST = 1.0
# The main container grows to its parent while that costs no more than this (a few captions or labels).
CLIMB_TOLERANCE = 10.0
LINK_PENALTY = 1.5
# A press release's closing company profile ("Acme is headquartered in ...", "employs 1,300 people").
COMPANY_PROFILE = re.compile(
    r"\b(?:is|are) headquartered in\b|\bemploys (?:around |approximately |about |over |more than |some )?"
    r"[\d,.]+ (?:people|employees|staff)\b|\b(?:shares|stock) (?:are|is) (?:listed|traded) on\b",
    re.I,
)
# One of these words is in every profile sentence (in ASCII text, where ignoring case is lower-casing).
PROFILE_WORDS = ("headquartered", "employs", "listed", "traded")
# In any text, one of these is in it lower-cased: ignoring case also reads ı and İ as i, ſ as s and
# K as k, but nothing else as the letters here (tests/test_html.py tries every character).
PROFILE_LETTERS = ("headquartered", "employ", "ed on")
ABOUT_LABEL = re.compile(r"^About (?:[A-Z0-9]|the [A-Z])")
# The profile and what follows it must be a small part of the kept text.
PROFILE_SHARE = 1 / 3
# A picture's caption and credit lie within a few blocks of each other.
FIGURE_BLOCKS = 4
FIGURE_ELEMENTS = 200  # a larger box is a section of the page, not a picture's
PLAYER_TAGS = frozenset(("iframe", "video", "object", "embed"))
MARKUP_LITTER = re.compile(r"</?[a-z][a-z0-9]*(?:\s[^<>]*)?>|\{[^{}]*[;:][^{}]*\}|function\s*\(", re.I)
LITTER_MARKS = ("<", "{", "(")  # each piece of litter holds one


@dataclass
class Verdict:
    """What happens to one block: kept (category None) or dropped, and why."""

    category: str | None
    rule: str


@functools.lru_cache(maxsize=1 << 16)  # pages and sites repeat their class names
def chrome_category(tag: str, attrs: str) -> tuple[str | None, bool]:
    """The boilerplate category an element's tag or class/id names, and whether the naming is strong.

    >>> chrome_category("div", "comment-list")
    ('comment', True)
    >>> chrome_category("div", "main-content sidebar-left")
    (None, False)
    >>> chrome_category("nav", "")
    ('navigation', True)
    >>> chrome_category("div", "box article modal-enabled")
    (None, False)
    >>> chrome_category("section", "l-content with-rail-video-ad")
    (None, False)
    """
    if tag in NEVER_CHROME_TAGS:
        return None, False
    tokens = [token for token in attrs.split() if not STATE_TOKEN.match(token)]
    if any(CONTENT_TOKEN.match(token) for token in tokens):
        return None, False
    attrs = " ".join(tokens)
    named = bool(attrs) and CHROME_WORD.search(attrs) is not None
    if named:
        for category, pattern in STRONG_CHROME:
            if pattern.search(attrs):
                return category, True
    if tag in CHROME_TAGS:
        return CHROME_TAGS[tag], True
    if named:
        for category, pattern in WEAK_CHROME:
            if pattern.search(attrs):
                return category, False
    return None, False


def prose_weight(block: Block) -> float:
    """The part of a block that reads like prose: its text outside links, when links do not dominate."""
    return 0.0 if block.link_density >= LINK_DENSE else float(block.weight - block.link_weight)


def subtree_sums(page: Page, values: list[float]) -> list[float]:
    """Per element, the sum of ``values`` (one per block) over the blocks its subtree owns.

    A subtree is the range of elements ``[index, end)``, so its sum is a difference of running totals
    (exact: the values are whole or half numbers).
    """
    own = [0.0] * len(page.tags)
    for block, value in zip(page.blocks, values, strict=True):
        own[block.owner] += value
    running = list(itertools.accumulate(own, initial=0.0))
    return list(map(operator.sub, map(running.__getitem__, page.ends), running))


def chrome_regions(page: Page) -> list[str | None]:
    """Per element, the boilerplate category it is named for (None when it is not chrome)."""
    prose = [prose_weight(block) for block in page.blocks]
    total = sum(prose)
    # Prose (and paragraphs) of each subtree outside chrome regions, children decided before parents.
    count = len(page.tags)
    clean = [0.0] * count
    paragraphs = [0] * count
    for block, weight in zip(page.blocks, prose, strict=True):
        clean[block.owner] += weight
        paragraphs[block.owner] += weight > 0 and not is_short(block)
    text = subtree_sums(page, [float(block.weight) for block in page.blocks])
    posted = [0.0] * count  # the part of ``text`` inside embedded social posts
    regions: list[str | None] = [None] * count
    tags, attrs, parents, hidden = page.tags, page.attrs, page.parents, page.hidden
    for index in range(count - 1, -1, -1):
        tag, names = tags[index], attrs[index]
        if hidden[index]:
            category, strong = "hidden", True
        elif names or tag in CHROME_TAGS:
            category, strong = chrome_category(tag, names)
        else:  # neither its tag nor a class names it
            category = None
        if tag == "blockquote" and EMBEDDED_POST.search(names):
            posted[index] = text[index]
        if category and not (clean[index] >= WRAPPER_SHARE[strong] * total
                             and paragraphs[index] >= WRAPPER_PARAGRAPHS):
            # A box that holds nothing but an embedded post ("article-widget tweet") frames quoted content.
            framing = category != "hidden" and text[index] > 0 and posted[index] == text[index]
            if not framing:
                regions[index] = category
                clean[index], paragraphs[index] = 0.0, 0
        parent = parents[index]
        if parent >= 0:
            clean[parent] += clean[index]
            paragraphs[parent] += paragraphs[index]
            posted[parent] += posted[index]
    return regions


def inherited_regions(page: Page, regions: list[str | None], top: int) -> list[str | None]:
    """Per element of the subtree at ``top``, the chrome region it sits in below ``top`` (or None)."""
    inherited: list[str | None] = [None] * len(page.tags)
    parents = page.parents
    for index in range(top + 1, page.ends[top]):
        parent = parents[index]
        inherited[index] = regions[index] or (inherited[parent] if parent > top else None)
    return inherited


def is_short(block: Block) -> bool:
    """A label-sized block: too little prose to count as a paragraph on its own.

    >>> from tasks.html_blocks import Block
    >>> is_short(Block("Latest news", 0, None, 11, 0)), is_short(Block("他说：“好。”", 0, None, 16, 0))
    (True, False)
    """
    return block.weight - block.link_weight < SHORT_PROSE and not SENTENCE_END.search(block.text)


def has_prose(block: Block) -> bool:
    """A paragraph's worth of text outside links."""
    return block.weight - block.link_weight >= SHORT_PROSE


def block_value(block: Block, in_chrome: bool) -> float:
    """How much a block argues for the region around it being the main content."""
    if in_chrome:
        return -float(block.weight)
    if block.link_density >= LINK_DENSE:
        return -float(block.link_weight) - BLOCK_COST
    if is_short(block):
        return -LABEL_COST
    return block.weight - (1 + LINK_PENALTY) * block.link_weight - BLOCK_COST


def drop_stranded_labels(blocks: list[Block], verdicts: list[Verdict]) -> None:
    """Drop kept label-sized blocks whose nearest full neighbours on both sides were dropped
    (a "Top headlines" heading between two link lists), as jusText does with short blocks."""
    dropped_before: list[bool] = []
    last = False
    for block, verdict in zip(blocks, verdicts, strict=True):
        dropped_before.append(last)
        if verdict.category is not None:
            last = True
        elif not is_short(block):
            last = False
    after = False
    for index in range(len(blocks) - 1, -1, -1):
        verdict, block = verdicts[index], blocks[index]
        if verdict.category is not None:
            after = True
        elif not is_short(block):
            after = False
        elif after and dropped_before[index]:
            verdicts[index] = Verdict("page_chrome", "html.stranded_label")


def states_company_profile(text: str) -> bool:
    """Whether ``text`` holds a company profile's sentence ("Acme is headquartered in ...").

    >>> states_company_profile("Acme employs 1,300 people."), states_company_profile("Acme makes tools.")
    (True, False)
    """
    lowered = text.lower()
    if not any(word in lowered for word in (PROFILE_WORDS if text.isascii() else PROFILE_LETTERS)):
        return False
    return COMPANY_PROFILE.search(text) is not None


def is_markup_litter(text: str) -> bool:
    """Whether ``text`` holds a tag, a style rule or script code that leaked into the page's text.

    >>> is_markup_litter("a { color: red }"), is_markup_litter("Prices rose (again).")
    (True, False)
    """
    return any(mark in text for mark in LITTER_MARKS) and MARKUP_LITTER.search(text) is not None


def drop_company_profile(page: Page, verdicts: list[Verdict]) -> None:
    """Drop a press release's closing company profile: from the last "About Acme" label or horizontal
    rule before the first profile sentence to the end, when that tail is a small part of the kept text."""
    kept = [index for index, verdict in enumerate(verdicts) if verdict.category is None]
    hit = next((n for n, index in enumerate(kept) if states_company_profile(page.blocks[index].text)), None)
    if hit is None:
        return
    start = None
    for n in range(hit, 0, -1):
        block, previous = page.blocks[kept[n]], kept[n - 1]
        if (is_short(block) and ABOUT_LABEL.match(block.text)) \
                or bisect.bisect_right(page.rules, previous) < bisect.bisect_right(page.rules, kept[n]):
            start = n
            break
    if start is None:
        return
    tail = sum(prose_weight(page.blocks[index]) for index in kept[start:])
    if tail <= PROFILE_SHARE * sum(prose_weight(page.blocks[index]) for index in kept):
        for index in kept[start:]:
            verdicts[index] = Verdict("company_profile", "html.company_profile")


def figure_of(page: Page, element: int) -> int:
    """The picture a caption element belongs to: its nearest ``<figure>``, else its parent."""
    index = element
    while index >= 0 and page.tags[index] != "figure":
        index = page.parents[index]
    return index if index >= 0 else page.parents[element]


def drop_figure_captions(page: Page, verdicts: list[Verdict]) -> None:
    """Drop captions that describe a picture or a player, not the story: the caption of a picture that
    carries a credit line of its own ("Photo: Getty Images", an agency or stock picture), and the
    ``<figcaption>`` of an embedded video player (a figure with a player and no picture)."""
    for index, (block, verdict) in enumerate(zip(page.blocks, verdicts, strict=True)):
        tag = page.tags[block.owner]
        if verdict.category or not (tag == "figcaption" or "caption" in page.attrs[block.owner]) \
                or photo_caption(block.text):
            continue
        figure = figure_of(page, block.owner)
        inside = range(figure, page.ends[figure])
        if len(inside) > FIGURE_ELEMENTS:
            continue
        tags = set(page.tags[figure:page.ends[figure]])
        before, after = max(0, index - FIGURE_BLOCKS), index + 1 + FIGURE_BLOCKS
        nearby = page.blocks[before:index] + page.blocks[index + 1:after]
        if tag == "figcaption" and tags & PLAYER_TAGS and "img" not in tags:
            verdicts[index] = Verdict("photo_caption", "html.player_caption")
        elif any(other.owner in inside and photo_caption(other.text) for other in nearby):
            verdicts[index] = Verdict("photo_caption", "html.credited_caption")


def main_container(page: Page, chrome: list[str | None]) -> int:
    """Index of the element whose subtree carries the most content value, widened over label-sized
    neighbours."""
    # Hidden text argues neither way: it is not part of the page a reader sees.
    values = [
        0.0 if chrome[block.owner] == "hidden" else block_value(block, bool(chrome[block.owner]))
        for block in page.blocks
    ]
    sums = subtree_sums(page, values)
    highest = max(sums)
    best = sums.index(highest) if highest > max(sums[0], 0.0) else 0  # the first of the highest
    while best > 0 and sums[page.parents[best]] >= sums[best] - CLIMB_TOLERANCE:
        best = page.parents[best]
    return best


def body_span(page: Page, chrome: list[str | None], top: int) -> tuple[int, int]:
    """The range of elements from the first to the last element naming the article body inside the main
    container (what lies around them is its header and footer), when they hold most of its prose; else
    the main container's own range.  Class, id or itemprop names are asked first, ``<article>`` next."""
    prose = subtree_sums(page, [0.0 if chrome[b.owner] else prose_weight(b) for b in page.blocks])
    stop = page.ends[top]
    for names_body in (lambda i: bool(BODY_NAME.search(page.attrs[i])), lambda i: page.tags[i] == "article"):
        first, end, held = -1, -1, 0.0
        index = top
        while index < stop:
            if prose[index] > 0 and names_body(index):
                first = index if first < 0 else first
                end, held = page.ends[index], held + prose[index]
                index = end  # what it holds is counted
            else:
                index += 1
        if first >= 0 and held >= BODY_SHARE * prose[top]:
            return first, end
    return top, stop


def summary_block(page: Page, first: int) -> Block | None:
    """The only block of the element right before the body's, under the same parent (a summary box)."""
    parent, index = page.parents[first], first - 1
    while index > parent and page.parents[index] != parent:
        index = page.parents[index]
    inside = [block for block in page.blocks if index <= block.owner < first] if index > parent else []
    return inside[0] if len(inside) == 1 else None


def is_lede(block: Block, first: int, summary: Block | None) -> bool:
    """Above the body, the article's lede: a block with a paragraph's worth of unlinked text, or the
    summary box's paragraph (sentence-ended prose, no heading)."""
    if block.owner >= first:
        return False
    if block.weight - block.link_weight >= LEDE:
        return True
    return block is summary and not block.hint and has_prose(block) \
        and block.link_density < SIBLING_LINK_DENSE and bool(ENDS_SENTENCE.search(block.text))


def sibling_paragraph(page: Page, block: Block, top: int) -> bool:
    """A ``<p>`` of prose right beside the main container belongs with it (as in Readability)."""
    owner = block.owner
    if page.tags[owner] != "p" or top == 0 or page.parents[owner] != page.parents[top]:
        return False
    return block.link_density < SIBLING_LINK_DENSE and not is_short(block)


def judge_blocks(page: Page) -> tuple[int, list[Verdict]]:
    """The first element of the main content and one verdict per block."""
    if not page.tags:
        return 0, []
    regions = chrome_regions(page)
    chrome = inherited_regions(page, regions, 0)
    top = main_container(page, chrome)
    inside = inherited_regions(page, regions, top)
    first, end = body_span(page, chrome, top)
    summary = summary_block(page, first)
    verdicts = []
    for block in page.blocks:
        owner = block.owner
        if not top <= owner < page.ends[top]:
            if sibling_paragraph(page, block, top) and not chrome[owner]:
                verdicts.append(Verdict(None, "html.main_sibling"))
            else:
                verdicts.append(Verdict(chrome[owner] or _outside_category(block), "html.outside_main"))
        elif not first <= owner < end and not is_lede(block, first, summary):
            verdicts.append(Verdict(chrome[owner] or _outside_category(block), "html.outside_body"))
        elif inside[owner] or (owner != top and regions[owner]):
            verdicts.append(Verdict(inside[owner] or regions[owner], "html.chrome_region"))
        elif block.link_density >= (PROSE_LINK_DENSE if has_prose(block) else LINK_DENSE):
            category = "related_link" if block.weight > 40 else "navigation"
            verdicts.append(Verdict(category, "html.link_density"))
        elif is_markup_litter(block.text):
            verdicts.append(Verdict("html_fragment", "html.markup_litter"))
        else:
            verdicts.append(Verdict(None, "html.main"))
    drop_stranded_labels(page.blocks, verdicts)
    drop_company_profile(page, verdicts)
    drop_figure_captions(page, verdicts)
    return first, verdicts


def _outside_category(block: Block) -> str:
    return "navigation" if block.link_density >= LINK_DENSE else "page_chrome"
