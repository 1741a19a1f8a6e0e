"""Stage 4: label every line as title, heading, body or boilerplate.

Three readable stages, in the spirit of jusText:

1. features per paragraph unit: lines are grouped the way ``segment`` will group
   them (hard-wrapped lines form one unit); each unit gets a context-free verdict
   from the category lexicons (``boilerplate``) or none.
2. position: the header zone (share widgets, section labels, the headline, one
   dateline, bylines) is read top-down, up to the first real body paragraph; the
   footer is read bottom-up (teaser headlines under a "Related" / gallery label).
3. context revision: a long line of ordinary prose in the middle of the body needs a
   strong rule to be dropped; short standalone lines between body paragraphs
   become headings.

Every dropped line carries a category and the id of the rule that decided.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache

from tasks import lexicon as lx
from tasks import segment
from tasks.language import count
from tasks.line_stats import MAX_LINE_CHARS, Repeated, line_key
from tasks.model import BLANK, BODY, DROP, HEADING, LIST_ITEM, TITLE, Label, Line, Metadata, Removed

CJK_SENTENCE_END = re.compile(r"[。！？][”」』）]*$")
SENTENCE_END = re.compile(r"[.!?。！？…][\"'’”」』)）\]]*$")
HEADLINE_BREAK = re.compile(r"[.!?。！？…:：;；,，、][\"'’”」』)）\]]*$")
SENTENCE_MARK = re.compile(r"[.!?。！？][\"'’”」』)）]*(?:\s|$)|[。！？]")
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
# One Han character: a search stops at the first, where one of ``CJK`` would read the whole run.
HAN_CHAR = re.compile("[" + lx.HAN + "]")
WORD_OR_SYMBOL = re.compile(r"[\w']+|[^\w\s]", re.UNICODE)

HINT_KINDS = (TITLE, HEADING, LIST_ITEM)
MAX_HEADLINE = 160
MAX_CJK_HEADLINE = 70
MAX_HEADING_WORDS = 12
MAX_CJK_HEADING = 30
# Body lines longer than this with several sentences are prose: only strong rules drop them.
PROSE_LENGTH = 160
# Rules trusted even on a long line of prose.
STRONG_RULES = frozenset({"copyright.start", "licence.lexicon", "advert.lexicon"})
# "- 报料邮箱: news@example.cn", "Tips: (021) 5555-0134": a label and nothing but a contact.
CONTACT_LINE = re.compile(r"^[-•*·]?\s*\S{1,16}\s*[:：]\s*(?:\S+@\S+|" + lx.PHONE.pattern + r")$")
# A short line with an e-mail address is a contact line, as is a hotline word with a service number.
MAX_CONTACT_LINE = 80
SHORT_NUMBER_END = re.compile(r"[:：]\s*\d{5,}$")
# Every contact line has a digit (a phone number), an "@" (an e-mail address) or a colon (a label).
CONTACT_MARK = re.compile(r"[\d@:：]")
# A reprint ban ("未经授权，禁止转载。") is a notice only as a short line of its own.
MAX_REPRINT_BAN = 40
# A bare agency credit ("(Reuters)", "X/Getty Images") marks a caption only on a short line.
MAX_AGENCY_CAPTION = 100
MAX_CAPTION = 300
BREADCRUMB_STEP = re.compile(r"[>»›＞]")
SECTION_SEPARATOR = re.compile(r"\s*[|｜/／·>»›＞]\s*")
SECTION_PART_ZH = re.compile(r"[" + lx.HAN + r"]{2,6}")
SECTION_WORD_ZH = re.compile(lx.SECTION_WORDS_ZH)
SECTION_WORD_EN = re.compile(lx.SECTION_WORDS_EN, re.I)
DATELINE_LABEL = re.compile(
    r"^\s*(?:published|updated|posted|last updated|first published|date)\b|^\s*"
    + lx.zh("发布时间 发布日期 更新时间 发表时间 发表于 日期"),
    re.I,
)
LINK_LABELS = ("gallery_label", "related_link")
SECTION = "section_label"
REPEATED = "repeated_line"
# A line that ends like a sentence is boilerplate by repetition only when most of the source has it.
REPEATED_SENTENCE_SHARE = 0.8
# More repeated lines than this share of a document's units: a near-copy of another document, not a footer.
MAX_REPEATED_SHARE = 0.5
NON_NAME_ORGS = re.compile(r"(?:staff|reporter|correspondent|writer|editor|contributor|columnist)", re.I)
# The header is read with look-ahead: the same few lines are asked for a date or a byline several times.
HEADER_MEMO = 1024
# Footers, widgets and credits recur from document to document: their verdicts are remembered.
BOILERPLATE_MEMO = 4096


@dataclass(frozen=True)
class Verdict:
    """A boilerplate decision: category (``removed.category``) and rule id."""

    category: str
    rule: str


# --- stage 1: context-free features and lexicon rules ---------------------------------------------


def is_cjk(text: str) -> bool:
    """Mostly Chinese (or Japanese) characters."""
    return count(CJK, text) * 2 >= len(text) - text.count(" ")


def is_prose(text: str) -> bool:
    """A long line with several sentences, the shape of a body paragraph."""
    return len(text) > PROSE_LENGTH and len(SENTENCE_MARK.findall(text)) >= 2


def headline_shaped(text: str) -> bool:
    """Short, and not ending like a sentence or clause (headlines, headings, labels).

    >>> headline_shaped("Shanghai and 3 provinces to work on new-energy vehicles")
    True
    >>> headline_shaped("The city said it would open a new line.")
    False
    """
    if not 0 < len(text) <= MAX_HEADLINE or HEADLINE_BREAK.search(text):
        return False
    return len(text) <= MAX_CJK_HEADLINE or not is_cjk(text)


def share_tokens(text: str) -> list[str]:
    """The words of a line in lower case, split at widget separators, a glued Chinese share verb
    ("分享到朋友圈") set apart.

    >>> share_tokens("分享到朋友圈 | Tweet")
    ['分享到', '朋友圈', 'tweet']
    """
    lowered = text.lower()
    glued = lx.SHARE_VERB_ZH.match(lowered)
    if glued:
        lowered = glued.group(1) + " " + lowered[glued.end():]
    return [t for t in lx.SEPARATORS.split(lowered) if t and t != "-"]


def share_widget(text: str) -> Verdict | None:
    """A line made only of share / print / e-mail buttons."""
    # A widget has a core word as a token: a line without one anywhere is none.
    if len(text) > 80 or not lx.SHARE_CORE_WORD.search(text.lower()):
        return None
    tokens = share_tokens(text)
    if tokens and all(t in lx.SHARE_VOCAB for t in tokens) and any(t in lx.SHARE_CORE for t in tokens):
        return Verdict("share_widget", "share_widget.tokens")
    return None


def has_email(text: str) -> bool:
    """An e-mail address in ``text`` (looked for only when there is an "@").

    >>> has_email("报料邮箱：news@example.cn"), has_email("Meet us @ the town hall")
    (True, False)
    """
    return "@" in text and lx.EMAIL.search(text) is not None


def has_phone(text: str) -> bool:
    """A phone number in ``text`` (looked for only where ``PHONE_DIGITS`` are).

    >>> has_phone("Tips: (021) 5555-0134"), has_phone("Updated 2024-03-05 10:30")
    (True, False)
    """
    return lx.PHONE_DIGITS.search(text) is not None and lx.PHONE.search(text) is not None


def hotline(text: str) -> Verdict | None:
    """A tip line / newsroom contact: contact words and a phone number or e-mail address.

    Reported speech ("Police said anyone … should email …") is news, not a contact line.
    """
    if len(text) > 120 or not CONTACT_MARK.search(text):
        return None
    email = has_email(text)
    if SENTENCE_END.search(text) and not email or lx.REPORTED_SPEECH.search(text):
        return None
    # The number first: contact words ("call", "tel") are common, numbers rarer and quicker to find.
    if (has_phone(text) or email) and lx.HOTLINE_WORDS.search(text):
        return Verdict("hotline", "hotline.lexicon")
    if CONTACT_LINE.match(text) and not dateline(text):
        return Verdict("hotline", "hotline.contact_shape")
    if len(text) <= MAX_CONTACT_LINE and email:
        return Verdict("hotline", "hotline.email")
    if SHORT_NUMBER_END.search(text) and lx.HOTLINE_WORDS.search(text):
        return Verdict("hotline", "hotline.short_number")
    return None


def copyright_notice(text: str) -> Verdict | None:
    """A copyright line: "© 2024 …" up to 150 characters, a notice word on a short line."""
    if len(text) > 150:
        return None
    if lx.COPYRIGHT_START.search(text):
        return Verdict("copyright", "copyright.start")
    if len(text) > 80:
        return None
    if lx.COPYRIGHT_ANY.search(text) and not CJK_SENTENCE_END.search(text):
        return Verdict("copyright", "copyright.lexicon")
    if lx.COPYRIGHT_YEAR.search(text) and not SENTENCE_END.search(text):
        return Verdict("copyright", "copyright.with_year")
    if len(text) <= MAX_REPRINT_BAN and lx.REPRINT_BAN.search(text):
        return Verdict("copyright", "copyright.reprint_ban")
    return None


# Most lines start like no editor line and no related link: one match for all shapes of each tells.
EDITOR_LINE_START = lx.any_of(lx.SOURCE_LINE, lx.EDITOR_EN, lx.EDITOR_ZH)
RELATED_LINK_START = lx.any_of(lx.RELATED_PREFIXED, lx.RELATED_ZH_BRACKET, lx.RELATED_CAPS_PIPE)


def editor_line(text: str) -> Verdict | None:
    if len(text) > 140 or not EDITOR_LINE_START.match(text):
        return None
    if lx.SOURCE_LINE.match(text):
        return Verdict("editor_line", "editor_line.source")
    if lx.EDITOR_EN.match(text) or lx.EDITOR_ZH.match(text):
        return Verdict("editor_line", "editor_line.lexicon")
    return None


CaptionRules = tuple[tuple[str, lx.Searchable, int], ...]


def caption_rules(patterns: tuple[tuple[str, lx.Searchable], ...], after_stop: bool = False) -> CaptionRules:
    """Each caption rule with the longest line it is searched in (``after_stop``: only the rules that
    can match a line ending in a full stop)."""
    return tuple(
        (rule, pattern, MAX_AGENCY_CAPTION if ".agency" in rule else MAX_CAPTION)
        for rule, pattern in patterns
        if not after_stop or rule in lx.CAPTION_AFTER_STOP
    )


CAPTIONS_EN = caption_rules(lx.CAPTION_EN)
CAPTIONS_EN_AFTER_STOP = caption_rules(lx.CAPTION_EN, after_stop=True)
CAPTIONS_ZH = caption_rules(lx.CAPTION_ZH)
CAPTIONS_ZH_AFTER_STOP = caption_rules(lx.CAPTION_ZH, after_stop=True)


def caption_candidates(text: str) -> CaptionRules:
    """The caption rules that could match ``text``, in their order: by the languages it could hold,
    and by whether it ends in a full stop."""
    english = chinese = ()
    if lx.could_be_english(text):
        english = CAPTIONS_EN_AFTER_STOP if text.endswith(lx.CAPTION_EN_STOPS) else CAPTIONS_EN
    # Every Chinese caption pattern spells a Han character.
    if lx.could_be_chinese(text) and HAN_CHAR.search(text):
        chinese = CAPTIONS_ZH_AFTER_STOP if text.endswith(lx.CAPTION_ZH_STOPS) else CAPTIONS_ZH
    return english + chinese


def photo_caption(text: str) -> Verdict | None:
    """A photo caption or credit ("Photo: Jane Doe/Reuters", "（新华社记者 王明 摄）")."""
    if len(text) > MAX_CAPTION:
        return None
    for rule, pattern, max_len in caption_candidates(text):
        if len(text) <= max_len and pattern.search(text):
            return Verdict("photo_caption", rule)
    return None


def related_link(text: str) -> Verdict | None:
    if not RELATED_LINK_START.match(text):
        return None
    if lx.RELATED_PREFIXED.match(text) or lx.RELATED_ZH_BRACKET.match(text):
        return Verdict("related_link", "related_link.label")
    if lx.RELATED_CAPS_PIPE.match(text):
        return Verdict("related_link", "related_link.caps_pipe")
    return None


def simple_rule(pattern: re.Pattern[str] | lx.Lexicon, category: str, max_len: int) -> callable:
    def rule(text: str) -> Verdict | None:
        if len(text) <= max_len and pattern.search(text):
            return Verdict(category, category + ".lexicon")
        return None

    return rule


CONTEXT_FREE_RULES = (
    copyright_notice,
    simple_rule(lx.LICENCE, "licence", 160),
    hotline,
    editor_line,
    share_widget,
    simple_rule(lx.ADVERT, "advert", 40),
    simple_rule(lx.GALLERY, "gallery_label", 40),
    simple_rule(lx.NEWSLETTER, "newsletter", 150),
    related_link,
    photo_caption,
)


@lru_cache(maxsize=BOILERPLATE_MEMO)
def boilerplate(text: str) -> Verdict | None:
    """The first category rule that matches a line on its own, wherever it stands.

    >>> boilerplate("Got a news tip? Call our hotline: 010-6536 3311")
    Verdict(category='hotline', rule='hotline.lexicon')
    >>> boilerplate("The court ruled that the copyright had expired in 2019.") is None
    True
    """
    for rule in CONTEXT_FREE_RULES:
        verdict = rule(text)
        if verdict:
            return verdict
    return None


def repeated_line(text: str, seen_in: int, n_docs: int) -> Verdict | None:
    """A line that recurs across the documents of its source (``seen_in`` of ``n_docs``) is
    boilerplate, unless it is prose, or a sentence that not most of the source repeats.

    >>> repeated_line("Harbor Daily: news you can use", 9, 10)
    Verdict(category='repeated_line', rule='repeated_line:seen_in=9/10')
    >>> repeated_line("The museum is open daily.", 6, 10) is None
    True
    """
    if is_prose(text) or SENTENCE_END.search(text) and seen_in < REPEATED_SENTENCE_SHARE * n_docs:
        return None
    return Verdict(REPEATED, f"{REPEATED}:seen_in={seen_in}/{n_docs}")


def section_part(part: str) -> bool:
    """One step of a section label: a short Title Case phrase or 2-6 Han characters."""
    if SECTION_PART_ZH.fullmatch(part):
        return len(part) <= 4 or SECTION_WORD_ZH.search(part) is not None
    words = [w for w in part.split() if w != "&"]
    other = [w for w in words if not SECTION_WORD_EN.fullmatch(w)]
    return 0 < len(words) <= 4 and len(other) <= 1 < len(words) + 1 - len(other) and all(
        w[:1].isupper() or w[:1].isdigit() for w in words
    )


def section_label(text: str) -> Verdict | None:
    """A section name or breadcrumb (only meaningful at the very top).

    >>> section_label("Home > World > News")
    Verdict(category='section_label', rule='section_label.breadcrumb')
    >>> section_label("When") is None
    True
    """
    if len(text) > 60:
        return None
    rooted = lx.BREADCRUMB_ROOT.match(text) or len(BREADCRUMB_STEP.findall(text)) >= 2
    if lx.BREADCRUMB.match(text) and rooted:
        return Verdict("section_label", "section_label.breadcrumb")
    parts = [p for p in SECTION_SEPARATOR.split(text) if p]
    if parts and all(section_part(p) for p in parts):
        return Verdict("section_label", "section_label.lexicon")
    return None


def find_date(text: str) -> tuple[dt.date, re.Match[str]] | None:
    """The first calendar date written in ``text``."""
    if "19" not in text and "20" not in text:  # every date pattern spells a year, 19xx or 20xx
        return None
    for pattern in lx.DATE_PATTERNS:
        for match in pattern.finditer(text):
            parts = match.groupdict()
            month = int(parts["m"]) if parts.get("m") else lx.MONTHS[parts["mon"].lower()[:3]]
            try:
                return dt.date(int(parts["y"]), month, int(parts["d"])), match
            except ValueError:
                continue
    return None


@lru_cache(maxsize=HEADER_MEMO)
def dateline(text: str) -> dt.date | None:
    """The date of a line that is only a date (with labels, weekday, time, zone, source).

    >>> dateline("Updated 06:59 PM, Tue May 08, 2018")
    datetime.date(2018, 5, 8)
    >>> dateline("发布时间：2023-04-20 来源：新华社")
    datetime.date(2023, 4, 20)
    >>> dateline("The plant opened on June 4, 2018 in Jinshan.") is None
    True
    """
    if len(text) > 80:
        return None
    found = find_date(text)
    if not found:
        return None
    date, match = found
    rest = lx.SOURCE_SUFFIX.sub("", text[: match.start()] + " " + text[match.end():])
    return date if not lx.DATELINE_REST.sub("", rest).strip() else None


def labelled_dateline(text: str) -> bool:
    """A dateline that says what it is ("Published:", "Updated", "发布时间")."""
    return DATELINE_LABEL.match(text) is not None


@lru_cache(maxsize=HEADER_MEMO)
def byline(text: str) -> tuple[str, str | None] | None:
    """(author, outlet) of a byline such as "By Jane Doe | The Daily" or "本报记者 张伟"."""
    if len(text) > 100:
        return None
    match = lx.BYLINE_EN.match(text) or lx.BYLINE_EN_ROLE.match(text) or lx.BYLINE_ZH.match(text)
    if not match:
        return None
    org = (match.group("org") or "").strip() or None
    if org and NON_NAME_ORGS.search(org):
        org = None
    return match.group("name").strip(), org


def dated_byline(text: str) -> tuple[str, None] | None:
    """(author, None) of a name followed by a dateline.

    >>> dated_byline("Chris Davies - Nov 19, 2019, 10:31 pm CST")
    ('Chris Davies', None)
    >>> dated_byline("LONDON, Nov 19, 2019") is None, dated_byline("Monday Nov 19, 2019") is None
    (True, True)
    """
    if not lx.DATED_BYLINE_START.match(text):  # no name first: no date to look for
        return None
    found = find_date(text)
    if not found or lx.DATELINE_REST.sub("", text[found[1].end():]).strip():
        return None
    match = lx.DATED_BYLINE_NAME.match(text[: found[1].start()])
    if not match or not lx.DATELINE_REST.sub("", match.group("name")).strip():
        return None
    return match.group("name"), None


# --- stages 2 and 3: position and context -----------------------------------------------------------


@dataclass
class Units:
    """The document as paragraph units (lists of line indices) with their text, the kind an upstream
    stage gave them (``hints``) and verdicts."""

    lines: list[Line]
    spans: list[list[int]]
    repeated: Repeated = field(default_factory=dict)
    texts: list[str] = field(init=False)
    hits: list[Verdict | None] = field(init=False)
    hints: list[str | None] = field(init=False)
    kinds: list[str] = field(init=False)
    verdicts: list[Verdict | None] = field(init=False)

    def __post_init__(self) -> None:
        self.texts = [segment.span_text(self.lines, span) for span in self.spans]
        self.hits = [boilerplate(text) for text in self.texts]
        if self.repeated:  # with no evidence, no unit is a repeated line
            self.add_repeated_hits()
        first_hints = [self.lines[span[0]].hint for span in self.spans]
        self.hints = [hint if hint in HINT_KINDS else None for hint in first_hints]
        self.kinds = [hint or BODY for hint in self.hints]
        self.verdicts = [None] * len(self.spans)

    def add_repeated_hits(self) -> None:
        """Units without a hit that the source repeats are ``repeated_line`` hits, unless most units
        are: then the document is a near-copy of another, and none is."""
        self.hits = [hit or self.repeated_hit(i) for i, hit in enumerate(self.hits)]
        repeated = [i for i, hit in enumerate(self.hits) if hit and hit.category == REPEATED]
        if len(repeated) > MAX_REPEATED_SHARE * len(self.spans):
            for i in repeated:
                self.hits[i] = None

    def repeated_hit(self, i: int) -> Verdict | None:
        """The ``repeated_line`` verdict of a one-line unit the source repeats."""
        if len(self.spans[i]) > 1 or len(self.texts[i]) > MAX_LINE_CHARS:
            return None  # a unit never counted
        evidence = self.repeated.get(line_key(self.texts[i]))
        return repeated_line(self.texts[i], *evidence) if evidence else None

    def keep_some_body(self) -> None:
        """Never leave a document without body for repetition alone: take those lines back."""
        if any(kind in (BODY, LIST_ITEM, HEADING) for kind in self.kinds):
            return
        for i, verdict in enumerate(self.verdicts):
            if verdict and verdict.category == REPEATED:
                self.kinds[i], self.verdicts[i] = BODY, None

    def drop(self, i: int, verdict: Verdict) -> None:
        self.kinds[i] = DROP
        self.verdicts[i] = verdict

    def next_unit(self, i: int) -> int | None:
        """The next unit after ``i`` that is not context-free boilerplate."""
        return next((j for j in range(i + 1, len(self.spans)) if not self.hits[j]), None)


def build_units(lines: list[Line], repeated: Repeated, width: int | None = segment.NOT_MEASURED) -> Units:
    """Group lines into paragraph units as ``segment`` will (``width``: ``segment.wrap_width(lines)``)."""
    spans = segment.paragraph_spans(lines, lambda i, j: True, segment.measured_width(lines, width))
    return Units(lines, spans, repeated)


def read_top_furniture(units: Units) -> int:
    """Drop share widgets, section labels and other boilerplate above the headline."""
    k = 0
    while k < len(units.spans) and not units.hints[k]:  # a unit of a known kind ends the furniture
        text = units.texts[k]
        verdict = units.hits[k] or section_label(text)
        if verdict is None or dateline(text) or byline(text):
            break
        units.drop(k, verdict)
        k += 1
    return k


def heads_dateline(text: str) -> bool:
    """A dateline or byline: what follows the headline in a header."""
    return dateline(text) is not None or byline(text) is not None


def title_slot(units: Units, k: int) -> str | None:
    """What the first unit under the top furniture is: ``title``, ``dateline``, ``byline``, ``body``,
    or a section label unknown to the lexicon (a short line above headline and dateline); ``None``
    past the last unit."""
    if k >= len(units.spans):
        return None
    text = units.texts[k]
    following = units.next_unit(k)
    after_next = units.next_unit(following) if following is not None else None
    next_text = units.texts[following] if following is not None else ""
    if units.hints[k] == TITLE:
        return TITLE
    if dateline(text):
        # Two dates on top: the first is a headline (the header reads headline, dateline) unless it
        # says it is a dateline itself ("Published ..." above "Updated ...") and no byline follows.
        byline_after = after_next is not None and byline(units.texts[after_next]) is not None
        headline = not labelled_dateline(text) or byline_after
        return TITLE if dateline(next_text) and headline else "dateline"
    if byline(text):
        return "byline"
    two_headlines = headline_shaped(text) and headline_shaped(next_text) and not heads_dateline(next_text)
    if after_next is not None and two_headlines and len(text) < len(next_text) \
            and heads_dateline(units.texts[after_next]):
        return SECTION
    if following is not None and (dateline(next_text) or byline(next_text) or headline_shaped(text)):
        return TITLE
    return BODY


def read_header(units: Units, meta: Metadata) -> int:
    """Read the header zone top-down; returns the index of the first body unit."""
    k = read_top_furniture(units)
    slot = title_slot(units, k)
    if slot == SECTION:
        units.drop(k, Verdict("section_label", "section_label.above_headline"))
        k += 1
        slot = title_slot(units, k)
    if slot == TITLE:
        units.kinds[k] = TITLE
        meta.title = units.texts[k]
        k += 1
    while k < len(units.spans):
        text = units.texts[k]
        date = None if meta.published_date or meta.byline else dateline(text)
        author = byline(text) or dated_byline(text)  # under the headline, a name may lead a date
        if date:
            meta.published_date = date
            source = lx.SOURCE_SUFFIX.search(text)
            meta.source = meta.source or (source.group("source").strip() if source else None)
            units.drop(k, Verdict("dateline", "dateline.header"))
        elif meta.published_date and labelled_dateline(text) and dateline(text):
            units.drop(k, Verdict("dateline", "dateline.second"))  # "Updated: ..." under "Published: ..."
        elif author:
            meta.byline = meta.byline or author[0]
            meta.source = meta.source or author[1]
            units.drop(k, Verdict("byline", "byline.header"))
        elif units.hits[k] and not units.hints[k]:
            units.drop(k, units.hits[k])
        else:
            break
        k += 1
    return k


def lead_dateline(text: str) -> tuple[str | None, dt.date | None]:
    """The agency or outlet, and the date when it gives the year, of a wire dateline opening a
    paragraph ("LONDON, March 5, 2024 (Reuters) - ...").

    >>> lead_dateline("WASHINGTON (Reuters) - The Senate passed the bill on Tuesday.")
    ('Reuters', None)
    >>> lead_dateline("新华社北京2024年3月5日电 十四届全国人大二次会议5日上午开幕。")
    ('新华社', datetime.date(2024, 3, 5))
    >>> lead_dateline("The agency (Reuters) - not a dateline.")
    (None, None)
    """
    match = lx.LEAD_DATELINE_EN.match(text) or lx.LEAD_DATELINE_ZH.match(text)
    if not match:
        return None, None
    found = find_date(match.group())
    return match.group("source").strip(), found[0] if found else None


def read_body(units: Units, start: int, meta: Metadata) -> None:
    """Drop context-free boilerplate below the header, unless it is a long line of prose."""
    for i in range(start, len(units.spans)):
        verdict = units.hits[i]
        if verdict is None or (is_prose(units.texts[i]) and verdict.rule not in STRONG_RULES):
            continue
        if units.hints[i] and verdict.category in ("photo_caption", "related_link"):
            continue
        units.drop(i, verdict)
        source = lx.SOURCE_LINE.match(units.texts[i])
        if source:
            meta.source = meta.source or source.group("source").strip()
        reporter = lx.REPORTER_EN.match(units.texts[i])
        if reporter:
            meta.byline = meta.byline or reporter.group("name").strip()
    first_body = next((i for i in range(start, len(units.spans)) if units.kinds[i] == BODY), None)
    if first_body is not None:
        source, date = lead_dateline(units.texts[first_body])
        meta.source = meta.source or source
        meta.published_date = meta.published_date or date


def teaser_headline(text: str) -> bool:
    """A linked headline: headline-shaped, and more than a word or two (or Chinese)."""
    return headline_shaped(text) and (is_cjk(text) or len(text.split()) >= 3)


def read_footer(units: Units) -> None:
    """Bottom-up over the last kept units: teaser headlines under a gallery / "Related" label are
    links, and so is a bare "Related" label above dropped links; a bare agency name is the wire's credit."""
    for i in range(len(units.spans) - 1, -1, -1):
        if units.kinds[i] == DROP:
            continue
        above = units.verdicts[i - 1] if i else None
        below = next((units.verdicts[j] for j in range(i + 1, len(units.spans)) if units.verdicts[j]), None)
        text = units.texts[i]
        if lx.RELATED_BARE.match(text) and below and below.category == "related_link":
            units.drop(i, Verdict("related_link", "related_link.bare_label"))
        elif above and above.category in LINK_LABELS and teaser_headline(text):
            units.drop(i, Verdict("related_link", "related_link.after_label"))
        elif lx.BARE_AGENCY.match(text):
            units.drop(i, Verdict("byline", "byline.closing_agency"))
        else:
            return


def mark_headings(units: Units, start: int) -> None:
    """A short standalone line between body paragraphs, ending like no sentence, is a heading."""
    kept_before = None  # kind of the last kept unit from ``start`` on
    for i in range(start, len(units.spans) - 1):
        if i > start and is_heading(units, i, kept_before):
            units.kinds[i] = HEADING
        if units.kinds[i] != DROP:
            kept_before = units.kinds[i]


def is_heading(units: Units, i: int, kept_before: str | None) -> bool:
    """Unit ``i`` is a short standalone body line after a kept body unit and before a longer one."""
    text, following = units.texts[i], units.texts[i + 1]
    # Its place first (a few comparisons), then its shape (regex searches).
    standalone = units.kinds[i] == BODY and len(units.spans[i]) == 1
    between_body = kept_before in (BODY, HEADING) and units.kinds[i + 1] == BODY
    if not (standalone and between_body and len(following) > len(text)) or not headline_shaped(text):
        return False
    short = len(text) <= MAX_CJK_HEADING if is_cjk(text) else len(text.split()) <= MAX_HEADING_WORDS
    return short and SENTENCE_END.search(following) is not None


def classify(
    lines: list[Line], repeated: Repeated | None = None, width: int | None = segment.NOT_MEASURED
) -> tuple[list[Label], Metadata]:
    """One label per line, and the metadata found on the way.

    ``repeated`` maps ``line_key`` hashes of lines this document's source repeats to their
    evidence (seen in k of n documents, see ``tasks.line_stats``); ``width`` is
    ``segment.wrap_width(lines)``, measured here unless the caller has it already.
    """
    meta = Metadata()
    units = build_units(lines, repeated or {}, width)
    start = read_header(units, meta)
    read_body(units, start, meta)
    read_footer(units)
    units.keep_some_body()
    mark_headings(units, start)
    labels: list[Label | None] = [None] * len(lines)  # the units' lines; the others are blank
    for span, kind, verdict in zip(units.spans, units.kinds, units.verdicts, strict=True):
        for j in span:
            labels[j] = Label(kind, verdict.category, verdict.rule) if verdict else Label(kind)
    return [label or Label(BLANK) for label in labels], meta


def merge_metadata(page: Metadata, found: Metadata) -> Metadata:
    """Fields from the page (HTML head) win over fields found in the text."""
    return Metadata(
        title=page.title or found.title,
        published_date=page.published_date or found.published_date,
        byline=page.byline or found.byline,
        source=page.source or found.source,
        site=page.site,
    )


def removed_lines(lines: list[Line], labels: list[Label]) -> list[Removed]:
    """The dropped lines, for the ``removed`` table."""
    return [
        Removed(line.no, line.text, label.category or "other", label.rule or "unknown")
        for line, label in zip(lines, labels, strict=True)
        if label.kind == DROP
    ]
