"""One streaming pass over a file: its SHA-256, its size, and the bytes extraction needs.

Files are never read whole: reads of at most ``CHUNK`` bytes feed the digest, while the
first ``HEAD`` bytes and the last ``TAIL`` bytes are kept for extraction (the metadata of an
archived page sits near its top or its bottom). Memory per file is bounded whatever its
size: a read, the head and the tail, about 3.3 MB. Reads go into one page-aligned buffer a
thread (:func:`page_aligned`, :func:`thread_buffer`).
"""

from __future__ import annotations

import hashlib
import mmap
import os
import threading
from dataclasses import dataclass

from provenance import beneath
from provenance.beneath import NotRegularFileError as NotRegularFileError

CHUNK = 1 << 20
HEAD = 2 << 20
TAIL = 256 << 10
_local = threading.local()


@dataclass(frozen=True)
class Digest:
    """A file's size and digest, with its head (and tail when the file is larger than HEAD)."""

    size: int
    sha256: str
    head: bytes
    tail: bytes

    @property
    def sample(self) -> bytes:
        """The bytes extraction reads: the whole file, or its head and tail."""
        return self.head if not self.tail else self.head + b"\n" + self.tail


def page_aligned(size: int = CHUNK) -> memoryview:
    """A writable buffer of ``size`` bytes that starts on a page boundary, for reads.

    Where the buffer starts decides what a read costs: the kernel copies a page-aligned
    page-cache page into it, and a destination 16 bytes past a boundary (where a
    ``bytearray`` of a megabyte starts: the allocator's header) made each read cost
    three times the system time on the two-core guest of benchmarks/RESULTS.md, 35% of
    the wall time of hashing a large file. Anonymous memory from ``mmap`` starts on a
    page. Private, so a forked worker writes to its own copy; the file itself is never
    mapped (a file truncated under a mapping would kill the process with SIGBUS).
    """
    return memoryview(mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE))


def digest_file(
    path: str,
    *,
    keep: bool = True,
    root: str | None = None,
    below: beneath.Below | None = None,
) -> Digest:
    """Stream ``path`` once; refuse symlinks and special files without blocking on them.

    With ``root``, ``path`` is relative to it and no folder on the way is followed
    (:mod:`provenance.beneath`; ``below``, of ``root``, opens a nested path in one call);
    without, only the last component is checked.
    """
    if root is None:
        fd, info = beneath.open_path(path)
    elif below is None:
        fd, info = beneath.open_regular(root, path)
    else:
        fd, info = below.open_regular(path)
    try:
        return _stream(fd, info.st_size, keep=keep)
    finally:
        os.close(fd)


def sha256_file(
    root: str, path: str, buffer: memoryview, *, below: beneath.Below | None = None
) -> bytes:
    """The raw SHA-256 of ``path`` below ``root``, for verify: one open, fstat, read and
    close per page (no folder on the way followed, :mod:`provenance.beneath`).

    A file that fits in ``buffer`` (best :func:`page_aligned`) is read with one call (into
    the buffer, no new bytes object); a larger one streams through it, and the digest of
    each full buffer runs with the GIL released, so threads hash large files on every
    core. Refuses what :func:`digest_file` refuses. ``below`` (of ``root``) opens a nested
    path in one call.
    """
    fd, info = beneath.open_regular(root, path) if below is None else below.open_regular(path)
    try:
        # size + 1 shows EOF at once for a file that fits: a short read of a regular file
        # is its end. Reads go on until EOF whatever fstat said (the file may grow).
        want = min(len(buffer), info.st_size + 1)
        got = os.readv(fd, [buffer[:want]])
        h = hashlib.sha256(buffer[:got])
        while got == want:
            want = len(buffer)
            got = os.readv(fd, [buffer])
            h.update(buffer[:got])
        return h.digest()
    finally:
        os.close(fd)


def thread_buffer() -> memoryview:
    """This thread's :func:`page_aligned` buffer of ``CHUNK`` bytes, made on first use."""
    found: memoryview | None = getattr(_local, "buffer", None)
    if found is None:
        found = _local.buffer = page_aligned(CHUNK)
    return found


def _stream(fd: int, size_hint: int, *, keep: bool) -> Digest:
    h = hashlib.sha256()
    head = b""
    tail = b""
    size = 0
    buffer = thread_buffer()
    # A page of 8 KB is read with one call of 8 KB + 1 (the +1 shows EOF at once: a short
    # read of a regular file is its end) rather than a whole megabyte; large files go by
    # CHUNK. Reads stop at EOF whatever fstat said, so a file that grows or shrinks
    # meanwhile is still hashed as read.
    want = min(CHUNK, size_hint + 1)
    while got := os.readv(fd, [buffer[:want]]):
        chunk = buffer[:got]
        h.update(chunk)
        size += got
        if keep:
            room = HEAD - len(head)
            if room > 0:
                head += chunk[:room]
            rest = chunk[max(room, 0) :] if room > 0 else chunk
            if len(rest) >= TAIL:
                tail = bytes(rest[-TAIL:])
            elif rest:
                tail = (tail + rest)[-TAIL:]
        if got < want:  # a short read of a regular file is its end: save a call
            break
        want = CHUNK
    return Digest(size=size, sha256=h.hexdigest(), head=head, tail=tail)
