"""Shared fixtures: the bundled seeds, copies of them, and a CLI runner."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from testkit import SEEDS, Run

from provenance.cli import main


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    """Run ``provenance ARGS`` in-process and capture its output."""

    def run(*args: str) -> Run:
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


@pytest.fixture
def seeds_copy(tmp_path: Path) -> Path:
    """A writable copy of the seeds with a manifest of its own at tmp/manifests/seeds.json."""
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    for f in folder.iterdir():
        f.chmod(0o644)
    assert main(["manifest", str(folder), "-o", str(tmp_path / "manifests" / "seeds.json")]) == 0
    return folder
