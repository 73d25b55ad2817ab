"""Build, write and read manifests: deterministic, atomic, validated and path-safe."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

from provenance import folder as folders
from provenance import schemas
from provenance.atomic import write_atomic
from provenance.errors import InputError, ManifestError, UnsafePathError, UsageError
from provenance.extract import EXTRACTOR_VERSION
from provenance.models import MANIFEST_VERSION, FileRecord, Manifest
from provenance.records import OnProgress, read_records

MANIFEST_SCHEMA = "manifest.schema.json"
RECORD_SCHEMA = "record.schema.json"


def read_folder(
    root: str,
    *,
    name_scheme: str | None = None,
    jobs: int = 1,
    on_progress: OnProgress | None = None,
) -> list[FileRecord]:
    """Read every file below ``root`` into records, sorted by path."""
    entries = folders.walk(root)
    for entry in entries:
        # What verify refuses to read must not be written: a name with a backslash or a
        # leading '~' gave a manifest that 'provenance verify' then refused as unsafe.
        try:
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
    return read_records(root, entries, declared=name_scheme, jobs=jobs, on_progress=on_progress)


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
    rel = os.path.relpath(os.path.abspath(root), os.path.dirname(os.path.abspath(output)))
    return Manifest(
        manifest_version=MANIFEST_VERSION,
        folder=Path(rel).as_posix(),
        extractor_version=EXTRACTOR_VERSION,
        name_scheme=name_scheme,
        file_count=len(records),
        total_bytes=sum(r.size for r in records),
        files=records,
    )


def dump(manifest: Manifest) -> bytes:
    """Serialise deterministically: model field order, sorted files, UTF-8, final newline."""
    doc = manifest.model_dump(mode="json")
    schemas.validate(doc, MANIFEST_SCHEMA, where="manifest being written")
    return (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def write(manifest: Manifest, output: str) -> None:
    """Validate and write atomically."""
    write_atomic(output, dump(manifest))


def load(path: str) -> Manifest:
    """Read a manifest, refusing anything not valid, not safe or not this version."""
    try:
        # O_NONBLOCK and a regular-file check: a FIFO would block the open forever and a
        # device such as /dev/zero would be read until memory runs out.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        with open(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise ManifestError("not a regular file", where=path, hint="pass a manifest file")
            data = handle.read()
    except OSError as e:
        raise ManifestError(f"cannot read manifest: {e.strerror}", where=path) from e
    return parse(data, where=path)


class _DuplicateKeyError(ValueError):
    """A JSON object names the same key twice."""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # json.loads keeps the last of two equal keys, so '"files": [...], "files": []' would
    # verify an empty list while a reader of the file sees the first one.
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            raise _DuplicateKeyError(key)
        seen.add(key)
    return dict(pairs)


def parse(data: bytes, *, where: str) -> Manifest:
    """Bytes → validated :class:`Manifest` (the schema first, then the paths)."""
    if data.startswith(b"\xef\xbb\xbf"):
        raise ManifestError(
            "starts with a byte-order mark",
            where=where,
            hint="manifests are UTF-8 without BOM; regenerate it",
        )
    try:
        doc: Any = json.loads(data.decode("utf-8"), object_pairs_hook=_unique_keys)
    except UnicodeDecodeError as e:
        raise ManifestError(f"not UTF-8 at byte {e.start}", where=where) from e
    except json.JSONDecodeError as e:
        raise ManifestError(
            f"not valid JSON (line {e.lineno}, column {e.colno}: {e.msg})",
            where=where,
            hint="the file may be truncated; restore it or regenerate it",
        ) from e
    except _DuplicateKeyError as e:
        raise ManifestError(
            f"key {e.args[0]!r} appears twice in one object",
            where=where,
            hint="the file was edited by hand; regenerate it",
        ) from e
    except (RecursionError, ValueError) as e:
        # Nesting deeper than the interpreter's stack, or an integer of more than 4300
        # digits: json raises these instead of JSONDecodeError.
        raise ManifestError(
            f"not a manifest ({type(e).__name__}: {str(e)[:80]})",
            where=where,
            hint="restore it or regenerate it",
        ) from e
    if isinstance(doc, dict) and doc.get("manifest_version") not in (None, MANIFEST_VERSION):
        raise ManifestError(
            f"manifest_version {doc.get('manifest_version')!r} is not supported "
            f"(this provenance reads {MANIFEST_VERSION})",
            where=where,
        )
    schemas.validate(doc, MANIFEST_SCHEMA, where=where)
    try:
        folders.safe_folder(doc["folder"])
    except UnsafePathError as e:
        raise ManifestError(
            f"unsafe folder {doc['folder']!r}: {e.message}",
            where=where,
            hint="the whole manifest is refused",
        ) from e
    seen: dict[str, str] = {}
    for entry in doc["files"]:
        path = entry["path"]
        try:
            folders.safe_relpath(path)
        except UnsafePathError as e:
            raise ManifestError(
                f"unsafe file path {path!r}: {e.message}",
                where=where,
                hint="the whole manifest is refused",
            ) from e
        # build() refuses names equal after NFC or ignoring case, so two such entries
        # mean an edited manifest; on a case-insensitive disk both would match one file.
        key = folders.nfc(path).casefold()
        if key in seen:
            twin = "" if seen[key] == path else f" (as {seen[key]!r}, equal after NFC/case)"
            raise ManifestError(f"path {path!r} is listed twice{twin}", where=where)
        seen[key] = path
    _check_totals(doc, where=where)
    return Manifest.model_validate(doc)


def _check_totals(doc: dict[str, Any], *, where: str) -> None:
    # The totals are written from the list; when they disagree a record was removed or
    # added by hand, which verify could not otherwise tell from a genuine manifest.
    count, total = len(doc["files"]), sum(f["size"] for f in doc["files"])
    if doc["file_count"] != count or doc["total_bytes"] != total:
        raise ManifestError(
            f"says {doc['file_count']} files / {doc['total_bytes']} bytes but lists "
            f"{count} files / {total} bytes",
            where=where,
            hint="the file was edited by hand; regenerate it",
        )


def folder_of(manifest: Manifest, manifest_path: str) -> str:
    """The folder a manifest describes, resolved against the manifest's own location."""
    return os.path.normpath(os.path.join(os.path.dirname(manifest_path) or ".", manifest.folder))
