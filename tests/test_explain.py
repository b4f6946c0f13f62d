from cleanpipe.cli import main
from cleanpipe.config import Config
from cleanpipe.explain import explain_file

from conftest import FIXTURES, GOLDEN


def test_removed_paragraphs_are_marked_with_their_rule():
    text = explain_file(GOLDEN / "express-video-consent-source.input.txt", Config())
    lines = text.splitlines()
    assert lines[0] == "== express-video-consent-source.input.txt: article, language en (1.0)"
    assert lines[1].startswith("title: Putin begs for talks")
    assert lines[2] == "- Vladimir Putin is 'cold, brutal and ruthless' says Andrew Pierce    [en.video.title-says]"
    assert lines[3].startswith("- We use your sign-up") and lines[3].endswith("[en.consent.signup-consent]")
    assert lines[4].startswith("  Minister of Defence of Ukraine")
    assert lines[-1] == "- Source: Read Full Article    [en.aggregator.source-read-full-article]"


def test_rejects_are_shown_with_their_reason(capsys):
    assert main(["explain", str(FIXTURES / "raw_mixed" / "feed.jsonl")]) == 0
    out = capsys.readouterr().out
    assert "== feed.jsonl#2: rejected (malformed_json)" in out
    assert "== feed.jsonl#1: article, language en" in out
