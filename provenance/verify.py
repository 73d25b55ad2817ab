"""Manifest vs disk → :class:`ManifestResult`: every finding collected before any verdict.

Content is compared by SHA-256 of the raw bytes (``fast``: by name and size only). Metadata
is re-extracted only where it can differ: when the manifest was written by another extractor
version, or on ``deep``; unchanged bytes read by the same rules give the same metadata.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from provenance import folder as folders
from provenance import preload, schemas
from provenance.errors import ProvenanceError
from provenance.extractor_version import EXTRACTOR_VERSION
from provenance.folder import Entry
from provenance.listing import COMPARED, RECORD_SCHEMA, Listed, Listing, load_listing
from provenance.observe import Observed, observe
from provenance.parallel import OnProgress, parallel_map
from provenance.shard import Shard

if TYPE_CHECKING:
    # pydantic and the models take 0.15 s to import: they are imported only to build a
    # finding, or the report model for a format other than text (see Outcome).
    from provenance.models import FileRecord, Finding, VerifyReport


@dataclass(frozen=True)
class VerifyOptions:
    """What verify checks beyond content."""

    deep: bool = False
    strict: bool = False
    jobs: int = 1
    fast: bool = False  # names and sizes only: no file is opened
    shard: Shard | None = None


def _shown(value: bytes | int) -> str:
    """A digest in hex, or a size (``--fast``) in bytes."""
    return value.hex() if isinstance(value, bytes) else f"{value} bytes"


def _finding(code: str, path: str, message: str, **kw: str | None) -> Finding:
    from provenance.models import Finding

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
    weight = sum(f.size for f in listing.files)
    entries, observed = _read(root, options, weight=weight, on_progress=on_progress)
    return compare(listing, root, entries, observed, options)


def _read(
    root: str,
    options: VerifyOptions,
    *,
    weight: int | None,
    alongside: bool = False,
    on_progress: OnProgress | None = None,
) -> tuple[list[Entry], list[Observed]]:
    """The entries under ``root`` (this shard's) and what each holds."""
    entries = folders.walk(root, sizes=options.fast)
    if options.shard is not None:
        entries = [e for e in entries if options.shard.owns(e.path)]
    observed = observe(
        root,
        entries,
        fast=options.fast,
        jobs=options.jobs,
        weight=weight,
        alongside=alongside,
        on_progress=on_progress,
    )
    return entries, observed


def compare(
    listing: Listing,
    root: str,
    entries: list[Entry],
    observed: list[Observed],
    options: VerifyOptions,
) -> list[Finding]:
    """Findings from what ``listing`` says and what was ``observed`` of ``entries``."""
    files = listing.files
    if options.shard is not None:
        files = [f for f in files if options.shard.owns(f.path)]
    listed = {f.path: f for f in files}
    findings: list[Finding] = []
    unlisted: dict[str, bytes | int] = {}
    reextract: list[tuple[Listed, Entry]] = []
    blind: list[str] = []  # folders that could not be listed, each with a trailing "/"
    fast = options.fast
    again = not fast and (options.deep or listing.extractor_version != EXTRACTOR_VERSION)
    for entry, (seen, error) in zip(entries, observed, strict=True):
        path = entry.path
        record = listed.pop(path, None)
        if seen is None:
            code = "unreadable" if entry.kind in ("file", "folder") else "special-file"
            findings.append(_finding(code, path, error))
            if entry.kind == "folder":
                blind.append(path + "/")
        elif record is None:
            unlisted[path] = seen
        elif seen != (record.size if fast else record.digest):
            what = "size changed" if fast else "content changed"
            expected = _shown(record.size if fast else record.digest)
            findings.append(_finding("changed", path, what, expected=expected, found=_shown(seen)))
        elif again:
            reextract.append((record, entry))
        if options.strict and record is not None and record.errors:
            findings += [_finding("recorded-problem", path, e) for e in record.errors]
    findings += _inside_unlisted_folders(blind, listed)
    if not fast:
        findings += _moves(listed, unlisted)
    findings += [
        _finding("missing", p, "listed in the manifest but not found", expected=r.sha256)
        for p, r in listed.items()
    ]
    findings += [
        _finding("unlisted", p, "not listed in the manifest", found=None if fast else _shown(d))
        for p, d in unlisted.items()
    ]
    findings += _twins(files, unlisted)
    if reextract:
        fresh = parallel_map(
            partial(_reread, root, listing.name_scheme),
            [e for _, e in reextract],
            jobs=options.jobs,
        )
        for (record, _), new in zip(reextract, fresh, strict=True):
            findings += _metadata(record, new)
    return sorted(findings, key=lambda f: (f.path, f.code))


def _inside_unlisted_folders(blind: list[str], listed: dict[str, Listed]) -> list[Finding]:
    """Listed files below a folder that could not be listed: unreadable, not missing.

    Nobody knows whether they are there, so calling them missing (or pairing them with an
    unlisted file of the same digest as a move) would claim what was not seen. Each is
    popped from ``listed`` and reported ``unreadable``, naming the folder (``blind``: the
    folders, each with a trailing ``/``).
    """
    if not blind or not listed:
        return []
    found = []
    for path in sorted(listed):
        folder = next((f for f in blind if path.startswith(f)), None)
        if folder is not None:
            del listed[path]
            why = f"not checked: it is inside {folder[:-1]!r}, a folder that cannot be listed"
            found.append(_finding("unreadable", path, why))
    return found


def _reread(root: str, declared: str | None, entry: Entry) -> FileRecord:
    from provenance.records import read_record

    return read_record(root, entry, declared=declared)


def folder_of(listing: Listing, manifest_path: str) -> str:
    """The folder a manifest describes, resolved against the manifest's own location."""
    return os.path.normpath(os.path.join(os.path.dirname(manifest_path) or ".", listing.folder))


@dataclass(frozen=True, slots=True)
class Verified:
    """One manifest's findings (a :class:`~provenance.models.ManifestResult` to be)."""

    manifest: str
    folder: str
    checked: int
    findings: list[Finding]


@dataclass(frozen=True, slots=True)
class Outcome:
    """A verify run's results, held without the models; :meth:`report` builds the model."""

    ok: bool
    results: list[Verified]
    shard: str | None

    def report(self) -> VerifyReport:
        """The :class:`~provenance.models.VerifyReport` of this run."""
        from provenance.models import ManifestResult, VerifyReport

        results = [
            ManifestResult(
                manifest=r.manifest, folder=r.folder, checked=r.checked, findings=r.findings
            )
            for r in self.results
        ]
        return VerifyReport(ok=self.ok, results=results, shard=self.shard)


def verify_manifests(
    paths: Sequence[str], options: VerifyOptions, *, on_progress: OnProgress | None = None
) -> VerifyReport:
    """Verify each manifest; an unreadable manifest raises (exit 2) before any finding."""
    return run(paths, options, on_progress=on_progress).report()


def run(
    paths: Sequence[str], options: VerifyOptions, *, on_progress: OnProgress | None = None
) -> Outcome:
    """:func:`verify_manifests` short of the report model (a clean run imports no model)."""
    loaded, early = _load(paths, options, on_progress)
    results = []
    for i, (path, listing) in enumerate(zip(paths, loaded, strict=True)):
        root = folder_of(listing, path)
        if i == 0 and early is not None and early[0] == root:
            entries, observed = early[1], early[2]
        else:
            weight = sum(f.size for f in listing.files)
            entries, observed = _read(root, options, weight=weight, on_progress=on_progress)
        findings = compare(listing, root, entries, observed, options)
        checked = len(listing.files)
        if options.shard is not None:
            checked = sum(1 for f in listing.files if options.shard.owns(f.path))
        results.append(Verified(path, root, checked, findings))
    ok = not any(f.severity == "error" for r in results for f in r.findings)
    return Outcome(ok, results, None if options.shard is None else str(options.shard))


_Early = tuple[str, list[Entry], list[Observed]]


def _load(
    paths: Sequence[str], options: VerifyOptions, on_progress: OnProgress | None
) -> tuple[list[Listing], _Early | None]:
    """Every manifest loaded and checked, and the first folder read while they were.

    With more than one job, one of the two runs in a child process (``preload``): the
    manifests load there while the first folder, named by the manifest's header, is
    hashed here; for ``--fast`` the folder is walked there while the manifests load here.
    What is read early is kept only if the checked manifest names the same folder; an
    error while reading it early is dropped, to be raised again, in its turn, after every
    manifest has loaded.
    """
    if options.jobs <= 1:
        return [load_listing(p, deep=options.deep) for p in paths], None
    if options.fast:
        return _load_while_walking(paths, options, on_progress)
    loader = preload.start(paths, deep=options.deep)
    early: _Early | None = None
    try:
        if loader is not None:
            peeked = preload.peek_folder(paths[0])
            if peeked is not None:
                root = _peeked_root(paths[0], peeked)
                try:
                    entries, observed = _read(
                        root,
                        options,
                        weight=peeked.total_bytes,
                        alongside=True,
                        on_progress=on_progress,
                    )
                    early = (root, entries, observed)
                except ProvenanceError:
                    early = None
            listings = loader.result()
            if listings is not None:
                return listings, early
    finally:
        if loader is not None:
            loader.close()
    return [load_listing(p, deep=options.deep) for p in paths], early


def _peeked_root(path: str, peeked: preload.Peeked) -> str:
    return os.path.normpath(os.path.join(os.path.dirname(path) or ".", peeked.folder))


def _load_while_walking(
    paths: Sequence[str], options: VerifyOptions, on_progress: OnProgress | None
) -> tuple[list[Listing], _Early | None]:
    peeked = preload.peek_folder(paths[0])
    root = "" if peeked is None else _peeked_root(paths[0], peeked)
    walker = preload.start_walk(root) if peeked is not None else None
    try:
        listings = [load_listing(p, deep=options.deep) for p in paths]
        walked = walker.result() if walker is not None else None
    finally:
        if walker is not None:
            walker.close()
    if walked is None:
        return listings, None
    entries = walked
    if options.shard is not None:
        entries = [e for e in entries if options.shard.owns(e.path)]
    observed = observe(
        root, entries, fast=True, jobs=options.jobs, weight=None, on_progress=on_progress
    )
    return listings, (root, entries, observed)
