"""Page metadata from the markup: headline, publication date, byline, site."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

from lxml import etree

from tasks.classify import find_date as find_written_date
from tasks.html_blocks import normalise_space
from tasks.model import Metadata

TITLE_KEYS = ("og:title", "twitter:title", "title", "dc.title", "headline")
DATE_KEYS = (
    "article:published_time", "og:published_time", "datepublished", "pubdate", "publishdate",
    "publish_date", "publish-date", "date", "dc.date", "dc.date.issued", "dcterms.date",
    "sailthru.date", "parsely-pub-date", "article.published", "publication_date", "originalpublicationdate",
)
AUTHOR_KEYS = ("author", "article:author", "byl", "dc.creator", "sailthru.author", "parsely-author")

ISO_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
CJK_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})")
URL = re.compile(r"^\s*https?://", re.I)
LD_DATE_PUBLISHED = re.compile(r'"datePublished"\s*:\s*"([^"]+)"')
# An element's text and that of its descendants (``lxml.html``'s ``text_content``, for any element).
text_content = etree.XPath("string()", smart_strings=False)


def parse_date(text: str) -> dt.date | None:
    """The first plausible calendar date written in ``text``.

    >>> parse_date("2019-10-15T08:00:00Z"), parse_date("2021年3月5日 10:00")
    (datetime.date(2019, 10, 15), datetime.date(2021, 3, 5))
    >>> parse_date("yesterday") is None
    True
    """
    for pattern in (ISO_DATE, CJK_DATE, COMPACT_DATE):
        match = pattern.search(text)
        if match:
            year, month, day = (int(part) for part in match.groups())
            try:
                date = dt.date(year, month, day)
            except ValueError:
                continue
            if 1990 <= date.year <= 2100:
                return date
    return None


def meta_values(root: etree._Element) -> dict[str, str]:
    """``<meta>`` contents keyed by lower-cased property/name/itemprop (the first one wins)."""
    values: dict[str, str] = {}
    for meta in root.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        content = normalise_space(meta.get("content") or "")
        if key and content and key not in values:
            values[key] = content
    return values


def first_text(root: etree._Element, tag: str) -> str | None:
    for el in root.iter(tag):
        text = normalise_space(text_content(el))
        if text:
            return text
    return None


def social_title(metas: dict[str, str]) -> str | None:
    """The title of the page's social card (og:, twitter:)."""
    return next((metas[key] for key in TITLE_KEYS[:2] if metas.get(key)), None)


def declared_titles(root: etree._Element, metas: dict[str, str]) -> list[str]:
    """The titles the page declares: its social-card title (from ``metas``, its ``meta_values``) and its
    ``<title>``."""
    return [title for title in (social_title(metas), first_text(root, "title")) if title]


def find_date(root: etree._Element, metas: dict[str, str]) -> dt.date | None:
    for key in DATE_KEYS:
        if key in metas and (date := parse_date(metas[key])):
            return date
    for script in root.iter("script"):
        if script.get("type", "").lower() == "application/ld+json" and script.text:
            match = LD_DATE_PUBLISHED.search(script.text)
            if match and (date := parse_date(match.group(1))):
                return date
    for el in root.iter("time"):
        if date := parse_date(el.get("datetime") or el.get("content") or ""):
            return date
        if found := find_written_date(normalise_space(text_content(el))):
            return found[0]
    return None


def find_byline(root: etree._Element, metas: dict[str, str]) -> str | None:
    for key in AUTHOR_KEYS:
        value = metas.get(key)
        if value and not URL.match(value):
            return value
    for el in root.iter("a", "span", "div", "p"):
        if el.get("rel") == "author" or el.get("itemprop") == "author":
            text = normalise_space(text_content(el))
            if 0 < len(text) <= 80:
                return text
    return None


def page_metadata(root: etree._Element, metas: dict[str, str], headline: str | None = None) -> Metadata:
    """Title, publication date and byline declared in the page (``metas`` its ``meta_values``);
    ``headline`` is the page's headline as the extractor found it, preferred to the first ``<h1>`` and
    the ``<title>``."""
    title = social_title(metas) or headline or first_text(root, "h1") or first_text(root, "title")
    return Metadata(title=title, published_date=find_date(root, metas), byline=find_byline(root, metas),
                    site=page_site(root, metas))


def page_site(root: etree._Element, metas: dict[str, str]) -> str | None:
    """The host a page says it lives at (canonical link, else ``og:url``), without ``www.``.

    >>> from lxml import html
    >>> page = html.fromstring('<html><head><link rel="canonical" href="https://www.Harbor.example/a/1">'
    ...                        '</head><body><p>x</p></body></html>')
    >>> page_site(page, meta_values(page))
    'harbor.example'
    """
    canonical = next((link.get("href") for link in root.iter("link")
                      if (link.get("rel") or "").strip().lower() == "canonical" and link.get("href")), None)
    for address in (canonical, metas.get("og:url")):
        host = urlsplit(address.strip()).hostname if address and URL.match(address) else None
        if host:
            return host.removeprefix("www.")
    return None
