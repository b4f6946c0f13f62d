"""Shared test helpers: paths to fixtures and a one-call document cleaner."""

from pathlib import Path

import pytest

from cleanpipe.config import Config
from cleanpipe.pipeline import build_stages, clean_documents
from cleanpipe.read import read_inputs
from cleanpipe.rules import load_lexicon
from cleanpipe.stats import Stats

TESTS = Path(__file__).parent
FIXTURES = TESTS / "fixtures"
GOLDEN = TESTS / "golden"


@pytest.fixture
def clean_file():
    """Clean one file under a folder; return (articles, rejects, stats)."""

    def _clean(folder: Path, rel: str, config: Config = Config()):
        stats = Stats()
        items = read_inputs(folder, rel, config.max_file_bytes, config.max_record_bytes)
        articles, rejects = clean_documents(items, build_stages(config), stats)
        return articles, rejects, stats

    return _clean


@pytest.fixture(scope="session")
def lexicon(tmp_path_factory):
    """A small vocabulary of the tests' own, in a pack folder of language "xx"."""
    root = tmp_path_factory.mktemp("packs") / "xx"
    root.mkdir()
    (root / "share.toml").write_text('[lexicon]\nwords = ["share", "facebook", "twitter", "whatsapp", "follow"]\n', "utf-8")
    (root / "consent.toml").write_text('[lexicon]\nwords = ["subscri*", "newsletter", "inbox", "©", "rights", "reserved"]\n', "utf-8")
    (root / "video.toml").write_text('[lexicon]\nwords = ["watch", "video"]\n', "utf-8")
    (root / "aggregator.toml").write_text(
        '[lexicon]\nwords = ["source", "read", "full", "article", "published", "more"]\nlabels = ["stories", "related", "coverage"]\n'
        'name_labels = ["sources", "tags"]\n', "utf-8")
    (root / "function_words.txt").write_text("the\non\nto\nour\nyour\nat\nus\nin\nall\n", "utf-8")
    return load_lexicon(("xx",), (str(root.parent),))
