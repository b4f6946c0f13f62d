"""Raw and clean locations on S3 (a real S3-compatible server: moto's, on 127.0.0.1), file:// URLs,
and how a remote run that died is resumed. Nothing here leaves the machine."""

import errno
import json
import logging
import shutil
import uuid

import pytest

from cleanpipe import reasons
from cleanpipe.config import Config
from cleanpipe.document import Reject
from cleanpipe.errors import AbortRun
from cleanpipe.ingest import commit_run, committed_generation, load_ledger, plan_run, run, run_batch, run_lock
from cleanpipe.read import read_inputs
from cleanpipe.stats import Stats
from cleanpipe.storage import _os_error, is_remote, local_path, open_workspace, remote_raw_files

from conftest import FIXTURES

MIXED = FIXTURES / "raw_mixed"
CONFIG = Config(batch_files=4)


@pytest.fixture(scope="module")
def s3():
    """An fsspec S3 file system talking to a moto server on 127.0.0.1, with dummy credentials."""
    import s3fs  # the test extra installs s3fs and moto[server]: pip install -e '.[test]'
    from moto.server import ThreadedMotoServer

    with pytest.MonkeyPatch.context() as env:
        for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
            env.delenv(name, raising=False)
        env.setenv("AWS_ACCESS_KEY_ID", "testing")
        env.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        env.setenv("AWS_DEFAULT_REGION", "us-east-1")
        env.setenv("AWS_CONFIG_FILE", "/nonexistent")
        env.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        env.setenv("AWS_EC2_METADATA_DISABLED", "true")
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request otherwise
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        try:
            host, port = server.get_host_and_port()
            env.setenv("AWS_ENDPOINT_URL_S3", f"http://{host}:{port}")  # what cleanpipe's own clients use
            s3fs.S3FileSystem.clear_instance_cache()
            fs = s3fs.S3FileSystem()
            fs.mkdir("cleanpipe-test")
            assert fs.s3.meta.endpoint_url == f"http://127.0.0.1:{port}"
            yield fs
        finally:
            s3fs.S3FileSystem.clear_instance_cache()
            server.stop()


@pytest.fixture
def prefix(s3):
    """A fresh s3:// prefix in the test bucket (the bucket is shared by the module's tests)."""
    return f"s3://cleanpipe-test/{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The parts and summary of a local run over the mixed fixture tree."""
    clean = tmp_path_factory.mktemp("reference")
    summary = run(MIXED, clean, CONFIG, run_id="reference")
    return local_parts(clean), summary


def upload_tree(fs, folder, url):
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            fs.pipe(f"{url.removeprefix('s3://')}/{path.relative_to(folder).as_posix()}", path.read_bytes())


def local_parts(clean):
    return {p.relative_to(clean).as_posix(): p.read_bytes() for p in sorted(clean.glob("*/part-*.jsonl"))}


def remote_parts(fs, url):
    root = url.removeprefix("s3://")
    fs.invalidate_cache()
    return {name[len(root) + 1:]: fs.cat_file(name) for name in sorted(fs.find(root))
            if name[len(root) + 1:].split("/")[0] in ("articles", "rejects")}


def remote_text(fs, url, rel):
    fs.invalidate_cache()
    return fs.cat_file(f"{url.removeprefix('s3://')}/{rel}").decode()


def counts(summary):
    return {k: summary[k] for k in ("inputs_seen", "articles", "rejected", "duplicates", "skipped_unchanged", "rejects", "parts")}


# --- locations ------------------------------------------------------------------------

def test_local_paths_and_file_urls_are_local():
    assert not is_remote("raw") and not is_remote(MIXED) and not is_remote("file:///data/raw")
    assert is_remote("s3://bucket/raw") and is_remote("gs://bucket/raw") and is_remote("memory://raw")
    assert local_path("file:///data/raw").as_posix() == "/data/raw" and local_path("raw").as_posix() == "raw"


def test_file_urls_run_in_place_like_paths(tmp_path, reference):
    summary = run(f"file://{MIXED}", f"file://{tmp_path / 'clean'}", CONFIG, run_id="reference")
    assert local_parts(tmp_path / "clean") == reference[0]
    assert counts(summary) == counts(reference[1])
    assert committed_generation(tmp_path / "clean") == 1


# --- S3 -------------------------------------------------------------------------------

def test_s3_raw_to_s3_clean_writes_what_a_local_run_writes(s3, prefix, reference):
    raw, clean = f"{prefix}/raw", f"{prefix}/clean"
    upload_tree(s3, MIXED, raw)
    summary = run(raw, clean, CONFIG, run_id="first")
    assert remote_parts(s3, clean) == reference[0]
    assert counts(summary) == counts(reference[1])
    assert remote_text(s3, clean, "state/HEAD") == "1\n"
    assert json.loads(remote_text(s3, clean, "runs/first.json")) == summary
    state = {name.rsplit("/", 1)[-1] for name in s3.find(f"{clean.removeprefix('s3://')}/state")}
    assert state == {"HEAD", "ledger-00001.jsonl", "dedupe-00001.npz", "repeat-00001.npz", "stats-00001.json"}  # the finished plan is gone


def test_s3_unchanged_tree_is_a_no_op_and_a_changed_object_is_reprocessed(s3, prefix):
    raw, clean = f"{prefix}/raw", f"{prefix}/clean"
    upload_tree(s3, MIXED, raw)
    run(raw, clean, CONFIG)
    before = remote_parts(s3, clean)

    again = run(raw, clean, CONFIG)
    assert (again["inputs_seen"], again["skipped_unchanged"], again["skipped_unchanged_files"]) == (12, 12, 10)
    assert again["parts"] == [] and remote_parts(s3, clean) == before
    assert remote_text(s3, clean, "state/HEAD") == "1\n"

    good = f"{raw.removeprefix('s3://')}/good.txt"
    s3.pipe(good, s3.cat_file(good))  # rewritten, same bytes: a new timestamp, the same ETag
    touched = run(raw, clean, CONFIG)
    assert (touched["skipped_unchanged"], touched["articles"], touched["parts"]) == (12, 0, [])

    original = s3.cat_file(good)
    changed = original.replace(b"to close for", b"to CLOSE for", 1)
    assert len(changed) == len(original) and changed != original  # same size: only the ETag may tell
    s3.pipe(good, changed)
    third = run(raw, clean, CONFIG)
    assert third["skipped_unchanged"] == 11 and third["inputs_seen"] == 12
    assert third["generation"] > touched["generation"]
    assert remote_text(s3, clean, "state/HEAD") == f"{third['generation']}\n"
    (part,) = third["parts"]
    assert json.loads(remote_text(s3, clean, part))["source"] == "good.txt"


def test_local_raw_to_s3_clean(s3, prefix, reference):
    summary = run(MIXED, f"{prefix}/clean", CONFIG, run_id="reference")
    assert remote_parts(s3, f"{prefix}/clean") == reference[0]
    assert counts(summary) == counts(reference[1])


def test_s3_raw_to_local_clean(s3, prefix, reference, tmp_path):
    upload_tree(s3, MIXED, f"{prefix}/raw")
    summary = run(f"{prefix}/raw", tmp_path / "clean", CONFIG, run_id="reference")
    assert local_parts(tmp_path / "clean") == reference[0]
    assert counts(summary) == counts(reference[1])
    ledger = load_ledger(tmp_path / "clean")
    assert ledger["good.txt"]["etag"] and ledger["good.txt"]["size"] == (MIXED / "good.txt").stat().st_size


def test_listing_skips_hidden_names_like_discover(s3, prefix):
    for key in ("a.txt", "sub/b.txt", ".hidden.txt", ".cache/c.txt", "sub/.d.txt"):
        s3.pipe(f"{prefix.removeprefix('s3://')}/raw/{key}", b"x")
    assert [rel for rel, _ in remote_raw_files(f"{prefix}/raw")] == ["a.txt", "sub/b.txt"]


def test_missing_locations_abort(s3, prefix, tmp_path):
    with pytest.raises(AbortRun, match="raw folder not found"):
        run(f"{prefix}/no-such-raw", tmp_path / "clean", CONFIG)
    with pytest.raises(AbortRun, match="raw folder not found"):
        run("s3://no-such-bucket-cleanpipe/raw", tmp_path / "clean", CONFIG)
    with pytest.raises(AbortRun, match="clean location not found"):
        run(MIXED, "s3://no-such-bucket-cleanpipe/clean", CONFIG)


def test_a_vanished_object_is_an_unreadable_reject(s3, prefix):
    (item,) = read_inputs(f"{prefix}/raw", "gone.txt", 1000, 1000)
    assert isinstance(item, Reject) and item.reason == reasons.UNREADABLE


def test_store_failures_become_os_errors_with_an_errno():
    assert _os_error(FileNotFoundError("bucket/key"), "open").errno == errno.ENOENT
    assert _os_error(PermissionError("denied"), "open").errno == errno.EACCES
    assert _os_error(TimeoutError("read timed out"), "read").errno == errno.EIO  # transient: retried


# --- a remote run that died -----------------------------------------------------------

def test_a_run_that_died_after_sharing_its_plan_is_resumed_exactly(s3, prefix, reference):
    raw, clean = f"{prefix}/raw", f"{prefix}/clean"
    upload_tree(s3, MIXED, raw)
    with open_workspace(clean) as space, run_lock(space.local):
        plan = plan_run(raw, space, CONFIG)
        run_batch(raw, space.local, plan.generation, plan.batches[0], CONFIG)
    # ...and the process died: its workspace is gone, the store holds only the plan.
    assert remote_parts(s3, clean) == {} and s3.exists(f"{clean.removeprefix('s3://')}/state/plan.json")
    s3.pipe(f"{raw.removeprefix('s3://')}/zz-late.txt", b"Late story\n\n" + (MIXED / "good.txt").read_bytes())

    resumed = run(raw, clean, CONFIG, run_id="reference")
    assert resumed["generation"] == 1 and remote_parts(s3, clean) == reference[0]  # the plan, not the new tree
    assert not s3.exists(f"{clean.removeprefix('s3://')}/state/plan.json")
    later = run(raw, clean, CONFIG)
    assert (later["generation"], later["skipped_unchanged"], later["inputs_seen"]) == (2, 12, 13)


def test_a_run_that_died_while_publishing_is_redone_and_head_moves_last(s3, prefix, reference):
    raw, clean = f"{prefix}/raw", f"{prefix}/clean"
    upload_tree(s3, MIXED, raw)
    with open_workspace(clean) as space, run_lock(space.local):
        plan = plan_run(raw, space, CONFIG)
        total = sum((run_batch(raw, space.local, plan.generation, b, CONFIG) for b in plan.batches), Stats())
        commit_run(space.local, plan, total, CONFIG, "dead", 1.0)
        # the publisher uploaded the parts and died before the state segments and HEAD
        some = sorted(space_parts := local_parts(local_path(space.local)))[:3]
        for rel in some:
            s3.pipe(f"{clean.removeprefix('s3://')}/{rel}", space_parts[rel])
    assert not s3.exists(f"{clean.removeprefix('s3://')}/state/HEAD")  # readers ignore generation 1

    redone = run(raw, clean, CONFIG, run_id="reference")
    assert counts(redone) == counts(reference[1])
    assert remote_parts(s3, clean) == reference[0] and remote_text(s3, clean, "state/HEAD") == "1\n"


def test_a_kept_work_dir_publishes_only_the_new_generation(s3, prefix, tmp_path):
    raw, clean, work = f"{prefix}/raw", f"{prefix}/clean", tmp_path / "work"
    upload_tree(s3, MIXED, raw)
    run(raw, clean, CONFIG, work_dir=work)
    s3.pipe(f"{raw.removeprefix('s3://')}/new.txt", b"Ferry fares rise\n\n" + (MIXED / "good.txt").read_bytes()[40:])
    with open_workspace(clean, work) as space, run_lock(space.local):
        plan = plan_run(raw, space, CONFIG)
        assert not (work / "articles").exists()  # the first run's parts were published, not kept
        total = sum((run_batch(raw, space.local, plan.generation, b, CONFIG) for b in plan.batches), Stats())
        summary = commit_run(space.local, plan, total, CONFIG, "second", 1.0)
        published = space.publish()
    assert published == [*summary["parts"], "state/dedupe-00002.npz", "state/ledger-00002.jsonl", "state/repeat-00002.npz",
                         "state/stats-00002.json",
                         "state/HEAD", "runs/second.json"]
    assert remote_text(s3, clean, "state/HEAD") == "2\n"
    shutil.rmtree(work)
