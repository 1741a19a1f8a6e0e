"""The whole cleaning of one document, as one pure function.

``clean_document(data, name)`` runs the stages in order and returns a
``CleanDocument`` or raises ``RejectError``:

1. ``decode``   bytes -> text (gzip, BOM, UTF-8, detected legacy encodings)
2. ``repair``   mojibake, entities, tag litter, odd spaces, pinyin glosses
3. ``html``     for HTML input: main-content blocks (and what was dropped)
4. ``classify`` each line: title / heading / body / boilerplate (category + rule)
5. ``segment``  lines -> paragraphs
6. ``language`` language and script per document and paragraph
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rinse.config import DEFAULT_MAX_FILE_BYTES
from tasks import classify, decode, html, language, repair, segment
from tasks.line_stats import Repeated, document_keys, strongest
from tasks.model import CleanDocument, Line, RejectError


@dataclass(frozen=True)
class CleanConfig:
    """Knobs of the cleaning core (the defaults are what ``rinse run`` uses)."""

    max_bytes: int = DEFAULT_MAX_FILE_BYTES


def split_lines(text: str) -> list[Line]:
    """Number the lines of a repaired text (1-based); full-width indents are noted.

    >>> [(l.no, l.text, l.indented) for l in split_lines("a\\n\\u3000\\u3000b")]
    [(1, 'a', False), (2, 'b', True)]
    """
    lines = []
    for no, raw in enumerate(text.split("\n"), start=1):
        stripped = raw.strip()
        lines.append(Line(no=no, text=stripped, indented=bool(stripped) and raw[:1] in "\u3000 \t"))
    return lines


WARM_UP_TEXT = ("Der Stadtrat hat am Dienstag den Plan für die neue Brücke genehmigt.\n\n"
                "港島電車由下月起增設深夜班次。\n\n图书馆周末延长开放时间。\n")


def warm_up() -> None:
    """Load what cleaning loads on first use (the language model, OpenCC's tables): about a second."""
    clean_document(WARM_UP_TEXT.encode(), "warm-up.txt")


def clean_document(data: bytes, name: str, config: CleanConfig = CleanConfig(),
                   repeated: Repeated | None = None, site_repeated: Mapping[str, Repeated] | None = None
                   ) -> CleanDocument:
    """Clean one raw file's bytes; ``name`` is only used for its extension.

    ``repeated`` is what the corpus taught about lines of this file's folder, ``site_repeated``
    the same per site, used for an HTML page that says its site (``tasks.line_stats``); the
    document's own line hashes come back in ``line_keys``.
    """
    if len(data) > config.max_bytes:
        raise RejectError("too_large", f"{len(data)} bytes is over the {config.max_bytes} byte limit")
    payload = decode.unwrap(data, name, config.max_bytes)
    fmt = decode.sniff_format(name, payload)
    decoded = decode.decode_bytes(payload, is_html=fmt == "html")
    repairs = list(decoded.repairs)
    removed = []
    if fmt == "html":
        markup, repairs_in_markup = repair.fix_markup_mojibake(decoded.text)
        repairs += repairs_in_markup
        lines, removed, page_meta = html.extract(markup)
        if page_meta.site and site_repeated:
            repeated = strongest(repeated, site_repeated.get(page_meta.site))
        lines, line_repairs = repair.repair_lines(lines)
        repairs += line_repairs
    else:
        text, text_repairs = repair.repair_text(decoded.text)
        repairs += text_repairs
        lines, page_meta = split_lines(text), None
    width = segment.wrap_width(lines)  # classify's units and segment's paragraphs both need it
    labels, meta = classify.classify(lines, repeated, width)
    if page_meta is not None:
        meta = classify.merge_metadata(page_meta, meta)
    removed += classify.removed_lines(lines, labels)
    paragraphs = segment.segment(lines, labels, width)
    doc_language, script = language.identify_document(paragraphs)
    return CleanDocument(
        encoding=decoded.encoding,
        format=fmt,
        paragraphs=paragraphs,
        removed=removed,
        metadata=meta,
        repairs=sorted(set(repairs)),
        language=doc_language,
        script=script,
        line_keys=document_keys(line.text for line in lines),
    )
