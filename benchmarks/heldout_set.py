"""Build a held-out text set: the bodies of a shared text set, boilerplate worded differently.

    python benchmarks/heldout_set.py ../shared/eval/textset-dev OUT_DIR [--seed S]
    python benchmarks/eval_sets.py OUT_DIR/textset-heldout

Each gold article body of SOURCE_SET (``gold/*.json``) is wrapped in a header (share
widget, section label, headline, dateline, byline), captions and adverts between body
paragraphs and a footer, all drawn from ``tests/fixtures/heldout_boilerplate.json``,
whose phrasings occur nowhere in the shared set.  The file is then laid out (blank
lines, one line per paragraph, hard wrapping, full-width indents) and damaged (CRLF,
legacy encodings, UTF-8 read as cp1252) at random, the same for the same seed.  The gold
answers are written beside the cases in the shared set's format, and its scorer is
copied next to the set, so ``eval_sets.py`` scores it like the shared sets.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import shutil
import textwrap
from pathlib import Path

import ftfy.bad_codecs  # noqa: F401  (registers "sloppy-windows-1252")

FIXTURE = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "heldout_boilerplate.json"
FOOTER_CATEGORIES = ("related_link", "newsletter", "editor_line", "hotline", "licence", "copyright")
LEGACY = {"en": "cp1252", "zh-Hans": "gb18030", "zh-Hant": "big5"}
INDENT = "\u3000\u3000"


def pick(rng: random.Random, heldout: dict, category: str, lang: str) -> dict:
    return {"text": rng.choice(heldout["categories"][category][lang]), "category": category}


def article(gold: dict, heldout: dict, rng: random.Random) -> tuple[list[dict], dict]:
    """The article's lines as ``{"text", "category"}`` (category None for title and body) and its
    gold answers."""
    lang = "en" if gold["lang"] == "en" else f"zh-{gold['script']}"
    header, footer, removed = [], [], []
    if rng.random() < 0.5:
        header.append(pick(rng, heldout, "share_widget", lang))
    if rng.random() < 0.5:
        header.append({"text": rng.choice(heldout["section_labels"][lang]), "category": "section_label"})
    paragraphs = gold["paragraphs"]
    if gold["title"]:
        header.append({"text": paragraphs[0]["text"], "category": None})
    date = None
    if rng.random() < 0.7:
        date = dt.date.fromisoformat(gold["published_date"]) if gold["published_date"] else \
            dt.date(2016, 1, 1) + dt.timedelta(days=rng.randrange(3650))
        header.append({"text": date.strftime(rng.choice(heldout["datelines"][lang])), "category": "dateline"})
    if rng.random() < 0.5:
        header.append({"text": rng.choice(heldout["bylines"][lang])[0], "category": "byline"})
    body = [{"text": p["text"], "category": None} for p in paragraphs if p["kind"] != "title"]
    for category, chance in (("photo_caption", 0.6), ("advert", 0.3), ("gallery_label", 0.2)):
        if len(body) > 2 and rng.random() < chance:
            body.insert(rng.randrange(1, len(body) - 1), pick(rng, heldout, category, lang))
    for category in rng.sample(FOOTER_CATEGORIES, rng.randint(2, 4)):
        footer.append(pick(rng, heldout, category, lang))
    lines = header + body + footer
    removed = [{"text": line["text"], "category": line["category"]} for line in lines if line["category"]]
    answers = {"lang": gold["lang"], "script": gold["script"], "title": gold["title"],
               "published_date": date.isoformat() if date else None, "paragraphs": paragraphs,
               "removed": removed}
    return lines, answers


def lay_out(lines: list[dict], lang: str, rng: random.Random) -> tuple[str, str]:
    """The article as text in one of the layouts scraped text comes in; returns (text, layout)."""
    layouts = ["layout_blank", "layout_line"] + (["layout_wrap"] if lang == "en" else ["layout_indent"])
    layout = rng.choice(layouts)
    width = rng.randint(70, 78)
    out = []
    for line in lines:
        text = line["text"]
        if line["category"] is None and layout == "layout_wrap":
            text = textwrap.fill(text, width)
        elif line["category"] is None and layout == "layout_indent":
            text = INDENT + text
        out.append(text)
    return ("\n" if layout in ("layout_line", "layout_indent") else "\n\n").join(out) + "\n", layout


def damage(text: str, lang: str, rng: random.Random) -> tuple[bytes, str, list[str]]:
    """The file's bytes: UTF-8, CRLF, a legacy encoding or UTF-8 read as cp1252; returns
    (bytes, encoding on disk, damage names)."""
    kinds = []
    if rng.random() < 0.2:
        text = text.replace("\n", "\r\n")
        kinds.append("crlf")
    roll = rng.random()
    if roll < 0.25:
        try:
            return text.encode(LEGACY[lang]), LEGACY[lang], kinds + ["legacy_encoding"]
        except UnicodeEncodeError:
            pass
    elif roll < 0.4:
        misread = text.encode("utf-8").decode("sloppy-windows-1252")
        return misread.encode("utf-8"), "utf-8", kinds + ["mojibake_utf8_as_cp1252"]
    return text.encode("utf-8"), "utf-8", kinds


def build(source: Path, out: Path, seed: int) -> Path:
    """Write ``out/textset-heldout`` (cases and gold) and the scorer beside it; returns the set folder."""
    heldout = json.loads(FIXTURE.read_text("utf-8"))
    dest = out / "textset-heldout"
    for sub in ("cases", "gold"):
        (dest / sub).mkdir(parents=True, exist_ok=True)
    shutil.copy(source.parent / "score_textset.py", out / "score_textset.py")
    for n, path in enumerate(sorted((source / "gold").glob("*.json"))):
        gold = json.loads(path.read_text("utf-8"))
        rng = random.Random(f"{seed}-{path.stem}")
        lang = "en" if gold["lang"] == "en" else f"zh-{gold['script']}"
        lines, answers = article(gold, heldout, rng)
        text, layout = lay_out(lines, lang, rng)
        data, encoding, kinds = damage(text, lang, rng)
        case_id = f"heldout-{n:04d}"
        (dest / "cases" / f"{case_id}.txt").write_bytes(data)
        answers.update(id=case_id, encoding=encoding, damage=[layout] + kinds)
        (dest / "gold" / f"{case_id}.json").write_text(json.dumps(answers, ensure_ascii=False), "utf-8")
    return dest


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("source", type=Path, help="a text set with gold/*.json (e.g. ../shared/eval/textset-dev)")
    ap.add_argument("out", type=Path)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    print(build(args.source.resolve(), args.out.resolve(), args.seed))


if __name__ == "__main__":
    main()
