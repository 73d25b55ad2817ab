"""Atomic, locked writes: a result is the old file or the new one, never half of either.

A writer creates ``<target>.lock`` and takes an exclusive, non-blocking ``flock`` on it
(exactly one of two concurrent writers wins; the other is told at once), writes
``.<name>.tmp-<pid>`` in the same folder, fsyncs it, renames it over the target and fsyncs
the folder. The kernel drops a ``flock`` when its holder dies, so a writer killed at any
point (even between creating the lock and writing its pid into it, which left an empty
lock that looked held with a plain ``O_CREAT|O_EXCL`` lock) never blocks the next one.
Only the lock holder writes temp files, so the next writer removes any it finds.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
from collections.abc import Iterator

from provenance.errors import LockedError, OutputError


def _clean_stale(folder: str, name: str) -> None:
    # Called with the lock held: any temp file of this target belongs to a dead writer.
    prefix = f".{name}.tmp-"
    with contextlib.suppress(OSError), os.scandir(folder) as it:
        for item in it:
            if item.name.startswith(prefix):
                with contextlib.suppress(OSError):
                    os.unlink(item.path)


def _open_lock(lock: str) -> int:
    """Open and ``flock`` the lock file; retry if it was replaced while we waited."""
    while True:
        fd = os.open(lock, os.O_CREAT | os.O_RDWR | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise
        try:
            same = os.path.samestat(os.fstat(fd), os.stat(lock, follow_symlinks=False))
        except FileNotFoundError:
            same = False
        if same:
            return fd
        # The previous holder removed the file between our open and our flock: the lock
        # we hold guards nothing, so take the new file instead.
        os.close(fd)


@contextlib.contextmanager
def _lock(target: str) -> Iterator[None]:
    lock = target + ".lock"
    try:
        fd = _open_lock(lock)
    except BlockingIOError:
        raise LockedError(
            "another provenance process is writing this file",
            where=target,
            hint="wait for it to finish and run again",
        ) from None
    except OSError as e:
        raise OutputError(f"cannot create lock file: {e.strerror}", where=lock) from e
    try:
        # The pid only helps a person who finds the file; the flock is the lock itself,
        # so a full disk that refuses these few bytes must not stop the write.
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
            os.write(fd, str(os.getpid()).encode())
        yield
    finally:
        # Unlink while still holding the lock, so no other writer can be inside it.
        with contextlib.suppress(OSError):
            os.unlink(lock)
        os.close(fd)


def fsync_dir(folder: str) -> None:
    """Make a rename in ``folder`` durable (best effort: some file systems refuse)."""
    with contextlib.suppress(OSError):
        dfd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)


def write_atomic(target: str, data: bytes) -> None:
    """Replace ``target`` with ``data`` atomically and durably, under a lock."""
    folder = os.path.dirname(os.path.abspath(target))
    name = os.path.basename(target)
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as e:
        raise OutputError(f"cannot create folder: {e.strerror}", where=folder) from e
    with _lock(target):
        _clean_stale(folder, name)
        tmp = os.path.join(folder, f".{name}.tmp-{os.getpid()}")
        try:
            fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_CLOEXEC, 0o644)
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view) :]
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(tmp, target)
        except OSError as e:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            what = "disk full" if e.errno == errno.ENOSPC else (e.strerror or str(e))
            raise OutputError(
                f"cannot write: {what}",
                where=target,
                hint="the previous file, if any, is unchanged",
            ) from e
        fsync_dir(folder)
