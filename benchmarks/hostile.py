"""Time and memory of the cleaning core on pathological inputs, one fresh process per case.

    python benchmarks/hostile.py [--only NAME ...] [--scale 0.1]

Each case builds its input in memory, runs ``clean_document`` on it and prints the
seconds, the process's peak RSS and what came out.  ``--scale`` shrinks (or grows) the
inputs, to check that time grows linearly with size.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
import zlib
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import ftfy.bad_codecs  # noqa: E402,F401  (registers "sloppy-windows-1252")

MOJIBAKE = "Café déjà vu – “quoted” résumé. ".encode().decode("sloppy-windows-1252")
GBK_MOJIBAKE = "新华社北京电".encode().decode("gb18030")
CP1252_PROSE = "Café à la crème, déjà vu. ".encode("cp1252")
PARAGRAPH = b"<p>The council approved a new budget for road repairs on Tuesday.</p>\n"


def page(body: bytes) -> bytes:
    return b"<html><body>" + body + b"</body></html>"


def gzip_bomb(n_bytes: int) -> bytes:
    """A gzip file of ``n_bytes`` zeros, compressed chunk by chunk (never held whole)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    chunk = bytes(2**20)
    parts = [packer.compress(chunk) for _ in range(n_bytes // len(chunk))]
    return b"".join(parts) + packer.flush()


# name -> (file name, builder of the bytes for a size factor n)
CASES: dict[str, tuple[str, Callable[[float], bytes]]] = {
    "line_50mb": ("a.txt", lambda n: b"word " * int(10_000_000 * n)),
    "line_cjk_21mb": ("a.txt", lambda n: "新华社北京电，".encode() * int(1_000_000 * n)),
    "line_prose_50mb": ("a.txt", lambda n: b"The river rose again overnight. " * int(1_560_000 * n)),
    "line_cp1252_50mb": ("a.txt", lambda n: CP1252_PROSE * int(1_900_000 * n)),
    "lines_1m_entities": ("a.txt", lambda n: b"a &amp;amp; b\n" * int(1_000_000 * n)),
    "entities_2m": ("a.txt", lambda n: b"&amp;" * int(2_000_000 * n)),
    "zero_width_1m": ("a.txt", lambda n: "\u200b".encode() * int(1_000_000 * n) + b" words"),
    "mojibake_run": ("a.txt", lambda n: MOJIBAKE.encode() * int(100_000 * n)),
    "mojibake_gbk_run": ("a.txt", lambda n: GBK_MOJIBAKE.encode() * int(100_000 * n)),
    "html_deep_50k": ("a.html", lambda n: page(b"<div>" * int(50_000 * n) + b"<p>Deep.</p>"
                                               + b"</div>" * int(50_000 * n))),
    "html_deep_unclosed": ("a.html", lambda n: page(b"<div>text " * int(50_000 * n))),
    "html_28mb": ("a.html", lambda n: page(PARAGRAPH * int(400_000 * n))),
    "html_entities": ("a.html", lambda n: page(b"<p>" + b"&amp;" * int(2_000_000 * n) + b"</p>")),
    "html_1m_br": ("a.html", lambda n: page(b"<p>" + b"a<br>" * int(1_000_000 * n) + b"</p>")),
    "tag_flood": ("a.txt", lambda n: b"<p>" * int(3_000_000 * n)),
    "gzip_bomb_2gb": ("a.txt.gz", lambda n: gzip_bomb(int(2**31 * n))),
}


def run_case(name: str, scale: float) -> str:
    """One case, in this process: a line of figures."""
    from tasks.clean import clean_document
    from tasks.model import RejectError

    file_name, build = CASES[name]
    data = build(scale)
    started = time.perf_counter()
    try:
        doc = clean_document(data, file_name)
        outcome = f"{len(doc.paragraphs)} paragraphs, {len(doc.text)} chars"
    except RejectError as exc:
        outcome = f"rejected: {exc.reason}"
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return f"{name:20s} {len(data) / 1e6:8.1f} MB {seconds:8.2f} s  peak RSS {peak_mb:6.0f} MB  {outcome}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", choices=sorted(CASES), help="cases to run (default: all)")
    parser.add_argument("--scale", type=float, default=1.0, help="input size factor (default: 1)")
    parser.add_argument("--case", help=argparse.SUPPRESS)  # the child process's one case
    args = parser.parse_args()
    if args.case:
        print(run_case(args.case, args.scale), flush=True)
        return 0
    for name in args.only or CASES:
        subprocess.run([sys.executable, __file__, "--case", name, "--scale", str(args.scale)], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
