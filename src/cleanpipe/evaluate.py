"""Score a cleaned output folder against a labelled gold set (``cleanpipe eval``).

The gold set is JSONL, one object per raw document (format in README.md, "Gold format")::

    {"source": "en/express-energy.txt", "title": "...", "language": "en",
     "paragraphs": [
        {"text": "Play Video", "label": "boilerplate", "family": "video"},
        {"text": "Firefighters at the scene (Image: Getty)", "label": "content",
         "clean": "Firefighters at the scene",
         "fragments": [{"text": "(Image: Getty)", "family": "credit"}]},
        {"text": "Credit card borrowing rose by £1.4bn", "label": "trap", "family": "credit"}]}

``text`` is the paragraph as it stands in the raw body; ``clean`` what should be left of it
(default: ``text``); ``label`` is ``content`` (must stay), ``trap`` (content that looks like
the junk of ``family``: must stay) or ``boilerplate`` (the whole paragraph must go).

Measures, over all gold documents:

- content recall: expected paragraphs (content and traps, as ``clean``) found in the output;
- boilerplate removed: junk units (whole paragraphs and fragments) of which nothing is left;
- traps kept: trap paragraphs found in the output;
- exact documents: output body equal to the expected paragraphs, in order (for a document
  that is only boilerplate: no article at all);
- boilerplate-only documents rejected: gold documents with no content or trap paragraph
  (a cookie banner alone, a page of navigation links) that have no article in the output;
- title and language accuracy (over documents that should be articles).

Junk left over is also listed per family (``leaked``), so a user sees what their feed needs.

Output paragraphs are the record's ``text`` split on blank lines; comparisons fold runs of
whitespace. A junk unit counts as left over when an output paragraph that is not an expected
paragraph contains it or is part of it (a trimmed remnant of a junk line is still junk).
"""

import re
from collections import Counter, defaultdict
from pathlib import Path

import orjson

LABELS = ("content", "trap", "boilerplate")

GOALS = {
    "content_recall": 0.995,
    "boilerplate_removed": 0.98,
    "traps_kept": 1.0,
    "exact_documents": 0.90,
    "boilerplate_only_rejected": 1.0,
    "language_accuracy": 1.0,
}
"""The held-out targets (issues 3 and 11); ``cleanpipe eval --goals`` exits 1 when one is missed."""

_SPACES = re.compile(r"\s+")


class GoldError(ValueError):
    """A gold file line that does not follow the gold format."""


def load_gold(path: str | Path) -> list[dict]:
    """Read and check a gold JSONL file.

    Args:
        path: the gold file.

    Returns:
        One dict per document, as in the file.

    Raises:
        GoldError: a line is not a JSON object in the gold format (the line is named).
    """
    documents = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            doc = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            raise GoldError(f"{path}:{number}: not JSON: {exc}") from exc
        problem = _gold_problem(doc)
        if problem:
            raise GoldError(f"{path}:{number}: {problem}")
        documents.append(doc)
    return documents


def _gold_problem(doc) -> str | None:
    """What is wrong with one gold document, or None."""
    if not isinstance(doc, dict) or not isinstance(doc.get("source"), str):
        return "a gold line must be an object with a string 'source'"
    paragraphs = doc.get("paragraphs")
    if not isinstance(paragraphs, list):
        return "'paragraphs' must be a list"
    for index, paragraph in enumerate(paragraphs):
        if not isinstance(paragraph, dict) or not isinstance(paragraph.get("text"), str):
            return f"paragraph {index}: must be an object with a string 'text'"
        if paragraph.get("label") not in LABELS:
            return f"paragraph {index}: 'label' must be one of {LABELS}"
        if paragraph["label"] != "content" and not paragraph.get("family"):
            return f"paragraph {index}: a {paragraph['label']} needs a 'family'"
        for fragment in paragraph.get("fragments", []):
            if not isinstance(fragment, dict) or not fragment.get("text") or not fragment.get("family"):
                return f"paragraph {index}: each fragment needs 'text' and 'family'"
    return None


def load_output(out_dir: str | Path) -> dict[str, dict]:
    """Article records of a ``cleanpipe run`` output, by source.

    Args:
        out_dir: the clean folder (with ``articles/`` inside) or the articles folder itself.

    Returns:
        ``{source: record}`` over every ``*.jsonl`` part.
    """
    root = Path(out_dir)
    folder = root / "articles" if (root / "articles").is_dir() else root
    records = {}
    for part in sorted(folder.glob("*.jsonl")):
        for line in part.read_bytes().splitlines():
            if line.strip():
                record = orjson.loads(line)
                records[record["source"]] = record
    return records


def fold(text: str | None) -> str:
    """Collapse whitespace runs to one space and strip the ends."""
    return _SPACES.sub(" ", text or "").strip()


def expected_paragraphs(doc: dict) -> list[str]:
    """The paragraphs a perfect cleaner leaves for one gold document."""
    return [
        fold(p.get("clean", p["text"]))
        for p in doc["paragraphs"]
        if p["label"] != "boilerplate" and fold(p.get("clean", p["text"]))
    ]


def score(gold: list[dict], output: dict[str, dict]) -> dict:
    """Score output records against gold documents.

    Args:
        gold: documents from :func:`load_gold`.
        output: records from :func:`load_output`.

    Returns:
        ``{"overall": {...}, "by_family": {...}, "by_language": {...}, "documents": [...]}``:
        each measure as ``{"hit": n, "total": n, "rate": r}``, and per document what went
        wrong (missed paragraphs, junk left over) for the ones that are not exactly right.
    """
    overall: dict[str, Counter] = defaultdict(Counter)
    by_family: dict[str, dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
    by_language: dict[str, dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
    documents = []
    leaked: dict[str, Counter] = defaultdict(Counter)
    for doc in gold:
        record = output.get(doc["source"])
        got = [fold(p) for p in record["text"].split("\n\n")] if record else []
        got = [p for p in got if p]
        expected = expected_paragraphs(doc)
        leftover = list((Counter(got) - Counter(expected)).elements())
        available = Counter(got)
        language = doc.get("language") or "und"
        report = {"source": doc["source"], "missing": record is None and bool(expected), "lost": [], "left": [],
                  "expected_reject": record is not None and not expected}
        tallies = [overall, by_language[language]]

        for paragraph in doc["paragraphs"]:
            label, family = paragraph["label"], paragraph.get("family")
            if label == "boilerplate":
                units = [(fold(paragraph["text"]), family)]
            else:
                clean = fold(paragraph.get("clean", paragraph["text"]))
                if clean:
                    kept = available[clean] > 0
                    available[clean] -= kept
                    for tally in tallies:
                        _count(tally["content_recall"], kept)
                    if label == "trap":
                        for tally in (*tallies, by_family[family]):
                            _count(tally["traps_kept"], kept)
                    if not kept:
                        report["lost"].append(clean)
                units = [(fold(f["text"]), f["family"]) for f in paragraph.get("fragments", [])]
            for junk, junk_family in units:
                removed = not any(junk in o or o in junk for o in leftover)
                for tally in (*tallies, by_family[junk_family]):
                    _count(tally["boilerplate_removed"], removed)
                if not removed:
                    report["left"].append(f"[{junk_family}] {junk}")
                    leaked[junk_family][junk] += 1

        if not expected:  # only boilerplate: the right outcome is a reject, not an article
            exact = title_ok = language_ok = record is None
            for tally in tallies:
                _count(tally["exact_documents"], exact)
                _count(tally["boilerplate_only_rejected"], exact)
        else:
            exact = record is not None and got == expected
            title_ok = record is not None and fold(record.get("title")) == fold(doc.get("title"))
            language_ok = record is not None and doc.get("language") is not None and record.get("language") == doc["language"]
            for tally in tallies:
                _count(tally["exact_documents"], exact)
                _count(tally["title_accuracy"], title_ok)
                if doc.get("language") is not None:
                    _count(tally["language_accuracy"], language_ok)
        if not (exact and title_ok and (language_ok or doc.get("language") is None)):
            report.update(exact=exact, title_ok=title_ok, language=record.get("language") if record else None,
                          expected_language=doc.get("language"))
            documents.append(report)
    return {
        "documents_scored": len(gold),
        "documents_missing": sum(1 for d in documents if d["missing"]),
        "overall": _rates(overall),
        "by_family": {f: _rates(t) for f, t in sorted(by_family.items())},
        "by_language": {lang: _rates(t) for lang, t in sorted(by_language.items())},
        "leaked": {f: [{"text": t, "count": n} for t, n in sorted(c.items(), key=lambda x: (-x[1], x[0]))]
                   for f, c in sorted(leaked.items())},
        "documents": documents,
    }


def _count(counter: Counter, hit: bool) -> None:
    """Add one observation to a hit/total counter."""
    counter["total"] += 1
    counter["hit"] += bool(hit)


def _rates(tally: dict[str, Counter]) -> dict[str, dict]:
    """Hit, total and rate for each measure (rate 1.0 when there is nothing to measure)."""
    return {
        name: {"hit": c["hit"], "total": c["total"], "rate": round(c["hit"] / c["total"], 4) if c["total"] else 1.0}
        for name, c in sorted(tally.items())
    }


def missed_goals(report: dict, goals: dict[str, float] = GOALS) -> list[str]:
    """The goals the overall scores miss, as readable lines (empty: all met)."""
    overall = report["overall"]
    return [
        f"{name} {overall[name]['rate']:.4f} < {target}"
        for name, target in goals.items()
        if name in overall and overall[name]["rate"] < target
    ]


def format_report(report: dict, show_documents: int = 10) -> str:
    """A terminal summary: overall measures, per family, per language, worst documents."""
    lines = [f"documents {report['documents_scored']} (missing from output: {report['documents_missing']})"]
    for name, value in report["overall"].items():
        lines.append(f"  {name:22s} {value['rate']:.4f}  ({value['hit']}/{value['total']})")
    for title, table in (("family", report["by_family"]), ("language", report["by_language"])):
        lines.append(f"by {title}:")
        for key, measures in table.items():
            cells = ", ".join(f"{name} {v['rate']:.3f} ({v['hit']}/{v['total']})" for name, v in measures.items())
            lines.append(f"  {key:10s} {cells}")
    if report.get("leaked"):
        lines.append("leaked, by family (junk left in the output; most frequent first):")
        for family, items in report["leaked"].items():
            lines.append(f"  {family} ({sum(i['count'] for i in items)}):")
            lines.extend(f"    {i['count']:3d}x {i['text'][:110]}" for i in items[:show_documents])
    for doc in report["documents"][:show_documents]:
        state = ("missing" if doc["missing"] else ("written, expected a reject" if doc.get("expected_reject")
                 else ("not exact" if not doc["exact"] else "metadata")))
        lines.append(f"- {doc['source']}: {state}; title ok {doc['title_ok']}; language {doc['language']}"
                     f" (expected {doc['expected_language']})")
        lines.extend(f"    lost: {p[:120]}" for p in doc["lost"])
        lines.extend(f"    left: {p[:120]}" for p in doc["left"])
    return "\n".join(lines)
