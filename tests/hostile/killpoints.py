"""SIGKILL at every system call of the manifest write, delivered by the kernel via strace.

A calibration run of ``python -m provenance manifest`` under ``strace -f`` lists every
system call from the open of ``<target>.lock`` to the end: lock, flock, pid write, stale
temp scan, temp open, write, fsync, close, rename, folder fsync, lock unlink. Each becomes
one kill point: the run is repeated with ``strace -e inject=NAME:signal=KILL:when=N``
(N: that call's number among all calls of NAME since the start), so the kernel kills
the process as it enters exactly that call. The production code knows nothing of this.

Each point's log must show the process died entering its N-th NAME call; a point that
landed elsewhere (the run was not the same as the calibration) is reported as missed,
never counted as survived. Without strace, :func:`python_points` kills at every
``os``/``fcntl`` call of ``write_atomic`` in a forked child instead, and says so.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from .guard import REPO

STRACE = shutil.which("strace")
# Every call the write makes is in one of these classes (openat, write, fsync, flock,
# ftruncate, newfstatat, getdents64, rename, unlink, close).
TRACED = "trace=%file,%desc,flock,fsync,fdatasync"
_LINE = re.compile(r"^(\d+) +(?:<\.\.\. )?(\w+)[( ]")


@dataclass(frozen=True)
class Point:
    """One system call of the write: its name, its number among calls of that name."""

    name: str
    ordinal: int
    shown: str  # the calibration line, for reports

    def __str__(self) -> str:
        return f"{self.name}#{self.ordinal} {self.shown[:90]}"


def _cmd(argv: list[str], log: Path, extra: list[str]) -> list[str]:
    assert STRACE is not None
    # no --seccomp-bpf: with it, strace 6.1 traced the call but did not inject the signal
    return [STRACE, "-f", "-qq", "-o", str(log), *extra, sys.executable]


def _env() -> dict[str, str]:
    from .faults import child_env

    return child_env()


def _run(cmd: list[str]) -> int:
    done = subprocess.run(
        cmd,
        cwd=REPO,
        env=_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=120,
        check=False,
    )
    return done.returncode


def _calls(log: Path) -> list[tuple[str, str]]:
    """(name, line) of every call entered, in order; resumed halves are not new calls."""
    found = []
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        match = _LINE.match(line)
        if match and "resumed>" not in line:
            found.append((match.group(2), line[match.end(1) :].strip()))
    return found


def calibrate(argv: list[str], target: Path, scratch: Path) -> list[Point] | str:
    """Every system call of the write in one complete run, or why there are none."""
    if STRACE is None:
        return "strace not found"
    log = scratch / "calibrate.strace"
    code = _run([*_cmd(argv, log, ["-e", TRACED]), "-m", "provenance", *argv])
    if code != 0:
        return f"the strace calibration run exited {code}"
    lock = f'{target.name}.lock"'
    counts: dict[str, int] = {}
    points: list[Point] = []
    for name, line in _calls(log):
        counts[name] = counts.get(name, 0) + 1
        if not points and not (name == "openat" and lock in line):
            continue
        points.append(Point(name, counts[name], line))
    return points or f"no open of {target.name}.lock in the strace log"


def kill_at(argv: list[str], point: Point, scratch: Path) -> str | None:
    """Run once, killed entering ``point``; None if it died there, else what happened."""
    log = scratch / "kill.strace"
    inject = f"inject={point.name}:signal=KILL:when={point.ordinal}"
    extra = ["-e", f"trace={point.name}", "-e", inject]
    code = _run([*_cmd(argv, log, extra), "-m", "provenance", *argv])
    text = log.read_text(encoding="utf-8", errors="replace")
    entered = sum(1 for name, _ in _calls(log) if name == point.name)
    if "killed by SIGKILL" not in text or entered != point.ordinal:
        return f"missed {point}: exit {code}, entered {entered} {point.name} calls"
    return None


def python_points(calls: int) -> list[int]:
    """Without strace: every counted call of ``write_atomic`` (and just after the last)."""
    return list(range(1, calls + 2))
