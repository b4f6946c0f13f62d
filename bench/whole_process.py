"""What the user runs, timed as a whole process: start-up, orchestration and exit included (issue 13).

    python bench/throughput.py --whole-only                                     # these rows, make bench's sizes
    python bench/throughput.py --whole-only --texts 1000 --html 200 --scale 0   # a quick look

Each row runs its commands as fresh processes, each into a fresh output folder, in turn
(A B C, A B C, ...: a machine whose speed drifts slows all three alike), and times each
from start to exit:

- ``cleanpipe run RAW OUT``: the default, through Prefect's embedded server;
- ``cleanpipe run RAW OUT --no-prefect``;
- the baseline. Text: the naive composition of the same libraries
  (``python bench/throughput.py --naive-only RAW OUT --sample N``) on N evenly spaced
  documents, since it runs at 10-50 docs/s; its time is projected to the row's documents
  as its start-up plus that many times its time per document. HTML:
  ``python bench/throughput.py --extract-only RAW``, ``trafilatura.extract`` alone on
  every page.

Docs/s per core divides by the cores the command may use: every core of the machine for
``cleanpipe run`` (its workers, and the Prefect server, take the second one), one for a
baseline, which is a single process. Peak RSS is given twice: the largest single process
(the kernel's own figure, from ``wait4``, as ``/usr/bin/time -v`` reports it) and the whole
process tree (the Prefect server and the workers are processes of their own), sampled every
0.1 s as the sum of the processes' RSS (pages they share are counted in each).

Where the wall time goes comes from the run summary (``runs/<id>.json``): ``phase_seconds``
(plan, batches, duplicates, commit) and ``finished_at``. Start-up is what came before the
run's clock started (interpreter, imports; for the default command Prefect's server and the
flow run); "summary and exit" is what came after the commit (the summary, Prefect's artifact
and flow-run end, the server's shutdown, the interpreter's exit).
"""

import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil  # installed with distributed (prefect-dask)

HERE = Path(__file__).resolve().parent
THROUGHPUT = HERE / "throughput.py"
RESULTS = HERE / "results" / "whole_process.md"
CLEANPIPE = Path(sys.executable).parent / "cleanpipe"
# A Prefect home of the bench's own (as prefect_runner_bench.py): the shared one may be busy.
PREFECT_HOME = HERE / "corpus" / "prefect-home"
RSS_SAMPLE_SECONDS = 0.1
MB = 2**20

# Goals of issue 13: docs/s per core for the default command at these sizes, memory, HTML.
TEXT_GOALS = {10_000: 500, 100_000: 600}
RSS_GOAL_MB = 400
HTML_GOAL = 1.2


# --- one process ------------------------------------------------------------------------

@dataclass
class Timed:
    """One finished process: wall clock, CPU, peak memory, what it printed and wrote."""

    argv: list[str]
    started_at: float  # Unix seconds
    wall: float
    cpu: float  # user + system of the process and the children it waited for
    rss_mb: float  # largest single process
    tree_mb: float  # whole tree, sampled
    returncode: int
    output: str
    summary: dict = field(default_factory=dict)  # cleanpipe's run summary, if any

    @property
    def ended_at(self) -> float:
        """Unix seconds at exit."""
        return self.started_at + self.wall


def _tree_rss_mb(root: psutil.Process) -> float:
    """Resident memory of a process and all its descendants, summed, in MB."""
    total = 0
    for process in [root, *root.children(recursive=True)]:
        try:
            total += process.memory_info().rss
        except psutil.Error:  # it exited between the listing and the read
            pass
    return total / MB


def _sample_tree(pid: int, done: threading.Event, peak: list[float]) -> None:
    """Keep the largest tree RSS of ``pid`` in ``peak[0]`` until ``done`` is set."""
    try:
        root = psutil.Process(pid)
        while not done.wait(RSS_SAMPLE_SECONDS):
            peak[0] = max(peak[0], _tree_rss_mb(root))
    except psutil.Error:  # the process is gone
        pass


def time_process(argv: list[str], env: dict, log: Path) -> Timed:
    """Run ``argv`` to its exit, its output to ``log``; wall clock from start to exit."""
    peak, done = [0.0], threading.Event()
    with open(log, "wb") as out:
        started_at, started = time.time(), time.perf_counter()
        process = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, env=env)
        sampler = threading.Thread(target=_sample_tree, args=(process.pid, done, peak), daemon=True)
        sampler.start()
        # wait4, not Popen.wait: it also returns the kernel's rusage of the process (and the
        # children it waited for), whose ru_maxrss is the peak of the largest single process.
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)  # reaped above: tell Popen
    done.set()
    sampler.join()
    return Timed(argv, started_at, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024,
                 max(peak[0], usage.ru_maxrss / 1024), process.returncode, log.read_text(errors="replace"))


def run_summary(out_dir: Path) -> dict:
    """The summary ``cleanpipe run`` wrote under ``out_dir/runs/`` (the folder is fresh: one)."""
    found = sorted((out_dir / "runs").glob("*.json"))
    return json.loads(found[-1].read_text()) if found else {}


def last_json_line(text: str) -> dict:
    """The last line of a baseline's output, which is JSON."""
    return json.loads(text.strip().splitlines()[-1])


# --- commands ---------------------------------------------------------------------------

def bench_env() -> dict:
    """The environment of every timed command: the user's, with the bench's Prefect home and no API URL."""
    env = {key: value for key, value in os.environ.items() if key != "PREFECT_API_URL"}
    env["PREFECT_HOME"] = str(PREFECT_HOME)
    return env


def cleanpipe_argv(raw: Path, out: Path, prefect: bool) -> list[str]:
    """``cleanpipe run RAW OUT``, by default or with ``--no-prefect``."""
    return [str(CLEANPIPE), "run", str(raw), str(out)] + ([] if prefect else ["--no-prefect"])


def naive_argv(raw: Path, out: Path, sample: int) -> list[str]:
    """The naive baseline as a process of its own, on ``sample`` evenly spaced documents."""
    return [sys.executable, str(THROUGHPUT), "--naive-only", str(raw), str(out), "--sample", str(sample)]


def extract_argv(raw: Path, out: Path, sample: int) -> list[str]:
    """``trafilatura.extract`` alone over every page of ``raw`` (``out`` and ``sample`` unused)."""
    return [sys.executable, str(THROUGHPUT), "--extract-only", str(raw)]


@dataclass
class Row:
    """One input folder and what runs on it."""

    kind: str  # text, jsonl, html
    raw: Path
    docs: int
    runs: int
    baseline: str  # naive or extract


def measure(row: Row, tmp: Path, naive_sample: int) -> dict[str, list[Timed]]:
    """``row.runs`` rounds of default, --no-prefect and baseline, in turn; each output folder removed after."""
    commands = {
        "default": lambda out: cleanpipe_argv(row.raw, out, prefect=True),
        "no-prefect": lambda out: cleanpipe_argv(row.raw, out, prefect=False),
        "baseline": lambda out: (naive_argv if row.baseline == "naive" else extract_argv)(row.raw, out, naive_sample),
    }
    results: dict[str, list[Timed]] = {name: [] for name in commands}
    env = bench_env()
    for number in range(row.runs):
        for name, argv in commands.items():
            out = tmp / f"{row.kind}-{row.docs}-{name}-{number}"
            timed = time_process(argv(out), env, tmp / f"{out.name}.log")
            if timed.returncode != 0:
                raise RuntimeError(f"{' '.join(timed.argv)} exited {timed.returncode}:\n{timed.output[-2000:]}")
            timed.summary = run_summary(out)
            shutil.rmtree(out, ignore_errors=True)  # 100k documents' output is ~0.5 GB
            results[name].append(timed)
            print(f"  {row.kind} {row.docs:,} {name} #{number + 1}: {timed.wall:.1f} s, {timed.rss_mb:.0f} MB"
                  f" (tree {timed.tree_mb:.0f} MB)", flush=True)
    return results


def warm_up(raw: Path, tmp: Path) -> None:
    """One untimed default run: builds the Prefect home's database, as ``make run`` does at set-up."""
    out = tmp / "warm-up"
    timed = time_process(cleanpipe_argv(raw, out, prefect=True), bench_env(), tmp / "warm-up.log")
    if timed.returncode != 0:
        raise RuntimeError(f"warm-up run failed ({timed.returncode}):\n{timed.output[-2000:]}")
    shutil.rmtree(out, ignore_errors=True)
    print(f"warm-up (Prefect home {PREFECT_HOME}): {timed.wall:.1f} s", flush=True)


# --- figures ----------------------------------------------------------------------------

def docs_of(timed: Timed, row: Row) -> int:
    """Documents a cleanpipe run saw (its summary), else the row's."""
    return timed.summary.get("inputs_seen", row.docs)


def baseline_seconds(timed: Timed, row: Row) -> float:
    """A baseline's wall time for the row's documents: as run, or projected from the naive's sample."""
    if row.baseline != "naive":
        return timed.wall
    printed = last_json_line(timed.output)
    start_up = printed["loop_started_at"] - timed.started_at
    per_doc = (timed.ended_at - printed["loop_started_at"]) / printed["docs"]
    return start_up + row.docs * per_doc


def per_core(docs: int, seconds: float, cores: int) -> float:
    """Docs per second per core."""
    return docs / seconds / cores


def phases(timed: Timed) -> dict[str, float]:
    """Where one cleanpipe run's wall time went, from its summary; the parts add up to the wall time."""
    summary = timed.summary
    run = summary["phase_seconds"]
    run_started = summary["finished_at"] - sum(run.values())
    return {
        "start-up": run_started - timed.started_at,
        **run,
        "summary and exit": timed.ended_at - summary["finished_at"],
        "in stages (CPU-s, all processes)": sum(summary["stage_seconds"].values()),
    }


def median_run(runs: list[Timed]) -> Timed:
    """The run with the median wall time (the lower one of an even count)."""
    return sorted(runs, key=lambda t: t.wall)[(len(runs) - 1) // 2]


def spread(values: list[float]) -> str:
    """min / median / max."""
    return f"{min(values):.1f} / {statistics.median(values):.1f} / {max(values):.1f}"


def row_figures(row: Row, results: dict[str, list[Timed]], cores: int, naive_sample: int) -> list[dict]:
    """The table's lines for one row: the two cleanpipe commands, then the baseline."""
    base_seconds = [baseline_seconds(t, row) for t in results["baseline"]]
    lines = []
    for name in ("default", "no-prefect"):
        runs = results[name]
        rates = [per_core(docs_of(t, row), t.wall, cores) for t in runs]
        if row.baseline == "naive":  # per core against per core, run by run (the baseline is one process)
            ratios = [rate / per_core(row.docs, base, 1) for rate, base in zip(rates, base_seconds)]
        else:  # core-seconds of cleanpipe over those of extract alone: <= 1.2 is the goal
            ratios = [t.wall * cores / base for t, base in zip(runs, base_seconds)]
        lines.append({"row": row, "name": name, "argv": runs[0].argv, "docs": docs_of(runs[0], row), "walls": [t.wall for t in runs],
                      "rate": statistics.median(rates), "cpu": statistics.median([t.cpu / t.wall for t in runs]),
                      "rss": max(t.rss_mb for t in runs), "tree": max(t.tree_mb for t in runs),
                      "ratio": statistics.median(ratios), "wall_ratio": statistics.median(
                          [t.wall / base for t, base in zip(runs, base_seconds)]),
                      "phases": phases(median_run(runs))})
    base = results["baseline"]
    note = (f"naive, {last_json_line(base[0].output)['docs']:,} evenly spaced documents, projected to {row.docs:,}"
            if row.baseline == "naive" else "trafilatura.extract alone")
    lines.append({"row": row, "name": note, "argv": base[0].argv, "docs": row.docs, "walls": base_seconds,
                  "rate": statistics.median([per_core(row.docs, s, 1) for s in base_seconds]),
                  "cpu": statistics.median([t.cpu / t.wall for t in base]), "rss": max(t.rss_mb for t in base),
                  "tree": max(t.tree_mb for t in base), "ratio": None, "wall_ratio": None, "phases": None})
    return lines


def goal_cells(line: dict) -> list[str]:
    """The goal columns for one line: met or not, blank where the goal does not apply."""
    row, cleanpipe = line["row"], line["phases"] is not None
    default = cleanpipe and line["name"] == "default"
    cells = []
    for size, goal in TEXT_GOALS.items():
        applies = default and row.kind in ("text", "jsonl") and line["docs"] == size
        cells.append(_met(line["rate"] >= goal) if applies else "")
    if cleanpipe:
        cells.append(f"{_met(line['rss'] < RSS_GOAL_MB)} (tree: {_met(line['tree'] < RSS_GOAL_MB)})")
    else:
        cells.append("")
    cells.append(_met(line["ratio"] <= HTML_GOAL) if default and row.kind == "html" else "")
    return cells


def _met(ok: bool) -> str:
    """A goal cell."""
    return "yes" if ok else "**no**"


# --- the whole of it --------------------------------------------------------------------

def whole_process_rows(rows: list[Row], tmp: Path, naive_sample: int) -> list[dict]:
    """Warm up, measure every row, return the table's lines."""
    cores = os.cpu_count() or 1
    warm_up(rows[0].raw, tmp)
    lines = []
    for row in rows:
        print(f"whole process: {row.kind}, {row.docs:,} documents, {row.runs} runs", flush=True)
        lines += row_figures(row, measure(row, tmp, naive_sample), cores, naive_sample)
    return lines


def render(lines: list[dict], heading: str) -> str:
    """The results as Markdown: the table with the goals as columns, then where the time goes."""
    cores = os.cpu_count() or 1
    goals = [f">= {goal} docs/s per core, {size // 1000}k" for size, goal in TEXT_GOALS.items()]
    goals += [f"RSS < {RSS_GOAL_MB} MB", f"HTML <= {HTML_GOAL}x extract"]
    out = [
        "# Whole process: what the user runs",
        "",
        heading,
        "",
        "Each command is a fresh process into a fresh output folder, timed from start to exit (imports, Prefect's"
        f" embedded server, worker processes and exit included), its runs in turn with the other two of its input."
        f" Docs/s per core: wall clock, divided by the {cores} cores of the machine for cleanpipe, by 1 for a baseline"
        " (one process). vs baseline: text, cleanpipe's docs/s per core over the naive's, median of the run-by-run"
        f" ratios; HTML, cleanpipe's core-seconds (wall x {cores}) over extract's seconds (the goal), and in brackets"
        " the wall-clock ratio. The naive baseline ran on a sample (it runs at 10-50 docs/s) and is reported per"
        " document: its start-up plus the row's documents times its seconds per document. RSS: largest single"
        " process; tree = the sum over the process tree (Prefect server, workers), sampled every 0.1 s.",
        "",
        "| input | command | docs | runs | wall s min / median / max | docs/s per core | CPU (cores busy) |"
        " peak RSS MB (tree) | vs baseline | " + " | ".join(goals) + " |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|" + "---|" * len(goals),
    ]
    for line in lines:
        row = line["row"]
        if line["ratio"] is None:
            versus = ""
        elif row.baseline == "naive":
            versus = f"{line['ratio']:.2f}x"
        else:
            versus = f"{line['ratio']:.2f}x ({line['wall_ratio']:.2f}x wall)"
        out.append(f"| {row.kind} | {_command(line)} | {line['docs']:,} | {len(line['walls'])} | {spread(line['walls'])} |"
                   f" {line['rate']:.0f} | {line['cpu']:.2f} | {line['rss']:.0f} ({line['tree']:.0f}) | {versus} | "
                   + " | ".join(goal_cells(line)) + " |")
    names = ["start-up", "plan", "batches", "duplicates", "commit", "summary and exit"]
    out += ["", "Where the wall time goes (seconds; the median run of each command; the parts add up to its wall time)."
            " Batches: cleaning, and under Prefect its task runs and worker processes; in stages: the CPU-seconds"
            " spent in the cleaning stages, summed over processes.", "",
            "| input | command | wall | " + " | ".join(names) + " | in stages |", "|---|---|" + "---:|" * (len(names) + 2)]
    for line in lines:
        if line["phases"] is None:
            continue
        wall = sum(line["phases"][name] for name in names)
        out.append(f"| {line['row'].kind} {line['docs']:,} | {line['name']} | {wall:.1f} | "
                   + " | ".join(f"{line['phases'][name]:.1f}" for name in names)
                   + f" | {line['phases']['in stages (CPU-s, all processes)']:.1f} |")
    out += ["", "Prefect's own start-up (default minus --no-prefect start-up, median runs): "
            + ", ".join(f"{line['row'].kind} {line['docs']:,}: {line['phases']['start-up'] - other['phases']['start-up']:.1f} s"
                        for line, other in zip(lines, lines[1:]) if line["name"] == "default" and other["name"] == "no-prefect"),
            "", "Command lines (RAW is the input's folder under `bench/corpus/`, OUT a fresh folder per run):", ""]
    out += sorted({f"- `{_command_line(line)}`" for line in lines})
    out += ["", "To check a row from outside, time its command line with `/usr/bin/time -v` (from the checkout, with"
            " `PREFECT_HOME=bench/corpus/prefect-home` and a fresh OUT per run): its wall clock is the wall time here,"
            " its maximum resident set size the RSS outside the brackets."]
    return "\n".join(out) + "\n"


def _command(line: dict) -> str:
    """The command column."""
    if line["phases"] is None:
        return line["name"]
    return "`cleanpipe run`" if line["name"] == "default" else "`cleanpipe run --no-prefect`"


def _command_line(line: dict) -> str:
    """A timed command line with the folders named generically."""
    raw, words = str(line["row"].raw), []
    for word in line["argv"]:
        if word == raw:
            words.append("RAW")
        elif word.startswith("/tmp") or "cleanpipe-bench-" in word:
            words.append("OUT")
        elif word == sys.executable:
            words.append(".venv/bin/python")
        elif word.startswith(str(HERE)):
            words.append("bench/" + Path(word).name)
        elif word == str(CLEANPIPE):
            words.append(".venv/bin/cleanpipe")
        else:
            words.append(word)
    return " ".join(words)
