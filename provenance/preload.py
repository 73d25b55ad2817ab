"""Loading manifests in a child process while verify reads the folder they describe.

Parsing, proving and schema-checking a 20,000-record manifest costs about as much CPU as
hashing the 150 MB it lists, and neither needs the other until they are compared. So,
when verify may use more than one core, a forked child loads the manifests while this
process walks and hashes the first folder, whose name it takes from the manifest's first
lines (``peek_folder``; the layout ``provenance manifest`` writes puts it there). The child
hands back only what verify keeps (:class:`~provenance.listing.Listed` rows, by
``marshal``: the same interpreter on both ends).

The child decides nothing: when it fails for any reason, the manifests are loaded again
here, so every error is raised by the same code, with the same message, as without it.
"""

from __future__ import annotations

import gc
import marshal
import os
import signal
import stat
import threading
from collections.abc import Sequence
from dataclasses import dataclass

from provenance import folder as folders
from provenance.errors import UnsafePathError
from provenance.listing import STREAM_ABOVE, Listed, Listing, whole

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


class Loader:
    """Manifests being loaded by a child process; :meth:`result` collects them."""

    def __init__(self, pid: int, fd: int) -> None:
        self._pid: int | None = pid
        self._fd = fd

    def result(self) -> list[Listing] | None:
        """The loaded listings, or None when the child failed (load them here then)."""
        chunks = []
        fd, self._fd = self._fd, -1  # closed by the file object, whatever happens
        with open(fd, "rb", closefd=True) as pipe:
            while chunk := pipe.read(1 << 20):
                chunks.append(chunk)
        status = self._reap()
        if status != 0:
            return None
        try:
            loaded = marshal.loads(b"".join(chunks))
        except (EOFError, ValueError, TypeError):
            return None
        return [
            Listing(folder, version, scheme, [Listed._make(row) for row in rows])
            for folder, version, scheme, rows in loaded
        ]

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


def start(paths: Sequence[str], *, deep: bool) -> Loader | None:
    """Fork a child loading ``paths``, when it pays and is safe; else None."""
    if not hasattr(os, "fork") or threading.active_count() > 1:
        # A fork copies only the calling thread: a lock another thread held (a progress
        # bar's, the terminal's) would stay locked in the child.
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
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child; its effect is tested through verify
        os.close(read)
        _child(paths, deep, write)
    os.close(write)
    return Loader(pid, read)


def _child(paths: Sequence[str], deep: bool, fd: int) -> None:  # pragma: no cover
    code = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        gc.disable()  # nothing here is in a cycle, and the process ends in a moment
        keep: list[object] = []
        listings = [whole(p, deep, keep=keep) for p in paths]
        payload = marshal.dumps(
            [
                (li.folder, li.extractor_version, li.name_scheme, [tuple(f) for f in li.files])
                for li in listings
            ]
        )
        with open(fd, "wb", closefd=True) as pipe:
            pipe.write(payload)
        code = 0
    except BaseException:  # noqa: B036 - whatever it is, the parent loads again and says it
        pass
    finally:
        os._exit(code)
