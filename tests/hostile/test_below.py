"""``beneath.Below``: nested paths in one ``openat2`` call, the same refusals as by parts.

Every test runs twice: with the kernel's ``openat2`` (skipped where it is missing or
filtered) and as a kernel without it would (opened one component at a time).
"""

from __future__ import annotations

import errno
import os
import pickle
from collections.abc import Iterator
from pathlib import Path

import pytest

from provenance import beneath
from provenance.folder import walk
from provenance.observe import observe


@pytest.fixture(params=["openat2", "parts"])
def kernel(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    if request.param == "openat2":
        if beneath.kernel_openat2() is None:
            pytest.skip("no openat2 here")
    else:
        monkeypatch.setattr(beneath, "_probed", True)
        monkeypatch.setattr(beneath, "_openat2", None)
    yield request.param


def _fds() -> set[str]:
    return set(os.listdir("/proc/self/fd"))


def _tree(root: Path) -> list[str]:
    rels = ["top.txt", "a/one.txt", "a/two.txt", "a/b/c/deep.txt", "d/last.txt"]
    for rel in rels:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(rel.encode())
    return rels


def test_below_reads_what_open_regular_reads(tmp_path: Path, kernel: str) -> None:
    rels = _tree(tmp_path)
    with beneath.Below(str(tmp_path)) as below:
        for rel in rels:
            fd, info = below.open_regular(rel)
            with open(fd, "rb") as handle:
                assert handle.read() == rel.encode()
            assert info.st_size == len(rel)


def test_a_nested_page_takes_no_open_by_parts(
    tmp_path: Path, kernel: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _tree(tmp_path)
    calls: list[str] = []
    real = os.open

    def counting(path: str, *args: object, **kwargs: object) -> int:
        calls.append(path)
        return real(path, *args, **kwargs)  # type: ignore[arg-type]

    with beneath.Below(str(tmp_path)) as below:
        monkeypatch.setattr(os, "open", counting)
        fd, _ = below.open_regular("a/b/c/deep.txt")
        monkeypatch.setattr(os, "open", real)
        os.close(fd)
    # openat2: none (one syscall); by parts: root/a, b, c, then the file
    assert [os.path.basename(c) for c in calls] == (
        [] if kernel == "openat2" else ["a", "b", "c", "deep.txt"]
    )


@pytest.mark.parametrize("depth", [0, 1, 3])
def test_every_folder_on_the_way_is_refused_when_a_symlink(
    tmp_path: Path, kernel: str, depth: int
) -> None:
    root, outside = tmp_path / "root", tmp_path / "outside"
    parts = [f"d{i}" for i in range(depth)]
    (outside / "/".join(parts)).mkdir(parents=True, exist_ok=True)
    (outside / "/".join([*parts, "f.txt"])).write_bytes(b"outside")
    (root / "in").mkdir(parents=True)
    (root / "in" / "link").symlink_to(outside)
    rel = "/".join(["in", "link", *parts, "f.txt"])
    assert (root / rel).read_bytes() == b"outside"  # a path open would follow it
    with (
        beneath.Below(str(root)) as below,
        pytest.raises(beneath.NotRegularFileError, match="link is a symlink"),
    ):
        below.open_regular(rel)


@pytest.mark.parametrize("rel", ["a/../a/one.txt", "a/./one.txt", "a//one.txt", "/etc/passwd"])
def test_paths_that_are_not_plain_are_refused(tmp_path: Path, kernel: str, rel: str) -> None:
    _tree(tmp_path)  # RESOLVE_BENEATH alone would open "a/../a/one.txt": it stays below
    with (
        beneath.Below(str(tmp_path)) as below,
        pytest.raises(beneath.NotRegularFileError, match="not a plain relative path"),
    ):
        below.open_regular(rel)


def test_a_nested_fifo_is_refused_without_blocking(tmp_path: Path, kernel: str) -> None:
    (tmp_path / "a").mkdir()
    os.mkfifo(tmp_path / "a" / "fifo")
    with (
        beneath.Below(str(tmp_path)) as below,
        pytest.raises(beneath.NotRegularFileError, match="not a regular file"),
    ):
        below.open_regular("a/fifo")


def test_a_missing_file_raises_what_the_system_says(tmp_path: Path, kernel: str) -> None:
    (tmp_path / "a").mkdir()
    with beneath.Below(str(tmp_path)) as below, pytest.raises(FileNotFoundError):
        below.open_regular("a/gone.txt")


@pytest.mark.parametrize("jobs", [1, 2])
def test_verify_leaves_no_descriptor_open(tmp_path: Path, kernel: str, jobs: int) -> None:
    rels = _tree(tmp_path)
    (tmp_path / "a" / "link").symlink_to("one.txt")
    entries = walk(str(tmp_path))
    before = _fds()
    seen = observe(str(tmp_path), entries, fast=False, jobs=jobs, weight=None)
    assert _fds() == before
    digests = {e.path: s for e, s in zip(entries, seen, strict=True)}
    assert all(isinstance(digests[r][0], bytes) for r in rels)
    assert digests["a/link"][0] is None


def test_below_closes_its_root_descriptor(tmp_path: Path, kernel: str) -> None:
    _tree(tmp_path)
    before = _fds()
    with beneath.Below(str(tmp_path)) as below:
        assert len(_fds() - before) == 1  # the root's, and only it
        for rel in ("a/one.txt", "a/missing", "a/../x"):
            try:
                os.close(below.open_regular(rel)[0])
            except OSError:
                pass
    assert _fds() == before


def test_a_worker_gets_its_own_below(tmp_path: Path) -> None:
    below = beneath.Below(str(tmp_path)).open()
    try:
        first, second = (pickle.loads(pickle.dumps(below)) for _ in range(2))
        assert first is second and first is not below  # one a process, never the fd itself
    finally:
        below.close()
        beneath._PROCESS.pop(str(tmp_path)).close()


@pytest.mark.parametrize("answer", [errno.ENOSYS, errno.EPERM])
def test_a_filtered_openat2_falls_back_to_parts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, answer: int
) -> None:
    def filtered() -> beneath.Openat2:
        def openat2(dirfd: int, path: str, flags: int) -> int:
            raise OSError(answer, os.strerror(answer))  # what a seccomp filter answers

        return openat2

    monkeypatch.setattr(beneath, "_probed", False)
    monkeypatch.setattr(beneath, "_openat2", None)
    monkeypatch.setattr(beneath, "_load_openat2", filtered)
    assert beneath.kernel_openat2() is None
    _tree(tmp_path)
    with beneath.Below(str(tmp_path)) as below:
        fd, _ = below.open_regular("a/b/c/deep.txt")
        os.close(fd)
