"""Boilerplate stripping against data cases: what must go (with its rule) and what must stay."""

import json
import tomllib
from importlib import resources
from pathlib import Path

import pytest

from cleanpipe.boilerplate import HEAD_HEADLINE, MACHINE_TEXT, REPEATED_BLOCK, TITLE_REPEAT, strip_boilerplate
from cleanpipe.config import Config
from cleanpipe.document import Document
from cleanpipe.pipeline import lexicon_for
from cleanpipe.rules import LEXICON_RULE, load_rules

from conftest import TESTS

CASE_FILES = sorted((TESTS / "cases").glob("boilerplate_*.json"))
CASES = [
    dict(case, language=path.stem.removeprefix("boilerplate_"))
    for path in CASE_FILES
    for case in json.loads(path.read_text("utf-8"))
]


def test_every_shipped_language_has_a_case_file():
    assert {p.stem.removeprefix("boilerplate_") for p in CASE_FILES} >= set(Config().languages)


def strip(paragraphs, title=None, config=Config(), url=None):
    doc = Document("t", "text", title=title, url=url, paragraphs=list(paragraphs))
    return strip_boilerplate(doc, load_rules(config.languages), config.head_window, config.tail_window,
                             lexicon=lexicon_for(config))


@pytest.mark.parametrize("case", CASES, ids=[f"{c['language']}: {c['name']}" for c in CASES])
def test_case(case):
    """A case names the rules of its own language's pack; with every pack loaded (the
    default) the same text must go and the same must stay: no pack may hit another's prose.
    ``kept`` lists the paragraphs left when a fragment is cut; by default, the body minus
    the removed paragraphs."""
    doc = strip(case["body"], config=Config(languages=(case["language"],)))
    removed = [[r["rule"], r["text"]] for r in doc.removed]
    assert removed == case["removed"]
    expected_kept = case["kept"] if "kept" in case else [
        p for p in case["body"] if p not in {text for _, text in case["removed"]}]
    assert doc.paragraphs == expected_kept
    assert strip(case["body"]).paragraphs == expected_kept


STRUCTURE_CASES = json.loads((TESTS / "cases" / "structure.json").read_text("utf-8"))


@pytest.mark.parametrize("case", STRUCTURE_CASES, ids=[c["name"] for c in STRUCTURE_CASES])
def test_structure_case(case):
    """Built-in checks by position and shape: what goes (with its rule) and what stays."""
    doc = Document("t", "text", title=case["title"], from_html=case.get("from_html", False), paragraphs=list(case["body"]))
    doc = strip_boilerplate(doc, load_rules(Config().languages), Config().head_window, Config().tail_window,
                            lexicon=lexicon_for(Config()))
    assert [[r["rule"], r["text"]] for r in doc.removed] == case["removed"]
    expected_kept = case["kept"] if "kept" in case else [
        p for p in case["body"] if p not in {text for _, text in case["removed"]}]
    assert doc.paragraphs == expected_kept


def test_head_headlines_go_only_from_text_scrapes_with_a_title():
    body = STRUCTURE_CASES[0]["body"]
    assert strip(body, title="Storm batters coast").removed[0]["rule"] == HEAD_HEADLINE
    assert strip(body, title=None).removed == []  # no title: the first line may be the headline itself
    html = Document("t", "text", from_html=True, title="Storm batters coast", paragraphs=list(body))
    assert strip_boilerplate(html, load_rules(Config().languages), 4, 3).removed == []


def test_removal_records_the_original_paragraph_index():
    doc = strip(["Story.", "READ MORE: Something else happened today", "More.", "Source: Read Full Article"])
    assert [(r["rule"].split(".")[-1], r["para"]) for r in doc.removed] == [
        ("read-more-teaser", 1), ("source-read-full-article", 3)]


def test_head_rules_fire_only_in_the_head_window():
    line = "Vladimir Putin is 'cold, brutal and ruthless' says Andrew Pierce"
    assert strip(["a.", "b.", line, "c."], config=Config(head_window=2)).removed == []
    assert len(strip(["a.", "b.", line, "c."], config=Config(head_window=3)).removed) == 1


def test_first_paragraph_repeating_the_title_is_removed():
    doc = strip(["Harbour Bridge To Close", "Story."], title="Harbour bridge to close")
    assert doc.paragraphs == ["Story."]
    assert doc.removed == [{"rule": TITLE_REPEAT, "text": "Harbour Bridge To Close", "para": 0}]


@pytest.mark.parametrize("title, heading", [
    ("Star Wars Jedi: Fallen Order review - shoots for the moon - VG247", "Star Wars Jedi: Fallen Order review – shoots for the moon"),
    ("Opinion | Is Football Violence a Crime?", "Is Football Violence a Crime?"),
    ('Remake de "I Cavalieri dello Zodiaco" per Netflix | Remember 80/90', "Remake de “I Cavalieri dello Zodiaco” per Netflix"),
])
def test_first_paragraph_repeating_the_title_without_its_site_name_is_removed(title, heading):
    doc = strip([heading, "Story."], title=title)
    assert doc.paragraphs == ["Story."]
    assert doc.removed[0]["rule"] == TITLE_REPEAT


def test_title_parts_too_short_to_be_a_headline_are_not_a_repeat():
    # "Review | 16-inch MacBook Pro": "Review" alone is a section label, not the headline.
    assert strip(["Review", "Story."], title="Review | 16-inch MacBook Pro").paragraphs == ["Review", "Story."]


def test_a_first_paragraph_that_goes_on_past_the_title_stays():
    body = ["Harbour bridge to close for a month while engineers repair the deck.", "Story."]
    assert strip(body, title="Harbour bridge to close | Example News").paragraphs == body


def test_title_repeat_only_at_the_top():
    # Under a standfirst or a kicker (two kept paragraphs at most) the headline still goes; lower it is the story's.
    title = "Harbour bridge to close"
    assert [r["para"] for r in strip(["Lead.", "Kicker", title, "Story."], title=title).removed] == [2]
    assert strip(["Story one.", "Story two.", "Story three.", title], title=title).removed == []


def test_title_repeat_is_the_first_paragraph_left_after_removals():
    doc = strip(["https://news.example.com/2019/harbour-bridge-to-close", "Harbour Bridge To Close", "Story."],
                title="Harbour bridge to close", url="https://news.example.com/2019/harbour-bridge-to-close/")
    assert doc.paragraphs == ["Story."]
    assert [(r["rule"], r["para"]) for r in doc.removed] == [(MACHINE_TEXT, 0), (TITLE_REPEAT, 1)]


@pytest.mark.parametrize("line", [
    "2019-11-19T08:57:40+01:00",
    "2024-03-01T12:00Z",
    "https://static.example.com/image/5dd3a081-500-250/story.jpg",
    "https://www.example.com/assets/images/logos/og-image-logo.png?w=1200",
    "http://example.com/news/harbour-bridge-to-close",  # the page's own URL, another spelling
])
def test_metadata_alone_on_a_line_is_removed(line):
    doc = strip(["Story.", line, "More story."], url="https://www.example.com/news/harbour-bridge-to-close")
    assert doc.paragraphs == ["Story.", "More story."]
    assert doc.removed == [{"rule": MACHINE_TEXT, "text": line, "para": 1}]


@pytest.mark.parametrize("line", [
    "The ruling, dated 2019-11-19T08:57:40+01:00 in the court record, was published on Tuesday.",
    "https://www.example.com/news/another-story",  # a link to another page: may be a cited source
    "http://amzn.to/2iJFhRj",
    "www.example.com",  # the site's own home page in a press release footer
    "See the chart at https://static.example.com/chart.png for the full figures.",
])
def test_dates_and_links_in_prose_or_to_other_pages_stay(line):
    body = ["Story.", line, "More story."]
    assert strip(body, url="https://www.example.com/news/harbour-bridge-to-close").paragraphs == body
    assert strip(body, url="https://www.example.com/").paragraphs == body


def test_tail_rules_see_the_tail_that_survives_stripping():
    note = "This article originally appeared on The Conversation."
    body = ["Story one.", "Story two.", "Story three.", note, "Share this article", "Advertisement", "Comments", "Follow us on Twitter"]
    doc = strip(body, config=Config(tail_window=3))
    assert doc.paragraphs == ["Story one.", "Story two.", "Story three."]
    assert [r["para"] for r in doc.removed] == [3, 4, 5, 6, 7]  # document order
    assert doc.removed[0] == {"rule": "en.aggregator.originally-appeared", "text": note, "para": 3}


def test_tail_sweep_stops_at_content():
    note = "This article originally appeared on The Conversation."
    body = [note, "Story one.", "Story two.", "Story three.", "Share this article"]
    # The tail rule's window, alone: the lexicon check takes the note anywhere.
    assert note in strip(body, config=Config(tail_window=3, lexicon_check=False)).paragraphs
    assert note not in strip(body, config=Config(tail_window=3)).paragraphs


STORY = [
    "The council voted on Tuesday night to close the harbour bridge for a month of repairs.",
    "Engineers found cracks in the deck during a routine inspection earlier this autumn.",
    "Ferries will run every twenty minutes while the bridge is shut, the council said.",
]


def test_every_later_copy_of_a_repeated_story_goes_and_is_recorded_where_it_was():
    doc = strip(["Story below.", *STORY, "Harbour news", *STORY, "Harbour bridge", *STORY])
    assert doc.paragraphs == ["Story below.", *STORY, "Harbour news", "Harbour bridge"]
    assert [(r["rule"], r["para"]) for r in doc.removed] == [(REPEATED_BLOCK, i) for i in (5, 6, 7, 9, 10, 11)]


def test_a_copy_that_differs_in_one_paragraph_is_cut_only_where_it_repeats():
    changed = [STORY[0], "Engineers found cracks in the deck during an inspection this autumn.", STORY[2]]
    assert strip([*STORY, *changed]).paragraphs == [*STORY, *changed]


def test_every_shipped_rule_is_exercised_by_a_case():
    """A rule that no case fires can stop matching unnoticed (a typo in its pattern or literals)."""
    fired = {rule for case in CASES for rule, _ in case["removed"]}
    assert sorted(rule.id for rule in load_rules(Config().languages) if rule.id not in fired) == []


def test_every_shipped_lexicon_is_exercised_by_a_case():
    """A vocabulary that no case fires can stop taking chrome unnoticed (a word dropped or
    misspelt, a family renamed): every pack with ``[lexicon] words`` needs a case whose
    removal is its ``<lang>.<family>.lexicon``."""
    shipped = set()
    for path in sorted(Path(str(resources.files("cleanpipe") / "rules")).glob("*/*.toml")):
        pack = tomllib.loads(path.read_text("utf-8"))
        if pack.get("lexicon", {}).get("words"):
            shipped.add(f"{path.parent.name}.{pack.get('family', path.stem)}.{LEXICON_RULE}")
    assert shipped  # the packs were found
    fired = {rule for case in CASES for rule, _ in case["removed"]}
    assert sorted(shipped - fired) == []


def test_strip_removes_lexicon_lines_and_a_glued_chrome_tail_recording_the_rule(lexicon):
    story = "The harbour bridge will close for a month while engineers repair its deck."
    doc = Document("t", "text", paragraphs=[story + " Share on Facebook Twitter", "Subscribe to our newsletter"])
    doc = strip_boilerplate(doc, (), 4, 3, lexicon=lexicon)
    assert doc.paragraphs == [story]
    assert doc.removed == [{"rule": "xx.share.lexicon", "text": "Share on Facebook Twitter", "para": 0},
                           {"rule": "xx.consent.lexicon", "text": "Subscribe to our newsletter", "para": 1}]


def test_a_glued_last_sentence_ending_like_a_sentence_stays(lexicon):
    body = ["The harbour bridge will close for a month. Subscribe to our newsletter."]
    assert strip_boilerplate(Document("t", "text", paragraphs=list(body)), (), 4, 3, lexicon=lexicon).paragraphs == body


def test_the_remnant_of_a_chrome_line_a_fragment_rule_cut_goes_with_the_lexicon_rule(lexicon):
    doc = Document("t", "text", paragraphs=["Story.", "© 2024 Harbour Herald, with rights reserved"])
    doc = strip_boilerplate(doc, load_rules(("en",)), 4, 3, lexicon=lexicon)
    assert doc.paragraphs == ["Story."]
    assert [r["rule"] for r in doc.removed] == ["en.credit.copyright-credit", "xx.consent.lexicon"]


@pytest.mark.parametrize("paragraph, kept, cut", [
    ("Many medics work two jobs. Czytaj bez ograniczeń – wykup prenumeratę cyfrową Średnia wieku w stacji przekracza już pięćdziesiąt lat.",
     "Many medics work two jobs. Średnia wieku w stacji przekracza już pięćdziesiąt lat.",
     "Czytaj bez ograniczeń – wykup prenumeratę cyfrową"),
])
def test_chrome_glued_onto_a_sentence_goes_with_the_lexicon_rule(paragraph, kept, cut):
    doc = strip([paragraph])
    assert doc.paragraphs == [kept]
    assert [r["text"] for r in doc.removed] == [cut] and doc.removed[0]["rule"].endswith(".lexicon")


@pytest.mark.parametrize("paragraph, kept, rule", [
    ("The council will set up a jobs fair within a fortnight. This article originally appeared on The Ledger Post.",
     "The council will set up a jobs fair within a fortnight.", "en.aggregator.originally-appeared"),
    ("Les Services aux étudiants versent déjà 15 000 $ par année au projet. Cet article a d'abord été publié dans notre"
     " édition papier du 14 mars.", "Les Services aux étudiants versent déjà 15 000 $ par année au projet.",
     "fr.aggregator.originally-appeared"),
])
def test_a_tail_rules_line_glued_after_the_last_sentence_goes_under_its_rule(paragraph, kept, rule):
    doc = strip(["The jobs fair will be held at the town hall on the first Monday of next month.", paragraph])
    assert doc.paragraphs[1:] == [kept]
    assert [(r["rule"], r["text"]) for r in doc.removed] == [(rule, paragraph[len(kept) + 1:])]


@pytest.mark.parametrize("paragraph, kept, cut", [
    ("Read more: Ambulance service declares critical incident as calls surge Campaigners said the figures proved the need"
     " for a new urgent treatment centre in the north of the county, a project that was promised four years ago.",
     "Campaigners said the figures proved the need for a new urgent treatment centre in the north of the county, a"
     " project that was promised four years ago.", "Read more: Ambulance service declares critical incident as calls surge"),
    ("Los alojamientos esperan más reservas. Te puede interesar: Villarrasa recupera su antiguo lavadero como museo Rosa"
     " María de Arriba, dueña de una casa rural, ya nota más llamadas de grupos.",
     "Los alojamientos esperan más reservas. Rosa María de Arriba, dueña de una casa rural, ya nota más llamadas de grupos.",
     "Te puede interesar: Villarrasa recupera su antiguo lavadero como museo"),
    # the lost break's seam: a lower-case word run into a capitalised one, or into an opening quote
    ("Волонтёры выгуливают собак. Читайте также: В Крутояре откроют площадку для выгула собакЗа прошлый год новый дом"
     " нашли 312 животных.", "Волонтёры выгуливают собак. За прошлый год новый дом нашли 312 животных.",
     "Читайте также: В Крутояре откроют площадку для выгула собак"),
    ("Kupcy mówią o spadku obrotów. Czytaj także: Nowe parkingi przy dworcu autobusowym„Klienci nie mają jak dojść”"
     " – mówi Halina Sobczak, właścicielka kwiaciarni.",
     "Kupcy mówią o spadku obrotów. „Klienci nie mają jak dojść” – mówi Halina Sobczak, właścicielka kwiaciarni.",
     "Czytaj także: Nowe parkingi przy dworcu autobusowym"),
    # a function word after an opening quote opens someone's words: the story resumes on the speaker
    ("Shops fear the closure. READ MORE: Harrowgate market to move indoors for winter Margaret Lowe, who runs a bakery,"
     ' said: "We only just recovered from the roadworks."',
     'Shops fear the closure. Margaret Lowe, who runs a bakery, said: "We only just recovered from the roadworks."',
     "READ MORE: Harrowgate market to move indoors for winter"),
    ("La fête aura lieu samedi. À lire aussi : Stationnement, la zone bleue étendue au centre-ville « Nous avons prévu"
     " deux agents de sécurité », précise sa présidente.",
     "La fête aura lieu samedi. « Nous avons prévu deux agents de sécurité », précise sa présidente.",
     "À lire aussi : Stationnement, la zone bleue étendue au centre-ville"),
    # a teaser's whole line, label and colon, with the story run on at a seam
    ("À voir aussi : Nos conseils pour une rentrée sans stressLes kits seront distribués le jour de la rentrée, dans"
     " chaque classe.", "Les kits seront distribués le jour de la rentrée, dans chaque classe.",
     "À voir aussi : Nos conseils pour une rentrée sans stress"),
    # an opening quote inside the story's sentence: the break before it wins
    ("Le service fermera la nuit. À lire aussi : Hôpital de Sorlac, les urgences fermées la nuit en août Le maire,"
     " Didier Fauvel, a dénoncé « une décision prise dans un bureau parisien ».",
     "Le service fermera la nuit. Le maire, Didier Fauvel, a dénoncé « une décision prise dans un bureau parisien ».",
     "À lire aussi : Hôpital de Sorlac, les urgences fermées la nuit en août"),
])
def test_a_teaser_with_the_story_run_on_goes_under_its_teaser_rule_and_the_story_stays(paragraph, kept, cut):
    doc = strip([paragraph])
    assert doc.paragraphs == [kept]
    assert [r["text"] for r in doc.removed] == [cut] and ".aggregator." in doc.removed[0]["rule"]


@pytest.mark.parametrize("paragraph", [
    "Die Klinik ist voll. Mehr zum Thema: „Wir sind am Limit“, sagte die Sprecherin der Klinik am Montag.",
    # no seam, no function word after a lower-case word: "Parken" may as well be the headline's
    "Die Gebühren steigen. Auch interessant: Neue Ladesäulen am Bahnhof Parken in der Altstadt wird ab September teurer.",
])
def test_a_teaser_label_before_speech_or_no_clear_break_cuts_nothing_of_the_story(paragraph):
    doc = strip(["Der Stadtrat hat am Donnerstag mit 14 zu 9 Stimmen beschlossen, die Gebühren zu verdoppeln.", paragraph])
    assert doc.paragraphs[1:] == [paragraph] and doc.removed == []


@pytest.mark.parametrize("paragraph", [
    "Lesen Sie den ganzen Artikel bei unserem Partnerportal nach, empfahl der Sprecher den Anwohnern.",
    "Bild: So lautete die Überschrift des Boulevardblatts am nächsten Morgen, als die Fans das späte Tor feierten.",
    "Read more about Facebook's plans to open an office in the town next year in our business pages.",
    "The minister said the talks would resume on Monday. He read the article.",  # two chrome words: a sentence may have them
    # Statements about chrome: they open on their subject, or have a verb of their own among three chrome words.
    "She posted the video on Facebook and TikTok.",
    "The app sends push alerts to subscribers.",
    "The photographer supplied the pictures.",
    "Le photographe a publié ses photos sur Instagram.",
    "El vídeo se difundió en Facebook y TikTok.",
    "La aplicación es gratuita.",
    "Видео разошлось по Telegram и ВКонтакте.",
    "Film trafił na Facebooka i TikToka.",
    "The Stadia Controller Is Only Necessary For Playing On A TV, But It's Very Comfortable",  # title case: no names
    "The full article was republished by partner sites.",  # "was" is a German function word too: not counted as one
])
def test_sentences_opening_or_ending_with_chrome_words_stay(paragraph):
    assert strip([paragraph]).paragraphs == [paragraph]
