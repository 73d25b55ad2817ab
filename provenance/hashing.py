"""One streaming pass over a file: its SHA-256, its size, and the bytes extraction needs.

Files are never read whole: reads of ``CHUNK`` bytes feed the digest, while the first
``HEAD`` bytes and the last ``TAIL`` bytes are kept for extraction (the metadata of an
archived page sits near its top or its bottom). Memory per file is bounded whatever its size.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass

CHUNK = 1 << 20
HEAD = 2 << 20
TAIL = 256 << 10
_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)


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


class NotRegularFileError(OSError):
    """The path is not a regular file (symlink, FIFO, device, directory)."""


def digest_file(path: str, *, keep: bool = True) -> Digest:
    """Stream ``path`` once; refuse symlinks and special files without blocking on them."""
    fd = os.open(path, _FLAGS)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFileError(f"not a regular file: {path}")
        h = hashlib.sha256()
        head = bytearray()
        tail = b""
        size = 0
        with os.fdopen(fd, "rb", buffering=0, closefd=False) as handle:
            while chunk := handle.read(CHUNK):
                h.update(chunk)
                size += len(chunk)
                if keep:
                    room = HEAD - len(head)
                    if room > 0:
                        head += chunk[:room]
                        rest = chunk[room:]
                    else:
                        rest = chunk
                    if rest:
                        tail = (tail + rest)[-TAIL:]
        return Digest(size=size, sha256=h.hexdigest(), head=bytes(head), tail=tail)
    finally:
        os.close(fd)
