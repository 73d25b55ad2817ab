"""Build, write and read manifests: deterministic, atomic, validated and path-safe."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from provenance import folder as folders
from provenance import listing, schemas
from provenance.atomic import write_atomic
from provenance.errors import InputError, ManifestError, UnsafePathError, UsageError
from provenance.extract import EXTRACTOR_VERSION
from provenance.models import MANIFEST_VERSION, FileRecord, Manifest
from provenance.parallel import OnProgress
from provenance.records import RECORD_SCHEMA, encode_records, read_records

if TYPE_CHECKING:
    from provenance.reuse import Kept

MANIFEST_SCHEMA = "manifest.schema.json"


def _entries(root: str) -> list[folders.Entry]:
    entries = folders.walk(root)
    for entry in entries:
        # What verify refuses to read must not be written: a name with a backslash or a
        # leading '~' gave a manifest that 'provenance verify' then refused as unsafe.
        try:
            if listing.PLAIN.fullmatch(entry.path) is None:  # plain ASCII parts are safe
                folders.safe_relpath(entry.path)
        except UnsafePathError as e:
            raise InputError(
                f"name {entry.path!r} cannot be listed in a manifest: {e.message}",
                where=root,
                hint="rename it",
            ) from e
    pairs = folders.collisions([e.path for e in entries])
    if pairs:
        a, b = pairs[0]
        raise InputError(
            f"names {a!r} and {b!r} are equal after Unicode normalisation or case folding",
            where=root,
            hint="rename one of them; such a folder cannot be checked on every file system",
        )
    return entries


def read_folder(
    root: str,
    *,
    name_scheme: str | None = None,
    jobs: int = 1,
    on_progress: OnProgress | None = None,
) -> list[FileRecord]:
    """Read every file below ``root`` into records, sorted by path."""
    return read_records(
        root, _entries(root), declared=name_scheme, jobs=jobs, on_progress=on_progress
    )


def check_output(root: str, output: str) -> None:
    """Refuse to write a manifest inside the folder it describes."""
    top, out = os.path.realpath(root), os.path.realpath(output)
    if os.path.commonpath([top, out]) == top:
        # A manifest inside its own folder lists itself (and its lock and temp files) on
        # the next run, so no two runs agree and verify always finds it changed.
        raise UsageError(
            f"the manifest {output} would be inside the folder it describes",
            where=root,
            hint="write it outside the folder, e.g. manifests/NAME.json",
        )


def build(
    root: str,
    output: str,
    *,
    name_scheme: str | None = None,
    jobs: int = 1,
    on_progress: OnProgress | None = None,
) -> Manifest:
    """The manifest of ``root`` as it would be written to ``output``."""
    records = read_folder(root, name_scheme=name_scheme, jobs=jobs, on_progress=on_progress)
    return Manifest(
        manifest_version=MANIFEST_VERSION,
        folder=_folder_field(root, output),
        extractor_version=EXTRACTOR_VERSION,
        name_scheme=name_scheme,
        file_count=len(records),
        total_bytes=sum(r.size for r in records),
        files=records,
    )


def _folder_field(root: str, output: str) -> str:
    rel = os.path.relpath(os.path.abspath(root), os.path.dirname(os.path.abspath(output)))
    return Path(rel).as_posix()


@dataclass(frozen=True)
class Written:
    """What :func:`write_folder` wrote."""

    file_count: int
    total_bytes: int
    errors: int
    reused: int = 0  # records taken again from the manifest replaced (provenance.reuse)


def write_folder(
    root: str,
    output: str,
    *,
    name_scheme: str | None = None,
    jobs: int = 1,
    on_progress: OnProgress | None = None,
    fresh: bool = False,
) -> Written:
    """Read ``root`` and write its manifest to ``output``: :func:`build` + :func:`write`, faster.

    The same bytes as ``write(build(...))``: the workers hand back each record as checked
    JSON, so the records are never rebuilt as objects here only to be serialised again.
    Unless ``fresh``, the records of the manifest at ``output`` are taken again for the
    files whose bytes are unchanged (:mod:`provenance.reuse`): the same bytes again.
    """
    entries = _entries(root)
    kept: dict[str, Kept] = {}
    if not fresh:
        from provenance import reuse

        kept = reuse.earlier(output, folder=_folder_field(root, output), name_scheme=name_scheme)
    encoded = encode_records(
        root, entries, declared=name_scheme, jobs=jobs, on_progress=on_progress, kept=kept
    )
    bad = next((e for e in encoded if e.invalid), None)
    if bad is not None:
        raise ManifestError(
            f"does not match {RECORD_SCHEMA}: {bad.path}: {bad.invalid}",
            where="manifest being written",
            hint="this is a bug in the extraction rules; please report it",
        )
    total = sum(e.size for e in encoded)
    head: dict[str, Any] = {
        "manifest_version": MANIFEST_VERSION,
        "folder": _folder_field(root, output),
        "extractor_version": EXTRACTOR_VERSION,
        "name_scheme": name_scheme,
        "file_count": len(encoded),
        "total_bytes": total,
    }
    schemas.validate({**head, "files": []}, MANIFEST_SCHEMA, where="manifest being written")
    write_atomic(output, _render(head, [e.json for e in encoded]))
    reused = sum(1 for e in encoded if e.reused)
    return Written(len(encoded), total, sum(e.errors for e in encoded), reused)


def dump(manifest: Manifest) -> bytes:
    """Serialise deterministically: model field order, sorted files, UTF-8, final newline."""
    doc = orjson.loads(manifest.model_dump_json())
    doc.pop("seal", None)  # a seal belongs to the bytes, and these are new ones
    schemas.validate(doc, MANIFEST_SCHEMA, where="manifest being written")
    head = {k: v for k, v in doc.items() if k != "files"}
    return listing.render_sealed(head, [orjson.dumps(r) for r in doc["files"]])


render = listing.render
_render = listing.render_sealed


def write(manifest: Manifest, output: str) -> None:
    """Validate and write atomically."""
    write_atomic(output, dump(manifest))


def load(path: str) -> Manifest:
    """Read a manifest, refusing anything not valid, not safe or not this version."""
    return parse(listing.read_bytes(path), where=path)


def parse(data: bytes, *, where: str) -> Manifest:
    """Bytes → validated :class:`Manifest` (the schema first, then the paths)."""
    doc = listing.decode(data, where=where)
    listing.check_document(doc, where=where)
    return Manifest.model_validate(doc)


def folder_of(manifest: Manifest, manifest_path: str) -> str:
    """The folder a manifest describes, resolved against the manifest's own location."""
    return os.path.normpath(os.path.join(os.path.dirname(manifest_path) or ".", manifest.folder))
