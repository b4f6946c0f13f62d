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
