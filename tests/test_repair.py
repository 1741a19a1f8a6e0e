"""Character-level repair: mojibake (ftfy and CJK), entities, tag litter, spaces, pinyin glosses."""

from __future__ import annotations

import importlib
import json
import re
import sys
from pathlib import Path

import ftfy
import pytest
from eval_lines import eval_lines
from ftfy.badness import BADNESS_RE

from tasks.decode import decode_bytes, sniff_format, unwrap
from tasks.model import Line, RejectError
from tasks.mojibake import (
    LEGACY_MISREAD,
    UTF8_AS_WESTERN,
    UTF8_MISREAD,
    WESTERN_HIGH,
    fix_cjk_mojibake,
    misread_families,
    more_letters_than,
    surely_not_mostly_western_high,
    uncommon_han,
)
from tasks.repair import (
    CLEAN_TEXT,
    FTFY_CONFIG,
    FTFY_SUSPECT,
    REPAIR_CHAR,
    fix_and_explain,
    fix_line_endings,
    is_repair_free,
    mojibake_names,
    needs_repair,
    repair_line,
    repair_lines,
    repair_pass,
    repair_prone_char,
    repair_text,
)

DEV_CASES = Path(__file__).parents[2] / "shared" / "eval" / "textset-dev" / "cases"

CLEAN_HANS = [
    "新华社北京5月22日电 国家统计局今天发布数据显示，前四个月全国规模以上工业增加值同比增长6.2%。",
    "记者从市交通委获悉，地铁14号线东段将于年底开通，沿线居民出行将更加便利。",
    "“我们对明年的经济形势充满信心。”他在接受采访时说。",
    "据介绍，该项目总投资约120亿元，预计2026年竣工投产，建成后年产值可达300亿元。",
    "人工智能(AI)大会在上海举行，来自20多个国家和地区的专家学者参加了会议。",
    "中国人民银行决定下调金融机构存款准备金率0.5个百分点（不含已执行5%存款准备金率的机构）。",
    "本报讯（记者 张华）昨日，市政府召开新闻发布会，介绍今年一季度全市经济运行情况。",
    "天气预报：今天白天晴转多云，最高气温28℃，夜间有小雨。",
    "编辑：李明 校对：王芳",
]
CLEAN_HANT = [
    "中央社記者台北22日電 行政院今天通過明年度總預算案，經濟部表示將持續推動產業升級與數位轉型。",
    "蘋果公司週二表示，計劃要求美國法官駁回司法部在3月份提起的訴訟。",
    "「消費者不應該因爲公司違反反壟斷法而支付更高的價格。」司法部長三月份表示。",
    "香港特區政府今日公佈最新失業率為2.9%，與上一期相若。",
    "雷克薩斯(上海)新能源項目僅用時49天(含法定公示期30天)完成控規調整批復。",
    "颱風「山竹」逼近，天文臺於下午發出八號烈風或暴風信號。",
]
CLEAN_EN = [
    "The central bank raised rates by a quarter point on Tuesday, citing \u201cpersistent\u201d inflation.",
    "Caf\u00e9 owners in Montr\u00e9al say the na\u00efve r\u00e9sum\u00e9 rules don\u2019t help.",
    "Photo: Reuters / Jane Doe \u00a9 2024",
    "Temperatures reached 41\u00b0C in Seville; the mayor\u2019s office opened 12 \u201ccool rooms\u201d.",
    "What? No! Really?? (AP) \u2014 Officials said 5 < 7 and 9 > 3 in the report.",
]


@pytest.mark.parametrize("line", CLEAN_HANS + CLEAN_HANT + CLEAN_EN)
def test_clean_lines_are_left_alone(line: str) -> None:
    assert repair_text(line) == (line, [])


@pytest.mark.parametrize("line", CLEAN_HANS + CLEAN_HANT)
def test_clean_chinese_is_never_taken_for_cjk_mojibake(line: str) -> None:
    assert fix_cjk_mojibake(line) == (line, None)


@pytest.mark.parametrize("codec", ["cp1252", "latin-1"])
@pytest.mark.parametrize("line", [CLEAN_HANS[0], CLEAN_HANT[1], CLEAN_EN[0], CLEAN_EN[1]])
def test_utf8_read_as_a_western_code_page_is_repaired(line: str, codec: str) -> None:
    broken = line.encode("utf-8").decode("sloppy-windows-1252" if codec == "cp1252" else codec)
    fixed, repairs = repair_text(broken)
    assert fixed == line.replace("\u00a0", " ")
    assert any(name.startswith("mojibake:utf-8-as-") for name in repairs)


def lossless(text: str, wrong: str, right: str) -> str:
    """``text`` encoded in ``right`` and read as ``wrong``, asserting the damage is reversible."""
    broken = text.encode(right).decode(wrong)
    assert broken.encode(wrong) == text.encode(right)
    return broken


@pytest.mark.parametrize(
    ("text", "wrong", "right", "name"),
    [
        ("新华社北京电", "gb18030", "utf-8", "mojibake:utf-8-as-gbk"),
        ("中国人民银行决定下调存款准备金率", "gb18030", "utf-8", "mojibake:utf-8-as-gbk"),
        ("经济运行总体平稳", "gb18030", "utf-8", "mojibake:utf-8-as-gbk"),
        ("中文", "latin-1", "gb18030", "mojibake:gbk-as-cp1252"),
        ("前四个月全国规模以上工业增加值同比增长", "cp1252", "gb18030", "mojibake:gbk-as-cp1252"),
        ("經濟部表示將持續推動產業升級", "latin-1", "big5", "mojibake:big5-as-cp1252"),
        ("經濟部表示將持續推動產業升級", "latin-1", "gb18030", "mojibake:gbk-as-latin-1"),
    ],
)
def test_cjk_mojibake_built_from_clean_text_is_repaired(text: str, wrong: str, right: str, name: str) -> None:
    broken = lossless(text, wrong, right)
    assert fix_cjk_mojibake(broken) == (text, name)
    assert repair_text(broken)[0] == text


def test_utf8_read_as_big5_built_from_clean_words_is_repaired() -> None:
    words = "總統 網路 颱風 天氣 臺灣 經濟 政府 新聞 記者 銀行".split()
    damaged = {w: w.encode("utf-8").decode("big5", errors="replace") for w in words}
    lossless_words = [w for w, m in damaged.items()
                      if m.encode("big5", errors="replace") == w.encode("utf-8")]
    assert len(lossless_words) >= 3  # UTF-8 read as Big5 is lossless only for some text
    text = "".join(lossless_words)
    assert fix_cjk_mojibake(lossless(text, "big5", "utf-8")) == (text, "mojibake:utf-8-as-big5")


def test_cjk_mojibake_is_repaired_per_line() -> None:
    broken = lossless("新华社北京电", "gb18030", "utf-8")
    fixed, repairs = repair_text(f"{CLEAN_HANS[1]}\n{broken}\n{CLEAN_EN[0]}")
    assert fixed == f"{CLEAN_HANS[1]}\n新华社北京电\n{CLEAN_EN[0]}"
    assert repairs == ["mojibake:utf-8-as-gbk"]


@pytest.mark.parametrize(
    "line",
    [
        "Informa\u00e7\u00e3o e educa\u00e7\u00e3o s\u00e3o prioridades do governo.",
        "M\u00fcnchen und K\u00f6ln: Gr\u00f6\u00dfere St\u00e4dte w\u00e4hlen.",
        "\u00a9 2014-2025 \u00c9ditions \u00c0 la carte",
    ],
)
def test_accented_western_text_is_not_taken_for_misread_gbk(line: str) -> None:
    assert fix_cjk_mojibake(line) == (line, None)


def test_html_entities_are_decoded() -> None:
    assert repair_text("Download&nbsp;our app &amp; read AT&amp;T&#8217;s reply") == (
        "Download our app & read AT&T\u2019s reply", ["html_entities", "odd_spaces"]
    )
    assert repair_text("记者&nbsp;张华&ldquo;报道&rdquo;")[0] == "记者 张华\u201c报道\u201d"


def test_text_that_only_looks_like_an_entity_stays() -> None:
    line = "Profits & losses; R&D spending rose; Q&A at 5pm"
    assert repair_text(line) == (line, [])


@pytest.mark.parametrize(
    ("broken", "clean"),
    [
        ("<p>I think search is an exciting place to be.", "I think search is an exciting place to be."),
        ("Anthems:<br/>", "Anthems:"),
        ("Government</p>", "Government"),
        ("2023-11-18 22:29</p>", "2023-11-18 22:29"),
        ("Markets rallied.<br>Bonds fell.", "Markets rallied. Bonds fell."),
        ("<div class=\"lead\">央行宣布降准</div>", "央行宣布降准"),
        ("股市上涨<br />债市下跌", "股市上涨债市下跌"),
    ],
)
def test_tag_fragments_are_removed(broken: str, clean: str) -> None:
    assert repair_text(broken) == (clean, ["tag_fragments"])


def test_lossy_closing_tag_after_cjk_punctuation_is_restored() -> None:
    fixed, repairs = repair_text("非常感动于我们的坦诚与细致，也更加坚定了落户的信心?!?/p>")
    assert fixed == "非常感动于我们的坦诚与细致，也更加坚定了落户的信心。"
    assert repairs == ["lossy_tag"]
    quoted = repair_text("他表示：“我們對項目前景充滿信心?!?/p>")[0]
    assert quoted == "他表示：“我們對項目前景充滿信心。”"


def test_a_lost_copyright_sign_is_left_for_the_classifier() -> None:
    assert repair_text("? 2014-2025 上海东方报业有限公司") == ("? 2014-2025 上海东方报业有限公司", [])


def test_odd_spaces_invisible_and_control_characters() -> None:
    broken = "Prices\u00a0rose\u200b 5%\u2009today\u00ad.\x07\ufeff"
    assert repair_text(broken) == ("Prices rose 5% today.", ["control_chars", "odd_spaces"])
    indented = "　　国务院新闻办公室今天举行发布会"
    assert repair_text(indented.replace("办公室", "办公室\u200c")) == (indented, ["control_chars"])


def test_line_endings_and_nfc() -> None:
    assert repair_text("first\r\nsecond\rthird") == ("first\nsecond\nthird", ["line_endings"])
    assert repair_text("Cafe\u0301 re\u0301sume\u0301") == ("Caf\u00e9 r\u00e9sum\u00e9", ["unicode_nfc"])


@pytest.mark.parametrize(
    ("glossed", "clean"),
    [
        ("預(yù)計政府將在七天內做出回應", "預計政府將在七天內做出回應"),
        ("數據(jù)顯示", "數據顯示"),
        ("上海灣區(qū)高新區(qū)創(chuàng)新構(gòu)建工作機制", "上海灣區高新區創新構建工作機制"),
        ("预(yu4)计数据(ju)将于下周公布", "预计数据将于下周公布"),
        ("這樣一位資深球手，爲何要繼續折騰奔波", "這樣一位資深球手，爲何要繼續折騰奔波"),
        ("他說(shuō)得(de)很清楚", "他說得很清楚"),
    ],
)
def test_pinyin_glosses_are_removed(glossed: str, clean: str) -> None:
    fixed, repairs = repair_text(glossed)
    assert fixed == clean
    assert repairs == (["pinyin_gloss"] if glossed != clean else [])


@pytest.mark.parametrize(
    "line",
    [
        "人工智能(AI)大會今日開幕",
        "雷克薩斯(上海)新能源項目",
        "僅用時49天(含法定公示期30天)完成",
        "國家主席習近平(Xi)會見來訪的外賓",
        "新華社(xīnhuá)報道",
        "公司(ma)表示",
        "會議(2024)紀要",
    ],
)
def test_brackets_that_are_not_a_reading_of_the_character_stay(line: str) -> None:
    assert repair_text(line) == (line, [])


def test_repair_lines_updates_html_blocks() -> None:
    lines = [Line(1, "Download&nbsp;our app"), Line(2, "預(yù)計竣工"), Line(3, "Clean line")]
    repaired, repairs = repair_lines(lines)
    assert [line.text for line in repaired] == ["Download our app", "預計竣工", "Clean line"]
    assert repairs == ["html_entities", "odd_spaces", "pinyin_gloss"]


@pytest.mark.parametrize("text", ["ภาษาไทย", "简体中文", "한국어", "Informação e antígeno"])
def test_utf8_misread_as_cp1252_is_not_taken_for_misread_gbk(text: str) -> None:
    broken = text.encode("utf-8").decode("sloppy-windows-1252")
    fixed, name = fix_cjk_mojibake(broken)
    assert (fixed, name) in ((broken, None), (text, "mojibake:utf-8-as-cp1252"))
    assert repair_text(broken)[0] == text


def test_soft_hyphen_inside_mojibake_is_part_of_it() -> None:
    assert repair_text("mantidos os nÃ\xadveis de anticorpos")[0] == "mantidos os níveis de anticorpos"
    assert repair_text("infor\xadmation") == ("information", ["control_chars"])


def test_clean_gold_paragraphs_of_the_dev_set_are_left_alone() -> None:
    gold_dir = Path(__file__).parents[2] / "shared" / "eval" / "textset-dev" / "gold"
    if not gold_dir.is_dir():
        pytest.skip("evaluation data not available")
    changed = []
    for path in sorted(gold_dir.glob("*.json")):
        for paragraph in json.loads(path.read_text("utf-8"))["paragraphs"]:
            fixed, repairs = repair_text(paragraph["text"])
            if fixed != paragraph["text"]:
                changed.append((path.stem, repairs))
    assert changed == []


@pytest.mark.parametrize("name", ["张素峰", "陳大文", "王强", "李晓婷;蒲存秀"])
def test_short_chinese_utf8_read_as_cp1252_is_repaired(name: str) -> None:
    broken = name.encode("utf-8").decode("sloppy-windows-1252")
    fixed, repairs = repair_text(broken)
    assert fixed == name
    assert any(r.startswith("mojibake:utf-8-as-") for r in repairs)


# (kind, line, what the CJK detector tries on it: None for Western text, which is ftfy's)
MISREAD_LINES = [
    ("latin-1", CLEAN_EN[1].encode("utf-8").decode("latin-1"), None),
    ("cp1252", CLEAN_EN[0].encode("utf-8").decode("sloppy-windows-1252"), None),
    ("utf-8 as cp1252", CLEAN_HANS[2].encode("utf-8").decode("sloppy-windows-1252"), UTF8_AS_WESTERN),
    ("utf-8 as gbk", "鏂板崕绀", UTF8_MISREAD),
    ("utf-8 as big5", lossless("總統網路", "big5", "utf-8"), UTF8_MISREAD),
    ("gbk as cp1252", "ÖÐÎÄ", LEGACY_MISREAD),
    ("big5 as latin-1", lossless(CLEAN_HANT[1], "latin-1", "big5"), LEGACY_MISREAD),
]


# Clean lines without a bracket after a Han character (a gloss?), an uncommon Han character
# (爲: CJK mojibake?) or a symbol next to a non-ASCII character (℃，: ftfy's business).
SKIPPING_LINES = [*CLEAN_HANS[:4], CLEAN_HANS[8], *CLEAN_HANT[:2], CLEAN_HANT[3], CLEAN_HANT[5],
                  *CLEAN_EN[:4], "Markets (and bonds) rallied"]


@pytest.mark.parametrize("line", SKIPPING_LINES)
def test_clean_lines_skip_every_repair(line: str) -> None:
    assert not needs_repair(line)
    assert misread_families(line) is None


@pytest.mark.parametrize(("kind", "line", "families"), MISREAD_LINES, ids=[m[0] for m in MISREAD_LINES])
def test_misread_lines_are_checked(kind: str, line: str, families: tuple) -> None:
    assert misread_families(line) == families
    assert needs_repair(line)


@pytest.mark.parametrize("line", [
    f"{CLEAN_HANS[0]}{MISREAD_LINES[3][1]}",  # clean Chinese and a misread name
    f"{CLEAN_EN[0]} {MISREAD_LINES[0][1]}",  # clean English and a misread sentence
    "Prices rose&nbsp;5%", "股市上涨<br>", "預(yù)計", "Caf\u00e9\u00a0Nord", "Cafe\u0301", "a\u200bb",
    f"{CLEAN_HANS[2]}\n“1” “2”",  # a line of Western high characters alone, in a text with Han
])
def test_mixed_and_damaged_lines_are_checked(line: str) -> None:
    assert needs_repair(line)


def badness_branches() -> list:
    """The alternatives of ftfy's badness pattern, parsed (``sre_parse`` before Python 3.11)."""
    parser = importlib.import_module("re._parser" if sys.version_info >= (3, 11) else "sre_parse")
    (op, (_, branches)), = parser.parse(BADNESS_RE.pattern, BADNESS_RE.flags).data
    assert op is parser.BRANCH
    return [(parser, branch.data) for branch in branches]


def listed_chars(parser, op, av) -> list[str] | None:
    """The characters one pattern item matches, when it is one of listed characters."""
    if op is parser.LITERAL:
        return [chr(av)]
    if op is parser.IN and all(kind in (parser.LITERAL, parser.RANGE) for kind, _ in av):
        spans = [(arg, arg) if kind is parser.LITERAL else arg for kind, arg in av]
        return [chr(c) for first, last in spans for c in range(first, last + 1)]
    return None


@pytest.mark.parametrize(("parser", "items"), badness_branches())
def test_ftfy_suspect_finds_every_badness_pattern(parser, items: list) -> None:
    """Each pattern needs one character, or two in a row, that ``FTFY_SUSPECT`` finds, so a
    line it finds nothing in is never ftfy's business."""
    chars = [listed_chars(parser, op, av) for op, av in items]
    lone = any(c and all(FTFY_SUSPECT.search(ch) for ch in c) for c in chars)
    pair = any(a and b and all(FTFY_SUSPECT.search(x + y) for x in a for y in b)
               for a, b in zip(chars, chars[1:], strict=False))
    assert lone or pair


def test_c1_controls_are_ftfy_suspects() -> None:
    assert all(FTFY_SUSPECT.search(chr(c)) for c in range(0x80, 0xA0))


def test_lines_that_skip_the_repairs_are_left_alone_by_them() -> None:
    """On every line of the dev set's raw files, a line ``needs_repair`` lets through is one that
    a pass of every repair leaves as it is."""
    if not DEV_CASES.is_dir():
        pytest.skip("evaluation data not available")
    skipped = 0
    for path in sorted(DEV_CASES.iterdir()):
        data = unwrap(path.read_bytes(), path.name)
        try:
            text = decode_bytes(data, sniff_format(path.name, data) == "html").text
        except RejectError:
            continue
        for line in text.splitlines():
            if not needs_repair(line):
                done: list[str] = []
                assert (repair_pass(line, done), done) == (line, []), path.name
                skipped += 1
    assert skipped > 1000


def test_an_html_page_in_utf8_read_as_cp1252_is_repaired_before_extraction() -> None:
    from tasks.clean import clean_document

    article = ("<html><head><title>東港晨報</title></head><body><article><h1>議員週二宣布機場擴建方案</h1>"
               "<p>2021年9月12日 來源：東港晨報</p>"
               "<p>議員週二宣布機場擴建方案，不少市民對此表示關注，預計工程將於明年完成。</p>"
               "<p>教育局表示將盡快公布細節。</p>"
               "</article></body></html>")
    # 來源 and 晨報 hold bytes that cp1252 reads as a C1 control and a no-break space
    damaged = article.encode("utf-8").decode("sloppy-windows-1252").encode("utf-8")
    doc = clean_document(damaged, "page.html")
    assert "mojibake:utf-8-as-cp1252" in doc.repairs
    assert "".join(p.text for p in doc.paragraphs if p.kind == "body") == (
        "議員週二宣布機場擴建方案，不少市民對此表示關注，預計工程將於明年完成。教育局表示將盡快公布細節。")
    assert doc.metadata.published_date.isoformat() == "2021-09-12"


def test_fix_and_explain_is_ftfys_own() -> None:
    lines = [line for line in eval_lines() if not line.isascii()]
    mojibake = [line.encode("utf-8").decode(codec, "replace") for line in lines
                for codec in ("sloppy-windows-1252", "latin-1")]
    damaged = mojibake + [line + "\x81 ﬁ\x1b[0m\x07" for line in mojibake[::7]] + ["\x81Ã©", "Ã\x81"]
    assert len(damaged) > 1000
    for line in lines + damaged:
        fixed, explanation = fix_and_explain(line)
        expected, expected_explanation = ftfy.fix_and_explain(line, config=FTFY_CONFIG)
        assert fixed == expected, line
        assert set(mojibake_names(explanation)) == set(mojibake_names(expected_explanation)), line


def test_repair_prone_characters_are_all_that_a_repair_or_its_tests_act_on() -> None:
    """Every character that ``repair_prone_char`` lets by is clean text to ``FTFY_SUSPECT``, no
    line break nor ``REPAIR_CHAR``, and neither a Western high character nor an uncommon Han one
    (what ``misread_families`` looks for), so a text made of them needs no repair but a gloss's
    removal or NFC."""
    clean = re.compile(f"[{CLEAN_TEXT}]")
    let_by = [ch for ch in map(chr, range(0x10000)) if not repair_prone_char().match(ch)]
    assert len(let_by) > 6000
    for ch in let_by:
        assert clean.match(ch) and ch not in "\r\u2028\u2029", hex(ord(ch))
        assert not (REPAIR_CHAR.match(ch) or WESTERN_HIGH.match(ch) or uncommon_han().match(ch)), hex(ord(ch))
    assert all(repair_prone_char().match(chr(code)) for code in (0x10000, 0x20000, 0x1F600))


def repaired_line_by_line(text: str) -> tuple[str, list[str]]:
    """``repair_text`` without its whole-text tests: every line goes through ``repair_line``."""
    fixed = fix_line_endings(text)
    repairs = {"line_endings"} if fixed != text else set()
    lines = []
    for line in fixed.split("\n"):
        line, done = repair_line(line)
        lines.append(line)
        repairs.update(done)
    return "\n".join(lines), sorted(repairs)


def dev_texts() -> list[str]:
    """The decoded text of each raw file of the dev set."""
    texts = []
    for path in sorted(DEV_CASES.iterdir()):
        data = unwrap(path.read_bytes(), path.name)
        try:
            texts.append(decode_bytes(data, sniff_format(path.name, data) == "html").text)
        except RejectError:
            continue
    return texts


def test_whole_text_tests_decide_as_the_lines_do() -> None:
    """On the dev set's texts, runs of ten eval lines, their mojibake in each codec and texts with
    one damaged line, the whole-text tests clear a text only when each of its lines is cleared,
    and ``repair_text`` gives what repairing every line gives."""
    if not DEV_CASES.is_dir():
        pytest.skip("evaluation data not available")
    lines = eval_lines()
    texts = dev_texts() + ["\n".join(lines[start : start + 10]) for start in range(0, len(lines), 10)]
    damaged = [text.encode("utf-8").decode(codec, "replace") for text in texts
               for codec in ("sloppy-windows-1252", "latin-1", "gb18030", "big5")]
    one_damaged_line = [f"{text}\n{CLEAN_HANS[0].encode('utf-8').decode(codec, 'replace')}\r\n{text}"
                        for text in texts[::5] for codec in ("sloppy-windows-1252", "gb18030")]
    free = 0
    for text in texts + damaged + one_damaged_line + [*CLEAN_HANS, *CLEAN_HANT, *CLEAN_EN]:
        fixed = fix_line_endings(text)
        each_line = any(needs_repair(line) for line in fixed.split("\n"))
        assert needs_repair(fixed) == each_line, text[:80]
        if is_repair_free(text):
            assert (fixed, each_line) == (text, False), text[:80]
            free += 1
        assert repair_text(text) == repaired_line_by_line(text), text[:80]
    assert free > 300


def test_texts_surely_not_mostly_western_high_are_so() -> None:
    """On eval lines, their mojibake in each Western code page and runs of Western high characters
    among letters, the quick test clears only text with fewer than 4 Western high characters or
    more than twice as many letters."""
    lines = [line for line in eval_lines() if not line.isascii()]
    mojibake = [line.encode("utf-8").decode(codec, "replace") for line in lines
                for codec in ("sloppy-windows-1252", "latin-1")]
    runs = [f"{'ab' * letters}{'é“' * high}" for letters in range(6) for high in range(6)]
    cleared = 0
    for text in lines + mojibake + runs:
        if surely_not_mostly_western_high(text):
            high = len("".join(WESTERN_HIGH.findall(text)))
            assert high < 4 or more_letters_than(high * 2, text), text
            cleared += 1
    assert 1000 < cleared < len(lines) + len(mojibake) + len(runs)
