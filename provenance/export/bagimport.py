"""A BagIt bag in: check its SHA-256 manifest, then describe its ``data/`` as a manifest.

The payload is read once: the pass that reads each page for the provenance manifest also
yields the digest compared with ``manifest-sha256.txt``. Every mismatch is collected, as
bagit-python does (missing, unexpected, changed), and reported as verify findings whose
paths are relative to the bag, so every ``--format`` renders them.

Nothing inside the bag is followed or blocked on: tag files and the payload are opened
below the bag one component at a time with ``O_NOFOLLOW`` and ``O_NONBLOCK``
(:mod:`provenance.beneath`), so a symlinked ``bagit.txt``, tag file or ``data/`` is
refused rather than read from outside the bag, and a FIFO is refused, never waited on.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat

from provenance import beneath
from provenance import folder as folders
from provenance import manifest as manifests
from provenance.errors import InputError, UnsafePathError
from provenance.export.bagit import decode_path
from provenance.models import Finding, Manifest, ManifestResult, VerifyReport
from provenance.parallel import OnProgress

_LINE = re.compile(r"^([0-9a-fA-F]{64})[ \t]+\*?(.+)$")


def _read_text(path: str, bag: str) -> str:
    name = os.path.relpath(path, bag)
    try:
        return beneath.read_regular(bag, name).decode("utf-8-sig")
    except FileNotFoundError as e:
        raise InputError(
            f"not a bag: {name} is missing",
            where=bag,
            hint="a bag made with sha256 has manifest-sha256.txt (bagit.py --sha256)",
        ) from e
    except beneath.NotRegularFileError as e:
        raise InputError(f"cannot read {name}: {e.strerror}; not followed", where=bag) from e
    except OSError as e:
        raise InputError(f"cannot read {name}: {e.strerror or e}", where=bag) from e
    except UnicodeDecodeError as e:
        raise InputError(f"cannot read {name}: {e}", where=bag) from e


def _present(bag: str, name: str) -> bool:
    """Whether the bag holds ``name`` at all (a symlink counts: it is then refused)."""
    return os.path.lexists(os.path.join(bag, name))


def read_checksums(path: str, bag: str) -> dict[str, str]:
    """``<hex>  <path>`` lines → {path: digest}; unsafe or repeated paths refuse the bag."""
    found: dict[str, str] = {}
    for number, text in enumerate(_read_text(path, bag).splitlines(), 1):
        if not text.strip():
            continue
        match = _LINE.match(text)
        if match is None:
            raise InputError(f"line {number} is not '<sha256>  <path>'", where=path)
        name = decode_path(match.group(2))
        try:
            folders.safe_relpath(name)
        except UnsafePathError as e:
            raise InputError(f"line {number}: unsafe path {name!r}", where=path) from e
        if name in found:
            raise InputError(f"line {number}: {name!r} is listed twice", where=path)
        found[name] = match.group(1).lower()
    return found


def _check_declaration(bag: str) -> None:
    text = _read_text(os.path.join(bag, "bagit.txt"), bag)
    if not re.search(r"^BagIt-Version: *\d+\.\d+ *$", text, re.MULTILINE):
        raise InputError("bagit.txt has no 'BagIt-Version: M.N' line", where=bag)


def _finding(code: str, path: str, message: str, **kw: str | None) -> Finding:
    return Finding.model_validate(
        {"code": code, "severity": "error", "path": path, "message": message, **kw}
    )


def _tag_findings(bag: str) -> list[Finding]:
    path = os.path.join(bag, "tagmanifest-sha256.txt")
    if not _present(bag, "tagmanifest-sha256.txt"):
        return []
    found = []
    for name, expected in read_checksums(path, bag).items():
        try:
            fd, _ = beneath.open_regular(bag, name)
            with open(fd, "rb") as handle:
                actual = hashlib.file_digest(handle, "sha256").hexdigest()
        except beneath.NotRegularFileError as e:
            found.append(_finding("unreadable", name, f"tag file not read: {e.strerror}"))
            continue
        except OSError:
            found.append(_finding("missing", name, "tag file listed but not found"))
            continue
        if actual != expected:
            found.append(
                _finding("changed", name, "tag file changed", expected=expected, found=actual)
            )
    return found


def _oxum_findings(bag: str, manifest: Manifest) -> list[Finding]:
    """bag-info.txt's ``Payload-Oxum`` (bytes.files) against the payload read."""
    info = os.path.join(bag, "bag-info.txt")
    if not _present(bag, "bag-info.txt"):
        return []
    match = re.search(r"^Payload-Oxum: *(\d+)\.(\d+) *$", _read_text(info, bag), re.MULTILINE)
    if match is None:
        return []
    expected = f"{match.group(1)}.{match.group(2)}"
    found = f"{manifest.total_bytes}.{manifest.file_count}"
    if expected == found:
        return []
    return [
        _finding(
            "changed",
            "bag-info.txt",
            "Payload-Oxum (bytes.files) does not match the payload",
            expected=expected,
            found=found,
        )
    ]


def _payload_findings(listed: dict[str, str], manifest: Manifest) -> list[Finding]:
    found = []
    on_disk = {f"data/{r.path}": r for r in manifest.files}
    by_nfc = {folders.nfc(p): p for p in on_disk}
    for path, expected in sorted(listed.items()):
        # Tools that follow RFC 8493 to the letter write "%" as "%25"; bagit-python does not.
        record = (
            on_disk.pop(path, None)
            or on_disk.pop(path.replace("%25", "%"), None)
            or on_disk.pop(by_nfc.get(folders.nfc(path), ""), None)
        )
        if record is None:
            found.append(_finding("missing", path, "listed in manifest-sha256.txt, not found"))
        elif record.status in ("special", "unreadable"):
            found.append(_finding("unreadable", path, "not a readable regular file"))
        elif record.sha256 != expected:
            found.append(
                _finding(
                    "changed", path, "checksum mismatch", expected=expected, found=record.sha256
                )
            )
    found += [_finding("unlisted", p, "payload file not in manifest-sha256.txt") for p in on_disk]
    return found


def import_bag(
    bag: str, output: str, *, jobs: int = 1, on_progress: OnProgress | None = None
) -> tuple[Manifest, VerifyReport]:
    """Check ``bag`` and build the manifest of its payload as it would be written to ``output``."""
    if not os.path.isdir(bag):
        raise InputError("not a folder", where=bag, hint="give the bag's top folder")
    _check_declaration(bag)
    listed = read_checksums(os.path.join(bag, "manifest-sha256.txt"), bag)
    data = os.path.join(bag, "data")
    try:
        mode = os.lstat(data).st_mode
    except OSError:
        mode = 0
    if stat.S_ISLNK(mode):
        raise InputError("data/ is a symlink; not followed", where=bag)
    if not stat.S_ISDIR(mode):
        raise InputError("not a bag: it has no data/ folder", where=bag)
    built = manifests.build(data, output, jobs=jobs, on_progress=on_progress)
    found = _payload_findings(listed, built) + _oxum_findings(bag, built) + _tag_findings(bag)
    findings = sorted(found, key=lambda f: (f.path, f.code, f.message))
    result = ManifestResult(
        manifest=os.path.join(bag, "manifest-sha256.txt"),
        folder=bag,
        checked=len(listed),
        findings=findings,
    )
    return built, VerifyReport(ok=not findings, results=[result])
