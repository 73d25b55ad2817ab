"""Entries swapped between the walk and the read (races an attacker can win).

The table rows (``table_races.py``) swap files and folders for symlinks and FIFOs right
after the walk; these tests pin the two mechanisms they rely on: files and folders are
opened one component at a time below the root (``provenance.beneath``), and the audit
hook judges those ``dir_fd`` opens by the folder the descriptor really is.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from provenance import beneath
from provenance.errors import ManifestError
from provenance.listing import load_listing

from .builders import make_manifest, named, page
from .guard import watching
from .runner import deadline, invoke, racing


def test_folder_swapped_for_a_symlink_mid_run_is_not_followed(tmp_path: Path) -> None:
    case = tmp_path / "case"
    root = named([f"sub/{page(0)[0]}", page(1)[0]])(case).root
    manifest = make_manifest(case, root)
    outside = tmp_path / "outside"

    def swap() -> None:
        (root / "sub").rename(outside)  # same names, same bytes: a followed read is clean
        (root / "sub").symlink_to(outside)

    with watching(case) as opens, racing(swap):
        code, out, _, crash = invoke(["verify", "--format", "json", "-j", "1", str(manifest)])
    assert crash is None
    assert opens == [], f"followed a swapped symlink out of the root: {opens}"
    assert code == 1, "a file read through the swapped symlink verified clean"
    assert '"unreadable"' in out and "sub is a symlink" in out


@pytest.mark.parametrize("depth", [0, 1, 3])
def test_every_folder_on_the_way_is_refused_when_a_symlink(tmp_path: Path, depth: int) -> None:
    root, outside = tmp_path / "root", tmp_path / "outside"
    parts = [f"d{i}" for i in range(depth)]
    (outside / "/".join(parts)).mkdir(parents=True, exist_ok=True)
    (outside / "/".join([*parts, "f.txt"])).write_bytes(b"outside")
    root.mkdir()
    (root / "link").symlink_to(outside)
    rel = "/".join(["link", *parts, "f.txt"])
    assert (root / rel).read_bytes() == b"outside"  # a path open would follow it
    with pytest.raises(beneath.NotRegularFileError, match="link is a symlink"):
        beneath.open_regular(str(root), rel)
    with pytest.raises(beneath.NotRegularFileError):
        beneath.lstat(str(root), rel)


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "fifo")  # a blocking open would wait for a writer forever
    with pytest.raises(beneath.NotRegularFileError, match="not a regular file"):
        beneath.open_regular(str(tmp_path), "fifo")


@pytest.mark.parametrize("rel", ["../x", "a/../b", "./a", "a//b", "", "/etc/passwd"])
def test_paths_that_are_not_plain_are_refused(tmp_path: Path, rel: str) -> None:
    with pytest.raises(beneath.NotRegularFileError, match="not a plain relative path"):
        beneath.open_regular(str(tmp_path), rel)


def test_the_hook_judges_dir_fd_opens_by_the_real_folder(tmp_path: Path) -> None:
    root, outside = tmp_path / "root", tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    (outside / "secret.txt").write_bytes(b"secret")
    (root / "ok.txt").write_bytes(b"ok")
    (root / "link").symlink_to(outside / "secret.txt")
    with watching(root) as opens:
        inside = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
        away = os.open(outside, os.O_RDONLY | os.O_DIRECTORY)  # counted: outside
        for name, fd in (("ok.txt", inside), ("secret.txt", away), ("link", inside)):
            os.close(os.open(name, os.O_RDONLY, dir_fd=fd))  # secret.txt and link: outside
        with pytest.raises(OSError):
            os.open("link", os.O_RDONLY | os.O_NOFOLLOW, dir_fd=inside)  # not followed
        with os.scandir(away):  # a listing of a descriptor outside
            pass
        os.close(inside)
        os.close(away)
    assert len(opens) == 4, opens
    assert sum("secret.txt" in o for o in opens) == 2


def test_a_large_manifest_swapped_for_a_fifo_after_its_stat_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fifo = tmp_path / "m.json"
    os.mkfifo(fifo)
    # as if it was a large regular file when stat and isfile looked, and a FIFO when opened
    monkeypatch.setattr(os.path, "isfile", lambda path: True)
    with deadline(5), pytest.raises(ManifestError, match="not a regular file"):
        load_listing(str(fifo), stream_above=-1)
