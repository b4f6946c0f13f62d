import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import trafilatura
from trafilatura.settings import set_date_params
from trafilatura.utils import load_html

from cleanpipe import extract as extract_module
from cleanpipe import reasons
from cleanpipe.config import Config
from cleanpipe.document import Document
from cleanpipe.errors import Rejected
from cleanpipe.extract import extract_html
from cleanpipe.pipeline import build_stages, clean_documents
from cleanpipe.stats import Stats

from conftest import FIXTURES


def test_main_text_and_metadata_from_a_page():
    html = (FIXTURES / "raw_mixed" / "page.html").read_text("utf-8")
    doc = extract_html(Document("page.html", "html", text=html))
    assert doc.kind == "text" and doc.from_html  # strip tells a page's text from a scrape's by this
    assert doc.title == "Harbour bridge to close for six weeks of repairs"
    assert doc.published == "2024-03-12"
    assert doc.url == "https://coastal-gazette.example/news/harbour-bridge-repairs"
    assert "replace the corroded bearings" in doc.text
    assert "All rights reserved" not in doc.text  # footer is not the article
    assert "<p>" not in doc.text


def test_input_metadata_wins_over_the_page():
    html = (FIXTURES / "raw_mixed" / "page.html").read_text("utf-8")
    doc = extract_html(Document("f.jsonl#1", "html", text=html, title="Feed title", url="https://feed.example/x"))
    assert (doc.title, doc.url) == ("Feed title", "https://feed.example/x")


def test_page_without_main_text_is_no_content():
    with pytest.raises(Rejected) as info:
        extract_html(Document("p.html", "html", text="<html><head><title>Gallery</title></head><body><div><img src='a.jpg'></div></body></html>"))
    assert info.value.reason == reasons.NO_CONTENT


def test_plain_text_passes_through():
    doc = Document("a.txt", "text", text="<b>not html</b>")
    assert extract_html(doc).text == "<b>not html</b>"
    assert not doc.from_html


# --- the per-document time limit -------------------------------------------------------

REAL_BARE_EXTRACTION = trafilatura.bare_extraction

@pytest.fixture
def stalled_extraction(monkeypatch):
    """Make trafilatura hang until the test ends (then let the abandoned thread finish)."""
    release = threading.Event()
    started = threading.Event()

    def stalled(*args, **kwargs):
        started.set()
        release.wait(60)
        return None

    monkeypatch.setattr(extract_module.trafilatura, "bare_extraction", stalled)
    yield started
    release.set()


def test_a_page_that_overruns_the_limit_is_rejected_as_extract_timeout(stalled_extraction):
    html = (FIXTURES / "raw_mixed" / "page.html").read_text("utf-8")
    with pytest.raises(Rejected) as info:
        extract_html(Document("slow.html", "html", text=html), timeout_seconds=0.05)
    assert info.value.reason == reasons.EXTRACT_TIMEOUT
    assert stalled_extraction.is_set()  # the extraction did start: the deadline cut it off


def test_the_limit_works_off_the_main_thread(stalled_extraction):
    # Prefect's ThreadPoolTaskRunner runs batches in worker threads, where signal alarms fail.
    html = (FIXTURES / "raw_mixed" / "page.html").read_text("utf-8")
    with ThreadPoolExecutor(1) as pool:
        future = pool.submit(extract_html, Document("slow.html", "html", text=html), 0.05)
        with pytest.raises(Rejected) as info:
            future.result()
    assert info.value.reason == reasons.EXTRACT_TIMEOUT


def test_a_stalled_page_becomes_a_reject_and_the_batch_goes_on(monkeypatch, stalled_extraction):
    stalled = extract_module.trafilatura.bare_extraction
    html = (FIXTURES / "raw_mixed" / "page.html").read_text("utf-8")
    monkeypatch.setattr(
        extract_module.trafilatura, "bare_extraction",
        lambda tree, **kw: stalled(tree, **kw) if "STALL" in tree.text_content() else REAL_BARE_EXTRACTION(tree, **kw),
    )
    stages = [s for s in build_stages(Config(extract_timeout_seconds=0.05)) if s[0] in ("decode", "extract")]
    items = [Document("slow.html", "html", text=html.replace("The harbour swing bridge", "STALL The harbour swing bridge")),
             Document("page.html", "html", text=html)]
    articles, rejects = clean_documents(items, stages, Stats())
    assert [(r["source"], r["reason"]) for r in rejects] == [("slow.html", "extract_timeout")]
    assert [a["source"] for a in articles] == ["page.html"]


def test_errors_inside_the_limited_extraction_reach_the_caller(monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("lxml choked")

    monkeypatch.setattr(extract_module.trafilatura, "bare_extraction", broken)
    with pytest.raises(ValueError, match="lxml choked"):
        extract_html(Document("p.html", "html", text=(FIXTURES / "raw_mixed" / "page.html").read_text("utf-8")),
                     timeout_seconds=5)


def test_a_zero_limit_extracts_in_the_calling_thread(monkeypatch):
    threads = []

    def record(*args, **kwargs):
        threads.append(threading.current_thread())
        return None

    monkeypatch.setattr(extract_module.trafilatura, "bare_extraction", record)
    with pytest.raises(Rejected):
        extract_html(Document("p.html", "html", text=(FIXTURES / "raw_mixed" / "page.html").read_text("utf-8")),
                     timeout_seconds=0)
    assert threads == [threading.current_thread()]


def _page_with_json_ld(headline: str, padding: int) -> str:
    """A page whose only title source is a JSON-LD block padded to ``padding`` extra characters."""
    block = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle", "headline": headline,
                        "keywords": "x" * padding})
    body = "<p>" + "The council voted on the new budget after a long debate. " * 5 + "</p>"
    return f'<html><head><script type="application/ld+json">{block}</script></head><body><article>{body}</article></body></html>'


def test_json_ld_supplies_the_title():
    doc = extract_html(Document("p.html", "html", text=_page_with_json_ld("Council passes budget", 10)))
    assert doc.title == "Council passes budget"


def test_oversized_json_ld_is_skipped_for_metadata_and_left_in_the_tree():
    html = _page_with_json_ld("Live: every update", extract_module.MAX_JSON_LD_CHARS)
    tree = load_html(html)
    before = tree.xpath("//script")[0].text
    meta = extract_module.page_metadata(tree, None)
    assert meta.title != "Live: every update"
    assert tree.xpath("//script")[0].text == before  # restored for the extraction that follows


_LD = '<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Headline from JSON-LD", "datePublished": "2024-05-02"}</script>'
_BODY = "<body><article><h1>Headline from the page</h1><p>" + "The council met on Tuesday to vote. " * 6 + "</p></article></body>"


@pytest.mark.parametrize(
    "html",
    [
        f'<html><head><meta property="og:title" content="Headline from og"><link rel="canonical" href="https://news.example/a">{_LD}</head>{_BODY}</html>',
        f"<html><head>{_LD}</head>{_BODY}</html>",
        f"<html><head><title>Headline from the title tag</title></head>{_BODY}</html>",
        (FIXTURES / "raw_mixed" / "page.html").read_text("utf-8"),
    ],
    ids=["og-and-json-ld", "json-ld-only", "title-tag", "fixture-page"],
)
def test_title_url_and_date_are_trafilaturas(html):
    ours = extract_module.page_metadata(load_html(html), None)
    theirs = trafilatura.extract_metadata(load_html(html), None, set_date_params(False))
    assert (ours.title, ours.url, ours.date) == (theirs.title, theirs.url, theirs.date)
    assert ours.title


HTML = FIXTURES / "html"


def _text_of(name: str) -> str:
    return extract_html(Document(name, "html", text=(HTML / name).read_text("utf-8"))).text


def test_link_cards_of_other_stories_are_not_the_article():
    text = _text_of("link-cards.html")
    assert "Engineers started work on the storm-damaged harbour wall" in text
    assert "drop-in session at the harbour office" in text
    assert "ferry operator" not in text and "MARINA" not in text  # teasers inside links
    assert "new slipway" not in text  # a paragraph that is a link but for its label
    # plain trafilatura keeps the teasers: the pruning is what removes them
    plain = trafilatura.extract((HTML / "link-cards.html").read_text("utf-8"), **extract_module.EXTRACT_OPTIONS)
    assert "ferry operator" in plain and "new slipway" in plain


def test_a_second_story_appended_by_infinite_scroll_is_dropped():
    text = _text_of("two-stories.html")
    assert "Two kayakers were brought ashore" in text and "tell someone on shore" in text
    assert "School roof" not in text and "Quay Street" not in text


def test_a_body_behind_a_paywall_wrapper_comes_from_the_pages_json_ld():
    text = _text_of("json-ld-body.html")
    assert text.splitlines()[0].startswith("The county council approved new bus lanes")
    assert "Bus operators welcomed the decision" in text and len(text.splitlines()) == 6  # its six paragraphs
    assert "Subscribe to read" not in text


@pytest.mark.parametrize("text, body, replaced", [
    ("Short opening of the story about bus lanes.", "Other story one.\nOther story two.\nOther story three.", False),
    ("The council approved bus lanes.", "The council approved bus lanes on Tuesday.\nA second line.", False),  # under three paragraphs
    ("", "First paragraph here.\nSecond paragraph here.\nThird paragraph here.", True),
    ("The council approved bus lanes " * 20, "The council approved bus lanes.\nOn Tuesday.\nAfter a debate.", False),  # not shorter
])
def test_json_ld_body_replaces_only_a_much_shorter_extraction_of_the_same_story(text, body, replaced):
    better = extract_module.fallback_body(text, "<html></html>", body)
    assert (better is not None) is replaced


def test_an_empty_next_js_page_is_read_from_its_flight_payload():
    row = ("<p>The county council approved new bus lanes on the ring road on Tuesday night, after a long debate.</p>"
           "<p>The lanes will run from the hospital roundabout to the station and are meant to cut journey times.</p>"
           "<p>Opposition councillors said the scheme would push traffic into residential streets nearby.</p>")
    payload = f"1:T{len(row.encode('utf-8')):x},{row}"
    html = ('<html><body><div id="root"></div><script>self.__next_f.push([1,' + json.dumps(payload) + '])</script>'
            '</body></html>')
    text = extract_module.fallback_body("", html, None)
    assert text is not None and "hospital roundabout" in text and "Opposition councillors" in text
    assert extract_module.fallback_body("Some text was found.", html, None) is None  # only when nothing was


def test_the_standfirst_the_page_shows_opens_the_text():
    html = (HTML / "standfirst.html").read_text("utf-8")
    assert "Commuters say" not in trafilatura.extract(html, **extract_module.EXTRACT_OPTIONS)  # trafilatura leaves it out
    lines = _text_of("standfirst.html").splitlines()
    assert lines[0] == "Commuters say the island ferry's new winter timetable will leave hospital night staff stranded after their shifts."
    assert lines[1].startswith("The island ferry will run four crossings a day") and len(lines) == 5


@pytest.mark.parametrize("page, kept", [
    # a description no element shows (a site's own blurb) is not added
    ('<meta property="og:description" content="The best local news, sport and weather from the island and the coast.">', False),
    # a description the body already holds is not added twice
    ('<meta property="og:description" content="The island ferry will run four crossings a day from November, down from seven.">'
     '<p>The island ferry will run four crossings a day from November, down from seven.</p>', False),
    # too short to be a standfirst
    ('<meta property="og:description" content="Ferry news."><p>Ferry news.</p>', False),
    ('<meta property="og:description" content="Commuters say the new timetable will leave night staff stranded after shifts.">'
     '<p class="dek">Commuters say the new timetable will leave night staff stranded after shifts.</p>', True),
])
def test_a_standfirst_is_added_only_when_the_page_shows_it_and_the_body_lacks_it(page, kept):
    tree = load_html(f"<html><head></head><body>{page}</body></html>")
    body = "The island ferry will run four crossings a day from November, down from seven.\nCouncillors objected."
    assert (extract_module.standfirst(tree, body) is not None) is kept


def test_a_standfirst_in_a_script_without_spaces_is_not_added_twice():
    """Japanese has no spaces between words: the body's opening is compared by character pairs."""
    description = "韓国の尹錫悦大統領は３日夜、緊急談話を出し、野党が国政をまひさせているとして非常戒厳を宣言した。"
    tree = load_html(f'<html><head><meta property="og:description" content="{description}"></head>'
                     f'<body><p class="lead">{description}</p></body></html>')
    body = "韓国の\n尹錫悦\n大統領は３日夜、緊急談話を出し、野党が国政をまひさせているとして「非常戒厳」を宣言した。"
    assert extract_module.standfirst(tree, body) is None
    assert extract_module.standfirst(tree, "尹氏は野党が政府高官や検事らへの弾劾訴追案を提出している点などを挙げた。") == description


@pytest.mark.parametrize("script", [
    '{"@type": "NewsArticle", "articleBody": "broken',  # truncated JSON
    '{"@type": "NewsArticle", "articleBody": 42}',  # not a string
    '[{"@graph": [{"articleBody": null}]}]',
])
def test_a_broken_json_ld_body_is_ignored(script):
    tree = load_html(f'<html><head><script type="application/ld+json">{script}</script></head><body></body></html>')
    assert extract_module._json_ld_article_body(extract_module._json_ld_values(tree, ("articleBody",))) is None


def test_a_broken_next_js_payload_is_ignored():
    html = '<html><body><script>self.__next_f.push([1,"1:T\\uZZZZ,<p>x"])</script></body></html>'
    assert extract_module.fallback_body("", html, None) is None


def test_a_page_laid_out_in_a_table_comes_out_as_paragraphs_and_its_data_table_stays_one():
    html = (FIXTURES / "html" / "layout-table.html").read_text("utf-8")
    lines = extract_html(Document("layout.html", "html", text=html)).text.split("\n")
    story = [line for line in lines if "harbour authority" in line]
    assert len(story) == 1 and not story[0].startswith("|")  # a paragraph, not the table's one row
    assert "Top stories" not in story[0]  # the sidebar's cell is not glued onto the story
    assert any(line.startswith("Fishing boats will moor") for line in lines)
    assert "| North quay | January to March |" in html_table_rows(lines)


def html_table_rows(lines):
    return "\n".join(line.strip() for line in lines if line.startswith("|"))


def test_a_body_split_over_a_repeated_layout_is_read_whole():
    html = (FIXTURES / "html" / "split-body.html").read_text("utf-8")
    assert "public exhibition" not in trafilatura.extract(html)  # trafilatura alone takes the first column
    text = extract_html(Document("split.html", "html", text=html)).text
    lines = text.split("\n")
    opening = [i for i, line in enumerate(lines) if line.startswith(("The harbour authority", "Fishing boats", "A public exhibition"))]
    assert len(opening) == 3 and opening == sorted(opening)  # every column, in page order
    assert "Advertisement" not in text  # the ad rails between them stay out


PROSE = "The board heard that the quay's steel piles had corroded faster than expected, and that patching " * 2


@pytest.mark.parametrize("body, split", [
    # one layout repeated: grid rows of the same class, each with a body column
    ('<div class="row"><div class="text"><p>{0}</p></div></div><div class="row"><div class="text"><p>{0}</p></div></div>', True),
    # the stretches may differ in a modifier class (rp.pl: "body articleBody -bottom-space", then "body articleBody")
    ('<div class="row"><div class="body main -spaced"><p>{0}</p></div></div><div class="row last"><div class="body main"><p>{0}</p></div></div>', True),
    # siblings in one parent are one body already
    ('<div class="story"><div class="text"><p>{0}</p></div><h2>Next steps</h2><div class="text"><p>{0}</p></div></div>', False),
    # a list of posts or widgets: the parents differ
    ('<div class="post-1"><div class="text"><p>{0}</p></div></div><div class="post-2"><div class="text"><p>{0}</p></div></div>', False),
    # comments share a class and are no body
    ('<div class="row"><div class="comment-body"><p>{0}</p></div></div><div class="row"><div class="comment-body"><p>{0}</p></div></div>', False),
])
def test_only_a_repeated_layout_counts_as_a_split_body(body, split):
    tree = load_html(f"<html><body>{body.format(PROSE)}</body></html>")
    assert (extract_module.split_body(tree) is not None) is split


def test_an_extraction_that_holds_the_whole_body_is_not_read_again():
    tree = load_html(f'<html><body><div class="row"><div class="text"><p>First, {PROSE}</p></div></div>'
                     f'<div class="row"><div class="text"><p>Then {PROSE}</p></div></div></body></html>')
    columns = extract_module.split_body(tree)
    assert extract_module.misses_columns("First, " + PROSE, columns)
    assert not extract_module.misses_columns(f"First, {PROSE}\nThen {PROSE}", columns)
    assert not extract_module.misses_columns("an unrelated text", columns)  # nothing of it found: not this body


STORY = "".join(f"<p>{sentence} The harbour board met on Tuesday and voted to rebuild the north quay before winter.</p>"
                for sentence in ("Engineers found cracks in the deck.", "The rebuild will take a year.", "Fishing boats will moor elsewhere."))
RELATED = ('<div class="heading-h3">More Great Stories</div><ul>'
           '<li>The strange life and <a href="/a">mysterious death of a coder</a></li>'
           '<li>How one town <a href="/b">saved its last cinema</a></li>'
           '<li><a href="/c">Why fog is thicker near rivers</a></li></ul>')


@pytest.mark.parametrize("after_story, item, gone", [
    (RELATED, "Why fog is thicker", True),  # other stories' links under a heading of their own
    (RELATED.replace('<div class="heading-h3">More Great Stories</div>', ""), "Why fog is thicker", False),  # no heading: a story's references
    ("<h3>What the board decided</h3><ul><li>A new deck</li><li>New piles</li><li>A temporary pontoon</li></ul>",
     "A temporary pontoon", False),  # no links: the story's own list
])
def test_a_list_of_links_under_its_own_heading_is_pruned(after_story, item, gone):
    tree = load_html(f"<html><body><article><h1>Quay to be rebuilt</h1>{STORY}{after_story}</article></body></html>")
    extract_module.prune_chrome(tree)
    text = " ".join(tree.text_content().split())
    assert (item not in text) is gone
    assert ("More Great Stories" not in text) is (gone or "More Great" not in after_story)
    assert "Fishing boats will moor elsewhere." in text


BIO = ("A 20-year veteran of the harbour beat, Nora writes about ships, quays and the people who work "
       "on them. She was previously the Gazette's transport editor.")


def author_page(json_ld: dict) -> str:
    story = "".join(f"<p>{sentence} The harbour board met on Tuesday and voted to rebuild the north quay before winter.</p>"
                    for sentence in ("Engineers found cracks in the deck.", "The rebuild will take a year.",
                                     "Fishing boats will moor elsewhere."))
    return (f'<html><head><title>Quay to be rebuilt</title><script type="application/ld+json">{json.dumps(json_ld)}</script>'
            f'</head><body><article><h1>Quay to be rebuilt</h1>{story}<p>{BIO}</p>'
            '</article></body></html>')


def test_the_author_box_restating_the_authors_json_ld_profile_goes():
    page = author_page({"@type": "NewsArticle", "author": {"@type": "Person", "name": "Nora Quill", "description": BIO}})
    assert "harbour beat" in trafilatura.extract(page)  # trafilatura alone keeps the box
    text = extract_html(Document("bio.html", "html", text=page)).text
    assert "harbour beat" not in text
    assert "Fishing boats will moor elsewhere." in text


def test_a_description_not_under_an_author_takes_nothing():
    page = author_page({"@type": "NewsArticle", "description": BIO, "author": {"@type": "Person", "name": "Nora Quill"}})
    assert "harbour beat" in extract_html(Document("bio.html", "html", text=page)).text
