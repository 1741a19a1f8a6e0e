"""Segmentation: hard-wrapped English and Chinese, line-per-paragraph blocks, full-width indents."""

from __future__ import annotations

import textwrap

import pytest
from eval_lines import SHARED_DEV

from tasks.classify import classify
from tasks.clean import split_lines
from tasks.decode import decode_bytes
from tasks.model import BODY, DROP, HEADING, Label, Line
from tasks.segment import segment, wrap_width


def lines_of(text: str) -> list[Line]:
    rows = enumerate(text.split("\n"), 1)
    return [Line(no, raw.strip(), indented=raw.startswith("\u3000")) for no, raw in rows]


def body_labels(lines: list[Line]) -> list[Label]:
    return [Label(BODY) if line.text else Label("blank") for line in lines]


PARA_1 = (
    "Shanghai aims to enhance development of the automobile sector by cooperating with three "
    "neighbouring provinces, officials said on Monday, as the region builds an industry cluster in "
    "new-energy vehicles and connected cars."
)
PARA_2 = (
    "The city is boosting links with the provinces to allocate resources across the delta, and "
    "several carmakers have already moved plants there. “We can allocate resources better,” one said."
)
ZH_PARA = (
    "在全球汽车产业变革发展的浪潮中，一场双向奔赴的合作在上海金山正式启航。项目签约到开工仅用时两个多月，"
    "跑出了金山速度。这背后是金山区通过专班式服务和链式化保障，全力推动项目落地的结果。"
)


def test_wrapped_english_is_rejoined_with_spaces() -> None:
    text = textwrap.fill(PARA_1, 74) + "\n\n" + textwrap.fill(PARA_2, 71)
    lines = lines_of(text)
    assert wrap_width(lines) is not None
    assert [p.text for p in segment(lines, body_labels(lines))] == [PARA_1, PARA_2]


def test_wrapped_chinese_is_rejoined_without_spaces() -> None:
    text = textwrap.fill(ZH_PARA, 36) + "\n\n" + textwrap.fill(ZH_PARA, 36)
    lines = lines_of(text)
    assert [p.text for p in segment(lines, body_labels(lines))] == [ZH_PARA, ZH_PARA]


def test_line_per_paragraph_blocks_stay_apart() -> None:
    text = f"{PARA_1}\n{PARA_2}\n\n{PARA_2}\nA short line\nAnother short line"
    lines = lines_of(text)
    assert wrap_width(lines) is None
    paragraphs = segment(lines, body_labels(lines))
    assert [p.text for p in paragraphs] == [PARA_1, PARA_2, PARA_2, "A short line", "Another short line"]


def test_short_lines_inside_a_wrapped_document_are_not_joined() -> None:
    text = textwrap.fill(PARA_1, 74) + "\n\nWhat comes next\n\n" + textwrap.fill(PARA_2, 74)
    lines = lines_of(text)
    assert [p.text for p in segment(lines, body_labels(lines))] == [PARA_1, "What comes next", PARA_2]


def test_full_width_indents_start_paragraphs() -> None:
    text = "\u3000\u3000" + ZH_PARA + "\n\u3000\u3000" + ZH_PARA[:40] + "\n小标题\n\u3000\u3000" + ZH_PARA
    lines = lines_of(text)
    paragraphs = segment(lines, body_labels(lines))
    assert [p.text for p in paragraphs] == [ZH_PARA, ZH_PARA[:40], "小标题", ZH_PARA]


def test_dropped_lines_and_kinds() -> None:
    lines = lines_of(f"Photo Gallery\n{PARA_1}\nKey figures\n{PARA_2}")
    labels = [Label(DROP, "gallery_label", "gallery_label.lexicon"), Label(BODY), Label(HEADING), Label(BODY)]
    paragraphs = segment(lines, labels)
    expected = [(BODY, PARA_1), (HEADING, "Key figures"), (BODY, PARA_2)]
    assert [(p.kind, p.text) for p in paragraphs] == expected


def test_list_items_in_a_wrapped_text_stay_their_own_paragraphs() -> None:
    items = ["- the harbour wall", "- a new cycle lane", "- longer library hours"]
    text = (textwrap.fill(PARA_1, 72) + "\n\nThe plan names three priorities:\n" + "\n".join(items)
            + "\n\n" + textwrap.fill(PARA_2, 72))
    lines = lines_of(text)
    assert wrap_width(lines) is not None
    paragraphs = [p.text for p in segment(lines, body_labels(lines))]
    assert paragraphs == [PARA_1, "The plan names three priorities:", *items, PARA_2]


def test_numbered_items_are_never_glued_to_a_line_that_looks_wrapped() -> None:
    lead = "The council agreed on the following steps for next year, in this order"
    items = ["1. Repair the harbour wall before the winter storms arrive.", "2. Open the cycle lane."]
    text = textwrap.fill(PARA_1, 72) + "\n\n" + "\n".join([lead, *items]) + "\n\n" + textwrap.fill(PARA_2, 72)
    lines = lines_of(text)
    assert [p.text for p in segment(lines, body_labels(lines))] == [PARA_1, lead, *items, PARA_2]


def test_chinese_lines_that_do_not_fill_the_width_are_not_joined() -> None:
    short = ["专题·社会治理", "新发展阶段社会建设与构建新发展格局", "杨典;向静林"]
    text = textwrap.fill(ZH_PARA, 36) + "\n\n" + "\n".join(short) + "\n\n" + textwrap.fill(ZH_PARA, 36)
    lines = lines_of(text)
    assert [p.text for p in segment(lines, body_labels(lines))] == [ZH_PARA, *short, ZH_PARA]


def test_a_wrapped_line_that_lost_a_tag_still_joins() -> None:
    wrapped = textwrap.wrap("<p>" + PARA_1, 74)
    text = "\n".join([wrapped[0].removeprefix("<p>"), *wrapped[1:]]) + "\n\n" + textwrap.fill(PARA_2, 74)
    lines = lines_of(text)
    assert [p.text for p in segment(lines, body_labels(lines))] == [PARA_1, PARA_2]


def test_lines_of_similar_length_whose_next_word_would_have_fitted_are_not_joined() -> None:
    rows = [
        "Share: Facebook Twitter LinkedIn Email",
        "Being honest in exit interviews is pointless 545",
        "Posted by a reader on Monday July 23, at 08:24PM",
        "Workers march through the city centre. Credit: AP",
        "from the burning-bridges-is-really-fun department.",
        "Esther writes that leaving a job is never easy, whether you go of your own will or are pushed.",
        "Reproduction in whole or in part without permission is prohibited.",
        "All material copyright Northern Ledger 2024",
    ]
    lines = lines_of("\n".join(rows))
    assert wrap_width(lines) is None
    assert [p.text for p in segment(lines, body_labels(lines))] == rows


def test_chinese_lines_that_differ_in_length_are_not_joined() -> None:
    rows = ["玉峰道路一路上雲氣山嵐滯留山頭 順路下切蜿蜒道路後不久即抵達玉峰國小",
            "美樹美如其名偌大楓香樹早已呈現金黃 泛紅色彩也是愛攝人仕喜愛之地",
            "第二次造訪美樹發現到營區變了 以前生冷招牌換成了原木招牌",
            "燻黑原木加上金黃色醒目字體 加上了貓頭鷹原木創作發揮了裝飾藝術功力"]
    lines = lines_of("\n".join(rows))
    assert [p.text for p in segment(lines, body_labels(lines))] == rows


@pytest.mark.parametrize(
    ("para", "start"),
    [
        ("The Spanish pair defeated the Russians in two long sets, 6-4 and 7-6 (5) to seal the victory in a "
         "series that ended close to two in the morning local time.", "(5)"),
        ("The parts are small and probably the cheapest programmable logic sold today - $0.50 each in low "
         "volume and less than $0.40 in larger quantities.", "- "),
    ],
)
def test_a_wrapped_line_starting_with_a_dash_or_a_bracketed_number_still_joins(para: str, start: str) -> None:
    width = next(w for w in range(60, 79) if any(line.startswith(start) for line in textwrap.wrap(para, w)))
    lines = lines_of(textwrap.fill(para, width) + "\n\n" + textwrap.fill(PARA_2, width))
    assert [p.text for p in segment(lines, body_labels(lines))] == [para, PARA_2]


@pytest.mark.parametrize("path", sorted(SHARED_DEV.glob("*.txt")), ids=lambda path: path.name)
def test_a_width_measured_once_labels_and_segments_as_measuring_it_each_time(path) -> None:
    lines = split_lines(decode_bytes(path.read_bytes()).text)
    width = wrap_width(lines)
    labels, meta = classify(lines)
    assert classify(lines, None, width) == (labels, meta)
    assert segment(lines, labels, width) == segment(lines, labels)
