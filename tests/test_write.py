import json

import pytest

from cleanpipe.errors import RetryIO
from cleanpipe.write import write_json, write_jsonl


def test_jsonl_is_utf8_one_object_per_line_and_atomic(tmp_path):
    target = tmp_path / "out" / "part.jsonl"
    records = [{"text": "Grüße “quoted”\nnew line"}, {"n": 2}]
    assert write_jsonl(target, records) == 2
    raw = target.read_bytes()
    assert "Grüße “quoted”".encode() in raw  # not ASCII-escaped
    assert [json.loads(line) for line in raw.decode().splitlines()] == records
    assert raw.endswith(b"\n")
    assert [p.name for p in target.parent.iterdir()] == ["part.jsonl"]  # no temporary left


def test_failed_write_leaves_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "part.jsonl"
    target.write_text('{"old": 1}\n')

    def records():
        yield {"new": 1}
        raise OSError(28, "No space left on device")

    with pytest.raises(RetryIO):
        write_jsonl(target, records())
    assert target.read_text() == '{"old": 1}\n'
    assert [p.name for p in tmp_path.iterdir()] == ["part.jsonl"]


def test_write_json(tmp_path):
    write_json(tmp_path / "runs" / "r.json", {"a": 1, "ü": "ß"})
    assert json.loads((tmp_path / "runs" / "r.json").read_text("utf-8")) == {"a": 1, "ü": "ß"}
