"""Read a probe report loosely: only what the HTML report and Robust Links need.

A probe report is a JSON document with one entry per file. The reader accepts the entries
under ``results[].entries`` (the probe's own shape), or a top-level ``entries`` or
``files`` list, or a bare list. An entry needs a string ``path``; it may carry ``url``,
``live`` (``status``, ``http_status``), ``memento`` (``url``, ``datetime``, ``count``) and
``drift`` / ``live_drift`` (``verdict``). Fields of the wrong type are ignored, so a
newer probe with more fields still reads.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from provenance.errors import InputError


@dataclass(frozen=True)
class Probed:
    """What the probe said about one file."""

    path: str
    url: str | None = None
    live: str | None = None
    http_status: int | None = None
    memento_url: str | None = None
    memento_datetime: str | None = None
    memento_count: int | None = None
    drift: str | None = None
    live_drift: str | None = None


def _get(doc: object, key: str, kind: type) -> Any:
    value = doc.get(key) if isinstance(doc, dict) else None
    return value if isinstance(value, kind) and not isinstance(value, bool) else None


def _entry(doc: dict[str, Any]) -> Probed:
    live, memento = doc.get("live"), doc.get("memento")
    return Probed(
        path=doc["path"],
        url=_get(doc, "url", str),
        live=_get(live, "status", str),
        http_status=_get(live, "http_status", int),
        memento_url=_get(memento, "url", str),
        memento_datetime=_get(memento, "datetime", str),
        memento_count=_get(memento, "count", int),
        drift=_get(doc.get("drift"), "verdict", str),
        live_drift=_get(doc.get("live_drift"), "verdict", str),
    )


def _entries(doc: object) -> list[object] | None:
    if isinstance(doc, list):
        return doc
    if not isinstance(doc, dict):
        return None
    results = doc.get("results")
    if isinstance(results, list) and all(isinstance(r, dict) for r in results):
        found: list[object] = []
        for result in results:
            entries = result.get("entries", result.get("files"))
            if isinstance(entries, list):
                found += entries
        return found
    for key in ("entries", "files"):
        if isinstance(doc.get(key), list):
            return list(doc[key])
    return None


def parse(data: bytes, *, where: str) -> dict[str, Probed]:
    """Bytes of a probe report → its entries by file path."""
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise InputError(f"not a JSON probe report ({e})", where=where) from e
    entries = _entries(doc)
    if entries is None:
        raise InputError(
            "no file entries found",
            where=where,
            hint="expected 'results[].entries', 'entries' or 'files': the output of "
            "'provenance probe --format json'",
        )
    good = [e for e in entries if isinstance(e, dict) and isinstance(e.get("path"), str)]
    if len(good) != len(entries):
        raise InputError(f"{len(entries) - len(good)} entries have no 'path'", where=where)
    return {e["path"]: _entry(e) for e in good}


def load(path: str) -> dict[str, Probed]:
    """Read a probe report file; exit 2 with one line when it cannot be read."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as e:
        raise InputError(f"cannot read probe report: {e.strerror}", where=path) from e
    return parse(data, where=path)
