"""Work on the other core while verify does its own: loading manifests, or walking a folder.

Reading a manifest and reading the folder it describes need nothing of each other until
they are compared. So, when verify may use more than one core, a forked child does one
while this process does the other, on the first folder, whose name it takes from the
manifest's first lines (``peek_folder``; the layout ``provenance manifest`` writes puts it
there):

* verify hashes the folder here while a child loads the manifests (hashing is the longer);
* ``verify --fast`` loads the manifests here while a child walks the folder, reading each
  file's size (the manifest is the longer).

The child hands back only what verify keeps (:class:`~provenance.listing.Listed` rows or
:class:`~provenance.folder.Entry` tuples, by ``marshal``: the same interpreter on both
ends). It decides nothing: when it fails for any reason, the work is done again here, so
every error is raised by the same code, with the same message, as without it.
"""

from __future__ import annotations

import gc
import marshal
import os
import signal
import stat
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import repeat
from typing import Any, Generic, TypeVar

from provenance import folder as folders
from provenance.errors import UnsafePathError
from provenance.listing import STREAM_ABOVE, Listed, Listing, whole

T = TypeVar("T")

#: Manifests smaller than this are loaded here: a fork costs more than they take to read.
ALONGSIDE_ABOVE = 1 << 20
_PEEK = 64 << 10


@dataclass(frozen=True)
class Peeked:
    """What a manifest's first lines say, before it is checked: hints, never trusted."""

    folder: str
    total_bytes: int | None


def peek_folder(path: str) -> Peeked | None:
    """The ``folder`` (and ``total_bytes``) from the header lines; None if not found there."""
    import orjson

    try:
        with open(path, "rb") as handle:
            head = handle.read(_PEEK)
    except OSError:
        return None
    found: dict[str, object] = {}
    for line in head.split(b"\n")[1:]:
        if line.startswith(b' "files"'):
            break
        try:
            found.update(orjson.loads(b"{" + line.rstrip(b",") + b"}"))
        except (orjson.JSONDecodeError, TypeError, ValueError):
            return None
    folder, total = found.get("folder"), found.get("total_bytes")
    if not isinstance(folder, str):
        return None
    try:
        folders.safe_folder(folder)
    except UnsafePathError:
        return None
    return Peeked(folder, total if isinstance(total, int) else None)


class Child(Generic[T]):
    """Work done by a child process; :meth:`result` collects it (None: do it here)."""

    def __init__(self, pid: int, fd: int, convert: Callable[[Any], T]) -> None:
        self._pid: int | None = pid
        self._fd = fd
        self._convert = convert

    def result(self) -> T | None:
        """What the child made, or None when it failed (the caller does the work then)."""
        chunks = []
        fd, self._fd = self._fd, -1  # closed by the file object, whatever happens
        with open(fd, "rb", closefd=True) as pipe:
            while chunk := pipe.read(1 << 20):
                chunks.append(chunk)
        status = self._reap()
        if status != 0:
            return None
        try:
            return self._convert(marshal.loads(b"".join(chunks)))
        except (EOFError, ValueError, TypeError):
            return None

    def close(self) -> None:
        """Stop the child if it is still running (an error here cut verify short)."""
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
        if self._pid is None:
            return
        os.kill(self._pid, signal.SIGKILL)
        self._reap()

    def _reap(self) -> int:
        pid, self._pid = self._pid, None
        if pid is None:
            return -1
        _, status = os.waitpid(pid, 0)
        return os.waitstatus_to_exitcode(status)


Loader = Child[list[Listing]]


def _listings(loaded: Any) -> list[Listing]:
    return [
        Listing(folder, version, scheme, [Listed._make(row) for row in rows])
        for folder, version, scheme, rows in loaded
    ]


def _entries(walked: Any) -> list[folders.Entry]:
    return list(map(tuple.__new__, repeat(folders.Entry), walked))


def _can_fork() -> bool:
    # A fork copies only the calling thread: a lock another thread held (a progress
    # bar's, the terminal's) would stay locked in the child.
    return hasattr(os, "fork") and threading.active_count() == 1


def _fork(work: Callable[[], Any], convert: Callable[[Any], T]) -> Child[T]:
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child; its effect is tested through verify
        os.close(read)
        _child(work, write)
    os.close(write)
    return Child(pid, read, convert)


def start_walk(root: str) -> Child[list[folders.Entry]] | None:
    """Fork a child walking ``root`` with sizes (``verify --fast``), when it can; else None.

    For ``--fast`` the manifest is the longer task (reading it costs about twice the walk
    of the folder it lists), so it is loaded here, where nothing is copied back, while
    the child walks.
    """
    if not _can_fork():
        return None
    return _fork(lambda: [tuple(e) for e in folders.walk(root, sizes=True)], _entries)


def start(paths: Sequence[str], *, deep: bool) -> Loader | None:
    """Fork a child loading ``paths``, when it pays and is safe; else None."""
    if not _can_fork():
        return None
    try:
        found = [os.stat(p) for p in paths]
    except OSError:
        return None
    if not all(stat.S_ISREG(f.st_mode) for f in found):
        return None  # a FIFO or device: refused by the reader, never opened here
    sizes = [f.st_size for f in found]
    if sum(sizes) < ALONGSIDE_ABOVE or max(sizes) > STREAM_ABOVE:
        # Streamed manifests are read to keep memory bounded: not a second copy in a child.
        return None
    keep: list[object] = []  # the parsed documents, not freed one object at a time

    def load() -> Any:
        listings = [whole(p, deep, keep=keep) for p in paths]
        return [
            (li.folder, li.extractor_version, li.name_scheme, [tuple(f) for f in li.files])
            for li in listings
        ]

    return _fork(load, _listings)


def _child(work: Callable[[], Any], fd: int) -> None:  # pragma: no cover
    code = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        gc.disable()  # nothing here is in a cycle, and the process ends in a moment
        payload = marshal.dumps(work())
        with open(fd, "wb", closefd=True) as pipe:
            pipe.write(payload)
        code = 0
    except BaseException:  # noqa: B036 - whatever it is, the parent loads again and says it
        pass
    finally:
        os._exit(code)
