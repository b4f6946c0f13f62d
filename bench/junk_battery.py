"""Real-world junk lines in every position a scrape puts them, through the strip stage.

Each line of ``bench/junk_battery.json`` (per language: teasers, tails, player labels, consent
and share lines, credits) is tried as a paragraph of its own, after a story sentence with a
space, and run on with no space; a credit also at a caption's end and start. A form passes
when exactly the story's sentence or caption is left. The lines were written from the
families' vocabularies, not from any labelled set: this measures vocabulary coverage and the
glued-junk checks, not quality on a feed (that is ``make bench-quality``).

    .venv/bin/python bench/junk_battery.py            # a table per language and family
    .venv/bin/python bench/junk_battery.py --show     # and every form that fails
"""

import argparse
import json
from collections import Counter
from pathlib import Path

from cleanpipe.boilerplate import strip_boilerplate
from cleanpipe.config import Config
from cleanpipe.document import Document
from cleanpipe.pipeline import lexicon_for
from cleanpipe.rules import load_rules

BATTERY = Path(__file__).resolve().parent / "junk_battery.json"


def forms(story: str, caption: str, family: str, line: str) -> list[tuple[str, list[str], list[str]]]:
    """(form, body, paragraphs a perfect cleaner leaves) for one junk line."""
    tried = [("line", [story, line], [story]), ("after a sentence", [f"{story} {line}"], [story]),
             ("run on", [f"{story}{line}"], [story])]
    if family == "credits":
        tried += [("caption end", [story, f"{caption} {line}"], [story, caption]),
                  ("caption start", [story, f"{line} {caption}"], [story, caption])]
    return tried


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="print every form that fails")
    args = parser.parse_args()
    config = Config()
    rules, lexicon = load_rules(config.languages), lexicon_for(config)
    battery = json.loads(BATTERY.read_text("utf-8"))["languages"]
    passed, total = Counter(), Counter()
    for lang, entry in sorted(battery.items()):
        groups = {**entry["lines"], "credits": entry["credits"]}
        for family, lines in groups.items():
            for line in lines:
                for form, body, expected in forms(entry["sentence"], entry["caption"], family, line):
                    doc = Document("battery", "text", paragraphs=list(body))
                    left = strip_boilerplate(doc, rules, config.head_window, config.tail_window, lexicon=lexicon).paragraphs
                    ok = left == expected
                    passed[lang, family] += ok
                    total[lang, family] += 1
                    if args.show and not ok:
                        print(f"{lang} {family} [{form}] {line!r} -> {left[-1] if left else '(nothing)'!r}")
    families = sorted({family for _, family in total})
    print("| language | " + " | ".join(families) + " | all |")
    print("|---" * (len(families) + 2) + "|")
    for lang in sorted(battery):
        cells = [f"{passed[lang, f]}/{total[lang, f]}" for f in families]
        all_passed = sum(passed[lang, f] for f in families)
        all_total = sum(total[lang, f] for f in families)
        print(f"| {lang} | " + " | ".join(cells) + f" | {all_passed}/{all_total} |")
    print(f"\nforms passed: {sum(passed.values())} of {sum(total.values())}")


if __name__ == "__main__":
    main()
