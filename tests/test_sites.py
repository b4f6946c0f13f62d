"""Site profiles: a host's body and drop XPath applied before extraction, off by default."""

import pytest

from cleanpipe.config import Config
from cleanpipe.document import Document
from cleanpipe.errors import ConfigError
from cleanpipe.extract import extract_html
from cleanpipe.pipeline import build_stages, clean_documents
from cleanpipe.sites import load_site_profiles, profile_for
from cleanpipe.stats import Stats

from conftest import FIXTURES

PAGE = (FIXTURES / "html" / "site-profile.html").read_text("utf-8")
URL = "https://www.harbour-courier.example/news/ferry-timetable-cut"
OFFER = "discounted season pass"
TEASER = "Lifeboat crew rescue two kayakers"
STORY = ["four crossings a day", "stranded after evening shifts", "summer timetable would return"]


def profiles():
    return load_site_profiles((str(FIXTURES / "sites"),))


def page_text(profiles=None, url=URL):
    return extract_html(Document("p.html", "html", text=PAGE, url=url), profiles=profiles).text


def test_without_a_profile_the_page_keeps_what_the_generic_extraction_keeps():
    text = page_text()
    assert all(part in text for part in STORY)
    assert OFFER in text  # a box inside the story's own element: only the site's profile knows it


def test_the_hosts_profile_narrows_the_page_to_its_body_and_drops_its_blocks():
    text = page_text(profiles())
    assert all(part in text for part in STORY)
    assert OFFER not in text and TEASER not in text


def test_a_profile_applies_to_its_host_and_subdomains_only():
    loaded = profiles()
    assert profile_for("https://harbour-courier.example/a", loaded).host == "harbour-courier.example"
    assert profile_for("https://m.harbour-courier.example:443/a", loaded) is not None
    assert profile_for("https://other.example/a", loaded) is None
    assert profile_for("https://notharbour-courier.example/a", loaded) is None
    assert OFFER in page_text(loaded, url="https://other.example/news/ferry")


def test_a_body_that_matches_nothing_leaves_the_generic_extraction(tmp_path):
    (tmp_path / "p.toml").write_text('host = "harbour-courier.example"\nversion = 2\nbody = "//article"\n')
    text = page_text(load_site_profiles((str(tmp_path),)))
    assert all(part in text for part in STORY)  # a redesigned site degrades to the generic result


def test_profiles_are_off_by_default_and_a_configured_folder_reaches_the_stages():
    assert Config().site_profile_dirs == ()
    for config, offered in ((Config(), True), (Config(site_profile_dirs=(str(FIXTURES / "sites"),)), False)):
        docs = [Document("p.html", "html", text=PAGE, url=URL)]
        [record], rejects = clean_documents(docs, build_stages(config), Stats())
        assert not rejects and (OFFER in record["text"]) is offered


@pytest.mark.parametrize("content, message", [
    ('host = "a.example"\nversion = 1\nbody = "//div[@class="\n', "bad XPath"),
    ('host = "a.example"\nversion = 1\n', "needs body or drop"),
    ('host = "a.example/news"\nversion = 1\ndrop = ["//aside"]\n', "host must be"),
    ('host = "a.example"\nversion = 0\ndrop = ["//aside"]\n', "version"),
    ('host = "a.example"\nversion = 1\ndrop = "//aside"\n', "drop must be a list"),
    ('host = "a.example"\nversion = 1\ndrop = ["//aside"]\nkeep = "//main"\n', "unknown keys keep"),
    ('host = "a.example"\nversion = 1\ndrop = ["//aside"\n', "p.toml"),
])
def test_a_broken_profile_stops_the_run_with_its_file_and_reason(tmp_path, content, message):
    (tmp_path / "p.toml").write_text(content)
    with pytest.raises(ConfigError, match=message):
        load_site_profiles((str(tmp_path),))


def test_two_profiles_for_one_host_and_a_missing_folder_are_errors(tmp_path):
    for name in ("a.toml", "b.toml"):
        (tmp_path / name).write_text('host = "www.a.example"\nversion = 1\ndrop = ["//aside"]\n')
    with pytest.raises(ConfigError, match="has a profile already"):
        load_site_profiles((str(tmp_path),))
    with pytest.raises(ConfigError, match="does not exist"):
        load_site_profiles((str(tmp_path / "missing"),))


def test_without_an_input_url_the_pages_own_url_finds_its_profile():
    assert OFFER not in page_text(profiles(), url=None)  # the page's canonical link names its host
