"""Line classifier: categories per language and script, positions, and content that only looks like
boilerplate."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from eval_lines import eval_lines

from tasks import lexicon as lx
from tasks.classify import (
    CONTACT_LINE,
    CONTACT_MARK,
    EDITOR_LINE_START,
    RELATED_LINK_START,
    SHORT_NUMBER_END,
    boilerplate,
    byline,
    caption_candidates,
    classify,
    dated_byline,
    dateline,
    find_date,
    has_phone,
    headline_shaped,
    is_cjk,
    removed_lines,
    section_label,
    share_tokens,
)
from tasks.model import BODY, DROP, HEADING, TITLE, Line


def lines_of(text: str) -> list[Line]:
    rows = enumerate(text.split("\n"), 1)
    return [Line(no, raw.strip(), indented=raw.startswith("\u3000")) for no, raw in rows]


BODY_EN = (
    "The port handled a record volume of containers in October, officials said on Tuesday, "
    "citing stronger demand from exporters across the region."
)
BODY_EN_2 = (
    "Analysts expect growth to slow next year as orders soften, although the new rail link should "
    "cut costs for shippers. The operator plans two more berths."
)
BODY_ZH = (
    "今年前十个月，港口集装箱吞吐量同比增长百分之八，创历史同期新高。"
    "港口方面表示，新航线陆续开通带动了货量增长。"
)


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Share on Facebook | Share on Twitter | Email", "share_widget"),
        ("- +1", "share_widget"),
        ("分享到：微信 朋友圈 微博", "share_widget"),
        ("分享到：微信 朋友圈", "share_widget"),
        ("Got a story for us? Call the newsroom on (020) 7946-0958", "hotline"),
        ("- 新闻热线：0571-85100000", "hotline"),
        ("- 報料郵箱: tips@example.hk", "hotline"),
        ("Send your tips to desk@example.org", "hotline"),
        ("互联网新闻信息服务许可证：12345678901", "licence"),
        ("增值電信業務經營許可證:粵B2-20090059", "licence"),
        ("京ICP备12345678号-1", "licence"),
        ("This article may not be republished without written permission.", "licence"),
        ("© 2024 Lakeside Gazette. All rights reserved.", "copyright"),
        ("? 2010-2024 南方某某传媒有限公司", "copyright"),
        ("版權所有 未經許可不得轉載", "copyright"),
        ("Copyright 2023 Riverside Post", "copyright"),
        ("Crowds gather at the pier on Sunday. (Photo: Lakeside Gazette)", "photo_caption"),
        ("Crowds gather at the pier on Sunday. REUTERS/Ann Example", "photo_caption"),
        ("A driver waits at the depot. (AP Photo/Sam Example)", "photo_caption"),
        ("市民在公园赏花。 新华社记者 王明 摄", "photo_caption"),
        ("（记者 李强 摄）", "photo_caption"),
        ("Staff clear the hall before the vote (Credit: Harbour Times)", "photo_caption"),
        ("Maria Example | Reuters | Getty Images", "photo_caption"),
        ("Volunteers sort donations at the depot. Shutterstock", "photo_caption"),
        ("開工現場。 某某區供圖", "photo_caption"),
        ("图片来源：视觉中国", "photo_caption"),
        ("Photo Gallery", "gallery_label"),
        ("More photos", "gallery_label"),
        ("高清組圖", "gallery_label"),
        ("Related: Tram line to open in spring", "related_link"),
        ("相关阅读：地铁新线缩短通勤时间", "related_link"),
        ("延伸閱讀：港口吞吐量創新高", "related_link"),
        ("MARKETS | Exporters brace for slower orders", "related_link"),
        ("Sign up for our morning newsletter", "newsletter"),
        ("下載客戶端，看更多新聞", "newsletter"),
        ("扫码关注公众号", "newsletter"),
        ("Follow the Valley Post on Instagram and LinkedIn", "newsletter"),
        ("Enjoyed this article? Pass it on to a colleague.", "newsletter"),
        ("Get Bike Monthly through your door every month. 12 issues for £11.99.", "newsletter"),
        ("Advertisement", "advert"),
        ("廣告", "advert"),
        ("Editor: Jane Example", "editor_line"),
        ("Reporting by Ann Lee; Editing by Tom Roe", "editor_line"),
        ("责任编辑：王五", "editor_line"),
        ("（編輯 李雷）", "editor_line"),
        ("來源：某某日報", "editor_line"),
    ],
)
def test_boilerplate_categories(text: str, category: str) -> None:
    verdict = boilerplate(text)
    assert verdict is not None and verdict.category == category
    assert verdict.rule.startswith(category + ".")


@pytest.mark.parametrize(
    "text",
    [
        "The court ruled that the copyright on the film had expired, opening the way for new editions.",
        "美国唱片工会表示：“播客在使用其它音乐时，一定要获得版权所有者或制作人的许可。”",
        '"Call me on 555-0134 if anything changes," she told the driver before the train left.',
        "Sales rose to 12,000 units in the quarter, the company said in a statement.",
        "He shared the article on Facebook and Twitter before deleting it hours later.",
        "Editor's Note:",
        "writing by hand has these effects on memory.",
        "该片由导演在上海拍摄。",
        "Kanban boards",
        "By the end of the year, the plant should employ 2,000 people.",
        "The magazine printed 12 issues for the first time in 1998, at £2 each.",
        "Investors who follow the company on Twitter learned of the deal first.",
        "The credit (the loan, not the photo) was approved by Getty's bank.",
        "Politics | Europe | Markets",
    ],
)
def test_content_that_looks_like_boilerplate_is_kept(text: str) -> None:
    assert boilerplate(text) is None


def test_long_prose_needs_a_strong_rule() -> None:
    prose = (
        "Publishers said the new rules would make it easier to share articles on social media. "
        "Critics said newsletters and apps would suffer. The ministry will publish details next week."
    )
    labels, _ = classify(lines_of(BODY_EN + "\n" + prose + "\n" + BODY_EN_2))
    assert [label.kind for label in labels] == [BODY, BODY, BODY]


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("June 04,2018", dt.date(2018, 6, 4)),
        ("Updated 06:59 PM, Tue May 08, 2018", dt.date(2018, 5, 8)),
        ("2018-05-08 10:32", dt.date(2018, 5, 8)),
        ("2018年5月8日", dt.date(2018, 5, 8)),
        ("發佈時間：2018年05月08日 09:30", dt.date(2018, 5, 8)),
        ("Published: 8 May 2018", dt.date(2018, 5, 8)),
        ("Friday, 5 March 2021", dt.date(2021, 3, 5)),
    ],
)
def test_dateline_formats(text: str, date: dt.date) -> None:
    assert dateline(text) == date


def test_sentences_with_dates_are_not_datelines() -> None:
    assert dateline("The plant opened on June 4, 2018 after two years of work.") is None
    assert dateline("2018年5月8日，上海市政府与企业签署了合作协议。") is None


def test_bylines_and_section_labels() -> None:
    assert byline("By Jane Example | The Lakeside Gazette") == ("Jane Example", "The Lakeside Gazette")
    assert byline("By Jane Example, Staff Reporter") == ("Jane Example", None)
    assert byline("本报记者 张伟") == ("张伟", None)
    assert byline("某某晚报记者 刘洋") == ("刘洋", "某某晚报")
    assert byline("by the river") is None
    assert section_label("首頁 > 國內新聞 > 正文") is not None
    assert section_label("Business | Markets") is not None
    assert section_label("國內新聞") is not None
    assert section_label("Friday Arts Diary") is None


def test_header_title_dateline_byline_and_footer() -> None:
    text = "\n".join([
        "Share this article",
        "World",
        "Port volumes hit a record in October",
        "Updated 09:15 PM, Fri Mar 25, 2016",
        "By Jane Example | The Lakeside Gazette",
        BODY_EN,
        "Crowds gather at the pier on Sunday. (Photo: Lakeside Gazette)",
        BODY_EN_2,
        "Photo Gallery",
        "Tram line to open in spring next year",
        "Contact the newsroom: tips@example.com",
        "© 2016 The Lakeside Gazette. All rights reserved.",
    ])
    lines = lines_of(text)
    labels, meta = classify(lines)
    assert meta.title == "Port volumes hit a record in October"
    assert meta.published_date == dt.date(2016, 3, 25)
    assert meta.byline == "Jane Example" and meta.source == "The Lakeside Gazette"
    kinds = [label.kind for label in labels]
    assert kinds == [DROP, DROP, TITLE, DROP, DROP, BODY, DROP, BODY, DROP, DROP, DROP, DROP]
    categories = [r.category for r in removed_lines(lines, labels)]
    assert categories == [
        "share_widget", "section_label", "dateline", "byline", "photo_caption", "gallery_label",
        "related_link", "hotline", "copyright",
    ]
    assert all(r.rule for r in removed_lines(lines, labels))


def test_chinese_header_traditional() -> None:
    text = "\n".join([
        "分享到",
        "國內新聞",
        "港口吞吐量創歷史新高",
        "2024年05月07日 02:49",
        "某某日報記者 王芳",
        "　　" + BODY_ZH,
        "責任編輯：楊帆",
        "互聯網新聞信息服務許可證:31120170006",
    ])
    labels, meta = classify(lines_of(text))
    assert meta.title == "港口吞吐量創歷史新高"
    assert meta.published_date == dt.date(2024, 5, 7)
    assert meta.byline == "王芳"
    assert [label.kind for label in labels] == [DROP, DROP, TITLE, DROP, DROP, BODY, DROP, DROP]


def test_no_headline_when_the_text_starts_with_a_sentence() -> None:
    labels, meta = classify(lines_of("Home > Business > News\n" + BODY_EN + "\n" + BODY_EN_2))
    assert meta.title is None
    assert [label.kind for label in labels] == [DROP, BODY, BODY]


def test_unknown_section_word_above_headline_and_dateline() -> None:
    text = "Sci-Tech\nRobots take over the night shift\n2019-05-04 01:40\n" + BODY_EN
    labels, meta = classify(lines_of(text))
    assert meta.title == "Robots take over the night shift"
    assert labels[0].category == "section_label"


def test_short_heading_between_body_paragraphs() -> None:
    labels, _ = classify(lines_of(BODY_EN + "\nWhat comes next\n" + BODY_EN_2))
    assert [label.kind for label in labels] == [BODY, HEADING, BODY]


def test_hints_are_honoured() -> None:
    lines = [Line(1, "Port volumes hit a record", hint="title"), Line(2, BODY_EN),
             Line(3, "Key figures", hint="heading"), Line(4, "Containers: 2.1 million", hint="list_item")]
    labels, meta = classify(lines)
    assert [label.kind for label in labels] == ["title", BODY, "heading", "list_item"]
    assert meta.title == "Port volumes hit a record"


SEEDS = Path(__file__).resolve().parents[2] / "shared"


@pytest.mark.skipif(not (SEEDS / "seeds").is_dir(), reason="shared seeds not available")
def test_seed_documents_exact() -> None:
    from tasks.clean import clean_document

    for expected_path in sorted((SEEDS / "eval" / "seeds").glob("*.json")):
        expected = json.loads(expected_path.read_text("utf-8"))
        source = SEEDS / "seeds" / expected["file"]
        doc = clean_document(source.read_bytes(), source.name)
        assert doc.metadata.title == expected["title"]
        assert (doc.metadata.published_date.isoformat() if doc.metadata.published_date else None) == \
            expected["published_date"]
        assert len(doc.paragraphs) == len(expected["paragraphs"])


@pytest.mark.skipif(not (SEEDS / "eval" / "textset-dev").is_dir(), reason="shared eval set not available")
def test_textset_dev_quality_floor(tmp_path: Path) -> None:
    """Quality regression on the dev set (structure only; character repairs are another stage's)."""
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run(
        [sys.executable, str(root / "benchmarks" / "eval_sets.py"), str(SEEDS / "eval" / "textset-dev"),
         "--pred", str(tmp_path), "--json", str(tmp_path / "score.json")],
        capture_output=True, text=True, check=True,
    )
    assert "SCORE" in out.stdout
    overall = json.loads((tmp_path / "score.json").read_text())["groups"]["ALL"]
    assert overall["para_exact"] >= 0.95
    assert overall["leak"] <= 0.02
    assert overall["title"] >= 0.9 and overall["date"] >= 0.9


def test_glued_share_verb() -> None:
    assert boilerplate("分享到朋友圈").category == "share_widget"
    assert boilerplate("分享到微博 | Twitter | Email").category == "share_widget"


def test_headline_length_depends_on_the_script() -> None:
    zh_70, zh_71 = "港" * 70, "港" * 71
    assert is_cjk(zh_70) and headline_shaped(zh_70) and not headline_shaped(zh_71)
    en_150 = ("Port volumes " * 12)[:150]
    assert not is_cjk(en_150) and headline_shaped(en_150) and not headline_shaped(en_150 + " more" * 3)
    assert not headline_shaped("") and not headline_shaped("港口吞吐量创新高，")


def test_dated_byline_needs_a_name_first() -> None:
    assert dated_byline("By Jane Doe | Nov 19, 2019") == ("Jane Doe", None)
    assert dated_byline("by Jane Doe - 2019-11-19 10:31") == ("Jane Doe", None)
    assert dated_byline("2019年11月19日 新华社") is None
    assert dated_byline("记者 张伟 2019-11-19") is None


def whole_regex(pattern: lx.Searchable) -> re.Pattern[str]:
    """The regex a caption rule stands for, without its quick test."""
    if isinstance(pattern, re.Pattern):
        return pattern
    return pattern.whole if isinstance(pattern, lx.LineEnd) else pattern.pattern


CAPTION_LINES = [
    "Rescue workers at the site (REUTERS/Tyrone Siu).",
    "Pictured: the new bridge at dusk.",
    "A vendor in the market (Photo courtesy of the family).",
    "市民在公园赏花。 新华社记者 王明 摄",
    "图片来源：视觉中国。",
    "（图/北岭晨报记者李明摄）",
]


def test_caption_candidates_keep_every_rule_that_matches() -> None:
    matched = 0
    for text in CAPTION_LINES + list(eval_lines()):
        candidates = {rule for rule, _, _ in caption_candidates(text)}
        for rule, pattern in lx.CAPTION_EN + lx.CAPTION_ZH:
            if whole_regex(pattern).search(text):
                matched += 1
                assert rule in candidates, (rule, text)
    assert matched


def test_a_line_ending_in_a_full_stop_skips_the_credits_that_end_a_line() -> None:
    assert {rule for rule, _, _ in caption_candidates("市民在公园赏花。")} == {
        "photo_caption.zh_prefix", "photo_caption.zh_from"
    }
    assert len(caption_candidates("（图/北岭晨报记者李明摄）")) == len(lx.CAPTION_ZH)
    english_after_stop = {rule for rule, _ in lx.CAPTION_EN} & lx.CAPTION_AFTER_STOP
    assert {rule for rule, _, _ in caption_candidates("The museum reopened.")} == english_after_stop
    assert len(caption_candidates("The museum reopened")) == len(lx.CAPTION_EN)


def test_every_contact_has_a_contact_mark() -> None:
    contact_shapes = (lx.PHONE, lx.EMAIL, CONTACT_LINE, SHORT_NUMBER_END)
    for text in eval_lines():
        if any(shape.search(text) for shape in contact_shapes):
            assert CONTACT_MARK.search(text), text


def test_has_phone_finds_what_the_phone_pattern_finds() -> None:
    phones = 0
    for text in ["Tips: (021) 5555-0134", "热线 6536 3311", "+44 20 7946 0958", *eval_lines()]:
        found = lx.PHONE.search(text) is not None
        phones += found
        assert has_phone(text) == found, text
    assert phones > 3


SHARE_LINES = ["分享到朋友圈", "Share | Tweet | Email", "分享到微博 | Twitter | Email", "Print this", "+1"]


def test_every_line_with_a_core_share_token_has_a_core_word() -> None:
    for text in SHARE_LINES + list(eval_lines()):
        if any(token in lx.SHARE_CORE for token in share_tokens(text)):
            assert lx.SHARE_CORE_WORD.search(text.lower()), text


def test_every_date_spells_its_year() -> None:
    dates = 0
    for text in eval_lines():
        if any(pattern.search(text) for pattern in lx.DATE_PATTERNS):
            dates += 1
            assert "19" in text or "20" in text, text
            assert find_date(text) is not None
    assert dates


@pytest.mark.parametrize(("start", "patterns"), [
    (EDITOR_LINE_START, (lx.SOURCE_LINE, lx.EDITOR_EN, lx.EDITOR_ZH)),
    (RELATED_LINK_START, (lx.RELATED_PREFIXED, lx.RELATED_ZH_BRACKET, lx.RELATED_CAPS_PIPE)),
])
def test_one_match_tells_whether_a_line_starts_like_any_shape(start: re.Pattern[str], patterns) -> None:
    lines = ["来源：新华社", "Edited by Jane Doe", "责任编辑：王明", "Related: Port volumes hit a record",
             "【延伸阅读】港口吞吐量创新高", "WORLD | Port volumes hit a record high", *eval_lines()]
    matched = 0
    for text in lines:
        starts = start.match(text) is not None
        matched += starts
        assert starts == any(pattern.match(text) for pattern in patterns), text
    assert matched >= 6
