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
  they are read here, in order, while the child loads (with one job, here too). A loop
  here whose reads turn out to come from storage gets a readahead thread (:class:`Ahead`).
"""

from __future__ import annotations

import os
import stat
import threading
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
        if small and (alongside or jobs <= 1):
            # Hashing a small page costs about what loading its record does: the loader
            # child has the other core, and a pool would only take turns with it.
            return _here(read, entries, on_progress, below)
        return parallel_map(read, entries, jobs=jobs, weight=weight, on_progress=on_progress)


def _here(
    read: partial[Observed],
    entries: Sequence[Entry],
    on_progress: OnProgress | None,
    below: beneath.Below | None = None,
) -> list[Observed]:
    total = len(entries)
    out: list[Observed] = []
    ahead = Ahead(below, entries) if below is not None else None
    try:
        for entry in entries:
            out.append(read(entry))
            done = len(out)
            if ahead is not None:
                ahead.passed(done)
            if on_progress is not None and (done % 256 == 0 or done == total):
                on_progress(done, total)
    finally:
        if ahead is not None:
            ahead.stop()
    return out


def disk_reads() -> int | None:
    """Bytes this process has made the kernel read from storage so far (None: unknown)."""
    try:
        with open("/proc/self/io", "rb") as io:
            for line in io:
                if line.startswith(b"read_bytes:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return None


class Ahead:
    """Readahead for a hashing loop whose reads are found to wait on the disk.

    One reader asks a cold disk for one small file at a time: on the benchmark's guest,
    20,000 pages took 2.1-2.8 s so, and 1.6-1.8 s when a thread asked the kernel
    (``posix_fadvise(WILLNEED)``, which queues the reads and returns) for the pages of the
    next files while the loop hashed. With the files in the page cache, the same thread
    would only take turns with the loop for the GIL (twice the time), so it is started
    only once the loop's reads are seen to come from storage: every ``CHECK`` files the
    process's ``read_bytes`` (``/proc/self/io``) is read, and the thread starts when it
    grew. It opens each file as the loop does (below the root, no link followed, nothing
    that could block) and keeps one to two ``BATCH`` es of files ahead, woken once a batch
    (a wake-up a file cost a third more CPU in GIL hand-overs).
    """

    CHECK = 256
    BATCH = 32

    def __init__(self, below: beneath.Below, entries: Sequence[Entry]) -> None:
        self._below = below
        self._entries = entries
        self._baseline = disk_reads() if len(entries) > self.CHECK else None
        self._room = threading.Semaphore(2)  # batches the thread may run ahead
        self._stopped = False
        self._thread: threading.Thread | None = None

    @property
    def started(self) -> bool:
        """Whether the readahead thread was started."""
        return self._thread is not None

    def passed(self, done: int) -> None:
        """The loop has read ``done`` files."""
        if self._thread is not None:
            if done % self.BATCH == 0:
                self._room.release()
        elif self._baseline is not None and done % self.CHECK == 0:
            now = disk_reads()
            if now is not None and now > self._baseline and done < len(self._entries):
                self._thread = threading.Thread(target=self._run, args=(done,), daemon=True)
                self._thread.start()
            self._baseline = now

    def stop(self) -> None:
        """End the thread (it may be waiting for room, or in a system call) and wait for it."""
        self._stopped = True
        if self._thread is not None:
            self._room.release()
            self._thread.join()

    def _run(self, start: int) -> None:
        advise = getattr(os, "posix_fadvise", None)
        if advise is None:
            return
        entries = self._entries
        for batch in range(start, len(entries), self.BATCH):
            self._room.acquire()
            if self._stopped:
                return
            for entry in entries[batch : batch + self.BATCH]:
                if entry.kind != "file":
                    continue
                try:
                    fd, _ = self._below.open_regular(entry.path)
                except OSError:
                    continue  # the loop will say why
                try:
                    advise(fd, 0, 0, os.POSIX_FADV_WILLNEED)
                except OSError:
                    pass
                finally:
                    os.close(fd)


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
