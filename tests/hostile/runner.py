"""Run one hostile case in-process under the audit hook and a timeout, and judge it.

A *crash* is an exception escaping ``main``, an ``internal error`` line, a hang, or
output that could not be written to a UTF-8 terminal. A *silent pass* is exit 0 with no
code where the case expects a finding. Anything else that differs from the row is a
*mismatch*. Every judgement is data in :class:`Outcome`.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import pickle
import shutil
import signal
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

from provenance import beneath
from provenance import folder as folders
from provenance.cli import main

from .builders import Setup
from .guard import paused, watching
from .table import WATCHED, Case

TIMEOUT = 20
NOBODY = 65534


@dataclass
class Outcome:
    """What happened when a case ran, and what was wrong with it."""

    name: str
    code: int | None = None
    codes: list[str] = field(default_factory=list)
    err: str = ""
    crash: str | None = None
    silent: bool = False
    opens: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    skipped: str | None = None

    @property
    def ok(self) -> bool:
        """True when the case behaved exactly as its row says."""
        return self.skipped is not None or not (
            self.crash or self.silent or self.opens or self.problems
        )


class Hang(Exception):
    """The command ran past the timeout (a FIFO opened, a loop followed)."""


@contextlib.contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """Raise :class:`Hang` in the main thread after ``seconds``."""

    def ring(signum: int, frame: FrameType | None) -> None:
        raise Hang(f"no answer after {seconds} s")

    old = signal.signal(signal.SIGALRM, ring)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def invoke(argv: list[str]) -> tuple[int | None, str, str, str | None]:
    """Run the CLI in-process: (exit code, stdout, stderr, crash description)."""
    out, err = io.StringIO(), io.StringIO()
    code: int | None = None
    crash = None
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as e:  # argparse's own usage errors
            code = e.code if isinstance(e.code, int) else 2
        except BaseException as e:  # noqa: BLE001 - whatever escapes is the finding
            crash = f"{type(e).__name__}: {e}"
    text = out.getvalue()
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as e:
        crash = crash or f"output cannot be printed: {e}"
    if "internal error" in err.getvalue():
        crash = crash or err.getvalue().strip()
    return code, text, err.getvalue(), crash


def _codes(command: str, out: str, output: Path) -> list[str]:
    if command in ("verify", "roundtrip", "import"):
        doc = json.loads(out) if out.strip() else {"results": []}
        return sorted({f["code"] for r in doc["results"] for f in r["findings"]})
    if command == "audit":
        records = json.loads(out) if out.strip() else []
    elif command == "manifest" and output.is_file():
        records = json.loads(output.read_bytes())["files"]
    else:
        return []
    return sorted({p["code"] for r in records for p in r["problems"]} & WATCHED)


def _argv(case: Case, setup: Setup, output: Path) -> list[str]:
    common = ["--format", "json", "-j", "1"]
    if case.command == "cli":
        assert setup.args is not None
        return setup.args
    if case.command == "audit":
        return ["audit", str(setup.root), *common]
    if case.command == "import":
        return ["import", "bagit", str(setup.root), "-o", str(output), *common]
    if case.command in ("manifest", "roundtrip"):
        return ["manifest", str(setup.root), "-o", str(output), *common]
    assert setup.manifest is not None
    return ["verify", *common, str(setup.manifest)]


def _walked(root: Path) -> set[str]:
    found = set()
    for top, _, files in os.walk(root):
        rel = os.path.relpath(top, root)
        found |= {name if rel == "." else f"{rel}/{name}" for name in files}
    return found


@contextlib.contextmanager
def racing(change: Callable[[], None] | None) -> Iterator[None]:
    """Make ``change`` once, right after the first walk of the folder returns its listing."""
    if change is None:
        yield
        return
    real = folders.walk
    done: list[bool] = []

    def walk_then_change(root: str, **how: bool) -> list[folders.Entry]:
        listing = real(root, **how)
        if not done:
            done.append(True)
            with paused():
                change()
        return listing

    folders.walk = walk_then_change  # type: ignore[assignment]
    try:
        yield
    finally:
        folders.walk = real  # type: ignore[assignment]
        if not done:
            raise AssertionError("the race never ran: the folder was not walked")


@contextlib.contextmanager
def midway(change: Callable[[], None] | None) -> Iterator[None]:
    """Make ``change`` once, right after the first file below a folder is opened."""
    if change is None:
        yield
        return
    real = beneath._regular
    done: list[bool] = []

    def opened_then_change(fd: int, shown: str) -> os.stat_result:
        info = real(fd, shown)
        if not done and "/" in shown:
            done.append(True)
            with paused():
                change()
        return info

    beneath._regular = opened_then_change
    try:
        yield
    finally:
        beneath._regular = real
        if not done:
            raise AssertionError("the race never ran: no file below a folder was opened")


def _execute(case: Case, case_dir: Path, setup: Setup) -> Outcome:
    outcome = Outcome(case.name)
    output = case_dir / "manifests" / "out.json"
    # the case's outside/ holds the targets of its hostile symlinks: never to be opened
    with (
        watching(case_dir, deny=(case_dir / "outside",)) as opens,
        racing(setup.during),
        midway(setup.midway),
    ):
        try:
            with deadline(TIMEOUT):
                code, out, err, crash = invoke(_argv(case, setup, output))
                if case.command == "roundtrip" and code == 0 and crash is None:
                    listed = {f["path"] for f in json.loads(output.read_bytes())["files"]}
                    if listed != _walked(setup.root):
                        outcome.problems.append(f"paths did not round-trip: {sorted(listed)!r}")
                    code, out, err, crash = invoke(["verify", "--format", "json", str(output)])
        except Hang as e:
            code, out, err, crash = None, "", "", f"hang: {e}"
    outcome.code, outcome.err, outcome.crash, outcome.opens = code, err, crash, list(opens)
    if crash is None:
        try:
            outcome.codes = _codes(case.command, out, output)
        except (ValueError, KeyError, TypeError) as e:
            outcome.problems.append(f"output not readable as JSON: {e}")
    return outcome


def _judge(case: Case, case_dir: Path, setup: Setup, outcome: Outcome) -> None:
    if outcome.crash:
        return
    if outcome.code != case.expect_exit:
        outcome.problems.append(f"exit {outcome.code}, expected {case.expect_exit}")
    if outcome.codes != list(case.expect_codes):
        outcome.problems.append(f"codes {outcome.codes}, expected {list(case.expect_codes)}")
    lines = outcome.err.strip().splitlines()
    usage = lines and lines[0].startswith("usage:")
    if (
        outcome.code in (2, 3)
        and not usage
        and not (len(lines) == 1 and lines[0].startswith("provenance: error: "))
    ):
        outcome.problems.append(f"not one clear line on stderr: {outcome.err!r}")
    outcome.silent = case.expects_finding and outcome.code == 0 and not outcome.codes
    for check in setup.checks:
        message = check(case_dir)
        if message:
            outcome.problems.append(message)
    out_dir = case_dir / "manifests"
    if out_dir.is_dir():
        left = [p.name for p in out_dir.iterdir() if ".tmp-" in p.name or p.suffix == ".lock"]
        if left:
            outcome.problems.append(f"left behind: {left}")


def _as_nobody(case: Case, case_dir: Path, setup: Setup) -> Outcome:
    """Run in a child that dropped root, so that file permissions apply."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            os.close(read)
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            result = _execute(case, case_dir, setup)
            with os.fdopen(write, "wb") as pipe:
                pipe.write(pickle.dumps(result))
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    if not data:
        return Outcome(case.name, crash="the unprivileged child died without a result")
    result: Outcome = pickle.loads(data)
    return result


def run_case(case: Case, base: Path) -> Outcome:
    """Build ``case`` under ``base`` and run it; never raises for a misbehaving command."""
    case_dir = base / case.name.replace("/", "_")
    case_dir.mkdir(parents=True)
    (case_dir / "manifests").mkdir(exist_ok=True)
    setup = case.build(case_dir)
    if setup.skip:
        return Outcome(case.name, skipped=setup.skip)
    if case.as_nobody and os.geteuid() == 0:
        # root reads a chmod-000 file anyway; a child that drops to nobody does not.
        for top, dirs, files in os.walk(case_dir):
            for name in [*dirs, *files]:
                with contextlib.suppress(OSError):
                    os.chown(os.path.join(top, name), NOBODY, NOBODY, follow_symlinks=False)
        os.chown(case_dir, NOBODY, NOBODY)
        outcome = _as_nobody(case, case_dir, setup)
    else:
        outcome = _execute(case, case_dir, setup)
    _judge(case, case_dir, setup, outcome)
    return outcome


@contextlib.contextmanager
def workspace() -> Iterator[Path]:
    """A scratch folder every user can traverse (the unprivileged cases need that)."""
    base = Path(tempfile.mkdtemp(prefix="provenance-hostile-"))
    base.chmod(0o755)
    try:
        yield base
    finally:
        for top, dirs, _ in os.walk(base):
            for name in dirs:
                path = os.path.join(top, name)
                if not os.path.islink(path):
                    with contextlib.suppress(OSError):
                        os.chmod(path, 0o755)
        shutil.rmtree(base, ignore_errors=True)


def summary(outcomes: list[Outcome]) -> dict[str, Any]:
    """Counts for the figures command."""
    ran = [o for o in outcomes if o.skipped is None]
    return {
        "inputs": len(ran),
        "skipped": len(outcomes) - len(ran),
        "crashes": sum(1 for o in ran if o.crash),
        "silent": sum(1 for o in ran if o.silent),
        "opens_outside": sum(len(o.opens) for o in ran),
        "mismatches": sum(1 for o in ran if o.problems),
    }
