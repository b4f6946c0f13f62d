"""The lexicon check: chrome recognised by its vocabulary, whatever its wording.

Each rule pack may list its family's vocabulary (``[lexicon] words``) and each language its
function words (``rules/<lang>/function_words.txt``, see :mod:`cleanpipe.rules`). A short
paragraph made of little but chrome words goes, as ``<lang>.<family>.lexicon``; so do a button,
a chrome label before a headline or a name, and chrome glued onto a sentence of the story.
:func:`cut_by_lexicon` is the step :func:`cleanpipe.boilerplate.strip_boilerplate` calls after
the regex rules; :func:`lexicon_rule` decides for one text.
"""

import bisect
import itertools
import re
from collections import Counter

from cleanpipe.rules import Lexicon, rule_family, rule_language
from cleanpipe.segment import DOTTED_LABEL, PROSE_END, QUOTES, SENTENCE_ENDS, sentence_starts

# The lexicon check: a short paragraph made of little but chrome words is chrome, whatever its
# wording ("Partager sur Facebook Twitter WhatsApp", "© 2024 Diario La Meseta. Todos los
# derechos reservados.", "Слідкуйте за нами в Telegram"). Story prose is made of other words:
# its verbs and nouns are in no family's vocabulary, so it never reaches the ratio.
_LEXICON_MAX_WORDS = 40  # a cookie banner's sentence runs to ~40 words; a chrome line is shorter
_LEXICON_MAX_CHARS = 320
_LEXICON_MIN_HITS = 2  # one chrome word is a story's ("the newsletter", "a photo"); two with nothing else is a line of chrome
_LEXICON_HITS_PER_UNKNOWN = 3  # "Share on Facebook Twitter WhatsApp": 4 chrome words, 0 others; a sentence about sharing has a verb and an object of its own
_LEXICON_BUTTON_WORDS = 2  # "Alle akzeptieren", "Поширити", "Comments": a button label of one or two words, all chrome
# A cookie banner's long sentence has verbs of its own ("We and our partners process personal
# data stored in cookies ..."), but half its words or more are the family's: six of them at least.
# A story about cookies names the thing two or three times among many words of its own.
_DENSE_MIN_HITS = 6
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
# Signs that stand for a chrome word: a copyright sign, a player's play sign ("▶ Lire la
# vidéo"). Each counts as the word its packs list it under.
_CHROME_SIGNS = {"©": "©", "ⓒ": "©", "▶": "▶", "►": "▶"}
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
        total >= _DENSE_MIN_HITS and total >= unknown) or (
        words <= _LEXICON_BUTTON_WORDS and total >= 1 and unknown == 0 and not text.strip().endswith(PROSE_END)
        and text.split(maxsplit=1)[0].casefold() not in _ARTICLES)
    if chrome or (total >= 1 and _is_link_row(text)):
        return hits.most_common(1)[0][0]
    return _labelled_teaser(text, lexicon)


_LINK_ROW = re.compile(r"\s+[|·•]\s+")
_LINK_ROW_MIN_ITEMS, _LINK_ROW_MAX_ITEM_WORDS = 3, 4
_TABLE_EDGES = ("|",)


def _is_link_row(text: str, min_items: int = _LINK_ROW_MIN_ITEMS, max_item_words: int = _LINK_ROW_MAX_ITEM_WORDS) -> bool:
    """Three or more short items between bars or dots: a footer's or a menu's links
    ("Regulamin | Polityka prywatności | Kontakt | Reklama"). A row that opens or closes on
    a bar is a table's ("| 1 | Kyle Busch | 5040 | 5 |"), the story's data."""
    if "|" not in text and "·" not in text and "•" not in text:
        return False  # most paragraphs: no separator, no split
    text = text.strip()
    if text[:1] in _TABLE_EDGES or text[-1:] in _TABLE_EDGES:
        return False
    items = _LINK_ROW.split(text)
    return len(items) >= min_items and all(0 < len(item.split()) <= max_item_words for item in items)


def _lexicon_counts(text: str, lexicon: Lexicon) -> tuple[Counter, int, int, int] | None:
    """Chrome words per lexicon rule, chrome words, other words, and all words of ``text`` (None: never chrome)."""
    text = text.strip()
    if (len(text) > _LEXICON_MAX_CHARS or text.endswith("?") or text.startswith("'")
            or text.count(" ") >= _LEXICON_MAX_WORDS):
        return None  # a question ("Facebook, Twitter, TikTok: who is liable?") or a quote opening on ' is the story's
    text = _APOSTROPHE.sub("'", text)
    if not QUOTES.isdisjoint(text):
        text = _QUOTED_NAME.sub(" ", text)
    if QUOTES.intersection(text):
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
    for listed in {listed for sign, listed in _CHROME_SIGNS.items() if sign in text}:
        if lexicon.rules_of(listed):
            hits.update(lexicon.rules_of(listed))
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
NAME_PARTICLES = frozenset({"de", "du", "des", "del", "della", "delle", "dei", "degli", "di", "da", "do", "dos",
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
            elif folded[following] not in NAME_PARTICLES:
                break
            end = following
        if capitals >= 2:
            for member in members:
                names[member] = True
        start = end + 1
    return names


_LABEL_MAX_WORDS = 4  # "Voir la vidéo", "Read more", "Lesen Sie auch", "Смотрите также"
_TEASER_MAX_WORDS = 20
# A one-word label is a credit's, a video's or a share bar's ("Photo:", "Video:", "Share:");
# other one-word labels head the story's own lines ("Published: The Collected Letters")
# unless chrome words follow ("Источник: Северная панорама. Читать полностью").
_ONE_WORD_LABEL_FAMILIES = frozenset({"credit", "video", "share"})


def _labelled_teaser(text: str, lexicon: Lexicon, glued: bool = False) -> str | None:
    """The lexicon rule of a chrome label before a colon with a headline after it, if any.

    "Voir la vidéo : Au petit matin, la criée en images", "Read more: Ambulance service
    declares critical incident", "Photo: Anna Weber": the label is all chrome words, and
    what follows is a headline or a name (no full stop). A sentence after a label ("Photo:
    the headquarters was evacuated last month, a spokesperson said.") is the story's.
    """
    label, colon, rest = text.partition(":")
    dotted = DOTTED_LABEL.match(text)
    if dotted and (not colon or dotted.end() < len(label)):
        label, colon, rest = dotted.group().rstrip(" ."), ".", text[dotted.end():]
    rest = rest.strip()
    label_words = _WORD_TOKEN.findall(label)
    if colon and len(label_words) == 1 and label_words[0].casefold() in lexicon.name_labels:
        # "Source: AFP.", "Джерело: Аграрний лан.": a source's names may end on a full stop
        names = rest[:-1].rstrip() if rest.endswith(".") and not rest.endswith("..") else rest
        if (names and not names.endswith(PROSE_END) and not QUOTES.intersection(_QUOTED_NAME.sub(" ", names))
                and _names_or_list(names, lexicon, short=not glued)):
            return lexicon.name_labels[label_words[0].casefold()][0]
    if not colon or not rest or rest.endswith(PROSE_END) or QUOTES.intersection(_QUOTED_NAME.sub(" ", rest)):
        return None
    if not label_words or len(label_words) > _LABEL_MAX_WORDS or len(_WORD_TOKEN.findall(rest)) > _TEASER_MAX_WORDS:
        return None
    folded = [word.casefold() for word in label_words if word.casefold() not in lexicon.function_words]
    if not all(lexicon.rules_of(word) or word in lexicon.label_words for word in folded):
        return None
    rules = [lexicon.rules_of(word) for word in folded if lexicon.rules_of(word)]
    if not rules:
        return None  # "News: ..." alone: a label word needs a chrome word beside it ("More news: ...")
    if len(folded) == 1 and not any(rule_family(r) in _ONE_WORD_LABEL_FAMILIES for r in rules[0]) and not any(
            lexicon.rules_of(word.casefold()) for word in _WORD_TOKEN.findall(rest)):
        return None
    rule_id = Counter(rule_id for ids in rules for rule_id in ids).most_common(1)[0][0]
    if rule_family(rule_id) == "credit" and not _names_only(rest, lexicon):
        return None  # a credit names people and agencies: "Foto: So lautete die Überschrift ..." is a sentence
    return rule_id


_NAME_LABEL_MAX_WORDS = 4  # "Source: AFP", "Fonte: agenzie", "Джерело: Сосновицька міська рада"
_LIST_SEPARATOR = re.compile(r"\s*[,;·|•]\s*")
_TAG_MAX_WORDS = 4  # "Tags: harbour, council budget, Ashford": a tag is a word or a short name


def _names_or_list(text: str, lexicon: Lexicon, short: bool = True) -> bool:
    """Whether what follows a name label is a source (names, or with ``short`` four words at
    most and none a function word: "Fonte: agenzie") or a list of short items. The opening
    of a glued sentence is judged without ``short``: in "Themen: Warum die Stadt jetzt
    handeln muss" the first words after the label are a subheading's."""
    words = [word.casefold() for word in _WORD_TOKEN.findall(text)]
    if short and len(words) <= _NAME_LABEL_MAX_WORDS and lexicon.function_words.isdisjoint(words) or _names_only(text, lexicon):
        return True
    items = _LIST_SEPARATOR.split(text)
    return len(items) >= 2 and all(0 < len(item.split()) <= _TAG_MAX_WORDS for item in items)


def _names_only(text: str, lexicon: Lexicon) -> bool:
    """Whether every word is capitalised, a function or chrome word, or follows a slash ("Anna Weber/dpa")."""
    for match in _WORD_TOKEN.finditer(text):
        word = match.group()
        if not (word[0].isupper() or word.casefold() in lexicon.function_words or lexicon.rules_of(word.casefold())
                or text[:match.start()].rstrip().endswith("/")):
            return False
    return True


def _cut_promo_run_on(sentence: str, lexicon: Lexicon, index: int, removed: list[dict]) -> tuple[str, bool]:
    """Cut a promo that opens a sentence inside a paragraph, unpunctuated, with the story's next
    sentence run on ("... since January. Get the Tidewell Today app for breaking news alerts
    Anglers are asked ..."): the story resumes as after a teaser (:func:`story_resumes`), and
    what comes before must be a call to action (:func:`_call_to_action`)."""
    resumes = story_resumes(sentence, lexicon.function_words, loose=False)
    if resumes is None:
        return sentence, False
    promo = sentence[:resumes].strip()
    rule_id = _call_to_action(promo, lexicon) if not promo.endswith(_FULL_STOP_END) else None
    if rule_id is None:
        return sentence, False
    removed.append({"rule": rule_id, "text": promo, "para": index})
    return sentence[resumes:], True


def _ends_sentence(text: str) -> bool:
    """Whether ``text`` ends on a word's full stop or a closing quote, not on an initial ("... stars J. R. R.")."""
    text = text.rstrip()
    return text.endswith(("»", "”", '"')) or (text[-1:] in ".!?…" and text[-2:-1].islower())


def cut_by_lexicon(paragraph: str, whole: str, lexicon: Lexicon, index: int, removed: list[dict],
                   spans: list[tuple[int, int]] | None = None) -> str:
    """Remove the paragraph, or the chrome glued into it, when the lexicon check takes it.

    ``whole`` is the paragraph before fragment rules cut it: when the lexicon takes the
    whole line, the remnant a fragment rule left ("Diario La Meseta. Todos los derechos
    reservados." after "© 2024" went) goes too. ``spans``, if given, are
    ``lexicon.find(paragraph.lower())``, found already by the caller's scan.
    """
    signed_off = ("/" in paragraph[-_SIGN_OFF_REACH:] or paragraph.endswith(")")
                  or (paragraph.endswith(".") and paragraph[-2:-1].isupper()))  # most paragraphs: none, checked cheaply first
    sign_off = _SIGN_OFF.search(paragraph, max(0, len(paragraph) - _SIGN_OFF_REACH)) if signed_off else None
    if (sign_off is not None and len(paragraph[:sign_off.start()].split()) >= _CREDIT_TAIL_MIN_WORDS
            and not lexicon.rules_of(sign_off.group(1).strip("()").casefold())  # "(SDA)": the agency's own rule names it
            and ("/" in sign_off.group(1) or _ends_sentence(paragraph[:sign_off.start()]))):
        removed.append({"rule": WIRE_SIGN_OFF, "text": sign_off.group(1), "para": index})
        paragraph = paragraph[:sign_off.start()].rstrip()
        spans = None  # found in the paragraph with its sign-off
    # One scan finds the chrome words; most paragraphs have none or one, and need no more.
    chrome = _chrome_words(paragraph, lexicon, spans)
    signed = any(sign in paragraph for sign in _CHROME_SIGNS)
    if paragraph.endswith(_LINK_ARROWS):
        paragraph = _cut_link_arrow(paragraph, index, removed)
        if not paragraph:
            return ""
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
    # A credit run onto a caption's end first: its label may stand further in than a button's
    # reach ("... au printemps Photo Le Courrier / Didier Masson").
    credit = _credit_tail(paragraph, chrome, lexicon) if signed or chrome[-1][0] >= len(paragraph) - _CREDIT_TAIL_REACH else None
    if credit is None and chrome and chrome[-1][0] >= len(paragraph) - _WIRE_TAG_REACH:
        credit = _wire_tag(paragraph, lexicon)
    if credit is not None:
        start, rule_id = credit
        removed.append({"rule": rule_id, "text": paragraph[start:], "para": index})
        return paragraph[:start].rstrip()
    if (len(chrome) == 1 and not signed and not chrome[0][1] and _BUTTON_REACH <= chrome[0][0] < len(paragraph) - _BUTTON_REACH
            and not any(mark in paragraph for mark in ":|·•") and paragraph[chrome[0][0] - 1] not in _GLUE_MARKS
            and not _opens_call_to_action(paragraph, chrome[0][0], lexicon)):
        # One chrome word, no label, no sign, no capitals: only a button glued on at either
        # end could go ("... beide markten bevallen. Delen"), or one run onto a sentence's end
        # with no space ("... hotline.Tweet Further ..."); this one stands inside.
        return paragraph
    # Chrome glued on with its break lost: a whole sentence of it ("... beide markten bevallen.
    # Lees het volledige artikel op rivierenkoerier.nl", "Jetzt Newsletter abonnieren! Die
    # Preise ..."; one ending in a full stop must be chrome words and names alone, three at
    # least: "... the factory. This article originally appeared on The Ledger Post."), a
    # chrome opening before the story resumes, or a shouted advert label inside a sentence.
    starts = sentence_starts(paragraph)
    positions = [start for start, _ in chrome]
    pieces, cut = [], False
    for start, end in zip(starts, starts[1:] + [len(paragraph)]):
        sentence = paragraph[start:end].strip()
        first, last = bisect.bisect_left(positions, start), bisect.bisect_left(positions, end)
        count = last - first + any(sign in sentence for sign in _CHROME_SIGNS)
        if not count:
            pieces.append(sentence)
            continue
        if len(starts) > 1:
            glued = start > 0 and not paragraph[start - 1].isspace()
            if sentence.endswith(_FULL_STOP_END):
                # Run on with no space, the sentence was another element's: chrome words and names alone make it chrome
                min_hits = 1 if glued else _GLUED_TAIL_MIN_HITS
                rule_id = _all_chrome(sentence, lexicon, min_hits) if count >= min_hits else None
                if rule_id is None and end == len(paragraph):
                    rule_id = _labelled_teaser(sentence, lexicon)  # "... за тонну. Джерело: Аграрний лан."
                if rule_id is None and glued and end == len(paragraph):
                    # a sign-up box's line run onto the story's last sentence: "... fietspad kan
                    # komen.Mis niks uit je buurt: download de app van Omroep Zuidwaard."
                    rule_id = _call_to_action(sentence, lexicon) or _small_print_rule(sentence, lexicon)
            else:
                rule_id = lexicon_rule(sentence, lexicon) if _may_be_chrome(sentence, count) else None
            if (rule_id is None and (start == 0 or end == len(paragraph) or glued)
                    and len(paragraph.split()) - len(sentence.split()) >= _EDGE_CTA_MIN_REST_WORDS):
                # run on with no space (inside a paragraph too: "... all'acqua.Guarda la diretta ..."),
                # or left unpunctuated after the story's last sentence: another element's
                detached = glued or (end == len(paragraph) and not sentence.endswith(SENTENCE_ENDS))
                rule_id = _edge_call_to_action(sentence, lexicon, detached)
                if rule_id is None and end == len(paragraph):
                    rule_id = _trailing_button(sentence, lexicon)
            if rule_id is not None:
                removed.append({"rule": rule_id, "text": sentence, "para": index})
                cut = True
                continue
            if start > 0 and lexicon.consent_cta_openings.match(sentence):
                sentence, promo_cut = _cut_promo_run_on(sentence, lexicon, index, removed)
                cut = cut or promo_cut
        opening = _WORD_TOKEN.search(paragraph, start)
        if opening is not None and first < last and positions[first] == opening.start():
            if start and not paragraph[start - 1].isspace():
                sentence, head_cut = _cut_glued_button(sentence, lexicon, index, removed)
                cut = cut or head_cut
            sentence, head_cut = _cut_glued_head(sentence, lexicon, index, removed,
                                                 glued=start > 0 and not paragraph[start - 1].isspace())
            cut = cut or head_cut
        if any(shouted for _, shouted in chrome[first:last]):
            sentence, label_cut = _cut_shouted_labels(sentence, lexicon, index, removed)
            cut = cut or label_cut
        if sentence:
            pieces.append(sentence)
    return " ".join(pieces) if cut else paragraph


_CREDIT_TAIL_MIN_WORDS = 3  # what the credit ends: a caption or a sentence, not a label of its own
_CAPTION_MIN_LOWER = 2  # lower-case words a caption has before a credit with no label ("... con il sindaco ... Foto X")
_CREDIT_TAIL_REACH = 80  # characters from the end where a credit run onto a caption can start
_LABEL_WORD_MAX_CHARS = 12  # "Credit:", "Pic:", "Bildquelle:": one short capitalised word before a colon


def _is_caption(before: str) -> bool:
    """Whether the text before a credit is a caption: words of prose, no sentence end (after one:
    the rules' and the sentence check's). A run of names or title-case words is no caption: "June
    10 -- MIDFLORIDA Credit Union Amphitheatre", "15 Amazing Images of Stars"."""
    if before.endswith(PROSE_END):
        return False
    lower = (match for match in _WORD_TOKEN.finditer(before) if match.group().islower())
    return next(itertools.islice(lower, _CAPTION_MIN_LOWER - 1, None), None) is not None  # stops at the second


def _credit_tail(paragraph: str, chrome: list[tuple[int, bool]], lexicon: Lexicon) -> tuple[int, str] | None:
    """Where a photo credit run onto the end of a caption starts, and its rule, if there is one.

    "Vereinsvorsitzende Gudrun Pfeil am Bahnhof Hollerbach Foto: Jens Raabe", "... dworca
    Fot. Tomasz Kurek": a credit label and names alone end the paragraph, with no full stop
    before them (the rules take those), after a caption of its own.
    """
    signs = [position for position in (paragraph.rfind(sign) for sign in _COPYRIGHT_SIGNS) if position > 0]
    for start in sorted({start for start, _ in chrome} | set(signs), reverse=True):
        if start < len(paragraph) - _CREDIT_TAIL_REACH:
            break
        if (not paragraph[start - 1 : start].isspace()
                or len(paragraph[:start].split(None, _CREDIT_TAIL_MIN_WORDS)) < _CREDIT_TAIL_MIN_WORDS):
            continue
        before = paragraph[:start].rstrip()
        if start in signs:
            if _is_caption(before) and _names_only(paragraph[start + 1:], lexicon) and _WORD_TOKEN.search(paragraph, start):
                return start, CAPTION_COPYRIGHT
            continue
        rule_id = (_labelled_teaser(paragraph[start:], lexicon)
                   or (_is_caption(before) and _unlabelled_credit(paragraph[start:], lexicon)) or None)
        if rule_id is not None and rule_family(rule_id) == "credit":
            # "Credit foto: Cronache Flash": a label word just before joins the credit
            before = paragraph[:start].rstrip()
            opening = _WORD_TOKEN.search(before, len(before) - len(before.split()[-1]))
            if (opening is not None and opening.end() == len(before) and _is_credit_word(opening.group(), lexicon)
                    and _labelled_teaser(paragraph[opening.start():], lexicon)):
                start = opening.start()  # a credit word, not the caption's last ("... el domingo por la mañana Foto: ...")
            elif ((before.endswith(":") or (before.endswith(".") and _is_credit_word(before.split()[-1].rstrip("."), lexicon)))
                  and before.split()[-1][:1].isupper() and len(before.split()[-1]) <= _LABEL_WORD_MAX_CHARS):
                start = len(before) - len(before.split()[-1])  # its label: "... morning Credit: Getty Images", "... Fot. Shutterstock"
            return start, rule_id
    return None


# A wire service's or source's tag after a story paragraph's last sentence, framed by a bracket,
# a dash or slashes, run on with or without a space ("... cette semaine.(avec AFP)", "...
# wody. – PAP", "... weiter. /dpa/"): the sentence splitter starts no sentence on a bracket or
# a dash, so the tag is looked for at the end. The lexicon decides, as for the tag on a line of
# its own; "(The council has since withdrawn the plan.)" holds a sentence's end, no tag.
_WIRE_TAG = re.compile(r"(?<=[.!?…»”\"])\s*((?:\(|[–—]\s*|/)[^.!?()/–—]{1,40}(?:\)|/)?)$")
_WIRE_TAG_REACH = 44


def _wire_tag(paragraph: str, lexicon: Lexicon) -> tuple[int, str] | None:
    """Where a wire or source tag framed by a bracket, a dash or slashes ends the paragraph, and its rule."""
    match = _WIRE_TAG.search(paragraph, len(paragraph) - _WIRE_TAG_REACH)
    if match is None or len(paragraph[:match.start()].split()) < _CREDIT_TAIL_MIN_WORDS:
        return None
    tag = match.group(1)
    if tag.startswith("(") != tag.endswith(")"):
        return None
    rule_id = lexicon_rule(tag, lexicon)
    if rule_id is None or rule_family(rule_id) not in ("credit", "aggregator"):
        return None
    return match.start(1), rule_id


# A call to action run onto a story paragraph's first or last sentence ("... a technical
# fault. Bekijk hieronder de beelden van de brand.", "Hazte socio desde 1 euro al mes. El
# Ayuntamiento ...", "... gminy.Wesprzyj Radio Brzezina"): a short sentence opening on an
# imperative of ``[lexicon] cta_verbs`` with a chrome word besides, or names alone, or run
# on with no space. A story sentence opening on such a verb stands inside a quotation, and
# one of service advice holds no chrome word ("Watch out for black ice on rural roads.",
# "Download the application form from the council website and post it by Friday.").
_EDGE_CTA_MAX_WORDS = 12
# What the call to action was run onto is story prose; a shorter rest is a headline with its
# player's label ("Kierowcy o korkach na objeździe. Zobacz relację"), a line the checks for
# headlines and players take whole.
_EDGE_CTA_MIN_REST_WORDS = 8


_TRAILING_BUTTON_MAX_WORDS = 3  # "Imprimer la page", "Salva nei preferiti", "Partager"


def _trailing_button(sentence: str, lexicon: Lexicon) -> str | None:
    """The lexicon rule of a button label ending a story paragraph after its last sentence, if it is one.

    Three words at most with no sentence end, a chrome word among them and at most one
    other ("... ogni venti minuti. Salva nei preferiti"): no story sentence is that short and
    unpunctuated.
    """
    if len(sentence.split()) > _TRAILING_BUTTON_MAX_WORDS or sentence.endswith(SENTENCE_ENDS):
        return None
    counted = _lexicon_counts(sentence, lexicon)
    if counted is None:
        return None
    hits, total, unknown, _ = counted
    return hits.most_common(1)[0][0] if total >= 1 and unknown <= 1 else None


def _opens_call_to_action(text: str, position: int, lexicon: Lexicon) -> bool:
    """Whether the word at ``position`` opens a sentence and is a call-to-action verb."""
    word = _WORD_TOKEN.match(text, position)
    return (word is not None and word.group().casefold() in lexicon.cta_verbs
            and text[:position].rstrip()[-1:] in _GLUE_MARKS)


def _edge_call_to_action(sentence: str, lexicon: Lexicon, detached: bool) -> str | None:
    """The rule of a call-to-action sentence at a paragraph's edge, if it is one (``detached``: run on
    with no space, or unpunctuated at the end, so no other chrome word is needed)."""
    words = _WORD_TOKEN.findall(sentence)
    if not words or len(words) > _EDGE_CTA_MAX_WORDS or sentence.endswith("?") or not QUOTES.isdisjoint(sentence):
        return None
    rule_ids = lexicon.cta_verbs.get(words[0].casefold())
    if not rule_ids:
        return None
    rest = sentence[sentence.find(words[0]) + len(words[0]):]
    language = rule_language(rule_ids[0])
    others = sum(any(rule_language(r) == language for r in _rules_of(word.casefold(), lexicon)) for word in words[1:])
    if others or detached or (_WORD_TOKEN.search(rest) and _names_only(rest, lexicon)):
        return rule_ids[0]
    return None


# A link's arrow ends a teaser run onto a paragraph or standing alone ("... Der Eintritt ist
# frei. Alle Termine der Kirchenmusik im Überblick »", "Read the full report ›"): a
# sentence never ends on one; a French or Russian quotation that ends on "»" opened on "«".
_LINK_ARROWS = ("»", "›", "→", ">>")
_LINK_OPENINGS = ("«", "‹")
_LINK_MAX_WORDS = 12


def _cut_link_arrow(paragraph: str, index: int, removed: list[dict]) -> str:
    """Cut a short last sentence (or the whole paragraph) ending on a link's arrow, in a paragraph that opens no quotation."""
    if any(mark in paragraph for mark in _LINK_OPENINGS) or paragraph.rstrip(" »›→>").endswith(PROSE_END):
        return paragraph  # a quotation closing: «... сделать!»
    starts = sentence_starts(paragraph)
    link = paragraph[starts[-1]:].strip()
    if len(link.split()) > _LINK_MAX_WORDS or not _WORD_TOKEN.search(link):
        return paragraph
    removed.append({"rule": LINK_ARROW, "text": link, "para": index})
    return paragraph[:starts[-1]].rstrip()


_TAIL_CREDIT_MAX_WORDS = 6  # "Foto TeleLagunare", "Foto di Lucia Orsenigo", "Фото: пресс-служба музея"


def _unlabelled_credit(text: str, lexicon: Lexicon) -> str | None:
    """The credit rule of a credit run onto a caption's end that names no one in capitals, if it is one.

    A capitalised credit word and names, with no colon ("Foto TeleLagunare", "Foto di Lucia
    Orsenigo"), or a credit label and a few words of any case ("Фото: пресс-служба музея",
    "Image: reader submission via WeatherWatchers"): at a caption's end, after no full stop,
    a capitalised credit word opens nothing else.
    """
    words = _WORD_TOKEN.findall(text)
    if not 2 <= len(words) <= _TAIL_CREDIT_MAX_WORDS or not words[0][0].isupper() or text.rstrip().endswith(PROSE_END):
        return None
    rule_ids = [r for r in lexicon.rules_of(words[0].casefold()) if rule_family(r) == "credit"]
    rest = text[text.find(words[0]) + len(words[0]):]
    # "Фото авторки", "Foto Redaktion": a credit word may name the source in place of a name
    named = any(word[0].isupper() or _is_credit_word(word, lexicon) for word in words[1:])
    if rule_ids and (rest.lstrip().startswith(":") or (_names_only(rest, lexicon) and named)):
        return rule_ids[0]
    return None


def _is_credit_word(word: str, lexicon: Lexicon) -> bool:
    """Whether a word is in a credit vocabulary ("Foto", "авторки")."""
    return any(rule_family(r) == "credit" for r in lexicon.rules_of(word.casefold()))


def _may_be_chrome(text: str, chrome: int) -> bool:
    """A cheap bound before the count: two chrome words, or one in a button, a label or a link row."""
    return chrome >= _LEXICON_MIN_HITS or (chrome == 1 and (
        text.count(" ") < _LEXICON_BUTTON_WORDS or ":" in text or "|" in text or "·" in text or "•" in text
        or DOTTED_LABEL.match(text) is not None))


def _chrome_words(text: str, lexicon: Lexicon, spans: list[tuple[int, int]] | None = None) -> list[tuple[int, bool]]:
    """Where each chrome word of ``text`` starts, and whether it is in capitals (a shouted label);
    ``spans``: ``lexicon.find(text.lower())`` when the caller has it."""
    if spans is None:
        spans = lexicon.find(text.lower())
    return [(start, stop - start >= 4 and text[start:stop].isupper()) for start, stop in spans]


_FULL_STOP_END = (".", "…", ".”", '."', ".’", ".»")
_BUTTON_REACH = 30  # characters from either end of a paragraph where a glued one- or two-word button can stand
# "... bold this summer ADVERTISEMENT and have asked ...": a share-family word in capitals
# between two lower-case words is an advert label the scrape ran into the sentence.
_SHOUTED_LABEL = re.compile(r"(?:(?<=[^\W\d_] )|(?<=[,:] ))([^\W\d_a-z]{4,})(?= [^\W_]| [„“«\"])")


# A chrome word in capitals and brackets inside a sentence ("... could be seen [VIDEO] from the
# interstate ...", "... (FOTOS) ..."): the brackets mark a link's label, of any family.
_BRACKETED_LABEL = re.compile(r"(?<=[^\W\d_,] )([\[(]([^\W\d_a-z]{4,})[\])])(?= [^\W\d_])")


def _cut_shouted_labels(sentence: str, lexicon: Lexicon, index: int, removed: list[dict]) -> tuple[str, bool]:
    """Cut share-family words in capitals standing between lower-case words of a sentence, and
    chrome words of any family in capitals and brackets."""
    cut = False
    for match in reversed(list(_BRACKETED_LABEL.finditer(sentence))):
        rule_ids = lexicon.rules_of(match.group(2).casefold())
        if match.group(2).isupper() and rule_ids:
            removed.append({"rule": rule_ids[0], "text": match.group(1), "para": index})
            sentence, cut = sentence[:match.start(1)].rstrip() + " " + sentence[match.end(1):].lstrip(), True
    for match in reversed(list(_SHOUTED_LABEL.finditer(sentence))):
        word = match.group(1)
        before, after = sentence[:match.start(1)].rstrip(), sentence[match.end(1):].lstrip()
        # after a lower-case word, a comma or a colon; before one, a number or a quotation: "... warnte
        # vor leeren Läden: ANZEIGE „Wer zwei Euro ...", "... jusqu'à PUBLICITÉ 1 500 euros"
        if not (word.isupper() and (before[-1:].islower() or before[-1:] in ",:")
                and (after[:1].islower() or after[:1].isdigit() or after[:1] in "„“«\"")):
            continue
        rule_ids = [r for r in lexicon.rules_of(word.casefold()) if rule_family(r) == "share"]
        if rule_ids:
            removed.append({"rule": rule_ids[0], "text": word, "para": index})
            sentence, cut = before + " " + after, True
    return sentence, cut


_GLUED_TAIL_MIN_HITS = 3  # "This article originally appeared on ...": a story's last sentence is never three chrome words and names alone


def _all_chrome(text: str, lexicon: Lexicon, min_hits: int = _GLUED_TAIL_MIN_HITS) -> str | None:
    """The lexicon rule of a sentence made of chrome words, function words and names alone, ``min_hits`` chrome words at least."""
    counted = _lexicon_counts(text, lexicon)
    if counted is None:
        return None
    hits, total, unknown, _ = counted
    return hits.most_common(1)[0][0] if unknown == 0 and total >= min_hits else None


_GLUED_HEAD_MIN_REST_WORDS = 6  # what follows a glued head is a sentence of the story
_GLUE_MARKS = frozenset(".!?")  # a word right after one of these, with no space, was run on from another element


def _cut_glued_button(sentence: str, lexicon: Lexicon, index: int, removed: list[dict]) -> tuple[str, bool]:
    """Cut a one- or two-word share button run onto the sentence before with no space ("...
    hotline.Tweet Further strong winds are forecast"): the scraper joined two elements; the
    story resumes at the next capitalised word. Other families' words open headlines and
    names too ("Video Games maker Ubisoft ...")."""
    matches = list(_WORD_TOKEN.finditer(sentence))
    for size in (1, 2):
        if len(matches) - size < _GLUED_HEAD_MIN_REST_WORDS or not matches[size].group()[0].isupper():
            continue
        opening = sentence[: matches[size].start()].strip()
        rule_id = lexicon_rule(opening, lexicon)
        if rule_id is not None and rule_family(rule_id) == "share":  # "Tweet", "Delen"; not "Video Games maker ..."
            removed.append({"rule": rule_id, "text": opening, "para": index})
            return sentence[matches[size].start():], True
    return sentence, False


# What ends a teaser's label: a colon, a bar or a link's arrow ("LEES OOK ► Gemeente moet ...",
# "POLECAMY → Karetka jechała ...").
_LABEL_MARK = re.compile(r":|[|→➔►»]|>>")
_LABEL_MARK_REACH = 40


def label_mark(text: str) -> int:
    """Where the first colon, bar or arrow within a label's reach of ``text``'s start stands, else -1."""
    mark = _LABEL_MARK.search(text, 0, _LABEL_MARK_REACH)
    return mark.start() if mark is not None else -1


def _head_words(text: str, matches: list, colon: int) -> int:
    """How many words a glued opening holds at least: a label and its headline's first word, or two."""
    if 0 < colon and len(_WORD_TOKEN.findall(text, 0, colon)) <= _LABEL_MAX_WORDS:  # a label's colon, not one later in a sentence
        return next((i for i, m in enumerate(matches) if m.start() > colon), len(matches)) + 1
    return 2


def story_resumes(teaser: str, function_words: frozenset[str], loose: bool = True) -> int | None:
    """Where the story resumes inside a teaser cut to a paragraph's end, or None.

    A scrape that lost a teaser's line break runs its headline into the story's next
    sentence ("Czytaj także: Autobusy pojadą nowymi trasami od września Wójt gminy
    zapowiada ..."). After the label and the headline's first word, the sentence opens on a
    capitalised function word (a sentence-case headline before it: "... forno Lenzi Il
    parcheggio sarà ...", "... drei weitere Läden schließen Die Grünen hatten ..."), else on
    a capital after a lower-case word that is not a function word ("... em maio Crianças com
    febre ..."), else (``loose``) after any lower-case word; what follows must be a sentence:
    six words at least, holding a sentence's end. A seam where a word runs into a capital comes
    first; one before an opening quote only when no break comes before it (:func:`_run_on_junctions`).
    """
    camel, quote = _run_on_junctions(teaser)
    if camel is not None:
        return camel
    matches = list(_WORD_TOKEN.finditer(teaser))
    head = _head_words(teaser, matches, label_mark(teaser))
    statement = break_ = after_small_word = None
    for i in range(max(head, 1), len(matches) - _GLUED_HEAD_MIN_REST_WORDS + 1):
        word, before = matches[i].group(), matches[i - 1].group()
        if not word[0].isupper():
            continue
        if (statement is None and opens_statement(word, function_words)
                and any(m.group()[0].islower() for m in matches[head - 1:i])
                and not teaser[matches[i - 1].end():matches[i].start()].strip().endswith(_OPENING_QUOTE_MARKS)):
            statement = i
        if before[0].islower():
            if before.casefold() not in function_words:
                break_ = i if break_ is None else break_
            else:  # "... od września Wójt gminy ...": the lists hold months too
                after_small_word = i if after_small_word is None else after_small_word
    position = next((p for p in (statement, break_, after_small_word if loose else None) if p is not None), None)
    if position is not None and _SENTENCE_STOP.search(teaser, matches[position - 1].end(), matches[position].start()):
        position = _headline_goes_on(teaser, matches, position, function_words)
    # a headline holds no sentence's end: the story's sentence after the break has one (it
    # may have more junk run on after it: "... strada. VIDEO | Le immagini ...")
    start = matches[position].start() if position is not None and _SENTENCE_STOP.search(teaser, matches[position].start()) else None
    # an opening quote may stand inside the story's sentence ("... août Le maire a dénoncé « une
    # décision ... »"): the earlier break wins
    return min((p for p in (start, quote) if p is not None), default=None)


_OPENING_QUOTE_MARKS = tuple('„“«"')  # a function word after one opens someone's words, not the story's sentence

# A headline may be two sentences ("Porzucił psa przy drodze. Grozi mu do trzech lat więzienia",
# "Fotoradar na obwodnicy. Gdzie stanie?"): a break after the first one's full stop is then the
# headline's, and the story resumes at a break a few words on in the same sentence, or after a
# short question. A capital followed by another is a name ("... zatrzymali Jana Kowalskiego"),
# which a story's sentence holds after its verb: no break there.
_HEADLINE_TAIL_MAX_WORDS = 8  # "Grozi mu do trzech lat więzienia": a headline's second sentence is short
_HEADLINE_QUESTION_MAX_WORDS = 4  # "Gdzie stanie?", "Co dalej?": a headline's short question


def _headline_goes_on(teaser: str, matches: list, position: int, function_words: frozenset[str]) -> int:
    """Where the story resumes when a break follows a full stop inside a teaser: a later break
    in that sentence, or after a short question, else ``position``."""
    for i in range(position + 1, min(position + 1 + _HEADLINE_TAIL_MAX_WORDS, len(matches) - _GLUED_HEAD_MIN_REST_WORDS + 1)):
        gap = teaser[matches[i - 1].end():matches[i].start()]
        if _SENTENCE_STOP.search(gap):
            question = gap.strip().startswith(("?", "!")) and i - position <= _HEADLINE_QUESTION_MAX_WORDS
            return i if question and matches[i].group()[0].isupper() else position
        word, before = matches[i].group(), matches[i - 1].group()
        if (word[0].isupper() and before[0].islower() and before.casefold() not in function_words
                and i + 1 < len(matches) and matches[i + 1].group()[0].islower() and not gap.strip()):
            return i
    return position

# Where a teaser's headline meets the story with its break lost, the seam shows: a lower-case
# word runs into a capitalised one ("... маршрутівМешканка ...", "... de deurenVan der Meulen
# ..."), or an opening quote follows a word ("... autobusowym„Klienci ...", "... slecht „Zolang
# ..."). Three lower-case letters before the capital: "iPhone", "YouTube", "McLaren" are no seam.
_SENTENCE_STOP = re.compile(r"[.!?…](?!\d)")  # what runs on after a seam holds a sentence's end, which a headline has not
_SEAM = re.compile(r"(?<=[^\W\d_]{3})(?=[^\W\d_][^\W\d_])|(?<=[^\W\d_])\s?(?=[„“«]\s?[^\W\d_])|(?<=[»”])(?=[^\W\d_][^\W\d_])")


_OPENER = {"»": "«", "”": "“„"}


def _run_on_junctions(teaser: str) -> tuple[int | None, int | None]:
    """The first seam where a lower-case word runs into a capitalised one, and the first before
    an opening quote, each only if six words holding a sentence's end follow it."""
    colon = label_mark(teaser)
    camel = quote = None
    for seam in _SEAM.finditer(teaser, max(colon, 0)):
        at = seam.end()
        quoted = teaser[at] in "„“«"
        if (quote if quoted else camel) is not None:
            continue
        closed = teaser[at - 1] in "»”"  # a quoted headline's end run into the story: "... «Mai visto così»I mezzi ..."
        if closed and not (teaser[at].isupper() and teaser[at + 1].islower() and any(mark in teaser[:at - 1] for mark in _OPENER[teaser[at - 1]])):
            continue
        if not quoted and not closed and not (teaser[at].isupper() and teaser[at + 1].islower()
                                              and teaser[seam.start() - 3:seam.start()].islower()):
            continue
        rest = teaser[at:]
        if len(_WORD_TOKEN.findall(rest)) >= _GLUED_HEAD_MIN_REST_WORDS and _SENTENCE_STOP.search(rest):
            if quoted:
                quote = at
            else:
                return at, quote
    return camel, quote


def opens_statement(word: str, function_words: frozenset[str]) -> bool:
    """Whether a capitalised word is an article, pronoun or other function word that opens a
    sentence ("Die", "Il", "У"), not a name's particle ("De Wit")."""
    folded = word.casefold()
    return (word[:1].isupper() and (len(word) == 1 or word[1:].islower()) and folded not in NAME_PARTICLES
            and (folded in function_words or folded in _STATEMENT_OPENINGS))


# A wire desk signs a story off with its code and the editors' initials, slash-separated, after
# the last sentence ("... contra a especulação. APN/LC/TC", "... weiter. dpa/lnw", "(PAP/mw)"); a story's
# sentence never ends on such a code, and "24/7" or "and/or" is no agency's.
# A local desk signs with the writer's initials alone, in brackets: "(jor)", "(mw)", "(HB)",
# "(r.m.)", "(red.)"; or dotted, bracketed or not: "J.-P. D.", "A.C.S.", "(О. К.)". An
# abbreviation after a sentence's end is no sentence's.
_SIGN_OFF = re.compile(r"(?<=[.!?…»”\"])\s*(\((?:[A-Z]{2,6}|[a-z]{2,4})(?:/[A-Za-z]{1,4}){1,3}\)|(?<=\s)(?:[A-Z]{2,6}|[a-z]{2,4})(?:/[A-Za-z]{1,4}){1,3}"
                       r"|\((?:[A-Z]{2,3}|[a-z]{2,4}\.?|(?:[a-z]\.){2,3})\)"
                       r"|\(?(?<![^\s(])(?:[A-ZА-ЯЁІЇЄҐ]\.(?:-[A-ZА-ЯЁІЇЄҐ]\.)?\s?){2,3}(?<=\.)\)?)$")
_SIGN_OFF_REACH = 30
_CREDIT_DASH = re.compile(r"\s[–—-]\s(?=[^\W\d_]|[«„“\"])")
_CREDIT_DASH_REACH = 60  # a credit's few words
_CAPTION_MIN_WORDS = 4


def _cut_glued_head(sentence: str, lexicon: Lexicon, index: int, removed: list[dict],
                    glued: bool = False) -> tuple[str, bool]:
    """Cut a chrome opening of ``sentence`` up to where the story resumes.

    The head is a label and its headline's first word ("Read more: Ambulance ..."), or the
    first two words; the break is the first capital after it that follows a lower-case word.
    The opening goes when it is a chrome label with a headline or a credit's names after it
    (:func:`_labelled_teaser`: "Bild: So lautete die Überschrift ..." is a sentence, not a
    name), or chrome words, function words and names alone, three chrome words at least; one
    run on with no space (``glued``) goes as well when it is a call to action
    ("... sull'acqua.Guarda la diretta su TeleLagunare canale 17 Il traffico ...").
    """
    dash = _CREDIT_DASH.search(sentence, 0, _CREDIT_DASH_REACH)
    if dash is not None and len(_WORD_TOKEN.findall(sentence, dash.end())) >= _CAPTION_MIN_WORDS:
        # "Foto Belga – De botsauto's op de kermis ...", "Immagine di repertorio – Una pattuglia ...":
        # a credit set off from its caption by a dash
        rule_id = lexicon_rule(sentence[:dash.start()], lexicon)
        if rule_id is not None and rule_family(rule_id) == "credit":
            removed.append({"rule": rule_id, "text": sentence[:dash.end()].strip(), "para": index})
            return sentence[dash.end():], True
    matches = list(_WORD_TOKEN.finditer(sentence))
    colon = sentence.find(":")
    head = _head_words(sentence, matches, colon)
    # The story resumes at a capital after a lower-case word that is not a function word:
    # "... as calls surge Campaigners said", "Bild: Lena Voskuhl/stadtfunk Der nächste ...";
    # inside a name ("Foto: Sanne de Wit") a capital follows a capital or a particle. After a
    # label's names it resumes on a capitalised function word, which no name holds unless it is
    # a particle ("Source : AFP Ils emploient ...", "Photo : Radio Garrigue Les exposants ...").
    position = next((i for i in range(max(head, 1), len(matches)) if matches[i].group()[0].isupper() and (
                     (matches[i - 1].group()[0].islower() and matches[i - 1].group().casefold() not in lexicon.function_words)
                     or (0 < colon < matches[i - 1].start() and opens_statement(matches[i].group(), lexicon.function_words)))), None)
    if position is None or len(matches) - position < _GLUED_HEAD_MIN_REST_WORDS:
        return sentence, False
    word = matches[position]
    opening = sentence[:word.start()].strip()
    if opening.endswith(PROSE_END):
        return sentence, False
    rule_id = _labelled_teaser(opening, lexicon, glued=True) if 0 < colon < word.start() else _all_chrome(opening, lexicon)
    if rule_id is None and glued:
        rule_id = _edge_call_to_action(opening, lexicon, detached=True)
    if rule_id is None:
        return sentence, False
    removed.append({"rule": rule_id, "text": opening, "para": index})
    return sentence[word.start():], True


# --- what chrome leaves behind -------------------------------------------------------------

CONTACT_BYLINE = "structure.contact-byline"  # built in: a byline with the author's e-mail address
NAV_ROW = "structure.nav-row"  # built in: a menu of five or more short items between bars or dots
AMOUNT_PICKER = "structure.amount-picker"  # built in: a donation form's row of amounts ("€ 3 · € 5 · € 10 · Ander bedrag")
WIRE_SIGN_OFF = "structure.wire-sign-off"  # built in: a wire desk's initials after the last sentence ("APN/LC/TC", "dpa/lnw")
COPYRIGHT_LINE = "structure.copyright-line"  # built in: a short paragraph opening on a copyright sign
RELATED_LIST = "structure.related-list"  # built in: a header of teaser label words ("Related coverage") and its headlines
CAPTION_COPYRIGHT = "structure.caption-copyright"  # built in: a copyright sign and names run onto a caption's end
LINK_ARROW = "structure.link-arrow"  # built in: a short teaser ending on a link's arrow ("Alle Termine im Überblick »")

# A sign-up box's text before its button ("The Gazette newsletter: the day's news in your
# inbox every morning. Sign up"): its button went as chrome, so the text, short and holding
# a consent word of its own, was the box. A story paragraph that a button was glued onto is
# longer (a news paragraph runs to 25-60 words) or has no such word.
_PROMO_MAX_WORDS = 20
# The small print beside a sign-up or consent box ("Your data will be processed under our
# privacy policy. You can unsubscribe at any time.") is a paragraph of its own, as dense in
# consent words as a sign-up line: three of them and at most two other words each, or two
# with fewer others ("Enter your e-mail address"). A story sentence beside a banner has more
# words of its own: "Users can now refuse all cookies with a single click, the data
# protection authority said" (1 to 10), "De gemeenteraad besloot de brug een maand te
# sluiten" (2 to 5: "maand" and "sluiten" are a paywall's and a banner's words too), "Prezes
# Urzędu Ochrony Danych Osobowych nałożył kary na ... pliki cookies" (4 to 9); one
# dense in them opens on its subject, as a statement does (see _STATEMENT_OPENINGS).
_SMALL_PRINT_MIN_HITS = 3
_SMALL_PRINT_UNKNOWN_PER_HIT = 2
_SMALL_PRINT_SHORT_HITS = 2
_CONTACT_MAX_WORDS = 12  # "Von Katrin Oelschläger | k.oelschlaeger@example.de", "Kirsty Vane, Local Democracy Reporter | ..."
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A link row with no chrome word in it is a menu when it is longer and its items shorter
# ("Inicio | Provincia | Sucesos | Deportes | Cultura", "Markets · Companies · Economy · ...").
_NAV_ROW_MIN_ITEMS, _NAV_ROW_MAX_ITEM_WORDS = 5, 2
# No story paragraph opens on a copyright sign; a footer does, with the outlet's name in any
# form ("© «Подільська хвиля», 2024", "© Le Courrier – Mentions légales – Gestion des cookies").
_COPYRIGHT_OPENINGS = ("©", "ⓒ")  # not "(c)": the third item of a list ("(c) Applicants must live in the borough.")
# The word as a label: "Copyright: Project Syndicate, 2025", "Copyright 2024 Diario ..."; not "Copyright law ..."
_COPYRIGHT_LABEL = re.compile(r"copyright\s*(?::|©|ⓒ|\(c\)|\d{4}\b)", re.IGNORECASE)
_COPYRIGHT_MAX_WORDS = 25


def drop_chrome_remnants(kept: list[tuple[str, int]], paragraphs: list[str], lexicon: Lexicon,
                         removed: list[dict]) -> list[tuple[str, int]]:
    """Remove what the rules and the lexicon left of a chrome block, and chrome no word names.

    - a short promo that kept a consent word after its consent button, or a sentence of it,
      was cut off its end or its start (the cut's rule);
    - a short promo with a clause opening on a call-to-action verb and another consent word
      ("Never miss an update – download the Gazette app"; the verb's consent rule);
    - small print dense in consent words beside a paragraph that consent chrome took whole
      (the neighbour's rule; a chain of them goes one by one);
    - a byline with an e-mail address and names alone (:data:`CONTACT_BYLINE`);
    - a menu row of five or more items of one or two words between bars or dots (:data:`NAV_ROW`);
    - a short paragraph opening on a copyright sign (:data:`COPYRIGHT_LINE`);
    - a related-stories header and the headlines under it that end the body (the header's
      aggregator lexicon rule, or :data:`RELATED_LIST` for a header of label words alone).

    Args:
        kept: (paragraph left, index in ``paragraphs``) after the rules and the lexicon check.
        paragraphs: the body before stripping.
        lexicon: from :func:`cleanpipe.rules.load_lexicon`.
        removed: the document's removals so far; these removals are appended.

    Returns:
        The paragraphs still kept, in order.
    """
    kept_indices = {index for _, index in kept}
    edge_cuts: dict[int, str] = {}  # index -> rule of a cut that ended or opened the paragraph
    whole: dict[int, str] = {}  # index -> rule that took the paragraph whole
    for removal in removed:
        index = removal["para"]
        cut = removal["text"].strip()
        if index not in kept_indices:
            whole.setdefault(index, removal["rule"])
        elif cut and (paragraphs[index].rstrip().endswith(cut) or paragraphs[index].lstrip().startswith(cut)):
            edge_cuts[index] = removal["rule"]
    left = []
    for paragraph, index in kept:
        rule_id = _remnant_rule(paragraph, edge_cuts.get(index), lexicon)
        if rule_id is None:
            left.append((paragraph, index))
        else:
            removed.append({"rule": rule_id, "text": paragraph, "para": index})
            whole[index] = rule_id
    consent = {index: rule for index, rule in whole.items() if rule_family(rule) == "consent"}
    changed = bool(consent)
    while changed:  # small print in a chain ("Receba ...", "Introduza o seu e-mail", "Declaro que li ...")
        changed = False
        for position, (paragraph, index) in enumerate(left):
            neighbour = consent.get(index - 1) or consent.get(index + 1)
            if neighbour is not None and _is_small_print(paragraph, lexicon):
                removed.append({"rule": neighbour, "text": paragraph, "para": index})
                whole[index] = consent[index] = neighbour
                del left[position]
                changed = True
                break
    return _drop_tail_list(left, paragraphs, whole, lexicon, removed)


# A related-stories block at the end: a short header with a teaser's words ("Related coverage",
# "Gli articoli più letti di oggi") and two or more headlines under it, with no story prose
# after them. A story's own list (bullet points under "Key facts") has no such header, and
# a story's subheading is followed by prose.
_LIST_HEADER_MAX_WORDS = 7
_LIST_MIN_ITEMS = 2
_LIST_HEADLINE_MAX_WORDS = 20
_HEADLINE_ENDS = (".", "!", "?", ";", ",", ":", "…", '"', "”", "»")


def _drop_tail_list(kept: list[tuple[str, int]], paragraphs: list[str], whole: dict[int, str], lexicon: Lexicon,
                    removed: list[dict]) -> list[tuple[str, int]]:
    """Remove a related-stories header and the headlines under it that end the body, if any."""
    tail = len(kept)
    while tail > 0 and _is_headline(kept[tail - 1][0]):
        tail -= 1  # kept[tail:] are headline-shaped; a header is one of them, or the line above them ("Read more:")
    for start in range(max(tail - 1, 0), len(kept) - _LIST_MIN_ITEMS):
        rule_id = _list_header_rule(kept[start][0], lexicon)
        if rule_id is not None:
            for paragraph, position in kept[start:]:
                removed.append({"rule": rule_id, "text": paragraph, "para": position})
            return kept[:start]
    # The header may have gone already (a rule or the lexicon took "Most read"), its headlines not.
    if len(kept) - tail >= _LIST_MIN_ITEMS:
        header_index = kept[tail][1] - 1
        rule_id = whole.get(header_index)
        if (rule_id is not None and rule_family(rule_id) == "aggregator"
                and _list_header_rule(paragraphs[header_index], lexicon)):
            for paragraph, position in kept[tail:]:
                removed.append({"rule": rule_id, "text": paragraph, "para": position})
            return kept[:tail]
    return kept


def _is_headline(paragraph: str) -> bool:
    """Headline-shaped: a few words, capitalised, not ending like a sentence or a clause."""
    text = paragraph.strip()
    return (0 < len(text.split()) <= _LIST_HEADLINE_MAX_WORDS and text[:1].isupper()
            and not text.endswith(_HEADLINE_ENDS))


def _list_header_rule(header: str, lexicon: Lexicon) -> str | None:
    """The aggregator lexicon rule of a short line with a teaser's words, if it is one."""
    text = header.strip().rstrip(":").strip()
    words = [word.casefold() for word in _WORD_TOKEN.findall(text)]
    if not words or len(words) > _LIST_HEADER_MAX_WORDS or text.endswith(PROSE_END) or words[0] in _ARTICLES:
        return None
    rule_ids = [r for word in words for r in _rules_of(word, lexicon) if rule_family(r) == "aggregator"]
    labels = [word for word in words if word in lexicon.label_words]
    if rule_ids:
        return Counter(rule_ids).most_common(1)[0][0]
    return RELATED_LIST if len(labels) >= 2 else None  # "Related coverage": two label words make a header


# A donation or payment form's row of amounts: "Kies je bedrag: € 3 · € 5 · € 10 · Ander
# bedrag", "10 zł | 20 zł | 50 zł | inna kwota". Three amounts at least between bars or dots,
# every item three words at most; a story gives prices in sentences.
_AMOUNT = re.compile(r"(?:[€£$₽₴]|R\$|zł|kr)\s?\d+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?\s?(?:[€£$₽₴]|zł|kr|грн|руб|euros?)")
_AMOUNT_PICKER_MIN = 3
_AMOUNT_ITEM_MAX_WORDS = 3  # "€ 10", "inna kwota", "Ander bedrag"
_AMOUNT_SEPARATOR = re.compile(r"\s+[|·•/]\s+")


def _is_amount_picker(paragraph: str) -> bool:
    """Whether a paragraph is a row of amounts to pick from (three at least, short items only)."""
    if not any(mark in paragraph for mark in "|·•/") or not _AMOUNT.search(paragraph):
        return False  # most paragraphs: no separator, checked first as it is cheap
    items = _AMOUNT_SEPARATOR.split(paragraph.split(":", 1)[-1])
    amounts = sum(_AMOUNT.fullmatch(item.strip()) is not None for item in items)
    return amounts >= _AMOUNT_PICKER_MIN and all(len(item.split()) <= _AMOUNT_ITEM_MAX_WORDS for item in items)


def _remnant_rule(paragraph: str, edge_cut: str | None, lexicon: Lexicon) -> str | None:
    """The rule that takes a kept paragraph as a chrome remnant or a chrome line no word names, if any."""
    if (edge_cut is not None and rule_family(edge_cut) == "consent" and len(paragraph.split()) <= _PROMO_MAX_WORDS
            and _consent_words(paragraph, lexicon)):
        return edge_cut
    promo = _call_to_action(paragraph, lexicon)
    if promo is not None:
        return promo
    if "@" in paragraph and len(paragraph.split()) <= _CONTACT_MAX_WORDS:
        email = _EMAIL.search(paragraph)
        rest = _EMAIL.sub(" ", paragraph) if email else ""
        if email and _WORD_TOKEN.search(rest) and _names_only(rest, lexicon):
            return CONTACT_BYLINE
    if ((paragraph.lstrip().startswith(_COPYRIGHT_OPENINGS) or _COPYRIGHT_LABEL.match(paragraph.lstrip()))
            and len(paragraph.split()) <= _COPYRIGHT_MAX_WORDS):
        return COPYRIGHT_LINE
    if _is_link_row(paragraph, _NAV_ROW_MIN_ITEMS, _NAV_ROW_MAX_ITEM_WORDS):
        return NAV_ROW
    if _is_amount_picker(paragraph):
        return AMOUNT_PICKER
    return None


# A promo tells the reader what to do: a clause opens on an imperative ("Download the Gazette
# app for alerts", "Never miss an update – get our app", "Scarica da App Store") in a short
# paragraph holding a consent word besides (the app, the newsletter, the account). A story
# reports: its clauses open on a subject, and an imperative in it stands in a quotation. The
# verbs are data (``[lexicon] cta_verbs``), chosen so that none is also a noun that opens a
# sentence ("Support for the plan ...", "Laden", "Spenden", "Steun") nor a service story's
# advice ("Register for the vaccine by email or by phone", "Inscrivez-vous sur les listes
# électorales"): downloading, installing, subscribing, donating, turning an ad blocker off.
_CTA_MAX_WORDS = 35


def _call_to_action(paragraph: str, lexicon: Lexicon) -> str | None:
    """The consent rule of a short promo with a clause opening on a call-to-action verb, if it is one."""
    if not lexicon.cta_verbs or paragraph.count(" ") >= _CTA_MAX_WORDS or len(paragraph.split()) > _CTA_MAX_WORDS:
        return None
    openings = lexicon.consent_cta_openings
    if openings.search(paragraph) is None:
        return None  # most paragraphs: no clause opens on such a verb
    text = _QUOTED_NAME.sub(" ", paragraph) if not QUOTES.isdisjoint(paragraph) else paragraph
    if not QUOTES.isdisjoint(text):
        return None  # reported speech: "Subscribe and save," the ad said; a quoted name is no speech ("Install «Metro Live» ...")
    for match in openings.finditer(text):
        for rule_id in lexicon.cta_verbs.get(match.group(1).casefold(), ()):
            # the other word in the verb's language: "Download the application form ..." is no French app promo
            if rule_family(rule_id) == "consent" and _consent_words(
                    text[:match.start(1)] + text[match.end(1):], lexicon, rule_language(rule_id)):
                return rule_id
    return None


def _small_print_rule(text: str, lexicon: Lexicon) -> str | None:
    """The consent rule of small print (:func:`_is_small_print`), if ``text`` is some."""
    if not _is_small_print(text, lexicon):
        return None
    rule_ids = [r for word in _WORD_TOKEN.findall(text) for r in _rules_of(word.casefold(), lexicon) if rule_family(r) == "consent"]
    return Counter(rule_ids).most_common(1)[0][0] if rule_ids else None


def _is_small_print(paragraph: str, lexicon: Lexicon) -> bool:
    """Dense in consent words: two at least, and at most three other words (chrome of other
    families included: "receber", "filmes" are a story's words too) for each."""
    counted = _lexicon_counts(paragraph, lexicon)
    if counted is None or paragraph.split(maxsplit=1)[0].casefold() in _STATEMENT_OPENINGS:
        return False  # "Die Datenschutzkonferenz hat ... Cookie-Bannern ... vorgeworfen": a statement about consent
    _, chrome, unknown, _ = counted
    consent = _consent_words(paragraph, lexicon)
    unknown += chrome - consent
    return ((consent >= _SMALL_PRINT_MIN_HITS and consent * _SMALL_PRINT_UNKNOWN_PER_HIT >= unknown)
            or (consent >= _SMALL_PRINT_SHORT_HITS and unknown <= consent))


def has_consent_word(text: str, lexicon: Lexicon) -> bool:
    """Whether a word of ``text`` is in a consent vocabulary (newsletter, subscribe, donate, cookie, ...)."""
    return _consent_words(text, lexicon) > 0


def _consent_words(text: str, lexicon: Lexicon, language: str | None = None) -> int:
    """How many words of ``text`` are in a consent vocabulary (of ``language``'s pack, if given)."""
    return sum(any(rule_family(r) == "consent" and (language is None or rule_language(r) == language)
                   for r in _rules_of(word.casefold(), lexicon))
               for word in _WORD_TOKEN.findall(text))
