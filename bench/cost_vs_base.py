"""What the code now costs per document against an earlier commit, the user's command timed whole.

Runs ``cleanpipe run TEXTS OUT --no-prefect`` (start-up, cleaning, ledger, duplicates and
commit included) on the same text files with this checkout's code and with ``--base``'s (a git
worktree put first on PYTHONPATH, the same interpreter and libraries), in turn, ``--runs`` times
each, and writes a table of CPU and wall seconds, their per-document cost and the ratio to the
base to ``bench/results/cost_vs_base.md``. Issue 11 asked that cleaning cost per document stay
within 10 % of what it was before its work began (``--base 8b25263^``, the default).

    .venv/bin/python bench/cost_vs_base.py [--base COMMIT] [--also COMMIT ...] [--texts 3000] [--runs 3] [--out FILE]

The texts are the first ``--texts`` files of ``make bench``'s corpus
(``bench/corpus/throughput/t10000-h1000-s100000/text``, made by ``bench/throughput.py``).
"""

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "bench" / "corpus" / "throughput" / "t10000-h1000-s100000" / "text"
RESULTS = ROOT / "bench" / "results" / "cost_vs_base.md"
CLEANPIPE = Path(sys.executable).with_name("cleanpipe")


def worktree(commit: str) -> Path:
    """A worktree of ``commit`` under the temp folder, made once."""
    sha = subprocess.run(["git", "rev-parse", commit], cwd=ROOT, check=True, capture_output=True, text=True).stdout.strip()
    path = Path(tempfile.gettempdir()) / f"cleanpipe-base-{sha[:12]}"
    if not (path / "src" / "cleanpipe").is_dir():
        subprocess.run(["git", "worktree", "add", "-f", "--detach", str(path), sha], cwd=ROOT, check=True, capture_output=True)
    return path


def sample(texts: int, into: Path) -> int:
    """Copy the first ``texts`` corpus files into ``into``; how many there were."""
    files = sorted(p for p in CORPUS.rglob("*") if p.is_file())[:texts]
    if not files:
        sys.exit(f"no corpus at {CORPUS}: run `python bench/throughput.py` once to make it")
    into.mkdir(parents=True)
    for number, path in enumerate(files):
        shutil.copyfile(path, into / f"{number:06d}{path.suffix}")
    return len(files)


def timed_run(raw: Path, src: Path | None, scratch: Path) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one whole ``cleanpipe run --no-prefect`` into a fresh folder."""
    out = scratch / "out"
    shutil.rmtree(out, ignore_errors=True)
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = str(src)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([str(CLEANPIPE), "run", str(raw), str(out), "--no-prefect"], check=True, env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="8b25263^", help="the commit to compare against (default: before issue 11's work)")
    parser.add_argument("--texts", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--also", action="append", default=[], metavar="COMMIT",
                        help="another earlier commit to time in the same rotation (repeatable), e.g. a session's start")
    parser.add_argument("--out", type=Path, default=RESULTS, help="the results file (default: bench/results/cost_vs_base.md)")
    args = parser.parse_args()
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, check=True, capture_output=True, text=True).stdout.strip()
    sources = {"base": worktree(args.base) / "src", **{commit: worktree(commit) / "src" for commit in args.also}, "now": None}
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        count = sample(args.texts, scratch / "raw")
        runs: dict[str, list[tuple[float, float]]] = {key: [] for key in sources}
        for _ in range(args.runs):  # in turn, so all see the same load
            for key, src in sources.items():
                runs[key].append(timed_run(scratch / "raw", src, scratch))
    cpu = {k: statistics.median(c for c, _ in v) for k, v in runs.items()}
    fastest = {k: min(c for c, _ in v) for k, v in runs.items()}  # this machine's noise only ever adds time
    wall = {k: statistics.median(w for _, w in v) for k, v in runs.items()}
    load = os.getloadavg()[0]
    lines = [
        "# Cost per document against an earlier commit",
        "",
        f"`python bench/cost_vs_base.py --base {args.base} --texts {args.texts} --runs {args.runs}`, "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; load average {load:.1f} after.",
        f"The command: `cleanpipe run RAW OUT --no-prefect` as a whole process (start-up, cleaning, ledger, duplicates, commit), "
        f"on the first {count:,} texts of `make bench`'s corpus, {args.runs} runs each in turn; medians, and the fastest run.",
        "",
        "| code | CPU s | wall s | CPU ms per text | wall ms per text | CPU vs base | fastest CPU s | fastest vs base |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    labels = {"base": f"base ({args.base})", **{commit: commit for commit in args.also}, "now": f"now ({head})"}
    for key, label in labels.items():
        lines.append(f"| {label} | {cpu[key]:.2f} | {wall[key]:.2f} | {1000 * cpu[key] / count:.2f} | "
                     f"{1000 * wall[key] / count:.2f} | {cpu[key] / cpu['base']:.2f}x | {fastest[key]:.2f} | "
                     f"{fastest[key] / fastest['base']:.2f}x |")
    listed = {k: "; ".join(f"({c:.2f}, {w:.2f})" for c, w in v) for k, v in runs.items()}
    lines += ["", "Runs (CPU s, wall s): " + "; ".join(f"{labels[k]} {listed[k]}" for k in runs)]
    args.out.write_text("\n".join(lines) + "\n", "utf-8")
    print("\n".join(lines))
    print(f"\nwritten to {args.out}")


if __name__ == "__main__":
    main()
