"""Injected faults while a manifest is written: SIGKILL, a full disk, two writers at once.

Writers run in forked children (the code is imported once, so hundreds of trials stay
cheap) that call the real ``provenance`` entry point. The random trials: half the kills
land on a random call of ``write_atomic`` (open, write, fsync, rename, unlink, close,
flock...), half after a random delay. The kill points: one kill at *every* system call
of the write, by the kernel through strace (``killpoints.py``). Either way the manifest
must afterwards be the old one or the new one, byte for byte, and the next run must
succeed and leave no temp or lock file behind.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from provenance import atomic, schemas
from provenance import manifest as manifests
from provenance.cli import main

from . import killpoints
from .builders import pages
from .guard import REPO

COUNTED = (
    "open", "write", "fsync", "replace", "unlink", "close", "ftruncate", "scandir",
    "stat", "fstat", "mkdir",
)  # fmt: skip


@dataclass
class KillFigures:
    """SIGKILL trials: how many ran, survived, and landed inside the write."""

    trials: int = 0
    survived: int = 0
    inside_write: int = 0
    failures: list[str] = field(default_factory=list)
    points: int = 0  # kill points: one per system call of the write
    points_survived: int = 0
    points_how: str = ""  # "strace" or why the python-level calls were used instead
    landed: dict[str, int] = field(default_factory=dict)  # kill points by call name


def leftovers(folder: Path) -> list[str]:
    """Temp and lock files in ``folder``."""
    return sorted(p.name for p in folder.iterdir() if ".tmp-" in p.name or p.suffix == ".lock")


def _arm(kill_at: int | None, report: int | None) -> None:
    """In the child: count system calls, and SIGKILL ourselves before call ``kill_at``."""
    calls = [0]
    write, lseek = os.write, os.lseek

    def wrap(module: object, name: str) -> None:
        real = getattr(module, name)

        def counted(*args: object, **kw: object) -> object:
            calls[0] += 1
            if calls[0] == kill_at:
                os.kill(os.getpid(), signal.SIGKILL)
            if report is not None:
                lseek(report, 0, os.SEEK_SET)
                write(report, str(calls[0]).encode().ljust(12))
            return real(*args, **kw)

        setattr(module, name, counted)

    for name in COUNTED:
        wrap(os, name)
    wrap(fcntl, "flock")


def spawn(
    argv: list[str],
    *,
    kill_at: int | None = None,
    report: int | None = None,
    stderr: int | None = None,
    in_write: bool = False,
) -> int:
    """Fork a child that runs ``provenance ARGV`` with its output discarded; return its pid.

    ``kill_at`` counts system calls from the start, or from entering ``write_atomic``
    when ``in_write`` is set.
    """
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 3
        try:
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, 1)
            os.dup2(stderr if stderr is not None else null, 2)
            # pytest replaces sys.stdout/sys.stderr with capture objects: write to the fds.
            sys.stdout = open(1, "w", encoding="utf-8", closefd=False)
            sys.stderr = open(2, "w", encoding="utf-8", closefd=False)
            if in_write:
                real = atomic.write_atomic

                def armed(target: str, data: bytes) -> None:
                    _arm(kill_at, report)
                    real(target, data)

                manifests.write_atomic = armed  # type: ignore[assignment]
            else:
                _arm(kill_at, report)
            code = main(argv)
        finally:
            sys.stderr.flush()
            os._exit(code)
    return pid


def run_captured(argv: list[str]) -> tuple[int, str]:
    """Run the CLI in a forked child with stderr captured; (exit code, stderr)."""
    read, write = os.pipe()
    pid = spawn(argv, stderr=write)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        err = pipe.read().decode("utf-8", "replace")
    return wait(pid), err


def wait(pid: int) -> int:
    """Reap ``pid``; its exit code, or minus the signal that killed it."""
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def expected_bytes(root: Path, output: Path) -> bytes:
    """What a complete run writes for ``root`` now (the writer is deterministic)."""
    return manifests.dump(manifests.build(str(root), str(output), jobs=1))


def _calibrate(argv: list[str], scratch: Path) -> tuple[int, float]:
    """System calls inside write_atomic, and seconds, of one full run."""
    report = os.open(scratch, os.O_CREAT | os.O_RDWR | os.O_TRUNC, 0o600)
    try:
        start = time.perf_counter()
        code = wait(spawn(argv, report=report, in_write=True))
        seconds = time.perf_counter() - start
        os.lseek(report, 0, os.SEEK_SET)
        calls = int(os.read(report, 12).strip() or 0)
    finally:
        os.close(report)
    if code != 0:
        raise RuntimeError(f"calibration run failed with exit {code}")
    return calls, seconds


def _judge(figures: KillFigures, label: str, old: bytes, new: bytes, out: Path) -> bool:
    """After one kill: old or new bytes, and the next run recovers; record any failure."""
    now = out.read_bytes() if out.exists() else b"<missing>"
    figures.inside_write += bool(leftovers(out.parent))
    recovered = wait(spawn(_argv_for(out)))
    problems = []
    if now not in (old, new):
        problems.append(f"half a manifest ({len(now)} bytes)")
    if recovered != 0 or out.read_bytes() != new:
        problems.append(f"next run exit {recovered} or wrong bytes")
    if leftovers(out.parent):
        problems.append(f"left after the next run: {leftovers(out.parent)}")
    if problems:
        figures.failures.append(f"{label}: {'; '.join(problems)}")
    return not problems


def _argv_for(out: Path) -> list[str]:
    return ["manifest", str(out.parent.parent / "kill-root"), "-o", str(out), "-j", "1"]


def kill_trials(base: Path, trials: int, *, seed: int = 0, points: bool = True) -> KillFigures:
    """Kill ``provenance manifest`` at random points ``trials`` times, then (``points``)
    once at every system call of the write; judge every result."""
    rng = random.Random(seed)
    root, out = base / "kill-root", base / "kill-out" / "m.json"
    files = pages(root, 40)
    argv = _argv_for(out)
    expected_bytes(root, out)  # load the schemas once, before forking
    if wait(spawn(argv)) != 0:
        raise RuntimeError("the first manifest could not be written")
    calls, seconds = _calibrate(argv, base / "kill-calls")
    figures = KillFigures()
    state = [0]

    def change() -> tuple[bytes, bytes]:
        old = out.read_bytes()
        state[0] += 1
        files[state[0] % len(files)].write_bytes(f"state {state[0]}\n".encode())
        return old, expected_bytes(root, out)

    for trial in range(trials):
        old, new = change()
        if trial % 2:
            pid = spawn(argv)
            time.sleep(rng.uniform(0, seconds * 1.2))
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            wait(pid)
        else:
            # one of the calls of the write itself (or just after the last)
            wait(spawn(argv, kill_at=rng.randint(1, calls + 1), in_write=True))
        figures.trials += 1
        figures.survived += _judge(figures, f"trial {trial}", old, new, out)
    if points:
        _every_call(figures, argv, out, calls, change, base)
    return figures


def _every_call(
    figures: KillFigures,
    argv: list[str],
    out: Path,
    calls: int,
    change: Callable[[], tuple[bytes, bytes]],
    base: Path,
) -> None:
    """One kill at every system call of the write (strace), else at every os/fcntl call."""
    scratch = base / "strace"
    scratch.mkdir(exist_ok=True)
    found = killpoints.calibrate(argv, out, scratch)
    if isinstance(found, str):
        figures.points_how = f"python-level calls ({found})"
        for kill_at in killpoints.python_points(calls):
            old, new = change()
            wait(spawn(argv, kill_at=kill_at, in_write=True))
            figures.points += 1
            figures.points_survived += _judge(figures, f"call {kill_at}", old, new, out)
        return
    figures.points_how = "strace"
    for point in found:
        old, new = change()
        missed = killpoints.kill_at(argv, point, scratch)
        figures.points += 1
        figures.landed[point.name] = figures.landed.get(point.name, 0) + 1
        if missed:
            figures.failures.append(missed)
            _judge(figures, str(point), old, new, out)
        else:
            figures.points_survived += _judge(figures, str(point), old, new, out)


@contextlib.contextmanager
def tiny_tmpfs(where: Path, size: str = "64k") -> Iterator[Path | str]:
    """Mount a tiny tmpfs at ``where``; yield it, or the reason it could not be mounted."""
    where.mkdir(parents=True, exist_ok=True)
    try:
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.TimeoutExpired) as e:
        yield f"cannot run mount: {e}"
        return
    if done.returncode != 0:
        yield f"cannot mount a tmpfs (needs root or CAP_SYS_ADMIN): {done.stderr.strip()}"
        return
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True, timeout=10)


def child_env() -> dict[str, str]:
    """The environment for a ``python -m provenance`` child: this checkout's code first."""
    path = os.environ.get("PYTHONPATH", "")
    return {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (str(REPO), path) if p)}


def warm() -> None:
    """Load the schema validators before forking, so children do not each pay for it."""
    schemas.validator(manifests.MANIFEST_SCHEMA)
    schemas.validator(manifests.RECORD_SCHEMA)


def disk_full(base: Path) -> list[str] | str:
    """Write a manifest bigger than a 64 KiB tmpfs: problems found, or a skip reason."""
    warm()
    small, big = base / "small", base / "big"
    pages(small, 1)
    pages(big, 300)
    with tiny_tmpfs(base / "tiny") as mnt:
        if isinstance(mnt, str):
            return mnt
        out = mnt / "m.json"
        problems = []
        code, _ = run_captured(["manifest", str(small), "-o", str(out), "-j", "1"])
        old = out.read_bytes() if code == 0 else b""
        code, err = run_captured(["manifest", str(big), "-o", str(out), "-j", "1"])
        if code != 3 or len(err.strip().splitlines()) != 1 or "disk full" not in err:
            problems.append(f"full disk: exit {code}, stderr {err!r}")
        if not old or out.read_bytes() != old:
            problems.append("the old manifest was not kept intact")
        if leftovers(mnt):
            problems.append(f"left behind: {leftovers(mnt)}")
        filler = mnt / "filler"
        with contextlib.suppress(OSError), open(filler, "wb") as f:
            f.write(b"\0" * (1 << 20))  # fill every last block
        code, err = run_captured(["manifest", str(small), "-o", str(out), "-j", "1"])
        if code not in (0, 3) or (code == 3 and "disk full" not in err):
            problems.append(f"completely full disk: exit {code}, stderr {err!r}")
        filler.unlink()
        code, _ = run_captured(["manifest", str(small), "-o", str(out), "-j", "1"])
        if code != 0 or leftovers(mnt):
            problems.append(f"after space was freed: exit {code}, left {leftovers(mnt)}")
        return problems


def _slow_lock(ready: int, go: int) -> Callable[[str], contextlib.AbstractContextManager[None]]:
    real = atomic._lock

    @contextlib.contextmanager
    def slow(target: str) -> Iterator[None]:
        os.write(ready, b"r")
        os.read(go, 1)  # both writers are released at once
        with real(target):
            time.sleep(0.2)  # and the winner holds the lock long enough to be seen
            yield

    return slow


def contend(base: Path, rounds: int) -> list[str]:
    """Two writers on one output released together: exactly one wins; problems found."""
    roots = [base / "writer-a", base / "writer-b"]
    pages(roots[0], 3)
    pages(roots[1], 4)
    out = base / "contend" / "m.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    wanted = [expected_bytes(r, out) for r in roots]
    problems = []
    for trial in range(rounds):
        ready_r, ready_w = os.pipe()
        go_r, go_w = os.pipe()
        original = atomic._lock
        atomic._lock = _slow_lock(ready_w, go_r)  # type: ignore[assignment]
        try:
            pids = [spawn(["manifest", str(r), "-o", str(out), "-j", "1"]) for r in roots]
        finally:
            atomic._lock = original  # type: ignore[assignment]
        os.read(ready_r, 1)
        os.read(ready_r, 1)
        os.write(go_w, b"gg")
        codes = [wait(p) for p in pids]
        for fd in (ready_r, ready_w, go_r, go_w):
            os.close(fd)
        if sorted(codes) != [0, 3]:
            problems.append(f"round {trial}: exit codes {codes}, expected one 0 and one 3")
        elif out.read_bytes() != wanted[codes.index(0)]:
            problems.append(f"round {trial}: the manifest is not the winner's")
        if leftovers(out.parent):
            problems.append(f"round {trial}: left behind {leftovers(out.parent)}")
    return problems


def paired_launches(base: Path, rounds: int) -> list[str]:
    """Two real ``provenance manifest`` processes started together, without any help."""
    roots = [base / "pair-a", base / "pair-b"]
    pages(roots[0], 40)
    pages(roots[1], 41)
    out = base / "pair" / "m.json"
    wanted = [expected_bytes(r, out) for r in roots]
    env = child_env()
    problems = []
    for trial in range(rounds):
        procs = [
            subprocess.Popen(
                [sys.executable, "-m", "provenance", "manifest", str(r), "-o", str(out), "-j1"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
                env=env,
            )
            for r in roots
        ]
        results = [(p.wait(timeout=60), p.stderr.read() if p.stderr else "") for p in procs]
        for p in procs:
            if p.stderr:
                p.stderr.close()
        for code, err in results:
            if code == 3 and len(err.strip().splitlines()) != 1:
                problems.append(f"round {trial}: the loser said more than one line: {err!r}")
            elif code not in (0, 3):
                problems.append(f"round {trial}: exit {code}: {err!r}")
        if 0 not in [c for c, _ in results] or out.read_bytes() not in wanted:
            problems.append(f"round {trial}: no complete manifest from either writer")
        if leftovers(out.parent):
            problems.append(f"round {trial}: left behind {leftovers(out.parent)}")
    return problems


def reruns(base: Path) -> list[str]:
    """The same folder written twice (and with two workers) gives the same bytes."""
    warm()
    root = base / "rerun"
    pages(root, 70)  # enough files for the worker pool to be used
    (root / "sub dir\n%41").mkdir()
    (root / "sub dir\n%41" / "caf\u00e9.txt").write_bytes(b"x\r\n")
    outs = [base / "rerun-out" / f"m{i}.json" for i in range(3)]
    problems = []
    for out, jobs in zip(outs, ("1", "1", "2"), strict=True):
        code, err = run_captured(["manifest", str(root), "-o", str(out), "-j", jobs])
        if code != 0:
            problems.append(f"run with -j {jobs}: exit {code} {err!r}")
    if not problems and len({o.read_bytes() for o in outs}) != 1:
        problems.append("re-runs are not byte-identical")
    return problems
