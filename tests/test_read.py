import gzip
import json

import pytest

from cleanpipe import reasons
from cleanpipe.document import Document, Reject
from cleanpipe.errors import RetryIO
from cleanpipe.read import discover, input_format, read_inputs

BIG = 10**7


def read_all(folder, rel, max_file=BIG, max_record=BIG):
    return list(read_inputs(folder, rel, max_file, max_record))


def test_discover_is_recursive_sorted_and_skips_hidden(tmp_path):
    for rel in ["b.txt", "a/z.html", "a/b/c.jsonl.gz", ".hidden.txt", ".git/x.txt", "notes.md"]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x")
    assert discover(tmp_path) == ["a/b/c.jsonl.gz", "a/z.html", "b.txt", "notes.md"]


@pytest.mark.parametrize(
    "name, expected",
    [("a.txt", ("text", False)), ("a.HTM", ("html", False)), ("x/a.html.gz", ("html", True)),
     ("a.jsonl.gz", ("jsonl", True)), ("a.md", (None, False)), ("a.gz", (None, True))],
)
def test_input_format(name, expected):
    assert input_format(name) == expected


def test_text_file_becomes_a_document_with_title_in_text(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"Title\n\nBody")
    [doc] = read_all(tmp_path, "a.txt")
    assert isinstance(doc, Document)
    assert (doc.source, doc.kind, doc.raw, doc.title_in_text) == ("a.txt", "text", b"Title\n\nBody", True)


def test_gzipped_text(tmp_path):
    (tmp_path / "a.txt.gz").write_bytes(gzip.compress(b"Title\nBody"))
    [doc] = read_all(tmp_path, "a.txt.gz")
    assert doc.raw == b"Title\nBody"


@pytest.mark.parametrize("size", [0, 1, 65535, 65536, 65537, 3 * 65536 + 7])
def test_whole_files_are_read_to_the_last_byte_across_read_sizes(tmp_path, size):
    body = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
    (tmp_path / "a.html").write_bytes(body)
    (tmp_path / "b.html.gz").write_bytes(gzip.compress(body))
    assert [d.raw for d in read_all(tmp_path, "a.html") + read_all(tmp_path, "b.html.gz")] == [body, body]
    # one byte over the limit, whichever read reaches it, is too large; exactly the limit is not
    for name in ("a.html", "b.html.gz"):
        if size:
            assert read_all(tmp_path, name, max_file=size - 1)[0].reason == reasons.TOO_LARGE
        assert read_all(tmp_path, name, max_file=size)[0].raw == body


def test_truncated_gzip_is_rejected(tmp_path):
    (tmp_path / "a.txt.gz").write_bytes(gzip.compress(b"Title\nBody " * 500)[:-30])
    [reject] = read_all(tmp_path, "a.txt.gz")
    assert reject == Reject("a.txt.gz", reasons.TRUNCATED, reject.detail)


def test_not_really_gzip_is_corrupt(tmp_path):
    (tmp_path / "a.html.gz").write_bytes(b"<html>plain</html>")
    [reject] = read_all(tmp_path, "a.html.gz")
    assert reject.reason == reasons.CORRUPT


def test_unsupported_extension_is_a_reject_not_silence(tmp_path):
    (tmp_path / "a.pdf").write_bytes(b"%PDF")
    assert read_all(tmp_path, "a.pdf")[0].reason == reasons.UNSUPPORTED


def test_too_large_file(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"x" * 101)
    assert read_all(tmp_path, "a.txt", max_file=100)[0].reason == reasons.TOO_LARGE
    (tmp_path / "b.txt.gz").write_bytes(gzip.compress(b"x" * 101))  # a gzip bomb in miniature
    assert read_all(tmp_path, "b.txt.gz", max_file=100)[0].reason == reasons.TOO_LARGE


def test_vanished_file_is_unreadable(tmp_path):
    assert read_all(tmp_path, "gone.txt")[0].reason == reasons.UNREADABLE


def test_transient_io_error_asks_for_a_retry(tmp_path, monkeypatch):
    (tmp_path / "a.txt").write_bytes(b"x")

    def broken_open(*args, **kwargs):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr("builtins.open", broken_open)
    with pytest.raises(RetryIO):
        read_all(tmp_path, "a.txt")


def write_jsonl(path, lines):
    path.write_bytes(b"".join(lines))


def test_jsonl_records_bad_lines_and_sources(tmp_path):
    good = {"id": 7, "title": "T", "text": "Body", "url": "https://x.example/a", "published": "2024-01-02"}
    write_jsonl(
        tmp_path / "feed.jsonl",
        [
            json.dumps(good).encode() + b"\n",
            b"\n",  # blank lines are not records
            b"{not json\n",
            b"[1, 2]\n",
            json.dumps({"title": "no body", "text": "  "}).encode() + b"\n",
            json.dumps({"html": "<p>Hi</p>"}).encode() + b"\n",
            json.dumps({"text": "Caf\u00e9 cr\u00e8me"}, ensure_ascii=False).encode("cp1252") + b"\n",
            b'{"text": "cut sho',
        ],
    )
    items = read_all(tmp_path, "feed.jsonl")
    assert [i.source for i in items] == [f"feed.jsonl#{n}" for n in (1, 3, 4, 5, 6, 7, 8)]
    doc = items[0]
    assert (doc.kind, doc.text, doc.title, doc.url, doc.published, doc.source_id) == (
        "text", "Body", "T", "https://x.example/a", "2024-01-02", "7")
    assert [getattr(i, "reason", None) for i in items[1:]] == [
        reasons.MALFORMED_JSON, reasons.MALFORMED_JSON, reasons.MISSING_TEXT, None, None, reasons.MALFORMED_JSON]
    assert items[4].kind == "html"
    assert items[5].text == "Café crème"  # a legacy code-page line still reads
    assert "cut short" in items[6].detail


def test_jsonl_overlong_line_is_rejected_and_reading_goes_on(tmp_path):
    long_line = json.dumps({"text": "x" * 500}).encode() + b"\n"
    write_jsonl(tmp_path / "f.jsonl", [long_line, b'{"text": "ok"}\n'])
    items = read_all(tmp_path, "f.jsonl", max_record=100)
    assert items[0].reason == reasons.TOO_LARGE and items[0].source == "f.jsonl#1"
    assert items[1].text == "ok" and items[1].source == "f.jsonl#2"


def test_truncated_gzipped_jsonl_keeps_whole_lines_and_rejects_the_rest(tmp_path):
    lines = b"".join(json.dumps({"text": f"story {n} " * 40}).encode() + b"\n" for n in range(50))
    (tmp_path / "f.jsonl.gz").write_bytes(gzip.compress(lines)[:-200])
    items = read_all(tmp_path, "f.jsonl.gz")
    assert items[-1].reason == reasons.TRUNCATED
    assert all(isinstance(i, Document) for i in items[:-1])
    assert items[-1].source == f"f.jsonl.gz#{len(items)}"
