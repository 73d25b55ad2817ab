"""Hostile manifests: bytes, JSON structure and fields a reader must refuse or accept."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import builders as b
from .builders import Setup
from .case import Case, case_row


def _truncate(fraction: float) -> Callable[[bytes], bytes]:
    return lambda data: data[: int(len(data) * fraction)]


def _fifo_manifest(case: Path) -> Setup:
    setup = b.standard(case)
    assert setup.manifest is not None
    setup.manifest.unlink()
    os.mkfifo(setup.manifest)
    return setup


def _device_manifest(case: Path) -> Setup:
    setup = b.standard(case)
    assert setup.manifest is not None
    setup.manifest.unlink()
    reason = b.make_special(case, "device-zero", setup.manifest)
    setup.skip = reason if isinstance(reason, str) else None
    return setup


def _dir_manifest(case: Path) -> Setup:
    setup = b.standard(case)
    assert setup.manifest is not None
    setup.manifest.unlink()
    setup.manifest.mkdir()
    return setup


def _first(key: str, value: object) -> Callable[[dict[str, Any]], None]:
    return lambda d: d["files"][0].__setitem__(key, value)


def manifest_cases() -> list[Case]:
    """The manifest rows, all run with verify."""
    v = "verify"
    return [
        case_row("manifest-empty", v, b.raw(lambda _: b""), 2),
        case_row("manifest-truncated-half", v, b.raw(_truncate(0.5)), 2),
        case_row("manifest-truncated-1-byte", v, b.raw(lambda d: d[:1]), 2),
        case_row("manifest-truncated-end", v, b.raw(lambda d: d[:-2]), 2),
        case_row("manifest-bom", v, b.raw(lambda d: b"\xef\xbb\xbf" + d), 2),
        case_row("manifest-crlf", v, b.raw(lambda d: d.replace(b"\n", b"\r\n")), 0),
        case_row("manifest-utf16", v, b.raw(lambda d: d.decode().encode("utf-16")), 2),
        case_row(
            "manifest-latin1", v, b.raw(lambda d: d.replace(b'"folder": "', b'"folder": "\xe9')), 2
        ),
        case_row("manifest-not-json", v, b.raw(lambda _: b"hello world\n"), 2),
        case_row("manifest-array", v, b.raw(lambda _: b"[]"), 2),
        case_row("manifest-null", v, b.raw(lambda _: b"null"), 2),
        case_row("manifest-nul-bytes", v, b.raw(lambda d: d[:20] + b"\x00" * 8 + d[20:]), 2),
        case_row("manifest-deep-nesting", v, b.raw(lambda _: b"[" * 200_000), 2),
        case_row(
            "manifest-huge-int",
            v,
            b.raw(lambda d: d.replace(b'"file_count": 3', b'"file_count": ' + b"9" * 5000)),
            2,
        ),
        case_row(
            "manifest-duplicate-keys",
            v,
            b.raw(lambda d: d.replace(b'"files": [', b'"files": [], "files": [', 1)),
            2,
        ),
        case_row(
            "manifest-version-2", v, b.edited(lambda d: d.__setitem__("manifest_version", 2)), 2
        ),
        case_row(
            "manifest-version-string",
            v,
            b.edited(lambda d: d.__setitem__("manifest_version", "1")),
            2,
        ),
        case_row("manifest-version-missing", v, b.edited(lambda d: d.pop("manifest_version")), 2),
        case_row("manifest-unknown-field", v, b.edited(lambda d: d.__setitem__("extra", 1)), 2),
        case_row("manifest-files-not-list", v, b.edited(lambda d: d.__setitem__("files", {})), 2),
        case_row("manifest-record-not-object", v, b.edited(lambda d: d["files"].append("x")), 2),
        case_row("manifest-sha-missing", v, b.edited(lambda d: d["files"][0].pop("sha256")), 2),
        case_row(
            "manifest-sha-upper",
            v,
            b.edited(lambda d: _first("sha256", d["files"][0]["sha256"].upper())(d)),
            2,
        ),
        case_row("manifest-size-negative", v, b.edited(_first("size", -1)), 2),
        case_row("manifest-size-nan", v, b.edited(_first("size", float("nan"))), 2),
        case_row("manifest-status-unknown", v, b.edited(_first("status", "fine")), 2),
        case_row("manifest-problem-malformed", v, b.edited(_first("problems", [{"code": 1}])), 2),
        case_row("manifest-path-int", v, b.edited(_first("path", 7)), 2),
        case_row(
            "manifest-duplicate-path",
            v,
            b.edited(lambda d: d["files"].append(dict(d["files"][0]))),
            2,
        ),
        case_row(
            "manifest-count-mismatch",
            v,
            b.edited(lambda d: d.__setitem__("file_count", 2), recount=False),
            2,
        ),
        case_row(
            "manifest-bytes-mismatch",
            v,
            b.edited(lambda d: d.__setitem__("total_bytes", 1), recount=False),
            2,
        ),
        case_row("manifest-record-removed", v, b.edited(lambda d: d["files"].pop()), 1, "unlisted"),
        case_row("manifest-unsorted", v, b.edited(lambda d: d["files"].reverse()), 0),
        case_row("manifest-padded-1mb", v, b.raw(lambda d: d + b" " * (1 << 20)), 0),
        case_row(
            "manifest-other-extractor",
            v,
            b.edited(lambda d: d.__setitem__("extractor_version", "old")),
            0,
        ),
        case_row("manifest-is-directory", v, _dir_manifest, 2),
        case_row("manifest-is-fifo", v, _fifo_manifest, 2),
        case_row("manifest-is-device", v, _device_manifest, 2),
        case_row("folder-absolute", v, b.folder_field("/etc"), 2),
        case_row("folder-root", v, b.folder_field("/"), 2),
        case_row("folder-tilde", v, b.folder_field("~"), 2),
        case_row("folder-nul", v, b.folder_field("../root\x00"), 2),
        case_row("folder-drive", v, b.folder_field("C:\\data"), 2),
        case_row("folder-missing", v, b.folder_field("../nowhere"), 3),
    ]
