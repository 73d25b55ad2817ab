"""BagIt 1.0 (RFC 8493) bags out (``bagimport`` reads them back in).

Export copies the files its manifest lists (no others) under ``data/``, checking each
copy's SHA-256 against the manifest while it streams, and adds ``manifest-sha256.txt``,
``bag-info.txt`` (with ``Provenance-*`` fields), the provenance manifest itself as the
tag file ``provenance-manifest.json`` (its ``folder`` is ``data``, so ``provenance
verify`` reads it in place) and ``tagmanifest-sha256.txt``. The bag is built in a
temporary folder beside the target and renamed into place, so a bag is whole or absent.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from datetime import date

from provenance import __version__
from provenance import manifest as manifests
from provenance.atomic import fsync_dir
from provenance.errors import InputError, OutputError, UsageError
from provenance.export.source import Source
from provenance.hashing import CHUNK
from provenance.instants import earliest_latest
from provenance.models import FileRecord, Manifest
from provenance.parallel import OnProgress

TAG_MANIFEST_FILE = "provenance-manifest.json"
_OPEN = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)


def encode_path(path: str) -> str:
    """Percent-encode CR and LF in a manifest path, as bagit-python writes and reads them.

    RFC 8493 §2.1.3 also asks for ``%`` as ``%25``, but bagit-python, the validator every
    bag meets, neither writes nor decodes ``%25``: following the RFC there would make a
    name such as ``100% new.txt`` fail ``bagit.py --validate``. Names that already hold
    ``%0A`` or ``%0D`` are refused by :func:`_payload`, so no encoded path is ambiguous.
    """
    return path.replace("\r", "%0D").replace("\n", "%0A")


def decode_path(path: str) -> str:
    """The inverse of :func:`encode_path`."""
    return re.sub("%0[dD]", "\r", re.sub("%0[aA]", "\n", path))


def _tag_value(value: str) -> str:
    # A tag value is one line; folding is allowed but a newline inside a value is not.
    return " ".join(value.split())


@dataclass(frozen=True)
class BagInfo:
    """The bag-info.txt fields a user may set."""

    bagging_date: date
    source_organization: str | None = None


def _check_target(out: str) -> None:
    if os.path.islink(out) or (os.path.lexists(out) and not os.path.isdir(out)):
        raise UsageError("exists and is not a folder", where=out, hint="choose a new folder")
    if os.path.isdir(out) and os.listdir(out):
        raise UsageError(
            "folder exists and is not empty", where=out, hint="choose a new folder or remove it"
        )


def _copy_checked(src: str, dst: str, record: FileRecord) -> None:
    """Stream ``src`` to ``dst``, refusing a copy whose digest is not the manifest's."""
    digest = hashlib.sha256()
    try:
        fd = os.open(src, _OPEN)
    except OSError as e:
        raise InputError(
            f"cannot read: {e.strerror}",
            where=src,
            hint="run 'provenance verify' and rebuild the manifest before exporting",
        ) from e
    try:
        with os.fdopen(fd, "rb", closefd=False) as source, open(dst, "xb") as target:
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                target.write(chunk)
    finally:
        os.close(fd)
    if digest.hexdigest() != record.sha256:
        raise InputError(
            "content differs from its manifest record",
            where=src,
            hint="run 'provenance verify' and rebuild the manifest before exporting",
        )


def _payload(source: Source, data: str, on_progress: OnProgress | None) -> None:
    total = len(source.manifest.files)
    for done, record in enumerate(source.manifest.files, 1):
        if record.status in ("special", "unreadable"):
            reason = record.problems[0].message if record.problems else record.status
            raise InputError(
                f"cannot be bagged: {reason}",
                where=os.path.join(source.folder, record.path),
                hint="a bag holds regular files only; remove or replace it and export again",
            )
        if re.search("%0[aAdD]", record.path):
            raise InputError(
                "cannot be bagged: its name holds '%0A' or '%0D', which bag manifests "
                "decode as a line break",
                where=os.path.join(source.folder, record.path),
                hint="rename it and export again",
            )
        target = os.path.join(data, *record.path.split("/"))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        _copy_checked(os.path.join(source.folder, record.path), target, record)
        if on_progress is not None:
            on_progress(done, total)


def _bag_info(manifest: Manifest, info: BagInfo) -> str:
    published = earliest_latest(r.published.value for r in manifest.files if r.published)
    fields: list[tuple[str, str]] = []
    if info.source_organization:
        fields.append(("Source-Organization", info.source_organization))
    fields += [
        ("Bagging-Date", info.bagging_date.isoformat()),
        ("Bag-Software-Agent", f"provenance {__version__}"),
        ("Payload-Oxum", f"{manifest.total_bytes}.{manifest.file_count}"),
        ("External-Description", "Archived web pages with their provenance"),
        ("Provenance-Manifest", TAG_MANIFEST_FILE),
        ("Provenance-Manifest-Version", str(manifest.manifest_version)),
        ("Provenance-Extractor-Version", manifest.extractor_version),
        ("Provenance-Name-Scheme", manifest.name_scheme or "undeclared"),
        ("Provenance-File-Count", str(manifest.file_count)),
        (
            "Provenance-Problem-Count",
            str(sum(1 for r in manifest.files for p in r.problems if p.severity == "error")),
        ),
    ]
    if published is not None:
        fields += [
            ("Provenance-Earliest-Published", published[0]),
            ("Provenance-Latest-Published", published[1]),
        ]
    return "".join(f"{k}: {_tag_value(v)}\n" for k, v in fields)


def _write_tags(root: str, manifest: Manifest, info: BagInfo) -> None:
    in_bag = manifest.model_copy(update={"folder": "data"})
    tags = {
        "bagit.txt": "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n",
        "manifest-sha256.txt": "".join(
            f"{r.sha256}  data/{encode_path(r.path)}\n" for r in manifest.files
        ),
        "bag-info.txt": _bag_info(manifest, info),
    }
    blobs = {name: text.encode("utf-8") for name, text in tags.items()}
    blobs[TAG_MANIFEST_FILE] = manifests.dump(in_bag)
    lines = [f"{hashlib.sha256(b).hexdigest()}  {name}\n" for name, b in sorted(blobs.items())]
    blobs["tagmanifest-sha256.txt"] = "".join(lines).encode("utf-8")
    for name, blob in blobs.items():
        with open(os.path.join(root, name), "xb") as handle:
            handle.write(blob)


def export_bag(
    source: Source, out: str, info: BagInfo, *, on_progress: OnProgress | None = None
) -> None:
    """Write ``source`` as a BagIt bag at ``out`` (absent or an empty folder), atomically."""
    _check_target(out)
    parent = os.path.dirname(os.path.abspath(out))
    try:
        os.makedirs(parent, exist_ok=True)
        tmp = tempfile.mkdtemp(prefix=f".{os.path.basename(out)}.tmp-", dir=parent)
    except OSError as e:
        raise OutputError(f"cannot create the bag: {e.strerror}", where=out) from e
    try:
        os.chmod(tmp, 0o755)
        _payload(source, os.path.join(tmp, "data"), on_progress)
        _write_tags(tmp, source.manifest, info)
        # One flush of everything written before the rename publishes the bag: a crash
        # then leaves the whole bag or none of it, and one sync costs far less than a
        # fsync per payload file (2,000 files: 7 s less).
        os.sync()
        os.replace(tmp, out)
    except BaseException as e:
        shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(e, OSError):
            raise OutputError(
                f"cannot write the bag: {e.strerror or e}", where=out, hint="nothing was written"
            ) from e
        raise
    fsync_dir(parent)
