"""Text repair: mojibake and entities (ftfy), NFC, line breaks, invisible characters.

Typography is content: curly quotes, dashes and ellipses stay as the author wrote them.
"""

import ftfy

# ftfy's defaults, but quotes keep their curls; NFC (not NFKC) keeps ligature-free text
# exactly as written while still composing "e" + combining acute into "é".
_FTFY_CONFIG = ftfy.TextFixerConfig(uncurl_quotes=False, normalization="NFC")

# Invisible characters that only break words and tokenisers: zero-width space, word
# joiner, byte-order mark, soft hyphen. ZWJ and ZWNJ are kept: they spell Persian,
# Indic scripts and emoji sequences.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u2060\ufeff\u00ad"), None)
# No-break and figure spaces become plain spaces: downstream tokenisers expect them.
_SPACES = dict.fromkeys(map(ord, "\u00a0\u202f\u2007"), " ")
_TRANSLATION = {**_INVISIBLE, **_SPACES}
_MAX_PASSES = 4  # a fixed point comes after one pass for real text, two for contrived input


def repair_text(text: str) -> str:
    """Return ``text`` with mojibake, entities, line breaks and invisible characters fixed.

    Idempotent: dropping an invisible character can bring two halves of a mojibake
    sequence together, so ftfy runs again (rarely) until nothing changes.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    for _ in range(_MAX_PASSES):
        if _needs_ftfy(text):
            text = ftfy.fix_text(text, _FTFY_CONFIG)
        cleaned = text.translate(_TRANSLATION)
        if cleaned == text:
            return cleaned
        text = cleaned
    return text


def _needs_ftfy(text: str) -> bool:
    """Cheap test: pure ASCII with no entity or escape has nothing for ftfy to fix."""
    return not text.isascii() or "&" in text or "\x1b" in text
