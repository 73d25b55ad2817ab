"""File on disk → :class:`FileRecord`: name claim, digests and extracted evidence in one pass."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from typing import TypeVar

from provenance import names
from provenance.extract import Extraction, extract_file
from provenance.folder import Entry
from provenance.hashing import Digest, digest_file
from provenance.models import FileRecord, FileStatus, Problem

EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
T = TypeVar("T")
R = TypeVar("R")


def special_record(entry: Entry, reason: str) -> FileRecord:
    """A record for something that is not a readable regular file."""
    code = "unreadable" if entry.kind == "file" else "special-file"
    status: FileStatus = "unreadable" if entry.kind == "file" else "special"
    return _record(
        entry.path,
        Digest(size=0, sha256=EMPTY_SHA256, head=b"", tail=b""),
        Extraction(status=status, encoding=None),
        declared=None,
        extra=[Problem(code=code, severity="error", message=reason)],
    )


def read_record(root: str, entry: Entry, *, declared: str | None = None) -> FileRecord:
    """Hash and extract one entry; never raises for a bad file, records a problem instead."""
    if entry.kind != "file":
        return special_record(entry, f"{entry.kind} is not a regular file; not read")
    try:
        digest = digest_file(os.path.join(root, entry.path))
    except OSError as e:
        return special_record(entry, f"cannot read: {e.strerror or e}")
    extraction = extract_file(digest.sample, filename=os.path.basename(entry.path))
    return _record(entry.path, digest, extraction, declared=declared)


def _record(
    path: str,
    digest: Digest,
    extraction: Extraction,
    *,
    declared: str | None,
    extra: Sequence[Problem] = (),
) -> FileRecord:
    base = path.rsplit("/", 1)[-1]
    claim = names.parse_name(base)
    check = None
    if claim is not None and extraction.status in ("ok", "empty", "binary"):
        inputs = names.name_hash_inputs(
            digest.head if not digest.tail else b"",
            extraction.original_url.value if extraction.original_url else None,
            extraction.mirror_url.value if extraction.mirror_url else None,
        )
        check = names.match_scheme(claim, inputs, declared=declared, content_sha256=digest.sha256)
    problems = [*extra, *names.name_problems(base, claim, check), *extraction.problems]
    return FileRecord(
        path=path,
        size=digest.size,
        sha256=digest.sha256,
        status=extraction.status,
        encoding=extraction.encoding,
        name=claim,
        name_hash=check,
        published=extraction.published,
        captured=extraction.captured,
        original_url=extraction.original_url,
        mirror_url=extraction.mirror_url,
        title=extraction.title,
        publisher=extraction.publisher,
        candidates=list(extraction.candidates),
        problems=problems,
    )


def with_folder_problems(records: Iterable[FileRecord]) -> list[FileRecord]:
    """Add duplicate-hash, duplicate- and missing-sequence problems across the folder."""
    records = list(records)
    claims = {r.path: r.name for r in records if r.name is not None}
    extra = names.folder_problems(claims)
    return [
        r.model_copy(update={"problems": [*r.problems, *extra[r.path]]}) if r.path in extra else r
        for r in records
    ]


#: A progress callback: called with (items done, items in all) as results come in.
OnProgress = Callable[[int, int], None]


def _ticked(results: Iterable[R], total: int, on_progress: OnProgress | None) -> list[R]:
    if on_progress is None:
        return list(results)
    out = []
    for result in results:
        out.append(result)
        on_progress(len(out), total)
    return out


def parallel_map(
    func: Callable[[T], R],
    items: Sequence[T],
    *,
    jobs: int,
    on_progress: OnProgress | None = None,
) -> list[R]:
    """Map in worker processes when it pays (many items, several cores), else in order here."""
    if jobs <= 1 or len(items) < 64:
        return _ticked((func(item) for item in items), len(items), on_progress)
    chunk = max(16, len(items) // (jobs * 8))
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        return _ticked(pool.map(func, items, chunksize=chunk), len(items), on_progress)


def read_records(
    root: str,
    entries: Sequence[Entry],
    *,
    declared: str | None,
    jobs: int,
    on_progress: OnProgress | None = None,
) -> list[FileRecord]:
    """Read every entry (in parallel when worth it) and add folder-wide problems."""
    func = partial(read_record, root, declared=declared)
    return with_folder_problems(parallel_map(func, entries, jobs=jobs, on_progress=on_progress))


def default_jobs() -> int:
    """Worker processes to use: the cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)
