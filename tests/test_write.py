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


def test_records_may_be_encoded_lines_and_an_iterator_is_written_as_it_yields(tmp_path):
    path = tmp_path / "part.jsonl"
    seen = []

    def records():
        for number in range(3):
            seen.append(number)
            yield {"n": number} if number % 2 else f'{{"n":{number}}}\n'.encode()

    assert write_jsonl(path, records()) == 3
    assert path.read_bytes() == b'{"n":0}\n{"n":1}\n{"n":2}\n' and seen == [0, 1, 2]


def test_no_file_is_left_for_no_records_when_empty_files_are_not_kept(tmp_path):
    assert write_jsonl(tmp_path / "a.jsonl", iter(()), keep_empty=False) == 0
    assert write_jsonl(tmp_path / "b.jsonl", iter(())) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.jsonl"]


def test_a_failing_producer_leaves_no_temporary_file(tmp_path):
    def records():
        yield {"n": 1}
        raise ValueError("the raw file vanished")

    with pytest.raises(ValueError):
        write_jsonl(tmp_path / "part.jsonl", records())
    assert list(tmp_path.iterdir()) == []
