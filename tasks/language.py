"""Stage 6: language (ISO 639-1) and script (ISO 15924) of text.

The writing system decides first: kana means Japanese, Hangul Korean, Han
Chinese (Simplified ``Hans`` or Traditional ``Hant``, told apart with OpenCC);
Latin and other alphabets go to py3langid, whose model ships with the package.
Text too short or too ambiguous to tell is ``und``; a paragraph like that takes
the language of its document.
"""

from __future__ import annotations

import re
from functools import lru_cache

from tasks.model import Paragraph

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]")
KANA = re.compile(r"[\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff]")
HANGUL = re.compile(r"[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")
LETTER = re.compile(r"[^\W\d_]")
# Alphabets (other than Latin) whose text py3langid classifies.
ALPHABETS = (
    ("Cyrl", re.compile(r"[\u0400-\u04ff]")),
    ("Grek", re.compile(r"[\u0370-\u03ff]")),
    ("Arab", re.compile(r"[\u0600-\u06ff\u0750-\u077f]")),
    ("Hebr", re.compile(r"[\u0590-\u05ff]")),
    ("Deva", re.compile(r"[\u0900-\u097f]")),
    ("Thai", re.compile(r"[\u0e00-\u0e7f]")),
)
UNDETERMINED = ("und", "Zyyy")
MIN_LETTERS = 20  # fewer letters than this (Latin, Cyrillic ...) is too short to tell
MIN_HAN = 2
MIN_PROBABILITY = 0.5
SAMPLE_CHARS = 4000  # the head of a long text is enough to tell


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


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


def changed_chars(text: str, config: str) -> int:
    """How many characters of ``text`` an OpenCC conversion changes."""
    converted = _converter(config).convert(text)
    if len(converted) != len(text):
        converted = "".join(_converter(config).convert(ch) for ch in text)
    return sum(a != b for a, b in zip(text, converted, strict=False))


def han_script(text: str) -> str:
    """``Hant`` when more characters are Traditional-only than Simplified-only, else ``Hans``.

    >>> han_script("国家统计局发布数据"), han_script("國家統計局發佈數據")
    ('Hans', 'Hant')
    """
    han = "".join(HAN.findall(text))
    return "Hant" if changed_chars(han, "t2s") > changed_chars(han, "s2t") else "Hans"


def classify_alphabetic(text: str, script: str) -> tuple[str, str, bool]:
    """py3langid's language for alphabetic text; unsure when short or improbable."""
    lang, probability = _identifier().classify(text[:SAMPLE_CHARS])
    if len(LETTER.findall(text)) < MIN_LETTERS or probability < MIN_PROBABILITY:
        return "und", script, False
    return lang, script, True


def identify_with_confidence(text: str) -> tuple[str, str, bool]:
    """(language, script, sure) of one text."""
    sample = text[:SAMPLE_CHARS]
    han, kana, hangul = (len(p.findall(sample)) for p in (HAN, KANA, HANGUL))
    letters = len(LETTER.findall(sample))
    cjk = han + kana + hangul
    if cjk * 2 >= letters - cjk and cjk >= MIN_HAN:
        if kana * 10 >= cjk:
            return "ja", "Jpan", True
        if hangul * 2 >= cjk:
            return "ko", "Kore", True
        return "zh", han_script(sample), True
    if not letters:
        return (*UNDETERMINED, False)
    for script, pattern in ALPHABETS:
        if len(pattern.findall(sample)) * 2 >= letters:
            return classify_alphabetic(sample, script)
    return classify_alphabetic(sample, "Latn")


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

    A paragraph too short to tell takes the document's language.
    """
    doc_lang, doc_script = identify("\n".join(p.text for p in paragraphs))
    for p in paragraphs:
        lang, _, sure = identify_with_confidence(p.text)
        p.language = lang if sure else doc_lang
    return doc_lang, doc_script
