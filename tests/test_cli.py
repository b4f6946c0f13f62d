import contextlib
import json
import subprocess
import sys

from cleanpipe.cli import main

from conftest import FIXTURES


def test_run_without_prefect_fills_the_clean_folder(tmp_path, capsys):
    assert main(["run", str(FIXTURES / "raw_mixed"), str(tmp_path), "--no-prefect", "--batch-files", "5"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("inputs 12: 5 articles, 7 rejected, 0 duplicates, 0 unchanged")
    assert "rejects: binary 1, empty 1, malformed_json 1" in out
    # 10 files in batches of 5: two parts each for articles and rejects, generation 1
    for folder in ("articles", "rejects"):
        assert sorted(p.name for p in (tmp_path / folder).iterdir()) == ["part-00001-00000.jsonl", "part-00001-00001.jsonl"]
    assert main(["run", str(FIXTURES / "raw_mixed"), str(tmp_path), "--no-prefect"]) == 0
    assert capsys.readouterr().out.startswith("inputs 12: 0 articles, 0 rejected, 0 duplicates, 12 unchanged")
    first, second = sorted((tmp_path / "runs").glob("*.json"), key=lambda p: p.stat().st_mtime_ns)
    assert json.loads(first.read_text())["articles"] == 5
    assert json.loads(second.read_text())["skipped_unchanged"] == 12


def test_bad_config_exits_2_with_a_message(tmp_path, capsys):
    config = tmp_path / "c.toml"
    config.write_text("min_chars = -5\n")
    assert main(["run", str(FIXTURES / "raw_mixed"), str(tmp_path / "out"), "--no-prefect", "--config", str(config)]) == 2
    assert "must not be negative" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_missing_raw_folder_exits_2(tmp_path, capsys):
    assert main(["run", str(tmp_path / "absent"), str(tmp_path / "out"), "--no-prefect"]) == 2
    assert "raw folder not found" in capsys.readouterr().err


def test_library_never_imports_prefect():
    code = (
        "import sys, pkgutil, importlib, cleanpipe\n"
        "for m in pkgutil.iter_modules(cleanpipe.__path__): importlib.import_module('cleanpipe.' + m.name)\n"
        "print(any(name == 'prefect' or name.startswith('prefect.') for name in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_runner_options_choose_the_flows_task_runner(tmp_path, capsys, monkeypatch):
    """The flags reach the flow as its task runner (the flow itself is stood in for here;
    tests/test_flows.py runs it for real on each runner)."""
    import cleanpipe_flows.clean_articles as flow_module
    from prefect_dask import DaskTaskRunner

    from cleanpipe.config import load_config
    from cleanpipe.ingest import run

    chosen = []

    class FlowStandIn:
        def with_options(self, task_runner):
            chosen.append(task_runner)
            return lambda raw, clean, config_path, batch_files: run(raw, clean, load_config(config_path, batch_files=batch_files))

    monkeypatch.setattr(flow_module, "clean_articles", FlowStandIn())
    monkeypatch.setattr("cleanpipe_flows.server.start_embedded_server", lambda: contextlib.nullcontext)  # no flow, no server
    raw = str(FIXTURES / "raw_mixed")
    assert main(["run", raw, str(tmp_path / "a"), "--dask-address", "tcp://127.0.0.1:8786"]) == 0
    assert main(["run", raw, str(tmp_path / "b"), "--runner", "threads", "--workers", "3"]) == 0
    assert isinstance(chosen[0], DaskTaskRunner) and chosen[0].address == "tcp://127.0.0.1:8786"
    assert type(chosen[1]).__name__ == "ThreadPoolTaskRunner" and chosen[1]._max_workers == 3
    assert capsys.readouterr().out.count("inputs 12: 5 articles") == 2


def test_runner_options_need_the_flow(tmp_path, capsys):
    raw = str(FIXTURES / "raw_mixed")
    assert main(["run", raw, str(tmp_path / "out"), "--no-prefect", "--dask-address", "tcp://127.0.0.1:8786"]) == 2
    assert "--no-prefect runs them in this process" in capsys.readouterr().err
    assert main(["run", raw, str(tmp_path / "out"), "--workers", "0"]) == 2
    assert not (tmp_path / "out").exists()


def test_language_profiles_load_early_only_when_the_batches_will_run_in_this_process(tmp_path):
    from cleanpipe.cli import _cleans_in_process
    from cleanpipe.config import Config

    (tmp_path / "a.txt").write_bytes(b"x" * 600)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_bytes(b"x" * 600)
    assert _cleans_in_process(str(tmp_path), Config(parallel_min_bytes=2000))
    assert not _cleans_in_process(str(tmp_path), Config(parallel_min_bytes=1000))  # the two files add up past it
    assert not _cleans_in_process(str(tmp_path), Config(parallel_min_bytes=0))  # 0: always the task runner
    assert not _cleans_in_process("s3://bucket/raw", Config())
