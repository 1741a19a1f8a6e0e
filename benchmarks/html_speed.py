"""Time rinse's HTML extractor against trafilatura on the same pages, in the same run.

    python benchmarks/html_speed.py ../shared/eval/external [--repeat 1] [--limit N]

Pages are decoded once with rinse's decoder; then each extractor runs over the
same decoded strings and the script prints pages/s, ms/page and MB/s for each.
trafilatura is an optional benchmark dependency (``pip install -e '.[bench]'``);
without it only rinse is timed.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tasks import decode, html  # noqa: E402


def load_pages(set_dir: Path, limit: int | None) -> list[str]:
    """The decoded HTML pages of an evaluation set's ``cases`` folder."""
    pages = []
    for path in sorted((set_dir / "cases").glob("*.htm*"))[:limit]:
        payload = decode.unwrap(path.read_bytes(), path.name)
        pages.append(decode.decode_bytes(payload, is_html=True).text)
    return pages


def time_extractor(name: str, extract: Callable[[str], object], pages: list[str], repeat: int) -> None:
    size_mb = sum(len(page.encode("utf-8", "surrogatepass")) for page in pages) / 1e6
    start = time.perf_counter()
    for _ in range(repeat):
        for page in pages:
            extract(page)
    elapsed = time.perf_counter() - start
    n = len(pages) * repeat
    print(f"{name:12s} {n:5d} pages  {n / elapsed:8.1f} pages/s  {1000 * elapsed / n:7.2f} ms/page  "
          f"{size_mb * repeat / elapsed:6.2f} MB/s")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("set_dir", type=Path)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--limit", type=int)
    args = ap.parse_args()
    pages = load_pages(args.set_dir, args.limit)
    print(f"{len(pages)} pages, {sum(map(len, pages)) / 1e6:.1f} M characters")
    time_extractor("rinse", html.extract, pages, args.repeat)
    try:
        import trafilatura
    except ImportError:
        print("trafilatura not installed (pip install -e '.[bench]'): skipped")
        return 0
    time_extractor("trafilatura", lambda page: trafilatura.extract(page, include_comments=False), pages,
                   args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
