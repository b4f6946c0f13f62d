"""Source repeats: chrome recurring across a source's articles is removed at commit, deterministically."""

import re

import numpy as np
import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cleanpipe import reasons
from cleanpipe.config import Config
from cleanpipe.ingest import run
from cleanpipe.repeats import (SOURCE_REPEAT, RepeatCounts, Repeated, group_key, is_line, label_keys, label_of, normalise,
                               paragraph_keys,
                               source_group, strip_repeats)

# Chrome no rule pack knows: only its recurrence gives it away. (A sign-up call such as "Get
# the Harbour Courier's morning briefing delivered ..." is en.consent.signup-cta's now.)
PROMO = "The Harbour Courier: independent local news for Southport and the islands since 1889"
STORIES = [
    ("Ferry timetable cut for winter", [
        "The island ferry will run four crossings a day from November, down from seven, the operator said on Monday.",
        "Councillors said the cut would leave commuters stranded after evening shifts at the hospital.",
    ]),
    ("Harbour wall repairs begin", [
        "Engineers started work on the storm-damaged harbour wall on Tuesday, three months after the January gales.",
        "The £2.4m scheme is expected to take until the end of the summer, with the slipway closed throughout.",
    ]),
    ("Lifeboat crew rescue kayakers", [
        "Two kayakers were brought ashore by the volunteer lifeboat crew after being swept past the point on Sunday.",
        "The coastguard said both were wearing buoyancy aids and were checked over by paramedics at the station.",
    ]),
    ("School roof to be replaced", [
        "The primary school on Quay Street will get a new roof over the holidays after leaks closed two classrooms.",
        "Parents were told in a letter that lessons would not be affected when pupils return in September.",
    ]),
]


def write_story(path, title, paragraphs, promo=PROMO):
    path.parent.mkdir(parents=True, exist_ok=True)
    body = [paragraphs[0], promo, *paragraphs[1:]] if promo else paragraphs
    path.write_text("\n\n".join([title, *body]) + "\n", encoding="utf-8")


def outputs(clean):
    articles = {}
    for part in sorted((clean / "articles").glob("*.jsonl")):
        for line in part.read_bytes().splitlines():
            record = orjson.loads(line)
            articles[record["source"]] = record
    rejects = {}
    for part in sorted((clean / "rejects").glob("*.jsonl")):
        for line in part.read_bytes().splitlines():
            record = orjson.loads(line)
            rejects[record["source"]] = record
    return articles, rejects


def test_source_group_is_the_url_host_else_the_folder():
    assert source_group("feed.jsonl#3", "https://www.Example.com:443/news/a") == "host:example.com"
    assert source_group("en/courier/a.txt", None) == "folder:en/courier"
    assert source_group("feeds/day.jsonl#12", None) == "folder:feeds"
    assert source_group("top.txt", None) == "folder:"


@given(st.text(alphabet=st.characters(max_codepoint=0x3ff), max_size=60)
       | st.text(alphabet=st.sampled_from("aZ09 _-.,:\u00a0\u00b2\u00b5\u00aa\u00df\u00ff\u0130\u017f\u0660\uff11"), max_size=30))
def test_normalise_is_the_regex_definition_on_any_text(text):
    # a Latin-1 text takes a byte-table path: it must give what the definition gives
    expected = re.sub(r"\d+", "0", " ".join(re.findall(r"[^\W_]+", text.casefold())))
    assert normalise(text) == expected


def test_normalise_folds_case_punctuation_and_numbers():
    assert normalise("Comments (12)") == normalise("comments: 3") == "comments 0"
    assert normalise("© 2024 Courier Media") == normalise("© 2025 courier media.") != normalise("Courier Media")
    assert paragraph_keys("folder:a", ["---"]) == [0]
    assert paragraph_keys("folder:a", ["Same line"]) != paragraph_keys("folder:b", ["Same line"])


def test_repeated_needs_both_the_document_count_and_the_share():
    counts = RepeatCounts()
    group = group_key("folder:x")
    for number in range(40):
        counts.add_article(group, [1, 2] if number < 3 else [2, 100 + number])
    assert counts.repeated(3, 0.0).paragraphs == {1, 2}
    assert counts.repeated(3, 0.1).paragraphs == {2}  # key 1 is in 3 of 40 articles
    assert not counts.repeated(0, 0.0)


def test_lines_need_fewer_articles_than_sentences():
    counts = RepeatCounts()
    group = group_key("folder:x")
    for number in range(4):
        counts.add_article(group, [1, 2, 10 + number] if number < 2 else [2, 10 + number])
    repeated = counts.repeated(3, 0.0, 2)
    assert repeated.paragraphs == {2} and repeated.lines == {1}
    assert repeated.takes(1, "Share on Facebook Twitter WhatsApp")
    assert not repeated.takes(1, "The bridge was built in 1962 and carries 40,000 vehicles a day.")
    assert counts.repeated(3, 0.0, 0).lines == frozenset()


@pytest.mark.parametrize("paragraph, line", [
    ("Lees het volledige artikel op example.nl", True),
    ("© 2024 Diario La Meseta. Todos los derechos reservados.", True),
    ("The bridge was built in 1962.", False),  # a sentence two stories may share
    ("Share this story " * 20, False),  # too long to be a label
])
def test_a_line_is_short_and_not_a_sentence_or_a_copyright_notice(paragraph, line):
    assert is_line(paragraph) is line


def test_strip_repeats_records_the_rule_and_the_original_paragraph_index():
    record = {"text": "A story.\n\nPROMO\n\nMore story.", "removed": [{"rule": "x", "text": "junk", "para": 0}]}
    left = strip_repeats(record, [11, 22, 33], [1, 2, 4], Repeated(frozenset({22}), frozenset()))
    assert left == ["A story.", "More story."]
    assert record["text"] == "A story.\n\nMore story."
    assert record["removed"] == [{"rule": "x", "text": "junk", "para": 0},
                                 {"rule": SOURCE_REPEAT, "text": "PROMO", "para": 2}]
    assert strip_repeats(record, [11, 33], [1, 4], Repeated(frozenset({22}), frozenset())) is None


def test_chrome_shared_by_a_sources_articles_goes_and_stays_elsewhere(tmp_path):
    raw = tmp_path / "raw"
    for number, (title, paragraphs) in enumerate(STORIES[:3]):
        write_story(raw / "courier" / f"story-{number}.txt", title, paragraphs)
    write_story(raw / "other" / "story.txt", *STORIES[3])  # the same line once in another source
    run(raw, tmp_path / "clean", Config(), run_id="r")
    articles, _ = outputs(tmp_path / "clean")
    for number, (_, paragraphs) in enumerate(STORIES[:3]):
        record = articles[f"courier/story-{number}.txt"]
        assert record["text"] == "\n\n".join(paragraphs)
        assert {"rule": SOURCE_REPEAT, "text": PROMO, "para": 1} in record["removed"]
    assert PROMO in articles["other/story.txt"]["text"]
    summary = orjson.loads(next((tmp_path / "clean" / "runs").glob("*.json")).read_bytes())
    assert summary["removals"][SOURCE_REPEAT] == 3


def test_copies_of_one_story_are_duplicates_not_chrome(tmp_path):
    raw = tmp_path / "raw"
    title, paragraphs = STORIES[0]
    for number in range(3):
        write_story(raw / "courier" / f"copy-{number}.txt", title, paragraphs, promo=None)
    run(raw, tmp_path / "clean", Config(), run_id="r")
    articles, rejects = outputs(tmp_path / "clean")
    assert articles["courier/copy-0.txt"]["text"] == "\n\n".join(paragraphs)
    assert [rejects[f"courier/copy-{n}.txt"]["reason"] for n in (1, 2)] == [reasons.DUPLICATE] * 2


@pytest.mark.parametrize("batch_files", [1, 2])
def test_the_output_does_not_depend_on_the_batch_split(tmp_path, batch_files):
    raw = tmp_path / "raw"
    for number, (title, paragraphs) in enumerate(STORIES):
        write_story(raw / "courier" / f"story-{number}.txt", title, paragraphs)
    run(raw, tmp_path / "one", Config(batch_files=256), run_id="r")
    run(raw, tmp_path / "split", Config(batch_files=batch_files), run_id="r")

    def records(clean):
        return b"".join(p.read_bytes() for p in sorted((clean / "articles").glob("*.jsonl")))

    assert records(tmp_path / "one") == records(tmp_path / "split")
    assert not any(PROMO in record["text"] for record in outputs(tmp_path / "split")[0].values())


def test_counts_carry_over_to_later_runs(tmp_path):
    raw, clean = tmp_path / "raw", tmp_path / "clean"
    config = Config(source_repeat_line_min_docs=0)  # the promo is a line: count it like a sentence here
    for number, (title, paragraphs) in enumerate(STORIES[:2]):
        write_story(raw / "courier" / f"story-{number}.txt", title, paragraphs)
    run(raw, clean, config, run_id="first")
    articles, _ = outputs(clean)
    assert all(PROMO in record["text"] for record in articles.values())  # two articles: not yet chrome
    write_story(raw / "courier" / "story-2.txt", *STORIES[2])
    run(raw, clean, config, run_id="second")
    articles, _ = outputs(clean)
    assert PROMO not in articles["courier/story-2.txt"]["text"]
    assert PROMO in articles["courier/story-0.txt"]["text"]  # written by the first run: not rewritten


def test_an_article_left_with_only_chrome_becomes_a_boilerplate_only_reject(tmp_path):
    raw = tmp_path / "raw"
    for number, (title, paragraphs) in enumerate(STORIES[:3]):
        write_story(raw / "courier" / f"story-{number}.txt", title, paragraphs)
    (raw / "courier" / "newsletter.txt").write_text(f"Newsletters\n\n{PROMO}\n", encoding="utf-8")
    lenient = Config(min_chars=0, min_sentence_words=0)  # the promo alone would pass every other check
    run(raw, tmp_path / "clean", lenient, run_id="r")
    articles, rejects = outputs(tmp_path / "clean")
    assert "courier/newsletter.txt" not in articles
    assert rejects["courier/newsletter.txt"]["reason"] == reasons.BOILERPLATE_ONLY
    run(raw, tmp_path / "off", Config(min_chars=0, min_sentence_words=0, source_repeat_min_docs=0), run_id="r")
    assert "courier/newsletter.txt" in outputs(tmp_path / "off")[0]


def test_the_check_can_be_turned_off(tmp_path):
    raw = tmp_path / "raw"
    for number, (title, paragraphs) in enumerate(STORIES[:3]):
        write_story(raw / "courier" / f"story-{number}.txt", title, paragraphs)
    run(raw, tmp_path / "clean", Config(source_repeat_min_docs=0), run_id="r")
    articles, _ = outputs(tmp_path / "clean")
    assert all(PROMO in record["text"] for record in articles.values())


def assert_two_stories_lose_only(tmp_path, promo, background):
    """Two stories of one source share ``promo`` (their second paragraph) and ``background`` (their last):
    the promo goes as a source repeat, the background sentence stays."""
    raw = tmp_path / "raw"
    for number, (title, paragraphs) in enumerate(STORIES[:2]):
        write_story(raw / "courier" / f"story-{number}.txt", title, [*paragraphs, background], promo=promo)
    run(raw, tmp_path / "clean", Config(), run_id="r")
    articles, _ = outputs(tmp_path / "clean")
    for number, (_, paragraphs) in enumerate(STORIES[:2]):
        record = articles[f"courier/story-{number}.txt"]
        assert record["text"] == "\n\n".join([*paragraphs, background])
        assert {"rule": SOURCE_REPEAT, "text": promo, "para": 1} in record["removed"]


def test_a_line_two_articles_share_goes_and_a_sentence_they_share_stays(tmp_path):
    assert_two_stories_lose_only(tmp_path, PROMO, "The harbour was dredged in 2019 at a cost of £4m, the first time in forty years.")


@pytest.mark.parametrize("paragraph, label", [
    ("More from the Weather Desk: Why fog is thicker near rivers", "more from the weather desk"),
    ("Просмотров: 1 047", "просмотров"),
    ("Earlier in court: Care worker admits stealing from residents.", None),  # a sentence after the label
    ("Key facts:", None),  # nothing after the label
    ("What the new budget means for every household in the borough, street by street: a guide", None),  # a long label
])
def test_a_labelled_line_is_keyed_by_its_label(paragraph, label):
    assert label_of(paragraph) == label


def test_labelled_lines_share_a_label_key_that_counts_only_at_the_paragraph_threshold():
    teasers = ["Earlier in court: Pub licence revoked after brawls", "Earlier in court: Landlord fined over mould"]
    first, second = label_keys("folder:x", teasers)
    assert first == second != 0 and label_keys("folder:x", ["Share on Facebook Twitter WhatsApp"]) == [0]
    assert label_keys("folder:y", teasers[:1]) != [first]  # another source's label is another key
    group = group_key("folder:x")
    counts = RepeatCounts()
    for number in range(2):
        counts.add_article(group, [100 + number])
        counts.add_batch(np.array([group]), np.array([1]), np.array([first]), documents=False)
    repeated = counts.repeated(3, 0.5, 2)
    assert not repeated.takes(200, teasers[0], first)  # two articles: a label needs three
    counts.add_article(group, [102])
    counts.add_batch(np.array([group]), np.array([1]), np.array([first]), documents=False)
    repeated = counts.repeated(3, 0.5, 2)  # three articles of three, not of six: labels are no documents
    assert repeated.takes(200, teasers[0], first) and not repeated.takes(200, teasers[0])


def test_a_teaser_label_before_other_headlines_in_each_story_goes(tmp_path):
    raw = tmp_path / "raw"
    teasers = ["Ferry fares to rise in spring", "New pontoon opens at the marina", "Harbour master to retire after 30 years"]
    for number, (title, paragraphs) in enumerate(STORIES[:3]):
        write_story(raw / "courier" / f"story-{number}.txt", title, paragraphs, promo=f"More from the Courier: {teasers[number]}")
    run(raw, tmp_path / "clean", Config(), run_id="r")
    articles, _ = outputs(tmp_path / "clean")
    for number, (_, paragraphs) in enumerate(STORIES[:3]):
        record = articles[f"courier/story-{number}.txt"]
        assert record["text"] == "\n\n".join(paragraphs)
        assert [r["rule"] for r in record["removed"]] == [SOURCE_REPEAT]


def test_a_pitch_sentence_in_two_of_a_sources_stories_goes_a_background_sentence_stays(tmp_path):
    pitch = "Become a Friend of the Courier: members get our weekly newsletter and free entry to every event."
    # no pitch word in the background sentence: two follow-ups may share it
    assert_two_stories_lose_only(tmp_path, pitch, "The harbour wall was built in 1889 and last repaired in 1962.")
    lone = tmp_path / "lone"
    write_story(lone / "courier" / "story.txt", *STORIES[0], promo=pitch)  # once: no repeat, and no rule knows it
    run(lone, tmp_path / "clean-lone", Config(), run_id="r")
    assert pitch in outputs(tmp_path / "clean-lone")[0]["courier/story.txt"]["text"]
