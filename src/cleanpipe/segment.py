"""Plain text to title and paragraphs, and paragraphs to sentences."""

import re

from cleanpipe.document import Document

_SPACE_RUN = re.compile(r"[ \t\v\f]+")
# What _SPACE_RUN changes: runs of two or more, and single tabs, VTs and FFs. A single
# space stays as it is, so matching it (once per word) would only cost time.
_SPACE_RUN_TO_FOLD = re.compile(r"[ \t\v\f]{2,}|[\t\v\f]")


def split_paragraphs(doc: Document) -> Document:
    """Split ``doc.text`` into paragraphs, one per non-empty line, whitespace folded.

    A plain-text scrape (``title_in_text``) gives its first non-empty line to the title.
    """
    # One pass over the whole text: the pattern never spans a newline, so this is _fold
    # line by line, at a fraction of the calls.
    text = doc.text
    if "  " in text or "\t" in text or "\v" in text or "\f" in text:  # substring scans are C-speed, the regex is not
        text = _SPACE_RUN_TO_FOLD.sub(" ", text)
    paragraphs = [line.strip() for line in text.split("\n")]
    paragraphs = [p for p in paragraphs if p]
    if doc.title_in_text and paragraphs:
        doc.title = paragraphs.pop(0)
    elif doc.title is not None:
        doc.title = _fold(doc.title.replace("\n", " ")) or None
    doc.paragraphs = paragraphs
    doc.text = ""
    return doc


def _fold(line: str) -> str:
    """Collapse runs of horizontal whitespace and strip the ends."""
    return _SPACE_RUN.sub(" ", line).strip()


# --- sentences, for the checks that look inside a paragraph -----------------------------

# Where a sentence may start inside a paragraph: after a sentence end, with or without the
# space a scrape loses when it glues a caption on ("...getragen.Foto: dpa").
# A quote or bracket counts only after a full stop: an opening quote ends nothing.
SENTENCE_BREAK = re.compile(r"(?:(?<=[.!?…])|(?<=[.!?…][»”\"'’)]))(?:\s+(?=\S)|(?=[^\W\d_]|©))")
QUOTES = frozenset('"„“”«»‚‘’')  # quotation marks: text holding one is someone's words
PROSE_END = (".", "!", "?", "…", ".”", '."', ".’", "!”", "?”", ".»")  # how a sentence of prose ends
SENTENCE_ENDS = (".", "!", "?", "…", '"', "”", "»", "“", "’", "'", ")",  # how any sentence may end, a quote's too
                 "。", "！", "？", "」", "』")  # and in Chinese and Japanese
# A label may end in a full stop when it is one word in capitals or an abbreviation:
# "VIDÉO. Les flammes visibles ...", "Fot. Marek Zawadzki".
DOTTED_LABEL = re.compile(r"(?:[^\W\d_a-z]{2,}|[^\W\d_]{2,4})\. ?")


# Scripts written without spaces between words (Chinese, Japanese, Thai, Lao, Burmese, Khmer):
# counting spaces sees one word in a paragraph of them. Two of their characters count as a word
# (a Chinese or Japanese word averages under two; a Thai one more, so its count errs high: a
# check that wants enough words then keeps the text).
_CJK_RANGES = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # kana and CJK ideographs
_UNSPACED = re.compile(f"[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff{_CJK_RANGES}]")
_CHARS_PER_UNSPACED_WORD = 2


def word_count(text: str) -> int:
    """Words in ``text``: space-separated ones, and two characters of a script without spaces as one."""
    words = text.count(" ") + 1
    if text.isascii():
        return words
    return words + len(_UNSPACED.findall(text)) // _CHARS_PER_UNSPACED_WORD


# A Chinese or Japanese character says about what three letters of a spaced script do (a word
# averages under two of them, an English word five letters and a space): a length threshold
# set in letters counts each of them three times, so a three-sentence brief of 90 characters
# is as long as an English one of 270.
_CJK = re.compile(f"[{_CJK_RANGES}]")
CJK_CHAR_WEIGHT = 3


def weighted_length(paragraphs: list[str]) -> int:
    """The paragraphs' characters, a Chinese or Japanese one counting as :data:`CJK_CHAR_WEIGHT`."""
    return sum(len(p) + (0 if p.isascii() else (CJK_CHAR_WEIGHT - 1) * len(_CJK.findall(p))) for p in paragraphs)


def starts_sentence(text: str) -> bool:
    """Whether ``text`` opens like a sentence: a capital, a digit, a quote, a ©, a bracket or Spanish ¿ ¡."""
    return text[:1].isupper() or text[:1].isdigit() or text[:1] in "\"'„“«(©¿¡"


_ABBREVIATIONS = frozenset({"mr", "mrs", "ms", "dr", "prof", "st", "vs", "no", "nr", "bzw", "z.b", "usw", "etc", "ca",
                            "sr", "jr", "gen", "sen", "rep", "gov", "lt", "col", "sgt", "inc", "ltd", "co", "ul", "św",
                            "ks", "im", "др", "ст", "им", "г", "ул", "вул", "пр", "т.е", "т.д"})


def sentence_starts(paragraph: str, merge_labels: bool = True, merge_abbreviations: bool | None = None) -> list[int]:
    """Where each sentence of the paragraph starts (the first at 0).

    With ``merge_labels``, an abbreviation ("Dr.", "bzw.") ends no sentence and a label such
    as "Fot." or "VIDÉO." starts none after it; without, every full stop before a capital does.
    ``merge_abbreviations`` (default: as ``merge_labels``) sets the abbreviations' part alone.
    """
    merge_abbreviations = merge_labels if merge_abbreviations is None else merge_abbreviations
    starts = [0]
    for m in SENTENCE_BREAK.finditer(paragraph):
        # one character, not the rest of the paragraph: that copy cost more than the check
        if m.end() < len(paragraph) and starts_sentence(paragraph[m.end()]) and (
                m.start() < m.end() or paragraph[m.end()].isupper() or paragraph[m.end()] == "©"):
            if merge_abbreviations:
                before = paragraph[starts[-1]:m.start()].rsplit(None, 1)  # the last word, found from the end
                if before and before[-1].rstrip(".").casefold() in _ABBREVIATIONS:
                    continue  # "bzw. Copyright", "Dr. Weber": no sentence ends there
            if not merge_labels:
                starts.append(m.end())
                continue
            if not DOTTED_LABEL.fullmatch(paragraph[starts[-1]:m.end()].strip()):
                starts.append(m.end())
    return starts


# A byline names who wrote the story ("By Jane Smith, News Editor", "Escrito por Lucía
# Benavente", "Автор: Ірина Гнатюк"): gold sets keep it, so no check that takes short or
# repeated lines may take it. One with an e-mail address is a contact line, not this.
BYLINE_OPENINGS = frozenset({"by", "von", "par", "por", "di", "door", "przez", "od", "автор", "від"})
BYLINE_TWO_WORD_OPENINGS = frozenset({("written", "by"), ("escrito", "por"), ("texto", "de"), ("texte", "de"),
                                      ("testo", "di"), ("geschrieben", "von"), ("geschreven", "door")})
_BYLINE_MAX_WORDS = 10


def is_byline(paragraph: str) -> bool:
    """A short line opening on "By", "Von", "Escrito por", "Автор:" ... and a capitalised name."""
    words = paragraph.split()
    if not 2 <= len(words) <= _BYLINE_MAX_WORDS or "@" in paragraph:
        return False
    first = words[0].rstrip(":").casefold()
    if first in BYLINE_OPENINGS:
        name = words[1]
    elif len(words) >= 3 and (first, words[1].rstrip(":").casefold()) in BYLINE_TWO_WORD_OPENINGS:
        name = words[2]
    else:
        return False
    return name[:1].isupper()
