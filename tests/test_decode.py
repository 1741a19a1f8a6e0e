"""Decoding raw bytes: BOMs, UTF-8, declared charsets, legacy encodings, rejects."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from tasks.decode import HIGH_BYTE, canonical_encoding, declared_charset, decode_bytes, sniff_format, unwrap
from tasks.model import RejectError
from tasks.mojibake import count_high_bytes

ZH_HANS = "新华社北京5月22日电 国家统计局今天发布数据显示，前四个月全国规模以上工业增加值同比增长6.2%。"
ZH_HANT = "中央社記者台北22日電 行政院今天通過明年度總預算案，經濟部表示將持續推動產業升級與數位轉型。"
EN_CURLY = (
    "The company\u2019s chief executive said on Tuesday that profits rose 5% \u2014 \u201cbetter than "
    "expected\u201d \u2026 analysts in London and New York agreed.\n"
)
JA = "東京証券取引所は本日、株価が大幅に上昇したと発表しました。日本銀行の金融政策に注目が集まっています。"
KO = "서울 중앙지방법원은 오늘 삼성전자 사건에 대한 판결을 내렸다. 경제 전문가들은 시장 영향을 주목하고 있다."


@pytest.mark.parametrize(
    ("text", "codec", "expected"),
    [
        (ZH_HANS, "utf-8", "utf-8"),
        (ZH_HANS, "utf-8-sig", "utf-8"),
        (ZH_HANS, "utf-16", "utf-16"),
        (EN_CURLY, "utf-16-be", "utf-16"),
        (ZH_HANS, "utf-32", "utf-32"),
        (ZH_HANS, "gb18030", "gb18030"),
        (ZH_HANS, "gbk", "gb18030"),
        (ZH_HANS, "gb2312", "gb18030"),
        (ZH_HANT, "big5", "big5"),
        (JA, "shift_jis", "shift_jis"),
        (KO, "euc-kr", "euc-kr"),
        (EN_CURLY, "cp1252", "cp1252"),
    ],
)
def test_encodings_are_detected_and_named_canonically(text: str, codec: str, expected: str) -> None:
    decoded = decode_bytes(text.encode(codec))
    assert decoded.encoding == expected
    assert decoded.text.lstrip("\ufeff") == text


def test_short_legacy_chinese_lines_decode() -> None:
    assert decode_bytes("国家统计局发布数据".encode("gb18030")).text == "国家统计局发布数据"
    assert decode_bytes("行政院通過總預算案".encode("big5")).text == "行政院通過總預算案"


def test_western_cp1252_is_not_taken_for_a_cyrillic_or_central_european_page() -> None:
    text = "Caf\u00e9 owners in Paris say the na\u00efve r\u00e9sum\u00e9 rule \u2018hurts\u2019 trade.\n" * 3
    decoded = decode_bytes(text.encode("cp1252"))
    assert (decoded.encoding, decoded.text) == ("cp1252", text)


def test_cyrillic_code_page_is_still_recognised() -> None:
    text = "Правительство России сообщило во вторник о росте промышленного производства на пять процентов."
    assert decode_bytes(text.encode("cp1251")).text == text


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_found_by_its_nul_bytes(codec: str) -> None:
    for text in (EN_CURLY, ZH_HANS + "\n2024-05-22\n"):
        decoded = decode_bytes(text.encode(codec))
        assert (decoded.encoding, decoded.text) == ("utf-16", text)


def test_html_declared_charset_is_used_and_gb2312_means_gb18030() -> None:
    page = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head>'
    data = page.encode("ascii") + f"<body><p>{ZH_HANS}</p></body></html>".encode("gb18030")
    decoded = decode_bytes(data, is_html=True)
    assert decoded.encoding == "gb18030"
    assert ZH_HANS in decoded.text


def test_html_declaring_latin1_decodes_as_cp1252() -> None:
    data = b'<meta charset="iso-8859-1"><p>\x93Quoted\x94 \x96 caf\xe9</p>'
    decoded = decode_bytes(data, is_html=True)
    assert decoded.encoding == "cp1252"
    assert "\u201cQuoted\u201d \u2013 caf\u00e9" in decoded.text


def test_utf8_beats_a_wrong_declaration() -> None:
    data = f'<meta charset="gbk"><p>{ZH_HANS}</p>'.encode()
    assert decode_bytes(data, is_html=True).encoding == "utf-8"


def test_a_few_invalid_bytes_in_utf8_are_replaced_not_misdetected() -> None:
    data = (ZH_HANS * 5).encode() + b"\xff" + ZH_HANT.encode()
    decoded = decode_bytes(data)
    assert decoded.encoding == "utf-8"
    assert decoded.repairs == ("invalid_bytes",)
    assert decoded.text.endswith("\ufffd" + ZH_HANT)


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"\xff\xd8\xff\xe0\x00\x10JFIF",
        b"GIF89a\x01\x00\x01\x00",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
        b"PK\x03\x04\x14\x00\x06\x00",
        b"\x01\x02\x03\x04\x05\x06\x07\x08" * 64,
        b"text with \x00 a stray \x00\x00 NUL",
    ],
)
def test_binary_files_are_rejected(data: bytes) -> None:
    with pytest.raises(RejectError) as err:
        decode_bytes(data)
    assert err.value.reason == "binary"


@pytest.mark.parametrize("data", [b"", b"   \r\n\t\n", b"\xef\xbb\xbf\n", b"\xff\xfe \x00"])
def test_empty_files_are_rejected(data: bytes) -> None:
    with pytest.raises(RejectError) as err:
        decode_bytes(data)
    assert err.value.reason == "empty"


def test_canonical_names() -> None:
    assert [canonical_encoding(n) for n in ("GBK", "cp936", "Big5-HKSCS", "latin1", "UTF_16_BE", "SJIS")] == [
        "gb18030", "gb18030", "big5", "cp1252", "utf-16", "shift_jis"
    ]


def test_declared_charset_forms() -> None:
    assert declared_charset(b"<meta charset='Big5'>") == "big5"
    meta = b'<META HTTP-EQUIV="content-type" CONTENT="text/html;charset=ISO-8859-1">'
    assert declared_charset(meta) == "cp1252"
    assert declared_charset(b'<?xml version="1.0" encoding="GBK"?><html>') == "gb18030"
    assert declared_charset(b"<p>no declaration</p>") is None


def test_unwrap_and_sniff() -> None:
    assert unwrap(gzip.compress(b"hello"), "a.txt.gz") == b"hello"
    with pytest.raises(RejectError):
        unwrap(b"\x1f\x8bnot gzip", "a.gz")
    assert sniff_format("page.HTM", b"") == "html"
    assert sniff_format("notes", b"  <!DOCTYPE html><html>") == "html"
    assert sniff_format("notes.txt", b"plain") == "text"


def test_dev_set_files_decode_with_their_recorded_encoding() -> None:
    set_dir = Path(__file__).parents[2] / "shared" / "eval" / "textset-dev"
    if not set_dir.is_dir():
        pytest.skip("evaluation data not available")
    wrong = []
    for gold_path in sorted((set_dir / "gold").glob("*.json")):
        expected = json.loads(gold_path.read_text("utf-8"))["encoding"]
        found = decode_bytes((set_dir / "cases" / f"{gold_path.stem}.txt").read_bytes()).encoding
        if found != expected:
            wrong.append((gold_path.stem, expected, found))
    assert wrong == []


@pytest.mark.parametrize("legacy", ["gb18030", "big5"])
def test_lines_in_different_encodings_are_each_decoded(legacy: str) -> None:
    other = ZH_HANT if legacy == "big5" else ZH_HANS.replace("国家统计局", "市统计局")
    data = (ZH_HANS + "\n\n").encode("utf-8") + (other + "\n").encode(legacy) + EN_CURLY.encode("utf-8")
    decoded = decode_bytes(data)
    assert decoded.text == ZH_HANS + "\n\n" + other + "\n" + EN_CURLY
    assert decoded.repairs == ("mixed_encodings",)


def test_three_encodings_in_one_file() -> None:
    data = (ZH_HANS + "\n").encode("utf-8") + (ZH_HANS + "\n").encode("gb18030") + ZH_HANT.encode("big5")
    assert decode_bytes(data).text == f"{ZH_HANS}\n{ZH_HANS}\n{ZH_HANT}"


def test_western_text_with_a_stray_byte_is_not_taken_for_mixed_chinese() -> None:
    data = ("Café prices rose\n".encode() + b"Helmets were kept at 50\xb0C for four hours.\n")
    assert "mixed_encodings" not in decode_bytes(data).repairs


@pytest.mark.parametrize(("text", "codec"), [(ZH_HANS * 3, "gb18030"), (ZH_HANT * 3, "big5")])
def test_chinese_the_detector_gives_up_on_is_still_decoded(monkeypatch, text: str, codec: str) -> None:
    import tasks.decode as decode

    monkeypatch.setattr(decode, "detect", lambda data: None)  # charset-normalizer finds no match
    decoded = decode_bytes(text.encode(codec))
    assert (decoded.text, decoded.encoding) == (text, codec)


def test_high_bytes_counted_are_the_runs_of_them_looks_western_reads() -> None:
    # looks_western counts the high bytes first and lists their runs only for a text that may be Western
    cases = sorted((Path(__file__).parents[2] / "shared" / "eval").glob("*/cases/*"))
    if not cases:
        pytest.skip("evaluation data not available")
    for case in cases:
        data = case.read_bytes()
        assert count_high_bytes(data) == sum(map(len, HIGH_BYTE.findall(data))), case.name
