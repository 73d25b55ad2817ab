"""Run ``provenance audit`` on one folder and print its peak memory and per-file times as JSON.

Started as a fresh process by ``resources.py`` so its peak RSS is its own:
``python tests/hostile/measure.py FOLDER``.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import resource
import sys
import time
from collections.abc import Callable
from typing import Any

HEAD = 2 << 20  # what provenance.hashing keeps for extraction: the head and the tail
TAIL = 256 << 10


def _timed(func: Callable[..., Any], times: list[float]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kw: Any) -> Any:
        start = time.perf_counter()
        try:
            return func(*args, **kw)
        finally:
            times.append(time.perf_counter() - start)

    return wrapper


def _extract_times(folder: str) -> list[float]:
    """Time ``extract_file`` (the stable entry point) on each file's head and tail."""
    from provenance.extract import extract_file

    times = []
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        with open(entry.path, "rb") as f:
            head = f.read(HEAD)
            f.seek(max(len(head), entry.stat().st_size - TAIL))
            tail = f.read(TAIL)
        start = time.perf_counter()
        extract_file(head + b"\n" + tail if tail else head, filename=entry.name)
        times.append(time.perf_counter() - start)
    return times


def peak_rss_mib() -> float:
    """This process's peak resident memory in MiB.

    ``VmHWM`` belongs to the current address space; ``ru_maxrss`` survives ``execve``, so
    a child started from a large parent would report the parent's peak as its own.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def measure(folder: str) -> dict[str, Any]:
    """Audit ``folder`` once; the exit code, seconds and peak RSS in MiB."""
    from provenance import records
    from provenance.cli import main

    read: list[float] = []
    # Per-file read times when records.read_record is still the per-file step; the
    # bounds below do not depend on it.
    records.read_record = _timed(records.read_record, read)
    start = time.perf_counter()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["audit", folder, "-j", "1", "--format", "json"])
    wall = time.perf_counter() - start
    extract = _extract_times(folder)
    return {
        "exit": code,
        "wall_s": round(wall, 3),
        "files": len(json.loads(out.getvalue() or "[]")),
        "max_extract_s": round(max(extract, default=0.0), 3),
        "max_read_s": round(max(read, default=wall), 3),
        "peak_rss_mib": peak_rss_mib(),
    }


if __name__ == "__main__":
    print(json.dumps(measure(sys.argv[1])))
