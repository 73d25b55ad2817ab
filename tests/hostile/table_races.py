"""Races: an entry swapped after the walk listed it and before it is read.

The swap (``Setup.during``) runs once, right after the walk returns, so the tool reads a
folder that is no longer the one it listed; the ``-midway`` rows swap (``Setup.midway``)
right after the first file of the folder was opened, so a descriptor of the folder held
over to its next file would read that file outside the root. The outside target holds
the *same bytes* as the file it replaces: a read that followed the swap would verify
clean, so a clean exit here is a silent pass and an open through the swap is an open
outside the root.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

from . import builders as b
from .builders import Builder, Setup
from .case import Case, case_row

Swap = Callable[[Path, Path], None]  # (root, a folder outside it)


def _file_to_link_outside(root: Path, outside: Path) -> None:
    victim = sorted(p for p in root.iterdir() if p.is_file())[0]
    copy = outside / victim.name
    shutil.copyfile(victim, copy)
    victim.unlink()
    victim.symlink_to(copy)


def _file_to_link_inside(root: Path, outside: Path) -> None:
    files = sorted(p for p in root.iterdir() if p.is_file())
    files[0].unlink()
    files[0].symlink_to(files[1].name)


def _file_to_fifo(root: Path, outside: Path) -> None:
    victim = sorted(p for p in root.iterdir() if p.is_file())[0]
    victim.unlink()
    os.mkfifo(victim)


def _dir_to_link_outside(root: Path, outside: Path) -> None:
    moved = outside / "sub"
    (root / "sub").rename(moved)  # the same names and bytes, now outside
    (root / "sub").symlink_to(moved)


def _dir_to_link_inside(root: Path, outside: Path) -> None:
    (root / "sub").rename(root / "other")
    (root / "sub").symlink_to("other")


def _deep_dir_to_link_outside(root: Path, outside: Path) -> None:
    moved = outside / "b"
    (root / "a" / "b").rename(moved)
    (root / "a" / "b").symlink_to(moved)


def _dir_renamed_out(root: Path, outside: Path) -> None:
    (root / "sub").rename(outside / "sub")  # the same names and bytes, now outside


def _file_removed(root: Path, outside: Path) -> None:
    sorted(p for p in root.iterdir() if p.is_file())[0].unlink()


_P = [b.page(i)[0] for i in range(3)]  # b.named gives name i the page i: names match bytes
NAMES = {
    "flat": _P,
    "sub": [f"sub/{_P[0]}", f"sub/{_P[1]}", _P[2]],
    "deep": [f"a/b/c/{_P[0]}", _P[1]],
    "deep2": [f"a/b/{_P[0]}", f"a/b/{_P[1]}", _P[2]],
}


def _race(layout: str, swap: Swap, *, manifest: bool, midway: bool = False) -> Builder:
    """``layout``'s folder (and its manifest), then ``swap`` between the walk and the reads
    (``midway``: right after the first file below a folder is opened)."""

    def build(case: Path) -> Setup:
        setup = b.named(NAMES[layout])(case)
        if manifest:
            setup.manifest = b.make_manifest(case, setup.root)
        outside = case / "outside"
        outside.mkdir(exist_ok=True)
        if midway:
            setup.midway = lambda: swap(setup.root, outside)
        else:
            setup.during = lambda: swap(setup.root, outside)
        return setup

    return build


def race_cases() -> list[Case]:
    """One row per swap and command: what verify, audit and manifest report."""
    swaps: list[tuple[str, str, Swap, tuple[str, ...]]] = [
        ("file-to-link-outside", "flat", _file_to_link_outside, ("unreadable",)),
        ("file-to-link-inside", "flat", _file_to_link_inside, ("unreadable",)),
        ("file-to-fifo", "flat", _file_to_fifo, ("unreadable",)),
        ("dir-to-link-outside", "sub", _dir_to_link_outside, ("unreadable",)),
        ("dir-to-link-inside", "sub", _dir_to_link_inside, ("unreadable",)),
        ("deep-dir-to-link-outside", "deep", _deep_dir_to_link_outside, ("unreadable",)),
        ("file-removed", "flat", _file_removed, ("unreadable",)),
    ]
    # After the first file of the folder was opened: the second must not be read outside.
    midway: list[tuple[str, str, Swap, tuple[str, ...]]] = [
        ("dir-to-link-outside-midway", "sub", _dir_to_link_outside, ("unreadable",)),
        ("dir-renamed-out-midway", "sub", _dir_renamed_out, ("unreadable",)),
        ("deep-dir-to-link-outside-midway", "deep2", _deep_dir_to_link_outside, ("unreadable",)),
    ]
    cases = []
    for (name, layout, swap, codes), mid in [(s, False) for s in swaps] + [
        (s, True) for s in midway
    ]:
        listed = _race(layout, swap, manifest=True, midway=mid)
        bare = _race(layout, swap, manifest=False, midway=mid)
        cases += [
            case_row(f"race-{name}-verify", "verify", listed, 1, *codes),
            case_row(f"race-{name}-audit", "audit", bare, 1, *codes),
            case_row(f"race-{name}-manifest", "manifest", bare, 0, *codes),
        ]
    return cases
