"""Build, write and read manifests: deterministic, atomic, validated and path-safe."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from provenance import folder as folders
from provenance import listing, schemas
from provenance.atomic import write_atomic
from provenance.errors import InputError, ManifestError
from provenance.extract import EXTRACTOR_VERSION
from provenance.models import MANIFEST_VERSION, FileRecord, Manifest
from provenance.records import RECORD_SCHEMA, encode_records, read_records

MANIFEST_SCHEMA = "manifest.schema.json"


def _entries(root: str) -> list[folders.Entry]:
    entries = folders.walk(root)
    pairs = folders.collisions([e.path for e in entries])
    if pairs:
        a, b = pairs[0]
        raise InputError(
            f"names {a!r} and {b!r} are equal after Unicode normalisation or case folding",
            where=root,
            hint="rename one of them; such a folder cannot be checked on every file system",
        )
    return entries


def read_folder(root: str, *, name_scheme: str | None = None, jobs: int = 1) -> list[FileRecord]:
    """Read every file below ``root`` into records, sorted by path."""
    return read_records(root, _entries(root), declared=name_scheme, jobs=jobs)


def build(root: str, output: str, *, name_scheme: str | None = None, jobs: int = 1) -> Manifest:
    """The manifest of ``root`` as it would be written to ``output``."""
    records = read_folder(root, name_scheme=name_scheme, jobs=jobs)
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


def write_folder(
    root: str, output: str, *, name_scheme: str | None = None, jobs: int = 1
) -> Written:
    """Read ``root`` and write its manifest to ``output``: :func:`build` + :func:`write`, faster.

    The same bytes as ``write(build(...))``: the workers hand back each record as checked
    JSON, so the records are never rebuilt as objects here only to be serialised again.
    """
    entries = _entries(root)
    encoded = encode_records(root, entries, declared=name_scheme, jobs=jobs)
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
    return Written(len(encoded), total, sum(e.errors for e in encoded))


def dump(manifest: Manifest) -> bytes:
    """Serialise deterministically: model field order, sorted files, UTF-8, final newline."""
    doc = orjson.loads(manifest.model_dump_json())
    schemas.validate(doc, MANIFEST_SCHEMA, where="manifest being written")
    return render(doc)


def render(doc: dict[str, Any]) -> bytes:
    """One top-level key a line and one file record a line: compact, and a diff shows files."""
    head = {k: v for k, v in doc.items() if k != "files"}
    return _render(head, [orjson.dumps(r) for r in doc["files"]])


def _render(head: dict[str, Any], records: list[bytes]) -> bytes:
    lines = [b"{"]
    lines += [b" %s: %s," % (orjson.dumps(k), orjson.dumps(v)) for k, v in head.items()]
    body = b",\n".join(b"  " + r for r in records)
    lines += [b' "files": [', body, b" ]", b"}"] if records else [b' "files": []', b"}"]
    return b"\n".join(lines) + b"\n"


def write(manifest: Manifest, output: str) -> None:
    """Validate and write atomically."""
    write_atomic(output, dump(manifest))


def load(path: str) -> Manifest:
    """Read a manifest, refusing anything not valid, not safe or not this version."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as e:
        raise ManifestError(f"cannot read manifest: {e.strerror}", where=path) from e
    return parse(data, where=path)


def parse(data: bytes, *, where: str) -> Manifest:
    """Bytes → validated :class:`Manifest` (the schema first, then the paths)."""
    doc = listing.decode(data, where=where)
    listing.check_document(doc, where=where)
    return Manifest.model_validate(doc)


def folder_of(manifest: Manifest, manifest_path: str) -> str:
    """The folder a manifest describes, resolved against the manifest's own location."""
    return os.path.normpath(os.path.join(os.path.dirname(manifest_path) or ".", manifest.folder))
