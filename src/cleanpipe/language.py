"""Language detection with langdetect, seeded so the same text always gets the same answer.

langdetect's answers, probabilities included, are kept bit for bit, but its time goes to
Python loops over every character (cleaning, n-grams) and over its 55 languages for every
sampled n-gram. :class:`_Detector` does the same arithmetic in the same order with
``str.translate``, a per-word cache and numpy arrays, several times faster; the tests
compare it with langdetect's own detector on every kind of text.
"""

import functools
import itertools
import operator
import re
import threading

import numpy as np

from langdetect import detector_factory
from langdetect.detector import Detector
from langdetect.lang_detect_exception import ErrorCode, LangDetectException
from langdetect.utils.ngram import NGram

from cleanpipe.document import Document

UNDETERMINED = "und"  # ISO 639-2 code for "no language could be told"


# Cache sizes bound a worker's memory whatever the corpus size: ~64k words (~20 MB) hold
# most of the words of a dozen languages; ~16k n-gram rows (~9 MB) the frequent n-grams
# of all of them (langdetect's profiles hold 87,598).
WORD_CACHE_SIZE = 1 << 16
ROW_CACHE_SIZE = 1 << 14

_loaded: detector_factory.DetectorFactory | None = None
_loading = threading.Lock()


def _factory() -> detector_factory.DetectorFactory:
    """langdetect's profile set, loaded once per process (~0.5 s, ~60 MB).

    Our own instance, published only once fully loaded: langdetect's global one is visible
    to other threads half-loaded, and a half-loaded profile set answers "af" for English.
    """
    global _loaded
    if _loaded is None:
        with _loading:
            if _loaded is None:
                factory = detector_factory.DetectorFactory()
                factory.load_profile(detector_factory.PROFILES_DIRECTORY)
                _loaded = factory
    return _loaded


class _CharTable(dict):
    """A ``str.translate`` table filled on first sight of each character."""

    def __init__(self, function):
        super().__init__()
        self._function = function

    def __missing__(self, code: int) -> str:
        value = self[code] = self._function(chr(code))
        return value


# langdetect's per-character normalisation (digits and punctuation to spaces, kana and
# hangul to one letter each, ...).
_NORMALIZED = _CharTable(NGram.normalize)


def extract_ngrams(text: str, known: dict) -> list[str]:
    """The n-grams langdetect's ``Detector._extract_ngrams`` finds in ``text``, in its order.

    langdetect slides a window over each space-delimited word padded with a space in front
    (and behind, when a space follows), keeping the 1- to 3-grams it has profiles for
    (``known``), and skipping positions inside a run of capitals ("NATO"), which it treats
    as acronyms. A word's n-grams depend on the word alone, so they are cached.
    """
    normalized = text.translate(_NORMALIZED)
    followed, grams = _word_grams_cache(known)
    words = normalized.split(" ")
    last = words.pop()  # the one word no space follows, if the text does not end in one
    result = list(itertools.chain.from_iterable(map(followed, filter(None, words))))  # the loop in C
    if last:
        result += grams(" " + last)
    return result


_gram_caches: dict[int, tuple[dict, object]] = {}  # id of a profile map -> (the map, its cached function)


def _word_grams_cache(known: dict):
    """The word-to-n-grams functions of one profile set (one per process in practice): the
    cached one for a word a space follows, and the one for any padded word."""
    entry = _gram_caches.get(id(known))
    if entry is None or entry[0] is not known:
        entry = _gram_caches[id(known)] = (known, _word_grams(known))
    return entry[1]


def _word_grams(known: dict):
    """(n-grams of a word a space follows, LRU-cached; n-grams of any padded word) for ``known``."""
    # The profile's own key strings, so cached n-grams share them instead of holding copies.
    canonical = {gram: gram for gram in known if gram != " "}  # langdetect never counts a lone space

    get = canonical.get

    def grams(padded: str) -> tuple[str, ...]:
        if not any(map(str.isupper, padded[2:])):
            # No capital after the first letter, so no acronym to skip: every window counts,
            # in langdetect's order (at each character its 1-, 2- and 3-gram), built in C.
            ones = map(get, padded[1:])
            twos = map(get, map(operator.add, padded, padded[1:]))
            threes = map(get, map(operator.add, map(operator.add, padded, padded[1:]), padded[2:]))
            first = (next(ones), next(twos))  # the second character has no 3-gram yet
            return tuple(filter(None, itertools.chain(first, itertools.chain.from_iterable(zip(ones, twos, threes)))))
        found = []
        capital_word = False
        for stop in range(2, len(padded) + 1):
            char = padded[stop - 1]
            if char.isupper():
                if padded[stop - 2].isupper():
                    capital_word = True
            else:
                capital_word = False
            if capital_word:
                continue
            for size in (1, 2, 3):
                if stop < size:
                    break
                gram = canonical.get(padded[stop - size : stop])
                if gram is not None and gram != " ":
                    found.append(gram)
        return tuple(found)

    @functools.lru_cache(maxsize=WORD_CACHE_SIZE)
    def followed(word: str) -> tuple[str, ...]:
        return grams(" " + word + " ")

    return followed, grams


def _latin_class(ch: str) -> str:
    """langdetect's cleaning count: "L" for A..z, "N" for U+0300 and above, "" for neither.

    langdetect means to leave Latin Extended Additional (Vietnamese letters) out of "N", but
    compares the block's number with its name, so it never does; neither do we.
    """
    if "A" <= ch <= "z":
        return "L"
    return "N" if ch >= "\u0300" else ""


_LATIN_CLASS = _CharTable(_latin_class)
_DROP_A_TO_Z = dict.fromkeys(range(ord("A"), ord("z") + 1))
_NOT_A_TO_Z_BYTES = bytes(b for b in range(128) if not ord("A") <= b <= ord("z"))
_SPACE_RUN = re.compile(" {2,}")


class _Detector(Detector):
    """langdetect's detector, each step rewritten without per-character Python loops."""

    def append(self, text: str) -> None:
        # Each regex runs only when the text holds what every match needs: most news text
        # has no URL, address or Vietnamese tone mark, and the scans cost ~30 us a document.
        if "://" in text:
            text = self.URL_RE.sub(" ", text)
        if "@" in text:
            text = self.MAIL_RE.sub(" ", text)
        if any(mark in text for mark in NGram.DMARK_CLASS):
            text = NGram.normalize_vi(text)
        text = text[: self.max_text_length]
        if "  " in text:
            text = _SPACE_RUN.sub(" ", text)  # langdetect drops a space that follows a space
        self.text += text

    def cleaning_text(self) -> None:
        if self.text.isascii():
            return  # no character of another script: nothing to drop
        # Only characters outside ASCII count as other scripts: when the A..z letters are at
        # least half as many as those, nothing is dropped, and no per-character pass is needed.
        ascii_bytes = self.text.encode("ascii", "ignore")
        if 2 * len(ascii_bytes.translate(None, _NOT_A_TO_Z_BYTES)) >= len(self.text) - len(ascii_bytes):
            return
        classes = self.text.translate(_LATIN_CLASS)
        if classes.count("L") * 2 < classes.count("N"):
            self.text = self.text.translate(_DROP_A_TO_Z)

    def _extract_ngrams(self) -> list[str]:
        return extract_ngrams(self.text, self.word_lang_prob_map)

    def _detect_block(self) -> None:
        self.cleaning_text()
        ngrams = self._extract_ngrams()
        if not ngrams:
            raise LangDetectException(ErrorCode.CantDetectError, "No features in text.")
        rows = _profile_rows(self.word_lang_prob_map)
        self.langprob = [0.0] * len(self.langlist)
        self.random.seed(self.seed)
        # random.choice(ngrams), inlined: the same draws from the same generator
        getrandbits, count = self.random.getrandbits, len(ngrams)
        bits = count.bit_length()
        steps = np.empty((6, len(self.langlist)))  # row 0 the probabilities, then up to 5 factors
        prob = steps[0]
        # langdetect multiplies one n-gram's row at a time and checks convergence after steps
        # 0, 5, 10, ...: the first block is one row, the others five, multiplied at once
        first, rest = (steps[1:2], steps[:2]), (steps[1:6], steps)
        for _ in range(self.n_trial):
            prob[:] = self._init_probability()
            alpha = self.alpha + self.random.gauss(0.0, 1.0) * self.ALPHA_WIDTH
            weight = alpha / self.BASE_FREQ
            i, (factors, window) = 0, first
            while True:
                drawn = []
                for _ in range(len(factors)):
                    pick = getrandbits(bits)
                    while pick >= count:
                        pick = getrandbits(bits)
                    drawn.append(rows(ngrams[pick]))
                factors[:] = drawn
                factors += weight
                # reducing along the first axis multiplies in row order, as the step-by-step
                # loop does, so every product rounds the same way
                prob[:] = np.multiply.reduce(window, axis=0)
                i += len(factors) - 1
                values = prob.tolist()
                total = sum(values)  # Python's sum, as langdetect's: same rounding
                prob /= total
                # division rounds monotonically, so the largest quotient is the largest value's
                if max(values) / total > self.CONV_THRESHOLD or i >= self.ITERATION_LIMIT:
                    break
                i, (factors, window) = i + 1, rest
            for j, p in enumerate(prob.tolist()):
                self.langprob[j] += p / self.n_trial


_row_caches: dict[int, tuple[dict, object]] = {}  # id of a profile map -> (the map, its row function)


def _profile_rows(known: dict):
    """A cached n-gram -> numpy row of per-language probabilities, for one profile set."""
    entry = _row_caches.get(id(known))
    if entry is None or entry[0] is not known:
        rows = functools.lru_cache(maxsize=ROW_CACHE_SIZE)(lambda gram: np.array(known[gram]))
        entry = _row_caches[id(known)] = (known, rows)
    return entry[1]


def detect_language(text: str, seed: int = 0, max_chars: int = 1000, trials: int = 7) -> tuple[str, float]:
    """Return (ISO 639-1 code, probability) for ``text``, or ("und", 0.0).

    Args:
        text: the text to classify.
        seed: langdetect's random seed; the same seed gives the same answer.
        max_chars: only this many leading characters are read (cost grows with length).
        trials: langdetect's sampling rounds, averaged (cost grows with their number).
    """
    detector = _Detector(_factory())
    detector.seed = seed  # per detector: the shared factory is never mutated
    detector.n_trial = trials
    detector.append(text[:max_chars])
    try:
        best = detector.get_probabilities()[0]
    except (LangDetectException, IndexError):
        return UNDETERMINED, 0.0
    return best.lang, round(best.prob, 4)


def set_language(doc: Document, seed: int = 0, max_chars: int = 1000, trials: int = 7) -> Document:
    """Stage: fill ``doc.language`` and ``doc.language_score`` from title and body."""
    text = "\n".join(([doc.title] if doc.title else []) + doc.paragraphs)
    doc.language, doc.language_score = detect_language(text, seed, max_chars, trials)
    return doc
