"""Atomic, locked writes: a result is the old file or the new one, never half of either.

A writer takes ``<target>.lock`` with ``O_CREAT|O_EXCL`` (exactly one of two concurrent
writers wins), writes ``.<name>.tmp-<pid>`` in the same folder, fsyncs it, renames it over
the target and fsyncs the folder. Temp files left by a killed writer are removed by the
next writer once their process is gone.
"""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Iterator

from provenance.errors import LockedError, OutputError


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _clean_stale(folder: str, name: str) -> None:
    prefix = f".{name}.tmp-"
    with contextlib.suppress(OSError), os.scandir(folder) as it:
        for item in it:
            if item.name.startswith(prefix):
                pid = item.name[len(prefix) :]
                if not pid.isdigit() or not _alive(int(pid)):
                    with contextlib.suppress(OSError):
                        os.unlink(item.path)


@contextlib.contextmanager
def _lock(target: str) -> Iterator[None]:
    lock = target + ".lock"
    try:
        fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
    except FileExistsError:
        holder = ""
        with contextlib.suppress(OSError, ValueError), open(lock, encoding="ascii") as f:
            holder = f.read().strip()
        if holder.isdigit() and not _alive(int(holder)):
            # A writer killed mid-write leaves its lock; its process is gone, so take over.
            os.unlink(lock)
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        else:
            raise LockedError(
                "another provenance process is writing this file",
                where=target,
                hint=f"wait for it, or remove {lock} if no such process runs",
            ) from None
    try:
        os.write(fd, str(os.getpid()).encode())
        os.close(fd)
        yield
    finally:
        with contextlib.suppress(OSError):
            os.unlink(lock)


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
            fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
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
        with contextlib.suppress(OSError):
            dfd = os.open(folder, os.O_RDONLY)
            try:
                os.fsync(dfd)
            finally:
                os.close(dfd)
