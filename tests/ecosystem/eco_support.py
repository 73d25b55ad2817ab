"""Support for the ecosystem tests: a folder whose manifest carries real-looking metadata.

The extraction is pluggable, so these tests give the records their published times,
URLs and titles through the models rather than depend on what an extractor finds.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from provenance import manifest as manifests
from provenance.models import Problem, TextClaim, TimestampClaim, UrlClaim

SEEDS = Path(__file__).resolve().parent.parent / "data" / "seeds"
#: The root conftest's ``run_cli`` fixture: ``run_cli(*args)`` → ``Run(code, out, err)``.
RunCli = Callable[..., Any]
XSS_TITLE = '</script><img src=x onerror="alert(1)"> & <b>bold</b>'


@dataclass(frozen=True)
class Described:
    """A folder, its manifest file and what the tests gave each record."""

    folder: Path
    manifest: Path
    urls: dict[str, str]


def _evidence(line: int, raw: str, rule: str) -> dict[str, object]:
    return {"line": line, "column": 0, "raw": raw, "rule": rule, "confidence": 0.9}


def _claims(i: int, path: str) -> dict[str, object]:
    year = 2014 + i
    url = f"https://news.example.org/{year}/story-{i}.html"
    title = XSS_TITLE if i == 1 else f"Story {i}: what happened in {year}"
    update: dict[str, object] = {
        "published": TimestampClaim(
            value=f"{year}-0{1 + i % 9}-1{i % 10}", precision="day", **_evidence(3, "x", "t.day")
        ),
        "captured": TimestampClaim(
            value=f"{year + 1}-03-01T12:00:00Z",
            precision="second",
            **_evidence(1, "y", "t.capture"),
        ),
        "original_url": UrlClaim(value=url, normalized=url, **_evidence(2, url, "url.header")),
        "title": TextClaim(value=title, **_evidence(4, title, "title.first-line")),
    }
    if i == 2:
        update["problems"] = [
            Problem(code="future-timestamp", severity="error", message="date, is: in future")
        ]
    if i == 3:
        bad = "javascript:alert(1)"
        update["original_url"] = UrlClaim(value=bad, normalized=bad, **_evidence(2, bad, "url.x"))
    return update


def make_described(tmp_path: Path) -> Described:
    """Five seed pages plus one oddly named file, with a manifest holding metadata."""
    folder = tmp_path / "pages"
    shutil.copytree(SEEDS, folder)
    (folder / "sub dir").mkdir()
    (folder / "sub dir" / "100% new, odd: name.txt").write_bytes(b"odd\n")
    for f in folder.rglob("*"):
        f.chmod(0o755 if f.is_dir() else 0o644)
    out = tmp_path / "manifests" / "pages.json"
    built = manifests.build(str(folder), str(out))
    records, urls = [], {}
    for i, record in enumerate(built.files):
        if record.path.startswith("sub dir/"):
            records.append(record)
            continue
        record = record.model_copy(update=_claims(i, record.path))
        if record.original_url:
            urls[record.path] = record.original_url.normalized
        records.append(record)
    manifests.write(built.model_copy(update={"files": records}), str(out))
    return Described(folder=folder, manifest=out, urls=urls)


def probe_report(described: Described) -> dict[str, object]:
    """A probe report in the probe's own shape: results[].entries[] per file."""
    entries = []
    for n, (path, url) in enumerate(sorted(described.urls.items())):
        stamp = f"2016{n:02d}01120000"
        entries.append(
            {
                "path": path,
                "url": url,
                "live": {"status": ["alive", "dead", "moved"][n % 3], "http_status": 200},
                "memento": {
                    "url": f"https://web.archive.org/web/{stamp}/{url}",
                    "datetime": f"2016-{n + 1:02d}-01T12:00:00Z",
                    "count": 3,
                },
                "drift": {"verdict": ["identical", "drifted"][n % 2]},
            }
        )
    return {"ok": False, "results": [{"manifest": str(described.manifest), "entries": entries}]}
