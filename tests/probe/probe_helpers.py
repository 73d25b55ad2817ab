"""Manifests for the probe tests and an in-process run of the probe command."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from provenance import probe_cli


def claim(value: str, **extra: Any) -> dict[str, Any]:
    """A claim with evidence, as records carry them."""
    return {
        "line": 1,
        "column": 0,
        "raw": value,
        "rule": "test",
        "confidence": 1.0,
        "value": value,
        **extra,
    }


def record(path: str, url: str | None, published: str | None, size: int = 1) -> dict[str, Any]:
    """A file record with just what the probe reads."""
    return {
        "path": path,
        "size": size,
        "sha256": "0" * 64,
        "status": "ok",
        "encoding": "utf-8",
        "name": None,
        "name_hash": None,
        "published": claim(published, precision="day") if published else None,
        "captured": None,
        "original_url": claim(url, normalized=url) if url else None,
        "mirror_url": None,
        "title": None,
        "publisher": None,
        "candidates": [],
        "problems": [],
    }


def write_manifest(root: Path, files: dict[str, tuple[str | None, str | None, str]]) -> Path:
    """A manifest in ``root`` over folder ``pages`` holding the given copies."""
    folder = root / "pages"
    folder.mkdir(parents=True, exist_ok=True)
    records = []
    for name, (url, published, text) in sorted(files.items()):
        (folder / name).write_text(text, encoding="utf-8")
        records.append(record(name, url, published, size=len(text.encode())))
    manifest = {
        "manifest_version": 1,
        "folder": "pages",
        "extractor_version": "test",
        "name_scheme": None,
        "file_count": len(records),
        "total_bytes": sum(r["size"] for r in records),
        "files": records,
    }
    path = root / "manifest.json"
    path.write_text(json.dumps(manifest), encoding="utf-8")
    return path


def run_probe(*argv: str) -> tuple[int, argparse.Namespace]:
    """Parse and run ``provenance probe`` in this process."""
    parser = argparse.ArgumentParser()
    probe_cli.add_arguments(parser)
    ns = parser.parse_args(list(argv))
    return probe_cli.run(ns), ns


def entries(report_path: Path) -> dict[str, dict[str, Any]]:
    """The report's entries by path."""
    report = json.loads(report_path.read_text(encoding="utf-8"))
    return {e["path"]: e for r in report["results"] for e in r["entries"]}
