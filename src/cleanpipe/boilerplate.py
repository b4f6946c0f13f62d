"""Boilerplate stripping: apply compiled rules to paragraphs and record every removal."""

import bisect
import itertools
import re
from collections import Counter

from cleanpipe.document import Document
from cleanpipe.rules import Lexicon, Rule, rule_family, rule_index

TITLE_REPEAT = "structure.title-repeat"  # built in: a structural check, not a text pattern
MACHINE_TEXT = "structure.machine-text"  # built in: the page's URL, an image URL or an ISO timestamp as a paragraph
REPEATED_BLOCK = "structure.repeated-block"  # built in: a later verbatim copy of a run of prose paragraphs
HEAD_HEADLINE = "structure.head-headline"  # built in: a headline-shaped line between a scrape's title and its story


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
    page_url = _fold_url(doc.url) if doc.url else None
    if page_url and "/" not in page_url:
        page_url = None  # a site's home page in a footer ("www.example.org") is its address, not leaked metadata
    owner, owned = None, 0  # a list rule, and how many more paragraphs under it it owns
    for index, paragraph in enumerate(paragraphs):
        if owned:
            owned -= 1
            doc.removed.append({"rule": owner.id, "text": paragraph, "para": index})
            continue
        if is_machine_text(paragraph, page_url):
            doc.removed.append({"rule": MACHINE_TEXT, "text": paragraph, "para": index})
            continue
        if not kept and _fold_title(paragraph) in titles:
            # HTML extraction keeps the h1: the first paragraph left, repeating the title, goes.
            doc.removed.append({"rule": TITLE_REPEAT, "text": paragraph, "para": index})
            continue
        in_head = index < head_window
        in_tail = index >= count - tail_window
        remainder = paragraph
        glue_rules = []  # line rules whose gate opened but that did not take the whole paragraph
        # Gates are checked once on the whole paragraph: a cut only removes text, so a
        # rule whose gate was shut stays shut, and the regex decides for the rest.
        for rule in candidates(paragraph.casefold()):
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
            stripped = _apply(rule, remainder, index, doc.removed)
            if stripped is not remainder:
                remainder = stripped
                if not remainder:
                    break
        if remainder and glue_rules:
            remainder = cut_glued(remainder, glue_rules, index, doc.removed)
        if remainder:
            kept.append((remainder, index))
    _sweep_tail(kept, count, tail_window, candidates, doc.removed)
    if lexicon is not None:  # after the rules, which name what they know better
        kept = [(left, index) for paragraph, index in kept
                if (left := _cut_by_lexicon(paragraph, paragraphs[index], lexicon, index, doc.removed))]
    if not doc.from_html and doc.title:
        _drop_head_headlines(kept, head_window, doc.removed)
    _drop_repeated_blocks(kept, doc.removed)
    doc.paragraphs = [paragraph for paragraph, _ in kept]
    doc.origins = [index for _, index in kept]
    doc.removed.sort(key=lambda removal: removal["para"])  # stable: document order
    return doc


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


# Where a sentence may start inside a paragraph: after a sentence end, with or without the
# space a scrape loses when it glues a caption on ("...getragen.Foto: dpa").
# A quote or bracket counts only after a full stop: an opening quote ends nothing.
_SENTENCE_BREAK = re.compile(r"(?:(?<=[.!?…])|(?<=[.!?…][»”\"'’)]))(?:\s+(?=\S)|(?=[^\W\d_]|©))")
_WORD_BREAK = re.compile(r"\s+(?=\S)")
_GLUE_MAX_CHARS = 200  # a glued label or call to action is one short line; longer is story text
# A glued opening is a label ("Advertisement", "Foto: dpa"): in longer openings a capitalised
# word is as likely a German noun or a name inside the story's own first sentence
# ("Bild: So lautete die Überschrift des Boulevardblatts am nächsten Morgen, ...").
_GLUE_OPENING_MAX_WORDS = 2  # "Auch interessant: Die Lage ..." (three) is a sentence under a label


_QUOTES = frozenset('"„“”«»‚‘’')
_GLUE_SENTENCE_END = (".", "!", "?", "…", ".”", '."', ".’", "!”", "?”", ".»", ",", ";", ":", "–", "-")


def _starts_sentence(text: str) -> bool:
    """Whether ``text`` opens like a sentence: a capital, a digit, a quote, a © or a bracket."""
    return text[:1].isupper() or text[:1].isdigit() or text[:1] in "\"'„“«(©"


def cut_glued(paragraph: str, rules: list[Rule], index: int, removed: list[dict]) -> str:
    """Cut junk lines a scrape glued onto a paragraph of the story, each under its line rule.

    A line rule takes a whole paragraph; scrapes often lose the break between junk and story:
    "...the factory. Share this article", "Advertisement The station's helm said...",
    "...getragen.Foto: dpa". The last sentence of the paragraph, if it does not end like a
    sentence, is tried whole against the rules whose gate opened on it; and each sentence's
    opening words (two at most, not ending in punctuation) before a capital letter are
    tried against the ``where = "any"`` rules:
    head and tail rules go by a paragraph's position and shape, which a sentence does not have.
    A cut is recorded under the rule that matched, like any removal.

    Args:
        paragraph: what is left of one paragraph after the rules.
        rules: the line rules whose gates opened on it and whose window it is in.
        index: the paragraph's index, for the removal records.
        removed: the document's removal list, appended to.

    Returns:
        The paragraph without the glued junk (the same object when nothing was cut).
    """
    # A break with no space must open on a capital letter or a © (checked by the pattern: a
    # letter or ©; here: a capital), so "Mr." or "3.5" never split.
    starts = [0] + [m.end() for m in _SENTENCE_BREAK.finditer(paragraph)
                    if m.end() < len(paragraph) and _starts_sentence(paragraph[m.end():])
                    and (m.start() < m.end() or paragraph[m.end()].isupper() or paragraph[m.end()] == "©")]
    if len(starts) == 1 and not any(rule.where == "any" for rule in rules):
        return paragraph
    ends = starts[1:] + [len(paragraph)]
    pieces, cut = [], False
    for start, end in zip(starts, ends):
        sentence = paragraph[start:end].strip()
        # A glued line is a label or a call to action: a sentence ending like one ("The
        # leaflet was blunt. Read more: the council's report is online.") is the story's, and
        # so is reported speech ("Mehr zum Thema: „Wir sind am Limit“, sagte die Sprecherin");
        # rules that take such glued sentences are ``fragment`` rules, written for it.
        junk = None
        if len(starts) > 1 and not sentence.endswith(_GLUE_SENTENCE_END) and not _QUOTES.intersection(sentence):
            junk = _whole_match(sentence, rules)
        if junk is not None:
            removed.append({"rule": junk.id, "text": sentence, "para": index})
            cut = True
            continue
        sentence, prefix_cut = _cut_glued_prefix(sentence, rules, index, removed)
        cut = cut or prefix_cut
        if sentence:
            pieces.append(sentence)
    return " ".join(pieces) if cut else paragraph


def _whole_match(text: str, rules: list[Rule]) -> Rule | None:
    """The first rule that takes ``text`` whole, if any."""
    if len(text) > _GLUE_MAX_CHARS:
        return None
    for rule in rules:
        if (rule.max_chars is None or len(text) <= rule.max_chars) and rule.regex.fullmatch(text):
            return rule
    return None


def _cut_glued_prefix(sentence: str, rules: list[Rule], index: int, removed: list[dict]) -> tuple[str, bool]:
    """Cut the longest opening of ``sentence`` that an ``any`` rule takes whole and a capitalised word follows."""
    anywhere = [rule for rule in rules if rule.where == "any"]
    if not anywhere:
        return sentence, False
    breaks = [m.end() for m in itertools.islice(_WORD_BREAK.finditer(sentence), _GLUE_OPENING_MAX_WORDS)
              if sentence[m.end()].isupper()]
    for position in reversed(breaks):
        opening = sentence[:position].strip()
        if opening.endswith(_GLUE_SENTENCE_END):
            continue  # "Facebook, Twitter, TikTok: who is liable?" is a heading, not a share bar
        rule = _whole_match(opening, anywhere)
        if rule is not None:
            removed.append({"rule": rule.id, "text": opening, "para": index})
            return sentence[position:], True
    return sentence, False


# The lexicon check: a short paragraph made of little but chrome words is chrome, whatever its
# wording ("Partager sur Facebook Twitter WhatsApp", "© 2024 Diario La Meseta. Todos los
# derechos reservados.", "Слідкуйте за нами в Telegram"). Story prose is made of other words:
# its verbs and nouns are in no family's vocabulary, so it never reaches the ratio.
_LEXICON_MAX_WORDS = 40  # a cookie banner's sentence runs to ~40 words; a chrome line is shorter
_LEXICON_MAX_CHARS = 320
_LEXICON_MIN_HITS = 2  # one chrome word is a story's ("the newsletter", "a photo"); two with nothing else is a line of chrome
_LEXICON_HITS_PER_UNKNOWN = 3  # "Share on Facebook Twitter WhatsApp": 4 chrome words, 0 others; a sentence about sharing has a verb and an object of its own
_LEXICON_BUTTON_WORDS = 2  # "Alle akzeptieren", "Поширити", "Comments": a button label of one or two words, all chrome
_LEXICON_SENTENCE_HITS_PER_UNKNOWN = 4  # "Video razošlos' po Telegram i VKontakte.": a verb of its own among three chrome words
# Articles and third-person pronouns open a statement (not "we" and "you": "We use cookies
# to ...", "You can unsubscribe at any time." are chrome).
_STATEMENT_OPENINGS = frozenset({"the", "a", "an", "he", "she", "it", "they", "der", "die", "das", "ein", "eine", "er",
                                 "sie", "es", "le", "la", "les", "l'", "un", "une", "il", "elle", "ils", "elles", "el",
                                 "los", "las", "él", "ella", "ellos", "lo", "gli", "lui", "lei", "loro", "o", "os", "as",
                                 "um", "uma", "ele", "ela", "eles", "elas", "de", "het", "een", "hij", "zij", "ze",
                                 "on", "ona", "ono", "oni", "one", "он", "она", "оно", "они", "він", "вона", "воно", "вони"})
# A line opening on an article is a noun phrase, a subheading ("The app", "Die App", "Les abonnés"), not a button.
_ARTICLES = frozenset({"the", "a", "an", "der", "die", "das", "ein", "eine", "le", "la", "les", "l'", "un", "une", "el", "los",
                       "las", "il", "lo", "gli", "uno", "o", "os", "as", "um", "uma", "de", "het", "een"})
# Capitalised words in a run that no vocabulary lists are a name (the outlet's, the agency's:
# "© 2024 Diario La Meseta", "Photo: Jan Kowalski") and not counted. A capitalised word
# alone is a word of its own: in German every noun is capitalised, and
# "Lesen Sie mehr über das Projekt auf der Website der Stadt" is a sentence. A word in
# capitals longer than an acronym is a shouted heading's ("FULL INQUIRY"), a word of its own.
_ACRONYM_MAX = 4
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_APOSTROPHE = re.compile(r"(?<=[^\W\d_])’(?=[^\W\d_])")  # "l’article", "don’t": an apostrophe, not a quote
_WORD_TOKEN = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_WEB_ADDRESS = re.compile(r"(?:https?://)?(?:[\w-]+\.)+[a-z]{2,6}\b(?:/\S*)?", re.IGNORECASE)
_COPYRIGHT_SIGNS = ("©", "ⓒ")
# A number and its suffix or currency are no word: "1.2k shares", "00:58", "R$ 1,90", "9,90 zł".
_NUMBER = re.compile(r"(?:R\$|US\$|[€£$₽₴]|\b(?:zł|грн|руб|(?i:euros?|eur))\b\.?|\d[\w.,:]*)")
# A short span in quotation marks is a name, not a quote: "Подпишитесь на рассылку «Вечернего
# Приволжска» и ...", 'Click "Accept all" to ...'; a longer one, or one closing a clause
# ("„Wir sind am Limit“, sagte sie"), is reported speech.
_QUOTED_NAME = re.compile(r"[«„“\"‚‘]([^\W\d_][^«»„“”\"‚‘’]{0,40}?)[»“”\"‘’](?=\W|$)(?!\s*[,.!?])")


def lexicon_rule(text: str, lexicon: Lexicon) -> str | None:
    """The lexicon rule that takes ``text`` as chrome, if any.

    Words are counted after dropping web addresses and numbers: function words are
    ignored, capitalised words in a run that no vocabulary lists are a name (an outlet's,
    an agency's) and ignored too; the rest are chrome words (in a family's ``[lexicon]``)
    or other words. Text in quotation marks, or a question, is the story's, never chrome.

    Args:
        text: a paragraph or a sentence of one.
        lexicon: from :func:`cleanpipe.rules.load_lexicon`.

    Returns:
        ``"<lang>.<family>.lexicon"`` of the vocabulary with most words in ``text`` (the
        first pack on a tie), or None when the text is not made of chrome words.
    """
    counted = _lexicon_counts(text, lexicon)
    if counted is None:
        return None
    hits, total, unknown, words = counted
    stripped = text.strip()
    ratio = _LEXICON_HITS_PER_UNKNOWN
    if stripped.endswith(_FULL_STOP_END):
        # A sentence with a full stop is held to more: a statement about chrome opens on its
        # subject ("She posted the video on Facebook and TikTok.", "The app sends push alerts
        # to subscribers."), chrome on a verb, a label or a sign ("Subscribe to our
        # newsletter.", "This article originally appeared on ...", "© 2024 ...").
        if stripped.split(maxsplit=1)[0].casefold() in _STATEMENT_OPENINGS:
            return None
        ratio = _LEXICON_SENTENCE_HITS_PER_UNKNOWN
    chrome = (total >= _LEXICON_MIN_HITS and total >= ratio * unknown) or (
        words <= _LEXICON_BUTTON_WORDS and total >= 1 and unknown == 0 and not text.strip().endswith(_PROSE_END)
        and text.split(maxsplit=1)[0].casefold() not in _ARTICLES)
    if chrome or (total >= 1 and _is_link_row(text)):
        return hits.most_common(1)[0][0]
    return _labelled_teaser(text, lexicon)


_LINK_ROW = re.compile(r"\s+[|·•]\s+")
_LINK_ROW_MIN_ITEMS, _LINK_ROW_MAX_ITEM_WORDS = 3, 4


def _is_link_row(text: str) -> bool:
    """Three or more short items between bars or dots: a footer's or a menu's links
    ("Regulamin | Polityka prywatności | Kontakt | Reklama")."""
    items = _LINK_ROW.split(text.strip())
    return len(items) >= _LINK_ROW_MIN_ITEMS and all(0 < len(item.split()) <= _LINK_ROW_MAX_ITEM_WORDS for item in items)


def _lexicon_counts(text: str, lexicon: Lexicon) -> tuple[Counter, int, int, int] | None:
    """Chrome words per lexicon rule, chrome words, other words, and all words of ``text`` (None: never chrome)."""
    text = text.strip()
    if len(text) > _LEXICON_MAX_CHARS or text.endswith("?") or text.count(" ") >= _LEXICON_MAX_WORDS:
        return None  # a question ("Facebook, Twitter, TikTok: who is liable?") is the story's
    text = _APOSTROPHE.sub("'", text)
    if not _QUOTES.isdisjoint(text):
        text = _QUOTED_NAME.sub(" ", text)
    if _QUOTES.intersection(text):
        return None  # a quote is the story's
    matches = list(_WORD_TOKEN.finditer(_NUMBER.sub(" ", _WEB_ADDRESS.sub(" ", text))))
    if not matches or len(matches) > _LEXICON_MAX_WORDS:
        return None
    words = [match.group() for match in matches]
    folded = [word.casefold() for word in words]
    rule_ids = [_rules_of(word, lexicon) for word in folded]
    names = _names(matches, folded, rule_ids, lexicon)
    hits: Counter = Counter()
    unknown = chrome_words = 0
    for position, word in enumerate(folded):
        if word in lexicon.function_words:
            continue
        if rule_ids[position]:
            hits.update(rule_ids[position])  # a network name is every pack's; the language's own words decide
            chrome_words += 1
        elif not names[position]:
            unknown += 1
    if any(sign in text for sign in _COPYRIGHT_SIGNS) and lexicon.rules_of("©"):
        hits.update(lexicon.rules_of("©"))
        chrome_words += 1
    return hits, chrome_words, unknown, len(words)


def _rules_of(word: str, lexicon: Lexicon) -> tuple[str, ...]:
    """A folded word's lexicon ids, trying the word after an elided article ("l'application")."""
    rule_ids = lexicon.rules_of(word)
    if not rule_ids and "'" in word:
        rule_ids = lexicon.rules_of(word.rsplit("'", 1)[1])
    return rule_ids


_TITLE_CASE_MIN_WORDS = 4
# Small words inside a name: "L'Écho du Littoral", "Gazzetta delle Colline", "Jan van Berg".
_NAME_PARTICLES = frozenset({"de", "du", "des", "del", "della", "delle", "dei", "degli", "di", "da", "do", "dos",
                             "van", "von", "y", "e", "i"})


def _names(matches: list, folded: list[str], rule_ids: list, lexicon: Lexicon) -> list[bool]:
    """Which words are part of a name: capitalised words in no vocabulary, in a run of two or
    more capitals that capitalised function words and name particles may join ("Diario La
    Meseta", "Courrier des Vallées", "The Conversation"). A word opening the text is capitalised as a sentence's; a capitalised chrome
    word ("Bild") joins no name: "Bild: dpa Auch Herbert Grönemeyer gehört zu den Unterstützern"."""
    count = len(folded)
    capital = [match.start() > 0 and match.group()[0].isupper()
               and not (match.group().isupper() and len(match.group()) > _ACRONYM_MAX) for match in matches]
    # In a headline set in title case every word has a capital, which then says nothing of names:
    # "The Stadia Controller Is Only Necessary For Playing On A TV" is no chrome line.
    content = [i for i in range(1, count) if folded[i] not in lexicon.function_words]
    if len(content) >= _TITLE_CASE_MIN_WORDS and all(matches[i].group()[0].isupper() for i in content):
        return [False] * count
    name_like = [capital[i] and not rule_ids[i] and folded[i] not in lexicon.function_words for i in range(count)]
    # Russian and Ukrainian names lower-case their second word ("Северная панорама",
    # "Поліський вісник"): a lone Cyrillic capital and the word after it are a name.
    for i in range(1, count):
        if (name_like[i - 1] and not capital[i] and not rule_ids[i] and folded[i] not in lexicon.function_words
                and _CYRILLIC.match(folded[i]) and _CYRILLIC.match(folded[i - 1]) and not (i > 1 and capital[i - 2])):
            name_like[i] = True
    names = [False] * count
    start = 0
    while start < count:
        if not name_like[start]:
            start += 1
            continue
        end, members = start, [start]
        # "The Conversation", "De Rivierenkoerier": a capitalised article before it counts too.
        capitals = 1 + (start > 0 and capital[start - 1] and folded[start - 1] in lexicon.function_words)
        while end + 1 < count:
            following = end + 1
            if name_like[following]:
                members.append(following)
                capitals += 1
            elif capital[following] and folded[following] in lexicon.function_words:
                capitals += 1
            elif folded[following] not in _NAME_PARTICLES:
                break
            end = following
        if capitals >= 2:
            for member in members:
                names[member] = True
        start = end + 1
    return names


_LABEL_MAX_WORDS = 4  # "Voir la vidéo", "Read more", "Lesen Sie auch", "Смотрите также"
# A label may end in a full stop when it is one word in capitals or an abbreviation:
# "VIDÉO. Les flammes visibles ...", "Fot. Marek Zawadzki".
_DOTTED_LABEL = re.compile(r"(?:[^\W\d_a-z]{2,}|[^\W\d_]{2,4})\. ?")
_TEASER_MAX_WORDS = 20
# A one-word label is a credit's, a video's or a share bar's ("Photo:", "Video:", "Share:");
# other one-word labels head the story's own lines ("Published: The Collected Letters")
# unless chrome words follow ("Источник: Северная панорама. Читать полностью").
_ONE_WORD_LABEL_FAMILIES = frozenset({"credit", "video", "share"})


def _labelled_teaser(text: str, lexicon: Lexicon) -> str | None:
    """The lexicon rule of a chrome label before a colon with a headline after it, if any.

    "Voir la vidéo : Au petit matin, la criée en images", "Read more: Ambulance service
    declares critical incident", "Photo: Anna Weber": the label is all chrome words, and
    what follows is a headline or a name (no full stop). A sentence after a label ("Photo:
    the headquarters was evacuated last month, a spokesperson said.") is the story's.
    """
    label, colon, rest = text.partition(":")
    dotted = _DOTTED_LABEL.match(text)
    if dotted and (not colon or dotted.end() < len(label)):
        label, colon, rest = dotted.group().rstrip(" ."), ".", text[dotted.end():]
    rest = rest.strip()
    if not colon or not rest or rest.endswith(_PROSE_END) or _QUOTES.intersection(_QUOTED_NAME.sub(" ", rest)):
        return None
    label_words = _WORD_TOKEN.findall(label)
    if not label_words or len(label_words) > _LABEL_MAX_WORDS or len(_WORD_TOKEN.findall(rest)) > _TEASER_MAX_WORDS:
        return None
    rules = [lexicon.rules_of(word.casefold()) for word in label_words if word.casefold() not in lexicon.function_words]
    if not rules or not all(rules):
        return None
    if len(rules) == 1 and not any(rule_family(r) in _ONE_WORD_LABEL_FAMILIES for r in rules[0]) and not any(
            lexicon.rules_of(word.casefold()) for word in _WORD_TOKEN.findall(rest)):
        return None
    rule_id = Counter(rule_id for ids in rules for rule_id in ids).most_common(1)[0][0]
    if rule_family(rule_id) == "credit" and not _names_only(rest, lexicon):
        return None  # a credit names people and agencies: "Foto: So lautete die Überschrift ..." is a sentence
    return rule_id


def _names_only(text: str, lexicon: Lexicon) -> bool:
    """Whether every word is capitalised, a function or chrome word, or follows a slash ("Anna Weber/dpa")."""
    for match in _WORD_TOKEN.finditer(text):
        word = match.group()
        if not (word[0].isupper() or word.casefold() in lexicon.function_words or lexicon.rules_of(word.casefold())
                or text[:match.start()].rstrip().endswith("/")):
            return False
    return True


def _cut_by_lexicon(paragraph: str, whole: str, lexicon: Lexicon, index: int, removed: list[dict]) -> str:
    """Remove the paragraph, or the chrome glued into it, when the lexicon check takes it.

    ``whole`` is the paragraph before fragment rules cut it: when the lexicon takes the
    whole line, the remnant a fragment rule left ("Diario La Meseta. Todos los derechos
    reservados." after "© 2024" went) goes too.
    """
    # One scan finds the chrome words; most paragraphs have none or one, and need no more.
    chrome = _chrome_words(paragraph, lexicon)
    signed = any(sign in paragraph for sign in _COPYRIGHT_SIGNS)
    if not chrome and not signed and whole is paragraph:
        return paragraph
    rule_id = lexicon_rule(paragraph, lexicon) if _may_be_chrome(paragraph, len(chrome) + signed) else None
    if rule_id is None and whole is not paragraph:
        rule_id = lexicon_rule(whole, lexicon)
    if rule_id is not None:
        removed.append({"rule": rule_id, "text": paragraph, "para": index})
        return ""
    if not chrome and not signed:
        return paragraph
    if (len(chrome) == 1 and not signed and not chrome[0][1] and _BUTTON_REACH <= chrome[0][0] < len(paragraph) - _BUTTON_REACH
            and not any(mark in paragraph for mark in ":|·•")):
        # One chrome word, no label, no sign, no capitals: only a button glued on at either
        # end could go ("... beide markten bevallen. Delen"), and this one stands inside.
        return paragraph
    # Chrome glued on with its break lost: a whole sentence of it ("... beide markten bevallen.
    # Lees het volledige artikel op rivierenkoerier.nl", "Jetzt Newsletter abonnieren! Die
    # Preise ..."; one ending in a full stop must be chrome words and names alone, three at
    # least: "... the factory. This article originally appeared on The Ledger Post."), a
    # chrome opening before the story resumes, or a shouted advert label inside a sentence.
    starts = _sentence_starts(paragraph)
    positions = [start for start, _ in chrome]
    pieces, cut = [], False
    for start, end in zip(starts, starts[1:] + [len(paragraph)]):
        sentence = paragraph[start:end].strip()
        first, last = bisect.bisect_left(positions, start), bisect.bisect_left(positions, end)
        count = last - first + any(sign in sentence for sign in _COPYRIGHT_SIGNS)
        if not count:
            pieces.append(sentence)
            continue
        if len(starts) > 1:
            if sentence.endswith(_FULL_STOP_END):
                rule_id = _all_chrome(sentence, lexicon) if count >= _GLUED_TAIL_MIN_HITS else None
            else:
                rule_id = lexicon_rule(sentence, lexicon) if _may_be_chrome(sentence, count) else None
            if rule_id is not None:
                removed.append({"rule": rule_id, "text": sentence, "para": index})
                cut = True
                continue
        opening = _WORD_TOKEN.search(paragraph, start)
        if opening is not None and first < last and positions[first] == opening.start():
            sentence, head_cut = _cut_glued_head(sentence, lexicon, index, removed)
            cut = cut or head_cut
        if any(shouted for _, shouted in chrome[first:last]):
            sentence, label_cut = _cut_shouted_labels(sentence, lexicon, index, removed)
            cut = cut or label_cut
        if sentence:
            pieces.append(sentence)
    return " ".join(pieces) if cut else paragraph


def _may_be_chrome(text: str, chrome: int) -> bool:
    """A cheap bound before the count: two chrome words, or one in a button, a label or a link row."""
    return chrome >= _LEXICON_MIN_HITS or (chrome == 1 and (
        text.count(" ") < _LEXICON_BUTTON_WORDS or ":" in text or "|" in text or "·" in text or "•" in text
        or _DOTTED_LABEL.match(text) is not None))


def _chrome_words(text: str, lexicon: Lexicon) -> list[tuple[int, bool]]:
    """Where each chrome word of ``text`` starts, and whether it is in capitals (a shouted label)."""
    return [(start, stop - start >= 4 and text[start:stop].isupper()) for start, stop in lexicon.find(text.lower())]


_FULL_STOP_END = (".", "…", ".”", '."', ".’", ".»")
_BUTTON_REACH = 30  # characters from either end of a paragraph where a glued one- or two-word button can stand
# "... bold this summer ADVERTISEMENT and have asked ...": a share-family word in capitals
# between two lower-case words is an advert label the scrape ran into the sentence.
_SHOUTED_LABEL = re.compile(r"(?:(?<=[^\W\d_] )|(?<=, ))([^\W\d_a-z]{4,})(?= [^\W\d_])")


def _cut_shouted_labels(sentence: str, lexicon: Lexicon, index: int, removed: list[dict]) -> tuple[str, bool]:
    """Cut share-family words in capitals standing between lower-case words of a sentence."""
    cut = False
    for match in reversed(list(_SHOUTED_LABEL.finditer(sentence))):
        word = match.group(1)
        before, after = sentence[:match.start(1)].rstrip(), sentence[match.end(1):].lstrip()
        if not (word.isupper() and (before[-1:].islower() or before[-1:] == ",") and after[:1].islower()):
            continue
        rule_ids = [r for r in lexicon.rules_of(word.casefold()) if rule_family(r) == "share"]
        if rule_ids:
            removed.append({"rule": rule_ids[0], "text": word, "para": index})
            sentence, cut = before + " " + after, True
    return sentence, cut


_GLUED_TAIL_MIN_HITS = 3  # "This article originally appeared on ...": a story's last sentence is never three chrome words and names alone


def _all_chrome(text: str, lexicon: Lexicon) -> str | None:
    """The lexicon rule of a sentence made of chrome words, function words and names alone."""
    counted = _lexicon_counts(text, lexicon)
    if counted is None:
        return None
    hits, total, unknown, _ = counted
    return hits.most_common(1)[0][0] if unknown == 0 and total >= _GLUED_TAIL_MIN_HITS else None


_GLUED_HEAD_MIN_REST_WORDS = 6  # what follows a glued head is a sentence of the story


def _cut_glued_head(sentence: str, lexicon: Lexicon, index: int, removed: list[dict]) -> tuple[str, bool]:
    """Cut a chrome opening of ``sentence`` up to where the story resumes.

    The head is a label and its headline's first word ("Read more: Ambulance ..."), or the
    first two words; the break is the first capital after it that follows a lower-case word.
    The opening goes when it is a chrome label with a headline or a credit's names after it
    (:func:`_labelled_teaser`: "Bild: So lautete die Überschrift ..." is a sentence, not a
    name), or chrome words, function words and names alone, three chrome words at least.
    """
    matches = list(_WORD_TOKEN.finditer(sentence))
    colon = sentence.find(":")
    head = 2
    if 0 < colon:
        head = next((i for i, m in enumerate(matches) if m.start() > colon), len(matches)) + 1
    # The story resumes at a capital after a lower-case word that is not a function word:
    # "... as calls surge Campaigners said", "Bild: Lena Voskuhl/stadtfunk Der nächste ...";
    # inside a name ("Foto: Sanne de Wit") a capital follows a capital or a particle.
    position = next((i for i in range(max(head, 1), len(matches)) if matches[i].group()[0].isupper()
                     and matches[i - 1].group()[0].islower()
                     and matches[i - 1].group().casefold() not in lexicon.function_words), None)
    if position is None or len(matches) - position < _GLUED_HEAD_MIN_REST_WORDS:
        return sentence, False
    word = matches[position]
    opening = sentence[:word.start()].strip()
    if opening.endswith(_PROSE_END):
        return sentence, False
    rule_id = _labelled_teaser(opening, lexicon) if 0 < colon < word.start() else _all_chrome(opening, lexicon)
    if rule_id is None:
        return sentence, False
    removed.append({"rule": rule_id, "text": opening, "para": index})
    return sentence[word.start():], True


_ABBREVIATIONS = frozenset({"mr", "mrs", "ms", "dr", "prof", "st", "vs", "no", "nr", "bzw", "z.b", "usw", "etc", "ca",
                            "sr", "jr", "gen", "sen", "rep", "gov", "lt", "col", "sgt", "inc", "ltd", "co", "ul", "św",
                            "ks", "im", "др", "ст", "им", "г", "ул", "вул", "пр", "т.е", "т.д"})


def _sentence_starts(paragraph: str) -> list[int]:
    """Where each sentence of the paragraph starts (the first at 0); a label such as "Fot." or
    "VIDÉO." starts no sentence after it."""
    starts = [0]
    for m in _SENTENCE_BREAK.finditer(paragraph):
        if m.end() < len(paragraph) and _starts_sentence(paragraph[m.end():]) and (
                m.start() < m.end() or paragraph[m.end()].isupper() or paragraph[m.end()] == "©"):
            before = paragraph[starts[-1]:m.start()].split()
            if before and before[-1].rstrip(".").casefold() in _ABBREVIATIONS:
                continue  # "bzw. Copyright", "Dr. Weber": no sentence ends there
            if not _DOTTED_LABEL.fullmatch(paragraph[starts[-1]:m.end()].strip()):
                starts.append(m.end())
    return starts


# A headline-shaped line: a video player's or a teaser's title, not a sentence of the story.
_HEADLINE_MIN_WORDS, _HEADLINE_MAX_WORDS = 3, 20  # "Watch: flood water pours through high street" has 7
_HEADLINE_MAX_CHARS = 160
# First words of a byline or a dateline ("By Jane Smith", "Von Anna Weber"): they stand where a
# video title does, but they name who wrote the story, and gold sets keep them.
_BYLINE_WORDS = frozenset({"by", "von", "par", "por", "di", "door", "przez", "od", "автор", "автор:", "від"})


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
    drop = [i for i, (paragraph, index) in enumerate(kept[:first_prose])
            if index < head_window and _is_second_headline(paragraph)]
    for i in reversed(drop):
        paragraph, index = kept.pop(i)
        removed.append({"rule": HEAD_HEADLINE, "text": paragraph, "para": index})


def _is_second_headline(paragraph: str) -> bool:
    """Short, capitalised, several words, not ending like a sentence, not a byline or a quote."""
    words = paragraph.split()
    return (_HEADLINE_MIN_WORDS <= len(words) <= _HEADLINE_MAX_WORDS and len(paragraph) <= _HEADLINE_MAX_CHARS
            and (paragraph[0].isupper() or paragraph[0].isdigit())
            and not paragraph.endswith(_SENTENCE_END)
            and words[0].casefold() not in _BYLINE_WORDS)


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
_PROSE_END = (".", "!", "?", "…", ".”", '."', ".’", "!”", "?”", ".»")


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
    return len(paragraph) >= _PROSE_MIN_CHARS and paragraph.endswith(_PROSE_END)


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
    return items if items >= rule.min_items or ends_body else 0


_SENTENCE_END = (".", "!", ":", ";", "…", ".”", ".\"", ".’", "!”", ".»")


def is_headline_like(paragraph: str, max_chars: int) -> bool:
    """Short, and not ending like a sentence: how headline links read ("?" is allowed)."""
    return len(paragraph) <= max_chars and not paragraph.endswith(_SENTENCE_END) and any(c.isalpha() for c in paragraph)


def _apply(rule: Rule, paragraph: str, index: int, removed: list[dict]) -> str:
    """Apply one gated rule to one paragraph; return what is left (the same object if nothing)."""
    if rule.kind == "line":
        if rule.max_chars is not None and len(paragraph) > rule.max_chars:
            return paragraph
        if rule.regex.fullmatch(paragraph):
            removed.append({"rule": rule.id, "text": paragraph, "para": index})
            return ""
        return paragraph
    match = rule.regex.search(paragraph)
    if match is None:
        return paragraph
    while match:
        removed.append({"rule": rule.id, "text": match.group(0).strip(), "para": index})
        paragraph = (paragraph[: match.start()] + " " + paragraph[match.end():]).strip()
        paragraph = " ".join(paragraph.split())
        match = rule.regex.search(paragraph) if paragraph else None
    return paragraph

