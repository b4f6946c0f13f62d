"""The pipeline: the list of stages, and the one loop that runs them over a batch of files.

The loop and the accounting are written once here; each stage is a small function
``Document -> Document`` that may raise :class:`~cleanpipe.errors.Rejected`. Runs over
folders (ledger, staging, commit) are in :mod:`cleanpipe.ingest`.
"""

import os
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial

from cleanpipe import reasons
from cleanpipe.boilerplate import strip_boilerplate
from cleanpipe.config import Config
from cleanpipe.decode import decode_bytes
from cleanpipe.document import Document, Reject
from cleanpipe.errors import Rejected
from cleanpipe.extract import extract_html
from cleanpipe.language import set_language
from cleanpipe.repair import repair_text
from cleanpipe.rules import load_lexicon, load_rules
from cleanpipe.segment import CJK_CHAR_WEIGHT, SENTENCE_ENDS, split_paragraphs, weighted_length, word_count
from cleanpipe.sites import load_site_profiles
from cleanpipe.stats import Stats

Stage = tuple[str, Callable[[Document], Document]]


def rules_for(config: Config):
    """The compiled boilerplate rules ``config`` asks for (loaded once per process)."""
    return load_rules(config.languages, config.rule_dirs, config.disabled_families)


def lexicon_for(config: Config):
    """The family vocabularies ``config`` asks for (loaded once per process; None: the check is off)."""
    if not config.lexicon_check:
        return None
    return load_lexicon(config.languages, config.rule_dirs, config.disabled_families)


def build_stages(config: Config) -> list[Stage]:
    """The cleaning pipeline for ``config``: cheap stages first, language detection last."""
    rules = rules_for(config)
    return [
        ("decode", partial(decode, max_control_ratio=config.binary_control_ratio)),
        ("extract", partial(extract_html, timeout_seconds=config.extract_timeout_seconds,
                            profiles=load_site_profiles(config.site_profile_dirs))),
        ("repair", repair),
        ("split", split_paragraphs),
        ("strip", partial(strip_boilerplate, rules=rules, head_window=config.head_window, tail_window=config.tail_window,
                          lexicon=lexicon_for(config))),
        ("length", partial(require_body, min_chars=config.min_chars, min_sentence_words=config.min_sentence_words,
                           min_prose_words=config.min_prose_words)),
        ("language", partial(set_language, seed=config.language_seed, max_chars=config.language_max_chars,
                             trials=config.language_trials)),
        ("language-filter", partial(filter_language, keep=config.keep_languages, drop=config.drop_languages)),
    ]


# --- small stages that need no module of their own ---------------------------------

def decode(doc: Document, max_control_ratio: float) -> Document:
    """Stage: raw bytes to text (documents given as strings pass through)."""
    if doc.raw is not None:
        doc.text, doc.encoding = decode_bytes(doc.raw, max_control_ratio)
        doc.raw = None
    elif not doc.text.strip():
        raise Rejected(reasons.EMPTY, "no text")
    return doc


def repair(doc: Document) -> Document:
    """Stage: repair the text and the title."""
    doc.text = repair_text(doc.text)
    if doc.title:
        doc.title = repair_text(doc.title)
    return doc


def require_body(doc: Document, min_chars: int, min_sentence_words: int, min_prose_words: int = 0) -> Document:
    """Stage: reject bodies that cleaning left empty, with no sentence, or too short to be an article."""
    problem = body_problem(doc.paragraphs, bool(doc.removed), min_chars, min_sentence_words, min_prose_words)
    if problem:
        raise Rejected(*problem)
    return doc




def body_problem(paragraphs: list[str], stripped: bool, min_chars: int, min_sentence_words: int,
                 min_prose_words: int = 0) -> tuple[str, str] | None:
    """Why a cleaned body is not an article, as ``(reason, detail)``, or None when it is one.

    Args:
        paragraphs: the body left after stripping.
        stripped: whether cleaning removed anything (an empty body is then ``boilerplate_only``).
        min_chars: the shortest body kept.
        min_sentence_words: a body needs one paragraph of this many words ending like a
            sentence (or of three times as many words): a page of links, buttons or menu
            labels has none (0 turns the check off).
        min_prose_words: unless such paragraphs hold this many words, they must hold
            :data:`MIN_PROSE_SHARE` of the body's words: what a paywall or an app prompt
            leaves is a sentence of pitch among buttons (0 turns the check off).
    """
    length = sum(len(p) for p in paragraphs)
    if length == 0:
        if stripped:
            return reasons.BOILERPLATE_ONLY, "cleaning removed every paragraph"
        return reasons.EMPTY, "nothing left after cleaning"
    if length < min_chars:
        weighted = weighted_length(paragraphs)  # only here: most bodies are long enough by plain length
        if weighted < min_chars:
            counted = f" ({weighted} counting a Chinese or Japanese character as {CJK_CHAR_WEIGHT})" if weighted != length else ""
            return reasons.TOO_SHORT, f"{length} characters{counted} after cleaning < {min_chars}"
    if min_sentence_words:
        prose = words = 0
        for paragraph in paragraphs:
            count = word_count(paragraph)
            words += count
            if _is_sentence(paragraph, min_sentence_words):
                prose += count
                if prose >= min_prose_words:
                    return None  # most bodies: enough prose, no need to count the rest
        if not prose:
            return reasons.BOILERPLATE_ONLY, f"no paragraph reads as a sentence of {min_sentence_words}+ words"
        if prose < min_prose_words and prose < MIN_PROSE_SHARE * words:
            return reasons.BOILERPLATE_ONLY, (f"{prose} of {words} words in sentences: under {min_prose_words}"
                                              f" and under {MIN_PROSE_SHARE:.0%}")
    return None


MIN_PROSE_SHARE = 2 / 3  # a short body's sentences are most of it; a wall's are a pitch among buttons and links


def _is_sentence(paragraph: str, min_words: int) -> bool:
    """Enough words, ending like a sentence; or three times as many words, however it ends."""
    words = word_count(paragraph)
    return words >= 3 * min_words or (words >= min_words and paragraph.rstrip().endswith(SENTENCE_ENDS))


def filter_language(doc: Document, keep: tuple[str, ...], drop: tuple[str, ...]) -> Document:
    """Stage: reject articles in a language the configuration excludes."""
    if (keep and doc.language not in keep) or doc.language in drop:
        raise Rejected(reasons.UNWANTED_LANGUAGE, f"detected {doc.language}; keep {list(keep)}, drop {list(drop)}")
    return doc


# --- the loop -----------------------------------------------------------------------

def clean_documents(items: Iterable[Document | Reject], stages: list[Stage], stats: Stats,
                    on_article: Callable[[Document], None] | None = None) -> tuple[list[dict], list[dict]]:
    """Run every document through the stages; return (article records, reject records).

    A stage's Rejected becomes a reject with its reason; any other exception becomes an
    ``internal_error`` reject, so one bad document never stops the batch. ``on_article``,
    if given, sees each finished document before it becomes a record.
    """
    rejects: list[dict] = []
    articles = list(iter_articles(items, stages, stats, rejects, on_article))
    return articles, rejects


def iter_articles(items: Iterable[Document | Reject], stages: list[Stage], stats: Stats, rejects: list[dict],
                  on_article: Callable[[Document], None] | None = None) -> Iterator[dict]:
    """:func:`clean_documents` as a stream: yield each article record as it is finished.

    Reject records (a few hundred bytes each) are appended to ``rejects``; articles are
    never held, so a batch of any size is cleaned in the memory of one document.
    """
    clock = time.perf_counter
    for item in items:
        stats.inputs += 1
        if isinstance(item, Reject):
            stats.rejects[item.reason] += 1
            rejects.append(item.to_record())
            continue
        doc = item
        stats.bytes_in += len(doc.raw) if doc.raw is not None else len(doc.text.encode("utf-8"))
        try:
            for name, stage in stages:
                started = clock()
                doc = stage(doc)
                stats.stage_seconds[name] += clock() - started
        except Rejected as exc:
            stats.rejects[exc.reason] += 1
            rejects.append(Reject(doc.source, exc.reason, exc.detail).to_record())
            continue
        except Exception as exc:  # a bug must not stop the batch; it is counted and kept
            where = traceback.extract_tb(exc.__traceback__)[-1]
            detail = f"{type(exc).__name__}: {exc} (at {os.path.basename(where.filename)}:{where.lineno})"
            stats.rejects[reasons.INTERNAL_ERROR] += 1
            rejects.append(Reject(doc.source, reasons.INTERNAL_ERROR, detail[:500]).to_record())
            continue
        stats.articles += 1
        stats.languages[doc.language] += 1
        for removal in doc.removed:
            stats.removals[removal["rule"]] += 1
        if on_article is not None:
            on_article(doc)
        yield doc.to_record()


# --- batches -----------------------------------------------------------------------

@dataclass(frozen=True)
class Batch:
    """A unit of work: files to clean together, and the part number their output gets."""

    index: int
    paths: tuple[str, ...]


_MIN_SPLIT_FILES = 64  # min_batches never makes a batch smaller than this: its task run would cost more than its work


def split_batches(paths: list[str], sizes: dict[str, int], config: Config) -> list[Batch]:
    """Split sorted ``paths`` into batches of at most ``batch_files`` files and ``batch_bytes``,
    and into ``min_batches`` at least when that leaves 64 files or more in each.

    Args:
        paths: raw files relative to the raw folder, in the order to process them.
        sizes: their sizes in bytes (missing ones count as 0).
        config: supplies ``batch_files``, ``min_batches`` and ``batch_bytes``.
    """
    per_batch = min(config.batch_files, max(_MIN_SPLIT_FILES, -(-len(paths) // max(config.min_batches, 1))))
    batches, current, size = [], [], 0
    for rel in paths:
        file_size = sizes.get(rel, 0)
        if current and (len(current) >= per_batch or size + file_size > config.batch_bytes):
            batches.append(Batch(len(batches), tuple(current)))
            current, size = [], 0
        current.append(rel)
        size += file_size
    if current:
        batches.append(Batch(len(batches), tuple(current)))
    return batches
