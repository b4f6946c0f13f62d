"""Bytes to text: byte-order marks, then UTF-8, then charset detection; binary is rejected."""

import codecs
import re

import charset_normalizer

from cleanpipe import reasons
from cleanpipe.errors import Rejected

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Leading bytes of formats that crawlers save by mistake; cheaper than decoding them.
_BINARY_MAGIC = (
    b"%PDF-",
    b"\x89PNG",
    b"\xff\xd8\xff",  # JPEG
    b"GIF8",
    b"PK\x03\x04",  # zip, docx, xlsx
    b"\x7fELF",
    b"RIFF",
    b"OggS",
    b"\x1f\x8b",  # gzip inside gzip, or a gzip file without .gz
)

# C0 controls that never occur in text (tab, LF, VT, FF, CR and ESC excluded: they do).
_CONTROL = {c: None for c in range(32) if c not in (9, 10, 11, 12, 13, 27)}
# The same set as a regex: a scan for them is C-speed, where str.translate over non-ASCII
# text costs ~70 ns a character (13 ms for a 185 KB page).
_CONTROL_RE = re.compile("[" + "".join(map(chr, _CONTROL)) + "]")
# Every byte but those controls, for counting them in UTF-8 bytes before decoding, where
# each is one byte: bytes.translate counts them in 0.09 ms on a 185 KB page, the regex
# over the decoded text takes 0.8 ms.
_NOT_CONTROL_BYTES = bytes(b for b in range(256) if b not in _CONTROL)


def decode_bytes(data: bytes, max_control_ratio: float = 0.05) -> tuple[str, str]:
    """Decode raw bytes to text.

    Args:
        data: the raw bytes of one document.
        max_control_ratio: share of stray control characters above which text is binary.

    Returns:
        (text, encoding name).

    Raises:
        Rejected: ``empty``, ``binary`` or ``undecodable``.
    """
    if not data.strip():
        raise Rejected(reasons.EMPTY, "no bytes but whitespace")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return _checked(data.decode(encoding), encoding, max_control_ratio)
            except UnicodeDecodeError as exc:
                raise Rejected(reasons.UNDECODABLE, f"{encoding} byte-order mark, then {exc.reason}") from exc
    if data.startswith(_BINARY_MAGIC):
        raise Rejected(reasons.BINARY, f"starts like a binary format ({data[:4]!r})")
    nuls = data.count(b"\x00")
    if nuls > _stray_limit(data) or nuls * 1000 > len(data):
        raise Rejected(reasons.BINARY, f"{nuls} NUL bytes and no UTF-16/32 byte-order mark")
    if nuls:
        data = data.replace(b"\x00", b"")  # a stray NUL or two in a text page is a scraper's artefact
    try:
        return _checked(data.decode("utf-8"), "utf-8", max_control_ratio, _control_bytes(data))
    except UnicodeDecodeError:
        pass
    text = _mostly_utf8(data)
    if text is not None:
        return _checked(text, "utf-8", max_control_ratio, _control_bytes(data))
    match = _best_legacy_match(data)
    if match is None:
        raise Rejected(reasons.UNDECODABLE, "not UTF-8 and no character set fits")
    return _checked(str(match), match.encoding, max_control_ratio)


def _stray_limit(data: bytes) -> int:
    """How many faulty bytes or sequences a text page may carry and still be read as text:
    3, or one per 10,000 bytes on long pages (a truncated or spliced multi-byte character)."""
    return max(3, len(data) // 10_000)


def _mostly_utf8(data: bytes) -> str | None:
    """UTF-8 with U+FFFD for a few broken sequences, if the rest is clearly UTF-8.

    A UTF-8 page with one spliced character must not be read as a legacy code page (every
    other non-ASCII character would become mojibake). Legacy-encoded text, by contrast,
    contains almost no valid multi-byte UTF-8 sequences, so requiring valid non-ASCII
    characters to outnumber the broken sequences four to one keeps it out.
    """
    text = data.decode("utf-8", errors="replace")
    broken = text.count("\ufffd") - data.count("\ufffd".encode("utf-8"))
    if broken > _stray_limit(data):
        return None
    valid = sum(1 for ch in text if ch > "\x7f") - text.count("\ufffd")
    return text if valid >= 4 * broken else None


# Encodings a web page can really be in: the WHATWG Encoding Standard's legacy set (what
# browsers support), as Python codec names. DOS and IBM code pages (cp437, cp850, cp775,
# ...) are not on the web, yet charset-normalizer often ranks them first on short text.
_WEB_ENCODINGS = frozenset(
    codecs.lookup(name).name
    for name in (
        "cp1250", "cp1251", "cp1252", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257", "cp1258",
        "cp874", "cp866", "latin_1", "iso8859_2", "iso8859_3", "iso8859_4", "iso8859_5", "iso8859_6",
        "iso8859_7", "iso8859_8", "iso8859_10", "iso8859_13", "iso8859_14", "iso8859_15", "iso8859_16",
        "koi8_r", "koi8_u", "mac_roman", "mac_cyrillic", "gb2312", "gbk", "gb18030", "big5", "big5hkscs",
        "euc_jp", "iso2022_jp", "shift_jis", "cp932", "euc_kr", "cp949", "utf_16", "utf_16_le", "utf_16_be",
    )
)


def _best_legacy_match(data: bytes):
    """charset-normalizer's best guess among web encodings, ties going to cp1252.

    Western text in cp1252 often scores the same as cp1250 or cp1257, and the first of
    equals wins by code-page order; cp1252 is by far the commonest legacy web encoding
    (browsers even read "latin-1" as cp1252), so among equals it is the better bet.
    """
    matches = [m for m in charset_normalizer.from_bytes(data) if _codec_name(m.encoding) in _WEB_ENCODINGS]
    if not matches:
        return None
    best = matches[0]
    if best.encoding == "cp1252":
        return best
    for match in matches:
        if match.encoding == "cp1252" and match.chaos == best.chaos and match.coherence == best.coherence:
            return match
    western = _decode_or_none(data, "cp1252")
    if str(best) == western:
        return _Named(best, "cp1252")  # the same text: name the commoner code page
    if western is not None and _reads_western(western, str(best)):
        return _Text(western, "cp1252")
    return best


def _reads_western(western: str, other: str) -> bool:
    """Whether a single-byte reading differs from cp1252's only outside words.

    A pound sign in cp1252 is "Ł" in cp1250 ("£2" read as "Ł2"): where the two readings
    differ, a Central European letter standing next to no other letter is a symbol misread,
    while in Polish or Czech text the differing letters sit inside words ("Łódź", "gęślą").
    """
    if len(western) != len(other):
        return False  # not a single-byte code page
    last = len(other) - 1
    for i, (a, b) in enumerate(zip(western, other)):
        if a != b and b.isalpha() and ((i > 0 and other[i - 1].isalpha()) or (i < last and other[i + 1].isalpha())):
            return False
    return True


def _codec_name(encoding: str) -> str:
    """Python's canonical name of a codec."""
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        return encoding


def _decode_or_none(data: bytes, encoding: str) -> str | None:
    """``data`` decoded strictly, or None."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


class _Text:
    """Decoded text under the encoding that gave it, shaped like a charset match."""

    def __init__(self, text: str, encoding: str):
        self._text, self.encoding = text, encoding

    def __str__(self) -> str:
        return self._text


class _Named:
    """A charset match reported under another, equivalent encoding name."""

    def __init__(self, match, encoding: str):
        self._text, self.encoding = str(match), encoding

    def __str__(self) -> str:
        return self._text


def _control_bytes(data: bytes) -> int:
    """How many control characters UTF-8 ``data`` decodes to (each is one byte there)."""
    return len(data.translate(None, _NOT_CONTROL_BYTES))


def _checked(text: str, encoding: str, max_control_ratio: float, stray: int | None = None) -> tuple[str, str]:
    """Reject decoded text that is mostly control characters (``stray`` of them, if counted)."""
    core = text.strip()  # BOMs are not whitespace: look past them only when one leads
    if not core or (core[0] == "\ufeff" and not core.replace("\ufeff", "").strip()):
        raise Rejected(reasons.EMPTY, f"nothing but whitespace once decoded as {encoding}")
    if stray is None:
        stray = len(_CONTROL_RE.findall(text)) if _CONTROL_RE.search(text) else 0
    if stray and stray / len(text) > max_control_ratio:
        raise Rejected(reasons.BINARY, f"{stray} control characters in {len(text)} ({encoding})")
    return text, encoding
