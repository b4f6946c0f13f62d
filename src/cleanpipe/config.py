"""One immutable configuration object: a TOML file's values laid over documented defaults."""

import dataclasses
import tomllib
from dataclasses import dataclass
from pathlib import Path

from cleanpipe.errors import ConfigError


@dataclass(frozen=True)
class Config:
    """Every threshold of a run, with the reason for its default.

    Load one with :func:`load_config`; a file only needs the keys it changes.
    """

    # --- input limits -------------------------------------------------------
    max_file_bytes: int = 50_000_000
    """A raw file (after gunzip) larger than this is rejected as ``too_large``: 50 MB is
    two orders of magnitude above any article page or day's feed file we have seen, and
    bounds a worker's memory when a crawler drops a video or a dump by mistake."""

    max_record_bytes: int = 5_000_000
    """A single document (a .txt/.html file or one JSONL line) above this is ``too_large``:
    the longest real news pages are ~2 MB of HTML; larger ones are data, not articles."""

    binary_control_ratio: float = 0.05
    """Decoded text with more than this share of C0 control characters (besides tab, LF,
    CR, FF) is ``binary``: real text has none; 5% leaves room for a stray escape sequence."""

    extract_timeout_seconds: float = 30.0
    """An HTML page whose extraction runs longer than this is rejected as ``extract_timeout``
    and abandoned, so one pathological page cannot stall its batch. Extraction averages
    0.12 s and the slowest of the 1,171 pages of bench/quality.py takes under 5 s on a busy
    shared core: 30 s is well beyond any real article. 0 turns the limit off."""

    # --- cleaning -----------------------------------------------------------
    languages: tuple[str, ...] = ("en", "de", "fr", "es", "it", "pt", "nl", "pl", "ru", "uk")
    """Rule packs to load (``rules/<lang>/*.toml``): all ten shipped packs. Packs are applied
    whatever language a document turns out to be (language detection runs after stripping,
    and needs clean text), and scrapes mix them: an English page on a German site keeps
    "Anzeige" and "Wir verwenden Cookies". Rules match the junk's whole shape, so a foreign
    pack cannot hit prose; the cost is kept low by one scan for all literals (~6 us a
    paragraph for all ten packs, see ``cleanpipe.rules.RuleIndex``). Drop packs here to go faster."""

    rule_dirs: tuple[str, ...] = ()
    """Folders of your own rule packs, laid out like ``src/cleanpipe/rules`` (``<lang>/<family>.toml``);
    their rules join the shipped ones for the same languages."""

    site_profile_dirs: tuple[str, ...] = ()
    """Folders of site profiles (``<name>.toml``: a host, the XPath of its article body and of
    blocks to drop before extraction; see :mod:`cleanpipe.sites`). None by default: a profile
    is written for one site's markup and helps no other host, so it is for your own feeds."""

    disabled_families: tuple[str, ...] = ()
    """Rule families to leave out (e.g. ``["credit"]`` to keep image credits): none by default,
    since every shipped family removes only junk of its own shape."""

    lexicon_check: bool = True
    """Remove short paragraphs made of little but a family's chrome words (the packs'
    ``[lexicon]`` tables; ``<lang>.<family>.lexicon`` in ``removed``): it catches chrome in
    wordings no regex rule was written for. False leaves only the regex rules."""

    keep_languages: tuple[str, ...] = ()
    """If set, articles detected in any other language are rejected as ``unwanted_language``;
    empty keeps every language."""

    drop_languages: tuple[str, ...] = ()
    """Articles detected in these languages are rejected as ``unwanted_language``."""

    head_window: int = 4
    """Paragraphs at the top of the body where ``head`` rules may fire: a video title and
    a consent banner sit above the first story paragraph, never deeper than this."""

    tail_window: int = 3
    """Paragraphs at the end of the body where ``tail`` rules may fire: aggregator tails
    ("Source: Read Full Article") and share bars follow the last paragraph."""

    min_chars: int = 200
    """A cleaned body shorter than this is rejected as ``too_short``: two sentences is the
    least we call an article, and below it language detection is unreliable. A Chinese or
    Japanese character counts as three (``segment.CJK_CHAR_WEIGHT``): a word of those
    scripts is one or two characters, so two sentences of them are 40-60 characters."""

    min_sentence_words: int = 8
    """A cleaned body needs one paragraph of at least this many words that ends like a
    sentence (or of three times as many words), else it is rejected as ``boilerplate_only``:
    a scrape of navigation links, menu labels or buttons has none, while the shortest news
    paragraph ("Police said the man was arrested at the scene.") has eight or more. 0 turns
    the check off."""

    min_prose_words: int = 40
    """Unless the body's sentence paragraphs (as above) hold at least this many words, they
    must hold two thirds of its words, else it is rejected as ``boilerplate_only``: a paywall,
    an app prompt, a donation appeal or a "page not found" keeps a sentence or two of its pitch
    among buttons and links ("Volver a la portada", "Continua sul sito mobile") once its chrome
    is cut, while a news brief is all sentences, and every story of the labelled sets has 40
    words or more in them. 0 turns the check off."""

    # --- site chrome that repeats across a source's documents ----------------
    source_repeat_min_docs: int = 3
    """A paragraph found, near-verbatim, in at least this many distinct articles of one source
    (URL host, else the raw file's folder), in this run and earlier ones, is removed as
    ``structure.source-repeat`` (see :mod:`cleanpipe.repeats`): two stories can share a quoted
    statement, while chrome (promo, footer, follow-us line) stands in every story of a site.
    0 turns the check off."""

    source_repeat_min_share: float = 0.05
    """... and in at least this share of the source's articles: in a large source (1,000
    stories) a paragraph must recur 50 times, which a quote shared by a few follow-up stories
    never does and a site's chrome always does; in a small one ``source_repeat_min_docs``
    decides."""

    source_repeat_line_min_docs: int = 2
    """A line rather than a sentence (short, not ending like one, or a copyright notice: a
    share bar, "Read the full article on example.org", "© 2024 X. All rights reserved.")
    goes when it recurs in this many articles of its source (and ``source_repeat_min_share``):
    an outlet's label or button repeats word for word, while what two of its stories share
    verbatim is a background sentence, which this does not take. So does a sentence with a
    consent word (newsletter, subscribe, donate, member, ...): the outlet's pitch, which a
    background sentence of two follow-up stories does not hold. 0 leaves lines to
    ``source_repeat_min_docs``."""

    # --- language detection -------------------------------------------------
    language_seed: int = 0
    """Seed of langdetect's sampling, so the same text always gets the same answer."""

    language_max_chars: int = 1000
    """Characters given to langdetect: the full text costs ~3x more for the same answer on
    news prose; 300 or 500 characters disagree with the full text on ~1 article in 500
    (Norwegian/Danish, Swahili/Tagalog) (bench/results/throughput.md)."""

    language_trials: int = 3
    """langdetect's sampling rounds (its default is 7), each ~0.15 ms: over 1,000 characters
    three agree with 7 over the full text on 99.98% of the benchmark corpus; one round
    99.89%, two 99.86% (a tie between two rounds is decided by noise); the disagreements
    are Swahili/Indonesian and Norwegian/Swedish (bench/results/throughput.md)."""

    # --- duplicates ---------------------------------------------------------
    dedupe_threshold: float = 0.8
    """Estimated Jaccard similarity of 5-word shingles at which an article is a near
    duplicate of one kept before: aggregator copies that differ by a headline tweak, a
    "Source:" tail or a few edited words score above 0.85; two reports of one event from
    different outlets share phrases but stay well under 0.5."""

    minhash_perm: int = 128
    """MinHash signature length: 128 gives an estimate within about +-0.05 at 0.8 for
    512 bytes per kept article in the index."""

    shingle_words: int = 5
    """Words per shingle: long enough that common phrases ("said on Tuesday") do not make
    different stories look alike, short enough that a small edit touches few shingles."""

    # --- batching -----------------------------------------------------------
    batch_files: int = 1024
    """Files per batch at most (one task run each under Prefect). A task run costs 40-80 ms
    of orchestration in the flow and about as much again in the worker, so a batch must
    carry seconds of work: 1,024 news texts are ~3 s of one core. On 10,000 texts, 1,024 a
    batch ran the default command in 30.3 s against 33.4 s with 256 (bench/results)."""

    min_batches: int = 8
    """A run with the files for it is split into at least this many batches (of 64 files at
    least), so that 2-4 workers share it evenly: with 1,024 files a batch, 3,000 files would
    be three batches, and one worker would do two of them while the other waited."""

    batch_bytes: int = 64_000_000
    """Bytes of raw input per batch: bounds a worker's memory when files are large."""

    parallel_min_bytes: int = 16_000_000
    """Under Prefect, a run reading less raw input than this runs its batches in the flow's
    own process instead of sending them to worker processes: a worker costs 3-5 s to spawn,
    import and load its language profiles, while a core cleans 4-7 MB of text or HTML a
    second (bench/results/throughput.md), so below ~16 MB the workers would not pay for
    their start. 0 always uses the task runner."""


def load_config(path: str | Path | None = None, **overrides) -> Config:
    """Build a :class:`Config` from defaults, an optional TOML file, then keyword overrides.

    Args:
        path: a TOML file whose top-level keys are :class:`Config` field names, or None.
        **overrides: field values that win over the file (e.g. from command-line flags);
            None values are ignored.

    Returns:
        The frozen config.

    Raises:
        ConfigError: the file is missing or invalid, or a key or value is unknown or of
            the wrong type. The run must not start.
    """
    values: dict = {}
    if path is not None:
        try:
            with open(path, "rb") as handle:
                values.update(tomllib.load(handle))
        except FileNotFoundError as exc:
            raise ConfigError(f"config file not found: {path}") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"config file {path} is not valid TOML: {exc}") from exc
    values.update({k: v for k, v in overrides.items() if v is not None})
    return _validated(values)


def _validated(values: dict) -> Config:
    """Check names and types against the dataclass fields and build the Config."""
    known = {f.name: f for f in dataclasses.fields(Config)}
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise ConfigError(f"unknown config key(s): {', '.join(unknown)}; known: {', '.join(known)}")
    typed = {}
    for name, value in values.items():
        default = getattr(Config, name)
        if isinstance(default, tuple):
            if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"config key {name!r} must be a list of strings, got {value!r}")
            value = tuple(value)
        elif isinstance(default, bool):
            if not isinstance(value, bool):
                raise ConfigError(f"config key {name!r} must be true or false, got {value!r}")
        elif not isinstance(value, type(default)) or isinstance(value, bool):
            if not (isinstance(default, float) and isinstance(value, int) and not isinstance(value, bool)):
                raise ConfigError(
                    f"config key {name!r} must be {type(default).__name__}, got {value!r}"
                )
            value = float(value)
        if isinstance(value, (int, float)) and value < 0:
            raise ConfigError(f"config key {name!r} must not be negative, got {value!r}")
        typed[name] = value
    if typed.get("batch_files", 1) < 1:
        raise ConfigError("config key 'batch_files' must be at least 1")
    if typed.get("language_trials", 1) < 1:
        raise ConfigError("config key 'language_trials' must be at least 1")
    return Config(**typed)
