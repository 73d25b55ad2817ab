"""The Internet Archive's CDX, TimeMap and TimeGate shapes, replayed from cassettes.

The cassettes (tests/cassettes/test_probe_ia/) were written by hand in vcrpy's format
from the archive's documented responses; the network is blocked and nothing is recorded.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from probe_helpers import entries, run_probe, write_manifest

URL = "http://example.com/news/2006/storm.html"
COPY = (
    "# Storm closes harbour\n\n[Home](http://example.com/) | [News](http://example.com/news/)\n\n"
    "A winter storm closed the harbour on Friday night and damaged the outer wall.\n\n"
    "The harbour master expects repairs to take at least three days.\n"
)
ARGS = ["--no-live", "--rate", "0", "--index-rate", "0", "--format", "json"]


def _run(tmp_path: Path, published: str, *extra: str) -> tuple[int, dict[str, object]]:
    manifest = write_manifest(tmp_path, {"storm.md": (URL, published, COPY)})
    report = tmp_path / "report.json"
    code, _ = run_probe(str(manifest), "--report", str(report), *ARGS, *extra)
    return code, entries(report)["storm.md"]


@pytest.mark.vcr
def test_timemap_timegate_and_raw_memento(tmp_path: Path) -> None:
    cache = tmp_path / "cache.sqlite"
    code, entry = _run(tmp_path, "2006-01-14", "--cache", str(cache))
    memento = entry["memento"]
    assert isinstance(memento, dict)
    assert memento["url"] == f"https://web.archive.org/web/20060114023625/{URL}"
    assert memento["raw_url"] == f"https://web.archive.org/web/20060114023625id_/{URL}"
    assert memento["datetime"] == "2006-01-14T02:36:25Z"
    assert memento["count"] == 3
    assert memento["distance_seconds"] == 0  # inside the day the page gives
    assert entry["archives"] == [
        {
            "archive": "https://web.archive.org/web",
            "status": "found",
            "count": 3,
            "malformed": 1,
            "error": None,
        }
    ]
    assert entry["drift"]["verdict"] == "identical"  # type: ignore[index]
    assert code == 0
    # A second run is answered by the cache: the cassette could not replay it twice.
    code, again = _run(tmp_path, "2006-01-14", "--cache", str(cache))
    assert again["memento"] == memento and code == 0
    assert entry["cached"] is False and again["cached"] is True
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["requests"] == 0


@pytest.mark.vcr
def test_cdx_index_and_200_timegate(tmp_path: Path) -> None:
    code, entry = _run(tmp_path, "2011-09-03", "--index", "cdx", "--no-cache")
    memento = entry["memento"]
    assert isinstance(memento, dict)
    assert memento["url"] == f"https://web.archive.org/web/20110903120000/{URL}"
    assert memento["count"] == 3
    assert memento["http_status"] == 404  # an archived error page is still a memento
    assert entry["archives"][0]["malformed"] == 1  # type: ignore[index]
    assert entry["drift"]["verdict"] == "unrelated"  # type: ignore[index]
    assert code == 1


@pytest.mark.vcr
def test_rate_limited_archive_is_not_cached(tmp_path: Path) -> None:
    cache = tmp_path / "cache.sqlite"
    code, entry = _run(tmp_path, "2006-01-14", "--cache", str(cache))
    assert entry["memento"] is None
    assert entry["archives"][0]["status"] == "rate-limited"  # type: ignore[index]
    assert code == 3  # the only archive could not be asked
    db = sqlite3.connect(cache)
    try:
        assert db.execute("SELECT COUNT(*) FROM probe").fetchone() == (0,)
    finally:
        db.close()
