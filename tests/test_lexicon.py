"""The lexicon check: chrome recognised by its vocabulary (small vocabularies of the tests' own;
the shipped ones are exercised by the golden cases through tests/test_boilerplate.py)."""

import pytest

from cleanpipe.lexicon import RELATED_LIST, cut_by_lexicon, drop_chrome_remnants, lexicon_rule


@pytest.mark.parametrize("line, rule", [
    ("Share on Facebook Twitter WhatsApp", "xx.share.lexicon"),
    ("Follow us on Twitter", "xx.share.lexicon"),
    ("Subscribe to our newsletter", "xx.consent.lexicon"),
    ("© 2024 The Harbour Herald. All rights reserved.", "xx.consent.lexicon"),  # names and numbers count for nothing
    ("Get our newsletter in your inbox: subscribe at herald.example.com", "xx.consent.lexicon"),  # one other word to three
    ("Share", "xx.share.lexicon"),  # a button label
    ("Newsletter", "xx.consent.lexicon"),
    ("Follow Anna Weber on Twitter", "xx.share.lexicon"),  # capitalised words in a run: a name, not counted
])
def test_a_short_line_made_of_chrome_words_is_taken_by_the_vocabulary_with_most_of_them(lexicon, line, rule):
    assert lexicon_rule(line, lexicon) == rule


@pytest.mark.parametrize("line", [
    "The newsletter has lost subscribers since May.",  # a sentence about chrome: words of its own
    "Readers can share the newsletter.",
    '"Share on Facebook Twitter WhatsApp," the sign read.',  # a quote is never chrome
    "Facebook sued Twitter",  # two chrome words, one of its own: a headline, not a share bar
    "Follow Weber on Twitter",  # a capitalised word alone is a word of its own (every German noun is one)
    "Facebook, Twitter, WhatsApp: who is liable?",  # a question is the story's
    "Share.",  # a one-word sentence is not a button
])
def test_lines_with_words_of_their_own_or_quoted_stay(lexicon, line):
    assert lexicon_rule(line, lexicon) is None


def test_a_long_paragraph_is_never_taken(lexicon):
    assert lexicon_rule(" ".join(["share facebook"] * 25), lexicon) is None


@pytest.mark.parametrize("line, rule", [
    ("Watch: flood water pours through high street", "xx.video.lexicon"),  # a chrome label, then a headline
    ("Source: Harbour Herald. Read full article", "xx.aggregator.lexicon"),
    ("Published: The Collected Letters, 1920-1950", None),  # a one-word label of another family needs chrome after it
    ("Watch: the bridge closed after inspectors found cracks in the deck.", None),  # a sentence after the label
    ("Dog-watch: sailors on the night shift", None),  # the label is not all chrome words
    ("More stories: Council votes to close the harbour bridge", "xx.aggregator.lexicon"),  # a label word beside a chrome word
    ("Stories: Council votes to close the harbour bridge", None),  # a label word alone labels nothing
])
def test_a_chrome_label_before_a_headline_is_a_teaser(lexicon, line, rule):
    assert lexicon_rule(line, lexicon) == rule


def test_label_words_count_only_in_a_label(lexicon):
    assert lexicon_rule("More stories", lexicon) is None  # as a line, "stories" is a word of its own


STORY = "The harbour bridge will close for a month while engineers repair its deck, the council said on Monday."
HEADLINES = ["Ferry timetable cut for the winter", "Lifeboat crew rescues two walkers", "New cafe opens on the quay"]


def test_a_related_header_and_the_headlines_that_end_the_body_go(lexicon):
    kept = [(p, i) for i, p in enumerate([STORY, "Related coverage", *HEADLINES])]
    removed = []
    left = drop_chrome_remnants(kept, [p for p, _ in kept], lexicon, removed)
    assert left == kept[:1]
    assert [(r["rule"], r["text"]) for r in removed] == [(RELATED_LIST, "Related coverage")] + [
        (RELATED_LIST, h) for h in HEADLINES]


def test_a_related_header_followed_by_prose_or_a_header_of_other_words_stays(lexicon):
    for body in ([STORY, "Related coverage", HEADLINES[0], STORY], [STORY, "Key facts", *HEADLINES]):
        kept = [(p, i) for i, p in enumerate(body)]
        assert drop_chrome_remnants(kept, body, lexicon, []) == kept


def test_headlines_left_under_a_header_that_went_go_with_its_rule(lexicon):
    body = [STORY, "Read more", *HEADLINES]
    kept = [(p, i) for i, p in enumerate(body) if i != 1]
    removed = [{"rule": "xx.aggregator.lexicon", "text": "Read more", "para": 1}]
    assert drop_chrome_remnants(kept, body, lexicon, removed) == kept[:1]
    assert [r["text"] for r in removed[1:]] == HEADLINES


def test_a_name_label_takes_a_source_or_a_list_but_not_a_sentence(lexicon):
    assert lexicon_rule("Sources: Reuters, AFP", lexicon) == "xx.aggregator.lexicon"
    assert lexicon_rule("Tags: harbour, bridge repairs, council", lexicon) == "xx.aggregator.lexicon"
    assert lexicon_rule("Sources: the council said the figures were provisional and would be revised", lexicon) is None


def test_a_name_label_list_holds_short_tags_only(lexicon):
    assert lexicon_rule("Tags: harbour repairs begin next week in the old town, council", lexicon) is None


@pytest.mark.parametrize("paragraph", [
    "Die Fähre verließ den Hafen am Mittag mit vierzig Passagieren an Bord. ©",  # a sign, no chrome word
    "Die Fähre ▶ verließ den Hafen am Mittag mit vierzig Passagieren an Bord.",
])
def test_a_sign_with_no_chrome_word_near_the_end_is_checked_without_error(lexicon, paragraph):
    # the wire-tag check once read the last chrome word of an empty list (IndexError, an internal_error reject)
    removed = []
    assert cut_by_lexicon(paragraph, paragraph, lexicon, 0, removed) == paragraph
    assert removed == []
