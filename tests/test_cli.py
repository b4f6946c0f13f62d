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
