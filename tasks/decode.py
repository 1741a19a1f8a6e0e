"""Stage 1: raw bytes to text, recording the encoding that was used."""

from __future__ import annotations

import gzip
import zlib

from tasks.model import Decoded, RejectError

HTML_SUFFIXES = (".html", ".htm", ".xhtml")


def unwrap(data: bytes, name: str) -> bytes:
    """Gunzip ``.gz`` files (by name or by magic number); other bytes pass through."""
    if name.endswith(".gz") or data[:2] == b"\x1f\x8b":
        try:
            return gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            raise RejectError("undecodable", f"broken gzip stream: {exc}") from exc
    return data


def sniff_format(name: str, data: bytes) -> str:
    """``html`` for HTML names or content that opens like markup, else ``text``."""
    base = name[:-3] if name.endswith(".gz") else name
    if base.lower().endswith(HTML_SUFFIXES):
        return "html"
    head = data[:1024].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")):
        return "html"
    return "text"


def decode_bytes(data: bytes, is_html: bool = False) -> Decoded:
    """Decode ``data``: BOM, then strict UTF-8, then a detector."""
    if not data.strip():
        raise RejectError("empty", "file is empty or whitespace only")
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise RejectError("undecodable", "no encoding decodes this file")
    return Decoded(str(best), best.encoding)
