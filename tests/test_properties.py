"""Properties of the cleaning core, checked by hypothesis on generated text and bytes.

On any input ``clean_document`` either cleans or raises ``RejectError``; what it keeps is
NFC, free of control characters and stray tags; and cleaning its output again changes
nothing.  The repair stage alone has the same properties.
"""

from __future__ import annotations

import gzip
import re
import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tasks.clean import clean_document
from tasks.model import CleanDocument, RejectError
from tasks.repair import TAG_FRAGMENT, repair_text

FEW = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Control characters no output may hold (tab aside; newlines separate paragraphs, never sit inside).
CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")

# What scraped news text is made of, damage included.
PIECES = (
    "The council", " approved", " the budget", " on Tuesday", ".", ",", " ", "  ", "\n", "\n\n", "\r\n",
    "\t", "新华社", "北京电", "记者", "報道", "。", "，", "“", "”", "\u3000\u3000", "&amp;", "&nbsp;",
    "&#8217;", "&lt;p&gt;", "<p>", "</p>", "<br/>", "<b>", "</div>", "Ã©", "â€™", "é", "e\u0301", "\u200b",
    "\ufeff", "\x00", "\x85", "\x1b[0m", "\u2028", "\xad", "预(yù)计", "Copyright 2024", "Photo: AP",
    "Share on Facebook", "Tel: 010-12345678", "(Reuters) -", "2024-05-01", "By Jane Doe", "Related:",
)
news_text = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=4)), max_size=50).map("".join)


def clean_or_none(data: bytes, name: str) -> CleanDocument | None:
    """The cleaned document, or None when the input is rejected (the one documented exception)."""
    try:
        return clean_document(data, name)
    except RejectError:
        return None


def check_clean(texts: list[str]) -> None:
    for text in texts:
        assert text and text == text.strip(), repr(text)
        assert unicodedata.is_normalized("NFC", text), repr(text)
        assert not CONTROL.search(text), repr(text)
        assert not TAG_FRAGMENT.search(text), repr(text)


def paragraph_texts(doc: CleanDocument | None) -> list[str]:
    return [p.text for p in doc.paragraphs] if doc else []


@FEW
@given(st.binary(max_size=3000), st.sampled_from(["a.txt", "a.html", "a.txt.gz"]))
def test_any_bytes_are_cleaned_or_rejected(data, name):
    check_clean(paragraph_texts(clean_or_none(data, name)))


@FEW
@given(news_text, st.sampled_from(["utf-8", "utf-16", "gb18030", "cp1252"]))
def test_any_text_in_any_encoding_is_cleaned_or_rejected(text, encoding):
    data = text.encode(encoding, errors="ignore")
    check_clean(paragraph_texts(clean_or_none(data, "a.txt")))
    check_clean(paragraph_texts(clean_or_none(gzip.compress(data), "a.txt.gz")))


@FEW
@given(st.lists(news_text, max_size=8))
def test_any_html_page_is_cleaned_or_rejected(blocks):
    page = "<html><body>" + "".join(f"<p>{block}</p>" for block in blocks) + "</body></html>"
    check_clean(paragraph_texts(clean_or_none(page.encode("utf-8"), "a.html")))


@FEW
@given(st.one_of(news_text, st.text(max_size=300)))
def test_cleaning_clean_text_again_changes_nothing(text):
    doc = clean_or_none(text.encode("utf-8"), "a.txt")
    texts = paragraph_texts(doc)
    check_clean(texts)
    if texts:
        assert paragraph_texts(clean_or_none(doc.text.encode("utf-8"), "a.txt")) == texts


@FEW
@given(st.one_of(news_text, st.text(max_size=300)))
def test_repair_is_clean_and_idempotent(text):
    repaired, _ = repair_text(text)
    lines = [line.strip() for line in repaired.split("\n")]
    check_clean([line for line in lines if line])
    assert repair_text(repaired)[0] == repaired
