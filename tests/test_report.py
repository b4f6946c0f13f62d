from cleanpipe.report import summary_markdown

SUMMARY = {
    "run_id": "r1", "generation": 3, "seconds": 1.5, "docs_per_second": 8.0, "bytes_in": 1200,
    "inputs_seen": 12, "articles": 5, "rejected": 4, "duplicates": 1, "skipped_unchanged": 2,
    "rejects": {"binary": 1, "too_short": 3}, "removals_by_family": {"video": 2}, "languages": {"en": 5},
    "parts": ["articles/part-00003-00000.jsonl", "rejects/part-00003-00000.jsonl"],
}


def test_outcomes_reasons_families_and_parts_are_listed():
    text = summary_markdown(SUMMARY)
    assert text.startswith("# cleanpipe run r1\n")
    for row in ["| articles | 5 |", "| rejected | 4 |", "| duplicates | 1 |", "| skipped (unchanged) | 2 |",
                "| **inputs seen** | **12** |", "| too_short | 3 |", "| video | 2 |", "| en | 5 |",
                "- `rejects/part-00003-00000.jsonl`", "Generation 3, 1.5 s, 8.0 inputs/s, 1200 bytes read."]:
        assert row in text.splitlines()


def test_empty_sections_are_left_out():
    quiet = {**SUMMARY, "rejects": {}, "removals_by_family": {}, "parts": [], "docs_per_second": None}
    text = summary_markdown(quiet)
    assert "reject reason" not in text and "Parts written" not in text and "inputs/s" not in text
