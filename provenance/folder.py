"""Walking a folder safely: regular files only, nothing followed outside the root.

Symlinks are reported, never followed or hashed (bagit-python hashes a link's target,
which lets a bag vouch for a file outside it). FIFOs, devices and sockets are reported
without being opened, so a walk never blocks.
"""

from __future__ import annotations

import os
import stat
import unicodedata
from pathlib import PurePosixPath
from typing import NamedTuple

from provenance import beneath
from provenance.errors import CheckError, InputError, UnsafePathError


class Entry(NamedTuple):
    """A path found under the root, relative and POSIX; ``kind`` says what it is.

    (A tuple: a walk builds one a file, and tuples cost a third of a frozen dataclass.)
    """

    path: str
    kind: str  # "file", "symlink", "fifo", "device", "socket", "other", "folder"
    reason: str = ""  # why a "folder" entry could not be listed
    size: int | None = None  # a file's size as the walk saw it (``walk(sizes=True)``)


# Entry(...) goes through the named tuple's Python-level __new__ (1.2 us); a walk of a
# million files builds its entries in C instead (0.3 us each).
_new = tuple.__new__


def _kind(mode: int) -> str:
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISLNK(mode):
        return "symlink"
    if stat.S_ISFIFO(mode):
        return "fifo"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "other"


def walk(root: str, *, sizes: bool = False) -> list[Entry]:
    """List every entry below ``root``, sorted by path; directories are descended, links not.

    With ``sizes``, each file's size is read as it is listed (``fstatat`` on the folder's
    descriptor, not following a symlink): what ``verify --fast`` compares.

    Each folder is opened below the root's descriptor without following any symlink
    (:mod:`provenance.beneath`), so a folder swapped for a symlink while the walk runs is
    listed as a symlink, never descended. A folder that cannot be listed is an entry of
    kind ``folder`` (reported as unreadable, the rest still walked); only a root that
    cannot be listed stops the walk.
    """
    if not os.path.isdir(root):
        raise CheckError("folder not found", where=root, hint="check the path or the manifest")
    found: list[Entry] = []
    stack = [""]
    while stack:
        rel = stack.pop()
        try:
            fd = beneath.open_dir(root, rel)
        except beneath.NotRegularFileError:
            found.append(Entry(rel, "symlink"))  # swapped since its parent was listed
            continue
        except OSError as e:
            if not rel:
                raise CheckError(f"cannot list folder: {e.strerror}", where=root) from e
            found.append(Entry(rel, "folder", f"cannot list folder: {e.strerror}"))
            continue
        try:
            _scan(root, rel, fd, found, stack, sizes)
        finally:
            os.close(fd)
    _check_utf8(root, found)
    found.sort()  # by path: no two entries share one
    return found


def _scan(root: str, rel: str, fd: int, found: list[Entry], stack: list[str], sizes: bool) -> None:
    try:
        with os.scandir(fd) as it:
            for item in it:
                sub = f"{rel}/{item.name}" if rel else item.name
                # d_type answers for directories and files without a stat call each
                if item.is_dir(follow_symlinks=False):
                    _check_utf8(root, [Entry(sub, "folder")])
                    stack.append(sub)
                elif item.is_file(follow_symlinks=False) and not sizes:
                    found.append(_new(Entry, (sub, "file", "", None)))
                else:
                    try:
                        info = item.stat(follow_symlinks=False)
                    except FileNotFoundError:
                        continue  # removed since it was listed: as if never there
                    except OSError:
                        if not item.is_file(follow_symlinks=False):
                            raise
                        found.append(Entry(sub, "file"))  # its size is asked for again
                        continue
                    kind = _kind(info.st_mode)
                    size = info.st_size if kind == "file" else None
                    found.append(_new(Entry, (sub, kind, "", size)))
    except OSError as e:
        if not rel:
            where = os.path.join(root, rel)
            raise CheckError(f"cannot list folder: {e.strerror}", where=where) from e
        # A subfolder whose listing failed partway (EIO, a folder removed meanwhile): what
        # was listed stands, and the folder is reported, as one that cannot be opened is.
        found.append(Entry(rel, "folder", f"listing stopped partway: {e.strerror or e}"))


def _check_utf8(root: str, found: list[Entry]) -> None:
    # os.scandir hands back bytes that are not UTF-8 as lone surrogates, which JSON cannot
    # carry and a report cannot print: such a name is refused here, once, with its bytes.
    # (All names at once: one encode of them joined, then the culprit if it fails.)
    try:
        "\n".join([e.path for e in found]).encode("utf-8")
    except UnicodeEncodeError:
        path = next(e.path for e in found if not _encodes(e.path))
        raw = os.fsencode(path)
        raise InputError(
            f"file name is not valid UTF-8: {raw!r}",
            where=root,
            hint="rename it to UTF-8 (e.g. with convmv); such a name cannot be listed",
        ) from None


def _encodes(path: str) -> bool:
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _drive(path: str) -> bool:
    return len(path) > 1 and path[1] == ":" and path[0].isascii() and path[0].isalpha()


def safe_relpath(path: str) -> str:
    """Return ``path`` if it is a plain relative POSIX path inside its root; else raise."""
    if not path or "\x00" in path:
        raise UnsafePathError("empty path or NUL byte in path", where=repr(path))
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        raise UnsafePathError(
            "path is not valid Unicode (lone surrogate)", where=repr(path)
        ) from None
    if "\\" in path or path.startswith(("/", "~")) or _drive(path):
        raise UnsafePathError("absolute or non-POSIX path refused", where=repr(path))
    parts = PurePosixPath(path).parts
    if any(part in ("..", ".", "") for part in parts) or path != "/".join(parts):
        raise UnsafePathError("path escapes or is not normalised", where=repr(path))
    return path


def safe_folder(folder: str) -> str:
    """Return a manifest's ``folder`` if relative and plain (``..`` allowed); else raise."""
    if not folder or "\x00" in folder or "\\" in folder or _drive(folder):
        raise UnsafePathError("empty, NUL, drive or backslash in folder", where=repr(folder))
    try:
        folder.encode("utf-8")
    except UnicodeEncodeError:
        raise UnsafePathError("folder is not valid Unicode", where=repr(folder)) from None
    if folder.startswith(("/", "~")):
        # build() always writes a path relative to the manifest; an absolute one would
        # let a manifest send verify to walk any folder on the machine.
        raise UnsafePathError("absolute folder refused", where=repr(folder))
    return folder


def nfc(path: str) -> str:
    """The NFC form used to match names changed in transit (NFC↔NFD)."""
    return unicodedata.normalize("NFC", path)


def collisions(paths: list[str]) -> list[tuple[str, str]]:
    """Pairs of distinct paths that are equal after NFC or ignoring case."""
    seen: dict[str, str] = {}
    pairs: list[tuple[str, str]] = []
    for path in paths:
        key = nfc(path).casefold()
        if key in seen:
            pairs.append((seen[key], path))
        else:
            seen[key] = path
    return pairs
