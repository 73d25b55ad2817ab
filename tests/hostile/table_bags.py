"""Hostile bags for ``provenance import bagit``: symlinks and FIFOs where files should be.

Each bag is exported by provenance from good pages, then one entry is swapped for a
symlink to a copy outside the case's root (same bytes: following it would validate) or
for a FIFO (opening it without ``O_NONBLOCK`` would wait forever).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

from . import builders as b
from .builders import Builder, Setup
from .case import Case, case_row


def _bag(change: Callable[[Path, Path], None]) -> Builder:
    """A bag of three pages, then ``change(bag, outside)``."""

    def build(case: Path) -> Setup:
        setup = b.standard(case)
        assert setup.manifest is not None
        bag = case / "bag"
        if b.quiet(["export", "bagit", str(setup.manifest), str(bag)]) != 0:
            raise RuntimeError("exporting the bag failed")
        outside = case / "outside"
        outside.mkdir(exist_ok=True)
        change(bag, outside)
        return Setup(root=bag)

    return build


def _to_link(name: str) -> Callable[[Path, Path], None]:
    def change(bag: Path, outside: Path) -> None:
        target = outside / name.replace("/", "_")
        shutil.move(bag / name, target)
        (bag / name).symlink_to(target)

    return change


def _to_fifo(name: str) -> Callable[[Path, Path], None]:
    def change(bag: Path, outside: Path) -> None:
        (bag / name).unlink()
        os.mkfifo(bag / name)

    return change


def _payload(change: Callable[[str], Callable[[Path, Path], None]]) -> Callable[[Path, Path], None]:
    def first(bag: Path, outside: Path) -> None:
        name = sorted(p.name for p in (bag / "data").iterdir())[0]
        change(f"data/{name}")(bag, outside)

    return first


def _data_subfolder_link(bag: Path, outside: Path) -> None:
    """A payload folder that is a symlink to a folder outside with the listed files."""
    data = bag / "data"
    sub = outside / "sub"
    sub.mkdir()
    name = sorted(p.name for p in data.iterdir())[0]
    shutil.move(data / name, sub / name)
    (data / "sub").symlink_to(sub)
    text = (bag / "manifest-sha256.txt").read_text(encoding="utf-8")
    (bag / "manifest-sha256.txt").write_text(
        text.replace(f"data/{name}", f"data/sub/{name}"), encoding="utf-8"
    )


def bag_cases() -> list[Case]:
    """One row per swapped entry: exit 2 for a tag file the import needs, else findings."""
    needed = ["bagit.txt", "manifest-sha256.txt", "bag-info.txt", "tagmanifest-sha256.txt"]
    cases = []
    for name in needed:
        stem = name.split(".")[0]
        cases.append(case_row(f"bag-{stem}-link-outside", "import", _bag(_to_link(name)), 2))
        cases.append(case_row(f"bag-{stem}-fifo", "import", _bag(_to_fifo(name)), 2))
    cases += [
        case_row("bag-data-link-outside", "import", _bag(_to_link("data")), 2),
        case_row(
            "bag-tag-file-link-outside",
            "import",
            _bag(_to_link("provenance-manifest.json")),
            1,
            "unreadable",
        ),
        case_row(
            "bag-tag-file-fifo",
            "import",
            _bag(_to_fifo("provenance-manifest.json")),
            1,
            "unreadable",
        ),
        # "changed": Payload-Oxum no longer adds up (the refused file counts 0 bytes), and
        # for the folder the edited manifest-sha256.txt no longer matches the tag manifest.
        case_row(
            "bag-payload-link-outside",
            "import",
            _bag(_payload(_to_link)),
            1,
            "changed",
            "unreadable",
        ),
        case_row(
            "bag-payload-fifo", "import", _bag(_payload(_to_fifo)), 1, "changed", "unreadable"
        ),
        case_row(
            "bag-payload-dir-link-outside",
            "import",
            _bag(_data_subfolder_link),
            1,
            "changed",
            "missing",
            "unlisted",
        ),
    ]
    return cases
