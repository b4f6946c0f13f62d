"""Build the dev set's raw files and gold JSONL from the labelled sources in source/.

Run from the repository root: ``.venv/bin/python tests/devset/build.py [SET_DIR]`` (default:
this folder; ``tests/heldout`` is the held-out set, built the same way). The sources are the
single place a set is written; raw/ and gold.jsonl are generated from them and committed,
and tests/test_evaluate.py checks they are in step.

Source markup, one paragraph per line (blank lines and lines starting with ``#`` skipped):

    === <raw path> | <language>     a new document; the next line is its title
    plain line                      content: must stay as it is
    [family] line                   boilerplate of that family: the whole line must go
    [trap:family] line              content that looks like that family's junk: must stay
    text {family|fragment} text     a fragment of junk inside a line: only it must go
"""

import re
import shutil
import sys
from pathlib import Path

import orjson

HERE = Path(__file__).resolve().parent
FRAGMENT = re.compile(r"\{(\w+)\|([^{}]+)\}")
LABELLED = re.compile(r"\[(trap:)?(\w+)\] (.*)")


def parse(text: str) -> list[dict]:
    """Gold documents from one source file."""
    documents, doc = [], None
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("=== "):
            source, language = (part.strip() for part in line[4:].split("|"))
            doc = {"source": source, "title": None, "language": language, "paragraphs": []}
            documents.append(doc)
        elif doc["title"] is None:
            doc["title"] = line.strip()
        else:
            doc["paragraphs"].append(paragraph(line.strip()))
    return documents


def paragraph(line: str) -> dict:
    """One labelled gold paragraph from one source line."""
    labelled = LABELLED.fullmatch(line)
    if labelled:
        trap, family, text = labelled.groups()
        return {"text": text, "label": "trap" if trap else "boilerplate", "family": family}
    fragments = [{"text": m.group(2), "family": m.group(1)} for m in FRAGMENT.finditer(line)]
    if not fragments:
        return {"text": line, "label": "content"}
    text = FRAGMENT.sub(lambda m: m.group(2), line)
    clean = " ".join(FRAGMENT.sub(" ", line).split())
    return {"text": text, "label": "content", "clean": clean, "fragments": fragments}


def raw_text(doc: dict) -> str:
    """The raw scrape: the title line, then one paragraph per line with blank lines between."""
    return "\n\n".join([doc["title"]] + [p["text"] for p in doc["paragraphs"]]) + "\n"


def build(root: Path = HERE) -> tuple[dict[str, str], str]:
    """Raw files (path -> text) and the gold JSONL text for every source file."""
    documents = [d for path in sorted((root / "source").glob("*.txt")) for d in parse(path.read_text("utf-8"))]
    raws = {d["source"]: raw_text(d) for d in documents}
    gold = "".join(orjson.dumps(d).decode("utf-8") + "\n" for d in documents)
    return raws, gold


def main(argv: list[str] | None = None) -> int:
    """Write raw/ and gold.jsonl of a set (its folder, default this one) from its source/."""
    args = sys.argv[1:] if argv is None else argv
    root = Path(args[0]).resolve() if args else HERE
    raws, gold = build(root)
    shutil.rmtree(root / "raw", ignore_errors=True)  # a document dropped from the sources leaves no file behind
    for relative, text in raws.items():
        target = root / "raw" / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    (root / "gold.jsonl").write_text(gold, encoding="utf-8")
    print(f"{len(raws)} documents", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
