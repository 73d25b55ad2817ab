"""An audit hook that records every ``open`` (and directory listing) outside the allowed roots.

``sys.addaudithook`` cannot be removed, so the hook is installed once per process and is
inert until :func:`watching` names the roots of the case being run. Paths are resolved
the way the kernel would: fully, unless the open carries ``O_NOFOLLOW`` (then the last
component is not followed), so a symlink inside the root that is *followed* to a target
outside it counts as an open outside the root.
"""

from __future__ import annotations

import contextlib
import os
import sys
import sysconfig
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
_EVENTS = ("open", "os.scandir", "os.listdir")


class _State:
    allowed: tuple[str, ...] | None = None
    busy = False
    violations: list[str] = []


def _code_roots() -> tuple[str, ...]:
    # Python's own files and the package's code and schemas may be read (lazy imports,
    # schema loading); nothing else outside the case.
    names = ("stdlib", "platstdlib", "purelib", "platlib")
    roots = {os.path.realpath(sysconfig.get_paths()[n]) for n in names}
    roots |= {os.path.realpath(p) for p in sys.path if p.endswith(".zip")}
    roots |= {str(REPO / "provenance"), str(REPO / "schemas")}
    return tuple(sorted(roots))


CODE_ROOTS = _code_roots()


def _resolve(path: str, flags: int) -> str:
    if flags & os.O_NOFOLLOW:
        head, tail = os.path.split(os.path.abspath(path))
        return os.path.join(os.path.realpath(head), tail)
    return os.path.realpath(path)


def _inside(path: str, roots: tuple[str, ...]) -> bool:
    return any(path == r or path.startswith(r.rstrip("/") + "/") for r in roots)


def _hook(event: str, args: tuple[object, ...]) -> None:
    allowed = _State.allowed
    if allowed is None or _State.busy or event not in _EVENTS:
        return
    target = args[0] if args else None
    if target is None or isinstance(target, int):
        return  # an already-open descriptor
    flags = args[2] if event == "open" and len(args) > 2 and isinstance(args[2], int) else 0
    _State.busy = True
    try:
        path = os.fsdecode(os.fspath(target))  # type: ignore[arg-type]
        real = _resolve(path, flags)
        if not _inside(real, allowed):
            _State.violations.append(f"{event} {path!r} -> {real!r}")
    finally:
        _State.busy = False


def install() -> None:
    """Install the hook once in this process."""
    if not getattr(sys, "_provenance_hostile_hook", False):
        sys.addaudithook(_hook)
        sys._provenance_hostile_hook = True  # type: ignore[attr-defined]


@contextlib.contextmanager
def watching(*roots: str | Path) -> Iterator[list[str]]:
    """Record opens outside ``roots`` (and the code roots) while the block runs."""
    install()
    found: list[str] = []
    previous = (_State.allowed, _State.violations)
    _State.allowed = tuple(os.path.realpath(r) for r in roots) + CODE_ROOTS
    _State.violations = found
    try:
        yield found
    finally:
        _State.allowed, _State.violations = previous
