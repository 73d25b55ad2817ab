"""One streaming pass over a file: its SHA-256, its size, and the bytes extraction needs.

Files are never read whole: reads of at most ``CHUNK`` bytes feed the digest, while the
first ``HEAD`` bytes and the last ``TAIL`` bytes are kept for extraction (the metadata of an
archived page sits near its top or its bottom). Memory per file is bounded whatever its
size: a read, the head and the tail, about 3.3 MB.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass

from provenance import beneath
from provenance.beneath import NotRegularFileError as NotRegularFileError

CHUNK = 1 << 20
HEAD = 2 << 20
TAIL = 256 << 10


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
    root: str, path: str, buffer: bytearray, *, below: beneath.Below | None = None
) -> bytes:
    """The raw SHA-256 of ``path`` below ``root``, for verify: one open, fstat, read and
    close per page (no folder on the way followed, :mod:`provenance.beneath`).

    A file that fits in ``buffer`` is read with one call (into the buffer, no new bytes
    object); a larger one streams through it, and the digest of each full buffer runs
    with the GIL released, so threads hash large files on every core. Refuses what
    :func:`digest_file` refuses. ``below`` (of ``root``) opens a nested path in one call.
    """
    fd, info = beneath.open_regular(root, path) if below is None else below.open_regular(path)
    try:
        view = memoryview(buffer)
        # size + 1 shows EOF at once for a file that fits: a short read of a regular file
        # is its end. Reads go on until EOF whatever fstat said (the file may grow).
        want = min(len(buffer), info.st_size + 1)
        got = os.readv(fd, [view[:want]])
        h = hashlib.sha256(view[:got])
        while got == want:
            want = len(buffer)
            got = os.readv(fd, [buffer])
            h.update(view[:got])
        return h.digest()
    finally:
        os.close(fd)


def _stream(fd: int, size_hint: int, *, keep: bool) -> Digest:
    h = hashlib.sha256()
    head = b""
    tail = b""
    size = 0
    # A page of 8 KB is read with one call of 8 KB + 1 (the +1 shows EOF at once: a short
    # read of a regular file is its end) rather than into a fresh megabyte; large files go
    # by CHUNK. Reads stop at EOF whatever fstat said, so a file that grows or shrinks
    # meanwhile is still hashed as read.
    want = min(CHUNK, size_hint + 1)
    while chunk := os.read(fd, want):
        h.update(chunk)
        size += len(chunk)
        if keep:
            room = HEAD - len(head)
            if room > 0:
                head += chunk[:room]
            rest = chunk[max(room, 0) :] if room > 0 else chunk
            if len(rest) >= TAIL:
                tail = rest[-TAIL:]
            elif rest:
                tail = (tail + rest)[-TAIL:]
        if len(chunk) < want:  # a short read of a regular file is its end: save a call
            break
        want = CHUNK
    return Digest(size=size, sha256=h.hexdigest(), head=head, tail=tail)
