import pytest

from cleanpipe import reasons
from cleanpipe.document import Document
from cleanpipe.errors import Rejected
from cleanpipe.extract import extract_html

from conftest import FIXTURES


def test_main_text_and_metadata_from_a_page():
    html = (FIXTURES / "raw_mixed" / "page.html").read_text("utf-8")
    doc = extract_html(Document("page.html", "html", text=html))
    assert doc.kind == "text"
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
