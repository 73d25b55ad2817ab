"""Mapping work over files in worker processes, and the progress callback it reports to.

Kept free of heavy imports: verify and the CLI's start-up load it before anything else.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from functools import partial
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

PARALLEL_ITEMS = 64  # fewer small files than this are read here: a pool costs ~30 ms
PARALLEL_BYTES = 32 << 20
MAX_CHUNK = 1024


#: A progress callback: called with (items done, items in all) as results come in.
OnProgress = Callable[[int, int], None]


def _apply(func: Callable[[T], R], chunk: Sequence[T]) -> list[R]:
    return [func(item) for item in chunk]


def parallel_map(
    func: Callable[[T], R],
    items: Sequence[T],
    *,
    jobs: int,
    weight: int | None = None,
    on_progress: OnProgress | None = None,
) -> list[R]:
    """Map in worker processes when it pays (enough work, several cores), else in order here.

    Work is sent in chunks so that 20,000 small files cost a few dozen messages, not
    20,000; a handful of large files (``weight`` = their bytes) still go one a task so
    that every core gets one. Results come back in the order of ``items``.
    """
    total = len(items)
    out: list[R] = []
    heavy = weight is not None and weight >= PARALLEL_BYTES
    if jobs <= 1 or not items or (total < PARALLEL_ITEMS and not heavy):
        for item in items:
            out.append(func(item))
            if on_progress is not None:
                on_progress(len(out), total)
        return out
    from concurrent.futures import ProcessPoolExecutor  # 35 ms of imports, only when used

    size = max(1, min(MAX_CHUNK, total // (jobs * 4)))
    chunks = [items[i : i + size] for i in range(0, total, size)]
    with ProcessPoolExecutor(max_workers=min(jobs, len(chunks))) as pool:
        for part in pool.map(partial(_apply, func), chunks):
            out.extend(part)
            if on_progress is not None:
                on_progress(len(out), total)
    return out


def default_jobs() -> int:
    """Worker processes to use: the cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)
