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
:class:`Below` removes that cost where the kernel has ``openat2(2)``: one call resolves
the whole path from a held descriptor of the root with ``RESOLVE_BENEATH |
RESOLVE_NO_SYMLINKS``, so the kernel refuses any symlink on the way and anything that
leads out of the root, including a folder renamed out of it while the path is resolved
(``EXDEV``/``EAGAIN``). Any refusal or error is then retried one component at a time, so
errors read as above. Without ``openat2`` (kernels before 5.6, a seccomp filter that
answers ``ENOSYS`` or ``EPERM``, another machine) it opens one component at a time.

What a :class:`Below` holds, and what that means in a race:

* the root's descriptor, for the run. Every file (top-level ones with ``openat``) is
  resolved from the folder the root named when the run began; were the root renamed or
  swapped meanwhile, the run goes on reading that folder, which is the root the user
  named, as a file renamed after it is opened is still read.
* never a descriptor of a folder below the root from one file to the next. One held
  while its folder is renamed out of the root (a rename in the same file system, by
  whoever may write there) would open the folder's next files at its new place, outside
  the root: the same bytes as in place, but an open outside the root, which the hostile
  races (``-midway`` rows) count. A file renamed out after it is opened is different: it
  is already being read, and what is read is what was inside the root when it was
  opened. ``openat2`` re-checks every component at each open, so the window is the
  kernel's own resolution, and a rename during it fails with ``EXDEV``/``EAGAIN``.
"""

from __future__ import annotations

import errno
import os
import platform
import stat
from collections.abc import Callable

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


#: openat2's number where the syscall tables agree (asm/unistd_64.h, asm-generic/unistd.h).
_OPENAT2_NR = {"x86_64": 437, "aarch64": 437}
_RESOLVE_NO_SYMLINKS = 0x04
_RESOLVE_BENEATH = 0x08
#: openat2(dirfd, path, flags) -> descriptor, or None where the kernel lacks it. Looked up
#: at each call, so that a test can watch the opens it makes.
Openat2 = Callable[[int, str, int], int]
_openat2: Openat2 | None = None
_AT_FDCWD = -100
_probed = False


def _load_openat2() -> Openat2 | None:
    """openat2 through ctypes (Python has no wrapper), or None: unknown machine, no libc."""
    nr = _OPENAT2_NR.get(platform.machine())
    if nr is None:
        return None
    try:
        import ctypes  # about 3 ms of imports, paid once a nested path is opened

        libc = ctypes.CDLL(None, use_errno=True)
    except (ImportError, OSError):  # pragma: no cover - a Python without ctypes
        return None

    class OpenHow(ctypes.Structure):
        _fields_ = [  # noqa: RUF012 - ctypes reads this class attribute
            ("flags", ctypes.c_uint64),
            ("mode", ctypes.c_uint64),
            ("resolve", ctypes.c_uint64),
        ]

    syscall = libc.syscall
    syscall.restype = ctypes.c_long
    syscall.argtypes = [ctypes.c_long, ctypes.c_int, ctypes.c_char_p, ctypes.c_void_p]
    syscall.argtypes.append(ctypes.c_size_t)
    hows: dict[int, tuple[object, int]] = {}
    resolve = _RESOLVE_BENEATH | _RESOLVE_NO_SYMLINKS

    def openat2(dirfd: int, path: str, flags: int) -> int:
        how = hows.get(flags)
        if how is None:
            how = hows[flags] = (ctypes.byref(OpenHow(flags, 0, resolve)), ctypes.sizeof(OpenHow))
        fd = int(syscall(nr, dirfd, os.fsencode(path), *how))
        if fd < 0:
            err = ctypes.get_errno()
            raise OSError(err, os.strerror(err))
        return fd

    return openat2


def kernel_openat2() -> Openat2 | None:
    """openat2 if it works here (tried once a process: a seccomp filter may answer ENOSYS
    or EPERM, an old kernel ENOSYS), else None."""
    global _openat2, _probed
    if not _probed:
        _probed = True
        found = _load_openat2()
        if found is not None:
            try:
                os.close(found(_AT_FDCWD, ".", ROOT_FLAGS))
            except OSError:
                found = None
        _openat2 = found
    return _openat2


class Below:
    """Opens below one root, nested paths with one ``openat2`` call where the kernel can.

    Holds a descriptor of the root only (from :meth:`open` until :meth:`close`; a ``with``
    block does both); safe to share between threads. Pickled (to a worker process) it
    becomes that process's own, opened there and held until the process ends.
    """

    def __init__(self, root: str) -> None:
        self.root = root
        self._fd: int | None = None

    def open(self) -> Below:
        """Hold the root's descriptor (a root that cannot be opened: every path by parts)."""
        if self._fd is None:
            try:
                self._fd = open_root(self.root)
            except OSError:
                self._fd = None
        return self

    def close(self) -> None:
        """Let the root's descriptor go."""
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)

    def __enter__(self) -> Below:
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __reduce__(self) -> tuple[Callable[[str], Below], tuple[str]]:
        return _process_below, (self.root,)

    def open_regular(self, rel: str) -> tuple[int, os.stat_result]:
        """:func:`open_regular` of ``rel`` below the root, the same refusals and errors."""
        fd = self._fd
        if fd is None or not _plain(rel):
            return open_regular(self.root, rel)
        if "/" not in rel:  # one openat, as cheap as by path, from the same root as the rest
            try:
                found = os.open(rel, FILE_FLAGS, dir_fd=fd)
            except OSError as e:
                raise _refused(rel, e, folder=False) from e
            return found, _regular(found, rel)
        at2 = kernel_openat2()
        if at2 is None:
            return open_regular(self.root, rel)
        try:
            found = at2(fd, rel, FILE_FLAGS)
        except OSError:
            # a refusal (ELOOP, EXDEV, EAGAIN, ENOTDIR) or an error: again by parts, which
            # says which folder was refused and raises what the system says
            return open_regular(self.root, rel)
        return found, _regular(found, rel)


def _plain(rel: str) -> bool:
    # RESOLVE_BENEATH would allow "a/../b"; such paths go by parts, which refuse them.
    # Most paths hold no "/." at all, so the full check runs rarely.
    if not rel or "/." in rel or rel.startswith((".", "/")) or rel.endswith("/") or "//" in rel:
        try:
            _split(rel)
        except NotRegularFileError:
            return False
    return True


_PROCESS: dict[str, Below] = {}


def _process_below(root: str) -> Below:
    """This process's :class:`Below` for ``root`` (a worker's: held until it ends)."""
    found = _PROCESS.get(root)
    if found is None:
        found = _PROCESS[root] = Below(root).open()
    return found


def read_regular(root: str, rel: str) -> bytes:
    """The whole of the regular file ``rel`` below ``root`` (for small files: tag files)."""
    fd, _ = open_regular(root, rel)
    with open(fd, "rb") as handle:
        return handle.read()
