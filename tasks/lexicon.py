"""Word lists and shapes of scraped-news boilerplate, per category, English and Chinese.

Chinese terms are written once in Simplified; ``zh`` adds the Traditional spellings
(OpenCC ``s2t``, ``s2tw``, ``s2hk``), so every pattern matches both scripts.  Each
category is a handful of compiled regexes; ``tasks.classify`` decides where (header,
body, footer) a match counts.  Word lists searched anywhere in a line are kept as a
``Lexicon`` of an English and a Chinese pattern, so that a line is searched only for the
words of the languages it could hold.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache

import opencc

_CONVERTERS = tuple(opencc.OpenCC(config) for config in ("s2t", "s2tw", "s2hk"))


@cache
def zh_variants(terms: str) -> tuple[str, ...]:
    """Space-separated Chinese terms in Simplified and Traditional script, longest first."""
    variants = set(terms.split())
    variants |= {conv.convert(term) for term in terms.split() for conv in _CONVERTERS}
    return tuple(sorted(variants, key=lambda v: (-len(v), v)))


def zh(terms: str) -> str:
    """A regex alternation of space-separated Chinese terms, in Simplified and Traditional script.

    >>> zh("报料 热线") == "(?:報料|报料|热线|熱線)"
    True
    """
    return "(?:" + "|".join(zh_variants(terms)) + ")"


def first_chars_ahead(phrases: Iterable[str]) -> str:
    """A look-ahead for the first characters of ``phrases`` (each starting with a plain character),
    which any match of their alternation starts with: where the alternation fails, one set look-up
    instead of one comparison per phrase (with case ignored, sre compares them one by one).

    >>> first_chars_ahead(["read more", "相关阅读", "related"])
    '(?=[r相])'
    """
    return "(?=[" + "".join(re.escape(char) for char in sorted({phrase[0] for phrase in phrases})) + "])"


def zh_after_gap(terms: str) -> str:
    """``zh(terms)`` behind the look-ahead for their first characters: after a gap (``.{0,12}``)
    each place is tried with one set look-up.

    >>> zh_after_gap("报料 热线") == "(?=[報报热熱])(?:報料|报料|热线|熱線)"
    True
    """
    return first_chars_ahead(zh_variants(terms)) + zh(terms)


def en(phrases: str) -> str:
    """A regex alternation of ``|``-separated English phrases, longest first."""
    return "(?:" + "|".join(sorted(phrases.split("|"), key=len, reverse=True)) + ")"


IGNORE = re.IGNORECASE
# Every character an ASCII letter of a pattern can match, case ignored: "[a-z]" with IGNORECASE also
# matches "İ", "ı", "ſ" and the Kelvin sign.  A line without one holds no English word.  (Spelled out,
# the class is searched for by a quick scan, which IGNORECASE would turn off.)
LATIN = re.compile("[a-zA-Z\u0130\u0131\u017f\u212a]")


@lru_cache(maxsize=1)
def could_be_english(text: str) -> bool:
    """Whether ``text`` has a letter an English word of the lexicon needs (remembered for the
    last line: the rules of ``tasks.classify`` ask about one line in turn).

    >>> could_be_english("Tips: (021) 5555-0134"), could_be_english("报料热线：010-6536 3311")
    (True, False)
    """
    return LATIN.search(text) is not None


def could_be_chinese(text: str) -> bool:
    """Whether ``text`` has a character a Chinese term needs (anything outside ASCII)."""
    return not text.isascii()


@lru_cache(maxsize=1)
def folded(text: str) -> str:
    """``text`` in lower case as IGNORECASE reads it: an ASCII word a case-blind pattern finds in
    ``text`` is a substring of ``folded(text)`` (remembered for the last line, as above).

    IGNORECASE also takes "İ" and "ı" for "i", "ſ" for "s" and the Kelvin sign for "k"; lower()
    spells the Kelvin sign "k" and "İ" as "i" and a combining dot, and leaves the others be.

    >>> folded("Sign Up"), folded("ſubſcribe")
    ('sign up', 'subscribe')
    """
    lowered = text.lower()
    if lowered.isascii():
        return lowered
    return lowered.replace("i\u0307", "i").replace("ı", "i").replace("ſ", "s")


@dataclass(frozen=True)
class Lexicon:
    """A category's English and Chinese patterns, each searched only where it could match.

    >>> HOTLINE_WORDS.search("报料热线：010-6536 3311"), HOTLINE_WORDS.search("The city hall reopened.")
    (True, False)
    """

    english: Keyed  # searched only where a line could hold an English word
    chinese: re.Pattern[str]

    def search(self, text: str) -> bool:
        """Whether the English or the Chinese pattern occurs in ``text``."""
        return self.english.search(text) or could_be_chinese(text) and self.chinese.search(text) is not None


def lexicon(english: str, chinese: str, keys: str) -> Lexicon:
    """A ``Lexicon`` of two regexes, case ignored; the English one ``keyed``."""
    return Lexicon(keyed(keys, english), re.compile(chinese, IGNORE))


@dataclass(frozen=True)
class LineEnd:
    """A pattern that ends a line, searched only in lines that end with its ``tail``.

    A search tries the whole pattern at every position of a line; a tail that starts with a
    word is found by a quick scan for the first characters of that word.

    >>> CAPTION_ZH[1][1].search("市民在公园赏花。 新华社记者 王明 摄"), CAPTION_ZH[1][1].search("摄影展开幕")
    (True, False)
    """

    tail: re.Pattern[str]
    whole: re.Pattern[str]

    def search(self, text: str) -> bool:
        """Whether the whole pattern occurs in ``text``."""
        return self.tail.search(text) is not None and self.whole.search(text) is not None


def line_end(head: str, tail: str) -> LineEnd:
    """The pattern ``head + tail``, where ``tail`` ("...$") is what the line must end with."""
    return LineEnd(re.compile(tail), re.compile(head + tail))


@dataclass(frozen=True)
class Needs:
    """A pattern searched only in lines that hold ``literal``, a string every match contains.

    >>> CAPTION_EN[7][1].search("Crowds in Hong Kong. Jane Doe/Reuters"), CAPTION_EN[7][1].search("Crowds")
    (True, False)
    """

    literal: str
    pattern: re.Pattern[str]

    def search(self, text: str) -> bool:
        """Whether the pattern occurs in ``text``."""
        return self.literal in text and self.pattern.search(text) is not None


def needs(literal: str, pattern: str) -> Needs:
    """``pattern``, searched only where its ``literal`` is."""
    return Needs(literal, re.compile(pattern))


@dataclass(frozen=True)
class Keyed:
    """A case-blind pattern searched only in lines where ``keys`` is found in ``folded(text)``: a regex
    of lower-case words, one of which every match spells (a quick test that most prose fails).  Every
    keyed pattern is of English words: a line that ``could_be_english`` denies is not even folded.

    >>> NEWSLETTER.english.search("Sign up for our newsletter"), NEWSLETTER.english.search("Signs")
    (True, False)
    """

    keys: re.Pattern[str]
    pattern: re.Pattern[str]

    def search(self, text: str) -> bool:
        """Whether the pattern occurs in ``text``."""
        if not could_be_english(text):
            return False
        return self.keys.search(folded(text)) is not None and self.pattern.search(text) is not None


def keyed(keys: str, pattern: str) -> Keyed:
    """``pattern`` (case ignored), searched only where ``keys`` (a regex, in lower case) is found."""
    return Keyed(re.compile(keys), re.compile(pattern, IGNORE))


def any_of(*patterns: re.Pattern[str]) -> re.Pattern[str]:
    """One regex that matches wherever one of ``patterns`` does, each with its own case rule: a
    single ``match`` tells whether a line starts like any of them (an alternation matches where one
    of its branches matches).

    >>> any_of(re.compile("^a"), re.compile("^b", IGNORE)).match("B") is not None
    True
    """
    assert all(p.flags & ~(IGNORE | re.UNICODE) == 0 for p in patterns), "only the case rule is kept"
    return re.compile("|".join(("(?i:" if p.flags & IGNORE else "(?:") + p.pattern + ")" for p in patterns))


# What a rule searches a line with: a regex, or one of the quick-test wrappers above.
Searchable = re.Pattern[str] | LineEnd | Needs | Keyed


HAN = r"\u3400-\u9fff\uf900-\ufaff"
# Separators used between widget items, breadcrumb steps and labels.
SEPARATORS = re.compile(r"[\s|｜丨/／·•,，、:：>»›＞\-–—]+")
PHONE = re.compile(
    r"(?:\+?\d{1,3}[\s-]?)?(?:\(\d{2,4}\)|\d{2,4})[\s-]?\d{3,4}[\s-]?\d{3,4}|(?<!\d)\d{4}\s\d{4}(?!\d)"
)
# Every number PHONE finds holds two runs of three digits at most a space or hyphen apart (the last
# two digit groups): a quick test that dates and times ("2024-03-05", "10:30") fail.
PHONE_DIGITS = re.compile(r"\d{3}[\s-]?\d{3}")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")

# --- share widgets -------------------------------------------------------------------
SHARE_CORE = frozenset(
    "share shares tweet email e-mail print facebook twitter linkedin whatsapp reddit pinterest telegram "
    "flipboard sharethis +1 weibo wechat 分享 分享到 分享至 一键分享 微信 微博 打印 收藏 转发 轉發 朋友圈 "
    "qq空间 qq空間 复制链接 複製鏈接 转发到 转发至 轉發到 轉發至".split()
)
SHARE_FILLER = frozenset(
    "this article story page on via to with x copy link save comment comments like pin mail it the qq a more "
    "豆瓣 评论 評論 字号 字號 大 中 小".split()
)
SHARE_VOCAB = SHARE_CORE | SHARE_FILLER
# Any core word, anywhere in a line in lower case.
SHARE_CORE_WORD = re.compile("|".join(re.escape(word) for word in sorted(SHARE_CORE)))
# "分享到朋友圈": a Chinese share verb glued to its target.
SHARE_VERB_ZH = re.compile(r"^(分享到|分享至|转发到|轉發到)(?=\S)")

# --- section labels (the very top only) -------------------------------------------
SECTION_WORDS_EN = en(
    "news|world|china|business|markets|market|tech|technology|science|autos|auto|cars|sport|sports|finance|"
    "opinion|culture|lifestyle|life|entertainment|health|travel|politics|economy|local|national|"
    "international|metro|money|style|arts|food|education|environment|weather|video|society|nation|asia|"
    "europe|us|uk|global|region|regional|city|home|property|energy|companies|industry|features|"
    "commentary|analysis|breaking|latest|football|soccer|basketball|tennis|golf|cricket|rugby|baseball|"
    "hockey|olympics|motorsport|boxing|books|music|film|movies|tv|media|law|crime|obituaries|letters|"
    "editorials|columnists|investing|stocks|housing|jobs|careers|startups|gadgets|mobile|internet|space|"
    "climate|photos|videos|podcasts|games|gaming|fashion|beauty|wellness|parenting|family|religion"
)
SECTION_WORDS_ZH = zh(
    "新闻 要闻 国内 国际 财经 科技 汽车 体育 娱乐 社会 军事 教育 健康 房产 时政 文化 "
    "旅游 评论 观点 经济 金融 股票 地方 本地 生活 时尚 视频 专题 产经 港澳 台湾 两岸 "
    "环球 首页 正文 滚动 资讯 快讯 头条 民生 法治 城市 区域 公司 产业 楼市 足球 篮球 股市 基金 理财 "
    "互联网 数码 手机 房地产 读书 影视 音乐 美食 科学"
)
BREADCRUMB = re.compile(r"^\S.{0,40}?\s*[>»›＞]\s*\S.{0,40}?(?:\s*[>»›＞]\s*\S.{0,40}?)*$")
BREADCRUMB_ROOT = re.compile(r"^(?:home|index|main|" + zh("首页 主页 当前位置 您的位置") + r")", IGNORE)

# --- datelines ------------------------------------------------------------------------
MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "oct": 10, "nov": 11, "dec": 12,
}
MONTH = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
YEAR = r"(?P<y>(?:19|20)\d\d)(?!\d)"
DATE_PATTERNS = (
    re.compile(r"(?P<y>(?:19|20)\d\d)\s*[-/.]\s*(?P<m>\d{1,2})\s*[-/.]\s*(?P<d>\d{1,2})(?!\d)"),
    re.compile(r"(?P<y>(?:19|20)\d\d)\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号號]"),
    re.compile(MONTH + r"\s*(?P<d>\d{1,2})(?:st|nd|rd|th)?\s*,?\s*" + YEAR, IGNORE),
    re.compile(r"(?<!\d)(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+" + MONTH + r"\s*,?\s*" + YEAR, IGNORE),
)
# What may surround the date on a dateline: labels, weekdays, times, time zones, separators.
DATELINE_REST = re.compile(
    r"(?:published|updated|last updated|posted|posted on|published on|first published|date|modified|"
    r"last modified|modified on|"
    r"released|release date|time|on|at|"
    + zh("发布时间 发布日期 更新时间 更新日期 发表时间 发表于 发布于 时间 日期 发稿时间 北京时间")
    + r"|(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|sday|nesday|rsday|urday)?\.?"
    r"|星期[一二三四五六日天]|周[一二三四五六日]|週[一二三四五六日]"
    r"|t?\d{1,2}\s*[:：.]\s*\d{2}(?:\s*[:：]\s*\d{2}(?:\.\d+)?)?\s*(?:[ap]\.?\s?m\.?|z\b)?"
    r"|[+-]\d{2}:?\d{2}|\d+\s*(?:minutes?|mins?|hours?|hrs?|days?)\s+ago|just now"
    r"|(?:[ap]\.?m\.?)|(?:et|est|edt|gmt|utc|bst|cst|cdt|pst|pdt|pt|hkt|cet|cest|ist|jst|sgt|bjt)"
    r"(?:\s*[+-]\s*\d{1,2}(?::?\d{2})?)?"
    r"|[\s,，|｜/:：()（）\-–—.·]+)",
    IGNORE,
)
SOURCE_SUFFIX = re.compile(r"\s*(?:" + zh("来源 稿源") + r"|source)\s*[:：]\s*(?P<source>.{1,30})$", IGNORE)

# --- bylines ----------------------------------------------------------------------------
NAME_EN = r"[A-Z][\w.'’-]*(?:\s+(?:[A-Z][\w.'’-]*|de|van|von|da|del|bin|al|la|le))*"
BYLINE_EN = re.compile(
    r"^(?:By|BY|(?i:written by|story by|words by|text by|report by))\s+(?P<name>" + NAME_EN
    + r"(?:\s+(?:and|&)\s+" + NAME_EN + r")*)"
    r"(?:\s*(?:\||｜|,|for|-|–|—|/|in)\s*(?P<org>[^.!?]{2,60}))?$",
)
# "Jane Doe, Staff Writer": a name and a newsroom role, no "By".
BYLINE_EN_ROLE = re.compile(
    r"^(?P<name>" + NAME_EN + r"),\s*(?i:(?:senior |chief |special |staff |contributing )?"
    r"(?:writer|reporter|correspondent|editor|columnist))(?P<org>)$"
)
BY = r"(?:[Bb]y\s+)?"
# The name (not all capitals: a place) before the date of a dated byline: "Jane Doe - Nov 19, 2019".
DATED_BYLINE_NAME = re.compile(r"^" + BY + r"(?P<name>(?=.*[a-z])" + NAME_EN + r")\s*[-–—|,]?\s*$")
# How a line with a dated byline starts: an optional "By" and the capital of the name.
DATED_BYLINE_START = re.compile(BY + r"[A-Z]")
BYLINE_ZH = re.compile(
    r"^[□■●◆]?[(（]?(?:文\s*[/／]\s*)?(?P<org>[" + HAN + r"A-Za-z0-9·]{0,16}?)\s*"
    + "(?:" + zh("特约记者 实习记者 本报记者 首席记者 记者 通讯员 实习生 特约撰稿 撰稿") + r"|(?<=[/／]))"
    + r"\s*(?P<name>[" + HAN + r"·]{2,4}(?:\s*[、，,\s]\s*[" + HAN + r"·]{2,4})*)[)）]?$"
)

# Wire datelines that open the first paragraph and stay in it: "WASHINGTON (Reuters) - ",
# "(CNN) -- ", "新华社北京3月5日电". They name the source.
LEAD_DATELINE_EN = re.compile(
    r"^(?:[A-Z][A-Z .,'’/-]{1,60}?(?:,\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2}(?:,\s*(?:19|20)\d\d)?)?\s*)?"
    r"\((?P<source>[A-Z][\w.&' -]{1,30}?)\)\s*(?:[-—–]{1,2}|:)\s*\S"
)
LEAD_DATELINE_ZH = re.compile(
    r"^[(（]?(?P<source>[" + HAN + r"]{1,8}?(?:社|网|網|报|報|台|电视台|電視台))"
    r"[" + HAN + r"]{0,8}?(?:(?:19|20)\d\d\s*年\s*)?\d{1,2}\s*月\s*\d{1,2}\s*日\s*[电電讯訊]"
)
# The reporter of "Reporting by Jane Doe; Editing by John Roe".
REPORTER_EN = re.compile(
    r"^[(\[]?\s*(?i:reporting by|additional reporting by|writing by)\s+(?P<name>" + NAME_EN + r")"
)

# --- editor lines and source credits ------------------------------------------------------
EDITOR_EN = re.compile(
    r"^[(\[]?\s*(?i:" + en("editor|editors|edited by|editing by|reporting by|additional reporting by|"
                           "writing by|compiled by|translated by|produced by|proofread by|copy editor|"
                           "sub-editor|subeditor")
    + r")\s*[:：]?\s*[A-Z][^.!?]{1,120}[)\]]?\.?$",
)
EDITOR_ZH = re.compile(
    r"^[(（【\[]?\s*"
    + zh("责任编辑 责编 编辑 主编 值班编辑 校对 审核 审校 终审 监制 编审 美编 编译 翻译 统筹 策划")
    + r"\s*[:：丨|/\s]\s*[^\s].{0,30}?[)）】\]]?$"
)
SOURCE_LINE = re.compile(
    r"^[(（【\[]?\s*(?:" + zh("来源 稿源 本文来源 文章来源 消息来源")
    + r"|source)\s*[:：]\s*(?P<source>[^\s].{0,40}?)[)）】\]]?$",
    IGNORE,
)

# --- photo captions with credits --------------------------------------------------------------
AGENCY = en(
    "Reuters|AFP|AP|Getty Images|Getty|EPA|EPA-EFE|Xinhua|Bloomberg|Shutterstock|Alamy|iStock|iStockphoto|"
    "Corbis|PA|PA Images|PA Wire|Kyodo|Yonhap|ANSA|Sipa|SOPA Images|NurPhoto|Anadolu|Imaginechina|VCG|"
    "IC Photo|China Daily|CNS"
)
PHOTO_WORD = en(
    "photo|photos|photograph|picture|pictures|pic|pics|image|images|photo credit|image credit|"
    "picture credit|video|graphic|illustration|file photo"
)
# A line that is only an agency's name: at the end of a story, the wire that sent it.
BARE_AGENCY = re.compile(r"^[(\[—–-]?\s*(?:" + AGENCY + r")\s*[)\]]?\.?$")
HAN_NAME = r"[" + HAN + r"·]{2,4}"
HAN_ORG = r"[" + HAN + r"A-Za-z·]{0,16}?"
CAPTION_EN = (
    ("photo_caption.credit_parens", re.compile(
        r"[(\[]\s*(?:" + PHOTO_WORD + r"|credit)\s*(?::|by|/|courtesy of)\s*[^()\[\]]{2,80}[)\]]\.?$",
        IGNORE)),
    ("photo_caption.bare_label",
     re.compile(r"^[(\[]\s*(?:file|stock)?\s*" + PHOTO_WORD + r"\s*[)\]]$", IGNORE)),
    ("photo_caption.pictured",
     re.compile(r"^(?:pictured|main picture|main image|top picture)\s*:\s*\S.{1,150}$", IGNORE)),
    ("photo_caption.credit_prefix", re.compile(r"^" + PHOTO_WORD + r"\s*(?::|by|/)\s*[^.!?]{2,80}$", IGNORE)),
    ("photo_caption.credit_suffix",
     re.compile(r"[.!?]\s+(?:" + PHOTO_WORD + r"|credit)\s*(?::|by)\s*[^.!?]{2,80}$", IGNORE)),
    # "Jane Doe | Agency | Getty Images": a credit of names joined by pipes, ending in an agency.
    ("photo_caption.agency_pipes",
     needs("|", r"^[\w.'’ -]{2,40}(?:\|[\w.'’ -]{2,40}){0,2}\|\s*" + AGENCY + r"$")),
    # A caption sentence closed by the bare name of a picture agency: "... a joint. Getty"
    ("photo_caption.trailing_picture_agency", re.compile(
        r"[.!?]\s+(?:Getty Images|Getty|Shutterstock|Alamy|iStock|iStockphoto|Corbis)$")),
    ("photo_caption.agency_slash", needs("/", r"(?:^|\s)[\w.'’ -]{2,40}/\s*" + AGENCY + r"\)?\.?$")),
    ("photo_caption.agency_prefix",
     needs("/", r"(?:^|\s|\()(?:REUTERS|AFP|AP Photo|EPA|XINHUA)/[\w.'’ -]{2,40}\)?\.?$")),
    ("photo_caption.agency_parens",
     re.compile(r"\(\s*(?:" + AGENCY + r")(?:\s+photo)?(?:/[^()]{2,40})?\s*\)\.?$", IGNORE)),
    ("photo_caption.courtesy", keyed(r"courtesy of ", r"[(\s](?:photo\s+)?courtesy of [^.!?]{2,60}\)?\.?$")),
)
CAPTION_ZH = (
    ("photo_caption.zh_credit_parens", re.compile(
        r"[(（]\s*" + zh("摄影 摄 图片 图 图片来源 图源 供图") + r"\s*[:：/／]\s*[^()（）]{1,30}[)）]$")),
    ("photo_caption.zh_shot", line_end(
        r"(?:^|[\s(（。])(?:" + HAN_ORG + zh("记者 通讯员 摄影记者 特约摄影 摄影") + r")?\s*" + HAN_NAME
        + r"(?:\s*[、，,]\s*" + HAN_NAME + r")*\s*/?\s*", zh("摄 摄影") + r"\s*[)）]?$")),
    ("photo_caption.zh_supplied",
     line_end(r"\S\s*", zh("供图 提供图片 图片提供 资料图 资料图片 供稿图") + r"\s*[)）]?$")),
    ("photo_caption.zh_reporter_pic",
     re.compile(zh("记者 通讯员") + r"\s*" + HAN_NAME + r"\s+" + zh("图 图文") + r"[)）]?$")),
    ("photo_caption.zh_prefix", re.compile(
        r"^[(（]?\s*" + zh(
            "图片来源 图片提供 图源 图片 图 摄影 摄 供图 视频来源"
        ) + r"\s*[:：/／丨|]\s*\S.{0,40}$")),
    ("photo_caption.zh_from",
     re.compile(r"^[(（]?\s*" + zh("图片来自 图片源自 图片取自") + r"\S{1,20}[)）]?$")),
    ("photo_caption.zh_agency", re.compile(
        zh(
            "新华社发 新华社记者 中新社发 视觉中国 东方IC 图虫创意 资料图片 资料图"
        ) + r"[^。！？]{0,20}[)）]?$")),
)
# The caption patterns that can match a line ending in a full stop: "." for the English patterns, "。",
# "！" or "？" for the Chinese ones.  Each of the others ends the line with its credit: a word, an agency,
# a bracket, "摄" or "供图", or (credit_prefix, credit_suffix) anything but ".", "!" and "?".
CAPTION_EN_STOPS = "."
CAPTION_ZH_STOPS = ("。", "！", "？")
CAPTION_AFTER_STOP = frozenset({
    "photo_caption.credit_parens", "photo_caption.pictured", "photo_caption.agency_slash",
    "photo_caption.agency_prefix", "photo_caption.agency_parens", "photo_caption.courtesy",
    "photo_caption.zh_prefix", "photo_caption.zh_from",
})

# --- gallery labels -----------------------------------------------------------------------------
GALLERY = re.compile(
    r"^[\[(【]?\s*(?:"
    + en("photo gallery|photo galleries|gallery|more photos|more pictures|more images|view gallery|"
         "view slideshow|slideshow|slide show|see more photos|see all photos|in pictures|photos|pictures|"
         "photo essay|photo story|image gallery|see all|view all|see more|view more")
    + "|" + zh(
        "组图 图集 更多图片 高清组图 高清图集 点击查看大图 查看大图 查看原图 图片新闻 精彩图片 "
        "相关图片 多图 查看更多图片 点击查看更多图片 更多精彩图片 高清大图"
    )
    + r")\s*(?:[:：]|\(\d+\)|（\d+）|\d+\s*/\s*\d+)?"
    r"\s*(?:(?:\d+\s*)?(?:photos|images|pictures|张))?\s*[\])】]?\s*[>》»]*$",
    IGNORE,
)

# --- related-article teasers -----------------------------------------------------------------
RELATED_PHRASES_EN = (
    "read more|read also|also read|see also|more on this|more on this story|recommended|"
    "recommended reading|recommended stories|don't miss|dont miss|you may also like|you might also like|"
    "further reading|editor's picks|editors' picks|most read|popular now|what to read next|more stories|"
    "more news|up next|read next|more|more from [\\w'’ .&-]{1,30}"
)
RELATED_TERMS_ZH = (
    "相关阅读 相关新闻 相关链接 相关报道 相关文章 延伸阅读 推荐阅读 点击进入专题 点击阅读 热点推荐 猜你喜欢 "
    "往期回顾 精彩推荐 更多阅读 热门文章 热门推荐 专题 阅读更多 相关专题 点击查看 推荐"
)
# Most lines start with no label's first character: the look-ahead turns them down at once.
RELATED_LABEL = (
    first_chars_ahead(["related", *RELATED_PHRASES_EN.split("|"), *zh_variants(RELATED_TERMS_ZH)])
    + r"(?:related(?: stories| articles| news| coverage| content| links| reading| posts)?|"
    + en(RELATED_PHRASES_EN) + "|" + zh(RELATED_TERMS_ZH) + r")"
)
RELATED_PREFIXED = re.compile(
    r"^[\[【(]?\s*" + RELATED_LABEL + r"\s*[\]】)]?\s*[:：>»|｜]\s*\S.{2,150}$", IGNORE
)
RELATED_BARE = re.compile(r"^[\[【(]?\s*" + RELATED_LABEL + r"\s*[\]】)]?\s*[:：>»]?$", IGNORE)
RELATED_CAPS_PIPE = re.compile(r"^[A-Z0-9][A-Z0-9 &'’.,-]{1,30}\s*[|｜]\s*\S.{5,150}$")
RELATED_ZH_BRACKET = re.compile(r"^【" + zh(
    "专题 相关 推荐 延伸阅读 相关阅读"
) + r"[^】]{0,10}】\s*\S.{2,60}$")

SOCIAL = r"(?:facebook|twitter|x|instagram|linkedin|youtube|tiktok|threads|weibo|wechat)"

# --- newsletter / app prompts ---------------------------------------------------------------------
# Every English prompt spells one of the keys: its verb, "?", or the words of its offer.
NEWSLETTER = lexicon(
    r"^(?:sign up|subscribe|download|follow us|never miss|stay (?:informed|updated|up to date)|"
    r"get breaking news|get (?:our|the) (?:free )?(?:app|newsletter)|join our)\b.{0,110}$"
    r"|\b(?:sign up|subscribe|register)\b.{0,40}\b(?:newsletters?|alerts|briefing|updates)\b"
    r"|\b(?:download|get) (?:our|the) (?:free )?app\b|\bfollow us on\b"
    # a prompt to follow on several networks (one network may be an author's handle, kept as written)
    r"|^follow\b.{0,60}\bon " + SOCIAL + r"\b.{0,30}\b" + SOCIAL + r"\b"
    r"|^(?:like|liked|enjoy|enjoyed|love|loved) (?:this|the|our) (?:story|article|post|piece)\?"
    r"|\b(?:delivered|straight) to your inbox\b|\benter your e-?mail\b|\b(?:daily|weekly) digest\b"
    # a magazine's subscription offer: "12 issues for £11.99"
    r"|\b\d+ (?:issues|editions) for (?:just |only )?[£$€]\s?\d"
    r"|^(?:get|receive) (?:our|the) (?:free )?(?:daily|weekly|morning|evening) "
    r"(?:briefing|newsletter|e-?mail)"
    r"|^join [\d,.]+k? (?:other )?(?:readers|subscribers)\b",
    r"^.{0,6}下[载載].{0,6}(?:app|客户端|客戶端)"
    r"|^.{0,12}" + zh_after_gap(
        "扫码 扫描二维码 长按二维码 长按识别 关注公众号 关注我们 关注微信 下载客户端 下载APP "
        "点击订阅 欢迎关注 订阅"
    )
    + r".{0,30}$",
    keys=r"sign up|subscribe|register|download|follow|never miss|stay |get breaking|get our|get the|join |\?|"
    r"inbox|enter your|digest|issues for|editions for|receive",
)

# --- adverts -------------------------------------------------------------------------------------
ADVERT_WORD = (
    en("advertisement|advertising|advert|ad|ads|sponsored|sponsored content|sponsored post|sponsored links|"
         "paid content|paid post|paid partnership|promoted|promoted content|partner content")
    + "|" + zh("广告 推广 赞助内容 商业推广 赞助 推广内容 广告位招租 广告招商 广告合作")
)
ADVERT = re.compile(
    r"^[\[(【\-–—\s]*(?:" + ADVERT_WORD + r")(?:\s*[/|｜]?\s*(?:" + ADVERT_WORD + r"))?[\]）)】\-–—\s]*$"
    r"|^(?:advertisement\W{0,3}\s*)?(?:story continues below(?: advertisement)?|continue reading below"
    r"|scroll to continue(?: with content)?)\W*$",
    IGNORE,
)

# --- hotline / tip-line / newsroom contacts ------------------------------------------------------
HOTLINE_WORDS_EN = en(
    "news tip|news tips|newstip|tips|tip line|tipline|hotline|newsroom|contact us|call us|email us|"
    "e-mail us|write to us|got a tip|got a news tip|send us your tips|send tips|reader services|"
    "customer service|call|phone|tel|whatsapp|text us|reach us|get in touch|story idea|story ideas|"
    "newsdesk|news desk|contact our|contact the"
)
# A list of words (in lower case) is its own keys: the keys are looked for by a quick scan.
HOTLINE_WORDS = lexicon(
    HOTLINE_WORDS_EN,
    zh("报料 爆料 热线 新闻热线 举报电话 举报邮箱 投稿邮箱 投稿 联系电话 联系我们 "
       "读者热线 客服电话 服务热线 新闻线索 线索 "
       "违法和不良信息举报 邮箱 电话 传真"),
    keys=HOTLINE_WORDS_EN,
)

# Reported speech: a sentence that tells what someone said is news, whatever it mentions.
REPORTED_SPEECH = lexicon(
    r"\b(?:said|says|told|according to|urged|asked)\b",
    zh("表示 指出 称 据悉 介绍 呼吁 提醒"),
    keys="said|says|told|according to|urged|asked",
)

# --- licences --------------------------------------------------------------------------------------
# A Chinese licence word counts only with its number close behind ("许可证发放工作…" is news).
# ICP numbers, Chinese as they are, need Latin letters: they are searched with the English words.
# Every notice the English pattern finds spells one of the keys ("京ICP备…", "粤B2-…", "licence no.").
LICENCE = lexicon(
    r"ICP\s*[备備证證]"
    r"|[京沪滬粤粵浙苏蘇津渝川鄂湘闽閩鲁魯豫皖赣贛冀晋晉陕陝辽遼吉黑桂琼瓊云雲贵貴甘宁寧青新藏蒙]"
    r"\s*(?:ICP|B\d)\s*[-－]?\s*\d"
    r"|\b(?:may|must|shall) not be (?:re)?(?:published|produced|broadcast|copied|distributed|redistributed)"
    r"|\brewritten or redistributed|\breproduction\b.{0,60}\b(?:prohibited|forbidden|not permitted)"
    r"|\bfor personal,? non-commercial use|\blicen[cs]e (?:number|no\.)"
    r"|^not for (?:re)?(?:distribution|publication|resale)\b",
    zh("许可证 备案号 公网安备 经营许可 出版许可 信息服务许可 网络文化经营") + r"[^。！？]{0,16}?\d",
    keys=r"icp|b\d|not be |rewritten or redistributed|reproduction|non-commercial use|licen|not for ",
)

# --- copyright ------------------------------------------------------------------------------------
# "All material copyright The Daily 2024": the word with a year, on a line that is no sentence.
COPYRIGHT_YEAR = keyed(
    "copyright", r"\bcopyright\b.{0,60}\b(?:19|20)\d\d\b|\b(?:19|20)\d\d\b.{0,60}\bcopyright\b"
)
# A short reprint ban is a notice even when it ends like a sentence ("未经授权，禁止转载。").
REPRINT_BAN = re.compile(zh("禁止转载 严禁转载 转载必究 不得转载 请勿转载 谢绝转载"))
COPYRIGHT_START = re.compile(r"^\s*(?:©|copyright\b|copr\.|(?:\(c\)|\?)\s*(?:19|20)\d\d)", IGNORE)
# "©" is one of the terms: a single alternation of words is searched for by their first characters only.
COPYRIGHT_ANY = lexicon(
    r"all rights reserved",
    zh(
        "© 版权所有 保留所有权利 未经授权不得转载 未经许可不得转载 未经授权禁止转载 转载请注明 "
        "不得转载 版权声明 著作权所有 转载必究 禁止转载 严禁转载 请勿转载"
    ),
    keys="all rights reserved",
)
