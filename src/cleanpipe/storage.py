"""Raw and clean locations on object stores (``s3://``, ``gs://``, any fsspec URL) as well as folders.

Object stores have no rename and no lock, but a single-object PUT is atomic: readers see the
old object or the whole new one. So the run's proven local machinery (``cleanpipe.ingest``:
lock, plan, staged batches, one commit point) is kept as it is, and this module adds:

- **Raw side, read in place.** A remote raw location is listed once with fsspec (one LIST
  call per 1,000 objects) and each object's size, modification time and ETag make its
  change stamp, so an unchanged tree is still a no-op without reading a byte. Batches read
  their objects as streams (:class:`RemotePath`): nothing is copied to local disk, and a
  batch can run wherever the store is reachable.
- **Clean side, a local workspace synced at three points** (:class:`Workspace`):

  1. :meth:`Workspace.pull_state` downloads ``state/`` (HEAD, plan, ledger and duplicate-index
     segments: small) into a local folder; the run works there as on any folder.
  2. :meth:`Workspace.push_plan` uploads ``state/plan.json`` as soon as it is written, before
     any part. A run that dies is resumed from that plan by the next one, wherever it runs,
     so a generation's part names never depend on what landed in ``raw/`` in between.
  3. :meth:`Workspace.publish` uploads, after the local commit, the parts, then the state
     segments, then ``state/HEAD`` (the commit point, last), then the run summary, and last
     removes state objects that are gone locally (the finished plan). A reader never sees
     HEAD name a generation whose parts are missing; parts of a generation above HEAD belong
     to an unfinished run, which rewrites them byte for byte.

Local paths and ``file://`` URLs bypass all of this: the run writes in place, as before.

One run at a time: the lock file only guards the local workspace. On an object store the
guarantee comes from the deployment (a Prefect concurrency limit of 1; see the README).

Credentials and endpoints come from the store's usual configuration (``AWS_*`` variables
and profiles, ``AWS_ENDPOINT_URL_S3`` for S3-compatible servers, Google application
default credentials) or fsspec's (``FSSPEC_S3_*`` variables).
"""

import errno
import gzip
import hashlib
import io
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import orjson

from cleanpipe.errors import AbortRun, RetryIO

# The layout of a clean folder, shared by the run (cleanpipe.ingest) and the sync here.
ARTICLES_DIR, REJECTS_DIR, RUNS_DIR, STATE_DIR, STAGING_DIR = "articles", "rejects", "runs", "state", "staging"
LOCK_FILE, HEAD_FILE, PLAN_FILE = ".lock", "HEAD", "plan.json"

# What pull_state downloaded (state file -> [size, mtime_ns] after download), in the
# workspace root: publish uploads exactly the state files the run wrote since.
PULLED_MANIFEST = ".pulled-state.json"

# State files a run rewrites in place; the others (ledger and dedupe segments) are written
# once per generation, so a local copy of the same size is the same file.
_MUTABLE_STATE = {HEAD_FILE, PLAN_FILE}

_LOCAL_PROTOCOLS = {"file", "local"}
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def is_remote(location: str | Path) -> bool:
    """True for a URL with a protocol other than ``file://`` (``s3://``, ``gs://``, ``memory://``...)."""
    if isinstance(location, Path):
        return False
    protocol, sep, _ = str(location).partition("://")
    return bool(sep) and protocol.lower() not in _LOCAL_PROTOCOLS


def local_path(location: str | Path) -> Path:
    """A local folder given as a path or a ``file://`` URL, as a Path."""
    if isinstance(location, Path):
        return location
    protocol, sep, rest = location.partition("://")
    return Path(rest) if sep and protocol.lower() in _LOCAL_PROTOCOLS else Path(location)


def _filesystem(url: str):
    """(fsspec file system, root path without trailing slash) of a remote URL."""
    import fsspec  # only remote locations need it

    try:
        fs, root = fsspec.core.url_to_fs(url)
    except (ImportError, ValueError) as exc:  # no s3fs/gcsfs installed, unknown protocol
        raise AbortRun(f"cannot open {url}: {exc} (install cleanpipe[s3] or cleanpipe[gcs])") from exc
    return fs, root.rstrip("/")


def _os_error(exc: BaseException, what: str) -> OSError:
    """An fsspec failure as an OSError with an errno, so callers can tell permanent from transient.

    Store clients raise FileNotFoundError/PermissionError without an errno, and network
    failures as their own exception types; the latter become EIO (transient: retry).
    """
    if isinstance(exc, FileNotFoundError):
        return exc if exc.errno else FileNotFoundError(errno.ENOENT, f"{what}: {exc}")
    if isinstance(exc, PermissionError):
        return exc if exc.errno else PermissionError(errno.EACCES, f"{what}: {exc}")
    if isinstance(exc, OSError) and exc.errno:
        return exc
    return OSError(errno.EIO, f"{what}: {type(exc).__name__}: {exc}")


# --- raw side -----------------------------------------------------------------------

def remote_raw_files(url: str) -> list[tuple[str, dict]]:
    """Every object under a remote raw location with its change stamp, sorted by relative path.

    Same rules as :func:`cleanpipe.read.discover`: relative POSIX paths, anything under a
    hidden (dot) name skipped. The stamp is ``{size, mtime_ns}`` plus ``etag`` when the store
    has one: S3's LastModified has one-second resolution, and the ETag catches a same-size
    rewrite within that second.

    Raises:
        AbortRun: the location (or its bucket) does not exist.
        RetryIO: listing failed in a way worth retrying.
    """
    fs, root = _filesystem(url)
    try:
        fs.invalidate_cache(root)  # another writer may have changed the tree since we last looked
        found = fs.find(root, detail=True)
        if not found and not fs.isdir(root):
            raise FileNotFoundError(errno.ENOENT, "no objects")
    except FileNotFoundError as exc:
        raise AbortRun(f"raw folder not found: {url} ({exc})") from exc
    except Exception as exc:  # noqa: BLE001 - store clients raise their own network errors
        raise RetryIO(f"listing {url}: {type(exc).__name__}: {exc}") from exc
    files = []
    for name, info in found.items():
        rel = name[len(root) + 1:] if name.startswith(root + "/") else None
        if not rel or info.get("type") == "directory" or any(p.startswith(".") for p in rel.split("/")):
            continue
        stamp = {"size": int(info["size"]), "mtime_ns": _mtime_ns(info)}
        etag = info.get("ETag") or info.get("etag") or info.get("md5Hash")
        if etag:
            stamp["etag"] = str(etag).strip('"')
        files.append((rel, stamp))
    return sorted(files)


def _mtime_ns(info: dict) -> int:
    """An object's modification time in nanoseconds (-1 when the store gives none)."""
    value = info.get("LastModified") or info.get("updated") or info.get("mtime") or info.get("last_modified")
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        delta = value - _EPOCH  # exact: a float timestamp would lose the last digits
        return (delta.days * 86_400 + delta.seconds) * 1_000_000_000 + delta.microseconds * 1000
    return int(float(value) * 1e9) if value is not None else -1


def raw_path(raw_dir: str | Path, rel_path: str) -> "Path | RemotePath":
    """The raw file ``rel_path`` under ``raw_dir``: a Path for folders, a RemotePath for URLs."""
    if is_remote(raw_dir):
        return RemotePath(str(raw_dir).rstrip("/") + "/" + rel_path)
    return local_path(raw_dir) / rel_path


@dataclass(frozen=True)
class _Stat:
    """The part of ``os.stat_result`` that readers of raw files use."""

    st_size: int


class RemotePath:
    """One object of a remote raw location, read as a stream (the Path methods read.py uses).

    Every failure surfaces as an OSError with an errno (see :func:`_os_error`): ENOENT and
    EACCES make an ``unreadable`` reject, anything else is transient (RetryIO).
    """

    def __init__(self, url: str):
        self.url = url
        self._size: int | None = None

    def __str__(self) -> str:
        return self.url

    def stat(self) -> _Stat:
        """The object's size (one HEAD request, cached)."""
        if self._size is None:
            fs, path = _filesystem(self.url)
            try:
                self._size = int(fs.size(path))
            except Exception as exc:  # noqa: BLE001
                raise _os_error(exc, f"stat {self.url}") from exc
        return _Stat(self._size)

    def open(self, mode: str = "rb") -> io.BufferedReader:
        """A buffered binary stream of the object."""
        if mode != "rb":
            raise ValueError("raw objects are read-only")
        fs, path = _filesystem(self.url)
        try:
            handle = fs.open(path, "rb")
        except Exception as exc:  # noqa: BLE001
            raise _os_error(exc, f"open {self.url}") from exc
        return io.BufferedReader(_ErrorTranslatingReader(handle, self.url), buffer_size=1 << 20)

    def open_gzip(self) -> gzip.GzipFile:
        """A gunzipping stream of the object; closing it closes the object stream too."""
        handle = self.open()
        stream = gzip.GzipFile(fileobj=handle, mode="rb")
        stream.myfileobj = handle  # as gzip.open does for a file name: close() closes both
        return stream


class _ErrorTranslatingReader(io.RawIOBase):
    """A raw reader over an fsspec file whose failures are OSErrors with an errno."""

    def __init__(self, handle, url: str):
        self._handle, self._url = handle, url

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        try:
            data = self._handle.read(len(buffer))
        except Exception as exc:  # noqa: BLE001
            raise _os_error(exc, f"reading {self._url}") from exc
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        try:
            self._handle.close()
        finally:
            super().close()


def sha256_of(path: "Path | RemotePath") -> str:
    """SHA-256 of a file's or object's bytes, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# --- clean side ---------------------------------------------------------------------

@dataclass(frozen=True)
class Workspace:
    """Where a run writes (``local``, a folder) and where its output lives (``clean``).

    For a local clean folder both are the same and every sync method does nothing. Two
    strings only, so a Workspace can be handed to Prefect tasks as a parameter.
    """

    clean: str
    local: str

    @property
    def remote(self) -> bool:
        """True when the output lives on an object store."""
        return is_remote(self.clean)

    def pull_state(self) -> None:
        """Make the local ``state/`` a copy of the clean location's, ready for a run.

        Outputs of an earlier run in a kept workspace (``work_dir``) are dropped, as they were
        published; its staged batches are kept only when they belong to the very plan the
        clean location holds, so a resumed plan reuses them and nothing else does.

        Raises:
            AbortRun: the clean location's bucket does not exist or cannot be read.
            RetryIO: a transfer failed in a way worth retrying.
        """
        if not self.remote:
            return
        local = Path(self.local)
        state = local / STATE_DIR
        remote_state = self._remote_state()
        old_plan = _read_or_none(state / PLAN_FILE)
        for folder in (ARTICLES_DIR, REJECTS_DIR, RUNS_DIR):
            shutil.rmtree(local / folder, ignore_errors=True)
        state.mkdir(parents=True, exist_ok=True)
        for stale in state.iterdir():
            if stale.name not in remote_state:
                stale.unlink()
        wanted = [name for name, size in remote_state.items()
                  if name in _MUTABLE_STATE or not (state / name).exists() or (state / name).stat().st_size != size]
        fs, root = _filesystem(self.clean)
        self._transfer(fs.get, [f"{root}/{STATE_DIR}/{n}" for n in wanted], [str(state / n) for n in wanted])
        if old_plan is None or old_plan != _read_or_none(state / PLAN_FILE):
            shutil.rmtree(local / STAGING_DIR, ignore_errors=True)
        manifest = {p.name: [p.stat().st_size, p.stat().st_mtime_ns] for p in state.iterdir()}
        (local / PULLED_MANIFEST).write_bytes(orjson.dumps(manifest))

    def push_plan(self) -> None:
        """Upload ``state/plan.json`` (if the run wrote one), so a dead run is resumed as planned.

        Raises:
            RetryIO: the upload failed.
        """
        plan = Path(self.local) / STATE_DIR / PLAN_FILE
        if self.remote and plan.exists():
            fs, root = _filesystem(self.clean)
            self._transfer(fs.put, [str(plan)], [f"{root}/{STATE_DIR}/{PLAN_FILE}"])

    def publish(self) -> list[str]:
        """Upload a committed run: parts, state segments, ``state/HEAD`` last, then the summary.

        Safe to call again after a failure: everything is uploaded again in the same order.

        Returns:
            The uploaded files, relative to the clean location (empty for a local one).

        Raises:
            RetryIO: a transfer failed; publishing again is safe.
        """
        if not self.remote:
            return []
        local = Path(self.local)
        pulled = orjson.loads((local / PULLED_MANIFEST).read_bytes())
        state = local / STATE_DIR
        changed = sorted(
            p.relative_to(local).as_posix() for p in state.iterdir()
            if not p.name.startswith(".") and pulled.get(p.name) != [p.stat().st_size, p.stat().st_mtime_ns]
        )
        head = f"{STATE_DIR}/{HEAD_FILE}"
        steps = [
            _files(local, ARTICLES_DIR) + _files(local, REJECTS_DIR),
            [rel for rel in changed if rel != head],
            [head] if head in changed else [],  # the commit point: after everything it names
            _files(local, RUNS_DIR),
        ]
        fs, root = _filesystem(self.clean)
        for step in steps:
            self._transfer(fs.put, [str(local / rel) for rel in step], [f"{root}/{rel}" for rel in step])
        remote_state = self._remote_state()
        gone = sorted(name for name in remote_state if not (state / name).exists())  # the finished plan
        if gone:
            self._transfer(fs.rm, [f"{root}/{STATE_DIR}/{name}" for name in gone])
        return [rel for step in steps for rel in step]

    def _remote_state(self) -> dict[str, int]:
        """Name -> size of every object directly under the clean location's ``state/``."""
        fs, root = _filesystem(self.clean)
        prefix = f"{root}/{STATE_DIR}"
        try:
            fs.invalidate_cache(prefix)
            found = fs.find(prefix, detail=True, maxdepth=1)
            bucket = root.split("/", 1)[0]
            if not found and not fs.exists(bucket):  # a new clean location is empty; its bucket must exist
                raise FileNotFoundError(errno.ENOENT, f"no bucket {bucket}")
        except FileNotFoundError as exc:  # the bucket itself is missing
            raise AbortRun(f"clean location not found: {self.clean} ({exc})") from exc
        except PermissionError as exc:
            raise AbortRun(f"clean location not readable: {self.clean} ({exc})") from exc
        except Exception as exc:  # noqa: BLE001
            raise RetryIO(f"listing {prefix}: {type(exc).__name__}: {exc}") from exc
        return {name.rsplit("/", 1)[-1]: int(info["size"]) for name, info in found.items()
                if info.get("type") != "directory" and name.startswith(prefix + "/")}

    def _transfer(self, method, *paths: list[str]) -> None:
        """Run one fsspec bulk transfer (concurrent for async stores); failures are RetryIO."""
        if not paths[0]:
            return
        try:
            method(*paths)
        except Exception as exc:  # noqa: BLE001
            raise RetryIO(f"{method.__name__} {self.clean}: {type(exc).__name__}: {exc}") from exc


def _files(local: Path, folder: str) -> list[str]:
    """Non-hidden files directly in ``local/folder``, relative to ``local``, sorted."""
    root = local / folder
    return sorted(f"{folder}/{p.name}" for p in root.iterdir() if p.is_file() and not p.name.startswith(".")) \
        if root.is_dir() else []


def _read_or_none(path: Path) -> bytes | None:
    """A file's bytes, or None when it does not exist."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


@contextmanager
def open_workspace(clean_dir: str | Path, work_dir: str | Path | None = None) -> Iterator[Workspace]:
    """The workspace of one run over ``clean_dir``.

    Args:
        clean_dir: the clean location: a folder, a ``file://`` URL or a remote fsspec URL.
        work_dir: for a remote location, the local folder to work in. Kept after the run, so
            a run that died resumes its staged batches there; by default a temporary folder
            is used and removed at the end (a dead run's batches are then redone).

    Returns:
        A context manager yielding the :class:`Workspace`.
    """
    if not is_remote(clean_dir):
        folder = str(local_path(clean_dir))
        yield Workspace(folder, folder)
        return
    if work_dir is not None:
        Path(work_dir).mkdir(parents=True, exist_ok=True)
        yield Workspace(str(clean_dir), str(work_dir))
        return
    scratch = tempfile.mkdtemp(prefix="cleanpipe-")
    try:
        yield Workspace(str(clean_dir), scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
