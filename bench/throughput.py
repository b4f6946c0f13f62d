"""Throughput benchmark: the cleaning pipeline against a naive baseline, in the same run.

    python bench/throughput.py                  # make bench
    python bench/throughput.py --texts 2000 --html 200 --scale 0   # a quick look
    python bench/throughput.py --whole-only     # only the whole-process rows (bench/whole_process.py)

Generates (once, seeded) the corpus of ``bench/corpus.py`` under ``bench/corpus/``, then:

- **naive**: the same libraries called with their defaults, one document at a time
  (charset-normalizer when not UTF-8, ``ftfy.fix_text``, the regex of every rule of the ten
  packs the pipeline loads on every line, as its kind reads it (a line fullmatches, a fragment
  is searched for), without literal gates or length limits,
  ``langdetect.detect`` on the full text, one JSON line written per document);
- **pipeline, 1 and 2 workers**: batches of files through ``build_stages`` /
  ``clean_documents`` / ``write_jsonl``, in spawned worker processes, with each stage's share
  and each worker's peak RSS;
- **language agreement**: the pipeline's language against langdetect on the full text with
  its defaults (7 trials);
- **HTML**: the pipeline on real pages against ``trafilatura.extract`` alone on the same pages;
- **scale**: 10x more documents (JSONL feeds) through 2 workers: peak RSS must stay flat;
- **Prefect**: the flow (``cleanpipe run``'s path: ledger, duplicates, commit included) with
  each task runner, 2 workers each (when ``--prefect``);
- **whole process**: the user's own command, ``cleanpipe run RAW OUT`` with and without
  Prefect, timed from process start to exit against the naive baseline (or
  ``trafilatura.extract`` alone) run as a process too (``bench/whole_process.py``; written to
  ``bench/results/whole_process.md``). ``--naive-only`` and ``--extract-only`` are those
  baseline processes.

Prints a table and writes ``bench/results/throughput.md``. The machine is shared: compare
ratios within one run, not absolute numbers across runs.
"""

import argparse
import json
import os
import platform
import resource
import shutil
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

RESULTS = HERE / "results" / "throughput.md"
WHOLE_RESULTS = HERE / "results" / "whole_process.md"
CORPUS_ROOT = HERE / "corpus" / "throughput"
NAIVE_SAMPLE = 1000  # documents: the naive baseline runs at ~50 docs/s
WHOLE_TEXT_SIZES = (1_000, 10_000)  # text documents of the whole-process rows (capped at --texts)


# --- work done inside worker processes ------------------------------------------------

def _peak_rss_mb() -> float:
    """This process's peak resident set size so far, in MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _warm(_: int) -> int:
    """Import and load everything once (profiles, rules), so timing excludes start-up."""
    from cleanpipe.config import Config
    from cleanpipe.language import detect_language
    from cleanpipe.pipeline import build_stages

    build_stages(Config())
    detect_language("warm up the language profiles")
    time.sleep(0.3)  # keep this worker busy so the next warm-up task lands on the other one
    return os.getpid()


def clean_batch(raw_dir: str, out_dir: str, index: int, paths: tuple[str, ...], config_values: dict) -> dict:
    """Clean one batch of files into ``out_dir``: read, stages, JSONL parts (what a task runs)."""
    from cleanpipe.config import Config
    from cleanpipe.pipeline import build_stages, clean_documents
    from cleanpipe.read import read_inputs
    from cleanpipe.stats import Stats
    from cleanpipe.write import write_jsonl

    config = Config(**config_values)
    started, cpu_started = time.perf_counter(), time.process_time()
    stats = Stats()
    items = (item for rel in paths for item in read_inputs(raw_dir, rel, config.max_file_bytes, config.max_record_bytes))
    articles, rejects = clean_documents(items, build_stages(config), stats)
    languages = [(record["source"], record["language"]) for record in articles]
    for folder, records in (("articles", articles), ("rejects", rejects)):
        if records:
            write_jsonl(Path(out_dir) / folder / f"part-{index:05d}.jsonl", records)
    return {
        "seconds": time.perf_counter() - started,
        "cpu": time.process_time() - cpu_started,
        "inputs": stats.inputs,
        "articles": stats.articles,
        "bytes": stats.bytes_in,
        "stages": dict(stats.stage_seconds),
        "languages": languages,
        "pid": os.getpid(),
        "rss_mb": _peak_rss_mb(),
    }


def naive_documents(raw_dir: str, rel: str):
    """(source, bytes) of each document of a raw file: each JSONL line's ``text``, else the file."""
    import orjson

    data = (Path(raw_dir) / rel).read_bytes()
    if not rel.endswith(".jsonl"):
        yield rel, data
        return
    for number, line in enumerate(data.splitlines(), 1):
        yield f"{rel}#{number}", orjson.loads(line)["text"].encode("utf-8")


def naive_clean(raw_dir: str, out_path: str, paths: list[str], limit: int | None = None) -> dict:
    """The same libraries at their defaults, one document at a time, no batching or gating
    (``limit``: stop after that many documents)."""
    import charset_normalizer
    import ftfy
    import langdetect
    import orjson
    import trafilatura

    from cleanpipe.config import Config
    from cleanpipe.rules import load_rules

    langdetect.DetectorFactory.seed = 0
    rules = load_rules(Config().languages)  # the packs the pipeline applies to every document
    langdetect.detect("load the profiles before the clock starts, as _warm does for the pipeline")
    started = time.perf_counter()
    count = 0
    with open(out_path, "wb") as out:
        for rel, data in (document for path in paths for document in naive_documents(raw_dir, path)):
            if count == limit:
                break
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                text = str(charset_normalizer.from_bytes(data).best())
            if rel.endswith(".html"):
                text = trafilatura.extract(text) or ""
            text = ftfy.fix_text(text)
            paragraphs = [" ".join(line.split()) for line in text.split("\n") if line.strip()]
            # every rule on every paragraph, as its kind reads it (a line rule matches the whole
            # paragraph), without the literal gates and length limits
            paragraphs = [p for p in paragraphs
                          if not any((rule.regex.search if rule.kind == "fragment" else rule.regex.fullmatch)(p)
                                     for rule in rules)]
            body = "\n\n".join(paragraphs)
            try:
                language = langdetect.detect(body)
            except langdetect.lang_detect_exception.LangDetectException:
                language = "und"
            out.write(orjson.dumps({"source": rel, "text": body, "language": language}) + b"\n")
            count += 1
    return {"seconds": time.perf_counter() - started, "inputs": count, "rss_mb": _peak_rss_mb()}


def paired(raw_dir: str, out_dir: str, paths: list[str], chunk: int, other: str, warm_paths: tuple[str, ...] = ()) -> dict:
    """The pipeline and another way (``naive`` or ``extract``) on the same files, alternating
    chunk by chunk in one process, so both see the same share of a busy machine.

    ``warm_paths`` (other files) are cleaned first, untimed: a worker's language caches then
    hold the common words, as after its first batches of a long run.
    """
    config_values = {}
    seconds = {"pipeline": 0.0, other: 0.0, "pipeline_cpu": 0.0}
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    _warm(0)
    if warm_paths:
        clean_batch(raw_dir, str(Path(out_dir) / "warm-up"), 0, tuple(warm_paths), config_values)
    for start in range(0, len(paths), chunk):
        part = paths[start : start + chunk]
        if other == "naive":
            seconds[other] += naive_clean(raw_dir, str(Path(out_dir) / "naive.jsonl"), part)["seconds"]
        else:
            seconds[other] += extract_only(raw_dir, part)["seconds"]
            seconds["extract_metadata"] = seconds.get("extract_metadata", 0.0) + extract_only(raw_dir, part, True)["seconds"]
        result = clean_batch(raw_dir, out_dir, start, tuple(part), config_values)
        seconds["pipeline"] += result["seconds"]
        seconds["pipeline_cpu"] += result["cpu"]
    return {"docs": len(paths), **seconds, "rss_mb": _peak_rss_mb()}


def ingest_run(raw_dir: str, clean_dir: str, overrides: dict | None = None) -> dict:
    """``cleanpipe run --no-prefect``: plan, batches, duplicates, commit, in this process."""
    from cleanpipe.config import Config
    from cleanpipe.ingest import run

    _warm(0)
    started = time.perf_counter()
    summary = run(raw_dir, clean_dir, Config(**(overrides or {})))
    return {"seconds": time.perf_counter() - started, "inputs": summary["inputs_seen"], "rss_mb": _peak_rss_mb(),
            "articles": summary["articles"]}


# The checks that generalise removal beyond the rule packs (issue 11), switched off to price them.
GENERALISING_OFF = {"source_repeat_min_docs": 0, "min_sentence_words": 0}


def generalising_cost(raw_dir: str, tmp: Path, rounds: int = 2) -> dict:
    """Whole runs with the source-repeat and sentence checks on and off, in turn; the fastest of each."""
    on, off = [], []
    for number in range(rounds):
        off.append(in_one_worker(ingest_run, raw_dir, str(tmp / f"checks-off-{number}"), GENERALISING_OFF)["seconds"])
        on.append(in_one_worker(ingest_run, raw_dir, str(tmp / f"checks-on-{number}"))["seconds"])
    return {"on": min(on), "off": min(off), "rounds": rounds}


def naive_process(raw_dir: str, out_dir: str, sample: int) -> int:
    """``--naive-only``: the naive baseline as a process of its own, on ``sample`` evenly spaced
    files (a JSONL feed's first records); prints its documents and when its loop started."""
    files = [p for b in plan(Path(raw_dir), 10**9) for p in b]
    step = max(1, len(files) // sample)
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    result = naive_clean(raw_dir, str(Path(out_dir) / "naive.jsonl"), files[::step][:sample], limit=sample)
    # Unix seconds, so the parent can split the process's wall time into start-up and per document.
    print(json.dumps({"docs": result["inputs"], "loop_started_at": time.time() - result["seconds"]}))
    return 0


def extract_process(raw_dir: str) -> int:
    """``--extract-only``: ``trafilatura.extract`` alone on every page, as a process of its own."""
    result = extract_only(raw_dir, [p for b in plan(Path(raw_dir), 10**9) for p in b])
    print(json.dumps({"docs": result["inputs"], "found": result["found"]}))
    return 0


def extract_only(raw_dir: str, paths: list[str], with_metadata: bool = False) -> dict:
    """``trafilatura.extract`` with its defaults (or with metadata) on each page, and nothing else."""
    import trafilatura

    texts = [(Path(raw_dir) / rel).read_bytes().decode("utf-8", errors="replace") for rel in paths]
    started = time.perf_counter()
    found = sum(1 for text in texts if trafilatura.extract(text, with_metadata=with_metadata))
    return {"seconds": time.perf_counter() - started, "inputs": len(texts), "found": found}


def full_text_languages(raw_dir: str, paths: list[str]) -> list[tuple[str, str]]:
    """(source, language) by langdetect's defaults on the whole cleaned text (7 trials).

    The pipeline's own detector is used with langdetect's settings: the tests show it gives
    langdetect's probabilities bit for bit, at a third of the time.
    """
    from cleanpipe.config import Config
    from cleanpipe.pipeline import build_stages, clean_documents
    from cleanpipe.read import read_inputs
    from cleanpipe.stats import Stats

    config = Config(language_max_chars=10**9, language_trials=7)
    items = (item for rel in paths for item in read_inputs(raw_dir, rel, config.max_file_bytes, config.max_record_bytes))
    articles, _ = clean_documents(items, build_stages(config), Stats())
    return [(record["source"], record["language"]) for record in articles]


# --- orchestration -------------------------------------------------------------------

def ensure_corpus(texts: int, html: int, scale: int) -> Path:
    """The seeded corpus for these sizes, generated once and reused."""
    import corpus as corpus_module  # here: the baseline processes import this file and need none of it

    root = CORPUS_ROOT / f"t{texts}-h{html}-s{scale}"
    if not (root / "manifest.json").exists():
        started = time.perf_counter()
        corpus_module.write_corpus(root, texts, html, scale)
        print(f"corpus generated in {time.perf_counter() - started:.0f} s: {root}", flush=True)
    return root


def plan(raw_dir: Path, batch_files: int) -> list[tuple[str, ...]]:
    """Sorted files in batches of ``batch_files``."""
    from cleanpipe.read import discover

    files = discover(raw_dir)
    return [tuple(files[i : i + batch_files]) for i in range(0, len(files), batch_files)]


def run_pipeline(raw_dir: Path, out_dir: Path, workers: int, batches: list[tuple[str, ...]], config_values: dict) -> dict:
    """Clean ``batches`` of ``raw_dir`` with ``workers`` spawned processes; totals, stage
    shares, peak RSS per worker."""
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
        list(pool.map(_warm, range(workers)))
        started = time.perf_counter()
        futures = [pool.submit(clean_batch, str(raw_dir), str(out_dir), i, b, config_values) for i, b in enumerate(batches)]
        results = [f.result() for f in futures]
        wall = time.perf_counter() - started
    stages, rss = Counter(), {}
    for result in results:
        stages.update(result["stages"])
        stages["read+write"] += result["seconds"] - sum(result["stages"].values())
        rss[result["pid"]] = max(rss.get(result["pid"], 0), result["rss_mb"])
    inputs = sum(r["inputs"] for r in results)
    cpu = sum(r["cpu"] for r in results)
    return {
        "wall": wall,
        "cpu": cpu,
        "docs_per_cpu_s": inputs / cpu,
        "cpu_share": cpu / (wall * workers),  # how much of its cores the run got; 1.0 = all
        "inputs": inputs,
        "articles": sum(r["articles"] for r in results),
        "bytes": sum(r["bytes"] for r in results),
        "docs_per_s": inputs / wall,
        "mb_per_s": sum(r["bytes"] for r in results) / wall / 1e6,
        "stages": dict(stages),
        "rss_mb": sorted(rss.values()),
        "languages": dict(pair for r in results for pair in r["languages"]),
    }


def in_one_worker(function, *args):
    """Run ``function(*args)`` in one fresh spawned process (so its RSS is its own)."""
    with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
        return pool.submit(function, *args).result()


def language_agreement(raw_dir: Path, pipeline_languages: dict, batch_files: int, workers: int) -> dict:
    """Share of articles where the pipeline's language equals full-text langdetect's."""
    batches = plan(raw_dir, batch_files)
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
        reference = dict(pair for part in pool.map(full_text_languages, [str(raw_dir)] * len(batches), batches) for pair in part)
    common = sorted(set(reference) & set(pipeline_languages))
    disagreements = Counter((reference[s], pipeline_languages[s]) for s in common if reference[s] != pipeline_languages[s])
    agree = len(common) - sum(disagreements.values())
    return {"articles": len(common), "agree": agree, "share": agree / len(common) if common else 1.0,
            "disagreements": {f"{a}->{b}": n for (a, b), n in disagreements.most_common()}}


def main(argv: list[str] | None = None) -> int:
    """Run every measurement, print the table and write bench/results/throughput.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=10_000)
    parser.add_argument("--html", type=int, default=1_000)
    parser.add_argument("--scale", type=int, default=100_000, help="JSONL documents for the memory run (0: skip)")
    parser.add_argument("--batch-files", type=int, default=256)
    parser.add_argument("--prefect", action="store_true", help="also time the Prefect flow with each task runner")
    parser.add_argument("--out", default=str(RESULTS))
    whole = parser.add_argument_group("whole process (bench/whole_process.py)")
    whole.add_argument("--whole-only", action="store_true", help="time only `cleanpipe run` as a whole process")
    whole.add_argument("--whole-runs", type=int, default=3, help="runs of each command (1k and 10k texts, HTML)")
    whole.add_argument("--whole-scale-runs", type=int, default=1, help="runs of each command on the --scale JSONL records")
    whole.add_argument("--naive-sample", type=int, default=200, help="documents the naive baseline process cleans")
    whole.add_argument("--whole-out", default=str(WHOLE_RESULTS))
    baseline = parser.add_argument_group("a baseline as a process of its own (what the whole-process rows run)")
    baseline.add_argument("--naive-only", nargs=2, metavar=("RAW", "OUT"), help="the naive baseline on a sample of RAW")
    baseline.add_argument("--sample", type=int, default=NAIVE_SAMPLE, help="documents for --naive-only")
    baseline.add_argument("--extract-only", metavar="RAW", help="trafilatura.extract alone on every page of RAW")
    args = parser.parse_args(argv)
    if args.naive_only:
        return naive_process(*args.naive_only, args.sample)
    if args.extract_only:
        return extract_process(args.extract_only)

    import tempfile

    from cleanpipe.config import Config

    root = ensure_corpus(args.texts, args.html, args.scale)
    manifest = json.loads((root / "manifest.json").read_text())
    if args.whole_only:
        return whole_process_report(args, root, manifest)
    config_values = {}
    defaults = Config()
    load_before = os.getloadavg()
    rows, notes = [], {}
    with tempfile.TemporaryDirectory(prefix="cleanpipe-bench-") as tmp:
        tmp = Path(tmp)
        text_dir, html_dir = root / "text", root / "html"
        text_files = [p for b in plan(text_dir, 10**9) for p in b]

        text_batches = plan(text_dir, args.batch_files)
        step = max(1, len(text_files) // NAIVE_SAMPLE)
        sample = text_files[::step][:NAIVE_SAMPLE]
        warm_up = text_files[step // 2 :: step][:NAIVE_SAMPLE]  # other files: none is in the sample
        versus_naive = in_one_worker(paired, str(text_dir), str(tmp / "paired"), sample, 100, "naive", tuple(warm_up))
        versus_naive["cold"] = in_one_worker(paired, str(text_dir), str(tmp / "paired-cold"), sample, 100, "naive")
        naive_rate = versus_naive["docs"] / versus_naive["naive"]
        rows.append(("text", "naive baseline, 1 worker (sample)", versus_naive["docs"], versus_naive["naive"], naive_rate, None, [], 1.0))
        for name, result in ((f"after {len(warm_up):,} other documents", versus_naive),
                             (f"a fresh worker's first {len(sample):,} documents", versus_naive["cold"])):
            rows.append(("text", f"cleanpipe, same sample, alternating with naive, {name}", result["docs"], result["pipeline"],
                         result["docs"] / result["pipeline"], None, [result["rss_mb"]], result["naive"] / result["pipeline"]))
        print(f"naive: {naive_rate:.1f} docs/s; paired ratio {versus_naive['naive'] / versus_naive['pipeline']:.1f}x"
              f" (fresh worker {versus_naive['cold']['naive'] / versus_naive['cold']['pipeline']:.1f}x)", flush=True)

        one = run_pipeline(text_dir, tmp / "one", 1, text_batches, config_values)
        rows.append(("text", "cleanpipe, 1 worker", one["inputs"], one["wall"], one["docs_per_s"], one["mb_per_s"], one["rss_mb"], one["docs_per_s"] / naive_rate))
        print(f"1 worker: {one['docs_per_s']:.1f} docs/s", flush=True)
        two = run_pipeline(text_dir, tmp / "two", 2, text_batches, config_values)
        rows.append(("text", "cleanpipe, 2 workers", two["inputs"], two["wall"], two["docs_per_s"], two["mb_per_s"], two["rss_mb"], two["docs_per_s"] / naive_rate))
        print(f"2 workers: {two['docs_per_s']:.1f} docs/s", flush=True)
        whole = in_one_worker(ingest_run, str(text_dir), str(tmp / "ingest"))
        rows.append(("text", "cleanpipe run --no-prefect (ledger, duplicates, commit), 1 process", whole["inputs"], whole["seconds"],
                     whole["inputs"] / whole["seconds"], None, [whole["rss_mb"]], whole["inputs"] / whole["seconds"] / naive_rate))
        print(f"ingest.run: {whole['inputs'] / whole['seconds']:.1f} docs/s", flush=True)
        whole["generalising"] = generalising_cost(str(text_dir), tmp)
        print(f"source repeats + sentence check: {whole['generalising']['on'] / whole['generalising']['off']:.3f}x", flush=True)

        agreement = language_agreement(text_dir, one["languages"], args.batch_files, 2)
        print(f"language agreement: {agreement['share']:.4f}", flush=True)

        html_files = [p for b in plan(html_dir, 10**9) for p in b]
        versus_extract = in_one_worker(paired, str(html_dir), str(tmp / "paired-html"), html_files, 50, "extract")
        extract_rate = versus_extract["docs"] / versus_extract["extract"]
        rows.append(("html", "trafilatura.extract alone, 1 worker", versus_extract["docs"], versus_extract["extract"], extract_rate, None, [], 1.0))
        rows.append(("html", "trafilatura.extract(with_metadata=True) alone, 1 worker", versus_extract["docs"],
                     versus_extract["extract_metadata"], versus_extract["docs"] / versus_extract["extract_metadata"], None, [],
                     versus_extract["extract"] / versus_extract["extract_metadata"]))
        rows.append(("html", "cleanpipe, 1 worker, alternating with extract", versus_extract["docs"], versus_extract["pipeline"],
                     versus_extract["docs"] / versus_extract["pipeline"], manifest["html_bytes"] / versus_extract["pipeline"] / 1e6,
                     [versus_extract["rss_mb"]], versus_extract["extract"] / versus_extract["pipeline"]))
        html = run_pipeline(html_dir, tmp / "html", 2, plan(html_dir, 25), config_values)
        rows.append(("html", "cleanpipe, 2 workers", html["inputs"], html["wall"], html["docs_per_s"], html["mb_per_s"], html["rss_mb"], html["docs_per_s"] / extract_rate))
        print(f"html: cleanpipe {versus_extract['pipeline']:.1f} s, extract alone {versus_extract['extract']:.1f} s", flush=True)

        scale = None
        if args.scale:
            feeds = plan(root / "jsonl", 1)  # one feed of 1,000 records per batch, as in both runs
            tenth = run_pipeline(root / "jsonl", tmp / "tenth", 2, feeds[: max(1, len(feeds) // 10)], config_values)
            scale = run_pipeline(root / "jsonl", tmp / "scale", 2, feeds, config_values)
            scale["tenth"] = tenth
            for run_result in (tenth, scale):
                rows.append(("jsonl", f"cleanpipe, 2 workers, {run_result['inputs']:,} records", run_result["inputs"], run_result["wall"],
                             run_result["docs_per_s"], run_result["mb_per_s"], run_result["rss_mb"], run_result["docs_per_s"] / naive_rate))
            print(f"scale: {scale['docs_per_s']:.1f} docs/s, rss {tenth['rss_mb']} -> {scale['rss_mb']}", flush=True)

        prefect_rows = []
        if args.prefect:
            prefect_rows = prefect_runners(text_dir, tmp)

    load_after = os.getloadavg()
    report = render(args, manifest, defaults, rows, one, two, html, whole, versus_naive, versus_extract, agreement, scale,
                    prefect_rows, naive_rate, load_before, load_after)
    print(report)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(report)
    return whole_process_report(args, root, manifest)


# --- whole process: the user's command, start-up included (bench/whole_process.py) -----------

def text_subset(text_dir: Path, size: int) -> Path:
    """A folder of the first ``size`` text files (hard links), or ``text_dir`` itself when that is all of them."""
    files = [p for b in plan(text_dir, 10**9) for p in b]
    if size >= len(files):
        return text_dir
    subset = text_dir.parent / "subsets" / f"text-{size}"
    if not subset.exists():
        building = subset.with_name(subset.name + ".tmp")
        shutil.rmtree(building, ignore_errors=True)
        for rel in files[:size]:
            (building / rel).parent.mkdir(parents=True, exist_ok=True)
            os.link(text_dir / rel, building / rel)
        building.rename(subset)
    return subset


def whole_rows(args, root: Path, manifest: dict) -> list:
    """The inputs of the whole-process rows (``whole_process.Row``): texts at each size, the JSONL
    scale records, the HTML pages."""
    import whole_process  # here, not at the top: the baseline processes run this file and need none of it

    sizes = sorted({size for size in WHOLE_TEXT_SIZES if size < args.texts} | {args.texts})
    rows = [whole_process.Row("text", text_subset(root / "text", size), size, args.whole_runs, "naive") for size in sizes]
    if args.scale:
        rows.append(whole_process.Row("jsonl", root / "jsonl", manifest["jsonl_docs"], args.whole_scale_runs, "naive"))
    if args.html:
        rows.append(whole_process.Row("html", root / "html", manifest["html_files"], args.whole_runs, "extract"))
    return rows


def whole_process_report(args, root: Path, manifest: dict) -> int:
    """Time the user's commands as whole processes; print the table and write ``--whole-out``."""
    import tempfile

    import whole_process

    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="cleanpipe-bench-") as tmp:
        lines = whole_process.whole_process_rows(whole_rows(args, root, manifest), Path(tmp), args.naive_sample)
    load_after = os.getloadavg()
    heading = (
        f"`python bench/throughput.py --whole-only --texts {args.texts} --html {args.html} --scale {args.scale}"
        f" --whole-runs {args.whole_runs} --whole-scale-runs {args.whole_scale_runs} --naive-sample {args.naive_sample}`"
        f" (also run by `make bench`), {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}. Machine: {os.cpu_count()} cores,"
        f" Python {platform.python_version()}; load average {load_before[0]:.1f} before, {load_after[0]:.1f} after (shared"
        " machine: compare within this run). Corpus of `bench/corpus.py` (seed"
        f" {manifest['seed']}): text rows are the first N of its {manifest['text_files']:,} text files"
        + (f"; the jsonl row is its {manifest['jsonl_docs']:,} JSONL records (feeds of 1,000), the scale run's corpus"
           if manifest.get("jsonl_docs") else "")
        + f"; html, its {manifest['html_files']:,} real pages. Prefect's embedded server runs with the bench's own"
        " home (`bench/corpus/prefect-home`), its database built by an untimed warm-up run first, as `make run`"
        " builds it at set-up."
    )
    report = whole_process.render(lines, heading)
    print(report)
    Path(args.whole_out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.whole_out).write_text(report)
    return 0


def prefect_runners(text_dir: Path, tmp: Path) -> list[tuple]:
    """The Prefect flow over the text corpus with each task runner, each in a fresh process."""
    import subprocess

    rows = []
    script = HERE / "prefect_runner_bench.py"
    for runner in ("threads", "process", "dask", "dask-address"):
        out = tmp / f"prefect-{runner}"
        proc = subprocess.run([sys.executable, str(script), str(text_dir), str(out), runner],
                              capture_output=True, text=True, timeout=1800)
        if proc.returncode != 0:
            rows.append((runner, None, None, None, proc.stderr.strip().splitlines()[-1:] or ["failed"]))
            continue
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        rows.append((runner, result["wall"], result["flow"], result["inputs"], result.get("note", "")))
        print(f"prefect {runner}: {result}", flush=True)
    return rows


def render(args, manifest, defaults, rows, one, two, html, whole, versus_naive, versus_extract, agreement, scale, prefect_rows,
           naive_rate, load_before, load_after) -> str:
    """The results as Markdown."""
    lines = [
        "# Throughput",
        "",
        f"`make bench` (`python bench/throughput.py --texts {args.texts} --html {args.html} --scale {args.scale}"
        f"{' --prefect' if args.prefect else ''}`), {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.",
        f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}; load average {load_before[0]:.1f} before,"
        f" {load_after[0]:.1f} after (the cores are shared with other work: compare ratios within this run).",
        f"Corpus (seed {manifest['seed']}): {manifest['text_files']:,} text files ({manifest['text_bytes'] / 1e6:.1f} MB,"
        f" {len(manifest['languages'])} languages: {', '.join(f'{k} {v}' for k, v in sorted(manifest['languages'].items()))}),"
        f" {manifest['html_files']:,} real HTML pages ({manifest['html_bytes'] / 1e6:.1f} MB)"
        + (f", {manifest.get('jsonl_docs', 0):,} JSONL records for the scale run." if manifest.get("jsonl_docs") else "."),
        f"Settings: language_max_chars={defaults.language_max_chars}, language_trials={defaults.language_trials},"
        f" batch_files={args.batch_files}. Baseline: the naive run for text and JSONL rows,"
        " trafilatura.extract alone for HTML rows. Rows marked alternating ran in one process,"
        " chunk by chunk in turn with their baseline, so both saw the same load.",
        "",
        "`cleanpipe run` itself, timed as a whole process (start-up, Prefect and exit included) against the naive"
        " baseline run the same way: [whole_process.md](whole_process.md).",
        "",
        "| input | run | docs | seconds | docs/s | MB/s | peak RSS per worker (MB) | speed vs baseline |",
        "|---|---|---:|---:|---:|---:|---|---:|",
    ]
    for kind, name, docs, seconds, rate, mbs, rss, ratio in rows:
        lines.append(f"| {kind} | {name} | {docs:,} | {seconds:.1f} | {rate:.1f} | {'' if mbs is None else f'{mbs:.1f}'} |"
                     f" {', '.join(f'{r:.0f}' for r in rss)} | {ratio:.2f} |")
    lines += ["", "CPU time (the machine is shared: a worker gets the share of a core shown; docs per CPU-second"
              " is what one core does when it is free):", "", "| run | CPU s | docs per CPU-second | CPU share per worker |",
              "|---|---:|---:|---:|"]
    for name, run_result in (("text, 1 worker", one), ("text, 2 workers", two)) + ((("jsonl, 2 workers", scale),) if scale else ()):
        lines.append(f"| {name} | {run_result['cpu']:.1f} | {run_result['docs_per_cpu_s']:.0f} | {run_result['cpu_share']:.2f} |")
    total = sum(one["stages"].values())
    lines += ["", "Where a worker's time goes (text, 1 worker):", "", "| stage | share | ms/doc |", "|---|---:|---:|"]
    for stage, seconds in sorted(one["stages"].items(), key=lambda kv: -kv[1]):
        lines.append(f"| {stage} | {seconds / total:.1%} | {seconds / one['inputs'] * 1000:.3f} |")
    paired_ratio = versus_naive["naive"] / versus_naive["pipeline"]
    cold_ratio = versus_naive["cold"]["naive"] / versus_naive["cold"]["pipeline"]
    html_ratio = versus_extract["pipeline"] / versus_extract["extract"]
    # The workers of cleanpipe's own runs, and the whole `cleanpipe run` (which also fingerprints
    # and commits). The alternating HTML process is left out: it also runs
    # trafilatura.extract(with_metadata=True), whose extensive date search cleanpipe never runs.
    workers = (one, two, html) + ((scale["tenth"], scale) if scale else ())
    rss = [r for run_result in workers for r in run_result["rss_mb"]] + [whole["rss_mb"]]
    goals = [
        ("text, per core: >= 500 docs/s", f"{one['docs_per_s']:.0f} docs/s wall ({one['cpu_share']:.0%} of a core),"
         f" {one['docs_per_cpu_s']:.0f} docs per CPU-second", one["docs_per_cpu_s"] >= 500),
        ("text: >= 10x the naive baseline (same files, alternating, in a worker past its first batches)",
         f"{paired_ratio:.1f}x (a fresh worker, its language caches empty: {cold_ratio:.1f}x)", paired_ratio >= 10),
        ("language agreement with full-text langdetect >= 0.999",
         f"{agreement['share']:.4f} ({agreement['agree']:,}/{agreement['articles']:,}; {agreement['disagreements'] or 'no disagreement'})",
         agreement["share"] >= 0.999),
        ("html: total time <= 1.2x trafilatura.extract alone (same pages, alternating)",
         f"{html_ratio:.2f}x ({versus_extract['pipeline'] / versus_extract['extract_metadata']:.2f}x"
         " extract(with_metadata=True), which like cleanpipe finds title, URL and date)", html_ratio <= 1.2),
        ("2 workers >= 1.8x 1 worker", f"{two['docs_per_s'] / one['docs_per_s']:.2f}x wall (CPU share {one['cpu_share']:.2f} -> "
         f"{two['cpu_share']:.2f} per worker; docs per CPU-second {one['docs_per_cpu_s']:.0f} -> {two['docs_per_cpu_s']:.0f})",
         two["docs_per_s"] >= 1.8 * one["docs_per_s"]),
        ("peak RSS per worker < 400 MB", f"{max(rss):.0f} MB over the cleanpipe worker runs and the whole run (the alternating HTML process,"
         f" which also runs both trafilatura baselines: {versus_extract['rss_mb']:.0f} MB)", max(rss) < 400),
    ]
    cost = whole["generalising"]
    goals.append(("source repeats and the sentence check cost <= 10% of a whole run",
                  f"{cost['on'] / cost['off'] - 1:+.1%} (cleanpipe run --no-prefect, {cost['on']:.1f} s on vs {cost['off']:.1f} s"
                  f" off, fastest of {cost['rounds']} in turn)", cost["on"] <= 1.1 * cost["off"]))
    if scale:
        tenth = scale["tenth"]
        flat = max(scale["rss_mb"]) <= max(tenth["rss_mb"]) * 1.05 + 10
        goals.append((f"peak RSS flat: {scale['inputs']:,} records vs {tenth['inputs']:,} (same batches, 2 workers)",
                      f"{max(scale['rss_mb']):.0f} MB vs {max(tenth['rss_mb']):.0f} MB", flat))
    lines += ["", "| goal | measured | met |", "|---|---|---|"]
    lines += [f"| {goal} | {measured} | {'yes' if met else '**no**'} |" for goal, measured, met in goals]
    if prefect_rows:
        lines += ["", f"Prefect flow over the {args.texts:,} text files (fresh process each; wall includes Prefect's"
                  " start-up, flow = the flow's own run time):", "",
                  "| task runner | wall s | flow s | docs | note |", "|---|---:|---:|---:|---|"]
        for runner, wall, flow, docs, note in prefect_rows:
            lines.append(f"| {runner} | {'' if wall is None else f'{wall:.1f}'} | {'' if flow is None else f'{flow:.1f}'} |"
                         f" {'' if docs is None else f'{docs:,}'} | {note if isinstance(note, str) else ' '.join(note)} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
