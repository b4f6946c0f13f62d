"""Boilerplate rules as data: versioned TOML packs per language and family, compiled once.

A pack is ``rules/<language>/<family>.toml``::

    family = "video"          # the kind of junk: one file per family
    language = "en"
    version = 1               # bump when a rule changes what it removes

    [[rule]]
    name = "title-says"       # id becomes "en.video.title-says"
    kind = "line"             # "line": the whole paragraph must match (re.fullmatch)
                              # "fragment": only the matched span is cut (re.search)
                              # "list": a header paragraph (fullmatch) that owns the
                              #   headline-like paragraphs under it ("Most Read")
    where = "head"            # "any", "head" (first Config.head_window paragraphs)
                              # or "tail" (last Config.tail_window paragraphs)
    literals = ["says"]       # cheap gate: one must occur (case-folded) before the regex runs;
                              # a literal that starts with a letter or digit must also
                              # start a word ("says" does not open on "essays"). All
                              # literals are found in one scan (see RuleIndex). Keep
                              # literals selective: every pack is applied to every text.
    max_chars = 160           # optional: longer paragraphs are never this junk
    pattern = '''...'''       # Python regex
    why = "..."               # what the junk is and why the pattern cannot hit content
    # "list" rules only:
    min_items = 2             # fewer headline-like paragraphs under it: a subheading, kept
    max_items = 12            # a list never owns more than this many
    item_max_chars = 160      # a headline-like paragraph: this short, no closing . ! : ;

A pack may also hold the family's vocabulary, for the lexicon check (see
:func:`cleanpipe.lexicon.lexicon_rule`): a short paragraph made of little but these
words is this family's junk, whatever its exact wording::

    [lexicon]
    words = ["share", "facebook", "subscri*"]   # lowercase tokens; "x*" is a prefix
    labels = ["news"]                           # chrome only in a label before a headline ("More news: ...")
    name_labels = ["source", "tags"]            # alone before a colon, names or a list after it: "Source: AFP"
    cta_verbs = ["download", "subscribe"]       # an imperative opening a clause: "Download our app for ..."

and ``rules/<language>/function_words.txt`` lists the language's articles, prepositions,
pronouns and conjunctions (one a line, ``#`` comments), which the check ignores.
"""

import functools
import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import ahocorasick

from cleanpipe.errors import ConfigError

KINDS = ("line", "fragment", "list")
WHERE = ("any", "head", "tail")


@dataclass(frozen=True, slots=True)
class Rule:
    """One compiled boilerplate rule."""

    id: str
    family: str
    language: str
    kind: str
    where: str
    literals: tuple[str, ...]
    max_chars: int | None
    pattern: str
    version: int
    min_items: int = 2
    max_items: int = 12
    item_max_chars: int = 160
    # the first words of the literals: a glued line opening on one may be this rule's
    literal_openings: frozenset[str] = field(init=False, compare=False, repr=False)
    _regex: re.Pattern | None = field(default=None, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "literal_openings",
                           frozenset(literal.split()[0] for literal in self.literals if literal.split()))

    @property
    def regex(self) -> re.Pattern:
        """The compiled pattern, compiled on first use: a run opens the gates of about 40 % of
        the ten packs' rules, and compiling all of them cost ~0.3 s of every process's start-up."""
        compiled = self._regex
        if compiled is None:
            compiled = re.compile(self.pattern)
            object.__setattr__(self, "_regex", compiled)
        return compiled

    def gate(self, folded: str) -> bool:
        """True when one of the rule's literals occurs in the case-folded paragraph (the
        reference for :class:`RuleIndex`, which finds the same for all rules at once)."""
        if not self.literals:
            return True
        return any(_find_literal(literal, folded) for literal in self.literals)


def _is_word_char(char: str) -> bool:
    """Whether ``char`` is one of re's ``\\w``: a literal starting with one must start a word."""
    return char.isalnum() or char == "_"


def _find_literal(literal: str, folded: str) -> bool:
    """Whether ``literal`` occurs in ``folded``, at a word start if it begins with a word character."""
    if not _is_word_char(literal[0]):
        return literal in folded
    return _word_start_pattern(literal).search(folded) is not None


@functools.lru_cache(maxsize=None)
def _word_start_pattern(literal: str) -> re.Pattern:
    """``literal`` at a word start, compiled once: the packs hold more literals than re's own cache."""
    return re.compile(r"(?<!\w)" + re.escape(literal))


class RuleIndex:
    """The rules of a pack set, found for a paragraph by one scan for all their literals.

    An Aho-Corasick automaton (pyahocorasick, C) holds every literal of every pack, ~850
    with ten languages loaded: one pass over a paragraph finds each occurrence, and only
    those (about ten in a whole news article) are looked at in Python. Checking the literals
    one by one would cost ~120 us a paragraph; scanning its word starts with a regex, ~15 us;
    this, ~6 us (strip went from 0.47 to 0.24 ms an article, the same output on the 11,000
    documents of the benchmark corpus).
    """

    def __init__(self, rules: tuple[Rule, ...]):
        self.rules = rules
        self.ungated = frozenset(i for i, rule in enumerate(rules) if not rule.literals)
        owners: dict[str, list[int]] = {}
        for position, rule in enumerate(rules):
            for literal in rule.literals:
                owners.setdefault(literal, []).append(position)
        self._automaton = None
        if owners:
            self._automaton = ahocorasick.Automaton()
            for literal, positions in owners.items():
                self._automaton.add_word(literal, (len(literal) - 1, _is_word_char(literal[0]), tuple(positions)))
            self._automaton.make_automaton()
        # Each rule's place in the order candidates come out in: list rules first, then pack order.
        self._rank = [(rule.kind != "list", position) for position, rule in enumerate(rules)]

    def candidates(self, folded: str) -> list[Rule]:
        """The rules whose gate opens on the case-folded paragraph: ``list`` rules first (a
        header such as "Read more" owns the headlines under it; alone, it falls to the
        ``line`` rules that take the bare label), then the rest, each in pack order."""
        positions = set(self.ungated)
        if self._automaton is not None:
            for end, (span, word_start, owners) in self._automaton.iter(folded):
                start = end - span
                if word_start and start and _is_word_char(folded[start - 1]):
                    continue  # inside a word: "says" in "essays"
                positions.update(owners)
        return self.ranked(positions)

    def ranked(self, positions: set[int]) -> list[Rule]:
        """The rules at these positions, list rules first, then in pack order."""
        if not positions:
            return []
        rules = self.rules
        return [rules[i] for i in sorted(positions, key=self._rank.__getitem__)]


_INDEXES: dict[int, RuleIndex] = {}


def rule_index(rules: tuple[Rule, ...]) -> RuleIndex:
    """The index of a rule tuple, built once per tuple (keyed by identity: hashing ~200
    compiled rules per document would cost more than the index saves)."""
    index = _INDEXES.get(id(rules))
    if index is None or index.rules is not rules:
        index = _INDEXES[id(rules)] = RuleIndex(rules)
    return index


@functools.lru_cache(maxsize=16)
def load_rules(languages: tuple[str, ...], extra_dirs: tuple[str, ...] = (),
               disabled_families: tuple[str, ...] = ()) -> tuple[Rule, ...]:
    """Load and compile the rule packs for ``languages``, once per process.

    Args:
        languages: language codes whose packs to load (folders under ``rules/``).
        extra_dirs: further rule folders laid out the same way (user packs).
        disabled_families: families whose rules are left out (e.g. ``("credit",)``).

    Returns:
        The rules, ordered by file then position: the first matching rule names a removal.

    Raises:
        ConfigError: a language has no pack, or a pack is malformed.
    """
    builtin = Path(str(resources.files("cleanpipe") / "rules"))
    roots = [builtin] + [Path(d) for d in extra_dirs]
    rules: list[Rule] = []
    for language in languages:
        files = sorted(f for root in roots for f in (root / language).glob("*.toml"))
        if not files:
            raise ConfigError(f"no rule pack for language {language!r} in {', '.join(map(str, roots))}")
        for path in files:
            rules.extend(_load_pack(path, language, compile_now=path.parent.parent != builtin))
    ids = [r.id for r in rules]
    duplicated = sorted({i for i in ids if ids.count(i) > 1})
    if duplicated:
        raise ConfigError(f"duplicate rule ids: {', '.join(duplicated)}")
    unknown = sorted(set(disabled_families) - {r.family for r in rules})
    if unknown:
        raise ConfigError(f"disabled_families names no loaded family: {', '.join(unknown)}")
    return tuple(r for r in rules if r.family not in disabled_families)


LEXICON_RULE = "lexicon"  # the name part of a lexicon removal's id: "en.share.lexicon"
_PREFIX_MIN = 4  # "abonn*": shorter prefixes would open on too many ordinary words


@dataclass(frozen=True)
class Lexicon:
    """The family vocabularies and function words of the loaded packs, for the lexicon check."""

    function_words: frozenset[str]
    label_words: frozenset[str]  # words that count as chrome in a teaser's label only ("Más noticias: ...")
    name_labels: dict[str, tuple[str, ...]]  # a one-word label -> lexicon ids: "Source: AFP", "Tags: port, budget"
    cta_verbs: dict[str, tuple[str, ...]]  # an imperative that opens a call to action -> lexicon ids: "Download ..."
    words: dict[str, tuple[str, ...]]  # token -> ids of the packs' lexicons listing it ("en.share.lexicon"), in pack order
    prefixes: dict[str, tuple[tuple[str, str], ...]]  # a prefix's first four letters -> (prefix, id), longest first

    def rules_of(self, token: str) -> tuple[str, ...]:
        """The lexicon ids a case-folded token belongs to, by whole word, else by prefix (empty: none)."""
        rule_ids = self.words.get(token)
        if rule_ids is not None:
            return rule_ids
        return tuple(rule_id for prefix, rule_id in self.prefixes.get(token[:_PREFIX_MIN], ()) if token.startswith(prefix))

    def rule_of(self, token: str) -> str | None:
        """The first lexicon id a case-folded token belongs to, or None."""
        rule_ids = self.rules_of(token)
        return rule_ids[0] if rule_ids else None

    @functools.cached_property
    def _automaton(self):
        """Every word and name label of three letters or more and every prefix, found in one scan (pyahocorasick,
        C); value: (its length, whether it is a prefix). Shorter words ("ap", "vk") would match
        inside most words: they are left to the count, which sees them when a longer one opens it."""
        automaton = ahocorasick.Automaton()
        for word in (*self.words, *self.name_labels, *self.cta_verbs):  # so do a name label ("Tagi: ...") and a call to action's verb
            if len(word) >= _SCAN_MIN_CHARS and word not in automaton:
                automaton.add_word(word, (len(word), False))
        for entries in self.prefixes.values():
            for prefix, _ in entries:
                automaton.add_word(prefix, (len(prefix), True))
        automaton.make_automaton()
        return automaton

    @functools.cached_property
    def consent_cta_openings(self) -> re.Pattern:
        """A clause opening on a consent pack's call-to-action verb, the verb as group 1 ("... – download
        the app"): one scan in C finds every candidate of a paragraph."""
        verbs = sorted((verb for verb, ids in self.cta_verbs.items() if any(rule_family(r) == "consent" for r in ids)),
                       key=len, reverse=True)
        alternatives = "|".join(re.escape(verb) for verb in verbs) or "(?!)"
        return re.compile(rf"(?:^|[.!?]\s+|\s[–—-]\s+|:\s+)[¡¿(]?({alternatives})(?![\w'’-])", re.IGNORECASE)

    def find(self, lowered: str) -> list[tuple[int, int]]:
        """Where chrome words of three letters or more stand in a lower-cased text, as (start, end).

        A word must match whole, a prefix must start a word; an apostrophe or a hyphen bounds
        a word here ("l'application"), so the scan may find a little more than the tokens the
        check then counts.
        """
        found: dict[int, int] = {}
        for end, (size, prefix) in self._automaton.iter(lowered):
            _add_word_span(found, lowered, end, size, prefix)
        return sorted(found.items())


def _add_word_span(found: dict[int, int], lowered: str, end: int, size: int, prefix: bool) -> None:
    """Record a scan's hit ending at ``end`` as ``found[start] = stop`` when it is a whole word, or a prefix
    starting one (then its word's end); the longest of the hits that start at one place."""
    start = end - size + 1
    if start and lowered[start - 1].isalnum():
        return
    stop, length = end + 1, len(lowered)
    if prefix:
        while stop < length and lowered[stop].isalnum():
            stop += 1
    elif stop < length and lowered[stop].isalnum():
        return
    found[start] = max(found.get(start, 0), stop)


_SCAN_MIN_CHARS = 3


class ParagraphScan:
    """The rule index's and the lexicon's scans of a paragraph in one pass of one automaton.

    Each scan walks the whole paragraph (~5 us for 200 characters); on the common paragraph,
    whose case-folded and lower-cased forms are the same text, one walk finds both the rules'
    literals and the chrome words. Any other paragraph ("Straße") is scanned twice, as before.
    """

    def __init__(self, index: RuleIndex, lexicon: Lexicon):
        self.index = index
        self.lexicon = lexicon
        values: dict[str, list] = {}
        if index._automaton is not None:
            for literal, value in index._automaton.items():
                values[literal] = [value, None]
        for literal, value in lexicon._automaton.items():
            values.setdefault(literal, [None, None])[1] = value
        self._automaton = ahocorasick.Automaton()
        for literal, (rule_value, lexicon_value) in values.items():
            self._automaton.add_word(literal, (rule_value, lexicon_value))
        self._automaton.make_automaton()

    def scan(self, paragraph: str) -> tuple[list[Rule], list[tuple[int, int]]]:
        """(``index.candidates(paragraph.casefold())``, ``lexicon.find(paragraph.lower())``)."""
        folded, lowered = paragraph.casefold(), paragraph.lower()
        if folded != lowered:
            return self.index.candidates(folded), self.lexicon.find(lowered)
        positions = set(self.index.ungated)
        found: dict[int, int] = {}
        for end, (rule_value, lexicon_value) in self._automaton.iter(folded):
            if rule_value is not None:  # as RuleIndex.candidates
                span, word_start, owners = rule_value
                start = end - span
                if not (word_start and start and _is_word_char(folded[start - 1])):
                    positions.update(owners)
            if lexicon_value is not None:  # as Lexicon.find
                _add_word_span(found, folded, end, *lexicon_value)
        return self.index.ranked(positions), sorted(found.items())


_SCANS: dict[tuple[int, int], ParagraphScan] = {}


def paragraph_scan(rules: tuple[Rule, ...], lexicon: Lexicon) -> ParagraphScan:
    """The combined scan of a rule tuple and a lexicon, built once per pair (keyed by identity, as :func:`rule_index`)."""
    index = rule_index(rules)
    scan = _SCANS.get((id(index), id(lexicon)))
    if scan is None or scan.index is not index or scan.lexicon is not lexicon:
        scan = _SCANS[(id(index), id(lexicon))] = ParagraphScan(index, lexicon)
    return scan


@functools.lru_cache(maxsize=16)
def load_lexicon(languages: tuple[str, ...], extra_dirs: tuple[str, ...] = (),
                 disabled_families: tuple[str, ...] = ()) -> Lexicon:
    """Load the ``[lexicon]`` tables and function words of ``languages``' packs, once per process.

    Args:
        languages: language codes whose packs to read, in order (the first pack listing a word names it).
        extra_dirs: further rule folders laid out the same way.
        disabled_families: families whose vocabularies are left out.

    Returns:
        The merged lexicon (empty when no pack has one).

    Raises:
        ConfigError: a lexicon entry is not one lowercase token, or its prefix is too short.
    """
    roots = [Path(str(resources.files("cleanpipe") / "rules"))] + [Path(d) for d in extra_dirs]
    function_words: set[str] = set()
    words: dict[str, list[str]] = {}
    label_words: set[str] = set()
    name_labels: dict[str, list[str]] = {}
    cta_verbs: dict[str, list[str]] = {}
    prefixes: dict[str, list[tuple[str, str]]] = {}
    for language in languages:
        for root in roots:
            listed = root / language / "function_words.txt"
            if listed.is_file():
                for line in listed.read_text(encoding="utf-8").splitlines():
                    word = line.split("#", 1)[0].strip()
                    if word:
                        function_words.add(word.casefold())
        for path in sorted(f for root in roots for f in (root / language).glob("*.toml")):
            pack = _read_pack(path)
            family = pack.get("family", path.stem)
            if family in disabled_families:
                continue
            rule_id = f"{language}.{family}.{LEXICON_RULE}"
            label_words.update(word.casefold() for word in pack.get("lexicon", {}).get("labels", ()))
            for key, listed, what in (("name_labels", name_labels, "name label"), ("cta_verbs", cta_verbs, "call-to-action verb")):
                for entry in pack.get("lexicon", {}).get(key, ()):
                    if entry != entry.casefold() or not entry.strip() or " " in entry:
                        raise ConfigError(f"{path}: lexicon {what} {entry!r} is not one lowercase token")
                    if rule_id not in listed.setdefault(entry, []):
                        listed[entry].append(rule_id)
            for entry in pack.get("lexicon", {}).get("words", ()):
                if entry != entry.casefold() or not entry.strip() or " " in entry:
                    raise ConfigError(f"{path}: lexicon entry {entry!r} is not one lowercase token")
                if entry.endswith("*"):
                    prefix = entry[:-1]
                    if len(prefix) < _PREFIX_MIN:
                        raise ConfigError(f"{path}: lexicon prefix {entry!r} is shorter than {_PREFIX_MIN} letters")
                    prefixes.setdefault(prefix[:_PREFIX_MIN], []).append((prefix, rule_id))
                elif rule_id not in words.setdefault(entry, []):
                    words[entry].append(rule_id)
    # A word listed by a family is chrome whatever function-word list also names it.
    function_words -= words.keys()
    ordered = {key: tuple(sorted(entries, key=lambda e: -len(e[0]))) for key, entries in prefixes.items()}
    return Lexicon(frozenset(function_words), frozenset(label_words),
                   {word: tuple(ids) for word, ids in name_labels.items()},
                   {word: tuple(ids) for word, ids in cta_verbs.items()},
                   {word: tuple(ids) for word, ids in words.items()}, ordered)


def rule_family(rule_id: str) -> str:
    """The family part of a rule id: "en.video.title-says" -> "video", "structure.x" -> "structure"."""
    parts = rule_id.split(".")
    return parts[1] if len(parts) >= 3 else parts[0]


def rule_language(rule_id: str) -> str | None:
    """The language part of a pack rule's id: "en.video.title-says" -> "en", "structure.x" -> None."""
    parts = rule_id.split(".")
    return parts[0] if len(parts) >= 3 else None


@functools.lru_cache(maxsize=256)
def _read_pack(path: Path) -> dict:
    """One pack file's TOML, read once per process for both :func:`load_rules` and :func:`load_lexicon`."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"rule pack {path} is not valid TOML: {exc}") from exc


def _checked_pattern(pattern: str, compile_now: bool) -> str:
    """``pattern``, compiled at once when asked (a user's pack: a bad regex must stop the run at its start)."""
    if compile_now:
        re.compile(pattern)
    return pattern


def _load_pack(path: Path, language: str, compile_now: bool = True) -> list[Rule]:
    """Parse one pack file; with ``compile_now``, compile its patterns too (the built-in packs'
    are compiled on first use: tests/test_rules.py compiles every one of them)."""
    pack = _read_pack(path)
    family = pack.get("family", path.stem)
    if pack.get("language", language) != language:
        raise ConfigError(f"rule pack {path} says language {pack['language']!r}, folder says {language!r}")
    version = int(pack.get("version", 1))
    compiled = []
    for spec in pack.get("rule", []):
        rule_id = f"{language}.{family}.{spec.get('name', '?')}"
        try:
            compiled.append(
                Rule(
                    id=rule_id,
                    family=family,
                    language=language,
                    kind=_choice(spec.get("kind", "line"), KINDS, "kind"),
                    where=_choice(spec.get("where", "any"), WHERE, "where"),
                    literals=tuple(lit.casefold() for lit in spec.get("literals", ())),
                    max_chars=spec.get("max_chars"),
                    pattern=_checked_pattern(spec["pattern"], compile_now),
                    version=version,
                    min_items=int(spec.get("min_items", 2)),
                    max_items=int(spec.get("max_items", 12)),
                    item_max_chars=int(spec.get("item_max_chars", 160)),
                )
            )
        except (KeyError, ValueError, re.error) as exc:
            raise ConfigError(f"rule {rule_id} in {path}: {exc}") from exc
    return compiled


def _choice(value: str, allowed: tuple[str, ...], what: str) -> str:
    """Return ``value`` if it is one of ``allowed``."""
    if value not in allowed:
        raise ValueError(f"{what} must be one of {allowed}, got {value!r}")
    return value
