"""ftfy's mojibake test (``ftfy.badness.is_bad``), with the same answers at a fraction of the cost.

ftfy's ``BADNESS_RE`` is an alternation of ~37 short patterns, and Python's regex engine
tries every one of them at every character: ~1 ms on a 5 KB article, as much as the rest of
the cleaning. Each pattern is a run of one-character tokens; rewritten here to start at its
rarest token (the tokens before it become a fixed-width lookbehind), every match starts at
an uncommon character (a C1 control, a currency or box-drawing sign, a curly quote, an
accented capital, ...), and a lookahead on those lets the engine skip ordinary letters.
A match at position p of the original is a match at p + k of the rewrite, so the answer
is the same; the tests check it on real and random text.
"""

import re

from ftfy.badness import BADNESS_RE, MOJIBAKE_CATEGORIES

# Letters and punctuation of ordinary text in many scripts: a token that matches few of
# these is a good place for a pattern to start.
_ORDINARY = "".join(map(chr, range(32, 127))) + "".join(
    re.sub(r"(.)-(.)", lambda m: "".join(map(chr, range(ord(m[1]), ord(m[2]) + 1))), MOJIBAKE_CATEGORIES[name])
    for name in ("lower_accented", "lower_common", "upper_common", "kaomoji")
) + "‘’“”«»„–—…\xa0\n"

_TOKEN = re.compile(r"\[(?:\\.|[^\]\\])+\]|\\.|[^\s\\\[]")  # a class, an escape, a literal or "?"


def _alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of a VERBOSE pattern written one per '|' line, comments dropped."""
    lines = [line.strip() for line in pattern.split("\n")]
    lines = [line for line in lines if line and not line.startswith("#")]
    alternatives, current = [], []
    for line in lines:
        if line == "|":
            alternatives.append("".join(current))
            current = []
        else:
            current.append(line)
    alternatives.append("".join(current))
    return alternatives


def _expand_optional(tokens: list[str]) -> list[list[str]]:
    """Token lists without optional tokens: ``X?`` gives one list with X and one without."""
    expanded = [[]]
    for token in tokens:
        if token == "?":
            last = [t[:-1] for t in expanded]
            expanded = expanded + last
        else:
            expanded = [t + [token] for t in expanded]
    return expanded


def _rewrite(alternative: str) -> tuple[list[str], set[str]]:
    """(rewritten patterns, characters a match of them may start with) for one alternative."""
    if alternative.startswith("^"):  # anchored: only ever tried at position 0, leave it
        return [alternative], {c for c in _candidate_chars() if re.match(alternative[1:], c + "  ", re.VERBOSE)}
    tokens = _TOKEN.findall(alternative)  # VERBOSE: whitespace outside a class is not a token
    if _TOKEN.sub("", alternative).strip():
        raise ValueError(f"cannot tokenize ftfy pattern {alternative!r}")
    rewritten, starts = [], set()
    for sequence in _expand_optional(tokens):
        hits = [sum(1 for c in _ORDINARY if re.fullmatch(token, c)) for token in sequence]
        start = hits.index(min(hits))
        if sequence[start] == "." or sequence[start].startswith(("[^", "\\")):
            raise ValueError(f"ftfy pattern {alternative!r} would start at an open-ended token")
        behind = "".join(sequence[:start])
        rewritten.append((f"(?<={behind})" if behind else "") + "".join(sequence[start:]))
        starts |= {c for c in _candidate_chars() if re.fullmatch(sequence[start], c)}
    return rewritten, starts


def _candidate_chars() -> str:
    """Every character named in ftfy's pattern, plus ASCII: the only ones a token can match
    apart from negated classes and escapes, which never start a rewritten pattern."""
    named = set(re.sub(r"(.)-(.)", lambda m: "".join(map(chr, range(ord(m[1]), ord(m[2]) + 1))), BADNESS_RE.pattern))
    return "".join(sorted(named | set(map(chr, range(128)))))


def _build() -> tuple[re.Pattern, re.Pattern]:
    """(the characters a match may start at, the rewritten BADNESS_RE tried at one of them)."""
    patterns, starts = [], set()
    for alternative in _alternatives(BADNESS_RE.pattern):
        rewritten, first = _rewrite(alternative)
        patterns += rewritten
        starts |= first
    start_class = "".join(re.escape(c) for c in sorted(starts))
    return re.compile(f"[{start_class}]"), re.compile("(?:" + "|".join(patterns) + ")", re.VERBOSE)


# A plain character class is scanned at C speed (~3 ns a character); the alternation is
# tried only where one of its starting characters stands (a dozen places in an article).
_STARTS, _FAST_BADNESS = _build()


def is_bad(text: str) -> bool:
    """True when ``text`` looks like it holds mojibake; the same answer as ``ftfy.badness.is_bad``."""
    match = _FAST_BADNESS.match  # lookbehinds still see the text before the position tried
    return any(match(text, start.start()) for start in _STARTS.finditer(text))
