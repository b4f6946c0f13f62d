"""Atomic JSONL output: write under a temporary name, flush to disk, rename into place."""

import os
from collections.abc import Iterable
from pathlib import Path

import orjson

from cleanpipe.errors import RetryIO


def write_jsonl(path: str | Path, records: Iterable[dict | bytes], keep_empty: bool = True) -> int:
    """Write ``records`` as UTF-8 JSONL to ``path`` atomically; return the record count.

    Readers see either the old file or the whole new one, never a partial line: the data
    goes to a hidden temporary file in the same folder, is fsynced, then renamed.

    Args:
        path: the file to write.
        records: dicts, or lines already encoded (JSON bytes ending in a newline); an
            iterator is written as it yields, so a large part is never held whole.
        keep_empty: with False, no file is left when there was no record.

    Raises:
        RetryIO: the write failed (full disk, vanished folder); nothing was left behind.
    """
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    count = 0
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as handle:
            for record in records:
                handle.write(record if isinstance(record, bytes) else orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE))
                count += 1
            if count == 0 and not keep_empty:
                handle.close()
                tmp.unlink()
                return 0
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise RetryIO(f"writing {path}: {exc}") from exc
    except BaseException:  # the records' own producer failed (a raw file became unreadable): leave nothing
        tmp.unlink(missing_ok=True)
        raise
    return count


def write_json(path: str | Path, value: dict) -> None:
    """Write one JSON document (indented, for people) atomically."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE))
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise RetryIO(f"writing {path}: {exc}") from exc
