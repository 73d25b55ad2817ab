"""Manifest vs disk → :class:`ManifestResult`: every finding collected before any verdict.

Content is compared by SHA-256 of the raw bytes (``fast``: by name and size only). Metadata
is re-extracted only where it can differ: when the manifest was written by another extractor
version, or on ``deep``; unchanged bytes read by the same rules give the same metadata.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

from provenance import beneath, schemas
from provenance import folder as folders
from provenance.extractor_version import EXTRACTOR_VERSION
from provenance.folder import Entry
from provenance.hashing import NotRegularFileError, digest_file
from provenance.listing import COMPARED, RECORD_SCHEMA, Listed, Listing, load_listing
from provenance.merge import Shard
from provenance.models import FileRecord, Finding, ManifestResult, VerifyReport
from provenance.parallel import OnProgress, parallel_map


@dataclass(frozen=True)
class VerifyOptions:
    """What verify checks beyond content."""

    deep: bool = False
    strict: bool = False
    jobs: int = 1
    fast: bool = False  # names and sizes only: no file is opened
    shard: Shard | None = None


def _hash_one(root: str, entry: Entry) -> tuple[bytes | int | None, str]:
    # Only the raw digest travels back: a million results are held until compared.
    if entry.kind != "file":
        return None, entry.reason or f"{entry.kind} is not a regular file"
    try:
        hexdigest = digest_file(entry.path, keep=False, root=root).sha256
    except OSError as e:
        return None, f"cannot read: {e.strerror or e}"
    return bytes.fromhex(hexdigest), ""


def _size_one(root: str, entry: Entry) -> tuple[bytes | int | None, str]:
    if entry.kind != "file":
        return None, entry.reason or f"{entry.kind} is not a regular file"
    try:
        info = beneath.lstat(root, entry.path)
    except OSError as e:
        return None, f"cannot read: {e.strerror or e}"
    if not stat.S_ISREG(info.st_mode):
        return None, str(NotRegularFileError("not a regular file"))
    return info.st_size, ""


def _shown(value: bytes | int) -> str:
    """A digest in hex, or a size (``--fast``) in bytes."""
    return value.hex() if isinstance(value, bytes) else f"{value} bytes"


def _finding(code: str, path: str, message: str, **kw: str | None) -> Finding:
    severity = "warning" if code in ("normalisation-rename", "name-collision") else "error"
    return Finding.model_validate(
        {"code": code, "severity": severity, "path": path, "message": message, **kw}
    )


def _moves(missing: dict[str, Listed], unlisted: dict[str, bytes | int]) -> list[Finding]:
    """Pair missing and unlisted files with the same digest as moves (and pop them)."""
    found = []
    by_digest: dict[bytes | int, list[str]] = {}
    for path, digest in sorted(unlisted.items()):
        by_digest.setdefault(digest, []).append(path)
    for path, record in sorted(missing.items()):
        candidates = by_digest.get(record.digest)
        if not candidates:
            continue
        same = [c for c in candidates if folders.nfc(c) == folders.nfc(path)]
        renamed = bool(same)  # before the pop below empties a one-element list
        new = (same or candidates).pop(0)
        if renamed:
            candidates.remove(new)
        code = "normalisation-rename" if renamed else "moved"
        what = "name differs only in Unicode normalisation" if renamed else f"moved to {new}"
        found.append(_finding(code, path, what, other_path=new, expected=record.sha256))
        del unlisted[new]
    for f in found:
        del missing[f.path]
    return found


def _twins(files: Sequence[Listed], unlisted: dict[str, bytes | int]) -> list[Finding]:
    """Unlisted files whose name equals a listed one after NFC or ignoring case.

    Each stays ``unlisted`` (its bytes are vouched for by nothing); the warning says why it
    matters: on a case-insensitive or normalising file system the two are one file, and
    which one a copy keeps is up to the copy.
    """
    if not unlisted:
        return []
    listed = {folders.nfc(f.path).casefold(): f.path for f in files}
    found = []
    for path in sorted(unlisted):
        twin = listed.get(folders.nfc(path).casefold())
        if twin is not None and twin != path:
            how = (
                "in Unicode normalisation" if folders.nfc(twin) == folders.nfc(path) else "in case"
            )
            found.append(
                _finding(
                    "name-collision",
                    path,
                    f"differs from the listed {twin!r} only {how}; one file where names fold",
                    other_path=twin,
                )
            )
    return found


def _metadata(record: Listed, fresh: FileRecord) -> list[Finding]:
    found = []
    old = record.compared or (None,) * len(COMPARED)
    for name, old_v in zip(COMPARED, old, strict=True):
        new = getattr(fresh, name)
        new_v = getattr(new, "value", new)
        new_v = None if new_v is None else str(new_v)
        if old_v != new_v:
            found.append(
                _finding(
                    "metadata-changed",
                    record.path,
                    f"{name} no longer re-extracts the same",
                    expected=old_v,
                    found=new_v,
                )
            )
    problems = schemas.validator(RECORD_SCHEMA)(fresh.model_dump(mode="json"))
    found += [_finding("schema-invalid", record.path, p) for p in problems[:1]]
    return found


def check(
    listing: Listing,
    root: str,
    options: VerifyOptions,
    *,
    on_progress: OnProgress | None = None,
) -> list[Finding]:
    """Compare ``listing`` with the files under ``root``; return every finding, sorted."""
    entries, files = folders.walk(root), listing.files
    if options.shard is not None:
        entries = [e for e in entries if options.shard.owns(e.path)]
        files = [f for f in files if options.shard.owns(f.path)]
    listed = {f.path: f for f in files}
    read = _size_one if options.fast else _hash_one
    weight = None if options.fast else sum(f.size for f in files)
    # --fast makes one lstat a file: a pool costs more to start than it would save.
    jobs = 1 if options.fast else options.jobs
    observed = parallel_map(
        partial(read, root), entries, jobs=jobs, weight=weight, on_progress=on_progress
    )
    findings: list[Finding] = []
    unlisted: dict[str, bytes | int] = {}
    reextract: list[tuple[Listed, Entry]] = []
    for entry, (seen, error) in zip(entries, observed, strict=True):
        path = entry.path
        record = listed.pop(path, None)
        if seen is None:
            code = "unreadable" if entry.kind in ("file", "folder") else "special-file"
            findings.append(_finding(code, path, error))
        elif record is None:
            unlisted[path] = seen
        elif seen != (record.size if options.fast else record.digest):
            what = "size changed" if options.fast else "content changed"
            expected = _shown(record.size if options.fast else record.digest)
            findings.append(_finding("changed", path, what, expected=expected, found=_shown(seen)))
        elif not options.fast and (options.deep or listing.extractor_version != EXTRACTOR_VERSION):
            reextract.append((record, entry))
        if options.strict and record is not None:
            findings += [_finding("recorded-problem", path, e) for e in record.errors]
    del observed
    if not options.fast:
        findings += _moves(listed, unlisted)
    findings += [
        _finding("missing", p, "listed in the manifest but not found", expected=r.sha256)
        for p, r in listed.items()
    ]
    findings += [
        _finding(
            "unlisted", p, "not listed in the manifest", found=None if options.fast else _shown(d)
        )
        for p, d in unlisted.items()
    ]
    findings += _twins(files, unlisted)
    fresh = parallel_map(
        partial(_reread, root, listing.name_scheme), [e for _, e in reextract], jobs=options.jobs
    )
    for (record, _), new in zip(reextract, fresh, strict=True):
        findings += _metadata(record, new)
    return sorted(findings, key=lambda f: (f.path, f.code))


def _reread(root: str, declared: str | None, entry: Entry) -> FileRecord:
    from provenance.records import read_record

    return read_record(root, entry, declared=declared)


def folder_of(listing: Listing, manifest_path: str) -> str:
    """The folder a manifest describes, resolved against the manifest's own location."""
    return os.path.normpath(os.path.join(os.path.dirname(manifest_path) or ".", listing.folder))


def verify_manifests(
    paths: Sequence[str], options: VerifyOptions, *, on_progress: OnProgress | None = None
) -> VerifyReport:
    """Verify each manifest; unreadable manifests raise (exit 2) before any folder is read."""
    loaded = [(p, load_listing(p, deep=options.deep)) for p in paths]
    results = []
    for path, listing in loaded:
        root = folder_of(listing, path)
        findings = check(listing, root, options, on_progress=on_progress)
        checked = len(listing.files)
        if options.shard is not None:
            checked = sum(1 for f in listing.files if options.shard.owns(f.path))
        results.append(
            ManifestResult(manifest=path, folder=root, checked=checked, findings=findings)
        )
    ok = not any(f.severity == "error" for r in results for f in r.findings)
    shard = None if options.shard is None else str(options.shard)
    return VerifyReport(ok=ok, results=results, shard=shard)
