"""Lexicon patterns: a line is searched only for the words of the languages it could hold."""

from __future__ import annotations

import re

import pytest
from eval_lines import eval_lines

from tasks.classify import has_email
from tasks.lexicon import (
    CAPTION_EN,
    CAPTION_ZH,
    COPYRIGHT_ANY,
    COPYRIGHT_YEAR,
    HOTLINE_WORDS,
    LATIN,
    LICENCE,
    NEWSLETTER,
    RELATED_BARE,
    RELATED_PREFIXED,
    REPORTED_SPEECH,
    Keyed,
    LineEnd,
    Needs,
    any_of,
    could_be_chinese,
    could_be_english,
    folded,
)

LINES = [
    "Got a story for us? Call the newsroom on (020) 7946-0958",
    "- 新闻热线：0571-85100000",
    "京ICP备12345678号-1",
    "增值電信業務經營許可證:粵B2-20090059",
    "互联网新闻信息服务许可证：12345678901",
    "This article may not be republished without written permission.",
    "下載客戶端，看更多新聞",
    "Sign up for our morning newsletter",
    "警方表示，市民如有线索可致电热线。",
    "Police said anyone with information should call the hotline.",
    "港口集装箱吞吐量同比增长百分之八，创历史同期新高。",
    "The port handled a record volume of containers in October.",
    "“ſign up” — \u212aeep reading",
    "2024-05-22 10:30",
]


@pytest.mark.parametrize("lexicon", [COPYRIGHT_ANY, HOTLINE_WORDS, LICENCE, NEWSLETTER, REPORTED_SPEECH])
@pytest.mark.parametrize("text", LINES)
def test_searching_by_language_finds_what_both_patterns_find(lexicon, text: str) -> None:
    anywhere = lexicon.english.search(text) or lexicon.chinese.search(text)
    assert lexicon.search(text) == bool(anywhere)


def test_which_languages_a_line_could_hold() -> None:
    assert could_be_english("The port handled a record volume.") and not could_be_chinese("The port.")
    assert could_be_chinese("港口吞吐量创新高") and not could_be_english("港口吞吐量创新高，增长8%")
    assert could_be_english("京ICP备12345678号") and could_be_chinese("京ICP备12345678号")
    assert could_be_english("\u212a")  # the Kelvin sign matches "k" when case is ignored


def test_licence_numbers_need_their_latin_letters() -> None:
    assert LICENCE.search("京ICP备12345678号-1")
    assert LICENCE.search("互联网新闻信息服务许可证：12345678901")
    assert not LICENCE.search("许可证发放工作将于下月启动。")


def test_has_email() -> None:
    assert has_email("- 報料郵箱: tips@example.hk")
    assert has_email("Send your tips to desk@example.org")
    assert not has_email("See you @ the town hall at 10:00")
    assert not has_email("新闻热线：0571-85100000")


CAPTION_LINES = [
    "市民在公园赏花。 新华社记者 王明 摄",
    "（记者 李强 摄）",
    "开工现场。 某某区供图",
    "開工現場。 某某區供圖",
    "资料图",
    "摄影展周末在市美术馆开幕，展出作品两百余幅。",
    "港口集装箱吞吐量同比增长百分之八，创历史同期新高。",
]


@pytest.mark.parametrize("text", CAPTION_LINES)
def test_a_line_end_pattern_finds_what_the_whole_pattern_finds(text: str) -> None:
    for _, pattern in CAPTION_ZH:
        if isinstance(pattern, LineEnd):
            assert pattern.search(text) == bool(pattern.whole.search(text))



EN_CAPTION_LINES = [
    "Crowds gather outside the court in Hong Kong. Jane Doe/Reuters",
    "Rescue workers at the site (REUTERS/Tyrone Siu)",
    "Jane Doe | Sipa | Getty Images",
    "The museum reopened on Tuesday after a two-year renovation.",
    "Prices rose 5% in May / June, the bureau said | more",
]


@pytest.mark.parametrize("text", EN_CAPTION_LINES + CAPTION_LINES)
def test_a_pattern_with_a_literal_finds_what_the_pattern_finds(text: str) -> None:
    for _, pattern in CAPTION_EN:
        if isinstance(pattern, Needs):
            assert pattern.search(text) == bool(pattern.pattern.search(text))


# Every character of the Basic Latin block, and every code point, as one string each.
ASCII = "".join(map(chr, range(128)))
EVERY_CHARACTER = "".join(map(chr, range(0x110000)))


def test_folded_spells_every_character_ignorecase_takes_for_an_ascii_one() -> None:
    for ascii_char in ASCII:
        for char in set(re.findall(re.escape(ascii_char), EVERY_CHARACTER, re.IGNORECASE)):
            assert folded(char) == ascii_char.lower(), (ascii_char, char)


def test_latin_is_every_character_ignorecase_takes_for_an_ascii_letter() -> None:
    assert set(LATIN.findall(EVERY_CHARACTER)) == set(re.findall("[a-z]", EVERY_CHARACTER, re.IGNORECASE))


def test_folded_keeps_words_whole() -> None:
    assert folded("İNBOX ſign up, Keep") == "inbox sign up, keep"
    assert folded("报料 Hotline") == "报料 hotline"


KEYED = [lexicon.english for lexicon in (NEWSLETTER, LICENCE, COPYRIGHT_ANY, HOTLINE_WORDS, REPORTED_SPEECH)]
KEYED += [COPYRIGHT_YEAR]
KEYED += [pattern for _, pattern in CAPTION_EN if isinstance(pattern, Keyed)]
KEYED_LINES = [
    "Sign up for our morning newsletter",
    "SUBSCRIBE to our daily briefing",
    "Get breaking news alerts",
    "Liked this story? Share it",
    "12 issues for £11.99",
    "Stories delivered to your inbox",
    "Join 25,000 readers",
    "This article may not be republished without written permission.",
    "For personal, non-commercial use only",
    "License No. 12345",
    "\u0130CP license no. 3",
    "增值电信业务经营许可证：粤B2-20090059",
    "京 icp 证 030173号",
    "A vendor in the market (Photo courtesy of the family)",
    "All material Copyright The Daily 2024",
    "\u00a9 2024 The Daily. ALL RIGHTS RE\u017fERVED.",
    "Got a news tip? Call the NEWSROOM on 020 7946 0958",
    "Police \u017fAID the suspect was ASKED to leave, according to witnesses.",
    "2019 \u00a9 COPYRIGHT Example Media",
    "\u017fign up for \u017fUB\u017fCRIBER alerts",
]


@pytest.mark.parametrize("pattern", KEYED)
def test_every_match_of_a_keyed_pattern_spells_a_key_and_a_latin_letter(pattern: Keyed) -> None:
    matched = 0
    for text in KEYED_LINES + list(eval_lines()):
        if pattern.pattern.search(text):
            matched += 1
            assert could_be_english(text), text
            assert pattern.keys.search(folded(text)), text
            assert pattern.search(text)
    assert matched


@pytest.mark.parametrize("text", KEYED_LINES)
def test_a_keyed_pattern_finds_what_the_pattern_finds(text: str) -> None:
    for pattern in KEYED:
        assert pattern.search(text) == bool(pattern.pattern.search(text))


LOOKAHEAD_LINES = [
    "扫码下载客户端，看更多新闻", "长按二維碼關注我們", "欢迎关注本报微信公众号", "点击订阅",
    "Related: Port volumes hit a record", "READ MORE » Port volumes", "【延伸阅读】：港口吞吐量",
    "\u017fee also: the port", "More from The Daily: port news", "Related", "推荐阅读",
]
FIRST_CHARS_AHEAD = re.compile(r"\(\?=\[[^\]]*\]\)")


@pytest.mark.parametrize("pattern", [NEWSLETTER.chinese, RELATED_PREFIXED, RELATED_BARE])
def test_the_look_ahead_for_first_characters_changes_no_match(pattern: re.Pattern[str]) -> None:
    plain = re.compile(FIRST_CHARS_AHEAD.sub("", pattern.pattern), pattern.flags)
    assert plain.pattern != pattern.pattern
    matched = 0
    for text in LOOKAHEAD_LINES + list(eval_lines()):
        found = pattern.search(text) is not None
        matched += found
        assert found == (plain.search(text) is not None), text
    assert matched >= 3


def test_any_of_matches_where_one_of_its_patterns_matches() -> None:
    patterns = (re.compile(r"^ab"), re.compile(r"^x\d", re.IGNORECASE), re.compile(r"^(?P<name>c+)d$"))
    either = any_of(*patterns)
    for text in ["abc", "X1", "x1", "ccd", "cc", "AB", "zab", ""]:
        assert bool(either.match(text)) == any(p.match(text) for p in patterns), text
