import random
import subprocess
import sys

import numpy as np

from cleanpipe.dedupe import DuplicateIndex, exact_key, signature, words

STORY = " ".join(
    f"The council in {town} said on {day} that the harbour bridge would close for repairs costing {n} million pounds."
    for town, day, n in [("Kingsport", "Monday", 2), ("Eastbay", "Tuesday", 3), ("Northwick", "Friday", 4),
                         ("Hollow", "Sunday", 5), ("Westmere", "Thursday", 6), ("Southby", "Wednesday", 7),
                         ("Ashford", "Saturday", 8), ("Brookfield", "Monday", 9), ("Claymore", "Tuesday", 10)]
)


def sig(text):
    return signature(text, 128, 5)


def test_exact_key_ignores_case_spacing_and_punctuation():
    assert exact_key("Hello,  World!") == exact_key("hello world")
    assert exact_key("Hello world") != exact_key("Hello there world")
    assert words("Grüße, Köln!") == ["grüsse", "köln"]  # case-folded


def test_signature_is_deterministic_and_compact():
    assert np.array_equal(sig(STORY), sig(STORY))
    assert sig(STORY).dtype == np.uint32 and sig(STORY).shape == (128,)


def test_signature_is_datasketchs_affine32_minhash_of_the_shingle_hashes():
    # the arithmetic is done on numpy arrays here; it must stay datasketch's, so signatures
    # stored by earlier runs stay comparable
    from datasketch import MinHash

    from cleanpipe.dedupe import _affine32_minhash, _permutations

    rng = np.random.default_rng(7)
    for size in (1, 2, 17, 800):
        hashes = np.unique(rng.integers(0, 2**32, size=size, dtype=np.uint64))
        reference = MinHash(num_perm=128, seed=1, scheme="affine32", hashfunc=lambda value: value)
        reference.update_batch(hashes.tolist())
        assert np.array_equal(_affine32_minhash(hashes.astype(np.uint32), *_permutations(128)), reference.hashvalues)


def test_permutations_and_default_bands_are_datasketchs():
    from datasketch import MinHash
    from datasketch.lsh import _optimal_param

    from cleanpipe.config import Config
    from cleanpipe.dedupe import _KNOWN_BANDS, _band_params, _permutations

    for num_perm in (64, 128, 256):
        assert np.array_equal(_permutations(num_perm), MinHash(num_perm=num_perm, seed=1, scheme="affine32").permutations)
    for (threshold, num_perm, *weights), bands in _KNOWN_BANDS.items():
        assert _optimal_param(threshold, num_perm, *weights) == bands
    config = Config()
    banded_at = max(0.1, config.dedupe_threshold - 0.2)
    assert _band_params(banded_at, config.minhash_perm, (0.2, 0.8)) == _optimal_param(banded_at, config.minhash_perm, 0.2, 0.8)
    assert _band_params(0.5, 128, (0.2, 0.8)) == _optimal_param(0.5, 128, 0.2, 0.8)  # not in the table: asked of datasketch


def test_exact_near_and_distinct():
    index = DuplicateIndex(0.8, 128)
    index.add("a", exact_key(STORY), sig(STORY))
    assert index.find(exact_key(STORY.upper()), sig(STORY.upper())).kind == "exact"
    edited = STORY.replace("Friday", "Saturday") + " A spokesman declined to comment."
    near = index.find(exact_key(edited), sig(edited))
    assert (near.of, near.kind) == ("a", "near") and 0.8 <= near.similarity < 1
    other = " ".join(reversed(STORY.split()))
    assert index.find(exact_key(other), sig(other)) is None


def test_own_id_is_excluded_and_a_new_version_replaces_the_old():
    index = DuplicateIndex(0.8, 128)
    index.add("a", exact_key(STORY), sig(STORY))
    assert index.find(exact_key(STORY), sig(STORY), exclude="a") is None
    other = " ".join(reversed(STORY.split()))
    index.add("a", exact_key(other), sig(other))  # article a was rewritten
    assert len(index) == 1
    assert index.find(exact_key(other + " x"), sig(other + " x")).of == "a"


def test_segments_round_trip(tmp_path):
    index = DuplicateIndex(0.8, 128)
    index.add("a", exact_key(STORY), sig(STORY))
    index.save_segment(tmp_path / "d.npz")
    loaded = DuplicateIndex(0.8, 128)
    loaded.load_segment(tmp_path / "d.npz")
    assert loaded.find(exact_key(STORY), sig(STORY)).of == "a"
    assert [p.name for p in tmp_path.iterdir()] == ["d.npz"]


def test_near_copies_are_found_every_time_and_different_stories_never():
    """LSH must not miss pairs above the threshold (banded at the threshold it missed 60%)."""
    import random

    vocabulary = [f"word{n}" for n in range(2000)]
    index = DuplicateIndex(0.8, 128)
    originals = []
    for n in range(30):
        rng = random.Random(n)
        text = " ".join(rng.choice(vocabulary) for _ in range(300))
        originals.append(text)
        index.add(f"doc{n}", exact_key(text), sig(text))
    for n, text in enumerate(originals):
        tokens = text.split()
        for position in random.Random(100 + n).sample(range(300), 3):  # 3 edited words: Jaccard ~0.9
            tokens[position] = "edited"
        copy = " ".join(tokens)
        found = index.find(exact_key(copy), sig(copy))
        assert found is not None and found.of == f"doc{n}", n
        fresh = " ".join(random.Random(1000 + n).choice(vocabulary) for _ in range(300))
        assert index.find(exact_key(fresh), sig(fresh)) is None


def test_fingerprint_equals_its_parts():
    from cleanpipe.dedupe import fingerprint

    key, signature_ = fingerprint(STORY, 128, 5)
    assert key == exact_key(STORY) and np.array_equal(signature_, sig(STORY))


def test_the_default_settings_never_load_datasketch():
    """datasketch loads scipy (~50 MB, ~0.75 s of CPU): importing the library, fingerprinting and
    indexing with the default settings do without it; other settings ask it for their LSH bands."""
    code = (
        "import sys, pkgutil, importlib, cleanpipe\n"
        "for m in pkgutil.iter_modules(cleanpipe.__path__): importlib.import_module('cleanpipe.' + m.name)\n"
        "print(sorted({n.split('.')[0] for n in sys.modules} & {'datasketch', 'scipy'}))\n"
        "from cleanpipe.config import Config\n"
        "from cleanpipe.dedupe import DuplicateIndex, fingerprint\n"
        "c = Config()\n"
        "key, sig = fingerprint('one two three four five six', c.minhash_perm, c.shingle_words)\n"
        "index = DuplicateIndex(c.dedupe_threshold, c.minhash_perm)\n"
        "index.add('a', key, sig)\n"
        "assert index.find('k', sig).of == 'a'\n"
        "print('datasketch' in sys.modules)\n"
        "DuplicateIndex(0.7, c.minhash_perm)\n"
        "print('datasketch' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["[]", "False", "True"]


def test_the_index_proposes_what_datasketchs_lsh_proposes():
    """Same bands as datasketch's MinHashLSH for the same threshold: the same near duplicates are found."""
    from datasketch import MinHash, MinHashLSH
    from datasketch.lsh import _optimal_param

    rng = np.random.default_rng(7)
    base = rng.integers(0, 2**32, size=(40, 128), dtype=np.uint32)
    index = DuplicateIndex(0.8, 128)
    bands, rows = _optimal_param(0.6, 128, 0.2, 0.8)
    reference = MinHashLSH(threshold=0.6, num_perm=128, weights=(0.2, 0.8))
    for number, signature_ in enumerate(base):
        index.add(f"d{number}", f"k{number}", signature_)
        reference.insert(f"d{number}", MinHash(num_perm=128, hashvalues=signature_, scheme="affine32"))
    for number in range(40):
        query = rng.integers(0, 2**32, size=128, dtype=np.uint32)
        keep = rng.random(128) < 0.85  # about 85 % of the values of one kept article
        query[keep] = base[number][keep]
        proposed = set(reference.query(MinHash(num_perm=128, hashvalues=query, scheme="affine32")))
        expected = max(((float(np.count_nonzero(base[int(d[1:])] == query)) / 128, d) for d in proposed
                        if np.count_nonzero(base[int(d[1:])] == query) / 128 >= 0.8), default=None)
        found = index.find(f"q{number}", query)
        assert (found.of if found else None) == (expected[1] if expected else None)
    assert (bands, rows) == (index._bands, index._rows)


def test_articles_are_found_before_and_after_their_keys_move_to_the_sorted_arrays():
    """Recent articles sit in a dict, older ones in sorted arrays: a copy of either is found."""
    rng = np.random.default_rng(11)
    signatures = rng.integers(0, 2**32, size=(3000, 128), dtype=np.uint32)
    index = DuplicateIndex(0.8, 128)
    for number, signature_ in enumerate(signatures):
        index.add(f"d{number}", f"k{number}", signature_)
    assert index._merged > 0 and index._recent  # both places hold articles
    for number in (0, 1500, index._merged - 1, index._merged, 2999):
        copy = signatures[number].copy()
        copy[:10] = 0  # 118 of 128 values kept: similarity 0.92
        found = index.find(f"q{number}", copy)
        assert (found.of, found.kind, found.similarity) == (f"d{number}", "near", round(118 / 128, 3))
    index.add("d5", "k-new", rng.integers(0, 2**32, size=128, dtype=np.uint32))  # d5 was rewritten
    assert index.find("q5", signatures[5]) is None  # its old version is no longer a kept article
    assert len(index) == 3000


def test_a_loaded_segment_is_searchable_at_once(tmp_path):
    rng = np.random.default_rng(12)
    signatures = rng.integers(0, 2**32, size=(50, 128), dtype=np.uint32)
    index = DuplicateIndex(0.8, 128)
    for number, signature_ in enumerate(signatures):
        index.add(f"d{number}", f"k{number}", signature_)
    index.save_segment(tmp_path / "d.npz")
    loaded = DuplicateIndex(0.8, 128)
    loaded.load_segment(tmp_path / "d.npz")
    assert [loaded.find("q", s).of for s in signatures] == [f"d{n}" for n in range(50)]
    assert loaded.find("k7", signatures[0]).kind == "exact"


def test_room_reserved_ahead_changes_no_answer_and_no_saved_byte(tmp_path):
    shuffled = [random.Random(seed).sample(STORY.split(), k=len(STORY.split())) for seed in range(20)]
    stories = [STORY] + [" ".join(words) for words in shuffled] + [STORY.upper()]
    for reserved, name in ((0, "grown.npz"), (len(stories), "reserved.npz"), (3, "short.npz")):
        index = DuplicateIndex(0.8, 128)
        index.add("first", exact_key("a story"), sig("a story"))
        index.reserve(reserved)
        found = []
        for number, story in enumerate(stories):
            duplicate = index.find(exact_key(story), sig(story))
            found.append(duplicate and duplicate.of)
            if duplicate is None:
                index.add(f"s{number}", exact_key(story), sig(story))
        assert found[-1] == "s0" and found[:-1] == [None] * (len(stories) - 1)
        index.save_segment(tmp_path / name)
        if reserved:
            assert found == first_found
            assert (tmp_path / name).read_bytes() == (tmp_path / "grown.npz").read_bytes()
        else:
            first_found = found
