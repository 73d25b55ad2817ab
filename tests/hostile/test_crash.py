"""Crash safety: SIGKILL at random points and at every system call of the write, a full
disk, two writers, re-runs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from testkit import missing_tool

from . import faults, killpoints
from .profiles import current


def test_sigkill_leaves_the_old_or_the_new_manifest(tmp_path: Path) -> None:
    trials = current().kill_trials
    figures = faults.kill_trials(tmp_path, trials, seed=1)
    assert figures.failures == []
    assert figures.survived == figures.trials == trials
    assert figures.points_survived == figures.points > 0
    assert figures.inside_write > 0, "no kill landed inside the write; the trials prove little"
    if killpoints.STRACE is None:  # every os/fcntl call of write_atomic instead
        if os.environ.get("PROVENANCE_REQUIRE_TOOLS") == "1":
            missing_tool("strace not found: tests/hostile/setup_strace.sh installs it")
        assert figures.points_how.startswith("python-level calls")
        return
    assert figures.points_how == "strace"
    # lock, temp write, fsync, rename, folder fsync, lock removal: each was a kill point
    for call in ("openat", "flock", "write", "fsync", "close", "rename", "unlink"):
        assert figures.landed.get(call, 0) >= 1, f"no kill point at {call}: {figures.landed}"
    assert figures.landed["fsync"] >= 2, "the temp file's fsync and the folder's"


def test_disk_full_keeps_the_old_manifest_and_no_temp(tmp_path: Path) -> None:
    problems = faults.disk_full(tmp_path)
    if isinstance(problems, str):
        pytest.skip(problems)
    assert problems == []


def test_two_writers_at_once_exactly_one_wins(tmp_path: Path) -> None:
    assert faults.contend(tmp_path, rounds=3) == []


def test_reruns_are_byte_identical(tmp_path: Path) -> None:
    assert faults.reruns(tmp_path) == []
