from collections import Counter

from cleanpipe.stats import Stats


def test_merge_adds_every_counter_and_summary_is_sorted():
    a = Stats(inputs=2, articles=1, rejects=Counter(empty=1), removals=Counter({"en.video.x": 2}),
              languages=Counter(en=1), stage_seconds=Counter(repair=0.5), bytes_in=10, parts=["articles/part-00001.jsonl"])
    b = Stats(inputs=3, articles=3, removals=Counter({"en.consent.y": 1, "structure.title-repeat": 1}),
              languages=Counter(de=2, en=1), stage_seconds=Counter(repair=0.25), bytes_in=5, parts=["articles/part-00000.jsonl"])
    summary = (a + b).as_dict()
    assert summary == {
        "inputs": 5, "articles": 4, "rejected": 1, "duplicates": 0, "rejects": {"empty": 1},
        "removals": {"en.consent.y": 1, "en.video.x": 2, "structure.title-repeat": 1},
        "removals_by_family": {"consent": 1, "structure": 1, "video": 2},
        "languages": {"de": 2, "en": 2}, "stage_seconds": {"repair": 0.75}, "bytes_in": 15,
        "parts": ["articles/part-00000.jsonl", "articles/part-00001.jsonl"],
    }


def test_lossless_round_trip():
    stats = Stats(inputs=3, articles=1, duplicates=1, rejects=Counter(empty=1), removals=Counter({"en.video.x": 2}),
                  languages=Counter(en=1), stage_seconds=Counter(repair=0.5), bytes_in=7, parts=["a"])
    assert Stats.from_dict(stats.to_dict()) == stats
