"""A folder swapped for a symlink between the walk and the read (a race an attacker wins)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .builders import make_manifest, named
from .guard import watching
from .runner import invoke


@pytest.mark.xfail(
    strict=True,
    raises=AssertionError,
    reason=(
        "files are opened by their full path with O_NOFOLLOW on the last component only, "
        "so a folder swapped for a symlink after the walk is followed out of the root; "
        "opening each component with dir_fd and O_NOFOLLOW would close it"
    ),
)
def test_folder_swapped_for_a_symlink_mid_run_is_not_followed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = tmp_path / "case"
    root = named(["sub/a.txt", "b.txt"])(case).root
    manifest = make_manifest(case, root)
    outside = tmp_path / "outside"
    real_open = os.open
    swapped: list[bool] = []

    def open_after_swap(path: object, *args: object, **kw: object) -> int:
        if not swapped and os.fsdecode(path).endswith("a.txt"):  # type: ignore[arg-type]
            swapped.append(True)
            (root / "sub").rename(outside)
            (root / "sub").symlink_to(outside)
        return real_open(path, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", open_after_swap)
    with watching(case) as opens:
        code, _, _, crash = invoke(["verify", "--format", "json", "-j", "1", str(manifest)])
    monkeypatch.undo()
    assert swapped and crash is None
    assert opens == [], f"followed a swapped symlink out of the root: {opens}"
    assert code in (1, 3), "a file read through the swapped symlink verified clean"
