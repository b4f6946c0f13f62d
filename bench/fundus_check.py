"""Check the HTML path against fundus' curated article bodies (not run by `make test`).

For every page in /work/shared/data/fundus-testdata/pages/<cc>/<Publisher>_<date>.html.gz,
the gold body is the parser output stored in <Publisher>.json (one entry per parser
version; the version whose paragraphs occur most in the page's HTML is the page's).
Two cleaners are compared on the same pages:

- ``trafilatura``: plain ``trafilatura.extract`` (comments off, tables on), the baseline;
- ``cleanpipe``: cleanpipe's own stages up to boilerplate stripping (decode, extract,
  repair, split, strip) with the default configuration (all ten rule packs);
- ``cleanpipe_unstripped``: the same stages without strip, so that the difference between
  it and ``cleanpipe`` is what the rule packs did (the rest is extraction and repair).

Measures, summed over pages:

- gold paragraphs kept: gold body paragraphs (``sections[].paragraphs``) found, whitespace
  folded, in the cleaned text;
- junk paragraphs / characters: output paragraphs that are not part of the gold article
  (neither inside its title, summary, headlines and paragraphs, nor containing one of them);
- removals by rule family (cleanpipe only), removals whose text is gold body text (rule
  packs hitting content), and the junk lines most often left over.

Usage: .venv/bin/python bench/fundus_check.py [--data DIR] [--out bench/results/fundus_check.json]
"""

import argparse
import gzip
import html
import json
import re
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path

import trafilatura

from cleanpipe.config import Config
from cleanpipe.document import Document
from cleanpipe.errors import Rejected
from cleanpipe.pipeline import build_stages
from cleanpipe.rules import rule_family

DATA = Path("/work/shared/data/fundus-testdata/pages")
_SPACES = re.compile(r"\s+")
_TAGS = re.compile(r"<[^>]+>")


def fold(text: str) -> str:
    """NFC, whitespace runs folded to one space."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text or "")).strip()


def gold_parts(entry: dict) -> tuple[list[str], list[str]]:
    """(body paragraphs, every other article text: title, summary, headlines) of one gold entry."""
    body = entry.get("body") or {}
    paragraphs = [fold(p) for s in body.get("sections", []) for p in s.get("paragraphs", []) if fold(p)]
    other = [fold(entry.get("title") or "")] + [fold(p) for p in body.get("summary", [])]
    other += [fold(h) for s in body.get("sections", []) for h in s.get("headline", [])]
    return paragraphs, [o for o in other if o]


def body_sequence(entry: dict) -> list[str]:
    """The gold body in reading order, as fundus' ``ArticleBody.as_text_sequence()`` lists it:
    the summary, then each section's headline and paragraphs."""
    body = entry.get("body") or {}
    texts = list(body.get("summary", []))
    for section in body.get("sections", []):
        texts += list(section.get("headline", [])) + list(section.get("paragraphs", []))
    return [folded for t in texts if (folded := fold(t))]


def html_text(raw: bytes) -> str:
    """A page's HTML with its tags dropped, entities decoded and whitespace folded."""
    return fold(html.unescape(_TAGS.sub(" ", raw.decode("utf-8", "replace"))))


def gold_pages(data: Path) -> Iterator[tuple[str, Path, dict | None]]:
    """Every test page as (``<cc>/<file name>``, its path, its gold entry or None when no parser
    version's paragraphs are found in its HTML), sorted by publisher file then page."""
    for gold_file in sorted(data.glob("*/*.json")):
        versions = json.loads(gold_file.read_text("utf-8"))
        for page in sorted(gold_file.parent.glob(f"{gold_file.stem}_*.html.gz")):
            entry = pick_version(versions, html_text(gzip.decompress(page.read_bytes())))
            yield f"{gold_file.parent.name}/{page.name}", page, entry


def pick_version(versions: dict, page_text: str) -> dict | None:
    """The gold entry whose paragraphs occur most often in the page's text."""
    best, best_hits = None, -1
    for entry in versions.values():
        paragraphs, _ = gold_parts(entry)
        hits = sum(1 for p in paragraphs if p[:80] in page_text)
        if paragraphs and hits > best_hits:
            best, best_hits = entry, hits
    return best if best_hits > 0 else None


def cleanpipe_paragraphs(source: str, raw: bytes, stages) -> tuple[list[str], list[str], list[dict]]:
    """Paragraphs before and after cleanpipe's strip stage, and its removals."""
    doc = Document(source, "html", raw=raw)
    before: list[str] = []
    try:
        for name, stage in stages:
            if name == "strip":
                before = [fold(p) for p in doc.paragraphs]
            doc = stage(doc)
            if name == "strip":
                break
    except Rejected:
        return before, [], doc.removed
    return before, [fold(p) for p in doc.paragraphs], doc.removed


def score_page(paragraphs: list[str], gold: list[str], other: list[str]) -> dict:
    """Gold paragraphs kept and junk left in one cleaned page."""
    text = " ".join(paragraphs)
    article = " ".join(gold + other)
    kept = sum(1 for g in gold if g in text)
    junk = [p for p in paragraphs if p not in article and not any(g in p for g in gold if len(g) > 20)]
    return {"gold": len(gold), "kept": kept, "junk": junk, "chars": len(text)}


def main(argv: list[str] | None = None) -> int:
    """Run the check over every page and write the results file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--out", type=Path, default=Path("bench/results/fundus_check.json"))
    args = parser.parse_args(argv)

    stages = build_stages(Config())
    totals = {name: Counter() for name in ("trafilatura", "cleanpipe_unstripped", "cleanpipe")}
    by_country: dict[str, dict[str, Counter]] = defaultdict(lambda: {n: Counter() for n in totals})
    left_over: Counter = Counter()
    families: Counter = Counter()
    pages, skipped, wrongly_removed, started = [], [], [], time.perf_counter()
    for _, page, entry in gold_pages(args.data):
        country = page.parent.name
        if entry is None:
            skipped.append(page.name)
            continue
        raw = gzip.decompress(page.read_bytes())
        gold, other = gold_parts(entry)
        baseline = trafilatura.extract(raw.decode("utf-8", "replace"), include_comments=False, include_tables=True) or ""
        unstripped, ours, removed = cleanpipe_paragraphs(f"{country}/{page.name}", raw, stages)
        results = {"trafilatura": score_page([fold(p) for p in baseline.split("\n") if fold(p)], gold, other),
                   "cleanpipe_unstripped": score_page(unstripped, gold, other),
                   "cleanpipe": score_page(ours, gold, other)}
        body = " ".join(gold)
        for removal in removed:
            if fold(removal["text"]) in body and not removal["rule"].startswith("structure."):
                wrongly_removed.append([f"{country}/{page.name}", removal["rule"], removal["text"][:160]])
        for name, result in results.items():
            for tally in (totals[name], by_country[country][name]):
                tally["pages"] += 1
                tally["gold_paragraphs"] += result["gold"]
                tally["gold_kept"] += result["kept"]
                tally["junk_paragraphs"] += len(result["junk"])
                tally["junk_chars"] += sum(map(len, result["junk"]))
                tally["chars"] += result["chars"]
        left_over.update(p[:100] for p in results["cleanpipe"]["junk"] if len(p) <= 100)
        families.update(rule_family(r["rule"]) for r in removed)
        pages.append({"page": f"{country}/{page.name}",
                      **{f"{n}_{k}": (len(v) if k == "junk" else v) for n, r in results.items() for k, v in r.items() if k != "chars"},
                      "removed": [[r["rule"], r["text"][:120]] for r in removed]})
    summary = {name: _rates(t) for name, t in totals.items()}
    report = {
        "data": str(args.data),
        "seconds": round(time.perf_counter() - started, 1),
        "pages_scored": len(pages),
        "pages_skipped_no_gold_match": skipped,
        "summary": summary,
        "by_country": {c: {n: _rates(t) for n, t in v.items()} for c, v in sorted(by_country.items())},
        "cleanpipe_removals_by_family": dict(families.most_common()),
        "cleanpipe_removed_gold_text": wrongly_removed,
        "cleanpipe_short_junk_left_most_common": left_over.most_common(60),
        "pages": pages,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", "utf-8")
    for name, rates in summary.items():
        print(f"{name:12s} pages {rates['pages']}, gold paragraphs kept {rates['gold_kept']}/{rates['gold_paragraphs']}"
              f" ({rates['gold_recall']:.4f}), junk paragraphs {rates['junk_paragraphs']},"
              f" junk chars {rates['junk_chars']} ({rates['junk_char_share']:.4f} of output)")
    print(f"cleanpipe removals by family: {dict(families.most_common())}")
    print(f"cleanpipe removals that were gold body text (rule packs, not structure): {len(wrongly_removed)}")
    for page, rule, text in wrongly_removed[:20]:
        print(f"  {page} [{rule}] {text[:100]}")
    print(f"results: {args.out}")
    return 0


def _rates(tally: Counter) -> dict:
    """Counts plus recall and junk share."""
    out = dict(tally)
    out["gold_recall"] = round(tally["gold_kept"] / tally["gold_paragraphs"], 4) if tally["gold_paragraphs"] else 1.0
    out["junk_char_share"] = round(tally["junk_chars"] / tally["chars"], 4) if tally["chars"] else 0.0
    return out


if __name__ == "__main__":
    sys.exit(main())
