"""CJK mojibake that ftfy does not handle: text decoded with the wrong CJK or Western codec.

Three families, each undone by encoding with the codec that was wrongly used and
decoding with the right one, strictly (a lossy round trip is never applied):

* UTF-8 read as GBK/GB18030 (``鏂板崕绀`` is 新华社) or as Big5;
* GBK or Big5 read as Latin-1/cp1252 (``ÖÐÎÄ`` is 中文);
* short Chinese lines of UTF-8 read as cp1252/Latin-1 that ftfy leaves alone
  (``å¼ ç´ å³°`` is 张素峰).

A candidate is kept only when it reads better: its Han characters are mostly
common ones (level 1 of GB2312 or of Big5), clearly more so than the input's.
"""

from __future__ import annotations

import re
from functools import lru_cache

import ftfy.bad_codecs  # noqa: F401  (registers "sloppy-windows-1252")

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Characters a single-byte Western decoder makes from bytes 0x80-0xFF.
WESTERN_HIGH = re.compile(r"[\u0080-\u00ff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
                          r"\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]+")
LETTERS = re.compile(r"[^\W\d_]+")
HIGH_BYTES = bytes(range(0x80, 0x100))
ASCII_NON_LETTERS = bytes(byte for byte in range(0x80) if not LETTERS.match(chr(byte)))
UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
# GBK and Big5 text rarely has more than half its bytes in UTF-8 shapes; UTF-8 has all of them.
MAX_UTF8_SHARE = 0.75
# Fewer Western high characters than this are too little evidence of a misread CJK text.
MIN_WESTERN_HIGH = 4

# (name, codec the text was wrongly decoded with, codec it really was in)
Misread = tuple[str, str, str]
UTF8_MISREAD: tuple[Misread, ...] = (("utf-8-as-gbk", "gb18030", "utf-8"), ("utf-8-as-big5", "big5", "utf-8"))
LEGACY_MISREAD = tuple(
    (f"{right_name}-as-{wrong_name}", wrong, right)
    for right_name, right in (("gbk", "gb18030"), ("big5", "big5"))
    for wrong_name, wrong in (("cp1252", "sloppy-windows-1252"), ("latin-1", "latin-1"))
)
# Short Chinese lines that ftfy leaves alone (too little evidence): UTF-8 read as a Western code page.
UTF8_AS_WESTERN = (
    ("utf-8-as-cp1252", "sloppy-windows-1252", "utf-8"), ("utf-8-as-latin-1", "latin-1", "utf-8"),
)
MIN_COMMON_SHARE = 0.8
MIN_GAIN = 0.25


@lru_cache(maxsize=1)
def common_han() -> frozenset[str]:
    """Han characters of level 1 of GB2312 (simplified) and of Big5 (traditional)."""
    chars = set()
    for lead in range(0xB0, 0xD8):
        chars.update(bytes([lead, trail]).decode("gb2312", "ignore") for trail in range(0xA1, 0xFF))
    for lead in range(0xA4, 0xC7):
        for trail in (*range(0x40, 0x7F), *range(0xA1, 0xFF)):
            chars.add(bytes([lead, trail]).decode("big5", "ignore"))
    chars.discard("")
    return frozenset(chars)


def common_share(text: str) -> float:
    """Share of the Han characters of ``text`` that are common ones (0.0 without Han).

    >>> common_share("新华社北京电"), common_share("鏂板崕绀")
    (1.0, 0.25)
    """
    han = HAN.findall(text)
    if not han:
        return 0.0
    return sum(map(common_han().__contains__, han)) / len(han)


@lru_cache(maxsize=1)
def common_han_class() -> str:
    """The common Han characters (no kana of Big5), as the body of a regular expression's class."""
    return "".join(sorted(ch for ch in common_han() if HAN.match(ch)))


@lru_cache(maxsize=1)
def uncommon_han() -> re.Pattern[str]:
    """A Han character outside ``common_han()``: clean Chinese has few, CJK mojibake many."""
    common = common_han()
    return re.compile("[" + "".join(ch for ch in map(chr, range(0x3400, 0xFB00))
                                     if HAN.match(ch) and ch not in common) + "]")


def round_trip(text: str, wrong: str, right: str) -> str | None:
    """``text`` encoded with ``wrong`` and decoded with ``right``, or ``None`` if either step fails."""
    try:
        return text.encode(wrong).decode(right)
    except (UnicodeEncodeError, UnicodeDecodeError):
        return None


def reads_better(share: float, original_share: float) -> bool:
    """A candidate with this ``common_share`` has mostly common Han characters, clearly more than
    the original."""
    return share >= MIN_COMMON_SHARE and share - original_share >= MIN_GAIN


def count_high_bytes(data: bytes) -> int:
    """How many bytes of ``data`` are 0x80-0xFF.

    >>> count_high_bytes("a中".encode("utf-8"))
    3
    """
    return len(data) - len(data.translate(None, HIGH_BYTES))


def utf8_share(data: bytes) -> float:
    """Share of the high bytes of ``data`` that form well-formed UTF-8 sequences.

    >>> utf8_share("简体中文".encode("utf-8")), utf8_share("简体中文".encode("gb18030"))
    (1.0, 0.0)
    """
    high = count_high_bytes(data)
    return sum(map(len, UTF8_SEQUENCE.findall(data))) / high if high else 0.0


def more_letters_than(count: int, text: str) -> bool:
    """Whether ``text`` has more than ``count`` letters, counted no further than needed.

    >>> more_letters_than(3, "a-bcd"), more_letters_than(4, "a-bcd"), more_letters_than(1, "Ö-Ð")
    (True, False, True)
    """
    if count >= len(text):
        return False
    if count < len(text.encode("ascii", "ignore").translate(None, ASCII_NON_LETTERS)):
        return True
    return count < sum(map(len, LETTERS.findall(text)))


def surely_not_mostly_western_high(text: str) -> bool:
    """A quick test, sufficient only, that ``text`` has fewer than ``MIN_WESTERN_HIGH`` Western
    high characters or more than twice as many letters: it has as many non-ASCII characters at
    least as the first, and as many ASCII letters at most as the second.

    >>> surely_not_mostly_western_high("Café “owners”"), surely_not_mostly_western_high("ÖÐÎÄ")
    (True, False)
    """
    ascii_chars = text.encode("ascii", "ignore")
    non_ascii = len(text) - len(ascii_chars)
    return non_ascii < MIN_WESTERN_HIGH or 2 * non_ascii < len(ascii_chars.translate(None, ASCII_NON_LETTERS))


def western_misread_utf8_share(text: str) -> float | None:
    """For text whose letters are mostly Western high characters (what CJK bytes become when read
    as cp1252 or Latin-1): the share of those bytes that are UTF-8 sequences; else ``None``."""
    if surely_not_mostly_western_high(text):
        return None
    high = sum(map(len, WESTERN_HIGH.findall(text)))
    if high < MIN_WESTERN_HIGH or more_letters_than(high * 2, text):
        return None
    return utf8_share(text.encode("sloppy-windows-1252", errors="replace"))


def misread_families(line: str) -> tuple[Misread, ...] | None:
    """The codec mix-ups that may have made ``line``; ``None`` when it cannot be CJK mojibake.

    Text with Han characters that are all common ones is never repaired (a repair must raise
    the share of common ones by ``MIN_GAIN``), nor is text without Han that is not mostly
    Western high characters.

    >>> misread_families("新华社北京电“有信心”"), misread_families("Café “owners”")
    (None, None)
    >>> misread_families("鏂板崕绀") == UTF8_MISREAD
    True
    """
    if line.isascii():
        return None
    if HAN.search(line):
        return UTF8_MISREAD if uncommon_han().search(line) else None
    share = western_misread_utf8_share(line)
    if share is None:
        return None
    return LEGACY_MISREAD if share < MAX_UTF8_SHARE else UTF8_AS_WESTERN


def fix_cjk_mojibake(line: str) -> tuple[str, str | None]:
    """Repair one line of CJK mojibake; returns the line and the repair name (``None`` if untouched).

    >>> fix_cjk_mojibake("新华社北京电".encode("utf-8").decode("gb18030"))
    ('新华社北京电', 'mojibake:utf-8-as-gbk')
    >>> fix_cjk_mojibake("新华社北京电")
    ('新华社北京电', None)
    >>> fix_cjk_mojibake("张素峰".encode("utf-8").decode("sloppy-windows-1252"))
    ('张素峰', 'mojibake:utf-8-as-cp1252')
    """
    families = misread_families(line)
    if families is None:
        return line, None
    candidates = [(text, name) for name, wrong, right in families
                  if (text := round_trip(line, wrong, right)) is not None and text != line]
    if not candidates:
        return line, None
    original_share = common_share(line)
    scored = [(common_share(text), text, name) for text, name in candidates]
    readable = [candidate for candidate in scored if reads_better(candidate[0], original_share)]
    if not readable:
        return line, None
    _, text, name = max(readable, key=lambda scored: scored[0])
    return text, f"mojibake:{name}"
