import codecs

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cleanpipe import decode as decode_module
from cleanpipe import reasons
from cleanpipe.decode import decode_bytes
from cleanpipe.errors import Rejected

WESTERN = "Café crème – “naïve” façade, the résumé of a straße. "


def test_utf8_passes_through():
    assert decode_bytes("Grüße aus Köln".encode()) == ("Grüße aus Köln", "utf-8")


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_byte_order_marks(encoding):
    text = "Zażółć gęślą jaźń"
    data = text.encode(encoding)
    if encoding in ("utf-16-le", "utf-16-be"):
        bom = codecs.BOM_UTF16_LE if encoding.endswith("le") else codecs.BOM_UTF16_BE
        data = bom + data
    assert decode_bytes(data)[0] == text


def test_cp1252_is_detected_not_misread_as_central_european():
    text, encoding = decode_bytes(WESTERN.encode("cp1252"))
    assert text == WESTERN
    assert encoding == "cp1252"


def test_cp1251_cyrillic():
    text = "Президент заявил во вторник, что переговоры продолжатся."
    assert decode_bytes(text.encode("cp1251"))[0] == text


@pytest.mark.parametrize("data", [b"", b"   \n\t  ", "\ufeff  ".encode("utf-8-sig"), " \ufeff \ufeff\n".encode("utf-8")])
def test_empty(data):
    with pytest.raises(Rejected) as info:
        decode_bytes(data)
    assert info.value.reason == reasons.EMPTY


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3 obj",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"hello\x00world\x00",
        bytes(range(1, 9)) * 20 + b"some text",
    ],
)
def test_binary(data):
    with pytest.raises(Rejected) as info:
        decode_bytes(data)
    assert info.value.reason == reasons.BINARY


def test_broken_utf16_after_bom_is_undecodable():
    with pytest.raises(Rejected) as info:
        decode_bytes(codecs.BOM_UTF16_LE + b"a\x00\x00\xd8")  # lone surrogate
    assert info.value.reason == reasons.UNDECODABLE


def test_tabs_and_escape_are_not_binary():
    text = "col\tcol\r\nnext\x0cpage \x1b[0m"
    assert decode_bytes(text.encode())[0] == text


def test_utf8_page_with_a_spliced_character_stays_utf8():
    page = ("Zażółć gęślą jaźń – “quoted” café. " * 40).encode("utf-8")
    damaged = page[:500] + b"\xc5" + page[500:]  # one truncated two-byte sequence
    text, encoding = decode_bytes(damaged)
    assert encoding == "utf-8"
    assert 1 <= text.count("\ufffd") <= 2 and "Zażółć gęślą jaźń" in text


def test_legacy_text_with_few_accents_is_not_forced_to_utf8():
    text, encoding = decode_bytes("The café’s owner said it was “fine”, and that was all.".encode("cp1252"))
    assert text == "The café’s owner said it was “fine”, and that was all." and encoding == "cp1252"


def test_a_stray_nul_byte_in_a_long_page_is_dropped_not_binary():
    page = b"A page with one stray NUL byte in it. " * 100
    assert decode_bytes(page[:1000] + b"\x00" + page[1000:])[0] == page.decode()


@pytest.mark.parametrize(
    "data",
    [
        ("Ünïcödé " + "\x01\x02\x03\x04" * 10).encode("utf-8"),  # valid UTF-8: counted in the bytes
        ("Ünïcödé " * 20 + "\x01\x02\x03\x04" * 60).encode("utf-8") + b"\xe2\x82",  # a broken tail too
        codecs.BOM_UTF16_LE + ("text " + "\x01\x02\x03" * 20).encode("utf-16-le"),  # counted in the text
    ],
)
def test_control_characters_are_binary_however_the_text_is_decoded(data):
    with pytest.raises(Rejected) as info:
        decode_bytes(data)
    assert info.value.reason == reasons.BINARY


@given(st.text())
def test_control_bytes_in_utf8_count_the_control_characters(text):
    assert decode_module._control_bytes(text.encode("utf-8")) == len(decode_module._CONTROL_RE.findall(text))


@pytest.mark.parametrize("text, encoding", [
    ("The fee rose to £25 this year.\nResidents said the rise was unfair and hit the poorest hardest.", "cp1252"),
    ("Zażółć gęślą jaźń, powiedział rzecznik urzędu miasta w Łodzi.", "cp1250"),
    ("Příliš žluťoučký kůň úpěl ďábelské ódy, řekl mluvčí radnice.", "cp1250"),
])
def test_a_pound_sign_is_not_read_as_a_polish_letter_and_polish_stays_polish(text, encoding):
    # In cp1250 the cp1252 pound sign's byte is "Ł": "£25" must not come out as "Ł25".
    assert decode_bytes(text.encode(encoding)) == (text, encoding)
