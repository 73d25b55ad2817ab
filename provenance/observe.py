"""What verify sees on disk: each entry's SHA-256 (or, for ``--fast``, its size).

Only raw digests travel: a million results are held until they are compared. How the work
is spread is chosen from the bytes to read (measured on a two-vCPU VM):

* large files (``LARGE`` bytes or more on average): threads, one file each at a time.
  hashlib and ``readv`` release the GIL, so each thread hashes on its own core with no
  pickling and no process start;
* many smaller files: the per-file work (open, fstat, read, close) holds the GIL, so threads
  would take turns; they go to worker processes in chunks, unless they are small pages
  (``SMALL`` on average) and another process is already loading the manifest on the other
  core (:mod:`provenance.preload`): a page costs about what its record does to load, so
  they are read here, in order, while the child loads.
"""

from __future__ import annotations

import stat
from collections.abc import Sequence
from functools import partial

from provenance import beneath
from provenance.folder import Entry
from provenance.hashing import NotRegularFileError, sha256_file, thread_buffer
from provenance.parallel import PARALLEL_BYTES, OnProgress, parallel_map

#: A digest, or a size for --fast (None when unreadable), and why it is None.
Observed = tuple[bytes | int | None, str]
LARGE = 4 << 20
SMALL = 64 << 10  # an average page below this is hashed here while the manifest loads


def hash_one(root: str, entry: Entry, below: beneath.Below | None = None) -> Observed:
    """The raw SHA-256 of one entry, or why there is none (``below``: of ``root``)."""
    if entry.kind != "file":
        return None, entry.reason or f"{entry.kind} is not a regular file"
    try:
        return sha256_file(root, entry.path, thread_buffer(), below=below), ""
    except OSError as e:
        return None, f"cannot read: {e.strerror or e}"


def size_one(root: str, entry: Entry) -> Observed:
    """The size of one entry (``--fast``: no file is opened), or why there is none."""
    if entry.kind != "file":
        return None, entry.reason or f"{entry.kind} is not a regular file"
    if entry.size is not None:
        return entry.size, ""  # read by the walk (walk(sizes=True))
    try:
        info = beneath.lstat(root, entry.path)
    except OSError as e:
        return None, f"cannot read: {e.strerror or e}"
    if not stat.S_ISREG(info.st_mode):
        return None, str(NotRegularFileError("not a regular file"))
    return info.st_size, ""


def observe(
    root: str,
    entries: Sequence[Entry],
    *,
    fast: bool,
    jobs: int,
    weight: int | None,
    alongside: bool = False,
    on_progress: OnProgress | None = None,
) -> list[Observed]:
    """Digests (sizes when ``fast``) of ``entries``, in their order.

    ``weight`` is the bytes listed (a hint for scheduling); ``alongside`` says another
    process is busy loading the manifest meanwhile.
    """
    if fast:
        # One lstat a file: a pool costs more to start than it would save.
        return _here(partial(size_one, root), entries, on_progress)
    with beneath.Below(root) as below:  # worker processes get their own (Below.__reduce__)
        read = partial(hash_one, root, below=below)
        large = weight is not None and weight >= max(PARALLEL_BYTES, LARGE * len(entries))
        if jobs > 1 and large and len(entries) > 1:
            return _threads(read, entries, jobs, on_progress)
        small = weight is None or weight < SMALL * len(entries)
        if alongside and small:
            # Hashing a small page costs about what loading its record does: the loader
            # child has the other core, and a pool would only take turns with it.
            return _here(read, entries, on_progress)
        return parallel_map(read, entries, jobs=jobs, weight=weight, on_progress=on_progress)


def _here(
    read: partial[Observed], entries: Sequence[Entry], on_progress: OnProgress | None
) -> list[Observed]:
    if on_progress is None:
        return [read(e) for e in entries]
    total = len(entries)
    out: list[Observed] = []
    for entry in entries:
        out.append(read(entry))
        if len(out) % 256 == 0 or len(out) == total:
            on_progress(len(out), total)
    return out


def _threads(
    read: partial[Observed], entries: Sequence[Entry], jobs: int, on_progress: OnProgress | None
) -> list[Observed]:
    from concurrent.futures import ThreadPoolExecutor

    total = len(entries)
    out: list[Observed] = []
    with ThreadPoolExecutor(max_workers=min(jobs, total)) as pool:
        for seen in pool.map(read, entries):
            out.append(seen)
            if on_progress is not None:
                on_progress(len(out), total)
    return out
