"""Page metadata from the markup: headline, publication date, byline, site."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
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


@dataclass
class Declarations:
    """What a page's head and dated elements declare, gathered in one pass over the tree."""

    metas: dict[str, str] = field(default_factory=dict)  # ``<meta>`` contents by lower-cased key
    title: str | None = None  # the first non-empty ``<title>``
    h1: str | None = None  # the first non-empty ``<h1>``
    canonical: str | None = None  # the canonical link's address
    ld_json: list[str] = field(default_factory=list)  # JSON-LD scripts
    times: list[etree._Element] = field(default_factory=list)  # ``<time>`` elements


def declarations(root: etree._Element) -> Declarations:
    """The page's declarations.  ``<meta>`` contents are keyed by lower-cased property/name/itemprop (the
    first one wins)."""
    found = Declarations()
    for el in root.iter("meta", "link", "title", "h1", "script", "time"):
        tag = el.tag
        if tag == "meta":
            key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
            content = normalise_space(el.get("content") or "")
            if key and content and key not in found.metas:
                found.metas[key] = content
        elif tag == "link":
            if found.canonical is None and (el.get("rel") or "").strip().lower() == "canonical" \
                    and el.get("href"):
                found.canonical = el.get("href")
        elif tag == "title":
            found.title = found.title or normalise_space(text_content(el)) or None
        elif tag == "h1":
            found.h1 = found.h1 or normalise_space(text_content(el)) or None
        elif tag == "script":
            if el.get("type", "").lower() == "application/ld+json" and el.text:
                found.ld_json.append(el.text)
        else:
            found.times.append(el)
    return found


def social_title(metas: dict[str, str]) -> str | None:
    """The title of the page's social card (og:, twitter:)."""
    return next((metas[key] for key in TITLE_KEYS[:2] if metas.get(key)), None)


def declared_titles(declared: Declarations) -> list[str]:
    """The titles the page declares: its social-card title and its ``<title>``."""
    return [title for title in (social_title(declared.metas), declared.title) if title]


def find_date(declared: Declarations) -> dt.date | None:
    for key in DATE_KEYS:
        if key in declared.metas and (date := parse_date(declared.metas[key])):
            return date
    for script in declared.ld_json:
        match = LD_DATE_PUBLISHED.search(script)
        if match and (date := parse_date(match.group(1))):
            return date
    for el in declared.times:
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


def page_metadata(root: etree._Element, declared: Declarations, headline: str | None = None) -> Metadata:
    """Title, publication date and byline declared in the page; ``headline`` is the page's headline
    as the extractor found it, preferred to the first ``<h1>`` and the ``<title>``."""
    title = social_title(declared.metas) or headline or declared.h1 or declared.title
    return Metadata(title=title, published_date=find_date(declared), byline=find_byline(root, declared.metas),
                    site=page_site(declared))


def page_site(declared: Declarations) -> str | None:
    """The host a page says it lives at (canonical link, else ``og:url``), without ``www.``.

    >>> from lxml import html
    >>> page = html.fromstring('<html><head><link rel="canonical" href="https://www.Harbor.example/a/1">'
    ...                        '</head><body><p>x</p></body></html>')
    >>> page_site(declarations(page))
    'harbor.example'
    """
    for address in (declared.canonical, declared.metas.get("og:url")):
        host = urlsplit(address.strip()).hostname if address and URL.match(address) else None
        if host:
            return host.removeprefix("www.")
    return None
