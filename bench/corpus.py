"""A reproducible benchmark corpus: seeded news-like text documents and real HTML pages.

Text documents are assembled from real article paragraphs (the gold bodies of
``/work/shared/data/fundus-testdata`` and ``scrapinghub``), grouped by language, with a
seeded mix of boilerplate (video titles, consent banners, READ MORE teasers, headed
lists, aggregator tails) and encoding damage (mojibake, cp1252 bytes, HTML entities,
CRLF, byte-order marks). HTML pages are real pages sampled from the three public sets.
The same seed and data give the same files, byte for byte.

    python bench/corpus.py OUT_DIR --texts 10000 --html 1000 [--jsonl-docs 100000]
"""

import argparse
import gzip
import json
import os
import random
import sys
from collections import defaultdict
from pathlib import Path

import ftfy.bad_codecs  # noqa: F401  (registers "sloppy-windows-1252" for mojibake)
import orjson
from langdetect import DetectorFactory, detect
from langdetect.lang_detect_exception import LangDetectException

# The public evaluation sets (see their README.md); `make bench` passes BENCH_DATA.
DATA = Path(os.environ.get("BENCH_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
SEED = 20240502
FILES_PER_FOLDER = 100
JSONL_RECORDS_PER_FILE = 1000
MIN_PARAGRAPHS_PER_LANGUAGE = 60  # fewer, and documents in that language would repeat too much

# Junk as scrapers keep it: (where, text). "{h}" is replaced by a headline of the document's language.
JUNK = [
    ("head", "Vladimir Putin is 'cold, brutal and ruthless' says Andrew Pierce"),
    ("head", "Rishi Sunak faces fresh pressure over tax plans, says Laura Kuenssberg"),
    ("head", "Play Video"),
    ("head", "Video unavailable"),
    ("head", "We use your sign-up to provide content in ways you\u2019ve consented to and to improve our "
             "understanding of you. This may include adverts from us and 3rd parties based on our "
             "understanding. You can unsubscribe at any time. More info"),
    ("any", "READ MORE: {h}"),
    ("any", "READ MORE: {h}"),
    ("any", "Now Playing"),
    ("any", "Advertisement"),
    ("any", "Lesen Sie auch: {h}"),
    ("any", "LIRE AUSSI : {h}"),
    ("any", "Publicidad"),
    ("tail", "Source: Read Full Article"),
    ("tail", "Most Read\n{h}\n{h}\n{h}"),
    ("tail", "Related\n{h}\n{h}"),
    ("tail", "Share this article"),
]
JUNK_RATE = 0.6  # share of documents carrying at least one piece of junk


def _fundus_articles():
    """(title, paragraphs) of every gold article in the fundus test data, in sorted order."""
    for gold in sorted((DATA / "fundus-testdata" / "pages").glob("*/*.json")):
        for version in sorted(json.loads(gold.read_text()).values(), key=str):
            if not isinstance(version, dict) or "body" not in version:
                continue
            body = version["body"]
            paragraphs = list(body.get("summary") or [])
            for section in body.get("sections") or []:
                paragraphs += section.get("headline") or []
                paragraphs += section.get("paragraphs") or []
            title = version.get("title")
            yield (title if isinstance(title, str) else None), [p for p in paragraphs if isinstance(p, str)]


def _scrapinghub_articles():
    """(None, paragraphs) of every scrapinghub ground-truth article, in sorted order."""
    truth = json.loads((DATA / "scrapinghub" / "ground-truth.json").read_text())
    for key in sorted(truth):
        yield None, truth[key]["articleBody"].split("\n")


def paragraph_pools() -> dict[str, tuple[list[str], list[str]]]:
    """Language -> (paragraphs, headlines), from real articles, each article's language told once."""
    DetectorFactory.seed = 0
    paragraphs, headlines = defaultdict(list), defaultdict(list)
    seen = set()
    for title, paras in [*_fundus_articles(), *_scrapinghub_articles()]:
        paras = [" ".join(p.split()) for p in paras]
        paras = [p for p in paras if len(p) >= 40 and p not in seen]
        if len(paras) < 3:
            continue
        try:
            language = detect(" ".join(paras))
        except LangDetectException:
            continue
        seen.update(paras)
        paragraphs[language] += paras
        if title and 20 <= len(title) <= 120:
            headlines[language].append(" ".join(title.split()))
        headlines[language] += [p.split(". ")[0][:110].rstrip(" .,;:") for p in paras[:2]]
    return {
        lang: (paragraphs[lang], headlines[lang])
        for lang in sorted(paragraphs)
        if len(paragraphs[lang]) >= MIN_PARAGRAPHS_PER_LANGUAGE
    }


def _language_weights(pools: dict) -> list[float]:
    """English carries a third of the corpus (as in our scrapes); the other languages share the rest."""
    others = len([lang for lang in pools if lang != "en"])
    return [1 / 3 if lang == "en" else (2 / 3) / others for lang in pools]


def make_text(rng: random.Random, pools: dict, languages: list[str], weights: list[float]) -> tuple[str, str]:
    """One document as (language of its pool, text): a title line, then paragraphs."""
    language = rng.choices(languages, weights)[0]
    paras, heads = pools[language]
    target = rng.randint(2500, 7000)  # characters: news articles of 4-5 KB on average
    body, size = [], 0
    while size < target:
        paragraph = rng.choice(paras)
        body.append(paragraph)
        size += len(paragraph) + 1
    if rng.random() < JUNK_RATE:
        for _ in range(rng.randint(1, 3)):
            where, junk = rng.choice(JUNK)
            while "{h}" in junk:
                junk = junk.replace("{h}", rng.choice(heads), 1)
            position = {"head": 0, "tail": len(body)}.get(where, rng.randint(1, max(1, len(body) - 1)))
            body.insert(position, junk)
    return language, rng.choice(heads) + "\n\n" + "\n\n".join(body) + "\n"


def damage(rng: random.Random, text: str) -> bytes:
    """Encode a document the way scrapers mangle them: mostly clean UTF-8, some damage."""
    roll = rng.random()
    if roll < 0.03:  # UTF-8 read as cp1252 and saved again: mojibake
        return text.encode("utf-8").decode("sloppy-windows-1252").encode("utf-8")
    if roll < 0.05:  # a legacy code page, when the text fits in it
        try:
            return text.encode("cp1252")
        except UnicodeEncodeError:
            return text.encode("utf-8")
    if roll < 0.07:  # HTML entities left in the text
        return text.replace("\u2019", "&#8217;").replace(" & ", " &amp; ").replace("\u201c", "&ldquo;").encode("utf-8")
    if roll < 0.09:  # Windows line ends and a byte-order mark
        return b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8")
    return text.encode("utf-8")


def _html_sources() -> list[Path]:
    """Every gzipped HTML page of the three public sets, in sorted order."""
    found = sorted((DATA / "fundus-testdata" / "pages").glob("*/*.html.gz"))
    found += sorted((DATA / "scrapinghub" / "html").glob("*.html.gz"))
    found += sorted(p for p in (DATA / "trafilatura-eval").rglob("*.gz"))
    return found


def write_corpus(out: Path, texts: int, html: int, jsonl_docs: int = 0, seed: int = SEED) -> dict:
    """Write the corpus under ``out``; return a manifest (counts, bytes, language per text doc)."""
    pools = paragraph_pools()
    languages = list(pools)
    weights = _language_weights(pools)
    rng = random.Random(seed)
    manifest = {"seed": seed, "languages": {}, "text_files": texts, "html_files": 0, "text_bytes": 0, "html_bytes": 0}
    for i in range(texts):
        language, text = make_text(rng, pools, languages, weights)
        data = damage(rng, text)
        path = out / "text" / f"{i // FILES_PER_FOLDER:04d}" / f"{i:06d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        manifest["text_bytes"] += len(data)
        manifest["languages"][language] = manifest["languages"].get(language, 0) + 1
    sources = _html_sources()
    for i, source in enumerate(sorted(random.Random(seed).sample(sources, min(html, len(sources))))):
        path = out / "html" / f"{i // FILES_PER_FOLDER:04d}" / f"{i:06d}.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        data = gzip.decompress(source.read_bytes())
        path.write_bytes(data)
        manifest["html_files"] += 1
        manifest["html_bytes"] += len(data)
    if jsonl_docs:
        manifest["jsonl_docs"] = write_jsonl_corpus(out / "jsonl", jsonl_docs, pools, seed + 1)
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return manifest


def write_jsonl_corpus(out: Path, docs: int, pools: dict, seed: int) -> int:
    """Write ``docs`` text records as JSONL files of 1,000 records, streaming (for the scale run)."""
    languages, weights = list(pools), _language_weights(pools)
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    written = 0
    while written < docs:
        count = min(JSONL_RECORDS_PER_FILE, docs - written)
        with open(out / f"feed-{written // JSONL_RECORDS_PER_FILE:05d}.jsonl", "wb") as handle:
            for _ in range(count):
                _, text = make_text(rng, pools, languages, weights)
                title, _, body = text.partition("\n\n")
                handle.write(orjson.dumps({"id": f"d{written}", "title": title, "text": body},
                                          option=orjson.OPT_APPEND_NEWLINE))
                written += 1
    return written


def main(argv: list[str] | None = None) -> int:
    """Command line: write the corpus and print its manifest."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--texts", type=int, default=10_000)
    parser.add_argument("--html", type=int, default=1_000)
    parser.add_argument("--jsonl-docs", type=int, default=0)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    manifest = write_corpus(Path(args.out), args.texts, args.html, args.jsonl_docs, args.seed)
    print(json.dumps({k: v for k, v in manifest.items() if k != "languages"}), manifest["languages"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
