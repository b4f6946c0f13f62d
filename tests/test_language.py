import pytest

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
