import pytest

from cleanpipe.document import Document
from cleanpipe.segment import is_byline, sentence_starts, split_paragraphs, word_count


def test_plain_text_scrape_gives_first_line_to_title():
    doc = split_paragraphs(Document("a.txt", "text", text="\n\n  Headline \n\nOne  two\t three\n\n\nFour\n", title_in_text=True))
    assert doc.title == "Headline"
    assert doc.paragraphs == ["One two three", "Four"]


def test_given_title_is_kept_and_folded():
    doc = split_paragraphs(Document("a.jsonl#1", "text", text="Body\nMore", title=" A\n headline "))
    assert doc.title == "A headline"
    assert doc.paragraphs == ["Body", "More"]


def test_no_title_stays_none_when_not_in_text():
    doc = split_paragraphs(Document("a.jsonl#1", "text", text="Body"))
    assert doc.title is None and doc.paragraphs == ["Body"]


from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from cleanpipe.segment import _SPACE_RUN, _SPACE_RUN_TO_FOLD  # noqa: E402


@given(st.text(alphabet=" \t\v\f\nab\u00a0\u3000", max_size=40))
def test_folding_only_what_changes_gives_the_same_text(text):
    assert _SPACE_RUN_TO_FOLD.sub(" ", text) == _SPACE_RUN.sub(" ", text)


@pytest.mark.parametrize("paragraph, sentences", [
    ("The bridge closed. Engineers found cracks.", ["The bridge closed.", "Engineers found cracks."]),
    ("The bridge closed.Foto: dpa", ["The bridge closed.", "Foto: dpa"]),  # a break a scrape lost its space in
    ("Prices rose 3.5 per cent.© Global Imagens", ["Prices rose 3.5 per cent.", "© Global Imagens"]),
    ("Dr. Weber said so. It rained.", ["Dr. Weber said so.", "It rained."]),  # an abbreviation ends no sentence
    ("Entry is free. Fot. Marek Zawadzki", ["Entry is free.", "Fot. Marek Zawadzki"]),  # nor does a dotted label
    ('He said: "No." Then he left.', ['He said: "No."', "Then he left."]),
    ("Lo dijo el delegado. ¿Aún no estás afiliado? ¡Afíliate!", ["Lo dijo el delegado.", "¿Aún no estás afiliado?", "¡Afíliate!"]),
])
def test_sentence_starts(paragraph, sentences):
    starts = sentence_starts(paragraph)
    assert [paragraph[a:b].strip() for a, b in zip(starts, starts[1:] + [len(paragraph)])] == sentences


@pytest.mark.parametrize("line", ["By Priya Nandakumar, News Editor", "Escrito por Lucía Benavente", "di Giulia Ferraresi",
                                  "Автор: Ірина Гнатюк", "Von Anna Weber"])
def test_a_byline_is_recognised(line):
    assert is_byline(line)


@pytest.mark.parametrize("line", ["By the end of the week the bridge had reopened", "Door de regen",
                                  "Von Anna Weber | anna.weber@example.de", "By", "Written by hand"])
def test_a_sentence_or_a_contact_line_is_no_byline(line):
    assert not is_byline(line)


@pytest.mark.parametrize("text, words", [
    ("Police closed the coast road.", 5),
    ("市は十五日、橋を通行止めにすると発表した。", 1 + 19 // 2),  # 19 kanji and kana; the marks not counted
    ("民主党は 12日 発表した", 3 + 9 // 2),  # the digits are no characters of the script
    ("Жители собрались у моста.", 4),
])
def test_word_count_takes_two_characters_of_a_script_without_spaces_as_a_word(text, words):
    assert word_count(text) == words


def test_abbreviations_can_be_merged_while_labels_are_not():
    paragraph = "Fot. Anna Wrona Teren przy ul. Kolejowej. Dalej stoi kościół."
    assert sentence_starts(paragraph, merge_labels=False) == [0, 5, 31, 42]
    assert sentence_starts(paragraph, merge_labels=False, merge_abbreviations=True) == [0, 5, 42]
    assert sentence_starts(paragraph) == [0, 42]


def test_weighted_length_counts_a_chinese_or_japanese_character_three_times():
    from cleanpipe.segment import weighted_length

    assert weighted_length(["Police said.", "Нет."]) == 16  # other scripts as they are
    assert weighted_length(["老桥维修。", "ひらがな"]) == 5 * 3 - 2 + 4 * 3  # the full stop 。 counts once
