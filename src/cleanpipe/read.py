"""Finding raw files and reading them into Documents (or Rejects), streaming JSONL."""

import errno
import gzip
import os
import zlib
from collections.abc import Iterator
from pathlib import Path

import orjson

from cleanpipe import reasons
from cleanpipe.decode import decode_bytes
from cleanpipe.document import Document, Reject
from cleanpipe.errors import Rejected, RetryIO
from cleanpipe.storage import RemotePath, raw_path

FORMATS = {".txt": "text", ".html": "html", ".htm": "html", ".jsonl": "jsonl"}

# OS errors that say "this file cannot be read" rather than "try again later".
_PERMANENT_ERRNOS = {errno.ENOENT, errno.EACCES, errno.EPERM, errno.EISDIR, errno.ENAMETOOLONG, errno.ELOOP}


def discover(raw_dir: str | Path) -> list[str]:
    """All regular files under ``raw_dir``, recursively, as sorted relative POSIX paths.

    Hidden files and folders (leading dot) are skipped: editors and sync tools keep their
    state there. Every other file is an input, including ones cleanpipe cannot read, which
    become ``unsupported`` rejects rather than vanishing silently.
    """
    root = Path(raw_dir)
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if not name.startswith("."):
                found.append((Path(folder) / name).relative_to(root).as_posix())
    return sorted(found)


def input_format(rel_path: str) -> tuple[str | None, bool]:
    """(format, gzipped) of a file by its name; format is None for unsupported files."""
    name = rel_path.lower()
    gzipped = name.endswith(".gz")
    if gzipped:
        name = name[:-3]
    return FORMATS.get(os.path.splitext(name)[1]), gzipped


def read_inputs(raw_dir: str | Path, rel_path: str, max_file_bytes: int, max_record_bytes: int) -> Iterator[Document | Reject]:
    """Yield the documents of one raw file, or Rejects for what cannot be read.

    Args:
        raw_dir: the raw folder, or a remote URL (``s3://...``: the object is streamed).
        rel_path: the file's path relative to ``raw_dir`` (as from :func:`discover`).
        max_file_bytes: limit for a whole .txt/.html file after gunzip.
        max_record_bytes: limit for one document (a file or one JSONL line).

    Raises:
        RetryIO: a transient I/O error; the caller may retry the whole batch.
    """
    fmt, gzipped = input_format(rel_path)
    if fmt is None:
        yield Reject(rel_path, reasons.UNSUPPORTED, "not .txt, .html, .htm or .jsonl (optionally .gz)")
        return
    path = raw_path(raw_dir, rel_path)
    try:
        if fmt == "jsonl":
            yield from _read_jsonl(path, rel_path, gzipped, max_record_bytes)
        else:
            data = _read_whole(path, gzipped, min(max_file_bytes, max_record_bytes))
            yield Document(source=rel_path, kind=fmt, raw=data, title_in_text=(fmt == "text"))
    except Rejected as exc:
        yield Reject(rel_path, exc.reason, exc.detail)
    except OSError as exc:
        if exc.errno in _PERMANENT_ERRNOS:
            yield Reject(rel_path, reasons.UNREADABLE, f"{type(exc).__name__}: {exc.strerror}")
        else:
            raise RetryIO(f"reading {rel_path}: {exc}") from exc


def _open(path: Path | RemotePath, gzipped: bool):
    """Open a raw file for binary reading, through gzip when it is gzipped."""
    if isinstance(path, RemotePath):
        return path.open_gzip() if gzipped else path.open("rb")
    return gzip.open(path, "rb") if gzipped else open(path, "rb")


# Reads of a gzip stream (or past a file's stated size) take this much at a time: asking
# for the whole limit at once makes Python allocate that much for every file (5 MB: ~100 us
# a 6 KB file, four times the read itself).
_READ_CHUNK = 1 << 16


def _read_whole(path: Path, gzipped: bool, limit: int) -> bytes:
    """Read a whole file, refusing more than ``limit`` bytes and damaged gzip streams."""
    first = _READ_CHUNK
    if not gzipped:
        size = path.stat().st_size
        if size > limit:
            raise Rejected(reasons.TOO_LARGE, f"{size} bytes > {limit}")
        first = size + 1  # one read to the end, and the short read that says it is the end
    try:
        with _open(path, gzipped) as handle:
            data = _read_at_most(handle, limit + 1, first)
    except _GZIP_ERRORS as exc:
        raise _gzip_rejected(exc) from exc
    if len(data) > limit:
        raise Rejected(reasons.TOO_LARGE, f"more than {limit} bytes")
    return data


def _read_at_most(handle, most: int, first: int) -> bytes:
    """Up to ``most`` bytes of ``handle`` to its end, the first read ``first`` bytes long."""
    chunks, total, size = [], 0, first
    while total < most:
        chunk = handle.read(min(size, most - total))
        chunks.append(chunk)
        total += len(chunk)
        if len(chunk) < size:
            break  # a buffered read returns less than asked only at the end of the stream
        size = _READ_CHUNK
    return b"".join(chunks)


def _read_jsonl(path: Path, rel_path: str, gzipped: bool, limit: int) -> Iterator[Document | Reject]:
    """Stream a JSONL file line by line; each line is a document or a Reject."""
    number = 0
    with _open(path, gzipped) as handle:
        while True:
            try:
                line = handle.readline(limit + 1)
            except _GZIP_ERRORS as exc:
                rejected = _gzip_rejected(exc)
                yield Reject(f"{rel_path}#{number + 1}", rejected.reason, rejected.detail)
                return
            if not line:
                return
            number += 1
            source = f"{rel_path}#{number}"
            if len(line) > limit and not line.endswith(b"\n"):
                _skip_rest_of_line(handle)
                yield Reject(source, reasons.TOO_LARGE, f"line longer than {limit} bytes")
                continue
            if not line.strip():
                continue  # blank lines separate nothing in JSONL; they are not records
            try:
                yield _record_document(source, line)
            except Rejected as exc:
                yield Reject(source, exc.reason, exc.detail)


def _skip_rest_of_line(handle) -> None:
    """Read and drop bytes up to the next newline."""
    while True:
        chunk = handle.readline(1 << 20)
        if not chunk or chunk.endswith(b"\n"):
            return


def _record_document(source: str, line: bytes) -> Document:
    """Turn one JSONL line into a Document."""
    try:
        record = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        if b"\x00" in line or not line.rstrip().endswith(b"}"):
            detail = f"{exc.msg} (line cut short?)" if not line.endswith(b"\n") else exc.msg
            raise Rejected(reasons.MALFORMED_JSON, detail) from exc
        # JSON must be UTF-8, but feeds written in a legacy code page still exist.
        text, _ = decode_bytes(line)
        try:
            record = orjson.loads(text)
        except orjson.JSONDecodeError as exc2:
            raise Rejected(reasons.MALFORMED_JSON, exc2.msg) from exc2
    if not isinstance(record, dict):
        raise Rejected(reasons.MALFORMED_JSON, f"a JSON {type(record).__name__}, not an object")
    text, html = record.get("text"), record.get("html")
    # A producer's own text wins: it chose what the article is; html is extracted here.
    if isinstance(text, str) and text.strip():
        kind, body = "text", text
    elif isinstance(html, str) and html.strip():
        kind, body = "html", html
    else:
        raise Rejected(reasons.MISSING_TEXT, "no non-empty string `text` or `html` field")
    return Document(
        source=source,
        kind=kind,
        text=body,
        title=_optional_str(record.get("title")),
        url=_optional_str(record.get("url")),
        published=_optional_str(record.get("published")),
        source_id=_optional_str(record.get("id")),
    )


def _optional_str(value) -> str | None:
    """A metadata value as a string, or None when absent or empty."""
    if value is None or isinstance(value, (dict, list)):
        return None
    value = str(value).strip()
    return value or None


_GZIP_ERRORS = (EOFError, gzip.BadGzipFile, zlib.error)


def _gzip_rejected(exc: Exception) -> Rejected:
    """The reject for a damaged gzip stream: cut short, or not gzip at all."""
    if isinstance(exc, EOFError):
        return Rejected(reasons.TRUNCATED, "gzip stream ends before its end marker")
    return Rejected(reasons.CORRUPT, f"not a valid gzip stream: {exc}")
