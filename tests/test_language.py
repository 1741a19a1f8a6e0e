"""Language and script identification of texts and documents."""

from __future__ import annotations

import re
import runpy
from array import array
from functools import cache
from pathlib import Path

import py3langid
import pytest
from eval_lines import eval_lines
from py3langid.langid import MODEL_DIR

from tasks.decode import decode_bytes, unwrap
from tasks.language import (
    ANY_ALPHABET,
    HAN,
    HANGUL,
    KANA,
    LETTER,
    NOT_ALPHABET,
    NOT_CJK,
    SAMPLE_CHARS,
    _converter,
    _identifier,
    alphabet,
    ascii_letters,
    ascii_words,
    changeable_chars,
    changed_chars,
    cjk_counts,
    count,
    differing_chars,
    english_paragraph,
    han_script,
    identify,
    identify_document,
    may_match,
    mostly_cjk,
    sample_words,
    script_and_letters,
    surely_changed_chars,
    to_simplified,
)
from tasks.model import Paragraph, RejectError


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The central bank raised interest rates by a quarter point on Tuesday.", ("en", "Latn")),
        ("国家统计局今天发布数据显示，前四个月全国规模以上工业增加值同比增长6.2%。", ("zh", "Hans")),
        ("行政院今天通過明年度總預算案，經濟部表示將持續推動產業升級與數位轉型。", ("zh", "Hant")),
        ("蘋果公司週二表示，計劃要求美國法官駁回司法部在3月份提起的訴訟。", ("zh", "Hant")),
        ("苹果公司周二表示，计划要求美国法官驳回司法部在3月份提起的诉讼。", ("zh", "Hans")),
        ("東京証券取引所は本日、株価が大幅に上昇したと発表しました。", ("ja", "Jpan")),
        ("서울 중앙지방법원은 오늘 삼성전자 사건에 대한 판결을 내렸다.", ("ko", "Kore")),
        ("Правительство России сообщило во вторник о росте промышленного производства.", ("ru", "Cyrl")),
        ("Le gouvernement français a annoncé mardi une nouvelle réforme des retraites.", ("fr", "Latn")),
        ("Die Bundesregierung hat am Dienstag ein neues Klimaschutzgesetz beschlossen.", ("de", "Latn")),
    ],
)
def test_identify(text: str, expected: tuple[str, str]) -> None:
    assert identify(text) == expected


def test_chinese_with_english_terms_is_still_chinese() -> None:
    assert identify("苹果CEO库克表示，iPhone 15 Pro在中国市场的销量超出预期。") == ("zh", "Hans")


def test_english_with_a_chinese_name_is_still_english() -> None:
    text = "Premier Li Qiang (李强) told the World Economic Forum that China's economy grew 5.2% last year."
    assert identify(text) == ("en", "Latn")


@pytest.mark.parametrize("text", ["", "   ", "2024-05-22 10:30", "+1 | 12 | 345", "OK", "iPhone 15"])
def test_too_little_to_tell_is_undetermined(text: str) -> None:
    assert identify(text)[0] == "und"


def test_script_of_han_text() -> None:
    assert han_script("上海湾区高新区创新构建工作机制") == "Hans"
    assert han_script("上海灣區高新區創新構建工作機制") == "Hant"
    assert han_script("中国人民") == "Hans"  # shared characters only: Simplified by default
    assert to_simplified("數據顯示") == "数据显示"


REPO = Path(__file__).resolve().parents[1]
SHARED_EVAL = REPO.parent / "shared" / "eval"
CJK_CODE_POINTS = [*range(0x3000, 0xA000), *range(0xF900, 0xFB00), *range(0x20000, 0x2FA20)]


@cache
def real_han_texts() -> tuple[str, ...]:
    """The Han characters of the sample (``SAMPLE_CHARS``) of each seed and eval case, of each of
    their lines and of each eval line: what ``han_script`` is given."""
    paths = [*(REPO / "seeds").glob("*.txt"), *(REPO / "seeds").glob("*.html"),
             *SHARED_EVAL.glob("*/cases/*.*")]
    texts = [decoded_text(path) for path in sorted(paths)]
    samples = [text[:SAMPLE_CHARS] for text in texts] + [line for text in texts for line in text.splitlines()]
    return tuple(han for han in ("".join(HAN.findall(text)) for text in samples + list(eval_lines())) if han)


def decoded_text(path: Path) -> str:
    """The text of a file as cleaning decodes it; none when it is rejected (empty, binary ...)."""
    try:
        return decode_bytes(unwrap(path.read_bytes(), path.name), path.suffix == ".html").text
    except RejectError:
        return ""


def converted_han_script(han: str) -> str:
    """``han_script`` by both conversions, always: what the shortcuts must agree with."""
    def changed(config: str) -> int:
        converted = _converter(config).convert(han)
        assert len(converted) == len(han)
        return differing_chars(han, converted)

    traditional = changed("t2s")
    return "Hant" if traditional and traditional > changed("s2t") else "Hans"


def changed_alone(config: str) -> str:
    """The CJK characters a conversion changes when each is converted alone."""
    alone = "\n".join(map(chr, CJK_CODE_POINTS))  # no key holds a line break
    converted = _converter(config).convert(alone)
    return "".join(a for a, b in zip(alone, converted, strict=True) if a != b)


@pytest.mark.parametrize("config", ["t2s", "s2t"])
def test_a_conversion_changes_only_characters_it_may_change(config: str) -> None:
    changed = changed_alone(config)
    assert len(changed) > 1000 and changeable_chars(changed, config) == len(changed)
    for han in real_han_texts():
        assert changed_chars(han, config) <= changeable_chars(han, config), han


def test_t2s_changes_the_characters_it_surely_changes() -> None:
    every = "".join(map(chr, CJK_CODE_POINTS))
    assert surely_changed_chars(every, "t2s") > 1000
    assert surely_changed_chars(changed_alone("t2s"), "t2s") == surely_changed_chars(every, "t2s")
    for han in real_han_texts():
        assert surely_changed_chars(han, "t2s") <= changed_chars(han, "t2s"), han


def test_han_script_agrees_with_converting_both_ways_on_real_text() -> None:
    texts = real_han_texts()
    assert len(texts) > 1000 and sum(len(han) >= 500 for han in texts) > 50
    scripts = [han_script(han) for han in texts]
    assert scripts == [converted_han_script(han) for han in texts]
    assert {"Hans", "Hant"} <= set(scripts)


def test_changeable_characters_are_those_of_the_installed_opencc() -> None:
    generator = runpy.run_path(str(REPO / "scripts" / "opencc_changes.py"))
    if not generator["OPENCC_DICT"].exists():
        pytest.skip("this OpenCC has no opencc_dict to read its dictionaries with")
    assert (REPO / "tasks" / "opencc_changes.py").read_text(encoding="utf-8") == generator["module_text"]()


def test_document_language_and_short_paragraphs_inherit_it() -> None:
    paragraphs = [
        Paragraph("title", "Markets rally"),
        Paragraph("body", "Stocks rose sharply on Wednesday after the central bank signalled a pause."),
        Paragraph("body", "Bond yields fell and the dollar weakened against the euro and the yen."),
        Paragraph("body", "12:30"),
    ]
    assert identify_document(paragraphs) == ("en", "Latn")
    assert [p.language for p in paragraphs] == ["en", "en", "en", "en"]


def test_a_foreign_paragraph_keeps_its_own_language() -> None:
    paragraphs = [
        Paragraph("body", "The ministry published the full statement in Chinese on Tuesday evening."),
        Paragraph("body", "外交部发言人表示，中方坚决反对任何形式的单边制裁。"),
        Paragraph("body", "Analysts said the wording was unusually strong for a routine briefing."),
    ]
    assert identify_document(paragraphs) == ("en", "Latn")
    assert [p.language for p in paragraphs] == ["en", "zh", "en"]


def test_traditional_document() -> None:
    paragraphs = [
        Paragraph("title", "颱風逼近"),
        Paragraph("body", "天文臺於下午發出八號烈風或暴風信號，學校停課。"),
    ]
    assert identify_document(paragraphs) == ("zh", "Hant")
    assert [p.language for p in paragraphs] == ["zh", "zh"]


def test_empty_document() -> None:
    assert identify_document([]) == ("und", "Zyyy")


def test_chinese_naming_a_japanese_brand_in_katakana_is_still_chinese() -> None:
    assert identify("索尼（ソニー）公司今天在东京发布了新一代游戏主机，售价约为五百美元。") == ("zh", "Hans")


def test_count_covers_every_character_of_the_runs() -> None:
    text = "苹果CEO库克表示，iPhone 15 Pro在中国市场的销量超出预期。"
    assert count(HAN, text) == sum("\u4e00" <= ch <= "\u9fff" for ch in text) == 18
    assert count(LETTER, "Premier Li Qiang (李强) said") == 20


def test_cjk_counts() -> None:
    assert cjk_counts("外交部发言人表示，中方坚决反对任何形式的单边制裁。") == (23, 0, 0)
    assert cjk_counts("東京証券取引所は本日、株価が大幅に上昇したと発表しました。") == (17, 10, 0)
    assert cjk_counts("The ministry said on Tuesday.") == (0, 0, 0)


def test_mostly_cjk() -> None:
    assert mostly_cjk("苹果CEO库克表示，iPhone 15 Pro在中国市场的销量超出预期。", 18)
    text = "Premier Li Qiang (李强) told the World Economic Forum that China's economy grew 5.2% last year."
    assert not mostly_cjk(text, 2)
    assert not mostly_cjk("李", 1)


def test_alphabet() -> None:
    text = "Правительство России сообщило во вторник о росте производства."
    assert alphabet(text, sum(ch.isalpha() for ch in text)) == "Cyrl"
    assert alphabet("Le gouvernement français a annoncé mardi une réforme.", 44) is None
    assert alphabet("Putin (Путин) said on Tuesday that talks would resume.", 41) is None


def test_a_lone_mark_is_undetermined_not_cyrillic() -> None:
    assert identify("・") == ("und", "Zyyy")


def test_ascii_letters_and_words_match_their_regex_definitions() -> None:
    for text in ("苹果CEO库克表示，iPhone 15 Pro销量超出预期。",
                 "Xi’s state visit: the CEO's café — İstanbul",
                 "“We don't expect a rate cut,” the Fed's chair said."):
        assert ascii_letters(text) == len("".join(re.findall(r"[A-Za-z]", text)))
        assert ascii_words(text) == re.findall(r"[a-z']+", text.lower())


def test_script_and_letters_counts_latin_only_as_far_as_needed() -> None:
    english = "Apple CEO Tim Cook said iPhone 15 sales beat expectations."
    assert script_and_letters(english, 0) == ("Latn", count(LETTER, english))
    assert script_and_letters("新华社 Xinhua", 3) == ("Latn", count(LETTER, "新华社 Xinhua") - 3)
    assert script_and_letters("Президент России заявил", 0)[0] == "Cyrl"


def test_english_paragraph() -> None:
    assert english_paragraph("The mayor said that the plan was approved by the council.")
    assert english_paragraph("Photo: Reuters / Jane Doe")
    assert not english_paragraph("Der Bürgermeister sagte, dass der Plan vom Rat genehmigt wurde.")
    assert not english_paragraph("国家统计局今天发布数据")


def test_sample_words_are_the_words_of_the_joined_sample() -> None:
    lines = list(eval_lines())
    assert len(lines) > 1000
    documents = [lines[start:start + 40] for start in range(0, len(lines), 40)]
    # Paragraphs that end exactly at, one short of and one past the end of the sample.
    documents += [["x " * (SAMPLE_CHARS // 2 - 1) + length * "y", "the end"] for length in range(4)]
    documents += [["Rates", "é" * SAMPLE_CHARS, "rose"], [], [""], ["", "İstanbul"]]
    for texts in documents:
        words = [ascii_words(text) for text in texts]
        assert sample_words(texts, words) == ascii_words("\n".join(texts)), texts


@pytest.mark.parametrize(
    ("unmatched_blocks", "patterns"), [(NOT_CJK, (HAN, KANA, HANGUL)), (NOT_ALPHABET, (ANY_ALPHABET,))]
)
def test_may_match_rules_out_only_texts_the_patterns_miss(unmatched_blocks: bytes, patterns: tuple) -> None:
    ruled_out = [chr(cp) for cp in range(0x10000) if not may_match(chr(cp), unmatched_blocks)]
    assert not any(pattern.search("".join(ruled_out)) for pattern in patterns)
    assert all(may_match(chr(cp), unmatched_blocks) for cp in range(0x10000, 0x110000, 0xFF))
    for line in eval_lines():
        if not may_match(line, unmatched_blocks):
            assert not any(pattern.search(line) for pattern in patterns), line
    assert may_match("新华社 Xinhua", NOT_CJK) and not may_match("Xi’s “café”", NOT_CJK)


@pytest.fixture
def fresh_identifier(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """``_identifier`` made anew, with the user's cache in ``tmp_path``; the usual one after."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    _identifier.cache_clear()
    yield _identifier
    _identifier.cache_clear()


def test_the_model_mapped_from_the_cache_ranks_as_the_packaged_one(fresh_identifier, tmp_path: Path) -> None:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    packaged = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    made = fresh_identifier()  # decompresses the model into the cache, then maps it
    fresh_identifier.cache_clear()
    mapped = fresh_identifier()  # maps what the cache has
    stat = (MODEL_DIR / MODEL_FILE).stat()
    folder = f"py3langid-{py3langid.__version__}-{stat.st_size}-{stat.st_mtime_ns}"
    assert [path.name for path in (tmp_path / "rinse").iterdir()] == [folder]
    assert isinstance(mapped.tk_nextmove, memoryview)
    texts = list(eval_lines())[::20] + ["", "Die Welt", "Le gouvernement a annoncé une réforme."]
    for text in texts:
        assert made.rank(text) == mapped.rank(text) == packaged.rank(text), text


def test_without_a_cache_to_write_the_packaged_model_is_read(fresh_identifier, tmp_path: Path) -> None:
    (tmp_path / "rinse").write_text("not a folder")
    identifier = fresh_identifier()
    assert isinstance(identifier.tk_nextmove, array)
    assert identifier.classify("Le gouvernement a annoncé une nouvelle réforme des retraites.")[0] == "fr"
