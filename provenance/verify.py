"""Manifest vs disk → :class:`ManifestResult`: every finding collected before any verdict.

Content is compared by SHA-256 of the raw bytes. Metadata is re-extracted only where it
can differ: when the manifest was written by another extractor version, or on ``deep``;
unchanged bytes read by the same rules give the same metadata.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

from provenance import folder as folders
from provenance import manifest as manifests
from provenance import schemas
from provenance.extract import EXTRACTOR_VERSION
from provenance.folder import Entry
from provenance.hashing import digest_file
from provenance.models import FileRecord, Finding, Manifest, ManifestResult, VerifyReport
from provenance.records import OnProgress, parallel_map, read_record

COMPARED = ("status", "published", "captured", "original_url", "title")


@dataclass(frozen=True)
class VerifyOptions:
    """What verify checks beyond content."""

    deep: bool = False
    strict: bool = False
    jobs: int = 1


def _hash_one(root: str, entry: Entry) -> tuple[str, str | None, str]:
    if entry.kind != "file":
        return entry.path, None, f"{entry.kind} is not a regular file"
    try:
        return entry.path, digest_file(os.path.join(root, entry.path), keep=False).sha256, ""
    except OSError as e:
        return entry.path, None, f"cannot read: {e.strerror or e}"


def _finding(code: str, path: str, message: str, **kw: str | None) -> Finding:
    severity = "warning" if code == "normalisation-rename" else "error"
    return Finding.model_validate(
        {"code": code, "severity": severity, "path": path, "message": message, **kw}
    )


def _moves(missing: dict[str, FileRecord], unlisted: dict[str, str]) -> list[Finding]:
    """Pair missing and unlisted files with the same digest as moves (and pop them)."""
    found = []
    by_digest: dict[str, list[str]] = {}
    for path, digest in sorted(unlisted.items()):
        by_digest.setdefault(digest, []).append(path)
    for path, record in sorted(missing.items()):
        candidates = by_digest.get(record.sha256)
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


def _metadata(record: FileRecord, fresh: FileRecord) -> list[Finding]:
    found = []
    for name in COMPARED:
        old, new = getattr(record, name), getattr(fresh, name)
        old_v = getattr(old, "value", old)
        new_v = getattr(new, "value", new)
        if old_v != new_v:
            found.append(
                _finding(
                    "metadata-changed",
                    record.path,
                    f"{name} no longer re-extracts the same",
                    expected=None if old_v is None else str(old_v),
                    found=None if new_v is None else str(new_v),
                )
            )
    problems = schemas.validator(manifests.RECORD_SCHEMA)(fresh.model_dump(mode="json"))
    found += [_finding("schema-invalid", record.path, p) for p in problems[:1]]
    return found


def check(
    manifest: Manifest,
    root: str,
    options: VerifyOptions,
    *,
    on_progress: OnProgress | None = None,
) -> list[Finding]:
    """Compare ``manifest`` with the files under ``root``; return every finding, sorted."""
    entries = folders.walk(root)
    listed = {r.path: r for r in manifest.files}
    hashed = parallel_map(
        partial(_hash_one, root), entries, jobs=options.jobs, on_progress=on_progress
    )
    findings: list[Finding] = []
    unlisted: dict[str, str] = {}
    reextract: list[tuple[FileRecord, Entry]] = []
    by_path = {e.path: e for e in entries}
    for path, digest, error in hashed:
        record = listed.pop(path, None)
        if digest is None:
            code = "unreadable" if by_path[path].kind == "file" else "special-file"
            findings.append(_finding(code, path, error))
        elif record is None:
            unlisted[path] = digest
        elif record.sha256 != digest:
            findings.append(
                _finding("changed", path, "content changed", expected=record.sha256, found=digest)
            )
        elif options.deep or manifest.extractor_version != EXTRACTOR_VERSION:
            reextract.append((record, by_path[path]))
        if options.strict and record is not None:
            findings += [
                _finding("recorded-problem", path, f"{p.code}: {p.message}")
                for p in record.problems
                if p.severity == "error"
            ]
    findings += _moves(listed, unlisted)
    findings += [
        _finding("missing", p, "listed in the manifest but not found", expected=r.sha256)
        for p, r in listed.items()
    ]
    findings += [
        _finding("unlisted", p, "not listed in the manifest", found=d) for p, d in unlisted.items()
    ]
    fresh = parallel_map(
        partial(_reread, root, manifest.name_scheme), [e for _, e in reextract], jobs=options.jobs
    )
    for (record, _), new in zip(reextract, fresh, strict=True):
        findings += _metadata(record, new)
    return sorted(findings, key=lambda f: (f.path, f.code))


def _reread(root: str, declared: str | None, entry: Entry) -> FileRecord:
    return read_record(root, entry, declared=declared)


def verify_manifests(
    paths: Sequence[str], options: VerifyOptions, *, on_progress: OnProgress | None = None
) -> VerifyReport:
    """Verify each manifest; unreadable manifests raise (exit 2) before any folder is read."""
    loaded = [(p, manifests.load(p)) for p in paths]
    results = []
    for path, manifest in loaded:
        root = manifests.folder_of(manifest, path)
        findings = check(manifest, root, options, on_progress=on_progress)
        results.append(
            ManifestResult(
                manifest=path, folder=root, checked=len(manifest.files), findings=findings
            )
        )
    ok = not any(f.severity == "error" for r in results for f in r.findings)
    return VerifyReport(ok=ok, results=results)
