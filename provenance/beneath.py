"""Opening a path below a root so that nothing on the way can lead out of it.

A path such as ``sub/page.txt`` is opened one component at a time, each relative to the
descriptor of the folder before it (the first by the root's path), with ``O_NOFOLLOW``:
a folder that is swapped for a symlink after the walk listed it (a race an attacker can
win) fails with ``ELOOP`` instead of being followed, so the tool never reads outside the
root. Opening the full path with ``O_NOFOLLOW`` alone checks the last component only.
Files are opened ``O_NONBLOCK`` and checked with ``fstat`` before a byte is read, so a
file swapped for a FIFO never blocks.

The root itself is the one the user named and may be reached through symlinks.

Cost: a file at the top of the root takes one ``open``, as opening it by path did; each
folder level below adds an ``open`` and a ``close`` (about 4 us a level here: verify of
20,000 pages two folders deep took about a quarter longer; of a flat folder, 1-2%).
"""

from __future__ import annotations

import errno
import os
import stat

_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
ROOT_FLAGS = os.O_RDONLY | _DIRECTORY | _CLOEXEC
DIR_FLAGS = ROOT_FLAGS | _NOFOLLOW
FILE_FLAGS = os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0) | _CLOEXEC


class NotRegularFileError(OSError):
    """The path is not a regular file (symlink, FIFO, device, directory), or a folder on
    its way is not a plain folder."""


def _refused(name: str, e: OSError, *, folder: bool) -> OSError:
    # ELOOP is what O_NOFOLLOW answers for a symlink; ENOTDIR what O_DIRECTORY answers
    # for anything else where a folder was expected.
    if e.errno not in (errno.ELOOP, errno.ENOTDIR):
        return e
    what = "a symlink or not a folder" if folder else "a symlink"
    return NotRegularFileError(e.errno, f"{name} is {what}")


def open_root(root: str) -> int:
    """A descriptor of the folder ``root`` (symlinks in the root's own path are followed)."""
    return os.open(root, ROOT_FLAGS)


def _step(root: str, name: str, flags: int, *, at: int | None, folder: bool) -> int:
    """Open ``name`` in the folder ``at``, or (None) in the root, never through a symlink."""
    try:
        if at is None:
            # The root's own path is the user's and may be followed; O_NOFOLLOW holds for
            # ``name``, so this is open_root + openat(name) in one call.
            return os.open(f"{root}/{name}", flags)
        return os.open(name, flags, dir_fd=at)
    except OSError as e:
        raise _refused(name, e, folder=folder) from e


def _parent(root: str, folders: list[str]) -> int | None:
    """The descriptor of the folder ``folders`` leads to; None for the root itself."""
    fd: int | None = None
    for part in folders:
        try:
            nxt = _step(root, part, DIR_FLAGS, at=fd, folder=True)
        finally:
            if fd is not None:
                os.close(fd)
        fd = nxt
    return fd


def _leaf(root: str, rel: str, flags: int, *, folder: bool) -> int:
    folders, name = _split(rel)
    parent = _parent(root, folders)
    try:
        return _step(root, name, flags, at=parent, folder=folder)
    finally:
        if parent is not None:
            os.close(parent)


def _split(rel: str) -> tuple[list[str], str]:
    parts = rel.split("/")
    if any(p in ("", ".", "..") for p in parts):
        # Callers pass paths from the walk or checked by folder.safe_relpath; this is the
        # last line should one ever not be.
        raise NotRegularFileError(errno.EINVAL, f"not a plain relative path: {rel!r}")
    return parts[:-1], parts[-1]


def open_dir(root: str, rel: str) -> int:
    """A descriptor of the folder ``rel`` below ``root`` (``""``: the root itself)."""
    return _leaf(root, rel, DIR_FLAGS, folder=True) if rel else open_root(root)


def open_regular(root: str, rel: str) -> tuple[int, os.stat_result]:
    """Open the regular file ``rel`` below ``root`` for reading: (descriptor, its fstat).

    Raises :class:`NotRegularFileError` for a symlink, FIFO, device, socket or folder, at
    the end or on the way, without blocking; other ``OSError`` as the system gives them.
    """
    if "/" in rel or rel in ("", ".", ".."):
        fd = _leaf(root, rel, FILE_FLAGS, folder=False)
    else:  # most pages sit at the top: one call, as cheap as opening by path
        fd = _step(root, rel, FILE_FLAGS, at=None, folder=False)
    return fd, _regular(fd, rel)


def open_path(path: str) -> tuple[int, os.stat_result]:
    """Open ``path`` as :func:`open_regular` does, checking only its last component."""
    fd = os.open(path, FILE_FLAGS)
    return fd, _regular(fd, path)


def _regular(fd: int, shown: str) -> os.stat_result:
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFileError(errno.EINVAL, f"not a regular file: {shown}")
    except BaseException:
        os.close(fd)
        raise
    return info


def lstat(root: str, rel: str) -> os.stat_result:
    """``lstat`` of ``rel`` below ``root``, the folders on the way never followed."""
    folders, name = _split(rel)
    parent = _parent(root, folders)
    try:
        if parent is None:
            return os.lstat(f"{root}/{name}")
        return os.stat(name, dir_fd=parent, follow_symlinks=False)
    finally:
        if parent is not None:
            os.close(parent)


def read_regular(root: str, rel: str) -> bytes:
    """The whole of the regular file ``rel`` below ``root`` (for small files: tag files)."""
    fd, _ = open_regular(root, rel)
    with open(fd, "rb") as handle:
        return handle.read()
