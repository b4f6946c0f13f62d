"""Language detection with langdetect, seeded so the same text always gets the same answer."""

import threading

from langdetect import detector_factory
from langdetect.lang_detect_exception import LangDetectException

from cleanpipe.document import Document

UNDETERMINED = "und"  # ISO 639-2 code for "no language could be told"


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


def detect_language(text: str, seed: int = 0, max_chars: int = 1000) -> tuple[str, float]:
    """Return (ISO 639-1 code, probability) for ``text``, or ("und", 0.0).

    Args:
        text: the text to classify.
        seed: langdetect's random seed; the same seed gives the same answer.
        max_chars: only this many leading characters are read (cost grows with length).
    """
    detector = _factory().create()
    detector.seed = seed  # per detector: the shared factory is never mutated
    detector.append(text[:max_chars])
    try:
        best = detector.get_probabilities()[0]
    except (LangDetectException, IndexError):
        return UNDETERMINED, 0.0
    return best.lang, round(best.prob, 4)


def set_language(doc: Document, seed: int = 0, max_chars: int = 1000) -> Document:
    """Stage: fill ``doc.language`` and ``doc.language_score`` from title and body."""
    text = "\n".join(([doc.title] if doc.title else []) + doc.paragraphs)
    doc.language, doc.language_score = detect_language(text, seed, max_chars)
    return doc
