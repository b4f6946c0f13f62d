from ftfy.badness import is_bad as ftfy_is_bad
from hypothesis import given, settings
from hypothesis import strategies as st

from cleanpipe.mojibake import _candidate_chars, is_bad

MOJIBAKE = [
    "donâ€™t",  # UTF-8 read as cp1252
    "sÃ©ance",
    "Ã\xa0 la carte",
    "Ã la carte",
    "Ã big",  # "Ã " at the very start (an anchored pattern)
    "caf\u00c3\u00a9",
    "Ð¿Ñ€Ð¸Ð²ÐµÑ‚",  # Russian through cp1252
    "вЂ™",  # cp1251 mojibake
    "ā€",
    "text with a \x9d C1 control",
    "the price was 10 Ã— 2",
    "ГўВЂВ™s",
]
CLEAN = [
    "",
    "Plain ASCII, with quotes and a dash - fine.",
    "He said “it’s fine” — really… ‘yes’ – no",
    "Der Pegel des Rheins bei Köln ist gestiegen; Straße gesperrt.",
    "Žluťoučký kůň úpěl ďábelské ódy. Česká spořitelna.",
    "Правительство объявило о новой реформе.",
    "政府は火曜日に新しい年金改革を発表した。",
    "Ελληνικά κείμενα με τόνους.",
    "« Bonjour », dit-il à l’école.",
]


def test_agrees_with_ftfy_on_examples():
    for text in MOJIBAKE:
        assert ftfy_is_bad(text), text  # the examples are what they say
        assert is_bad(text), text
    for text in CLEAN:
        assert is_bad(text) == ftfy_is_bad(text) == False, text  # noqa: E712


@settings(max_examples=3000)
@given(st.text(alphabet=_candidate_chars() + " \n\t", max_size=8))
def test_agrees_with_ftfy_on_short_strings_of_the_patterns_own_characters(text):
    assert is_bad(text) == ftfy_is_bad(text)


@settings(max_examples=500)
@given(st.lists(st.sampled_from(MOJIBAKE + CLEAN), max_size=6), st.text(max_size=40))
def test_agrees_with_ftfy_on_mixed_text(pieces, noise):
    text = noise.join(pieces)
    assert is_bad(text) == ftfy_is_bad(text)
