"""Shared test helpers: paths to fixtures and a one-call document cleaner."""

from pathlib import Path

import pytest

from cleanpipe.config import Config
from cleanpipe.pipeline import build_stages, clean_documents
from cleanpipe.read import read_inputs
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
