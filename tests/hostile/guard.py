"""An audit hook that records every ``open`` (and directory listing) outside the allowed roots.

``sys.addaudithook`` cannot be removed, so the hook is installed once per process and is
inert until :func:`watching` names the roots of the case being run. Paths are resolved
the way the kernel would: fully, unless the open carries ``O_NOFOLLOW`` (then the last
component is not followed), so a symlink inside the root that is *followed* to a target
outside it counts as an open outside the root.

The ``open`` audit event does not carry ``dir_fd``, so an ``os.open(name, flags,
dir_fd=fd)`` would look like a path relative to the working folder. While watching,
``os.open`` is wrapped to judge such opens itself, against the folder the kernel says
``fd`` is (``/proc/self/fd``), and the hook leaves that one event alone. A listing of a
descriptor (``os.scandir(fd)``) is judged the same way, and so is an ``openat2`` call
(:mod:`provenance.beneath`, through ctypes: no audit event), by the file it opened.
"""

from __future__ import annotations

import contextlib
import os
import sys
import sysconfig
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from provenance import beneath

REPO = Path(__file__).resolve().parents[2]
_EVENTS = ("open", "os.scandir", "os.listdir")


class _State:
    allowed: tuple[str, ...] | None = None
    denied: tuple[str, ...] = ()  # inside an allowed root, yet outside the case's root
    busy = False
    violations: list[str] = []
    judged = threading.local()  # set while the os.open wrapper has judged the open itself


def _code_roots() -> tuple[str, ...]:
    # Python's own files and the package's code and schemas may be read (lazy imports,
    # schema loading); nothing else outside the case.
    names = ("stdlib", "platstdlib", "purelib", "platlib")
    roots = {os.path.realpath(sysconfig.get_paths()[n]) for n in names}
    roots |= {os.path.realpath(p) for p in sys.path if p.endswith(".zip")}
    roots |= {str(REPO / "provenance"), str(REPO / "schemas")}
    # an editable install keeps the package's metadata (entry points) beside its code
    roots |= {str(p) for p in REPO.glob("*.egg-info")}
    return tuple(sorted(roots))


CODE_ROOTS = _code_roots()


def _resolve(path: str, flags: int) -> str:
    if flags & os.O_NOFOLLOW:
        head, tail = os.path.split(os.path.abspath(path))
        return os.path.join(os.path.realpath(head), tail)
    return os.path.realpath(path)


def _inside(path: str, roots: tuple[str, ...]) -> bool:
    return any(path == r or path.startswith(r.rstrip("/") + "/") for r in roots)


def _fd_path(fd: int) -> str:
    """The folder or file the kernel says ``fd`` is open on."""
    try:
        return os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return f"<fd {fd}>"


def _judge(event: str, shown: str, real: str) -> None:
    allowed = _State.allowed
    if allowed is not None and (not _inside(real, allowed) or _inside(real, _State.denied)):
        _State.violations.append(f"{event} {shown!r} -> {real!r}")


def _hook(event: str, args: tuple[object, ...]) -> None:
    if _State.allowed is None or _State.busy or event not in _EVENTS:
        return
    if event == "open" and getattr(_State.judged, "on", False):
        _State.judged.on = False
        return
    target = args[0] if args else None
    if target is None or (isinstance(target, int) and event == "open"):
        return  # an already-open descriptor, judged when it was opened
    flags = args[2] if event == "open" and len(args) > 2 and isinstance(args[2], int) else 0
    _State.busy = True
    try:
        if isinstance(target, int):
            _judge(event, f"<fd {target}>", _fd_path(target))
        else:
            path = os.fsdecode(os.fspath(target))  # type: ignore[arg-type]
            _judge(event, path, _resolve(path, flags))
    finally:
        _State.busy = False


def _judging_dir_fd(real_open: Callable[..., int]) -> Callable[..., int]:
    """``os.open`` that judges ``dir_fd`` opens against the folder ``dir_fd`` is."""

    def open_(path: Any, flags: int, mode: int = 0o777, *, dir_fd: int | None = None) -> int:
        if dir_fd is not None and _State.allowed is not None and not _State.busy:
            name = os.fsdecode(os.fspath(path))
            base = _fd_path(dir_fd)
            _State.busy = True
            try:
                _judge("open", f"{name} (dir_fd {base})", _resolve(os.path.join(base, name), flags))
            finally:
                _State.busy = False
            _State.judged.on = True
        try:
            return real_open(path, flags, mode, dir_fd=dir_fd)
        finally:
            _State.judged.on = False

    return open_


def _judging_openat2(real: beneath.Openat2) -> beneath.Openat2:
    """openat2 (which no audit event reports) judged by the file it opened."""

    def openat2(dirfd: int, path: str, flags: int) -> int:
        fd = real(dirfd, path, flags)
        if _State.allowed is not None and not _State.busy:
            _State.busy = True
            try:
                _judge("openat2", f"{path} (dir_fd {_fd_path(dirfd)})", _fd_path(fd))
            finally:
                _State.busy = False
        return fd

    return openat2


def install() -> None:
    """Install the hook once in this process."""
    if not getattr(sys, "_provenance_hostile_hook", False):
        sys.addaudithook(_hook)
        sys._provenance_hostile_hook = True  # type: ignore[attr-defined]


@contextlib.contextmanager
def watching(*roots: str | Path, deny: tuple[str | Path, ...] = ()) -> Iterator[list[str]]:
    """Record opens outside ``roots`` (and the code roots), or inside ``deny``, while the
    block runs."""
    install()
    found: list[str] = []
    previous = (_State.allowed, _State.denied, _State.violations)
    real_open = os.open
    _State.allowed = tuple(os.path.realpath(r) for r in roots) + CODE_ROOTS
    _State.denied = tuple(os.path.realpath(d) for d in deny)
    _State.violations = found
    os.open = _judging_dir_fd(real_open)
    real_openat2 = beneath.kernel_openat2()
    if real_openat2 is not None:
        beneath._openat2 = _judging_openat2(real_openat2)
    try:
        yield found
    finally:
        os.open = real_open
        beneath._openat2 = real_openat2
        _State.allowed, _State.denied, _State.violations = previous


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """Let the test itself touch anything (a race's swap) without it counting."""
    before = _State.busy
    _State.busy = True
    try:
        yield
    finally:
        _State.busy = before
