"""Run ``provenance audit`` on one folder and print its peak memory and per-file times as JSON.

Started as a fresh process by ``resources.py`` so its peak RSS is its own:
``python tests/hostile/measure.py FOLDER``.
"""

from __future__ import annotations

import contextlib
import io
import json
import resource
import sys
import time
from collections.abc import Callable
from typing import Any


def _timed(func: Callable[..., Any], times: list[float]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kw: Any) -> Any:
        start = time.perf_counter()
        try:
            return func(*args, **kw)
        finally:
            times.append(time.perf_counter() - start)

    return wrapper


def measure(folder: str) -> dict[str, Any]:
    """Audit ``folder`` once; the exit code, seconds and peak RSS in MiB."""
    from provenance import records
    from provenance.cli import main

    extract: list[float] = []
    read: list[float] = []
    records.extract_file = _timed(records.extract_file, extract)
    records.read_record = _timed(records.read_record, read)
    start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        code = main(["audit", folder, "-j", "1", "--format", "json"])
    return {
        "exit": code,
        "wall_s": round(time.perf_counter() - start, 3),
        "files": len(read),
        "max_extract_s": round(max(extract, default=0.0), 3),
        "max_read_s": round(max(read, default=0.0), 3),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


if __name__ == "__main__":
    print(json.dumps(measure(sys.argv[1])))
