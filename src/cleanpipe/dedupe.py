"""Duplicate detection across the whole corpus: exact (normalised text hash) and near (MinHash LSH)."""

import functools
import hashlib
import re
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

# datasketch defines the MinHash (affine32 scheme) and the LSH bands used here, but importing
# it loads scipy (~0.75 s of CPU at start-up): a run with the default settings needs neither,
# as the permutations are drawn and the default bands looked up the way datasketch does
# (tests/test_dedupe.py checks both against it), so it is imported only for other settings.

_WORD = re.compile(r"\w+")
_SEED = 1  # fixed, as is datasketch's affine32 scheme: signatures stored by earlier runs must stay comparable
_SHINGLE_BASE = np.uint64(1_000_003)  # an odd multiplier for the rolling shingle hash
_MASK32 = np.uint64(0xFFFFFFFF)  # affine32 MinHash takes 32-bit input hashes


@functools.lru_cache(maxsize=4)
def _permutations(num_perm: int) -> np.ndarray:
    """datasketch's affine32 permutation parameters (a, b) for ``_SEED``: an odd ``a`` and any
    ``b`` per permutation, drawn from numpy's RandomState in datasketch's order."""
    generator = np.random.RandomState(_SEED)
    a = generator.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = generator.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return np.array([a, b])


# datasketch's choice of (bands, rows) for an LSH threshold, permutations and (false positive,
# false negative) weights, for the default settings (config's dedupe_threshold 0.8 banded at
# 0.6, minhash_perm 128): finding it imports scipy and integrates.
_KNOWN_BANDS = {(0.6, 128, 0.2, 0.8): (23, 5)}


def _band_params(threshold: float, num_perm: int, weights: tuple[float, float]) -> tuple[int, int]:
    """(bands, rows) of datasketch's MinHashLSH for these settings."""
    known = _KNOWN_BANDS.get((round(threshold, 6), num_perm, *weights))
    if known is not None:
        return known
    from datasketch.lsh import _optimal_param

    return _optimal_param(threshold, num_perm, *weights)


@dataclass(frozen=True)
class Duplicate:
    """What a document duplicates: the kept article's id, and how alike they are."""

    of: str
    kind: str  # "exact" or "near"
    similarity: float


def words(text: str) -> list[str]:
    """Case-folded word tokens: punctuation, spacing and case do not make a story new."""
    return _WORD.findall(text.casefold())


def exact_key(text: str, tokens: list[str] | None = None) -> str:
    """Hash of the normalised text: equal for copies that differ only in case, spacing, punctuation."""
    return hashlib.sha1(" ".join(words(text) if tokens is None else tokens).encode("utf-8")).hexdigest()


def signature(text: str, num_perm: int, shingle_words: int, tokens: list[str] | None = None) -> np.ndarray:
    """MinHash signature over overlapping ``shingle_words``-word shingles.

    Shingles are hashed without building their strings: each word gets a CRC-32, and a
    shingle's hash is a polynomial over its words' hashes, computed for all shingles at
    once with numpy (joining and SHA-1-hashing ~800 shingle strings per article cost
    ~1.5 ms; this costs ~0.4 ms). The MinHash is datasketch's affine32 one, its arithmetic
    done here on the array of shingle hashes (:func:`_affine32_minhash`): its
    ``update_batch`` takes a Python list and makes another of them.
    """
    tokens = (words(text) if tokens is None else tokens) or [""]
    # map() of C functions: no Python frame per word (a generator's cost ~0.3 us a word)
    word_hashes = np.fromiter(map(zlib.crc32, map(str.encode, tokens)), dtype=np.uint64, count=len(tokens))
    count = max(1, len(tokens) - shingle_words + 1)
    shingles = np.zeros(count, dtype=np.uint64)
    for offset in range(min(shingle_words, len(tokens))):
        shingles = (shingles * _SHINGLE_BASE + word_hashes[offset : offset + count]) & _MASK32
    return _affine32_minhash(np.unique(shingles).astype(np.uint32), *_permutations(num_perm))


# MurmurHash3's 32-bit finaliser (shifts, multipliers): datasketch's affine32 scheme mixes each
# input hash with it before its affine permutations.
_FMIX32 = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35), np.uint32(16))


def _affine32_minhash(hashes: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The affine32 MinHash of 32-bit input hashes: min over inputs of ``a * fmix32(h) + b`` mod 2**32."""
    s1, m1, s2, m2, s3 = _FMIX32
    mixed = hashes ^ (hashes >> s1)
    mixed = mixed * m1
    mixed = mixed ^ (mixed >> s2)
    mixed = mixed * m2
    mixed = (mixed ^ (mixed >> s3)).reshape(-1, 1)
    return (mixed * a + b).min(axis=0)


def fingerprint(text: str, num_perm: int, shingle_words: int) -> tuple[str, np.ndarray]:
    """(:func:`exact_key`, :func:`signature`) of a text, tokenising it once."""
    tokens = words(text)
    return exact_key(text, tokens), signature(text, num_perm, shingle_words, tokens)


class DuplicateIndex:
    """Kept articles' keys and signatures; answers "is this a copy of something kept?".

    LSH only proposes candidates; each is then checked against ``threshold`` on its full
    signature. The bands are datasketch's choice for a lower threshold, weighted against
    misses: tuned to the threshold itself, LSH would propose a pair at similarity 0.8 only
    40% of the time; this way it proposes it >99.9% of the time, for a few more checks.

    Memory stays near 1 KB an article (about 110 MB at 100,000; datasketch's MinHashLSH held
    1.4 GB, a dict of band hashes 350 MB): each band of an article is one 64-bit key (the
    band's number in the top 5 bits, 59 bits of its rows' hash) in one sorted numpy array
    with the article's position beside it; articles added since the array was last rebuilt
    sit in a small dict until there are enough of them to merge. A hash collision only
    proposes a candidate, which its full signature then judges.

    Args:
        threshold: estimated Jaccard similarity at or above which two texts are near
            duplicates.
        num_perm: MinHash permutations (signature length).
    """

    def __init__(self, threshold: float, num_perm: int):
        self.threshold = threshold
        self.num_perm = num_perm
        self._bands, self._rows = _band_params(max(0.1, threshold - 0.2), num_perm, (0.2, 0.8))
        if self._bands > 2**_BAND_BITS:
            raise ValueError(f"{num_perm} permutations make {self._bands} bands; at most {2**_BAND_BITS} fit a key")
        self._exact: dict[str, str] = {}
        self._ids: list[str] = []  # position -> article id; a replaced version's position is dead
        self._position: dict[str, int] = {}  # article id -> its live position
        self._signatures = np.zeros((0, num_perm), np.uint32)
        self._sorted_keys = np.zeros(0, np.uint64)  # band keys of positions below _merged, sorted
        self._sorted_positions = np.zeros(0, np.uint32)  # the position of each of those keys
        self._merged = 0
        self._recent: dict[int, int | list[int]] = {}  # band key -> position(s), for positions from _merged on
        self._last: tuple[np.ndarray, list[int]] | None = None  # the signature find() saw last, and its band keys
        self._added: list[tuple[str, str, int]] = []  # since load, the next segment: id, key, position

    def __len__(self) -> int:
        return len(self._position)

    def _band_keys(self, sigs: np.ndarray) -> np.ndarray:
        """Each signature's band keys (one row per signature): band number, then the band's hash."""
        rows = sigs[:, : self._bands * self._rows].astype(np.uint64).reshape(len(sigs), self._bands, self._rows)
        hashes = (rows * _band_multipliers(self._rows)).sum(axis=2, dtype=np.uint64)
        return (np.arange(self._bands, dtype=np.uint64) << np.uint64(64 - _BAND_BITS)) | (hashes >> np.uint64(_BAND_BITS))

    def find(self, key: str, sig: np.ndarray, exclude: str | None = None) -> Duplicate | None:
        """The kept article this one duplicates, or None.

        Args:
            key: the article's :func:`exact_key`.
            sig: its :func:`signature`.
            exclude: an id never to report (the article's own, from an earlier version).
        """
        if self._exact.get(key, exclude) != exclude:
            return Duplicate(self._exact[key], "exact", 1.0)
        band_keys = self._band_keys(np.asarray(sig).reshape(1, -1))[0]
        self._last = (sig, band_keys.tolist())  # add() after find() of the same article reuses them
        found = []
        starts = np.searchsorted(self._sorted_keys, band_keys)
        hits = starts < len(self._sorted_keys)
        hits[hits] = self._sorted_keys[starts[hits]] == band_keys[hits]
        for band_key, start in zip(band_keys[hits], starts[hits]):  # most articles share no band
            end = np.searchsorted(self._sorted_keys, band_key, "right")
            found.extend(self._sorted_positions[start:end].tolist())
        if self._recent:
            get = self._recent.get
            for band_key in self._last[1]:
                positions = get(band_key)
                if positions is not None:
                    found.extend((positions,) if isinstance(positions, int) else positions)
        candidates = set()
        for position in found:
            doc_id = self._ids[position]
            if self._position.get(doc_id) == position and doc_id != exclude:
                candidates.add(doc_id)
        best = None
        for other in sorted(candidates):
            similarity = float(np.count_nonzero(self._signatures[self._position[other]] == sig)) / self.num_perm
            if similarity >= self.threshold and (best is None or similarity > best.similarity):
                best = Duplicate(other, "near", round(similarity, 3))
        return best

    def add(self, doc_id: str, key: str, sig: np.ndarray) -> None:
        """Remember a kept article."""
        last = self._last
        band_keys = last[1] if last is not None and last[0] is sig else None  # find(sig) just computed them
        self._remember([doc_id], [key], np.asarray(sig).reshape(1, -1), band_keys)
        self._added.append((doc_id, key, self._position[doc_id]))

    def reserve(self, articles: int) -> None:
        """Make room for ``articles`` more signatures at once (growing by half again holds both copies for a moment)."""
        needed = len(self._ids) + articles
        if needed > len(self._signatures):
            self._signatures = _grown(self._signatures, needed, len(self._ids))

    def save_segment(self, path: Path) -> None:
        """Write what was added since loading to ``path`` (.npz), atomically."""
        ids = np.array([a[0] for a in self._added], dtype=str)
        keys = np.array([a[1] for a in self._added], dtype=str)
        sigs = self._signatures[[a[2] for a in self._added]].reshape(-1, self.num_perm)
        tmp = path.with_name(f".{path.name}.tmp")
        with open(tmp, "wb") as handle:
            np.savez(handle, ids=ids, keys=keys, sigs=sigs)
            handle.flush()
        tmp.replace(path)

    def load_segment(self, path: Path) -> None:
        """Add the articles of one saved segment."""
        with np.load(path) as data:
            self._remember([str(i) for i in data["ids"]], [str(k) for k in data["keys"]], data["sigs"])
        self._merge()

    def _remember(self, doc_ids: list[str], keys: list[str], sigs: np.ndarray, band_keys: list[int] | None = None) -> None:
        """Index articles in order; a new version of a known id replaces its signature."""
        first = len(self._ids)
        count = len(doc_ids)
        if first + count > len(self._signatures):  # grow by half again: amortised appends
            size = max(1024, first + count, first * 3 // 2)
            self._signatures = _grown(self._signatures, size, first)
        self._signatures[first : first + count] = sigs
        for offset, (doc_id, key) in enumerate(zip(doc_ids, keys)):
            self._exact.setdefault(key, doc_id)
            self._ids.append(doc_id)
            self._position[doc_id] = first + offset  # an earlier position of this id is dead from now on
        if count == 1:
            if band_keys is None:
                band_keys = self._band_keys(sigs)[0].tolist()
            recent = self._recent
            for band_key in band_keys:
                positions = recent.get(band_key)
                if positions is None:
                    recent[band_key] = first
                elif isinstance(positions, int):
                    recent[band_key] = [positions, first]
                else:
                    positions.append(first)
        if count > 1 or len(self._ids) - self._merged >= max(_MIN_MERGE, self._merged // 8):
            self._merge()

    def _merge(self) -> None:
        """Move the recent articles' band keys into the sorted arrays (a stable sort of two sorted runs)."""
        end = len(self._ids)
        if end == self._merged:
            return
        new_keys = self._band_keys(self._signatures[self._merged : end]).ravel()
        new_positions = np.repeat(np.arange(self._merged, end, dtype=np.uint32), self._bands)
        order = np.argsort(new_keys, kind="stable")
        keys = np.concatenate([self._sorted_keys, new_keys[order]])
        positions = np.concatenate([self._sorted_positions, new_positions[order]])
        order = np.argsort(keys, kind="stable")  # timsort: linear on two sorted runs
        self._sorted_keys, self._sorted_positions = keys[order], positions[order]
        self._merged = end
        self._recent = {}


_BAND_BITS = 5  # a band key's top bits: up to 32 bands (128 permutations make 23)
_MIN_MERGE = 1024  # articles kept in the dict before their keys join the sorted arrays


def _grown(array: np.ndarray, size: int, used: int) -> np.ndarray:
    """A copy of ``array`` with ``size`` rows, its first ``used`` rows kept."""
    grown = np.zeros((size, *array.shape[1:]), array.dtype)
    grown[:used] = array[:used]
    return grown


@functools.lru_cache(maxsize=4)
def _band_multipliers(rows: int) -> np.ndarray:
    """Fixed odd 64-bit multipliers: a band's hash is the sum of its rows times these (mod 2**64)."""
    return np.array([(0x9E3779B97F4A7C15 * (2 * row + 1)) % 2**64 | 1 for row in range(rows)], dtype=np.uint64)
