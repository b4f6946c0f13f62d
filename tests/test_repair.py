from hypothesis import given
from hypothesis import strategies as st

from cleanpipe.repair import repair_text


def test_mojibake_is_fixed_and_curly_quotes_stay():
    assert repair_text("donâ€™t say â€œhelloâ€\x9d") == "don’t say “hello”"


def test_entities_unescaped():
    assert repair_text("Fish &amp; chips &pound;5") == "Fish & chips £5"


def test_typography_is_content():
    text = "He said “it’s fine” — really… ‘yes’ – no"
    assert repair_text(text) == text


def test_line_breaks_normalised():
    assert repair_text("a\r\nb\rc") == "a\nb\nc"
    assert repair_text("été\r\nhiver") == "été\nhiver"


def test_invisible_characters_removed_and_nbsp_become_spaces():
    assert repair_text("zero\u200bwidth soft\u00adhyphen 10\u00a0km 5\u202f% \ufeffx") == "zerowidth softhyphen 10 km 5 % x"


def test_zero_width_joiners_kept_for_scripts_that_need_them():
    persian = "می\u200cخواهم"
    assert repair_text(persian) == persian


def test_nfc():
    assert repair_text("cafe\u0301") == "café"


@given(st.text())
def test_repair_is_idempotent(text):
    once = repair_text(text)
    assert repair_text(once) == once


# --- skipping ftfy when it would change nothing gives ftfy's result -----------------------

import ftfy  # noqa: E402
from hypothesis import settings  # noqa: E402

from cleanpipe import repair  # noqa: E402


def _always_ftfy(text):
    """repair_text as it would be with ftfy called on every text."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    for _ in range(4):
        text = ftfy.fix_text(text, repair._FTFY_CONFIG)
        cleaned = text.translate(repair._TRANSLATION)
        if cleaned == text:
            return cleaned
        text = cleaned
    return text


NEEDS_FTFY = [
    "donâ€™t",  # mojibake
    "Ã big first line\nsecond",  # mojibake only ftfy's line-start pattern sees
    "line one\nÂ second line",
    "Fish &amp; chips",  # entity
    "ﬁnance ﬂow",  # ligatures
    "bell\x07 and escape \x1b[31mred\x1b[0m",  # control characters, terminal escapes
    "a\u2028b\u2029c",  # Unicode line separators
    "C1 \x85 control",
    "Cafe\u0301 de\u0301ja\u0300",  # not NFC
    "A\u0303 x",  # NFC composes "Ã", then ftfy's line-start pattern applies
]
ALREADY_CLEAN = [
    "He said “it’s fine” — really… ‘yes’ – no",
    "AT&T and Q&A & more",  # an ampersand that is not an entity
    "Žluťoučký kůň úpěl ďábelské ódy.",
    "Правительство объявило о новой реформе.",
    "政府は火曜日に新しい年金改革を発表した。",
    "ＮＡＴＯ　１２３，北京；",  # full-width forms are CJK typography, kept
]


def test_ftfy_is_skipped_only_when_it_would_change_nothing():
    for text in NEEDS_FTFY:
        assert ftfy.fix_text(text, repair._FTFY_CONFIG) != text, text  # the examples need fixing
        assert repair_text(text) == _always_ftfy(text), text
    for text in ALREADY_CLEAN:
        assert not repair._needs_ftfy(text) and ftfy.fix_text(text, repair._FTFY_CONFIG) == text, text
        assert repair_text(text) == _always_ftfy(text) == text


@settings(max_examples=1000)
@given(st.lists(st.sampled_from(NEEDS_FTFY + ALREADY_CLEAN), max_size=4), st.text(max_size=30))
def test_same_result_as_calling_ftfy_every_time(pieces, noise):
    text = noise.join(pieces) + noise
    assert repair_text(text) == _always_ftfy(text)


@settings(max_examples=1000)
@given(st.text())
def test_same_result_as_calling_ftfy_every_time_on_any_text(text):
    assert repair_text(text) == _always_ftfy(text)


@settings(max_examples=1000)
@given(st.lists(st.sampled_from(NEEDS_FTFY + ALREADY_CLEAN + ["œ", "Œ", "", "<b>", "&amp;", "Ã", " "]), max_size=8),
       st.sampled_from(["\n", "\n\n", " ", ""]))
def test_same_result_as_calling_ftfy_every_time_line_by_line(pieces, separator):
    """Clean and damaged lines mixed: ftfy runs on the damaged lines only, with the same result."""
    text = separator.join(pieces)
    assert repair_text(text) == _always_ftfy(text)


def test_lines_are_cut_as_ftfy_cuts_them():
    assert repair._lines("a\nb\n") == ["a\n", "b\n"]
    assert repair._lines("a\n\nb") == ["a\n", "\n", "b"]
    assert repair._lines("") == [] and repair._lines("\n") == ["\n"]
    assert repair_text("œ\nx") == _always_ftfy("œ\nx")  # "œ" then a newline is mojibake to ftfy


def test_full_width_punctuation_in_cjk_text_is_kept():
    chinese = "北京时间周二，国务院发布通知；市场反应平稳。"
    assert repair_text(chinese) == chinese
    assert repair_text(chinese + " donâ€™t") == chinese + " don’t"
