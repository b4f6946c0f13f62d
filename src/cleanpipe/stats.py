"""Run accounting: counts that add up (inputs = articles + rejects), mergeable across batches."""

from collections import Counter
from dataclasses import dataclass, field

from cleanpipe.rules import rule_family


@dataclass
class Stats:
    """Counters for one batch or a whole run; ``a + b`` merges two."""

    inputs: int = 0
    articles: int = 0
    duplicates: int = 0  # articles found to copy one kept before (written as rejects)
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
            duplicates=self.duplicates + other.duplicates,
            rejects=self.rejects + other.rejects,
            removals=self.removals + other.removals,
            languages=self.languages + other.languages,
            stage_seconds=self.stage_seconds + other.stage_seconds,
            bytes_in=self.bytes_in + other.bytes_in,
            parts=self.parts + other.parts,
        )

    @property
    def rejected(self) -> int:
        """All rejects, whatever the reason (duplicates are counted apart)."""
        return sum(self.rejects.values())

    def to_dict(self) -> dict:
        """A lossless JSON-ready form (see :meth:`from_dict`)."""
        return {
            "inputs": self.inputs, "articles": self.articles, "duplicates": self.duplicates,
            "rejects": dict(self.rejects), "removals": dict(self.removals),
            "languages": dict(self.languages), "stage_seconds": dict(self.stage_seconds),
            "bytes_in": self.bytes_in, "parts": list(self.parts),
        }

    @classmethod
    def from_dict(cls, data: dict) -> "Stats":
        """Inverse of :meth:`to_dict`."""
        counters = {k: Counter(data[k]) for k in ("rejects", "removals", "languages", "stage_seconds")}
        return cls(inputs=data["inputs"], articles=data["articles"], duplicates=data["duplicates"],
                   bytes_in=data["bytes_in"], parts=list(data["parts"]), **counters)

    def as_dict(self) -> dict:
        """A JSON-ready summary with sorted keys, so summaries diff cleanly."""
        families = Counter()
        for rule_id, count in self.removals.items():
            families[rule_family(rule_id)] += count
        return {
            "inputs": self.inputs,
            "articles": self.articles,
            "rejected": self.rejected,
            "duplicates": self.duplicates,
            "rejects": dict(sorted(self.rejects.items())),
            "removals": dict(sorted(self.removals.items())),
            "removals_by_family": dict(sorted(families.items())),
            "languages": dict(sorted(self.languages.items())),
            "stage_seconds": {k: round(v, 3) for k, v in sorted(self.stage_seconds.items())},
            "bytes_in": self.bytes_in,
            "parts": sorted(self.parts),
        }
