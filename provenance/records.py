"""File on disk → :class:`FileRecord`: name claim, digests and extracted evidence in one pass."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING, NamedTuple, TypeVar

import orjson

from provenance import beneath, names, schemas
from provenance.extract import Extraction, extract_file
from provenance.folder import Entry
from provenance.hashing import Digest, digest_file
from provenance.models import FileRecord, FileStatus, NameClaim, Problem
from provenance.parallel import PARALLEL_ITEMS, OnProgress, parallel_map

if TYPE_CHECKING:
    from provenance.reuse import Kept

RECORD_SCHEMA = "record.schema.json"
EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
T = TypeVar("T")
R = TypeVar("R")


def special_record(entry: Entry, reason: str) -> FileRecord:
    """A record for something that is not a readable regular file."""
    readable = entry.kind in ("file", "folder")  # a folder here is one that cannot be listed
    code = "unreadable" if readable else "special-file"
    status: FileStatus = "unreadable" if readable else "special"
    return _record(
        entry.path,
        Digest(size=0, sha256=EMPTY_SHA256, head=b"", tail=b""),
        Extraction(status=status, encoding=None),
        declared=None,
        extra=[Problem(code=code, severity="error", message=reason)],
        named=entry.kind != "folder",  # a folder's name is not a page name
    )


def read_record(
    root: str, entry: Entry, *, declared: str | None = None, below: beneath.Below | None = None
) -> FileRecord:
    """Hash and extract one entry; never raises for a bad file, records a problem instead.

    ``below`` (of ``root``) opens a nested path in one call.
    """
    if entry.kind != "file":
        reason = entry.reason or f"{entry.kind} is not a regular file; not read"
        return special_record(entry, reason)
    try:
        digest = digest_file(entry.path, root=root, below=below)
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
    named: bool = True,
) -> FileRecord:
    base = path.rsplit("/", 1)[-1]
    claim = names.parse_name(base) if named else None
    check = None
    if claim is not None and extraction.status in ("ok", "empty", "binary"):
        inputs = names.name_hash_inputs(
            digest.head if not digest.tail else b"",
            extraction.original_url.value if extraction.original_url else None,
            extraction.mirror_url.value if extraction.mirror_url else None,
        )
        check = names.match_scheme(claim, inputs, declared=declared, content_sha256=digest.sha256)
    named_problems = names.name_problems(base, claim, check) if named else []
    problems = [*extra, *named_problems, *extraction.problems]
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


def read_records(
    root: str,
    entries: Sequence[Entry],
    *,
    declared: str | None,
    jobs: int,
    on_progress: OnProgress | None = None,
) -> list[FileRecord]:
    """Read every entry (in parallel when worth it) and add folder-wide problems."""
    with beneath.Below(root) as below:  # worker processes get their own (Below.__reduce__)
        func = partial(read_record, root, declared=declared, below=below)
        read = parallel_map(
            func, entries, jobs=jobs, weight=_weight(root, entries), on_progress=on_progress
        )
    return with_folder_problems(read)


def _weight(root: str, entries: Sequence[Entry]) -> int | None:
    """Bytes below a few files (a few large files deserve a pool); None for many files."""
    if len(entries) >= PARALLEL_ITEMS:
        return None
    total = 0
    for entry in entries:
        try:
            total += os.lstat(os.path.join(root, entry.path)).st_size
        except OSError:
            continue
    return total


class Encoded(NamedTuple):
    """A record as its JSON bytes, with what the folder-wide checks need beside it."""

    path: str
    size: int
    claim: tuple[int, str, str, str] | None  # the name's sequence, as written, hash, extension
    json: bytes
    errors: int  # problems of severity error
    invalid: str | None  # the first schema violation, if any
    reused: bool = False  # taken again from the manifest being replaced


def encode_record(
    root: str, entry: Entry, *, declared: str | None, below: beneath.Below | None = None
) -> Encoded:
    """Read, extract and schema-check one entry in a worker; only bytes travel back."""
    record = read_record(root, entry, declared=declared, below=below)
    doc = record.model_dump(mode="json")  # what orjson.loads(model_dump_json()) gives, at half
    invalid = schemas.validator(RECORD_SCHEMA)(doc)
    return Encoded(
        path=record.path,
        size=record.size,
        claim=_claim(record.name),
        json=orjson.dumps(doc),
        errors=sum(1 for p in record.problems if p.severity == "error"),
        invalid=invalid[0] if invalid else None,
    )


def _claim(name: NameClaim | None) -> tuple[int, str, str, str] | None:
    return None if name is None else (name.sequence, name.sequence_text, name.hash, name.extension)


def encode_records(
    root: str,
    entries: Sequence[Entry],
    *,
    declared: str | None,
    jobs: int,
    on_progress: OnProgress | None = None,
    kept: Mapping[str, Kept] | None = None,
) -> list[Encoded]:
    """:func:`read_records` for writing: records as checked JSON bytes, folder problems added.

    Pickling 20,000 pydantic records back from the workers costs more than reading the
    files; their JSON costs almost nothing, and the records need no other form to be written.
    ``kept`` (:func:`provenance.reuse.earlier`) are records of the manifest being replaced:
    every file is hashed first, and those whose path and digest match are taken again
    rather than extracted.
    """
    with beneath.Below(root) as below:
        func = partial(encode_record, root, declared=declared, below=below)
        done: list[Encoded | None] = [None] * len(entries)
        todo = list(range(len(entries)))
        if kept:
            todo = _reuse(root, entries, kept, jobs, done)
        left = [entries[i] for i in todo]
        read = parallel_map(
            func, left, jobs=jobs, weight=_weight(root, left), on_progress=on_progress
        )
    for i, encoded in zip(todo, read, strict=True):
        done[i] = encoded
    encoded_all = [e for e in done if e is not None]
    claims = {e.path: names.Claim(*e.claim) for e in encoded_all if e.claim is not None}
    extra = names.folder_problems(claims)
    return [_add_problems(e, extra[e.path]) if e.path in extra else e for e in encoded_all]


def _reuse(
    root: str,
    entries: Sequence[Entry],
    kept: Mapping[str, Kept],
    jobs: int,
    done: list[Encoded | None],
) -> list[int]:
    """Hash every entry; fill ``done`` where a kept record matches; return what is left."""
    from provenance.observe import observe

    weight = sum(k.size for k in kept.values())
    digests = observe(root, entries, fast=False, jobs=jobs, weight=weight)
    todo = []
    for i, (entry, (digest, _)) in enumerate(zip(entries, digests, strict=True)):
        old = kept.get(entry.path)
        if old is None or old.record is None or digest != old.digest or entry.kind != "file":
            todo.append(i)
            continue
        # The name's claim is read from the path, as when the record was made; the errors
        # are those listed, less the folder-wide ones (worked out anew).
        claim = names.claim_of(entry.path.rsplit("/", 1)[-1])
        errors = len(old.errors)
        if errors:
            errors = sum(1 for e in old.errors if e.split(":", 1)[0] not in names.FOLDER_CODES)
        done[i] = Encoded(entry.path, old.size, claim, old.record, errors, None, reused=True)
    return todo


def _add_problems(encoded: Encoded, problems: Sequence[Problem]) -> Encoded:
    doc = orjson.loads(encoded.json)
    doc["problems"] += [p.model_dump(mode="json") for p in problems]
    errors = sum(1 for p in problems if p.severity == "error")
    return encoded._replace(json=orjson.dumps(doc), errors=encoded.errors + errors)
