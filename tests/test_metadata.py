"""Document metadata: headline, dateline, byline and source, from header lines, editor lines and
wire datelines, down to the ``documents`` row."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tasks.batch import process_batch
from tasks.clean import clean_document
from tasks.discover import walk_root

BODY = ("The city will open two new tram lines next spring, officials said, after a three-year "
        "construction programme that ran over budget.")


def clean(text: str):
    return clean_document(text.encode("utf-8"), "story.txt")


@pytest.mark.parametrize(
    ("first", "source"),
    [
        ("WASHINGTON (Reuters) - " + BODY, "Reuters"),
        ("LONDON, March 5, 2024 (Reuters) - " + BODY, "Reuters"),
        ("(CNN) -- " + BODY, "CNN"),
        ("COLUMBIA, S.C. (AP) — " + BODY, "AP"),
        ("新华社北京3月5日电 十四届全国人大二次会议5日上午在人民大会堂开幕，会期7天。", "新华社"),
        ("中新網3月5日電 香港特區政府公布新一份財政預算案，預計明年經濟增長百分之三。", "中新網"),
    ],
)
def test_wire_dateline_names_the_source_and_stays_in_the_text(first: str, source: str) -> None:
    doc = clean(f"Tram lines to open next spring\n\n{first}\n\n{BODY}\n")
    assert doc.metadata.source == source
    assert doc.paragraphs[1].text == first


@pytest.mark.parametrize(
    ("first", "date"),
    [
        ("LONDON, March 5, 2024 (Reuters) - " + BODY, dt.date(2024, 3, 5)),
        ("新华社北京2024年3月5日电 十四届全国人大二次会议5日上午在人民大会堂开幕。", dt.date(2024, 3, 5)),
        ("BEIJING, March 5 (Xinhua) -- " + BODY, None),
    ],
)
def test_wire_dateline_with_a_year_dates_the_document(first: str, date: dt.date | None) -> None:
    assert clean(f"Tram lines to open next spring\n\n{first}\n\n{BODY}\n").metadata.published_date == date


def test_reporter_of_an_editor_line_is_the_byline() -> None:
    doc = clean(f"Tram lines to open next spring\n\n{BODY}\n\nReporting by Ann Wong; Editing by Sam Lee\n")
    assert doc.metadata.byline == "Ann Wong"
    assert [p.text for p in doc.paragraphs] == ["Tram lines to open next spring", BODY]
    assert [r.category for r in doc.removed] == ["editor_line"]


@pytest.mark.parametrize(
    ("header", "date", "byline", "source"),
    [
        (["Tram lines to open next spring", "Updated: 5 March 2024 14:02 GMT",
          "By Ann Wong | Northern Ledger"],
         dt.date(2024, 3, 5), "Ann Wong", "Northern Ledger"),
        (["全市新增两条有轨电车线路", "发布时间：2024年3月5日 09:12 来源：江城日报", "本报记者 王强"],
         dt.date(2024, 3, 5), "王强", "江城日报"),
        (["全市新增兩條電車路綫", "2024年3月5日 星期二", "東方晚報記者 陳大文"],
         dt.date(2024, 3, 5), "陳大文", "東方晚報"),
    ],
)
def test_header_fills_the_documents_row(tmp_path: Path, header: list[str], date: dt.date, byline: str,
                                        source: str) -> None:
    root = tmp_path / "in"
    root.mkdir()
    (root / "story.txt").write_text("\n\n".join(header + [BODY]) + "\n", "utf-8")
    summary = process_batch(list(walk_root(root)), {}, str(tmp_path / "staging"), "run-1")
    row = pq.read_table(summary.staged["documents"]).to_pylist()[0]
    fields = (row["title"], row["published_date"], row["byline"], row["source"])
    assert fields == (header[0], date, byline, source)
    assert row["text"] == header[0] + "\n\n" + BODY


@pytest.mark.parametrize(
    ("header", "title", "date"),
    [
        (["October 15, 2012", "19 Nov 2016"], "October 15, 2012", dt.date(2016, 11, 19)),
        (["Published: 5 March 2024", "Updated: 6 March 2024"], None, dt.date(2024, 3, 5)),
    ],
)
def test_two_dates_on_top(header: list[str], title: str | None, date: dt.date) -> None:
    doc = clean("\n\n".join(header + [BODY]) + "\n")
    assert (doc.metadata.title, doc.metadata.published_date) == (title, date)
    assert [p.text for p in doc.paragraphs] == ([title] if title else []) + [BODY]
