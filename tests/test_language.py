import pytest
from langdetect.lang_detect_exception import LangDetectException

from cleanpipe.document import Document
from cleanpipe.language import UNDETERMINED, detect_language, set_language

SAMPLES = {
    "en": "The council said the work could not wait until the autumn because a further failure would leave the bridge jammed.",
    "de": "Der Pegel des Rheins bei Köln ist in der Nacht auf Donnerstag weiter gestiegen und hat die Marke überschritten.",
    "fr": "Le gouvernement a annoncé mardi une nouvelle réforme des retraites, qui sera présentée au Parlement en juin.",
    "es": "El Gobierno anunció el martes una nueva reforma de las pensiones que se presentará al Congreso en junio.",
    "ru": "Правительство во вторник объявило о новой пенсионной реформе, которая будет представлена парламенту в июне.",
    "uk": "Уряд у вівторок оголосив про нову пенсійну реформу, яку представлять парламенту в червні цього року.",
    "pl": "Rząd ogłosił we wtorek nową reformę emerytalną, która zostanie przedstawiona parlamentowi w czerwcu.",
}


@pytest.mark.parametrize("language, text", sorted(SAMPLES.items()))
def test_detects_language(language, text):
    code, score = detect_language(text)
    assert code == language
    assert 0.5 < score <= 1.0


def test_same_seed_same_answer_even_on_ambiguous_text():
    text = "Ok no si sa la"  # short and ambiguous: sampling decides
    assert len({detect_language(text, seed=0) for _ in range(5)}) == 1


def test_undetermined_when_no_letters():
    assert detect_language("12 345 !!! 67") == (UNDETERMINED, 0.0)


def test_stage_reads_title_and_body():
    doc = Document("a", "text", title="Hochwasser am Rhein", paragraphs=[SAMPLES["de"]])
    set_language(doc)
    assert doc.language == "de" and doc.language_score > 0.9


def test_concurrent_first_use_sees_fully_loaded_profiles(monkeypatch):
    """Prefect runs batches in threads: a half-loaded profile set once answered "af"."""
    from concurrent.futures import ThreadPoolExecutor

    from cleanpipe import language

    monkeypatch.setattr(language, "_loaded", None)
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda _: detect_language(SAMPLES["en"])[0], range(8)))
    assert answers == ["en"] * 8


# --- the fast detector computes what langdetect computes --------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from langdetect.detector import Detector  # noqa: E402

from cleanpipe.language import _Detector, _factory, extract_ngrams  # noqa: E402

HARD = [
    "NATO and the EU: ABC News reports, USA TODAY; the UN's WHO said OK.",  # runs of capitals
    "See https://example.com/a?b=c and mail me at someone@example.org   now   please.",  # URLs, e-mail, spaces
    "政府は火曜日に新しい年金改革を発表した。カタカナ、ひらがな。",  # CJK and kana
    "한국 정부는 화요일 새로운 연금 개혁을 발표했다.",
    "Tiếng Việt có dấu: Nguyễn Thị Minh Khai, thành phố Hồ Chí Minh.",
    "Mixed Latin and Русский текст, mostly Russian: правительство объявило о реформе.",
    "Ein    Text\tmit\nZeilen  und   Ziffern 123 456, Ä Ö Ü ß; ÉCOLE École.",
    "a", " ", "A B C D", "ŞȘ ţț",
    # Latin letters at, just under and over half the other-script characters; Vietnamese
    # letters (Latin Extended Additional) are not another script
    "ЖЖЖЖ ab", "ЖЖЖЖЖ ab", "ЖЖЖЖЖЖ ab", "ễễễễễễ ab", "“ЖЖЖЖ” ab",
]


def _reference(text, seed=0, trials=7):
    detector = Detector(_factory())
    detector.seed, detector.n_trial = seed, trials
    detector.append(text)
    return detector


def _pairs(languages):
    return [(language.lang, language.prob) for language in languages]


def _fast(text, seed=0, trials=7):
    detector = _Detector(_factory())
    detector.seed, detector.n_trial = seed, trials
    detector.append(text)
    return detector


@pytest.mark.parametrize("text", HARD + sorted(SAMPLES.values()))
def test_text_and_ngrams_are_langdetects(text):
    reference, fast = _reference(text), _fast(text)
    assert fast.text == reference.text
    reference.cleaning_text(), fast.cleaning_text()
    assert fast.text == reference.text
    assert extract_ngrams(fast.text, fast.word_lang_prob_map) == reference._extract_ngrams()


@pytest.mark.parametrize("trials", [1, 3, 7])
@pytest.mark.parametrize("text", HARD + sorted(SAMPLES.values()))
def test_probabilities_are_langdetects_bit_for_bit(text, trials):
    _assert_same_as_langdetect(_reference(text, seed=3, trials=trials), _fast(text, seed=3, trials=trials))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("abcdefghij ABCDEF áéíöü ÄÖÜ ßçñ ễạ жлд ЖЛД 日本 カタ .,-'@\n"), max_size=80))
def test_probabilities_are_langdetects_on_random_text(text):
    _assert_same_as_langdetect(_reference(text, trials=2), _fast(text, trials=2))


def _assert_same_as_langdetect(reference, fast):
    """Same probabilities (or the same refusal) from langdetect's detector and ours."""
    try:
        expected = _pairs(reference.get_probabilities())
    except LangDetectException:
        with pytest.raises(LangDetectException):
            fast.get_probabilities()
        return
    assert _pairs(fast.get_probabilities()) == expected
    assert fast.langprob == reference.langprob


def test_trials_and_max_chars_are_used():
    text = SAMPLES["de"] * 20
    assert detect_language(text, trials=1)[0] == detect_language(text, trials=5)[0] == "de"
    # one trial converges to one language; several average, so the score can only be lower
    assert detect_language(text, trials=1)[1] >= detect_language(text, trials=5)[1]
    english_then_german = SAMPLES["en"] * 5 + " " + SAMPLES["de"] * 50
    assert detect_language(english_then_german, max_chars=500)[0] == "en"
    assert detect_language(english_then_german, max_chars=6000)[0] == "de"
