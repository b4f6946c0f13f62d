"""Run accounting: counts that add up (inputs = articles + rejects), mergeable across batches."""

from collections import Counter
from dataclasses import dataclass, field

from cleanpipe.rules import rule_family


@dataclass
class Stats:
    """Counters for one batch or a whole run; ``a + b`` merges two."""

    inputs: int = 0
    articles: int = 0
    rejects: Counter = field(default_factory=Counter)  # reason code -> count
    removals: Counter = field(default_factory=Counter)  # rule id -> count
    languages: Counter = field(default_factory=Counter)  # language code -> articles
    stage_seconds: Counter = field(default_factory=Counter)  # stage name -> seconds
    bytes_in: int = 0
    parts: list = field(default_factory=list)  # output files written, relative to clean/

    def __add__(self, other: "Stats") -> "Stats":
        return Stats(
            inputs=self.inputs + other.inputs,
            articles=self.articles + other.articles,
            rejects=self.rejects + other.rejects,
            removals=self.removals + other.removals,
            languages=self.languages + other.languages,
            stage_seconds=self.stage_seconds + other.stage_seconds,
            bytes_in=self.bytes_in + other.bytes_in,
            parts=self.parts + other.parts,
        )

    @property
    def rejected(self) -> int:
        """All rejects, whatever the reason."""
        return sum(self.rejects.values())

    def as_dict(self) -> dict:
        """A JSON-ready summary with sorted keys, so summaries diff cleanly."""
        families = Counter()
        for rule_id, count in self.removals.items():
            families[rule_family(rule_id)] += count
        return {
            "inputs": self.inputs,
            "articles": self.articles,
            "rejected": self.rejected,
            "rejects": dict(sorted(self.rejects.items())),
            "removals": dict(sorted(self.removals.items())),
            "removals_by_family": dict(sorted(families.items())),
            "languages": dict(sorted(self.languages.items())),
            "stage_seconds": {k: round(v, 3) for k, v in sorted(self.stage_seconds.items())},
            "bytes_in": self.bytes_in,
            "parts": sorted(self.parts),
        }
