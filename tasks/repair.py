"""Stage 2: repair damaged text (mojibake, entities, tag litter, odd spaces, glosses).

Each repair is a small function ``str -> str``; ``repair_text`` runs them per line
(a line that ``needs_repair`` clears, as most are, skips them all, and so does a whole
text that it clears) and reports the names of those that changed something:

* ``mojibake:<real>-as-<wrong>`` (ftfy with CJK-safe settings, then CJK codecs),
  ``c1_controls``, ``ligatures`` ... (ftfy's other steps);
* ``html_entities``, ``tag_fragments``, ``lossy_tag`` (a closing tag whose ``<`` was
  lost with the CJK punctuation before it);
* ``odd_spaces``, ``control_chars``, ``line_endings``, ``unicode_nfc``;
* ``pinyin_gloss`` (``預(yù)計`` -> ``預計``).
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

import ftfy
from ftfy.badness import is_bad

from tasks.model import Line
from tasks.mojibake import common_han_class, fix_cjk_mojibake, misread_families

FTFY_CONFIG = ftfy.TextFixerConfig(
    unescape_html=False,
    uncurl_quotes=False,
    fix_character_width=False,
    fix_line_breaks=False,
    normalization=None,
    explain=True,
)
# The steps after the encoding fix in each pass of ``ftfy.fix_and_explain``, in its order, that
# ``FTFY_CONFIG`` turns on.
FTFY_FIXERS = tuple(ftfy.FIXERS[name] for name in (
    "fix_c1_controls", "fix_latin_ligatures", "fix_character_width", "uncurl_quotes", "fix_line_breaks",
    "fix_surrogates", "remove_terminal_escapes", "remove_control_chars",
) if getattr(FTFY_CONFIG, name))
CODEC_NAMES = {"sloppy-windows-1252": "cp1252", "windows-1252": "cp1252", "utf-8-variants": "utf-8"}
FTFY_STEP_NAMES = {
    "fix_c1_controls": "c1_controls",
    "decode_inconsistent_utf8": "mojibake:inconsistent-utf-8",
    "fix_latin_ligatures": "ligatures",
    "fix_surrogates": "surrogates",
    "remove_terminal_escapes": "terminal_escapes",
    "remove_control_chars": "control_chars",
}
C1_CONTROL = re.compile(r"[\x80-\x9f]")
# What clean text is made of: ASCII, typographic quotes and dashes, CJK and full-width punctuation, Han.
CLEAN_TEXT = ("\x00-\x7f\u00b7\u2013\u2014\u2018\u2019\u201c\u201d\u2026"
              "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef")
# Where ftfy's badness heuristic may see mojibake: each of its patterns needs a C1 control, a
# lone Œ, œ, Â or Ã, or two non-ASCII characters in a row, one of them not of clean text
# (tests/test_repair.py checks this on ftfy's own pattern).  As one class comes first, the
# search skips clean text fast: a character not of clean text, then a non-ASCII character
# after or before it, or it is one that counts alone.
FTFY_SUSPECT = re.compile(f"[^{CLEAN_TEXT}](?:[^\x00-\x7f]|(?<=[^\x00-\x7f].)|(?<=[\x80-\x9fŒœÂÃ]))")

LINE_BREAK = re.compile(r"\r\n?|\u2028|\u2029")  # literals only: the search skips to a candidate
ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
TAG_NAMES = (
    r"p|br|div|span|font|b|i|u|s|em|strong|small|big|sup|sub|center|a|img|hr|li|ul|ol|dl|dt|dd|"
    r"table|thead|tbody|tr|td|th|h[1-6]|blockquote|section|article|header|footer|nav|figure|figcaption"
)
TAG_FRAGMENT = re.compile(rf"</?(?:{TAG_NAMES})(?:\s[^<>]{{0,200}})?\s*/?>", re.IGNORECASE)
WORD_CHAR = re.compile(r"\w")
# A closing tag whose "<" went with the multi-byte punctuation before it: "信心?!?/p>".
LOSSY_CLOSING_TAG = re.compile(rf"(?<=[\u3400-\u9fff])[?？!�]{{1,4}}/(?:{TAG_NAMES})>\s*$", re.IGNORECASE)
ODD_SPACES = r"\u00a0\u2000-\u200a\u202f\u205f"
ODD_SPACE = re.compile(f"[{ODD_SPACES}]")
INVISIBLES = r"\u200b-\u200d\u2060\ufeff"
INVISIBLE = re.compile(f"[{INVISIBLES}]")
# Soft hyphens go with the controls, after the mojibake repair: "\xad" is half of a misread "í".
CONTROLS = r"\x00-\x08\x0b-\x1f\x7f-\x9f\xad"
CONTROL = re.compile(f"[{CONTROLS}]")

HAN_CHAR = r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
PINYIN_LETTERS = "a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
PINYIN_GLOSS = re.compile(rf"({HAN_CHAR})[(（]([{PINYIN_LETTERS}]{{1,7}}[1-5]?)[)）]")
# What a repair other than the mojibake repair or the gloss removal acts on: an entity's "&",
# a tag's "<" or ">", odd spaces, invisible and control characters.
REPAIR_CHAR = re.compile(f"[&<>{ODD_SPACES}{INVISIBLES}{CONTROLS}]")
# The ASCII characters that no repair acts on alone: all printable ones but "&", "<", ">", and tab
# and line feed.
REPAIR_FREE_ASCII = "\t\n\x20-\x25\x27-\x3b\x3d\x3f-\x7e"
TONE_MARKS = str.maketrans("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ", "aaaaeeeeiiiioooouuuuüüüünnnm")


def fix_line_endings(text: str) -> str:
    """CRLF, CR and Unicode line separators become LF (looked for first with ``in``, much faster
    than a search; they are all that ``LINE_BREAK`` matches)."""
    if "\r" not in text and "\u2028" not in text and "\u2029" not in text:
        return text
    return LINE_BREAK.sub("\n", text)


def mojibake_names(explanation: list) -> list[str]:
    """Repair names for an ftfy plan: ``encode X`` + ``decode Y`` is ``mojibake:Y-as-X``.

    >>> mojibake_names([("encode", "sloppy-windows-1252"), ("decode", "utf-8")])
    ['mojibake:utf-8-as-cp1252']
    """
    names, encoded_with = [], None
    for action, step in explanation:
        if action == "encode":
            encoded_with = CODEC_NAMES.get(step, step)
        elif action == "decode" and encoded_with:
            names.append(f"mojibake:{CODEC_NAMES.get(step, step)}-as-{encoded_with}")
            encoded_with = None
        elif step in FTFY_STEP_NAMES:
            names.append(FTFY_STEP_NAMES[step])
    return names


def fix_and_explain(line: str) -> tuple[str, list]:
    """``ftfy.fix_and_explain(line, config=FTFY_CONFIG)``, in one of its passes when that pass
    changes the line only by fixing its encoding (as for most mojibake): the next pass would start
    from text that ftfy's encoding fix has settled, so it would change nothing, and would only add
    again the steps of the encoding fix's last, text-keeping round (e.g. ``transcode
    fix_c1_controls`` of C1 controls that cp1252 lacks), whose repair names are listed already."""
    fixed, explanation = ftfy.fix_encoding_and_explain(line, FTFY_CONFIG)
    if any(fixer(fixed) != fixed for fixer in FTFY_FIXERS):
        return ftfy.fix_and_explain(line, config=FTFY_CONFIG)
    return fixed, explanation


def fix_with_ftfy(line: str) -> tuple[str, list[str]]:
    """ftfy's encoding repair, only for lines with C1 controls or that its badness heuristic flags;
    lines made only of the characters of clean text are not even shown to the heuristic."""
    if not FTFY_SUSPECT.search(line) or not (C1_CONTROL.search(line) or is_bad(line)):
        return line, []
    fixed, explanation = fix_and_explain(line)
    return fixed, mojibake_names(explanation or []) if fixed != line else []


def fix_mojibake(line: str) -> tuple[str, list[str]]:
    """Repair the mojibake of a line's text; its indent and trailing space take no part (the
    stored paragraph is stripped, and cleaning it again must decide the same).

    >>> fix_mojibake("\u3000\u3000\x80Ä")[0] == "\u3000\u3000" + fix_mojibake("\x80Ä")[0]
    True
    """
    text = line.strip()
    if not text or text == line:
        return fix_mojibake_text(line)
    start = len(line) - len(line.lstrip())
    fixed, done = fix_mojibake_text(text)
    return line[:start] + fixed + line[start + len(text):], done


def fix_mojibake_text(line: str) -> tuple[str, list[str]]:
    """CJK codec mix-ups first (ftfy would mangle GBK read as cp1252), then ftfy, then CJK again
    for a second layer that ftfy uncovered."""
    fixed, cjk = fix_cjk_mojibake(line)
    if cjk:
        return fixed, [cjk]
    fixed, done = fix_with_ftfy(line)
    if fixed != line:
        fixed, cjk = fix_cjk_mojibake(fixed)
        done += [cjk] if cjk else []
    return fixed, done


def unescape_entities(line: str) -> str:
    """Decode HTML entities, twice at most (``&amp;nbsp;`` was escaped twice).

    >>> unescape_entities("AT&amp;T&#8217;s price&nbsp;cut")
    'AT&T’s price\\xa0cut'
    """
    for _ in range(2):
        unescaped = ENTITY.sub(lambda m: html.unescape(m.group()), line)
        if unescaped == line:
            break
        line = unescaped
    return line


def strip_tag_fragments(line: str) -> str:
    """Remove stray tags; a space is kept where the tag sat between two words.

    >>> strip_tag_fragments("<p>Markets rallied.<br/>Bonds fell.</p>")
    'Markets rallied. Bonds fell.'
    >>> strip_tag_fragments("股市上涨<br>债市下跌")
    '股市上涨债市下跌'
    """
    def replace(match: re.Match) -> str:
        before, after = line[match.start() - 1 : match.start()], line[match.end() : match.end() + 1]
        latin_before = bool(before) and before.isascii() and not before.isspace()
        latin_after = bool(after) and after.isascii() and WORD_CHAR.match(after) is not None
        return " " if latin_before and latin_after else ""

    return TAG_FRAGMENT.sub(replace, line)


def restore_lossy_closing_tag(line: str) -> str:
    """Drop a closing tag damaged together with the CJK full stop (and quote) before it.

    The lost punctuation is put back: ``。`` and, when a ``“`` is still open, ``”``.

    >>> restore_lossy_closing_tag("也更加堅定了信心?!?/p>")
    '也更加堅定了信心。'
    >>> restore_lossy_closing_tag("他說：“我們很有信心?!?/p>")
    '他說：“我們很有信心。”'
    """
    match = LOSSY_CLOSING_TAG.search(line)
    if not match:
        return line
    head = line[: match.start()]
    quote_open = head.count("“") > head.count("”")
    return head + "。" + ("”" if quote_open else "")


def normalize_spaces(line: str) -> str:
    """NBSP and other odd spaces become a plain space (the full-width indent stays)."""
    return ODD_SPACE.sub(" ", line)


def remove_invisible(line: str) -> str:
    """Remove zero-width characters and a BOM inside text."""
    return INVISIBLE.sub("", line)


def remove_controls(line: str) -> str:
    """Remove C0/C1 control characters (tabs stay) and soft hyphens."""
    return CONTROL.sub("", line)


def to_nfc(line: str) -> str:
    return unicodedata.normalize("NFC", line)


def normalized_reading(reading: str) -> set[str]:
    """A pinyin reading in the forms a gloss may take: tone marks, tone number, no tone.

    >>> sorted(normalized_reading("yù"))
    ['yu', 'yu4', 'yù']
    """
    plain = reading.translate(TONE_MARKS)
    tone = next((str(i) for i, marks in enumerate(("āēīōūǖ", "áéíóúǘńḿ", "ǎěǐǒǔǚň", "àèìòùǜǹ"), 1)
                 if any(ch in marks for ch in reading)), "")
    forms = {reading, plain, plain + tone, plain.replace("ü", "v"), plain.replace("ü", "v") + tone}
    return forms | {plain + "5"} if not tone else forms


@lru_cache(maxsize=4096)
def readings_of(char: str) -> frozenset[str]:
    """Every accepted gloss of one Han character (its own and its simplified form's readings)."""
    from pypinyin import Style, pinyin

    from tasks.language import to_simplified

    forms = set()
    for variant in {char, to_simplified(char)}:
        for reading in pinyin(variant, style=Style.TONE, heteronym=True)[0]:
            forms |= normalized_reading(reading)
    return frozenset(forms)


def has_pinyin_gloss(line: str) -> bool:
    """Whether a bracketed word follows a Han character, as a pinyin gloss does."""
    return ("(" in line or "（" in line) and PINYIN_GLOSS.search(line) is not None


def strip_pinyin_glosses(line: str) -> str:
    """Remove ``(pinyin)`` right after the Han character it reads; other brackets stay.

    >>> strip_pinyin_glosses("預(yù)計數據(jù)將於人工智能(AI)大會(上海)公佈")
    '預計數據將於人工智能(AI)大會(上海)公佈'
    """
    if not has_pinyin_gloss(line):
        return line

    def replace(match: re.Match) -> str:
        char, gloss = match.groups()
        return char if gloss in readings_of(char) else match.group()

    return PINYIN_GLOSS.sub(replace, line)


MAX_REPAIR_PASSES = 3
Repair = tuple[str, Callable[[str], str]]
# Before the mojibake repair: what would hide a misread byte sequence from it.
BEFORE_MOJIBAKE: tuple[Repair, ...] = (
    ("html_entities", unescape_entities),
    ("control_chars", remove_invisible),
)
# After it: C1 controls are gone only now (Latin-1 mojibake is made of them), and zero-width
# characters the mojibake spelled out (``â€‹``) exist only now.
AFTER_MOJIBAKE: tuple[Repair, ...] = (
    ("control_chars", remove_invisible),
    ("lossy_tag", restore_lossy_closing_tag),
    ("tag_fragments", strip_tag_fragments),
    ("odd_spaces", normalize_spaces),
    ("control_chars", remove_controls),
    ("unicode_nfc", to_nfc),
    ("pinyin_gloss", strip_pinyin_glosses),
)


def apply_repairs(line: str, repairs: tuple[Repair, ...], done: list[str]) -> str:
    """Run ``repairs`` in order, noting in ``done`` the names of those that changed ``line``."""
    for name, repair in repairs:
        fixed = repair(line)
        if fixed != line:
            done.append(name)
            line = fixed
    return line


def repair_pass(line: str, done: list[str]) -> str:
    """Every repair once, in order; the names of those that changed something go to ``done``."""
    line = apply_repairs(line, BEFORE_MOJIBAKE, done)
    line, mojibake = fix_mojibake(line)
    done += mojibake
    return apply_repairs(line, AFTER_MOJIBAKE, done)


@lru_cache(maxsize=1)
def repair_prone_char() -> re.Pattern[str]:
    """A character that some repair may act on, alone or next to another: any but ASCII ones that
    none acts on alone (``REPAIR_FREE_ASCII``), CJK punctuation, full-width forms and common Han.
    These are clean text to ``FTFY_SUSPECT``, and ``misread_families`` finds a codec mix-up only
    in a line with an uncommon Han character or with Western high characters."""
    return re.compile(f"[^{REPAIR_FREE_ASCII}\u3000-\u303f\uff00-\uffef{common_han_class()}]")


def is_repair_free(text: str) -> bool:
    """Whether ``needs_repair`` clears ``text`` (it is then the same as ``fix_line_endings(text)``),
    by a test faster than it that most texts pass: ``text`` has no repair-prone character (and so
    no CR), no pinyin gloss, and is in NFC.

    >>> is_repair_free("　　新华社北京电\\n他说，有信心。"), is_repair_free("Prices rose&nbsp;5%\\nok")
    (True, False)
    """
    return (repair_prone_char().search(text) is None and not has_pinyin_gloss(text)
            and unicodedata.is_normalized("NFC", text))


def needs_repair(text: str) -> bool:
    """Whether some repair may change a line of ``text``: a cheap test that lets most lines, and
    most texts at once, skip them all.

    On a whole text, each search finds what it finds in one of its lines (no match spans a line
    break) and NFC keeps to each line (a line feed composes with nothing); ``misread_families``
    weighs one line's letters, so it looks at each.

    >>> needs_repair("“我们有信心。”他说。"), needs_repair("Rates rose — again."), needs_repair("鏂板崕绀")
    (False, False, True)
    >>> needs_repair("Rates rose — again.\\n“我们有信心。”"), needs_repair("Rates rose.\\n鏂板崕绀")
    (False, True)
    """
    return (REPAIR_CHAR.search(text) is not None or FTFY_SUSPECT.search(text) is not None
            or has_pinyin_gloss(text) or not unicodedata.is_normalized("NFC", text)
            or any(misread_families(line) is not None for line in text.split("\n")))


def repair_line(line: str) -> tuple[str, list[str]]:
    """Repair one line (no line breaks inside); returns it and the names of the repairs done.

    Passes repeat while they change the line (at most ``MAX_REPAIR_PASSES``): removing a tag
    or a control character can join the halves of a misread sequence, and repaired text
    must come out of a second cleaning unchanged.

    >>> repair_line("\xadÜ¯")[0], repair_line("à¸&lt;p&gt;\x80")[0]
    ('ܯ', '\u0e00')
    """
    done: list[str] = []
    for _ in range(MAX_REPAIR_PASSES):
        fixed = repair_pass(line, done) if needs_repair(line) else line
        if fixed == line:
            break
        line = fixed
    return line, done


def repair_text(text: str) -> tuple[str, list[str]]:
    """Repair a whole decoded text; returns the text and the names of the repairs done.

    >>> repair_text("Prices rose&nbsp;5%\\r\\n<p>预(yù)计")[0]
    'Prices rose 5%\\n预计'

    """
    if is_repair_free(text):
        return text, []
    repairs = set()
    fixed = fix_line_endings(text)
    if fixed != text:
        repairs.add("line_endings")
    if not needs_repair(fixed):
        return fixed, sorted(repairs)
    lines = []
    for line in fixed.split("\n"):
        line, done = repair_line(line)
        lines.append(line)
        repairs.update(done)
    return "\n".join(lines), sorted(repairs)


def fix_markup_mojibake(markup: str) -> tuple[str, list[str]]:
    """An HTML page's mojibake, repaired line by line in its source, before its text is extracted:
    extraction folds no-break spaces and drops C1 controls, which are pieces of misread characters
    (``來æº\x90`` is 來源 read as cp1252), so an extracted line could no longer be repaired.

    >>> fix_markup_mojibake("<p>2021å¹´9æœˆ12æ—¥ ä¾†æº\x90</p>")
    ('<p>2021年9月12日 來源</p>', ['mojibake:utf-8-as-cp1252'])
    """
    repairs: set[str] = set()
    lines = markup.split("\n")
    for i, line in enumerate(lines):
        if line.isascii():  # no codec mix-up reads as ASCII, and ftfy's heuristic finds it clean
            continue
        fixed, done = fix_mojibake_text(line)
        if done:
            lines[i] = fixed
            repairs.update(done)
    return "\n".join(lines), sorted(repairs)


def repair_lines(lines: list[Line]) -> tuple[list[Line], list[str]]:
    """Repair the text of each line (for HTML blocks)."""
    repairs: set[str] = set()
    for line in lines:
        text, done = repair_text(line.text)
        if done:
            line.text = text.strip()
            repairs.update(done)
    return lines, sorted(repairs)
