"""Tests for the HTML main-content extractor (tasks.html and its helpers)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from tasks import html
from tasks.html_select import COMPANY_PROFILE, PROFILE_LETTERS, states_company_profile

PROSE_EN = (
    "The city council voted on Tuesday to expand the night bus network, adding four routes that will run "
    "until three in the morning from next spring."
)
PROSE_EN_2 = (
    "Officials said the change would cost about two million dollars a year, paid for by a small rise in "
    "parking fees across the central district."
)
PROSE_EN_3 = (
    "Several residents who spoke at the meeting welcomed the plan, though some asked why the eastern "
    "suburbs were left out of the first phase."
)
PROSE_EN_4 = (
    "The transport authority will publish timetables for the new routes in February, once drivers have been "
    "recruited and the depots have agreed on their night shifts."
)


def texts(markup: str) -> list[str]:
    lines, _, _ = html.extract(markup)
    return [line.text for line in lines]


def nav_links(*labels: str) -> str:
    return "<ul>" + "".join(f'<li><a href="/{label}">{label}</a></li>' for label in labels) + "</ul>"


ARTICLE_PAGE = f"""<html><head><title>Night buses | Daily Ledger</title></head><body>
<header><nav>{nav_links("Home", "World", "Business", "Sport", "Culture")}</nav></header>
<div class="layout">
  <div class="article-body">
    <h1>Council expands night bus network</h1>
    <p>{PROSE_EN}</p>
    <h2>Who pays</h2>
    <p>{PROSE_EN_2}</p>
    <p>{PROSE_EN_3}</p>
    <div class="share-tools"><a href="#">Share on Facebook</a> <a href="#">Share on Twitter</a></div>
  </div>
  <div class="sidebar"><h3>Most read</h3>{nav_links("Storm warning issued", "Markets slide again")}</div>
</div>
<div id="comments"><p>I think this is a great idea, the buses at night are always full and slow anyway.</p>
<p>Why not extend the tram instead? It would be cheaper in the long run for everybody here.</p></div>
<footer><p>Copyright 2024 Daily Ledger. All rights reserved.</p></footer>
</body></html>"""


def test_article_keeps_paragraphs_and_headings_in_order():
    lines, _, _ = html.extract(ARTICLE_PAGE)
    assert [line.text for line in lines] == [
        "Council expands night bus network", PROSE_EN, "Who pays", PROSE_EN_2, PROSE_EN_3,
    ]
    assert lines[0].hint == "title"
    assert lines[2].hint == "heading"
    assert [line.no for line in lines] == sorted(line.no for line in lines)


def test_article_drops_navigation_sidebar_comments_share_and_footer():
    _, removed, _ = html.extract(ARTICLE_PAGE)
    categories = {r.text: r.category for r in removed}
    assert categories["Home"] == "navigation"
    assert categories["Share on Facebook Share on Twitter"] == "share_widget"
    assert categories["Copyright 2024 Daily Ledger. All rights reserved."] == "footer"
    assert any(c == "comment" and t.startswith("I think") for t, c in categories.items())
    assert all(r.rule.startswith("html.") for r in removed)


CHINESE_PAGE = """<html><head><meta charset="utf-8"><title>新闻</title></head><body>
<div class="daohang"><a href="/">首页</a> | <a href="/gn">国内</a> | <a href="/gj">国际</a>
 | <a href="/cj">财经</a></div>
<div class="main">
  <h1>本市地铁新线今日开通运营</h1>
  <div class="info">2024年05月18日 来源：本报</div>
  <div id="zoom">
    <p>记者从市交通运输局获悉，地铁新线今日正式开通运营，全长三十二公里，共设车站二十二座。</p>
    <p>新线开通后，城市东部与中心城区之间的通勤时间将缩短约二十分钟，沿线居民出行更加便利。</p>
    <p>新华社记者 王明 摄</p>
    <p>市交通部门表示，开通初期将安排工作人员在各站引导乘客，并根据客流情况适时调整行车间隔。</p>
  </div>
</div>
<div class="xgwz"><h3>相关新闻</h3><ul><li><a href="/1">公交线路调整公告</a></li>
<li><a href="/2">轨道交通建设最新进展</a></li></ul></div>
<div class="footer">版权所有 © 2024 本报 京ICP备12345678号</div>
</body></html>"""


def test_chinese_news_page_keeps_article_and_caption():
    kept = texts(CHINESE_PAGE)
    assert kept[0] == "本市地铁新线今日开通运营"
    assert "新华社记者 王明 摄" in kept
    assert any(t.startswith("市交通部门表示") for t in kept)
    assert not any("相关新闻" in t or "版权所有" in t or "首页" in t for t in kept)


TRADITIONAL_PAGE = """<html><body><div id="nav"><a href="/">首頁</a><a href="/a">新聞</a></div>
<article><h1>颱風逼近 全台嚴陣以待</h1>
<p>中央氣象署表示，颱風預計明日清晨最接近本島，北部及東部地區將有豪雨，民眾應提高警覺。</p>
<p>各縣市政府已成立災害應變中心，並呼籲山區民眾及早撤離，避免前往海邊及河川地區。</p></article>
</body></html>"""


def test_traditional_chinese_article():
    assert texts(TRADITIONAL_PAGE) == [
        "颱風逼近 全台嚴陣以待",
        "中央氣象署表示，颱風預計明日清晨最接近本島，北部及東部地區將有豪雨，民眾應提高警覺。",
        "各縣市政府已成立災害應變中心，並呼籲山區民眾及早撤離，避免前往海邊及河川地區。",
    ]


TABLE_PAGE = f"""<html><body><table><tr>
<td width="150"><a href="/">Home</a><br><a href="/about">About us</a><br><a href="/links">Links</a></td>
<td><font size="4"><b>Growing tomatoes in small gardens</b></font><br><br>
{PROSE_EN}<br><br>
{PROSE_EN_2}<br>
{PROSE_EN_3}<br><br>
</td></tr></table></body></html>"""


def test_old_table_layout_splits_on_br():
    assert texts(TABLE_PAGE) == ["Growing tomatoes in small gardens", PROSE_EN, PROSE_EN_2, PROSE_EN_3]


LIST_PAGE = f"""<html><body><div class="post-content"><h2>What to bring</h2><p>{PROSE_EN}</p>
<ul><li>A warm jacket and gloves</li><li>Water and a small snack</li><li>A charged phone</li></ul>
<p>{PROSE_EN_2}</p></div></body></html>"""


def test_list_items_are_separate_blocks_with_hint():
    lines, _, _ = html.extract(LIST_PAGE)
    items = [line for line in lines if line.hint == "list_item"]
    assert [line.text for line in items] == [
        "A warm jacket and gloves", "Water and a small snack", "A charged phone",
    ]
    assert lines[0].hint in ("heading", "title")


META_PAGE = f"""<html><head><title>Fallback title</title>
<meta property="og:title" content="Harbour bridge reopens after repairs">
<meta property="article:published_time" content="2023-09-14T07:30:00+00:00">
<meta name="author" content="Jane Smith"></head>
<body><article><h1>Harbour bridge reopens</h1><p>{PROSE_EN}</p></article></body></html>"""


def test_metadata_from_head():
    _, _, meta = html.extract(META_PAGE)
    assert meta.title == "Harbour bridge reopens after repairs"
    assert meta.published_date == dt.date(2023, 9, 14)
    assert meta.byline == "Jane Smith"


def test_metadata_from_time_element_and_h1():
    page = f'<html><body><h1>Local election results</h1><time datetime="2022-05-08">May 8</time>' \
           f"<p>{PROSE_EN}</p>"
    _, _, meta = html.extract(page)
    assert meta.title == "Local election results"
    assert meta.published_date == dt.date(2022, 5, 8)


@pytest.mark.parametrize("opening, closing", [
    ("<div>", "</div>"), ("<span><b>", ""), ("<table><tr><td>", ""),
])
def test_page_nested_50000_levels_keeps_its_text(opening, closing):
    depth = 50_000
    page = "<html><body>" + opening * depth + f"<p>{PROSE_EN}</p>" + closing * depth + "</body></html>"
    assert PROSE_EN in texts(page)


@pytest.mark.parametrize("junk", [
    "", "   ", "\x00\x01\x02", "<", "</p></div>", "<html><body></body></html>", "plain words, no markup",
    "<?xml version='1.0' encoding='utf-8'?><html><body><p>x</p></body></html>", "\ud800 broken surrogate",
    "<p>" * 500, "<<<>>>&&&;;",
])
def test_garbage_input_never_raises(junk):
    lines, removed, meta = html.extract(junk)
    assert isinstance(lines, list) and isinstance(removed, list)
    assert meta is not None


def test_plain_text_without_markup_is_kept():
    assert texts("plain words, no markup") == ["plain words, no markup"]


def test_markup_litter_is_removed_as_html_fragment():
    page = f'<html><body><div class="content"><p>{PROSE_EN}</p><p>&lt;div class="x"&gt;&lt;/div&gt;</p>' \
           f"<p>{PROSE_EN_2}</p></div></body></html>"
    _, removed, _ = html.extract(page)
    assert [r.category for r in removed] == ["html_fragment"]


def test_oversized_markup_is_truncated_not_rejected():
    page = f"<html><body><p>{PROSE_EN}</p>" + ("<div>" + "filler " * 400 + "</div>") * 2_000
    assert PROSE_EN in texts(page)


HIDDEN_PAGE = f"""<html><body><article><h1>Council expands night bus network</h1><p>{PROSE_EN}</p>
<div class="modal" style="display: none"><p>Create a free account to keep reading our stories.</p></div>
<p aria-hidden="true">Skip to the next story in this section of the website and read on.</p>
<span class="sr-only">Opens in a new window</span>
<p>{PROSE_EN_2}</p><div class="print-only">Printed from the Daily Ledger website, all rights reserved.</div>
<div class="photo-gallery"><p>Drivers at the depot on the first night of the trial, in March.</p></div>
</article></body></html>"""


def test_hidden_print_only_and_gallery_blocks_are_dropped():
    lines, removed, _ = html.extract(HIDDEN_PAGE)
    assert [line.text for line in lines] == ["Council expands night bus network", PROSE_EN, PROSE_EN_2]
    assert [r.category for r in removed] == ["hidden", "hidden", "hidden", "page_chrome", "photo_caption"]


def test_hidden_inline_text_is_dropped_without_splitting_its_paragraph():
    page = "<html><body><article><p>Given a set of <span style='display:none'><math><mi>N</mi></math>" \
           f"</span> points, the method runs in two stages.</p><p>{PROSE_EN}</p></article></body></html>"
    lines, removed, _ = html.extract(page)
    assert lines[0].text == "Given a set of points, the method runs in two stages."
    assert [(r.text, r.category) for r in removed] == [("N", "hidden")]


def test_mathml_is_read_but_not_its_tex_annotation():
    page = "<html><body><article><p>The roots of <math><semantics><mrow><mi>x</mi><mo>=</mo><mn>2</mn>" \
           "</mrow><annotation encoding='application/x-tex'>x = 2</annotation></semantics></math>" \
           " are real.</p>" \
           f"<p>{PROSE_EN}</p></article></body></html>"
    assert texts(page)[0] == "The roots of x=2 are real."


LEDE = (
    "Late-night travellers across the city will soon have more ways home: the council has approved four new "
    "night bus routes, the largest expansion of the network in two decades, after a year of consultation "
    "with residents, unions and businesses in every district. The first of the routes opens in March, the "
    "others by the end of the year."
)
BODY_NAMED_PAGE = f"""<html><head><title>Council expands night bus network - Daily Ledger</title>
<script type="application/ld+json">{{"@type": "NewsArticle", "datePublished": "2024-05-03T08:00Z"}}</script>
</head><body><header class="site-header"><h1>Daily Ledger</h1></header>
<div class="story"><h2>Council expands night bus network</h2>
<p class="dek">Four new routes will run until three in the morning.</p>
<div class="story-meta">By Jane Smith, transport reporter</div>
<div itemprop="articleBody"><p>{PROSE_EN}</p><p>{PROSE_EN_2}</p>
<figure><img src="bus.jpg"><div class="image-credit">Photo: John Doe</div></figure>
<p>{PROSE_EN_3}</p><p>{PROSE_EN_4}</p></div></div></body></html>"""


def test_header_furniture_outside_the_article_body_is_dropped():
    lines, removed, meta = html.extract(BODY_NAMED_PAGE)
    assert [line.text for line in lines] == [
        "Council expands night bus network", PROSE_EN, PROSE_EN_2, PROSE_EN_3, PROSE_EN_4,
    ]
    assert lines[0].hint == "title"
    rules = {r.text: (r.category, r.rule) for r in removed}
    assert rules["Four new routes will run until three in the morning."][1] == "html.outside_body"
    assert rules["By Jane Smith, transport reporter"][1] == "html.outside_body"
    assert rules["Photo: John Doe"] == ("photo_caption", "html.chrome_region")
    assert meta.title == "Council expands night bus network"
    assert meta.published_date == dt.date(2024, 5, 3)


def test_long_lede_above_the_article_body_is_kept():
    page = BODY_NAMED_PAGE.replace('<p class="dek">', f"<p>{LEDE}</p><p class=\"dek\">")
    assert texts(page)[:2] == ["Council expands night bus network", LEDE]


SUMMARY = "Four new night bus routes will run until three in the morning from next spring, the council said."


def test_summary_paragraph_right_before_the_article_body_is_kept():
    page = BODY_NAMED_PAGE.replace('<div itemprop="articleBody">',
                                   f'<div class="summary">{SUMMARY}</div><div itemprop="articleBody">')
    assert texts(page)[:3] == ["Council expands night bus network", SUMMARY, PROSE_EN]
    # Sharing its element with the byline, the same paragraph is header furniture.
    page = BODY_NAMED_PAGE.replace("By Jane Smith, transport reporter", f"By Jane Smith<p>{SUMMARY}</p>")
    assert SUMMARY not in texts(page)


def test_time_element_text_gives_the_date():
    page = f"<html><body><article><h1>Night buses</h1><time>Published on August 19, 2019</time><p>{PROSE_EN}"
    assert html.extract(page)[2].published_date == dt.date(2019, 8, 19)


SIBLING_PAGE = f"""<html><body><div class="site"><div class="post"><h1>Council expands night bus network</h1>
<p>{PROSE_EN}</p><p>{PROSE_EN_2}</p><p>{PROSE_EN_3}</p></div>
<p>Disclosure: the author rides the night bus most weekends and has written about it before.</p>
<div class="links">{nav_links(*(f"Archive page {n}" for n in range(12)))}</div></div></body></html>"""


def test_prose_paragraph_beside_the_main_container_is_kept():
    lines, _, _ = html.extract(SIBLING_PAGE)
    assert lines[-1].text.startswith("Disclosure: the author rides")
    assert not any(line.text.startswith("Archive page") for line in lines)


REFERENCES_PAGE = f"""<html><body><div class="entry-content"><h1>Night buses</h1><p>{PROSE_EN}</p>
<p>{PROSE_EN_2}</p><p>{PROSE_EN_3}</p><p>{PROSE_EN_4}</p><h2>References</h2><ol>
<li>Smith, Jane (2021). <a href="/a">"Night transport in mid-sized cities: a survey of five regions"</a>.
<a href="/j">Urban Transit Review</a>. 12 (3): 45-67. Retrieved 4 May 2024.</li>
<li><a href="/b">More night bus stories from our archive</a></li></ol>
<div class="article-bottom"><p>Tell us what you think: we read every letter and publish a few.</p>
</div></div></body></html>"""


def test_author_bio_card_is_dropped_as_byline():
    bio = "<div class='author-card'><p>Jane Smith has covered transport for the Ledger since 2015.</p></div>"
    page = BODY_NAMED_PAGE.replace("</div></div></body>", f"</div>{bio}</div></body>")
    lines, removed, _ = html.extract(page)
    assert lines[-1].text == PROSE_EN_4
    assert [r.category for r in removed if r.text.startswith("Jane Smith has")] == ["byline"]


def test_reference_with_links_stays_but_link_lists_and_page_bottom_go():
    lines, removed, _ = html.extract(REFERENCES_PAGE)
    assert any(line.text.startswith("Smith, Jane (2021).") for line in lines)
    categories = {r.text: r.category for r in removed}
    assert categories["More night bus stories from our archive"] in ("navigation", "related_link")
    assert categories["Tell us what you think: we read every letter and publish a few."] == "footer"


def test_headline_is_the_heading_like_the_title_not_the_site_name():
    page = BODY_NAMED_PAGE.replace("<title>Council", "<title>Harbour news | Council")
    lines, _, meta = html.extract(page)
    assert [line.text for line in lines if line.hint == "title"] == ["Council expands night bus network"]
    assert "Daily Ledger" not in [line.text for line in lines]


PROFILE = "Ledger Transit is headquartered in Harbour City and employs around 1,300 people in 18 countries."
PRESS_RELEASE = f"""<html><body><div class="entry-content"><h1>Ledger Transit wins night bus contract</h1>
<p>{PROSE_EN}</p><p>{PROSE_EN_2}</p><p>{PROSE_EN_3}</p><p>{PROSE_EN_4}</p>
<hr><p>Ledger Transit builds electric buses for cities in Europe and North America.<br>{PROFILE}</p>
</div></body></html>"""


def test_company_profile_closing_a_press_release_is_dropped():
    lines, removed, _ = html.extract(PRESS_RELEASE)
    assert lines[-1].text == PROSE_EN_4
    assert [(r.text, r.category, r.rule) for r in removed] == [
        ("Ledger Transit builds electric buses for cities in Europe and North America.",
         "company_profile", "html.company_profile"),
        (PROFILE, "company_profile", "html.company_profile"),
    ]
    # An "About ..." label opens the profile as a rule does.
    page = PRESS_RELEASE.replace("<hr>", "<h3>About Ledger Transit</h3>")
    assert texts(page)[-1] == PROSE_EN_4


def test_profile_sentence_without_a_break_before_it_or_in_most_of_the_text_is_kept():
    assert PROFILE in texts(PRESS_RELEASE.replace("<hr>", ""))
    page = PRESS_RELEASE.replace("<hr>", "").replace(f"<p>{PROSE_EN}</p>", f"<p>{PROSE_EN}</p><hr>")
    assert PROFILE in texts(page)


@pytest.mark.parametrize("text, states", [
    (PROFILE, True),
    ("Société Générale is headquartered in Paris.", True),
    ("Die Firma EMPLOYS 1.300 PEOPLE weltweit — über alle Standorte.", True),
    ("Acme employſ 1,300 people.", True),  # ignoring case, ſ reads as s
    ("ACME SHARES ARE LİSTED ON NASDAQ ✓", True),  # and İ as i
    ("新华社北京电 公司总部位于北京，员工1300人。", False),
    ("Café owners moved their shops to the harbour.", False),
])
def test_a_profile_sentence_is_found_in_any_script_and_case(text, states) -> None:
    assert states_company_profile(text) is states
    assert (COMPANY_PROFILE.search(text) is not None) is states


def test_ignoring_case_reads_no_other_character_as_a_letter_of_the_profile_marks() -> None:
    letters = re.compile(f"[{re.escape(''.join(PROFILE_LETTERS))}]", re.IGNORECASE)
    assert letters.search("".join(map(chr, range(0x80, 0x110000)))) is None


CAPTION = "Night buses wait at the central depot before the first run of the evening."


def figure_page(figure: str) -> str:
    return f"<html><body><article><p>{PROSE_EN}</p>{figure}<p>{PROSE_EN_2}</p><p>{PROSE_EN_3}</p></article>"


@pytest.mark.parametrize("figure", [
    f'<figure><img src="bus.jpg"><figcaption class="caption">{CAPTION}</figcaption>'
    '<figcaption class="below-caption">Photo: Getty Images</figcaption></figure>',
    f'<div class="inline-image"><img src="bus.jpg"><div><div class="imageCaption">{CAPTION}</div>'
    '<div class="imageCredit">Jane Doe | Bloomberg | Getty Images</div></div></div>',
])
def test_caption_of_a_picture_with_its_own_credit_line_is_dropped(figure):
    lines, removed, _ = html.extract(figure_page(figure))
    assert CAPTION not in [line.text for line in lines]
    rows = [(r.text, r.category, r.rule) for r in removed]
    assert (CAPTION, "photo_caption", "html.credited_caption") in rows


def test_title_of_an_embedded_video_player_is_dropped():
    figure = '<figure class="embed"><div><iframe src="https://video.example/1"></iframe></div>' \
             '<figcaption><span class="headline">Council votes on night buses</span></figcaption></figure>'
    lines, removed, _ = html.extract(figure_page(figure))
    assert [line.text for line in lines] == [PROSE_EN, PROSE_EN_2, PROSE_EN_3]
    assert [(r.category, r.rule) for r in removed] == [("photo_caption", "html.player_caption")]


def test_caption_without_a_credit_line_is_kept():
    figure = f'<figure><img src="bus.jpg"><figcaption>{CAPTION}</figcaption></figure>'
    assert CAPTION in texts(figure_page(figure))


TWEET = '<blockquote class="twitter-tweet"><p>Welcome to the club, Jose.</p>— Spurs (@Spurs) ' \
        '<a href="https://twitter.com/x">November 20, 2019</a></blockquote>'


def test_embedded_post_quoted_in_the_story_is_kept_even_in_a_widget_box():
    box = f'<div class="article-widget article-tweet"><div class="inner">{TWEET}</div></div>'
    kept = texts(figure_page(box))
    assert "Welcome to the club, Jose." in kept
    sidebar = f'<div class="widget">{TWEET}<a href="/more">More from our feed</a></div>'
    assert "Welcome to the club, Jose." not in texts(figure_page(sidebar))


def test_name_and_date_under_the_headline_are_a_byline():
    from tasks.clean import clean_document

    page = f"""<html><body><article><h1>Council expands night bus network</h1>
<div class="meta">by Jane Smith — Nov 19, 2019, 10:31 pm CST</div><p>{PROSE_EN}</p><p>{PROSE_EN_2}</p>
</article></body></html>"""
    doc = clean_document(page.encode(), "page.html")
    assert [p.text for p in doc.paragraphs] == ["Council expands night bus network", PROSE_EN, PROSE_EN_2]
    assert [(r.category, r.rule) for r in doc.removed] == [("byline", "byline.header")]
    assert doc.metadata.byline == "Jane Smith"


def test_subscription_offer_and_closing_agency_name_are_dropped():
    from tasks.clean import clean_document

    offer = "Get Bike Monthly through your door every month. 12 issues for £11.99. Click here for more."
    page = f"""<html><body><article><h1>Council expands night bus network</h1><p>{PROSE_EN}</p>
<p>{PROSE_EN_2}</p><p>{offer}</p><div class="byline">Reuters</div></article></body></html>"""
    doc = clean_document(page.encode(), "page.html")
    assert [p.text for p in doc.paragraphs] == ["Council expands night bus network", PROSE_EN, PROSE_EN_2]
    assert [(r.text, r.category, r.rule) for r in doc.removed] == [
        (offer, "newsletter", "newsletter.lexicon"), ("Reuters", "byline", "byline.closing_agency"),
    ]


EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval" / "external"


def test_quality_on_external_dev_set_does_not_regress():
    """Mean token F1 of the extractor alone over a slice of the DEV pages."""
    if not (EVAL / "manifest.json").exists():
        pytest.skip("external eval set not available")
    import sys

    sys.path.insert(0, str(EVAL.parent))
    score_eval = pytest.importorskip("score_eval")
    from tasks import decode

    scores = []
    for gold_path in sorted((EVAL / "gold").glob("*.json"))[::4]:
        gold = json.loads(gold_path.read_text("utf-8"))
        if not gold["paragraphs"]:
            continue
        raw = (EVAL / gold["raw_file"]).read_bytes()
        decoded = decode.decode_bytes(decode.unwrap(raw, "page.html"), is_html=True)
        lines, _, _ = html.extract(decoded.text)
        scores.append(score_eval.score_case(gold, [line.text for line in lines], 2)["tok"][2])
    assert sum(scores) / len(scores) > 0.85


def test_whitespace_a_block_starts_with_is_all_normalise_space_would_drop() -> None:
    # html_blocks.walk skips it before joining a block's pieces: ``split`` drops exactly the characters
    # ``isspace`` finds, and every line break that cuts a preformatted block is one of them
    for char in map(chr, range(0x110000)):
        assert (char.split() == []) is char.isspace()
        assert len(f"a{char}b".splitlines()) == 1 or char.isspace()


def test_markup_of_whitespace_only_is_not_parsed() -> None:
    # ``parse`` asks ``isspace`` rather than copying the page with ``strip``
    assert all((bytes([b]).strip() == b"") is bytes([b]).isspace() for b in range(256))
    assert html.parse(" \n\t\r") is None
    assert html.parse(" <p>a</p>") is not None
