"""Verify's schedules give the answers of the plain one: the manifest loaded alongside the
folder, threads for large files, the one-call hash, the one-render duplicate-key proof."""

from __future__ import annotations

import ctypes
import hashlib
import json
import mmap
import os
import threading
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest
from testkit import Run

from provenance import listing, preload
from provenance import observe as observe_module
from provenance.errors import ManifestError
from provenance.folder import walk
from provenance.hashing import CHUNK, page_aligned, sha256_file
from provenance.observe import LARGE, observe

SEED = "002_5eb1b2106f1fcec7.txt"


def _manifest(seeds_copy: Path) -> Path:
    return seeds_copy.parent / "manifests" / "seeds.json"


def _findings(run: Run) -> list[tuple[str, str]]:
    report = json.loads(run.out)
    return sorted((f["code"], f["path"]) for r in report["results"] for f in r["findings"])


@pytest.fixture
def alongside(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Load every manifest in a child process, however small; count the children."""
    started: list[int] = []
    real = preload.start

    def start(paths: list[str], *, deep: bool) -> preload.Loader | None:
        loader = real(paths, deep=deep)
        started.append(0 if loader is None else 1)
        return loader

    monkeypatch.setattr(preload, "ALONGSIDE_ABOVE", 0)
    monkeypatch.setattr(preload, "start", start)
    return started


def test_loaded_alongside_equals_loaded_first(
    seeds_copy: Path, run_cli: Callable[..., Run], alongside: list[int]
) -> None:
    (seeds_copy / SEED).write_bytes(b"replaced")
    (seeds_copy / "000_48c78df7aa8e8c42.txt").unlink()
    (seeds_copy / "new.txt").write_text("x")
    manifest = _manifest(seeds_copy)
    for extra in ((), ("--fast",), ("--strict",), ("--deep",), ("--shard", "1/2")):
        one = run_cli("verify", "-j1", "--format", "json", *extra, manifest)
        two = run_cli("verify", "-j2", "--format", "json", *extra, manifest)
        assert (one.code, _findings(one)) == (two.code, _findings(two)), extra
        assert one.code == 1
    assert alongside and all(alongside), "the child loader never ran"


@pytest.mark.parametrize(
    "damage",
    [
        lambda t: t[: len(t) // 2],
        lambda t: t.replace('"sha256":"', '"sha256":"X', 1),
        lambda t: t.replace('"path":"000_', '"path":"../000_', 1),
        lambda t: t.replace('"size":', '"size":1,"size":', 1),  # a duplicate key
        lambda t: t.replace('"folder": "', '"folder": "/', 1),
    ],
)
def test_a_bad_manifest_fails_alike_when_loaded_alongside(
    seeds_copy: Path,
    run_cli: Callable[..., Run],
    alongside: list[int],
    damage: Callable[[str], str],
) -> None:
    manifest = _manifest(seeds_copy)
    manifest.write_text(damage(manifest.read_text(encoding="utf-8")), encoding="utf-8")
    one = run_cli("verify", "-j1", manifest)
    two = run_cli("verify", "-j2", manifest)
    assert one.code == two.code == 2
    assert one.err == two.err and one.err.count("\n") == 1
    assert alongside == [1]


def test_a_missing_folder_is_reported_after_the_manifest_loads(
    seeds_copy: Path, run_cli: Callable[..., Run], alongside: list[int]
) -> None:
    manifest = _manifest(seeds_copy)
    for f in seeds_copy.iterdir():
        f.unlink()
    seeds_copy.rmdir()
    assert run_cli("verify", "-j2", manifest).code == 3
    manifest.write_text("{", encoding="utf-8")
    assert run_cli("verify", "-j2", manifest).code == 2  # the manifest's error comes first


def test_peek_reads_the_header_and_refuses_what_is_not_plain(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    path.write_bytes(listing.render({"manifest_version": 1, "folder": "../x", "files": []}))
    assert preload.peek_folder(str(path)) == preload.Peeked("../x", None)
    path.write_bytes(listing.render({"folder": "/etc", "files": []}))
    assert preload.peek_folder(str(path)) is None
    path.write_text(json.dumps({"folder": "x", "files": []}), encoding="utf-8")
    assert preload.peek_folder(str(path)) is None  # not the layout provenance writes


@pytest.mark.parametrize("size", [0, 1, 8191, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 7])
def test_sha256_file_at_every_boundary(tmp_path: Path, size: int) -> None:
    data = hashlib.shake_256(b"%d" % size).digest(size) if size else b""
    path = tmp_path / "f"
    path.write_bytes(data)
    assert sha256_file(str(tmp_path), "f", page_aligned()) == hashlib.sha256(data).digest()


def test_read_buffer_starts_on_a_page_and_is_private_to_a_forked_worker() -> None:
    buffer = page_aligned(CHUNK)
    address = ctypes.addressof(ctypes.c_char.from_buffer(buffer))
    assert address % mmap.PAGESIZE == 0 and len(buffer) == CHUNK
    buffer[:4] = b"mine"
    pid = os.fork()
    if pid == 0:  # a worker reading into its inherited buffer must not write into ours
        buffer[:4] = b"kid!"
        os._exit(0 if bytes(buffer[:4]) == b"kid!" else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert bytes(buffer[:4]) == b"mine"


def test_large_files_hashed_by_threads_equal_in_order(tmp_path: Path) -> None:
    sizes = [CHUNK * 2 + 1, 5, CHUNK * 3, 0]
    for i, size in enumerate(sizes):
        (tmp_path / f"{i}.bin").write_bytes(hashlib.shake_256(b"%d" % i).digest(size))
    (tmp_path / "link").symlink_to("0.bin")
    entries = walk(str(tmp_path))
    weight = LARGE * len(entries)  # as large as threads need
    seen = observe(str(tmp_path), entries, fast=False, jobs=2, weight=weight)
    plain = observe(str(tmp_path), entries, fast=False, jobs=1, weight=None)
    assert seen == plain
    assert seen[-1] == (None, "symlink is not a regular file")
    assert seen[0][0] == hashlib.sha256((tmp_path / "0.bin").read_bytes()).digest()


def test_one_render_proof_refuses_duplicate_keys_and_other_layouts() -> None:
    doc = {"manifest_version": 1, "folder": "x", "files": [{"a": 1, "b": "é\n"}, {"a": 2}]}
    data = listing.render(doc)
    assert listing.decode(data, where="m") == doc
    dup = data.replace(b'{"a":2}', b'{"a":2,"a":3}')
    with pytest.raises(ManifestError, match="appears twice"):
        listing.decode(dup, where="m")
    for other in (orjson.dumps(doc), data.replace(b",\n  {", b",{"), data + b" "):
        assert not listing._renders_to(orjson.loads(other), other)
        assert listing.decode(other, where="m") == doc


def test_a_clean_text_verify_imports_no_model(seeds_copy: Path) -> None:
    import subprocess
    import sys

    code = (
        "import sys; from provenance.cli import main; rc = main(['verify', sys.argv[1]]); "
        "print('pydantic' in sys.modules, file=sys.stderr); sys.exit(rc)"
    )
    run = subprocess.run(
        [sys.executable, "-c", code, str(_manifest(seeds_copy))],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0 and run.stdout.endswith("clean\nOK\n")
    assert run.stderr.strip() == "False"
    (seeds_copy / SEED).write_bytes(b"replaced")  # a finding is a model: then it is loaded
    run = subprocess.run(
        [sys.executable, "-c", code, str(_manifest(seeds_copy))],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 1 and "changed" in run.stdout and run.stderr.strip() == "True"


def test_the_packaged_schemas_are_the_generated_ones() -> None:
    import provenance.probe.models  # noqa: F401  (registers its schema)
    from provenance import schemas

    for name in schemas.schema_models():
        packaged = (schemas.PACKAGED / name).read_text(encoding="utf-8")
        assert packaged == schemas.render(schemas.generate(name)), f"{name} is stale"


def test_a_fifo_among_the_manifests_is_refused_without_blocking(
    seeds_copy: Path, run_cli: Callable[..., Run], alongside: list[int]
) -> None:
    import os

    fifo = seeds_copy.parent / "manifests" / "fifo.json"
    os.mkfifo(fifo)
    result = run_cli("verify", "-j2", fifo, _manifest(seeds_copy))
    assert result.code == 2 and "not a regular file" in result.err
    assert alongside == [0]


def test_the_loader_child_is_reaped_when_verify_fails_meanwhile(
    seeds_copy: Path, monkeypatch: pytest.MonkeyPatch, alongside: list[int]
) -> None:
    import os

    from provenance import verify

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the disk caught fire")

    monkeypatch.setattr(verify, "observe", broken)
    with pytest.raises(RuntimeError, match="caught fire"):
        verify.run([str(_manifest(seeds_copy))], verify.VerifyOptions(jobs=2))
    assert alongside == [1]
    with pytest.raises(ChildProcessError):  # no child left, not even a zombie
        os.waitpid(-1, os.WNOHANG)


def test_fast_walks_in_a_child_and_finds_what_a_plain_walk_finds(
    seeds_copy: Path, run_cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    walked: list[int] = []
    real = preload.start_walk

    def start_walk(root: str) -> preload.Child[list[object]] | None:
        child = real(root)
        walked.append(0 if child is None else 1)
        return child  # type: ignore[return-value]

    monkeypatch.setattr(preload, "start_walk", start_walk)
    (seeds_copy / SEED).write_bytes(b"replaced")
    (seeds_copy / "new.txt").write_text("x")
    (seeds_copy / "link").symlink_to(seeds_copy / "new.txt")
    manifest = _manifest(seeds_copy)
    one = run_cli("verify", "-j1", "--fast", "--format", "json", manifest)
    assert walked == []
    two = run_cli("verify", "-j2", "--fast", "--format", "json", manifest)
    assert walked == [1]
    assert (one.code, _findings(one)) == (two.code, _findings(two))
    assert _findings(two) == [
        ("changed", SEED),
        ("special-file", "link"),
        ("unlisted", "new.txt"),
    ]


def test_fast_walks_here_again_when_the_child_fails(
    seeds_copy: Path, run_cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    from provenance import folder

    here, real = os.getpid(), folder.walk

    def walk(root: str, **how: bool) -> list[folder.Entry]:
        if os.getpid() != here:
            os._exit(1)  # the child dies: its walk is done again here
        return real(root, **how)

    monkeypatch.setattr(folder, "walk", walk)
    (seeds_copy / SEED).write_bytes(b"replaced")
    result = run_cli("verify", "-j2", "--fast", "--format", "json", _manifest(seeds_copy))
    assert result.code == 1 and _findings(result) == [("changed", SEED)]


def test_readahead_starts_only_when_reads_come_from_storage(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for i in range(700):
        (tmp_path / f"{i:03d}_p.txt").write_bytes(b"page %d\n" % i * (i % 7 + 1))
    (tmp_path / "999_link.txt").symlink_to("000_p.txt")
    entries = walk(str(tmp_path))
    expected = observe(str(tmp_path), entries, fast=False, jobs=1, weight=None)
    started: list[observe_module.Ahead] = []
    advised: list[int] = []
    real_init = observe_module.Ahead.__init__

    def spy_init(self: observe_module.Ahead, *args: object) -> None:
        real_init(self, *args)  # type: ignore[arg-type]
        started.append(self)

    monkeypatch.setattr(observe_module.Ahead, "__init__", spy_init)
    monkeypatch.setattr(os, "posix_fadvise", lambda fd, *_: advised.append(fd))
    # a warm page cache: storage reads stay put, no thread
    monkeypatch.setattr(observe_module, "disk_reads", lambda: 4096)
    assert observe(str(tmp_path), entries, fast=False, jobs=1, weight=None) == expected
    assert not started[-1].started and not advised
    # a cold one: the count grows, and the next files are asked for ahead of the loop
    counter = iter(range(0, 10**9, 4096))
    monkeypatch.setattr(observe_module, "disk_reads", lambda: next(counter))
    assert observe(str(tmp_path), entries, fast=False, jobs=1, weight=None) == expected
    assert started[-1].started
    assert 0 < len(advised) <= len(entries) - observe_module.Ahead.CHECK
    assert threading.active_count() == 1  # the thread was ended with the loop
