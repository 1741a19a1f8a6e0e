"""Stage 6: language (ISO 639-1) and script (ISO 15924) of text.

The writing system decides first: kana means Japanese, Hangul Korean, Han
Chinese (Simplified ``Hans`` or Traditional ``Hant``, told apart with OpenCC);
Latin and other alphabets go to py3langid, whose model ships with the package.
Text too short or too ambiguous to tell is ``und``; a paragraph like that takes
the language of its document.
"""

from __future__ import annotations

import lzma
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from functools import cache, lru_cache
from pathlib import Path

import numpy as np

from tasks.model import Paragraph

KANA_RANGES = r"\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff"
HANGUL_RANGES = r"\uac00-\ud7af\u1100-\u11ff\u3130-\u318f"
# Runs of characters of one kind, for ``count``: a run per match is several times faster than a
# character per match.
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]+")
KANA = re.compile(f"[{KANA_RANGES}]+")
HANGUL = re.compile(f"[{HANGUL_RANGES}]+")
KANA_OR_HANGUL = re.compile(f"[{KANA_RANGES}{HANGUL_RANGES}]")
LETTER = re.compile(r"[^\W\d_]+")
# Alphabets (other than Latin) whose text py3langid classifies.
ALPHABET_RANGES = (
    ("Cyrl", r"\u0400-\u04ff"),
    ("Grek", r"\u0370-\u03ff"),
    ("Arab", r"\u0600-\u06ff\u0750-\u077f"),
    ("Hebr", r"\u0590-\u05ff"),
    ("Deva", r"\u0900-\u097f"),
    ("Thai", r"\u0e00-\u0e7f"),
)
ALPHABETS = tuple((name, re.compile(f"[{ranges}]+")) for name, ranges in ALPHABET_RANGES)
ANY_ALPHABET = re.compile("[" + "".join(ranges for _, ranges in ALPHABET_RANGES) + "]")


def blocks_without(*patterns: re.Pattern[str]) -> bytes:
    """The numbers (``xx``) of the blocks ``U+xx00-U+xxFF`` of the Basic Multilingual Plane in which
    none of ``patterns`` matches a character; the surrogate blocks D8-DF (characters beyond the BMP
    in UTF-16) are never among them."""
    def matches_in(block: int) -> bool:
        chars = "".join(map(chr, range(block << 8, (block + 1) << 8)))
        return 0xD8 <= block <= 0xDF or any(pattern.search(chars) for pattern in patterns)

    return bytes(block for block in range(256) if not matches_in(block))


def may_match(text: str, unmatched_blocks: bytes) -> bool:
    """False only when every character of ``text`` lies in one of ``unmatched_blocks`` (see
    ``blocks_without``), so the patterns they were made for find nothing in it: the high bytes of
    its UTF-16 code units, less those blocks, are none.  A scan of bytes in C, several times quicker
    than a regex search that finds nothing.

    >>> may_match("Xi’s visit: the CEO's café", NOT_CJK), may_match("Apple 库克", NOT_CJK)
    (False, True)
    """
    return bool(text.encode("utf-16-le", "surrogatepass")[1::2].translate(None, unmatched_blocks))


NOT_CJK = blocks_without(HAN, KANA, HANGUL)
NOT_ALPHABET = blocks_without(ANY_ALPHABET)
# Byte tables for counting ASCII letters and splitting ASCII words, quicker than regex runs:
# ``ASCII_NON_LETTERS`` deletes what is not [A-Za-z]; ``WORD_BYTES`` blanks what is not [a-z'].
ASCII_NON_LETTERS = bytes(byte for byte in range(128) if not chr(byte).isalpha())
WORD_BYTES = bytes(byte if chr(byte) in "abcdefghijklmnopqrstuvwxyz'" else 0x20 for byte in range(256))
# Function words frequent in English and rare as words of other Latin-script languages.
ENGLISH_FUNCTION_WORDS = frozenset(
    "the of and to that is with for from by are this have has were been which their said it its "
    "he she they his her would will there about after when who not but".split()
)
# Frequent function words of German, French, Spanish, Italian, Portuguese and Dutch that are not
# English words: in an English document, a paragraph of ASCII letters with none of them is English.
FOREIGN_FUNCTION_WORDS = frozenset(
    "der das und nicht ist ein eine einer mit von auf für dem des sich auch wird werden "
    "les et est une dans pour pas sur du des qui que avec au aux cette sont "
    "el los las y es por para una del lo como pero muy "
    "il di che gli della sono nel delle "
    "os em um uma com do dos das "
    "het een en niet zijn op".split()
)
NON_ASCII_LETTER = re.compile(r"[^\W\d_a-zA-Z]")
# py3langid's answers that mean the text is really CJK, whatever the letter count says.
CJK_LANGUAGES = frozenset({"zh", "wuu", "yue", "ja", "ko"})
UNDETERMINED = ("und", "Zyyy")
MIN_LETTERS = 20  # fewer letters than this (Latin, Cyrillic ...) is too short to tell
MIN_HAN = 2
MIN_PROBABILITY = 0.5
SAMPLE_CHARS = 4000  # the head of a long text is enough to tell
# From this length, ruling out CJK with ``may_match`` before counting it pays: it saves a regex scan
# of each text without CJK, and costs a tenth of the scan on the others.
RULE_OUT_CJK_CHARS = 1000
# The arrays of py3langid's model (``model.npz`` in its package, lzma-compressed).
MODEL_ARRAYS = ("ptc", "pc", "classes", "nextmove", "nextmove_row", "out_feat")


def count(runs: re.Pattern[str], text: str) -> int:
    """How many characters of ``text`` the runs matched by ``runs`` cover.

    >>> count(HAN, "苹果CEO库克表示，iPhone 15 Pro销量超出预期。"), count(LETTER, "iPhone 15 Pro销量")
    (12, 11)
    """
    return sum(map(len, runs.findall(text)))


@lru_cache(maxsize=1)
def _identifier():
    """py3langid's identifier, its model mapped from the uncompressed copy in the user's cache
    (``model_arrays``), or read from the package when there is no cache to read or write."""
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    try:
        ptc, pc, classes, nextmove, row, output = model_arrays(MODEL_DIR / MODEL_FILE)
    except (OSError, ValueError, RuntimeError):  # RuntimeError: no home folder
        return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    # What py3langid's ``load_model`` makes of the arrays, but for the DFA's tables: memoryviews of
    # the mapped arrays rather than copies in ``array.array``s, which index to the same ints.
    return LanguageIdentifier(ptc, pc, classes.tolist(), memoryview(nextmove), output.tolist(),
                              norm_probs=True, tk_row=memoryview(row))


def model_arrays(packaged: Path) -> list[np.ndarray]:
    """The ``MODEL_ARRAYS`` of py3langid's lzma-compressed model ``packaged``, memory-mapped from the
    uncompressed copy ``cached_model`` keeps: no time to load (decompressing takes 0.3-0.5 s), and
    the workers of a machine share the pages of the files."""
    folder = cached_model(packaged)
    return [np.load(folder / f"{name}.npy", mmap_mode="r") for name in MODEL_ARRAYS]


def cached_model(packaged: Path) -> Path:
    """The folder of the arrays of the model ``packaged`` as ``.npy`` files, in the user's cache, made
    when missing.  Its name tells py3langid's version and the model's size and time (another model,
    another folder); it is written whole under another name first, then renamed."""
    import py3langid

    stat = packaged.stat()
    folder = cache_home() / f"py3langid-{py3langid.__version__}-{stat.st_size}-{stat.st_mtime_ns}"
    if folder.is_dir():
        return folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f"{folder.name}.", dir=folder.parent))
    try:
        with lzma.open(packaged) as source, tempfile.TemporaryFile() as npz:
            shutil.copyfileobj(source, npz, length=1 << 20)
            npz.seek(0)
            with np.load(npz) as model:
                for name in MODEL_ARRAYS:
                    np.save(staging / f"{name}.npy", model[name])
        staging.rename(folder)
    except OSError:
        if not folder.is_dir():  # else another process made it first
            raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return folder


def cache_home() -> Path:
    """Where rinse keeps what it can make again: ``$XDG_CACHE_HOME/rinse``, or ``~/.cache/rinse``."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "rinse"


@lru_cache(maxsize=2)
def _converter(config: str):
    import opencc

    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    """Simplified Chinese form of ``text`` (OpenCC ``t2s``).

    >>> to_simplified("預計數據")
    '预计数据'
    """
    return _converter("t2s").convert(text)


@lru_cache(maxsize=3)
def _marks(table: str, config: str) -> np.ndarray | None:
    """Whether each code point is among the characters ``tasks.opencc_changes.<table>[config]``, up
    to one above the highest, which stands for all above; None when they were read from the
    dictionaries of another version of OpenCC than this one."""
    import opencc

    from tasks import opencc_changes

    if opencc.__version__ != opencc_changes.OPENCC_VERSION:
        return None
    codes = list(map(ord, getattr(opencc_changes, table)[config]))
    marks = np.zeros(max(codes) + 2, dtype=bool)
    marks[codes] = True
    return marks


def marked_chars(text: str, table: str, config: str) -> int | None:
    """How many characters of ``text`` are among those of a table of ``tasks.opencc_changes`` (None
    without the table, see ``_marks``): looked up by code point in numpy, ten times quicker than in
    a set of characters."""
    marks = _marks(table, config)
    if marks is None:
        return None
    return int(np.count_nonzero(marks[np.minimum(code_points(text), len(marks) - 1)]))


def changeable_chars(text: str, config: str) -> int:
    """At most how many characters of ``text`` an OpenCC conversion changes, without converting (see
    ``tasks.opencc_changes``).

    >>> changeable_chars("国家统计局发布数据", "t2s"), changeable_chars("國家統計局發佈數據", "t2s")
    (0, 7)
    """
    marked = marked_chars(text, "CHANGEABLE", config)
    return len(text) if marked is None else marked


def surely_changed_chars(text: str, config: str) -> int:
    """At least how many characters of ``text`` an OpenCC conversion changes, without converting
    (see ``tasks.opencc_changes``; ``t2s`` only).

    >>> surely_changed_chars("國家統計局發佈數據", "t2s")
    6
    """
    marked = marked_chars(text, "ALWAYS_CHANGED", config)
    return marked or 0


def changed_chars(text: str, config: str) -> int:
    """How many characters of ``text`` an OpenCC conversion changes."""
    converted = _converter(config).convert(text)
    if converted == text:
        return 0
    if len(converted) != len(text):
        converted = "".join(_converter(config).convert(ch) for ch in text)
    return differing_chars(text, converted)


def differing_chars(a: str, b: str) -> int:
    """How many positions of two strings of one length hold different characters (compared as
    UTF-32 code units by numpy: 40 times quicker than a Python loop over 4,000 characters).

    >>> differing_chars("國家統計局", "国家统计局")
    3
    """
    return int(np.count_nonzero(code_points(a) != code_points(b)))


def code_points(text: str) -> np.ndarray:
    """The code points of ``text``, as numpy integers."""
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)


def han_script(text: str) -> str:
    """``Hant`` when more characters are Traditional-only than Simplified-only, else ``Hans``.

    >>> han_script("国家统计局发布数据"), han_script("國家統計局發佈數據")
    ('Hans', 'Hant')
    """
    han = "".join(HAN.findall(text))
    if not changeable_chars(han, "t2s"):  # most Simplified text: no need to convert
        return "Hans"
    simplified_at_most = changeable_chars(han, "s2t")
    if surely_changed_chars(han, "t2s") > simplified_at_most:  # most Traditional text: nor here
        return "Hant"
    traditional = changed_chars(han, "t2s")
    return "Hant" if traditional > simplified_at_most or traditional > changed_chars(han, "s2t") else "Hans"


Words = Callable[[], list[str]]


def classify_alphabetic(text: str, script: str, letters: int, words: Words | None = None
                        ) -> tuple[str, str, bool]:
    """py3langid's language for alphabetic text; unsure when short or improbable.

    Latin text that plainly reads as English is English without asking the model (the model
    costs more than the rest of the cleaning of an English paragraph); ``words``, when given,
    tells ``ascii_words(text)`` quicker.
    """
    if letters <= 0:
        return (*UNDETERMINED, False)
    if letters < MIN_LETTERS:
        return "und", script, False
    if script == "Latn" and english_words(words() if words else ascii_words(text)):
        return "en", script, True
    lang, probability = _identifier().classify(text)
    if probability < MIN_PROBABILITY:
        return "und", script, False
    return lang, script, True


def cjk_counts(sample: str) -> tuple[int, int, int]:
    """Han, kana and Hangul characters of ``sample`` (kana and Hangul, absent from most Chinese
    text, are counted only when there are some; a long sample is first checked for any).

    >>> cjk_counts("索尼（ソニー）公司今天在东京发布新主机"), cjk_counts("서울 중앙지방법원은 오늘")
    ((14, 3, 0), (0, 0, 11))
    """
    if len(sample) >= RULE_OUT_CJK_CHARS and not may_match(sample, NOT_CJK):
        return 0, 0, 0
    han = count(HAN, sample)
    if not KANA_OR_HANGUL.search(sample):
        return han, 0, 0
    return han, count(KANA, sample), count(HANGUL, sample)


def mostly_cjk(sample: str, cjk: int) -> bool:
    """At least ``MIN_HAN`` CJK characters and no more than twice as many other letters.

    Letters are counted only when needed: they are at most as many as the characters.
    """
    return cjk >= MIN_HAN and (cjk * 3 >= len(sample) or cjk * 3 >= count(LETTER, sample))


def alphabet(sample: str, letters: int) -> str | None:
    """The alphabet (other than Latin) of at least half the ``letters`` of ``sample``, if any."""
    if not has_alphabet(sample):
        return None
    return next((name for name, runs in ALPHABETS if count(runs, sample) * 2 >= letters), None)


def has_alphabet(text: str) -> bool:
    """Whether ``text`` has a letter of one of the ``ALPHABETS``."""
    return may_match(text, NOT_ALPHABET) and ANY_ALPHABET.search(text) is not None


def ascii_letters(text: str) -> int:
    """How many characters of ``text`` are ASCII letters.

    >>> ascii_letters("Apple CEO 库克: iPhone 15")
    14
    """
    return len(text.encode("ascii", "ignore").translate(None, ASCII_NON_LETTERS))


def script_and_letters(sample: str, cjk: int) -> tuple[str, int]:
    """The alphabet of the letters of ``sample`` that are not among its ``cjk`` characters, and
    how many there are; Latin text with ``MIN_LETTERS`` such letters in ASCII alone is not counted
    further (that many is enough to tell, see ``classify_alphabetic``).

    >>> script_and_letters("Шанхай и Пекин подписали соглашение", 0), script_and_letters("新闻 News", 2)
    (('Cyrl', 31), ('Latn', 4))
    """
    if not has_alphabet(sample):
        enough = ascii_letters(sample) - cjk
        if enough >= MIN_LETTERS:
            return "Latn", enough
    letters = count(LETTER, sample)
    return alphabet(sample, letters) or "Latn", letters - cjk


def cjk_language(sample: str, han: int, kana: int, hangul: int, han_variant: bool = True
                 ) -> tuple[str, str, bool]:
    """Japanese when kana are frequent (a brand in katakana is not), Korean when Hangul dominate,
    else Chinese (script ``Hans``/``Hant``, or just ``Hani`` without ``han_variant``)."""
    if kana * 5 >= han + kana + hangul:
        return "ja", "Jpan", True
    if hangul * 2 >= han + kana + hangul:
        return "ko", "Kore", True
    return "zh", han_script(sample) if han_variant else "Hani", True


def identify_with_confidence(text: str, han_variant: bool = True, sample_words: Words | None = None
                             ) -> tuple[str, str, bool]:
    """(language, script, sure) of one text; ``han_variant=False`` skips telling ``Hans`` from
    ``Hant`` (two OpenCC conversions) when only the language is wanted; ``sample_words``, when
    given, tells the ``ascii_words`` of the text quicker."""
    sample = text[:SAMPLE_CHARS]
    if sample.isascii():
        return classify_alphabetic(sample, "Latn", ascii_letters(sample), sample_words)
    han, kana, hangul = cjk_counts(sample)
    cjk = han + kana + hangul
    if mostly_cjk(sample, cjk):
        return cjk_language(sample, han, kana, hangul, han_variant)
    script, letters = script_and_letters(sample, cjk)
    lang, script, sure = classify_alphabetic(sample, script, letters, sample_words)
    if lang in CJK_LANGUAGES and cjk >= MIN_HAN:  # e.g. a Chinese article full of code
        return cjk_language(sample, han, kana, hangul, han_variant)
    return lang, script, sure


def identify(text: str) -> tuple[str, str]:
    """(language, script) of one text.

    >>> identify("The central bank raised interest rates by a quarter point on Tuesday.")
    ('en', 'Latn')
    >>> identify("央行周二宣布上调利率"), identify("央行週二宣佈上調利率")
    (('zh', 'Hans'), ('zh', 'Hant'))
    """
    return identify_with_confidence(text)[:2]


def identify_document(paragraphs: list[Paragraph]) -> tuple[str, str]:
    """Language and script of a document; sets each paragraph's language too.

    A paragraph too short to tell takes the document's language.  The words of each paragraph
    are split once, when first wanted, for the document's sample and for the paragraph.
    """
    texts = [p.text for p in paragraphs]
    words = cache(lambda: [ascii_words(text) for text in texts])
    doc_lang, doc_script, _ = identify_with_confidence(
        "\n".join(texts), sample_words=lambda: sample_words(texts, words()))
    for i, p in enumerate(paragraphs):
        if doc_lang == "en" and english_paragraph(p.text, words()[i]):
            p.language = "en"
            continue
        lang, _, sure = identify_with_confidence(p.text, han_variant=False)
        p.language = lang if sure else doc_lang
    return doc_lang, doc_script


def sample_words(texts: list[str], words: list[list[str]]) -> list[str]:
    """``ascii_words("\\n".join(texts))`` from the ``ascii_words`` of each of ``texts``: the words
    of the texts the sample covers whole, then those of the head of the one it cuts (a line break
    splits words as a space does, so no word spans two texts).

    >>> texts = ["Rates rose.", "The Fed's chair said so"]
    >>> sample_words(texts, list(map(ascii_words, texts))) == ascii_words("\\n".join(texts))
    True
    """
    head: list[str] = []
    room = SAMPLE_CHARS
    for text, text_words in zip(texts, words, strict=True):
        if room <= 0:
            break
        if len(text) > room:
            return head + ascii_words(text[:room])
        head += text_words
        room -= len(text) + 1
    return head


def english_paragraph(text: str, words: list[str] | None = None) -> bool:
    """In an English document, a paragraph that reads as English or is English in context;
    ``words`` are its ``ascii_words`` when already split.

    >>> english_paragraph("Die Welt, 12 May"), english_paragraph("Los vecinos piden más autobuses")
    (True, False)
    """
    words = ascii_words(text) if words is None else words
    return english_words(words) or english_in_context(text, words)


def english_in_context(text: str, words: list[str]) -> bool:
    """In an English document: only ASCII letters and no function word of another Latin-script
    language among ``words`` (``ascii_words(text)``); the model is asked about the paragraphs
    that have them, or accented letters.

    >>> text = "Researchers at the university reviewed the recycling contract"
    >>> english_in_context(text, ascii_words(text))
    True
    >>> text = "Los vecinos piden autobuses"
    >>> english_in_context(text, ascii_words(text))
    False
    """
    return NON_ASCII_LETTER.search(text[:SAMPLE_CHARS]) is None and FOREIGN_FUNCTION_WORDS.isdisjoint(words)


def ascii_words(text: str) -> list[str]:
    """The runs of ASCII letters and apostrophes of the lowercased sample of ``text``.

    >>> ascii_words("Xi’s visit: the CEO's café")
    ['xi', 's', 'visit', 'the', "ceo's", 'caf']
    """
    lowered = text[:SAMPLE_CHARS].lower().encode("ascii", "replace")
    return lowered.translate(WORD_BYTES).decode("ascii").split()


def english_words(words: list[str]) -> bool:
    """Plenty of English function words among ``words`` (a shortcut past the model for most
    English paragraphs).

    >>> english_words(ascii_words("The mayor said that the plan was approved by the council."))
    True
    >>> english_words(ascii_words("Der Bürgermeister sagte, dass der Plan vom Rat genehmigt wurde."))
    False
    """
    hits = sum(map(ENGLISH_FUNCTION_WORDS.__contains__, words))
    return hits >= 3 and hits * 5 >= len(words)
