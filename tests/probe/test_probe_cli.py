"""The probe command: usage errors, report formats, the schema, atomic writes, the cache."""

from __future__ import annotations

import argparse
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from probe_helpers import run_probe, write_manifest

from provenance import probe_cli, schemas
from provenance.probe.cache import ProbeCache
from provenance.probe.models import (
    DriftResult,
    LiveResult,
    ProbeEntry,
    ProbeManifestResult,
)
from provenance.probe.report import REPORTERS

ROOT = Path(__file__).parents[2]


def _report() -> object:
    drift = DriftResult(
        verdict="drifted",
        against="memento",
        compared_url="https://a/id_",
        memento_url="https://a/",
        word_jaccard=0.2,
        char_jaccard=0.3,
        containment=0.25,
        simhash_distance=17,
        ours_chars=10,
        theirs_chars=12,
    )
    entries = [
        ProbeEntry(
            path="a.md",
            url="https://news.example/a",
            live=LiveResult(status="dead", http_status=404),
            memento=None,
            drift=drift,
            live_drift=None,
            findings=["live-dead", "memento-drifted"],
        ),
        ProbeEntry(path="b.md", url=None, live=None, memento=None, drift=None, live_drift=None),
    ]
    results = [ProbeManifestResult(manifest="m.json", folder="pages", entries=entries)]
    return probe_cli.build_report(results, archives=("https://web.archive.org/web",), requests=4)


def test_report_matches_the_committed_schema() -> None:
    committed = (ROOT / "schemas" / "probe-report.schema.json").read_text(encoding="utf-8")
    assert committed == schemas.render(schemas.generate("probe-report.schema.json"))
    doc = json.loads(REPORTERS["json"](_report()))  # type: ignore[arg-type]
    schemas.validate(doc, "probe-report.schema.json", where="report")


def test_formats() -> None:
    report = _report()
    text = REPORTERS["text"](report)  # type: ignore[arg-type]
    assert "live dead 404" in text and "memento drifted" in text
    github = REPORTERS["github"](report)  # type: ignore[arg-type]
    assert github.startswith("::warning file=pages/a.md,title=live-dead::")
    odd = report.model_copy(deep=True)  # type: ignore[attr-defined]
    odd.results[0].entries[0] = (
        odd.results[0].entries[0].model_copy(update={"path": "100% new, odd: name.md"})
    )
    first = REPORTERS["github"](odd).splitlines()[0]
    assert first.startswith("::warning file=pages/100%25 new%2C odd%3A name.md,title=live-dead::")
    suite = ET.fromstring(REPORTERS["junit"](report))  # type: ignore[arg-type]
    assert suite.find("testsuite").get("failures") == "1"  # type: ignore[union-attr]
    assert probe_cli.exit_code(report) == 1  # type: ignore[arg-type]


def test_unreadable_manifest_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "m.json"
    bad.write_text("{not json", encoding="utf-8")
    code, _ = run_probe(str(bad))
    assert code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not valid JSON" in err


def test_schema_invalid_manifest_is_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The probe reads manifests as verify does: the JSON Schema, formats checked, first."""
    manifest = write_manifest(tmp_path, {"a.md": ("https://example.com/a", "2021-13-45", "text")})
    code, _ = run_probe(str(manifest), "--no-live", "--no-archives", "--no-cache")
    assert code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "does not match manifest.schema.json" in err


def test_folder_is_named_without_dot_dot(tmp_path: Path) -> None:
    manifest = write_manifest(tmp_path, {"a.md": (None, None, "text")})
    moved = tmp_path / "manifests" / "m.json"
    moved.parent.mkdir()
    doc = json.loads(manifest.read_text(encoding="utf-8"))
    moved.write_text(json.dumps({**doc, "folder": "../pages"}), encoding="utf-8")
    report = tmp_path / "r.json"
    code, _ = run_probe(
        str(moved), "--no-live", "--no-archives", "--no-cache", "--report", str(report)
    )
    assert code == 0
    folder = json.loads(report.read_text(encoding="utf-8"))["results"][0]["folder"]
    assert folder == str(tmp_path / "pages")


@pytest.mark.parametrize(
    "bad",
    [["--archive", "ftp://archive.example/"], ["--minor", "0.99"], ["--concurrency", "0"]],
)
def test_bad_options_are_exit_2(tmp_path: Path, bad: list[str]) -> None:
    manifest = write_manifest(tmp_path, {"a.md": (None, None, "text")})
    code, _ = run_probe(str(manifest), *bad)
    assert code == 2


def test_no_url_no_network_and_atomic_report(tmp_path: Path) -> None:
    manifest = write_manifest(tmp_path, {"a.md": (None, None, "text")})
    report = tmp_path / "out" / "report.json"
    code, _ = run_probe(str(manifest), "--report", str(report), "--no-cache")
    assert code == 0
    assert json.loads(report.read_text())["requests"] == 0
    assert sorted(p.name for p in report.parent.iterdir()) == ["report.json"]


def test_add_arguments_keeps_an_existing_format_option() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--format", choices=("text", "json", "github", "junit"), default="text")
    probe_cli.add_arguments(parser)
    ns = parser.parse_args(
        [
            "m.json",
            "--format",
            "junit",
            "--allow-host",
            "a",
            "--allow-host",
            "b",
            "--max-age",
            "12h",
        ]
    )
    assert ns.format == "junit" and ns.allow_host == ["a", "b"] and ns.max_age == 43200


def test_cache_expires(tmp_path: Path) -> None:
    now = [1000.0]
    cache = ProbeCache(tmp_path / "c.sqlite", max_age=60, clock=lambda: now[0])
    cache.put("live", "https://a/", {"x": 1})
    assert cache.get("live", "https://a/") == {"x": 1}
    now[0] += 61
    assert cache.get("live", "https://a/") is None
    cache.close()


def test_damaged_cache_is_ignored(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "c.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    cache = ProbeCache(path)
    assert cache.get("live", "https://a/") is None
    cache.put("live", "https://a/", {"x": 1})
    cache.close()
    assert "going on without it" in capsys.readouterr().err


def test_network_is_blocked_by_default() -> None:
    import socket

    with socket.socket() as s, pytest.raises(RuntimeError, match="Network is disabled"):
        s.connect(("192.0.2.1", 80))


def test_text_says_why_a_live_check_learnt_nothing() -> None:
    from provenance.probe.models import LiveResult, ProbeEntry
    from provenance.probe.report import entry_line

    refused = "refused localhost (127.0.0.1): loopback address; use --allow-host localhost"
    live = LiveResult(status="unknown", error=refused, reason="blocked-address")
    entry = ProbeEntry(
        path="a.md", url="http://localhost/a", published=None, live=live, memento=None,
        drift=None, live_drift=None,
    )  # fmt: skip
    assert entry_line(entry).endswith(f"live unknown ({refused})")
    dead = live.model_copy(update={"status": "dead", "http_status": 404, "error": "gone"})
    assert entry_line(entry.model_copy(update={"live": dead})).endswith("live dead 404")


def test_text_says_why_an_archive_answered_nothing() -> None:
    from provenance.probe.models import ArchiveAttempt, ProbeEntry
    from provenance.probe.report import entry_line

    refused = "refused 127.0.0.1 (127.0.0.1): loopback address"
    attempts = [
        ArchiveAttempt(archive="http://127.0.0.1:1/web", status="unknown", error=refused),
        ArchiveAttempt(archive="https://web.archive.org/web", status="none", count=0),
    ]
    entry = ProbeEntry(
        path="a.md", url="http://news.example/a", published=None, live=None, memento=None,
        archives=attempts, drift=None, live_drift=None,
    )  # fmt: skip
    assert entry_line(entry).endswith(f"; archives: unknown ({refused}), none")
