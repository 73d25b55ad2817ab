"""``provenance probe`` against a real archive: pywb serving a WARC built by warcio."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from probe_archive import CHANGED, COPIES, UNCHANGED
from probe_helpers import entries, run_probe, write_manifest
from probe_servers import free_port

pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])

# pywb stalls ~48 ms on keep-alive requests: no idle connections against it.
FAST = [
    "--keepalive",
    "0",
    "--rate",
    "0",
    "--index-rate",
    "0",
    "--no-cache",
    "--no-live",
    "--allow-host",
    "127.0.0.1",
]


def _probe(base: str, tmp_path: Path, *extra: str) -> tuple[int, dict[str, dict[str, object]]]:
    manifest = write_manifest(tmp_path, dict(COPIES))
    report = tmp_path / "report.json"
    code, _ = run_probe(
        str(manifest), "--archive", base, "--report", str(report), "--format", "json", *FAST, *extra
    )
    return code, entries(report)


@pytest.mark.parametrize("index", ["timemap", "cdx"])
def test_nearest_memento_and_verdicts(
    pywb_root: tuple[str, Path], tmp_path: Path, index: str
) -> None:
    base, _ = pywb_root
    code, found = _probe(base, tmp_path, "--index", index)
    harbour, council = found["harbour.md"], found["council.md"]

    assert harbour["url"] == UNCHANGED
    memento = harbour["memento"]
    assert memento["datetime"] == "2020-03-18T09:30:00Z"
    assert memento["count"] == 3
    assert memento["distance_seconds"] == 9 * 3600 + 30 * 60  # after the end of 17 March
    assert memento["raw_url"] == f"{base}/20200318093000id_/{UNCHANGED}"
    assert harbour["drift"]["verdict"] == "identical"
    assert harbour["findings"] == []

    assert council["url"] == CHANGED
    assert council["memento"]["datetime"] == "2020-04-21T10:00:00Z"
    assert council["memento"]["count"] == 2
    assert council["drift"]["verdict"] == "drifted"
    assert council["drift"]["memento_url"] == council["memento"]["url"]
    assert council["findings"] == ["memento-drifted"]
    assert code == 1


def test_text_a_mirror_added_does_not_count_as_drift(
    pywb_root: tuple[str, Path], tmp_path: Path
) -> None:
    """An unchanged page kept as mirrors keep it, with the original's label at the foot."""
    base, _ = pywb_root
    url, published, text = COPIES["harbour.md"]
    footer = f"原文链接（需翻墙）：{url}"
    manifest = write_manifest(tmp_path, {"harbour.md": (url, published, f"{text}\n{footer}\n")})
    doc = json.loads(manifest.read_text(encoding="utf-8"))
    line = len(text.split("\n")) + 1
    claim = {"line": line, "raw": footer, "rule": "label.original-url"}
    doc["files"][0]["original_url"].update(claim)
    manifest.write_text(json.dumps(doc), encoding="utf-8")
    report = tmp_path / "report.json"
    run_probe(str(manifest), "--archive", base, "--report", str(report), *FAST)
    drift = entries(report)["harbour.md"]["drift"]
    assert drift["verdict"] == "identical", drift
    assert drift["ours_chars"] == drift["theirs_chars"]


def test_url_never_archived(pywb_root: tuple[str, Path], tmp_path: Path) -> None:
    base, _ = pywb_root
    manifest = write_manifest(
        tmp_path, {"x.md": ("http://news.example/nothing", "2020-01-01", "text")}
    )
    report = tmp_path / "r.json"
    code, _ = run_probe(str(manifest), "--archive", base, "--report", str(report), *FAST)
    entry = entries(report)["x.md"]
    assert entry["memento"] is None
    assert entry["archives"][0]["status"] == "none"
    assert entry["drift"] is None
    assert code == 0


def test_unreachable_archive_is_exit_3(tmp_path: Path) -> None:
    manifest = write_manifest(tmp_path, dict(COPIES))
    dead = f"http://127.0.0.1:{free_port()}/web"
    code, _ = run_probe(str(manifest), "--archive", dead, "--retries", "0", *FAST)
    assert code == 3
