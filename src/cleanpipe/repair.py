"""Text repair: mojibake and entities (ftfy), NFC, line breaks, invisible characters.

Typography is content: curly quotes, dashes and ellipses stay as the author wrote them.
"""

import re
import unicodedata

import ftfy
from ftfy.chardata import CONTROL_CHARS, LIGATURES
from ftfy.fixes import HTML_ENTITY_RE

from cleanpipe.mojibake import is_bad

# ftfy's defaults, but quotes keep their curls; NFC (not NFKC) keeps ligature-free text
# exactly as written while still composing "e" + combining acute into "é"; and full-width
# forms stay, because in Chinese and Japanese text "，" and "；" are the right punctuation.
_FTFY_CONFIG = ftfy.TextFixerConfig(uncurl_quotes=False, normalization="NFC", fix_character_width=False)

# Invisible characters that only break words and tokenisers: zero-width space, word
# joiner, byte-order mark, soft hyphen. ZWJ and ZWNJ are kept: they spell Persian,
# Indic scripts and emoji sequences.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u2060\ufeff\u00ad"), None)
# No-break and figure spaces become plain spaces: downstream tokenisers expect them.
_SPACES = dict.fromkeys(map(ord, "\u00a0\u202f\u2007"), " ")
_TRANSLATION = {**_INVISIBLE, **_SPACES}
# Most texts have none of them: seven substring scans (~2 us an article) are far cheaper
# than str.translate over non-ASCII text (~70 ns a character) or a regex class (~15 us).
_TRANSLATED_CHARS = "".join(map(chr, _TRANSLATION))
_MAX_PASSES = 4  # a fixed point comes after one pass for real text, two for contrived input


def repair_text(text: str) -> str:
    """Return ``text`` with mojibake, entities, line breaks and invisible characters fixed.

    Idempotent: dropping an invisible character can bring two halves of a mojibake
    sequence together, so ftfy runs again (rarely) until nothing changes.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    for _ in range(_MAX_PASSES):
        text = _fix_text(text)
        if not any(char in text for char in _TRANSLATED_CHARS):
            return text
        text = text.translate(_TRANSLATION)
    return text


# Every character one of ftfy's fixers (with _FTFY_CONFIG) acts on, besides mojibake and
# entities: terminal escapes, line breaks, C1 controls, surrogates, ligatures, control
# characters. Built from ftfy's own tables.
_FIXER_CHARS = sorted(
    set("\x1b\r\u2028\u2029") | set(map(chr, range(0x80, 0xA0))) | set(map(chr, range(0xD800, 0xE000)))
    | set(map(chr, LIGATURES)) | set(map(chr, CONTROL_CHARS))
)
_FIXER_TRIGGER = re.compile("[" + "".join(re.escape(c) for c in _FIXER_CHARS) + "]")
# ftfy judges mojibake line by line, and one of its patterns is "Ã" or "Â" then a space
# at the start of a line, which a search over the whole text would not see.
_LINE_START_MOJIBAKE = re.compile("^[ÃÂ] ", re.MULTILINE)


def _fix_text(text: str) -> str:
    """``ftfy.fix_text(text, _FTFY_CONFIG)``, called only where it can change something.

    ftfy costs ~3 ms on a 5 KB article, mostly in Python per line. Clean text, the common
    case, needs only C-speed scans; text whose only fault is not being NFC needs only
    ftfy's last step; otherwise ftfy runs on the lines that need it. The result is the
    same as calling ftfy on the whole text (the tests check that).
    """
    if not _needs_ftfy(text):
        if unicodedata.is_normalized("NFC", text):
            return text
        # ftfy's first pass would only normalise; its next pass sees the normalised text.
        text = unicodedata.normalize("NFC", text)
        if not _needs_ftfy(text):
            return text
    if "<" in text or len(text) > _FTFY_CONFIG.max_decode_length:
        # ftfy's lines are not independent then: "<" in one turns off entity decoding
        # for the lines after it, and over-long lines are cut at other places.
        return ftfy.fix_text(text, _FTFY_CONFIG)
    return "".join(_fix_line(line) for line in _lines(text))


def _lines(text: str) -> list[str]:
    """``text`` cut after each newline, as ftfy cuts it into the segments it fixes."""
    lines = [line + "\n" for line in text.split("\n")]
    lines[-1] = lines[-1][:-1]
    return lines if lines[-1] else lines[:-1]


def _fix_line(line: str) -> str:
    """One segment as ftfy fixes it, or as it is when ftfy would leave it alone."""
    if _needs_ftfy(line) or not unicodedata.is_normalized("NFC", line):
        return ftfy.fix_text(line, _FTFY_CONFIG)
    return line


def _needs_ftfy(text: str) -> bool:
    """True when one of ftfy's fixers besides NFC may act: mojibake (ftfy's own ``is_bad``),
    an HTML entity, or a character its other fixers change."""
    if _FIXER_TRIGGER.search(text) or ("&" in text and HTML_ENTITY_RE.search(text)):
        return True
    if text.isascii():
        return False
    if is_bad(text):
        return True
    # The MULTILINE scan tries every position; the substrings it needs are found at C speed.
    return ("Ã " in text or "Â " in text) and _LINE_START_MOJIBAKE.search(text) is not None
