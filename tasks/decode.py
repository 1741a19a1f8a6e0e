"""Stage 1: raw bytes to text, recording the encoding that was used.

Order of evidence: byte-order mark; binary formats (magic numbers) and UTF-16 without a
BOM (NUL bytes on one parity); other binary content; strict UTF-8; the charset an HTML
page declares; UTF-8 lines mixed with GB18030 or Big5 lines (each line in its own
encoding); UTF-8 (or the declared charset) with a few invalid bytes; mostly-ASCII
Western text (cp1252); short Chinese texts; then charset-normalizer.  Encodings are
reported under canonical names (``utf-8``, ``utf-16``, ``gb18030``, ``big5``,
``shift_jis``, ``cp1252`` ...); GB2312/GBK are decoded as their superset GB18030 and
ISO-8859-1 as cp1252, as browsers do.
"""

from __future__ import annotations

import codecs
import re
import zlib
from collections import Counter

import ftfy.bad_codecs  # noqa: F401  (registers the "sloppy-windows-1252" codec)

from tasks.model import Decoded, RejectError
from tasks.mojibake import common_share, count_high_bytes

HTML_SUFFIXES = (".html", ".htm", ".xhtml")

BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32", "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32", "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig", "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16", "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "utf-16"),
)

# Magic numbers of formats that are never text.
BINARY_MAGIC = (
    b"\x89PNG", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"%PDF", b"PK\x03\x04", b"\x7fELF",
    b"RIFF", b"\x00\x00\x01\x00", b"OggS", b"ID3", b"\x1a\x45\xdf\xa3", b"7z\xbc\xaf",
    b"Rar!", b"\xd0\xcf\x11\xe0", b"wOFF", b"wOF2", b"\x00asm", b"SQLite format 3",
)

META_CHARSET = re.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)|<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""",
    re.IGNORECASE,
)

# Canonical name -> the codec that decodes it best (supersets, browser behaviour).
DECODER_FOR = {
    "gb18030": "gb18030",
    "big5": "big5hkscs",
    "shift_jis": "cp932",
    "euc-kr": "cp949",
    "cp1252": "sloppy-windows-1252",
}

# Python codec name (codecs.lookup(...).name) -> canonical reported name.
CANONICAL = {
    "utf-8": "utf-8", "ascii": "utf-8", "utf-8-sig": "utf-8",
    "utf-16": "utf-16", "utf-16-le": "utf-16", "utf-16-be": "utf-16",
    "utf-32": "utf-32", "utf-32-le": "utf-32", "utf-32-be": "utf-32",
    "gb2312": "gb18030", "gbk": "gb18030", "gb18030": "gb18030", "hz": "gb18030",
    "big5": "big5", "big5hkscs": "big5", "cp950": "big5",
    "shift_jis": "shift_jis", "cp932": "shift_jis", "shift_jis_2004": "shift_jis",
    "euc_jp": "euc-jp", "iso2022_jp": "iso-2022-jp",
    "euc_kr": "euc-kr", "cp949": "euc-kr", "johab": "euc-kr",
    "latin-1": "cp1252", "iso8859-1": "cp1252", "cp1252": "cp1252", "iso8859-15": "cp1252",
}

# Single-byte code pages a detector may confuse with cp1252 on mostly-ASCII text.
SINGLE_BYTE_FAMILY = re.compile(r"^(cp12[0-9]{2}|iso8859.*|latin.*|mac.*|koi8.*|cp8[0-9]{2}|kz1048|ptcp154)$")
# What the high bytes of Western cp1252 text decode to: punctuation, symbols, Latin letters.
# (Not the symbols ¤¦¨¯´¸ and Ÿ, which is what some Central European letters read as.)
WESTERN_HIGH = re.compile(r"[\u00a0-\u00a3\u00a5\u00a7\u00a9-\u00ae\u00b0-\u00b3\u00b5-\u00b7\u00b9-\u00ff"
                          r"\u0152\u0153\u0160\u0161\u017d\u017e\u0192\u02c6\u02dc"
                          r"\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]")
HIGH_BYTE = re.compile(rb"[\x80-\xff]+")
# Control bytes that do not occur in text (tab, LF, VT, FF, CR and ESC excluded).
CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x1B), *range(0x1C, 0x20)])
# A character that shows: not whitespace (Unicode's, ideographic space included), not zero-width, not NUL.
VISIBLE = re.compile(r"[^\s\x00\u200b-\u200d\u2060\ufeff]")
UTF8_REPLACEMENT = "\ufffd".encode()
SNIFF_WINDOW = 8192
SHORT_CJK_BYTES = 64  # fewer non-ASCII bytes than this is too little for charset-normalizer
SHORT_CJK_MIN_COMMON = 0.9
# Files whose lines are in different encodings: what a line may be in, and how well it must read.
LINE_ENCODINGS = ("utf-8", "gb18030", "big5")
MIN_LINE_COMMON = 0.8
MIN_LINE_HAN = 2  # a legacy reading with a lone Han character is more likely a Western byte
HAN_CHAR = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def unwrap(data: bytes, name: str, max_bytes: int | None = None) -> bytes:
    """Gunzip ``.gz`` files (by name or by magic number); other bytes pass through.

    Decompression stops past ``max_bytes`` (a gzip bomb is ``too_large``, not a full memory).
    """
    if not (name.endswith(".gz") or data[:2] == b"\x1f\x8b"):
        return data
    try:
        return gunzip(data, max_bytes)
    except (OSError, EOFError, zlib.error) as exc:
        raise RejectError("undecodable", f"broken gzip stream: {exc}") from exc


def gunzip(data: bytes, max_bytes: int | None = None) -> bytes:
    """Every gzip member of ``data`` decompressed, refusing more than ``max_bytes`` of output.

    >>> import gzip
    >>> gunzip(gzip.compress(b"ab") + gzip.compress(b"c"), max_bytes=3)
    b'abc'
    """
    out = bytearray()
    while data:
        member = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        out += member.decompress(data, 0 if max_bytes is None else max_bytes + 1 - len(out))  # 0: no limit
        if max_bytes is not None and len(out) > max_bytes:
            raise RejectError("too_large", f"gzip stream expands to over the {max_bytes} byte limit")
        if not member.eof:
            raise EOFError("compressed file ended before the end-of-stream marker was reached")
        data = member.unused_data.lstrip(b"\x00")
    return bytes(out)


def sniff_format(name: str, data: bytes) -> str:
    """``html`` for HTML names or content that opens like markup, else ``text``."""
    base = name[:-3] if name.endswith(".gz") else name
    if base.lower().endswith(HTML_SUFFIXES):
        return "html"
    head = data[:1024].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")):
        return "html"
    return "text"


def canonical_encoding(name: str) -> str:
    """The reported name of an encoding, whatever alias it came under.

    >>> canonical_encoding("GB2312"), canonical_encoding("ISO-8859-1"), canonical_encoding("utf_16_le")
    ('gb18030', 'cp1252', 'utf-16')
    """
    try:
        python_name = codecs.lookup(name).name
    except LookupError:
        return name.lower()
    return CANONICAL.get(python_name, python_name.replace("_", "-"))


def decode_as(data: bytes, encoding: str) -> str | None:
    """Strictly decode ``data`` in the canonical ``encoding``; ``None`` when it does not fit."""
    try:
        return data.decode(DECODER_FOR.get(encoding, encoding))
    except (UnicodeDecodeError, LookupError):
        return None


def declared_charset(data: bytes) -> str | None:
    """The canonical charset an HTML page declares in its head, if any.

    >>> declared_charset(b'<meta http-equiv="Content-Type" content="text/html; charset=gb2312">')
    'gb18030'
    """
    match = META_CHARSET.search(data[:SNIFF_WINDOW])
    return canonical_encoding((match.group(1) or match.group(2)).decode("ascii")) if match else None


def utf16_without_bom(data: bytes) -> str | None:
    """Decode UTF-16 text that has no BOM, recognised by NULs on one byte parity."""
    sample = data[:SNIFF_WINDOW]
    if len(data) % 2 or sample.count(0) < max(2, len(sample) // 40):  # too few NULs: no parity to look at
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd >= 9 * even:
        codec = "utf-16-le"
    elif even >= 9 * odd:
        codec = "utf-16-be"
    else:
        return None
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        return None
    controls = sum(1 for ch in text[:SNIFF_WINDOW] if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    return text if controls * 50 < min(len(text), SNIFF_WINDOW) else None


def magic_number(data: bytes) -> str | None:
    """Why ``data`` is a known binary format (by its magic number), or ``None``."""
    magic = next((magic for magic in BINARY_MAGIC if data.startswith(magic)), None)
    return f"starts with the magic number {magic!r}" if magic else None


def binary_content(data: bytes) -> str | None:
    """Why ``data`` looks binary (NUL bytes, many control bytes), or ``None``."""
    sample = data[:SNIFF_WINDOW]
    if b"\x00" in sample:
        return "contains NUL bytes that are not UTF-16 text"
    controls = len(sample) - len(sample.translate(None, CONTROL_BYTES))
    if controls * 20 > len(sample):
        return f"{controls} control bytes in the first {len(sample)}"
    return None


def decode_leniently(data: bytes, encoding: str) -> str | None:
    """``data`` in ``encoding`` when only a few bytes are invalid (a truncated or spliced file).

    The invalid bytes become U+FFFD; ``None`` when they are more than 1 in 20 non-ASCII characters.
    """
    text = data.decode(DECODER_FOR.get(encoding, encoding), errors="replace")
    invalid = text.count("\ufffd") - data.count(UTF8_REPLACEMENT)
    valid = len(text) - len(text.encode("ascii", "ignore")) - invalid
    return text if invalid * 20 <= valid else None


def looks_western(data: bytes) -> bool:
    """Mostly ASCII with a few high bytes that read as Western punctuation or letters in cp1252."""
    high = count_high_bytes(data)  # the runs' total length, counted without listing the runs
    if not high or high * 5 > len(data):
        return False
    runs = HIGH_BYTE.findall(data)
    lengths = list(map(len, runs))
    singles = lengths.count(1)
    long_runs = len(lengths) - singles - lengths.count(2)
    if singles * 2 < len(runs) or long_runs * 10 > len(runs):
        return False
    text = decode_as(b"".join(runs), "cp1252")
    return text is not None and len(WESTERN_HIGH.findall(text)) == len(text)


def short_chinese(data: bytes) -> tuple[str, str] | None:
    """(text, encoding) for a short GB18030 or Big5 text that a detector has too little to go on."""
    if count_high_bytes(data) >= SHORT_CJK_BYTES:
        return None
    return chinese_reading(data)


def chinese_reading(data: bytes) -> tuple[str, str] | None:
    """(text, encoding) of a text that decodes strictly as GB18030 or Big5 with nearly all its Han
    characters common ones in that encoding (also the last resort when the detector gives up)."""
    decodings = [(text, encoding) for encoding in ("gb18030", "big5")
                 if (text := decode_as(data, encoding)) is not None]
    scored = [(common_share(text), text, encoding) for text, encoding in decodings]
    share, text, encoding = max(scored, default=(0.0, "", ""))
    return (text, encoding) if share >= SHORT_CJK_MIN_COMMON else None


def detect(data: bytes) -> tuple[str, str] | None:
    """(text, canonical encoding) from charset-normalizer, preferring cp1252 over its look-alikes."""
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        return None
    encoding = canonical_encoding(best.encoding)
    if encoding != "cp1252" and SINGLE_BYTE_FAMILY.match(encoding.replace("-", "")) and looks_western(data):
        encoding = "cp1252"
    text = decode_as(data, encoding)
    return (text, encoding) if text is not None else (str(best), encoding)


def line_readings(line: bytes) -> dict[str, str]:
    """The readings of one line with non-ASCII bytes that read well, by encoding: UTF-8 when it
    decodes (Han characters, if any, mostly common ones), GB18030 and Big5 when their Han
    characters are mostly common ones."""
    readings = {}
    for encoding in LINE_ENCODINGS:
        text = decode_as(line, encoding)
        if text is None:
            continue
        if encoding == "utf-8" and not HAN_CHAR.search(text) or common_share(text) >= MIN_LINE_COMMON and (
                encoding == "utf-8" or len(HAN_CHAR.findall(text)) >= MIN_LINE_HAN):
            readings[encoding] = text
    return readings


def decode_mixed_lines(data: bytes) -> Decoded | None:
    """A file whose lines are in different encodings (UTF-8 lines among GB18030 or Big5 lines, as
    when texts are pasted together): each line in the file's main encoding when it reads well
    in it, else in the encoding that does.  ``None`` unless every non-ASCII line reads well in
    one of them and UTF-8 and a legacy encoding are both needed.

    >>> mixed = "新华社北京电\\n".encode("utf-8") + "港口吞吐量创新高".encode("gb18030")
    >>> decode_mixed_lines(mixed)
    Decoded(text='新华社北京电\\n港口吞吐量创新高', encoding='utf-8', repairs=('mixed_encodings',))
    """
    lines = data.split(b"\n")
    if not any(HIGH_BYTE.search(line) and decode_as(line, "utf-8") is not None for line in lines):
        return None  # without a UTF-8 line, nothing is mixed
    readings = [line_readings(line) if HIGH_BYTE.search(line) else None for line in lines]
    if any(reading == {} for reading in readings):
        return None
    weight = Counter()
    for line, reading in zip(lines, readings, strict=True):
        weight.update({encoding: len(line) for encoding in reading or ()})
    if not weight:
        return None
    main = [encoding for encoding, _ in weight.most_common()]
    texts, used = [], set()
    for line, reading in zip(lines, readings, strict=True):
        if reading is None:
            texts.append(line.decode("ascii"))
            continue
        encoding = next(e for e in main if e in reading)
        texts.append(reading[encoding])
        used.add(encoding)
    if "utf-8" not in used or len(used) < 2:
        return None
    return Decoded("\n".join(texts), main[0], ("mixed_encodings",))


def decode_bytes(data: bytes, is_html: bool = False) -> Decoded:
    """Decode ``data``; text made only of whitespace and invisible characters is ``empty``.

    >>> decode_bytes("中文".encode("gb18030") * 20).encoding
    'gb18030'
    """
    decoded = decode_text(data, is_html)
    if VISIBLE.search(decoded.text) is None:
        raise RejectError("empty", "file holds only whitespace and invisible characters")
    return decoded


def decode_text(data: bytes, is_html: bool) -> Decoded:
    """Decode ``data``, trying the evidence in the order the module docstring lists."""
    for bom, codec, name in BOMS:
        if data.startswith(bom):
            return Decoded(data.decode(codec, errors="replace"), name)
    if not data or data.isspace():  # what strip() removes, without copying the file
        raise RejectError("empty", "file is empty or whitespace only")
    if (reason := magic_number(data)) is not None:
        raise RejectError("binary", reason)
    if (text := utf16_without_bom(data)) is not None:
        return Decoded(text, "utf-16")
    if (reason := binary_content(data)) is not None:
        raise RejectError("binary", reason)
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    declared = declared_charset(data) if is_html else None
    if declared and (text := decode_as(data, declared)) is not None:
        return Decoded(text, declared)
    if (mixed := decode_mixed_lines(data)) is not None:
        return mixed
    for encoding in dict.fromkeys(filter(None, ("utf-8", declared))):
        if (text := decode_leniently(data, encoding)) is not None:
            return Decoded(text, encoding, ("invalid_bytes",))
    if looks_western(data):
        return Decoded(data.decode(DECODER_FOR["cp1252"]), "cp1252")
    detected = short_chinese(data) or detect(data) or chinese_reading(data)
    if detected is None:
        raise RejectError("undecodable", "no encoding decodes this file")
    return Decoded(*detected)
