"""Boilerplate stripping: apply compiled rules to paragraphs and record every removal."""

import itertools
import re
from collections import Counter

from cleanpipe.document import Document
from cleanpipe.lexicon import (NAME_PARTICLES, cut_by_lexicon, drop_chrome_remnants, label_mark, lexicon_rule,
                               opens_statement, story_resumes)
from cleanpipe.rules import Lexicon, Rule, paragraph_scan, rule_family, rule_index
from cleanpipe.segment import PROSE_END, QUOTES, is_byline, sentence_starts

TITLE_REPEAT = "structure.title-repeat"  # built in: a structural check, not a text pattern
MACHINE_TEXT = "structure.machine-text"  # built in: the page's URL, an image URL or an ISO timestamp as a paragraph
REPEATED_BLOCK = "structure.repeated-block"  # built in: a later verbatim copy of a run of prose paragraphs
HEAD_HEADLINE = "structure.head-headline"  # built in: a headline-shaped line between a scrape's title and its story
PLAYER_LABEL = "structure.player-label"  # built in: a player's sign and running time before the quotation its clip holds


# A headline restated above the story with a kicker or a word changed ("Deutscher Handel mit
# Teheran: Druck durch Sanktionen wächst" under "Druck durch Sanktionen wächst"): most of its
# words are the title's and most of the title's are in it, and it does not end as a sentence.
_RESTATED_OWN_SHARE = 0.7
_RESTATED_TITLE_SHARE = 0.5
_RESTATED_MAX_CHARS = 300
_TOKEN = re.compile(r"[^\W_]+")
_TITLE_REPEAT_WINDOW = 3  # paragraphs kept above a verbatim repeat of the title: a kicker, a byline, a date


def _restates_title(paragraph: str, title: str) -> bool:
    """Whether a headline-shaped paragraph is mostly the title's words, and holds most of them."""
    if len(paragraph) > _RESTATED_MAX_CHARS or paragraph.rstrip().endswith((".", "!", "?", "…")):
        return False
    own = [token.casefold() for token in _TOKEN.findall(paragraph)]
    title_tokens = {token.casefold() for token in _TOKEN.findall(title)}
    if not own or not title_tokens:
        return False
    shared = sum(token in title_tokens for token in own)
    return shared >= _RESTATED_OWN_SHARE * len(own) and len(title_tokens & set(own)) >= _RESTATED_TITLE_SHARE * len(title_tokens)


def _repeats_title(paragraph: str, title: str | None, titles: frozenset[str], first: bool) -> bool:
    """Whether a paragraph near the top repeats the title: any of its forms or a restatement
    when it comes first; below that, a form holding half the title at least, since a part
    split off the title may be a subheading's words too ("Das erwarten wir")."""
    if not title:
        return False
    folded = _fold_title(paragraph)
    if first:
        return folded in titles or _restates_title(paragraph, title)
    return folded in titles and 2 * len(folded) >= len(_fold_title(title))


def strip_boilerplate(doc: Document, rules: tuple[Rule, ...], head_window: int, tail_window: int,
                      lexicon: Lexicon | None = None) -> Document:
    """Remove junk paragraphs and fragments from ``doc.paragraphs``.

    Each removal is appended to ``doc.removed`` as ``{"rule", "text", "para"}``, where
    ``para`` is the paragraph's 0-based index in the body before stripping.

    Args:
        doc: a document after ``split_paragraphs``.
        rules: compiled rules from :func:`cleanpipe.rules.load_rules`.
        head_window: how many leading paragraphs ``head`` rules may look at.
        tail_window: how many trailing paragraphs ``tail`` rules may look at.
        lexicon: family vocabularies from :func:`cleanpipe.rules.load_lexicon` for the
            lexicon check (:func:`lexicon_rule`); None leaves it out.

    Returns:
        The same document, stripped.
    """
    paragraphs = doc.paragraphs
    count = len(paragraphs)
    kept = []
    titles = title_forms(doc.title) if doc.title else frozenset()
    candidates = rule_index(rules).candidates
    scan = paragraph_scan(rules, lexicon).scan if lexicon is not None else None
    chrome_spans: dict[int, list[tuple[int, int]]] = {}  # index -> the lexicon's scan of the untouched paragraph
    page_url = _fold_url(doc.url) if doc.url else None
    if page_url and "/" not in page_url:
        page_url = None  # a site's home page in a footer ("www.example.org") is its address, not leaked metadata
    owner, owned = None, 0  # a list rule, and how many more paragraphs under it it owns
    function_words = lexicon.function_words if lexicon is not None else None
    for index, paragraph in enumerate(paragraphs):
        if owned:
            owned -= 1
            doc.removed.append({"rule": owner.id, "text": paragraph, "para": index})
            continue
        if is_machine_text(paragraph, page_url):
            doc.removed.append({"rule": MACHINE_TEXT, "text": paragraph, "para": index})
            continue
        if len(kept) < _TITLE_REPEAT_WINDOW and _repeats_title(paragraph, doc.title, titles, first=not kept):
            # HTML extraction keeps the h1: the first paragraph left, repeating the title, goes;
            # so does the headline under a kicker or a byline ("Finanzmärkte", "Von Anna Sleegers").
            doc.removed.append({"rule": TITLE_REPEAT, "text": paragraph, "para": index})
            continue
        in_head = index < head_window
        in_tail = index >= count - tail_window
        remainder = paragraph
        glue_rules = []  # line rules whose gate opened but that did not take the whole paragraph
        # Gates are checked once on the whole paragraph: a cut only removes text, so a
        # rule whose gate was shut stays shut, and the regex decides for the rest.
        if scan is not None:
            gated, chrome_spans[index] = scan(paragraph)
        else:
            gated = candidates(paragraph.casefold())
        for rule in gated:
            if (rule.where == "head" and not in_head) or (rule.where == "tail" and not in_tail):
                continue
            if rule.kind == "line":
                glue_rules.append(rule)
            if rule.kind == "list":
                items = _list_items(rule, remainder, paragraphs, index)
                if items:
                    doc.removed.append({"rule": rule.id, "text": remainder, "para": index})
                    owner, owned, remainder = rule, items, ""
                    break
                continue
            stripped = _apply(rule, remainder, index, doc.removed, function_words)
            if stripped is not remainder:
                remainder = stripped
                if not remainder:
                    break
        if remainder and glue_rules:
            remainder = cut_glued(remainder, glue_rules, index, doc.removed,
                                  lexicon.function_words if lexicon is not None else None)
        if remainder:
            remainder = _cut_leading_label(remainder, candidates, lexicon, index, doc.removed)
        if remainder and lexicon is not None and (player := _PLAYER_LABEL_BEFORE_QUOTE.match(remainder)):
            remainder = _cut_player_label(remainder, player, lexicon, index, doc.removed)
        if remainder:
            kept.append((remainder, index))
    _sweep_tail(kept, count, tail_window, candidates, doc.removed)
    if lexicon is not None:  # after the rules, which name what they know better
        kept = [(left, index) for paragraph, index in kept
                if (left := cut_by_lexicon(paragraph, paragraphs[index], lexicon, index, doc.removed,
                                           chrome_spans.get(index) if paragraph is paragraphs[index] else None))]
        kept = drop_chrome_remnants(kept, paragraphs, lexicon, doc.removed)
    _drop_question_hooks(kept, paragraphs, doc.removed)
    if not doc.from_html and doc.title:
        _drop_head_headlines(kept, head_window, doc.removed)
    _drop_repeated_blocks(kept, doc.removed)
    kept = [(_trim_dangling_separator(paragraph) if paragraph is not paragraphs[index] else paragraph, index)
            for paragraph, index in kept]
    doc.paragraphs = [paragraph for paragraph, _ in kept]
    doc.origins = [index for _, index in kept]
    doc.removed.sort(key=lambda removal: removal["para"])  # stable: document order
    return doc


# A cut credit or label leaves the bar, dash or dot that set it off from the caption ("Rita
# Quayle at the bus stop on Thornley Road | Credit: Wenbury Sentinel"): it went with it.
_DANGLING_SEPARATOR = re.compile(r"\s+[|–—•·/-]$|^[|•·/]\s+")  # a dash opening a paragraph may open someone's words


def _trim_dangling_separator(paragraph: str) -> str:
    """A cut paragraph without the separator its cut left at either end."""
    return _DANGLING_SEPARATOR.sub("", paragraph) if paragraph else paragraph


# A page title is often "Headline | Site" or "Section - Headline": these separate the parts.
_TITLE_SEPARATORS = (" | ", " - ", " :: ", " // ", " · ")
_TITLE_PART_MIN_CHARS = 10  # a shorter part is a site or section name, never the headline
# Typographic variants the h1 and the <title> often disagree on, folded to one form.
_TITLE_FOLD = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "‚": "'", "–": "-", "—": "-"})


def _fold_title(text: str) -> str:
    """Case, quotes, dashes and whitespace folded, for comparing a heading with the title."""
    return " ".join(text.translate(_TITLE_FOLD).casefold().split())


def title_forms(title: str) -> frozenset[str]:
    """The folded forms a repeated headline may take: the whole title, or it without a site
    or section name split off at either end ("Headline | Site", "Opinion | Headline").

    Args:
        title: the document's title.

    Returns:
        The folded forms; a part shorter than ten characters (a site name) is not one.
    """
    folded = _fold_title(title)
    forms = {folded}
    for separator in _TITLE_SEPARATORS:
        if separator in folded:
            for part in (*folded.split(separator, 1), *folded.rsplit(separator, 1)):
                if len(part) >= _TITLE_PART_MIN_CHARS:
                    forms.add(part.strip())
    return frozenset(forms)


def _sweep_tail(kept: list[tuple[str, int]], count: int, tail_window: int, candidates, removed: list[dict]) -> None:
    """Give ``tail`` rules the last ``tail_window`` paragraphs that survived stripping.

    Junk removed below a syndication note ("Share this article", "Advertisement", ...)
    must not push the note out of the tail: the window counts what is left, not what was
    there. Paragraphs inside the original tail were tried already and are skipped.
    """
    survivors, position = 0, len(kept) - 1
    while position >= 0 and survivors < tail_window:
        paragraph, index = kept[position]
        if index < count - tail_window:
            remainder = paragraph
            for rule in candidates(paragraph.casefold()):
                if rule.where == "tail" and rule.kind != "list":
                    remainder = _apply(rule, remainder, index, removed)
                    if not remainder:
                        break
            if not remainder:
                del kept[position]
                position -= 1
                continue
            kept[position] = (remainder, index)
        survivors += 1
        position -= 1


_WORD_BREAK = re.compile(r"\s+(?=\S)")
_NO_SIGN = frozenset('"„“”«»‚‘’\'([{¿¡')  # a quotation's or a bracket's opening, no player's or counter's sign
# A time alone before a sentence opens a live blog's entry ("14:32 Police have closed ...", "17:02
# Uhr: Der Pegel ..."); a player's running time comes with its label or sign ("▶ 1:45", "Watch 0:48").
_CLOCK_TIME = re.compile(r"(?:[01]?\d|2[0-3])[:.][0-5]\d")
_GLUE_MAX_CHARS = 200  # a glued label or call to action is one short line; longer is story text
# A glued opening is a label ("Advertisement", "Foto: dpa"): in longer openings a capitalised
# word is as likely a German noun or a name inside the story's own first sentence
# ("Bild: So lautete die Überschrift des Boulevardblatts am nächsten Morgen, ...").
_GLUE_OPENING_MAX_WORDS = 2  # "Auch interessant: Die Lage ..." (three) is a sentence under a label


# A sign after a sentence's end opens another element's line, which no sentence of the story
# does: "... ausgenommen. ▶ Video abspielen Für ...", "... weekend. · RELATED · ...", "... 🎧 ...".
_SIGN_AFTER_SENTENCE = re.compile(
    r"[.!?…\"”»]\s*(?=[▶►▷●•·|–—\u2190-\u21ff\u2300-\u23ff\u25a0-\u25ff\u2600-\u27bf\U0001f300-\U0001faff])")
_ABBREVIATED_LABEL = re.compile(r"(?:^|\s)(?:Fot|Foto|Ph|Phot|Zdj|Il|Ill|Bild|Img)\.$")  # a credit's label cut short
_GLUE_SENTENCE_END = (".", "!", "?", "…", ".”", '."', ".’", "!”", "?”", ".»", ",", ";", ":", "–", "-")


def cut_glued(paragraph: str, rules: list[Rule], index: int, removed: list[dict],
               function_words: frozenset[str] | None = None) -> str:
    """Cut junk lines a scrape glued onto a paragraph of the story, each under its line rule.

    A line rule takes a whole paragraph; scrapes often lose the break between junk and story:
    "...the factory. Share this article", "Advertisement The station's helm said...",
    "...getragen.Foto: dpa". A line run onto the first word with no space is cut first
    (:func:`_cut_run_on_opening`). Then the paragraph is split into sentences, and after a
    sentence's end also where a player's or counter's sign opens a line. A sentence that does
    not end like one (or a consent line run on with no space) is tried whole against the
    rules whose gate opened on it; and each sentence's opening words (two at most, not ending
    in punctuation) before a capital letter, else a longer opening up to where the story
    resumes (:func:`_cut_long_opening`), are tried against the ``where = "any"`` rules:
    head and tail rules go by a paragraph's position and shape, which a sentence does not have.
    A cut is recorded under the rule that matched, like any removal.

    Args:
        paragraph: what is left of one paragraph after the rules.
        rules: the line rules whose gates opened on it and whose window it is in.
        index: the paragraph's index, for the removal records.
        removed: the document's removal list, appended to.
        function_words: the packs' function words; with them, a longer opening goes too
            when the story's sentence resumes after it on one of them (:func:`_cut_glued_prefix`).

    Returns:
        The paragraph without the glued junk (the same object when nothing was cut).
    """
    if len(paragraph) <= _GLUE_MAX_CHARS and (_opens_on_sign(paragraph) or _has_row_separator(paragraph)):
        # a line the rules take behind a sign ("💬 5 komentarzy"), or a row of them ("Join the conversation · 23 comments")
        line = _whole_match(paragraph, rules)
        if line is not None:
            removed.append({"rule": line.id, "text": paragraph, "para": index})
            return ""
    anywhere = [rule for rule in rules if rule.where == "any"]
    if anywhere and _RUN_ON_LABEL.search(paragraph):
        paragraph = _cut_run_on_labels(paragraph, anywhere, index, removed)
    if anywhere and (paragraph.count(" – ") + paragraph.count(" — ")) >= 2:
        paragraph = _cut_dashed_inserts(paragraph, anywhere, index, removed)
    run_on = _cut_run_on_opening(paragraph, anywhere, function_words, index, removed) if anywhere else None
    if run_on is not None:
        return cut_glued(run_on, rules, index, removed, function_words)
    teasers = [rule for rule in anywhere if rule.family == "aggregator"]
    tails = [rule for rule in rules if rule.where == "tail"]
    consent_or_tails = [rule for rule in rules if rule.family == "consent" or rule.where == "tail"]
    starts = sorted(set(sentence_starts(paragraph, merge_labels=False, merge_abbreviations=True))
                    | {m.end() for m in _SIGN_AFTER_SENTENCE.finditer(paragraph)})
    if len(starts) > 1 and _ABBREVIATED_LABEL.match(paragraph[:starts[1]].strip()):
        # "Fot. PAP/Wojciech Nowak Ciągniki ...": a credit's label opens the paragraph and its
        # names run on into a caption, no sentence ends after it (an abbreviation's full stop
        # ends none: "... Plac budowy przy ul. Składowej")
        following = starts[2] if len(starts) > 2 else None
        if (not paragraph[starts[1]:following].rstrip().endswith(PROSE_END)
                or (following is not None and following not in sentence_starts(paragraph))):
            del starts[1]
    if len(starts) == 1 and not anywhere:
        return paragraph
    ends = starts[1:] + [len(paragraph)]
    pieces, cut = [], False
    for start, end in zip(starts, ends):
        sentence = paragraph[start:end].strip()
        # A glued line is a label or a call to action: a sentence ending like one ("The
        # leaflet was blunt. Read more: the council's report is online.") is the story's, and
        # so is reported speech ("Mehr zum Thema: „Wir sind am Limit“, sagte die Sprecherin");
        # rules that take such glued sentences are ``fragment`` rules, written for it.
        # A pitch run on with no space after the sentence before ("... late at night.Support
        # independent student journalism today. She added ...") was another element's, however
        # it ends; a teaser's headline, unpunctuated, may have the story's next sentence run on.
        junk = None
        if len(starts) > 1:
            quoted = not QUOTES.isdisjoint(sentence.replace(" » ", " "))  # a lone "»" is a link's arrow, no quote
            if quoted:
                if tails and end == len(paragraph):
                    # a tail rule's line may name its paper in quotes: "... Статья впервые опубликована в газете «Вести»."
                    junk = _whole_match(sentence, tails)
            elif not sentence.endswith(_GLUE_SENTENCE_END):
                junk = _whole_match(sentence, rules)
            elif start > 0 and not paragraph[start - 1].isspace():
                junk = _whole_match(sentence, consent_or_tails)
            elif tails and end == len(paragraph):
                # a tail rule's line is written for the article's end, where a scrape glues it on:
                # "... au projet. Cet article a d'abord été publié dans notre édition papier du 14 mars."
                junk = _whole_match(sentence, tails)
        if junk is not None:
            label = _ABBREVIATED_LABEL.search(pieces[-1]) if junk.family == "credit" and pieces else None
            if label is not None:
                # the credit's abbreviated label ended the sentence before: "... rano Fot. Shutterstock"
                sentence = f"{label.group(0).strip()} {sentence}"
                pieces[-1] = pieces[-1][:label.start()].rstrip()
                if not pieces[-1]:
                    pieces.pop()
            removed.append({"rule": junk.id, "text": sentence, "para": index})
            cut = True
            continue
        if teasers and function_words is not None and (rest := _cut_teaser_run_on(sentence, teasers, function_words,
                                                                                   index, removed)) is not None:
            sentence, cut = rest, True
        sentence, prefix_cut = _cut_glued_prefix(sentence, anywhere, index, removed, function_words)
        cut = cut or prefix_cut
        if sentence:
            pieces.append(sentence)
    return " ".join(pieces) if cut else paragraph


# A label the scrape ran in between two sentences with no space after it ("... su
# producción.PUBLICIDADLa mayoría ...", "... euro.AdvertentieDaarnaast ...", "...
# producción.Publicidad«A mediodía ..."): one word after a sentence's end, up to where the next
# sentence's capital or opening quote runs on.
_RUN_ON_LABEL = re.compile(r"(?:(?<=[.!?…])|(?<=[.!?…] )|^)([^\W\d_]{5,})")  # "...getragen. AnzeigeDie ...", "ReklamaBurmistrz ..."


def _cut_run_on_labels(paragraph: str, rules: list[Rule], index: int, removed: list[dict]) -> str:
    """The paragraph without the labels a line rule takes whole, run in between two sentences with no space."""
    for match in reversed(list(_RUN_ON_LABEL.finditer(paragraph))):
        token, end = match.group(1), match.end()
        if not (paragraph[end:end + 1] in ("«", "„", "“", '"') and paragraph[end + 1:end + 2].isalpha()):
            # the label runs into the next sentence's capital: "PUBLICIDADLa", "РекламаПодрядчик"
            seam = next((i for i in range(4, len(token) - 1) if token[i].isupper() and token[i + 1].islower()), None)
            if seam is None:
                continue
            token, end = token[:seam], match.start() + seam
        rule = _whole_match(token, rules, row=False)
        if rule is not None:
            removed.append({"rule": rule.id, "text": token, "para": index})
            paragraph = (paragraph[:match.start()].rstrip() + " " + paragraph[end:]).strip()
    return paragraph


# A teaser's label and headline with the story's next sentence run on ("... como museo. Te puede
# interesar: Villarrasa recupera su antiguo lavadero como museo Rosa María de Arriba, dueña de
# ..."): a teaser rule takes the whole sentence, label first, and the story resumes at a lost
# break's seam, on a capitalised function word or on a capital after a lower-case word
# (:func:`story_resumes`, not after a small word, which a headline's name follows as often:
# "... am Bahnhof Parken in der ..."). Nothing quoted before the break: "Mehr zum Thema: „Wir
# sind am Limit“, sagte die Sprecherin" is reported speech.
_TEASER_RUN_ON_MAX_CHARS = 400  # a label, a headline and one sentence of the story


def _unquoted_or_ends_quoted(teaser: str) -> bool:
    """Whether a teaser holds no quotation, or one only, which ends it: the headline quotes someone
    ("Olio, prezzi alle stelle. «Comprate dal produttore»"); reported speech goes on after its quote."""
    if QUOTES.isdisjoint(teaser):
        return True
    text = teaser.rstrip()
    return text.endswith(("»", "”")) and sum(text.count(mark) for mark in QUOTES) == 2


def _cut_teaser_run_on(sentence: str, teasers: list[Rule], function_words: frozenset[str], index: int,
                       removed: list[dict]) -> str | None:
    """The story's sentence run onto a teaser that opens ``sentence``, once the teaser is cut; or None."""
    if label_mark(sentence) < 0 or len(sentence) > _TEASER_RUN_ON_MAX_CHARS:
        return None
    resumes = story_resumes(sentence, function_words, loose=False)
    if resumes is None or not _unquoted_or_ends_quoted(sentence[:resumes]):
        return None
    teaser = sentence[:resumes].strip()
    rule = _whole_match(teaser, teasers)
    if rule is None:
        return None
    removed.append({"rule": rule.id, "text": teaser, "para": index})
    return sentence[resumes:]


# A teaser or a player's label set into a sentence between dashes where a link box stood ("... du
# 25 avril – À lire aussi : Andelle, le budget communal 2024 adopté de justesse – et une réunion
# ..."): the rule takes what the dashes frame whole, so it was no aside of the story's.
_DASHED_INSERT = re.compile(r"\s[–—]\s([^–—]{5,160}?)\s[–—](?=\s)")  # "... Arbeit. – Anzeige – Die Kosten ..." too


_ADVERT_LABEL_MAX_WORDS = 2  # "Anzeige", "Publicidad", "Paid content"


def _cut_dashed_inserts(paragraph: str, rules: list[Rule], index: int, removed: list[dict]) -> str:
    """The paragraph without the teaser or player labels its dashes frame."""
    inserts = [rule for rule in rules if rule.family in ("aggregator", "video")]
    adverts = [rule for rule in rules if rule.family == "share"]
    for match in reversed(list(_DASHED_INSERT.finditer(paragraph))) if inserts or adverts else ():
        label, colon, headline = match.group(1).partition(":")
        if not colon:  # an advert's label alone: "... Arbeit. – Anzeige – Die Kosten ..."
            rule = _whole_match(match.group(1), adverts) if len(label.split()) <= _ADVERT_LABEL_MAX_WORDS else None
        elif len(label.split()) > _LEADING_LABEL_MAX_WORDS or not headline.strip()[:1].isupper():
            continue  # a label, its colon and a capitalised headline: "– Video: so sah es aus, sagte er –" is speech
        else:
            rule = _whole_match(match.group(1), inserts)
        if rule is not None:
            removed.append({"rule": rule.id, "text": match.group(0).strip(), "para": index})
            paragraph = paragraph[:match.start()] + " " + paragraph[match.end():].lstrip()
    return paragraph


# A player's or a counter's sign, a running time or a dash frame a glued label ("▶ Video
# abspielen", "🎧 Escucha la entrevista completa (4:10)", "▶ Listen 1:38", "– Anzeige –"): the
# rules know the words.
_LABEL_FRAME = re.compile(r"^\W+|\s*[(\[]?\d{1,2}:\d{2}[)\]]?\W*$|\s+\W+$")


# A line run onto the story's first word with no space at all ("Foto: Polderblad/Sanne de
# GrootHet waterschap begint ...", "FOTO: HERALDO / MARTA IBARROLALa calle Mayor ...", "(Photo
# Jean-Marc Dufresnoy)Le club ..."): a word, a bracket or a quote runs into a capitalised word.
# The first such junction near the start ends the line when a rule takes all before it whole
# and no capitalised function word stands in it (a brand's capital, "TikTok", may stand in the
# story's own sentence: "Foto: dpa Der Chef von TikTok ...").
_UPPER = "A-ZÀ-ÖØ-ÞĄĆĘŁŃŚŹŻА-ЯЁІЇЄҐ"
_LOWER = "a-zß-öø-ÿąćęłńóśźżа-яёіїєґ"
# a one-letter word ("O proprietário") runs on only after a lower-case letter: "HERALDO / ..." is a credit's own capitals
_RUN_ON = re.compile(rf"(?:(?<=[^\W\d_]{{3}})|(?<=[)\]»”\"\d]))(?=[{_UPPER}][{_LOWER}'’])|(?:(?<=[{_LOWER}])|(?<=[)\]»”\"\d]))(?=[{_UPPER}]\s)")
_RUN_ON_MAX_CHARS = 100
_RUN_ON_MIN_REST_WORDS = 6


def _cut_run_on_opening(paragraph: str, anywhere: list[Rule], function_words: frozenset[str] | None,
                        index: int, removed: list[dict]) -> str | None:
    """The paragraph without a line that one of the ``where = "any"`` rules takes, run onto its
    first sentence with no space; or None."""
    if function_words is None or not _may_open_on_label(paragraph):
        return None
    junction = _RUN_ON.search(paragraph, 0, _RUN_ON_MAX_CHARS)
    if junction is None:
        return None
    opening, rest = paragraph[:junction.start()].strip(), paragraph[junction.start():]
    if len(rest.split()) < _RUN_ON_MIN_REST_WORDS or not rest.endswith(PROSE_END):
        return None
    if any(opens_statement(word, function_words) for word in opening.split()[1:]):
        return None
    rule = _whole_match(opening, anywhere)
    if rule is None:
        return None
    removed.append({"rule": rule.id, "text": opening, "para": index})
    return rest


# A row of chrome items between dots or bars ("Join the conversation · 23 comments", "Share ·
# Print | Advertisement"): each item is a line of its own that a rule takes whole.
_ROW_SEPARATOR = re.compile(r"\s+[·|•]\s+")


def _row_match(text: str, rules: list[Rule]) -> Rule | None:
    """The first item's rule when every item of a dotted or barred row is taken whole by a rule, else None."""
    items = _ROW_SEPARATOR.split(text)
    if len(items) < 2:
        return None
    matched = [_whole_match(item.strip(), rules, row=False) for item in items]
    return matched[0] if all(matched) else None


def _whole_match(text: str, rules: list[Rule], row: bool = True) -> Rule | None:
    """The first rule that takes ``text`` whole, or its words without a player's sign and running
    time, or (``row``) each item of a row of them (:func:`_row_match`), if any."""
    if len(text) > _GLUE_MAX_CHARS:
        return None
    framed = not text[:1].isalnum() or not text[-1:].isalpha()  # a sign, a running time, a dash
    core = _LABEL_FRAME.sub("", text) if framed else text
    for candidate in (text, core) if core != text and any(c.isalpha() for c in core) else (text,):
        for rule in rules:
            if (rule.max_chars is None or len(candidate) <= rule.max_chars) and rule.regex.fullmatch(candidate):
                return rule
    return _row_match(text, rules) if row and _has_row_separator(text) else None


def _has_row_separator(text: str) -> bool:
    """Whether ``text`` holds a dot, a bar or a bullet that may separate a row's items."""
    return "·" in text or "|" in text or "•" in text


def _opens_on_sign(text: str) -> bool:
    """Whether ``text`` opens on a player's, counter's or button's sign, not a letter, digit, quote or bracket."""
    return not text[:1].isalnum() and text[:1] not in _NO_SIGN


def _cut_glued_prefix(sentence: str, anywhere: list[Rule], index: int, removed: list[dict],
                      function_words: frozenset[str] | None = None) -> tuple[str, bool]:
    """Cut the longest short opening of ``sentence`` that one of the ``where = "any"`` rules takes
    whole and a capitalised word follows; else the shortest longer one after which the story resumes."""
    if not anywhere:
        return sentence, False
    # a capitalised particle carries a name on ("Foto: Sanne De Wit Voorzitter ..."): no break before it
    # behind a sign, a counter's or a button's words are more ("💬 5 komentarzy Dziedzic ...", "📲 Share on WhatsApp Crew ...")
    more = 2 if _opens_on_sign(sentence) else 0
    breaks = [(m.end(), number >= _GLUE_OPENING_MAX_WORDS)
              for number, m in enumerate(itertools.islice(_WORD_BREAK.finditer(sentence), _GLUE_OPENING_MAX_WORDS + more))
              if (sentence[m.end()].isupper() or (sentence[m.end()] in _OPENING_QUOTES and sentence[m.end() + 1:m.end() + 2].isupper()))
              and sentence[m.end():].split(maxsplit=1)[0].casefold() not in NAME_PARTICLES]
    counters = [rule for rule in anywhere if rule.family == "share"]  # a title behind a player's sign goes on: "▶ Watch The Mayor Speak ..."
    for position, longer in reversed(breaks):
        opening = sentence[:position].strip()
        if opening.endswith(_GLUE_SENTENCE_END):
            continue  # "Facebook, Twitter, TikTok: who is liable?" is a heading, not a share bar
        if _CLOCK_TIME.fullmatch(opening):
            continue  # "14:32 Police have closed the bridge": a live blog's time, no player's running time
        rule = _whole_match(opening, counters if longer else anywhere)
        if rule is not None:
            if rule.family == "credit" and _credit_goes_on(sentence[position:], function_words):
                # "Picture: Evening Post / Priya Chandran Plot holders ...": the credit's names go on
                rest = (_cut_long_opening(sentence, anywhere, function_words, index, removed)
                        or _cut_credit_to_name(sentence, anywhere, index, removed))
                if rest is not None:
                    return rest, True
            removed.append({"rule": rule.id, "text": opening, "para": index})
            return sentence[position:], True
    rest = _cut_long_opening(sentence, anywhere, function_words, index, removed)
    if rest is None and function_words is not None and _may_open_on_label(sentence):
        rest = _cut_credit_to_name(sentence, anywhere, index, removed)
    return (rest, True) if rest is not None else (sentence, False)


def _credit_goes_on(rest: str, function_words: frozenset[str] | None) -> bool:
    """Whether a credit's names go on after a short opening: a slash, or a capitalised word opening no statement."""
    first = rest.split(maxsplit=1)[0] if rest.strip() else ""
    return first.startswith("/") or (first[:1].isupper() and function_words is not None
                                     and not opens_statement(first, function_words))


# A credit naming its source and then its photographer ("Picture: Evening Post / Priya Chandran
# Plot holders ...", "Image: Jamie van der Berg / Sea Rescue Trust ..."): after the slash, a
# name is two capitalised words (with particles between: "van der Berg"), and what follows is
# the story's; so is what follows a name whose lower-case particles mark it as one ("Foto:
# Sanne de Wit Voorzitter Gerrit Mulder ...").
_SLASH_REACH = 80
_NAME_WORDS = 2
_CAPTION_MIN_LOWER_WORDS = 2


def _cut_credit_to_name(sentence: str, rules: list[Rule], index: int, removed: list[dict]) -> str | None:
    """The rest of ``sentence`` once a credit ending on a name is cut off its start, or None:
    two capitalised words after its slash, or a name with lower-case particles after its colon."""
    end = (_name_after_slash(sentence) if "/" in sentence[:_SLASH_REACH]
           else _name_with_particles(sentence) or _short_name(sentence))
    return None if end is None else _cut_credit_opening(sentence, end, rules, index, removed)


def _name_after_slash(sentence: str) -> int | None:
    """Where a two-word name after a credit's last slash ends ("... Evening Post / Priya Chandran"), or None."""
    slash = sentence.rfind("/", 0, _SLASH_REACH)
    names = 0
    for word in _WORD_BREAK.split(sentence[slash + 1:].strip(), maxsplit=_NAME_WORDS + 3)[:-1]:
        if word.casefold() in NAME_PARTICLES:
            continue
        if not word[:1].isupper() or not word[-1:].isalpha():
            return None
        names += 1
        if names == _NAME_WORDS:
            return sentence.index(word, slash) + len(word)
    return None


def _short_name(sentence: str) -> int | None:
    """Where a name of two words or one after a credit's label ends when a caption or sentence
    follows, opening on a capital and going on in lower case, or None: "Foto: Marta Soler
    Voluntarios limpian ...", "Фото: архив Волонтёры убирают ...", "Photo: Reuters Kremlin
    officials said ..."."""
    colon = _label_end(sentence)
    words = sentence[colon:].split(maxsplit=5)[:5] if colon > 0 else []
    for size in (2, 1):
        follow = words[size:size + 3]
        if (len(follow) == 3 and follow[0][:1].isupper() and follow[0][1:].islower()
                and follow[1].islower() and follow[2].islower()
                and (size == 1 or all(word[:1].isupper() for word in words[:size]))):
            return sentence.index(words[size - 1], colon) + len(words[size - 1])
    return None


def _label_end(sentence: str) -> int:
    """Where a credit's label ends: after its colon, its copyright sign or its abbreviation ("Fot."); 0 if none."""
    colon = sentence.find(":", 0, _GLUE_LABEL_REACH)
    if colon > 0:
        return colon + 1
    first = sentence.split(maxsplit=1)[0] if sentence.strip() else ""
    if first in ("©", "ⓒ") or (first.endswith(".") and 2 <= len(first) <= 5 and first[:1].isalpha()):
        return sentence.index(first) + len(first)
    return 0


def _name_with_particles(sentence: str) -> int | None:
    """Where a name with lower-case particles after a label's colon ends ("Foto: Sanne de Wit"), or None."""
    colon = sentence.find(":", 0, _GLUE_LABEL_REACH)
    words = sentence[colon + 1:].split(maxsplit=6)[:-1] if colon > 0 else []
    particles = 0
    for word in words[1:-1]:
        if word not in NAME_PARTICLES:  # in lower case: "Sanne De Wit" may be "Sanne" and a sentence opening on "De"
            break
        particles += 1
    if not particles or not words[0][:1].isupper() or not words[particles + 1][:1].isupper():
        return None
    return sentence.index(words[particles + 1], colon) + len(words[particles + 1])


def _cut_credit_opening(sentence: str, end: int, rules: list[Rule], index: int, removed: list[dict]) -> str | None:
    """The rest of ``sentence`` once a credit rule takes all before ``end`` and a sentence or caption follows, or None."""
    opening, rest = sentence[:end].strip(), sentence[end:].strip()
    # a sentence or a caption follows: words of prose, some in lower case ("Voluntarios limpian la playa ...")
    if (len(rest.split()) < _GLUE_LONG_MIN_REST_WORDS or not rest[:1].isupper()
            or sum(word.islower() for word in rest.split()) < _CAPTION_MIN_LOWER_WORDS):
        return None
    rule = _whole_match(opening, [rule for rule in rules if rule.family == "credit"])
    if rule is None:
        return None
    removed.append({"rule": rule.id, "text": opening, "para": index})
    return rest


# A longer line glued before the story's sentence ("Anwohner ... ausgenommen. ▶ Video abspielen
# Für die ersten 30 Minuten ...", "... con la entidad. Te puede interesar: Abre en Peñalvar el
# primer coworking rural de la sierra Según sus datos, ...") ends where the story resumes: on a
# capitalised function word, an opening quote, or after a running time or a closing bracket.
# A capitalised noun or name after it may as well be the line's own ("... burgemeester
# Steenbergen (3:40)"), so no break is made there. The shortest such opening a rule takes whole
# goes, and only with a sentence of the story after it; a credit's of six words at most (a
# credit's pattern takes any name, and a story's sentence may open on "Foto: Berlin 1945 heißt
# die Schau ..."), and none holding a clause's comma, which is prose.
_GLUE_LONG_MIN_REST_WORDS = 4
_GLUE_LABEL_REACH = 40  # characters from a sentence's start to its glued line's label ("▶ Video ...", "Te puede interesar:")
_GLUE_CREDIT_MAX_WORDS = 6  # "Foto: Vigili del fuoco", "Фото: пресс-служба мэрии"; a longer "credit" is a sentence
_OPENING_QUOTES = tuple("„\"“«‘'")


def _may_open_on_label(text: str) -> bool:
    """Whether ``text`` opens on a sign, or has a label's colon, bar or dash near its start."""
    head = text[:_GLUE_LABEL_REACH]
    return not head[:1].isalnum() or any(mark in head for mark in _LABEL_MARKS)


def _opens_on_literal(text: str, rules: list[Rule]) -> bool:
    """Whether ``text``'s first word opens one of the rules' literals ("Comparte esta noticia", "Reklama")."""
    first = text[:_GLUE_LABEL_REACH].split(maxsplit=1)[0].casefold() if text.strip() else ""
    return any(first in rule.literal_openings for rule in rules)


_CREDIT_DASHES = (" –", " —", " -")
_LABEL_MARKS = (":", "|", "–", "—", "·", "/")  # "Foto: ...", "VÍDEO | ...", "LIRE AUSSI – ...", "Onda Serranía / Archivo"


def _cut_long_opening(sentence: str, rules: list[Rule], function_words: frozenset[str] | None,
                      index: int, removed: list[dict]) -> str | None:
    """The rest of ``sentence`` once a glued line of three words or more is cut off its start, or None."""
    if function_words is None:
        return None
    if not (_may_open_on_label(sentence) or _opens_on_literal(sentence, rules)):
        return None  # most sentences, checked first as it is cheap
    head = sentence[:_GLUE_LABEL_REACH].casefold()
    rules = [rule for rule in rules if not rule.literals or any(literal in head for literal in rule.literals)]
    if not rules:
        return None  # no rule's words at the start
    credits = [rule for rule in rules if rule.family == "credit"]
    for number, brk in enumerate(_WORD_BREAK.finditer(sentence)):
        if brk.start() > _GLUE_MAX_CHARS:
            return None
        if number < _GLUE_OPENING_MAX_WORDS:
            continue
        following = sentence[brk.end():brk.end() + 40].split(maxsplit=1)[0]
        if not (following[:1].isupper() or following.startswith(_OPENING_QUOTES)):
            continue
        opening, rest = sentence[:brk.start()].strip(), sentence[brk.end():]
        if credits and opening.endswith(_CREDIT_DASHES) and len(rest.split()) >= _GLUE_LONG_MIN_REST_WORDS:
            # "Ph. Davide Rinaldi – Il tratto di spiaggia ...", "Foto Belga – De botsauto's ...": a
            # credit set off from its caption by a dash
            credit = opening[:-1].strip()
            # no digits: "Foto: Berlin 1945 – Die Ausstellung zeigt ..." names an exhibition
            rule = (_whole_match(credit, credits) if len(credit.split()) <= _GLUE_CREDIT_MAX_WORDS
                    and not any(c.isdigit() for c in credit) else None)
            if rule is not None:
                removed.append({"rule": rule.id, "text": opening, "para": index})
                return rest
            continue
        if not (opens_statement(following, function_words) or following.startswith(_OPENING_QUOTES)
                or opening.endswith(")")):
            continue
        if len(rest.split()) < _GLUE_LONG_MIN_REST_WORDS or opening.endswith(_GLUE_SENTENCE_END) or ", " in opening:
            continue
        # a credit's slashes and a name's particles are no words of a sentence: "Foto: Jan van der Berg / ANP"
        short = sum(word != "/" and word.casefold() not in NAME_PARTICLES for word in opening.split()) <= _GLUE_CREDIT_MAX_WORDS
        rule = _whole_match(opening, rules if short else [rule for rule in rules if rule not in credits])
        if rule is not None:
            removed.append({"rule": rule.id, "text": opening, "para": index})
            return rest
    return None


# A pitch opens on a question to the reader and answers it with the call to action ("Quer
# receber notícias como esta? Assine a newsletter", "Already a member? Log in ...", "¿Aún no
# estás afiliado? Afíliate aquí"): once the call is cut from a paragraph's end, a short
# question left just before it was its hook. A story's own question ends a paragraph with
# nothing cut after it, or before a share button, which is no consent pitch.
_HOOK_MAX_WORDS = 8


def _drop_question_hooks(kept: list[tuple[str, int]], paragraphs: list[str], removed: list[dict]) -> None:
    """Cut the short question left at a paragraph's end when a consent pitch was cut after it."""
    tail_cuts = {}
    for removal in removed:
        index = removal["para"]
        if (removal["text"] != paragraphs[index] and rule_family(removal["rule"]) == "consent"
                and paragraphs[index].rstrip().endswith(removal["text"].rstrip())):
            tail_cuts[index] = removal["rule"]
    if not tail_cuts:
        return
    for position, (paragraph, index) in enumerate(kept):
        rule_id = tail_cuts.get(index)
        if rule_id is None or not paragraph.endswith("?"):
            continue
        start = sentence_starts(paragraph, merge_labels=False)[-1]
        question = paragraph[start:]
        if start == 0 or len(question.split()) > _HOOK_MAX_WORDS or not QUOTES.isdisjoint(question):
            continue
        removed.append({"rule": rule_id, "text": question, "para": index})
        kept[position] = (paragraph[:start].rstrip(), index)


# A label a scrape glued onto the start of the story's paragraph, the line break lost: "Share
# this article More than 340 swimmers ...", "Watch now 1:12 Organisers of ...", "▶ Reproducir
# 1:45 La Concejalía ...", "Drucken Die Feuerwehr hofft ...". The opening, a few words before a
# capital and no colon (a label with one names a source or a headline, judged elsewhere), is one
# a rule takes as a line of its own; or one the lexicon check takes, when a player's sign or
# time marks it or the sentence opens on an article or a pronoun: chrome words open names,
# headlines and sentences too ("Video Games maker Ubisoft ...", "Mehr zum Thema finden Leser
# ...", "Film z Burkiem, nagrany ..."). No label opens or ends on a function word ("Mit der
# Anmeldung akzeptieren Sie ...", "Lesen Sie auch den ...").
_LEADING_LABEL_MAX_WORDS = 4
_LEADING_REST_MIN_WORDS = 6
_PLAYER_MARKS = re.compile(r"[▶►]|\d:\d\d")
_LABEL_COLON = re.compile(r":(?!\d)")  # not a running time's
_ONE_WORD_LABEL_FAMILIES = frozenset({"share", "video", "credit"})  # "Drucken", "Video", "Foto"; not "Lesen (Sie ...)"


_NAME_END = re.compile(r"([^\W\d_][^\W\d_\s]+\.)\s+(?=[^\W\d_])")  # a capitalised word and a full stop before a sentence


# A player's label opening the words its clip holds, set in quotes or after a dialogue dash
# ("VIDEO | «Abbiamo molito ...», spiega ...", "🔊 Escuche aquí: «Tenemos ...»", "Posłuchaj: – Teraz
# jest ciszej ...", "▶ 1:12 – Mamy rodziny ..."): the label is the player's, the quotation the story's.
_PLAYER_LABEL_BEFORE_QUOTE = re.compile(
    r"((?:[▶►🔊🎧📻]\s*)?(?:[^\W\d_]+(?: [^\W\d_]+)?\s*[:|]|\d{1,2}:\d{2}(?=\s[–—]))|[▶►]\s*\d{1,2}:\d{2})\s+(?=[„“«\"]\s?[^\W\d_]|[–—]\s[^\W\d_])")
_PLAYER_LABEL_MIN_REST_WORDS = 6


def _cut_player_label(paragraph: str, match: re.Match, lexicon: Lexicon, index: int, removed: list[dict]) -> str:
    """Cut a player's label (a video word, or a sign and a running time; ``match`` of
    :data:`_PLAYER_LABEL_BEFORE_QUOTE`) before a quotation that opens the paragraph."""
    label, rest = match.group(1), paragraph[match.end():]
    if len(rest.split()) < _PLAYER_LABEL_MIN_REST_WORDS:
        return paragraph
    video = [rule for word in _LABEL_WORD.findall(label)
             for rule in (*lexicon.rules_of(word.casefold()), *lexicon.cta_verbs.get(word.casefold(), ()))
             if rule_family(rule) == "video"]  # "VIDEO |", "Posłuchaj:", "Escuche aquí:"
    if not video and not (_PLAYER_MARKS.search(label) and label.lstrip()[:1] in "▶►"):
        return paragraph
    removed.append({"rule": video[0] if video else PLAYER_LABEL, "text": label, "para": index})
    return rest


_LABEL_WORD = re.compile(r"[^\W\d_]+")


def _cut_leading_label(paragraph: str, candidates, lexicon: Lexicon | None, index: int, removed: list[dict]) -> str:
    """Cut a chrome label glued onto a paragraph's start before a sentence of the story."""
    if lexicon is None or not paragraph.endswith(PROSE_END):
        return paragraph
    head = paragraph.split(maxsplit=_LEADING_LABEL_MAX_WORDS + 1)
    if not any(word[:1].isupper() for word in head[1:_LEADING_LABEL_MAX_WORDS + 1]):
        return paragraph  # no capital after the first words: nothing resumes there
    words = lexicon.function_words
    first = head[0].casefold()
    if first in words or opens_statement(first.capitalize(), words):
        return paragraph  # most paragraphs: a sentence opening on its article or pronoun ("Mit der Anmeldung ...": a clause)
    breaks = list(itertools.islice(_WORD_BREAK.finditer(paragraph), _LEADING_LABEL_MAX_WORDS))
    for brk in reversed(breaks):  # the longest opening first: "Share this article", not "Share"
        opening, rest = paragraph[:brk.start()], paragraph[brk.end():]
        if (not rest[:1].isupper() or _LABEL_COLON.search(opening) or opening.endswith(_GLUE_SENTENCE_END)
                or _CLOCK_TIME.fullmatch(opening)
                or rest.count(" ") + 1 < _LEADING_REST_MIN_WORDS):
            continue
        last = opening.split()[-1].casefold()
        if last in words or opens_statement(last.capitalize(), words):
            continue  # "▶ Reproducir 1:45 La": the article opens the sentence
        statement = opens_statement(rest.split(maxsplit=1)[0], words)
        rule = _whole_match(opening, [rule for rule in candidates(opening.casefold()) if rule.kind == "line"])
        if rule is not None and (" " in opening or statement):
            rule_id = rule.id
        elif statement or _PLAYER_MARKS.search(opening):
            rule_id = lexicon_rule(opening, lexicon)
        else:
            continue
        if rule_id is not None and (" " in opening or rule_family(rule_id) in _ONE_WORD_LABEL_FAMILIES):
            name_end = _NAME_END.match(rest) if rule_family(rule_id) == "credit" else None
            if name_end is not None:  # "Fot. Marek Zawadzki. Strażacy ...": the name's last word ends the credit
                opening, rest = f"{opening} {name_end.group(1)}", rest[name_end.end():]
            removed.append({"rule": rule_id, "text": opening, "para": index})
            return rest
    return paragraph


# A headline-shaped line: a video player's or a teaser's title, not a sentence of the story.
_HEADLINE_MIN_WORDS, _HEADLINE_MAX_WORDS = 3, 20  # "Watch: flood water pours through high street" has 7
_HEADLINE_MAX_CHARS = 160


def _drop_head_headlines(kept: list[tuple[str, int]], head_window: int, removed: list[dict]) -> None:
    """Remove headline-shaped lines standing between a text scrape's title and its first prose paragraph.

    A scrape's title is its first line; a second headline under it, before the story
    starts, is a video player's or a teaser's ("Residents describe night of chaos as storm
    hits coast"). Only paragraphs within the head window and before the first prose
    paragraph are looked at, and only when prose follows: a story's subheadings come later,
    and a body of short lines (a list, a poem) has no prose to stand above.
    """
    first_prose = next((i for i, (paragraph, _) in enumerate(kept) if _is_prose(paragraph)), None)
    if not first_prose:
        return
    # the story may open on a short sentence ("Lo tiene en la mano."): what follows it is the story's
    first_sentence = next((i for i, (paragraph, _) in enumerate(kept) if _is_short_sentence(paragraph)), first_prose)
    drop = [i for i, (paragraph, index) in enumerate(kept[:min(first_prose, first_sentence)])
            if index < head_window and _is_second_headline(paragraph)]
    for i in reversed(drop):
        paragraph, index = kept.pop(i)
        removed.append({"rule": HEAD_HEADLINE, "text": paragraph, "para": index})


def _is_second_headline(paragraph: str) -> bool:
    """Short, capitalised, several words, not ending like a sentence, not a byline or a result."""
    words = paragraph.split()
    return (_HEADLINE_MIN_WORDS <= len(words) <= _HEADLINE_MAX_WORDS and len(paragraph) <= _HEADLINE_MAX_CHARS
            and (paragraph[0].isupper() or paragraph[0].isdigit())
            and not paragraph.endswith(_SENTENCE_END)
            and not is_byline(paragraph)  # it stands where a video title does, but names who wrote the story
            and not _RESULT.search(paragraph))


# A match result under a sports story's title ("CD Valdemora 2 - Atlético Rivanegra 1",
# "VV Westerburen – SV Oostpolder 3-1") is the story's first fact, not a player's headline.
# A player's running time ends on two digits after the colon ("Lorry fire on the A48 0:48"); a
# score has one ("Orzeł Olszanka – Sokół Ruda 2:0").
_RESULT = re.compile(r"\w \d{1,2}\s?[-–]\s?\w[^\d]*\w \d{1,2}$|\w \d{1,2}\s?(?:[-–]\s?\d{1,2}|:\d)$")


def _is_short_sentence(paragraph: str) -> bool:
    """A capitalised paragraph of a few words that ends like a sentence: a story's opening line."""
    # not PROSE_END: a question or a trailing ellipsis may be a player's headline ("Will the storm hit?")
    return (paragraph[:1].isupper() and paragraph.endswith((".", "!", ".”", ".»", '."'))
            and len(paragraph.split()) >= _HEADLINE_MIN_WORDS and not is_byline(paragraph))


# Metadata that leaks into the text as a paragraph of its own: no article prints these alone.
_ISO_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?")
_IMAGE_URL = re.compile(r"https?://\S+\.(?:jpe?g|png|gif|webp|svg|avif)(?:\?\S*)?", re.IGNORECASE)


def is_machine_text(paragraph: str, page_url: str | None) -> bool:
    """Whether a paragraph is metadata, not prose: the page's own URL, an image URL, an ISO timestamp.

    Args:
        paragraph: one paragraph of the body.
        page_url: the page's URL folded by ``_fold_url`` (None when unknown).

    Returns:
        True for "https://example.com/news/story-123" on that page, "https://cdn.example.com/a.png"
        or "2019-11-19T08:57:40+01:00" alone; a sentence citing a link or a date is never one.
    """
    if len(paragraph) > 400 or " " in paragraph.strip():
        return False
    return bool(_ISO_TIMESTAMP.fullmatch(paragraph) or _IMAGE_URL.fullmatch(paragraph)
                or (page_url is not None and _fold_url(paragraph) == page_url))


def _fold_url(url: str) -> str:
    """A URL without scheme, "www." and trailing slash, for comparing two spellings of it."""
    url = url.strip()
    for prefix in ("https://", "http://"):
        url = url.removeprefix(prefix)
    return url.removeprefix("www.").rstrip("/")


# A repeated run goes only when it repeats this many prose paragraphs: the article twice
# over (an AMP, print or second container copy) is prose, while content that repeats runs
# of short lines (a meal plan per day, spec bullets, "Available from Amazon / Buy Now"
# boxes) has none; ScrapingHub's gold repeats such runs of up to 28 lines, never prose.
_REPEAT_MIN_PROSE = 3
_REPEAT_MAX_COPIES = 4  # earlier copies compared: bounds the cost on pages that repeat a line hundreds of times
_PROSE_MIN_CHARS = 80  # a paragraph this long ending like a sentence is prose, not a label


def _drop_repeated_blocks(kept: list[tuple[str, int]], removed: list[dict]) -> None:
    """Remove each later verbatim copy of a run of paragraphs holding three prose paragraphs.

    Paragraphs are compared as they are (split and the cuts fold their whitespace); those
    without a letter or digit (separators such as "-") are skipped in the comparison and go
    with a copy they sit in. A single repeated paragraph (a pull quote) or a run of short
    lines always stays.
    """
    keys = [paragraph for paragraph, _ in kept]
    counts = Counter(keys)
    if len(counts) == len(keys):
        return  # no paragraph repeats, the common case: nothing to compare
    # A copy and its original are disjoint runs holding three prose paragraphs each.
    if sum(n for key, n in counts.items() if n > 1 and _is_prose(key)) < 2 * _REPEAT_MIN_PROSE:
        return
    positions = [i for i, key in enumerate(keys) if _has_word(key)]
    words = [keys[i] for i in positions]
    seen: dict[str, list[int]] = {}
    drop: list[tuple[int, int]] = []
    start = 0
    while start < len(words):
        length = max(1, _longest_earlier_copy(words, start, seen))
        run = words[start : start + length]
        if sum(map(_is_prose, run)) >= _REPEAT_MIN_PROSE:
            drop.append((positions[start], positions[start + length - 1]))
        # Either way the run is stepped over whole: a run starting inside it repeats less.
        for offset in range(length):
            seen.setdefault(words[start + offset], []).append(start + offset)
        start += length
    for first, last in reversed(drop):
        removed.extend({"rule": REPEATED_BLOCK, "text": p, "para": i} for p, i in kept[first : last + 1])
        del kept[first : last + 1]


def _longest_earlier_copy(words: list[str], start: int, seen: dict[str, list[int]]) -> int:
    """Length of the longest run from ``start`` that repeats a run ending before ``start``."""
    best = 0
    for earlier in seen.get(words[start], ())[-_REPEAT_MAX_COPIES:]:
        length = 0
        while start + length < len(words) and earlier + length < start and words[earlier + length] == words[start + length]:
            length += 1
        best = max(best, length)
    return best


def _is_prose(paragraph: str) -> bool:
    """Long enough and ending like a sentence."""
    return len(paragraph) >= _PROSE_MIN_CHARS and paragraph.endswith(PROSE_END)


def _has_word(text: str) -> bool:
    """Whether ``text`` holds a letter or a digit."""
    return any(c.isalnum() for c in text)


def _list_items(rule: Rule, header: str, paragraphs: list[str], index: int) -> int:
    """How many paragraphs after ``header`` a list rule owns (0: not a list header here)."""
    if len(header) > rule.item_max_chars or not rule.regex.fullmatch(header):
        return 0
    items = 0
    for paragraph in paragraphs[index + 1 : index + 1 + rule.max_items]:
        if not is_headline_like(paragraph, rule.item_max_chars):
            break
        items += 1
    # A header whose headlines run to the end of the body is the related-stories box under
    # the story, even with one headline ("Mehr zum Thema" / "Sturmflut im Januar: ..."); a
    # subheading with one short line under it, mid-story, stays.
    ends_body = items and index + items == len(paragraphs) - 1
    if items >= rule.min_items or ends_body:
        return items
    return _card_items(rule, paragraphs[index + 1 :])


# A related-stories box may give each headline its standfirst ("More from The Nation" /
# "Mike Johnson's Art of the Deal" / "Kevin McCarthy drew the ire of ..."): under a list
# header, headlines each followed by at most one short sentence, to the end of the body.
# A story's closing section has longer paragraphs, or a first line that is no headline.
_CARDS_MIN = 3  # headlines: two headline-and-sentence pairs could be a story's own subheadings
_CARD_TEXT_MAX_CHARS = 220  # a card's standfirst: one or two sentences, not a story's paragraph


def _card_items(rule: Rule, rest: list[str]) -> int:
    """How many paragraphs (all of ``rest``) a box of headline cards takes, or 0."""
    if len(rest) > 2 * rule.max_items:
        return 0
    position = headlines = 0
    while position < len(rest):
        if not is_headline_like(rest[position], rule.item_max_chars):
            return 0
        headlines += 1
        position += 1
        if (position < len(rest) and not is_headline_like(rest[position], rule.item_max_chars)
                and len(rest[position]) <= _CARD_TEXT_MAX_CHARS):
            position += 1
    return position if headlines >= _CARDS_MIN else 0


_SENTENCE_END = (".", "!", ":", ";", "…", ".”", ".\"", ".’", "!”", ".»")


def is_headline_like(paragraph: str, max_chars: int) -> bool:
    """Short, and not ending like a sentence: how headline links read ("?" is allowed)."""
    return len(paragraph) <= max_chars and not paragraph.endswith(_SENTENCE_END) and any(c.isalpha() for c in paragraph)


def _apply(rule: Rule, paragraph: str, index: int, removed: list[dict],
           function_words: frozenset[str] | None = None) -> str:
    """Apply one gated rule to one paragraph; return what is left (the same object if nothing).
    With ``function_words``, a teaser cut to the end gives back the story's sentence run onto it."""
    if rule.kind == "line":
        if rule.max_chars is not None and len(paragraph) > rule.max_chars:
            return paragraph
        if rule.regex.fullmatch(paragraph):
            if rule.family == "credit" and len(paragraph.split()) > _GLUE_CREDIT_MAX_WORDS:
                # a credit's pattern takes any words: a caption may follow its names ("Фото: Анна
                # Левина Волонтёры убирают пляж ...", "Fot. Michał Zając Wolontariusze sprzątają ...")
                rest = _cut_credit_to_name(paragraph, [rule], index, removed)
                if rest is not None:
                    return rest
            # a teaser's line, label and colon, may have the story's next sentence run on ("À voir
            # aussi : Nos conseils pour une rentrée sans stressLes kits seront distribués ...")
            resumes = (story_resumes(paragraph, function_words, loose=False)
                       if rule.family == "aggregator" and function_words is not None
                       and label_mark(paragraph) >= 0 else None)
            if resumes is not None and _unquoted_or_ends_quoted(paragraph[:resumes]):
                removed.append({"rule": rule.id, "text": paragraph[:resumes].strip(), "para": index})
                return paragraph[resumes:]
            removed.append({"rule": rule.id, "text": paragraph, "para": index})
            return ""
        return paragraph
    match = rule.regex.search(paragraph)
    if match is None:
        return paragraph
    while match:
        end = match.end()
        if end == len(paragraph) and rule.family == "aggregator" and function_words is not None:
            # a teaser cut to the paragraph's end may have the story's next sentence run onto it
            resumes = story_resumes(match.group(0), function_words)
            end = match.start() + resumes if resumes is not None else end
        removed.append({"rule": rule.id, "text": paragraph[match.start():end].strip(), "para": index})
        paragraph = (paragraph[: match.start()] + " " + paragraph[end:]).strip()
        paragraph = " ".join(paragraph.split())
        match = rule.regex.search(paragraph) if paragraph else None
    return paragraph

