"""A deterministic synthetic news corpus for throughput benchmarks.

``build_corpus(out_dir, n_files, seed)`` writes ``n_files`` articles (English, simplified
and traditional Chinese; ``.txt`` and ``.html``; UTF-8, legacy encodings, UTF-16,
UTF-8-read-as-cp1252 mojibake, some gzipped), each 2-8 KB of generated prose wrapped in
the usual boilerplate (share widget, photo credit, hotline, copyright footer).  The text
comes from the small vocabularies below: it reads like news, means nothing, and is the
same for the same seed.

    python benchmarks/corpus.py OUT_DIR [--files N] [--seed S]
"""

from __future__ import annotations

import argparse
import gzip
import html
import random
from dataclasses import dataclass
from pathlib import Path

# --- English vocabulary -----------------------------------------------------------------

EN_SUBJECTS = (
    "the city council", "local officials", "the transport ministry", "a group of residents",
    "the harbour authority", "school administrators", "the regional health board", "farmers in the valley",
    "the central bank", "several small businesses", "the state utility", "volunteers", "the mayor's office",
    "researchers at the university", "the fire service", "union representatives", "shipping companies",
)
EN_VERBS = (
    "announced", "approved", "rejected", "delayed", "reviewed", "proposed", "questioned", "expanded",
    "funded", "postponed", "defended", "welcomed", "criticised", "outlined", "confirmed", "suspended",
)
EN_OBJECTS = (
    "a new budget for road repairs", "plans for a second ferry terminal", "the rise in water prices",
    "a pilot programme for electric buses", "stricter rules on rental housing", "the flood defence scheme",
    "a review of hospital waiting times", "the closure of two branch libraries", "a tax break for startups",
    "changes to the school calendar", "the new recycling contract", "an inquiry into the power outage",
    "funding for the coastal path", "a ban on night-time construction", "the airport expansion",
)
EN_TAILS = (
    "on Tuesday", "after months of debate", "despite strong objections", "according to a statement",
    "ahead of the winter season", "in a closed-door meeting", "following public consultation",
    "at a press briefing", "for the third time this year", "with little warning", "late last week",
)
EN_QUOTES = (
    "We have listened carefully and this is the right decision",
    "Nobody expected the costs to climb this quickly",
    "It's a first step, but there is a long way to go",
    "The figures speak for themselves",
    "Families deserve clear answers — and they deserve them now",
)
EN_FIRST = ("Anna", "David", "Maria", "Tom", "Grace", "Samuel", "Chloé", "Rafael", "Helen", "José")
EN_LAST = ("Whitfield", "Moreno", "Okafor", "Lindqvist", "Brennan", "Castillo", "Hughes", "Novak")
EN_PLACES = ("Eastbridge", "Port Alder", "Millford", "Kingsreach", "Harlow Bay", "Westmere")
EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December")

# --- Chinese vocabulary: (simplified, traditional) pairs, all encodable in GB18030 and Big5 ----

ZH_SUBJECTS = (
    ("市政府", "市政府"), ("交通部门", "交通部門"), ("当地居民", "當地居民"), ("教育局", "教育局"),
    ("卫生部门", "衛生部門"), ("多家企业", "多家企業"), ("环保团体", "環保團體"),
    ("港口管理局", "港口管理局"),
    ("研究人员", "研究人員"), ("消防部门", "消防部門"), ("议员", "議員"), ("农民", "農民"),
)
ZH_VERBS = (
    ("宣布", "宣布"), ("批准", "批准"), ("推迟", "推遲"), ("检讨", "檢討"), ("提出", "提出"),
    ("扩大", "擴大"), ("资助", "資助"), ("暂停", "暫停"), ("确认", "確認"), ("欢迎", "歡迎"),
)
ZH_OBJECTS = (
    ("道路维修预算", "道路維修預算"), ("新的渡轮码头计划", "新的渡輪碼頭計劃"),
    ("水费上涨问题", "水費上漲問題"), ("电动巴士试点项目", "電動巴士試點項目"),
    ("租屋管理规定", "租屋管理規定"), ("防洪工程", "防洪工程"), ("医院轮候时间", "醫院輪候時間"),
    ("图书馆分馆的关闭", "圖書館分館的關閉"), ("机场扩建方案", "機場擴建方案"),
    ("垃圾回收合约", "垃圾回收合約"), ("停电事故调查", "停電事故調查"), ("沿海步道的经费", "沿海步道的經費"),
)
ZH_TAILS = (
    ("周二", "週二"), ("经过数月讨论后", "經過數月討論後"), ("在记者会上", "在記者會上"),
    ("根据一份声明", "根據一份聲明"), ("在冬季来临之前", "在冬季來臨之前"), ("今年第三次", "今年第三次"),
    ("在公众咨询结束后", "在公眾諮詢結束後"), ("上周末", "上週末"),
)
ZH_CLAUSES = (
    ("相关部门表示将尽快公布细节", "相關部門表示將盡快公布細節"),
    ("不少市民对此表示关注", "不少市民對此表示關注"),
    ("专家认为成本仍有上升空间", "專家認為成本仍有上升空間"),
    ("预计工程将于明年完成", "預計工程將於明年完成"),
    ("有议员质疑计划是否可行", "有議員質疑計劃是否可行"),
    ("当局强调安全是首要考虑", "當局強調安全是首要考慮"),
    ("居民希望政府加强沟通", "居民希望政府加強溝通"),
    ("报告指出去年的开支增加了两成", "報告指出去年的開支增加了兩成"),
)
ZH_SURNAMES = ("王", "李", "张", "陈", "刘", "黄", "林", "周")
ZH_SURNAMES_HANT = ("王", "李", "張", "陳", "劉", "黃", "林", "周")
ZH_GIVEN = ("明", "华", "伟", "芳", "静", "强", "丽", "军")
ZH_GIVEN_HANT = ("明", "華", "偉", "芳", "靜", "強", "麗", "軍")
ZH_PLACES = (("东港", "東港"), ("西川", "西川"), ("南湾", "南灣"), ("北岭", "北嶺"), ("新丰", "新豐"))
ZH_OUTLETS = (("晨报", "晨報"), ("都市新闻", "都市新聞"), ("日报社", "日報社"), ("时报", "時報"))

# Legacy encodings per language; the rest of each language's files are UTF-8 (some gzipped).
LEGACY = {"en": ("cp1252", "utf-16"), "zh-Hans": ("gb18030", "utf-16"), "zh-Hant": ("big5", "utf-16")}

# cp1252 bytes 0x80-0x9F that Windows maps to punctuation; the five it leaves undefined stay C1.
_CP1252_HIGH = {i: bytes([i]).decode("cp1252", errors="ignore") or chr(i) for i in range(0x80, 0xA0)}


@dataclass(frozen=True)
class Plan:
    """What one corpus file will be: language, format, encoding (or ``mojibake``), gzip."""

    language: str
    fmt: str
    encoding: str
    gzipped: bool

    def file_name(self, index: int) -> str:
        """Stable, self-describing name, e.g. ``00007_zh-Hant_big5.html``."""
        ext = ".html" if self.fmt == "html" else ".txt"
        return f"{index:05d}_{self.language}_{self.encoding}{ext}" + (".gz" if self.gzipped else "")


def pick(rng: random.Random, options: tuple, script: int = 0):
    """One random option; for (simplified, traditional) pairs, the member for ``script``."""
    choice = rng.choice(options)
    return choice[script] if isinstance(choice, tuple) else choice


def english_sentence(rng: random.Random) -> str:
    """One news-like English sentence.

    >>> english_sentence(random.Random(1))[-1] in '.”"'
    True
    """
    if rng.random() < 0.2:
        who = f"{rng.choice(EN_FIRST)} {rng.choice(EN_LAST)}"
        return f"“{rng.choice(EN_QUOTES)},” said {who}, a spokesperson for {rng.choice(EN_SUBJECTS)}."
    sentence = f"{rng.choice(EN_SUBJECTS)} {rng.choice(EN_VERBS)} {rng.choice(EN_OBJECTS)}"
    sentence += f" {rng.choice(EN_TAILS)}"
    if rng.random() < 0.4:
        sentence += f", and {rng.choice(EN_SUBJECTS)} {rng.choice(EN_VERBS)} {rng.choice(EN_OBJECTS)}"
    return sentence[0].upper() + sentence[1:] + "."


def chinese_sentence(rng: random.Random, script: int) -> str:
    """One news-like Chinese sentence; ``script`` 0 is simplified, 1 traditional.

    >>> chinese_sentence(random.Random(1), 0).endswith("。")
    True
    """
    parts = [pick(rng, ZH_SUBJECTS, script) + pick(rng, ZH_TAILS, script) + pick(rng, ZH_VERBS, script)
             + pick(rng, ZH_OBJECTS, script)]
    parts += [pick(rng, ZH_CLAUSES, script) for _ in range(rng.randint(0, 2))]
    return "，".join(parts) + "。"


def paragraph(rng: random.Random, language: str) -> str:
    """Two to five sentences in ``language``."""
    count = rng.randint(2, 5)
    if language == "en":
        return " ".join(english_sentence(rng) for _ in range(count))
    script = 1 if language == "zh-Hant" else 0
    return "".join(chinese_sentence(rng, script) for _ in range(count))


def chinese_name(rng: random.Random, script: int) -> str:
    surnames, given = (ZH_SURNAMES_HANT, ZH_GIVEN_HANT) if script else (ZH_SURNAMES, ZH_GIVEN)
    return rng.choice(surnames) + rng.choice(given) + (rng.choice(given) if rng.random() < 0.6 else "")


def boilerplate(rng: random.Random, language: str) -> dict[str, str]:
    """Header/footer lines of one article: dateline, share widget, photo credit, hotline, copyright."""
    year, month, day = rng.randint(2015, 2025), rng.randint(1, 12), rng.randint(1, 28)
    phone = f"{rng.randint(10, 99)}-{rng.randint(1000, 9999)} {rng.randint(1000, 9999)}"
    if language == "en":
        outlet = f"The {rng.choice(EN_PLACES)} {rng.choice(('Courier', 'Gazette', 'Herald', 'Observer'))}"
        reporter = f"{rng.choice(EN_FIRST)} {rng.choice(EN_LAST)}"
        return {
            "dateline": f"By {reporter} | {EN_MONTHS[month - 1]} {day}, {year}",
            "share": rng.choice(("Share this article: Facebook Twitter Email", "Share | Tweet | Print")),
            "photo": f"Photo: {rng.choice(EN_FIRST)} {rng.choice(EN_LAST)}/{outlet}",
            "hotline": f"Got a news tip? Call our newsroom on {phone} or email tips@example.org",
            "copyright": f"© {year} {outlet}. All rights reserved.",
        }
    script = 1 if language == "zh-Hant" else 0
    outlet = pick(rng, ZH_PLACES, script) + pick(rng, ZH_OUTLETS, script)
    reporter = chinese_name(rng, script)
    stamp = f"{year}年{month}月{day}日 {rng.randint(7, 22):02d}:{rng.randint(0, 59):02d}"
    if script:
        return {
            "dateline": f"{stamp} 來源：{outlet}",
            "share": rng.choice(("分享到：Facebook 微博 LINE", "分享 | 轉寄 | 列印")),
            "photo": f"（圖／{outlet}記者{reporter}攝）",
            "hotline": f"新聞熱線：{phone}",
            "copyright": f"Copyright {year} {outlet} 版權所有 未經授權不得轉載",  # Big5 has no ©
        }
    return {
        "dateline": f"{stamp} 来源：{outlet}",
        "share": rng.choice(("分享到：微信 微博 QQ空间", "分享 | 收藏 | 打印")),
        "photo": f"（图/{outlet}记者{reporter}摄）",
        "hotline": f"新闻热线：{phone}",
        "copyright": f"版权所有 © {year} {outlet} 未经授权不得转载",
    }


def headline(rng: random.Random, language: str) -> str:
    if language == "en":
        return f"{rng.choice(EN_SUBJECTS).capitalize()} {rng.choice(EN_VERBS)} {rng.choice(EN_OBJECTS)}"
    script = 1 if language == "zh-Hant" else 0
    return pick(rng, ZH_PLACES, script) + pick(rng, ZH_SUBJECTS, script) + pick(rng, ZH_VERBS, script) \
        + pick(rng, ZH_OBJECTS, script)


def body_paragraphs(rng: random.Random, language: str) -> list[str]:
    """Paragraphs until the UTF-8 size reaches a random 2-8 KB target."""
    target = rng.randint(2000, 8000)
    paragraphs, size = [], 0
    while size < target:
        paragraphs.append(paragraph(rng, language))
        size += len(paragraphs[-1].encode("utf-8"))
    return paragraphs


def render_text(title: str, paragraphs: list[str], extra: dict[str, str], language: str) -> str:
    """A scraped-text article: title, dateline, share line, body with photo credit, footer."""
    indent = "\u3000\u3000" if language != "en" else ""
    middle = len(paragraphs) // 2
    body = [indent + p for p in paragraphs]
    body.insert(middle, extra["photo"])
    lines = [title, extra["dateline"], extra["share"], "", *"\n\n".join(body).split("\n"), "",
             extra["hotline"], extra["copyright"], ""]
    return "\n".join(lines)


def render_html(title: str, paragraphs: list[str], extra: dict[str, str], charset: str, language: str) -> str:
    """A news page: head, share bar, article with figure caption, footer."""
    esc = html.escape
    ps = "\n".join(f"<p>{esc(p)}</p>" for p in paragraphs)
    lang = "en" if language == "en" else language.replace("zh-Hans", "zh-CN").replace("zh-Hant", "zh-TW")
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="{charset}">'
        f"<title>{esc(title)}</title></head>\n<body>\n"
        f'<nav><a href="/">Home</a> <a href="/news">News</a></nav>\n'
        f'<div class="share-bar">{esc(extra["share"])}</div>\n'
        f"<article><h1>{esc(title)}</h1>\n<p class=\"dateline\">{esc(extra['dateline'])}</p>\n"
        f'<figure><img src="/img/1.jpg" alt=""><figcaption>{esc(extra["photo"])}</figcaption></figure>\n'
        f"{ps}\n</article>\n"
        f"<footer><p>{esc(extra['hotline'])}</p><p>{esc(extra['copyright'])}</p></footer>\n</body></html>\n"
    )


def as_mojibake(text: str) -> str:
    """UTF-8 bytes read back as cp1252 (undefined bytes kept as C1 controls), as scrapers do.

    >>> as_mojibake("café")
    'cafÃ©'
    """
    return "".join(_CP1252_HIGH.get(b, chr(b)) for b in text.encode("utf-8"))


def plan_file(rng: random.Random) -> Plan:
    """Draw language (50% en, 30% simplified, 20% traditional), format, encoding and gzip."""
    language = rng.choices(("en", "zh-Hans", "zh-Hant"), weights=(5, 3, 2))[0]
    roll = rng.random()
    if roll < 0.12:
        encoding = "mojibake"
    elif roll < 0.32:
        encoding = LEGACY[language][0]
    elif roll < 0.37:
        encoding = LEGACY[language][1]
    else:
        encoding = "utf-8"
    fmt = "html" if rng.random() < 0.3 else "text"
    return Plan(language, fmt, encoding, gzipped=rng.random() < 0.1)


def render_file(rng: random.Random, plan: Plan) -> bytes:
    """The raw bytes of one planned article."""
    title, paragraphs = headline(rng, plan.language), body_paragraphs(rng, plan.language)
    extra = boilerplate(rng, plan.language)
    legacy = plan.encoding not in ("utf-8", "mojibake")
    if plan.fmt == "html":
        text = render_html(title, paragraphs, extra, plan.encoding if legacy else "utf-8", plan.language)
    else:
        text = render_text(title, paragraphs, extra, plan.language)
    if plan.encoding == "mojibake":
        text = as_mojibake(text)
    data = text.encode(plan.encoding if legacy else "utf-8")
    return gzip.compress(data, mtime=0) if plan.gzipped else data


def build_corpus(out_dir: Path | str, n_files: int, seed: int = 0) -> list[Path]:
    """Write ``n_files`` articles under ``out_dir`` (100 per sub-folder); return their paths."""
    rng, out = random.Random(seed), Path(out_dir)
    paths = []
    for index in range(n_files):
        plan = plan_file(rng)
        path = out / f"{index // 100:03d}" / plan.file_name(index)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(render_file(rng, plan))
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    paths = build_corpus(args.out_dir, args.files, args.seed)
    print(f"{len(paths)} files, {sum(p.stat().st_size for p in paths) / 1e6:.1f} MB in {args.out_dir}")


if __name__ == "__main__":
    main()
