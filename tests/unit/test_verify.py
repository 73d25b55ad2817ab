"""Verify on copies of the seeds: every kind of change, collected together, exit codes."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from testkit import Run

SEED = "002_5eb1b2106f1fcec7.txt"


def _verify(run_cli: Callable[..., Run], tmp: Path, *extra: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    result = run_cli("verify", "--format", "json", *extra, tmp / "manifests" / "seeds.json")
    return result.code, json.loads(result.out) if result.out else {}


def _codes(report: dict) -> list[tuple[str, str]]:  # type: ignore[type-arg]
    return [(f["code"], f["path"]) for r in report["results"] for f in r["findings"]]


def test_unchanged_copy_is_clean(seeds_copy: Path, run_cli: Callable[..., Run]) -> None:
    code, report = _verify(run_cli, seeds_copy.parent)
    assert code == 0 and report["ok"] is True and _codes(report) == []


def test_one_byte_changed_names_the_file(seeds_copy: Path, run_cli: Callable[..., Run]) -> None:
    target = seeds_copy / SEED
    data = bytearray(target.read_bytes())
    data[100] ^= 0x01
    target.write_bytes(bytes(data))
    code, report = _verify(run_cli, seeds_copy.parent)
    assert code == 1
    assert _codes(report) == [("changed", SEED)]


def test_deleted_added_renamed_all_reported_together(
    seeds_copy: Path, run_cli: Callable[..., Run]
) -> None:
    (seeds_copy / "000_48c78df7aa8e8c42.txt").unlink()
    (seeds_copy / "005_0000000000000000.txt").write_text("new page\n")
    (seeds_copy / "004_42888320195507bf.txt").rename(seeds_copy / "sub.txt")
    code, report = _verify(run_cli, seeds_copy.parent)
    assert code == 1
    assert sorted(_codes(report)) == [
        ("missing", "000_48c78df7aa8e8c42.txt"),
        ("moved", "004_42888320195507bf.txt"),
        ("unlisted", "005_0000000000000000.txt"),
    ]
    moved = [f for r in report["results"] for f in r["findings"] if f["code"] == "moved"]
    assert moved[0]["other_path"] == "sub.txt"


def test_text_output_is_readable(seeds_copy: Path, run_cli: Callable[..., Run]) -> None:
    (seeds_copy / SEED).write_bytes(b"replaced")
    result = run_cli("verify", seeds_copy.parent / "manifests" / "seeds.json")
    assert result.code == 1
    assert "changed" in result.out and SEED in result.out and "FAILED" in result.out


@pytest.mark.parametrize(
    "content",
    [
        b"{not json",
        b'{"manifest_version": 1, "folder": "x"',
        b"\xef\xbb\xbf{}",
        b'{"manifest_version": 1, "folder": ".", "files": "nope"}',
        b'{"manifest_version": 99}',
        b"\xff\xfe",
    ],
)
def test_invalid_manifest_exits_2_with_one_line(
    seeds_copy: Path, run_cli: Callable[..., Run], content: bytes
) -> None:
    manifest = seeds_copy.parent / "manifests" / "seeds.json"
    manifest.write_bytes(content)
    result = run_cli("verify", manifest)
    assert result.code == 2
    assert result.out == ""
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and "seeds.json" in lines[0] and "Traceback" not in result.err


@pytest.mark.parametrize("bad", ["../../etc/passwd", "/etc/passwd", "a/../../x", "C:\\x", "~/x"])
def test_unsafe_path_refuses_whole_manifest(
    seeds_copy: Path, run_cli: Callable[..., Run], bad: str
) -> None:
    manifest = seeds_copy.parent / "manifests" / "seeds.json"
    doc = json.loads(manifest.read_text())
    doc["files"][0]["path"] = bad
    manifest.write_text(json.dumps(doc))
    result = run_cli("verify", manifest)
    assert result.code == 2 and "unsafe" in result.err


def test_duplicate_entry_refused(seeds_copy: Path, run_cli: Callable[..., Run]) -> None:
    manifest = seeds_copy.parent / "manifests" / "seeds.json"
    doc = json.loads(manifest.read_text())
    doc["files"].append(doc["files"][0])
    manifest.write_text(json.dumps(doc))
    result = run_cli("verify", manifest)
    assert result.code == 2 and "twice" in result.err


def test_metadata_edit_caught_by_deep(seeds_copy: Path, run_cli: Callable[..., Run]) -> None:
    manifest = seeds_copy.parent / "manifests" / "seeds.json"
    doc = json.loads(manifest.read_text())
    doc["files"][0]["title"] = {
        "value": "forged",
        "line": 1,
        "column": 0,
        "raw": "forged",
        "rule": "x",
        "confidence": 1.0,
    }
    manifest.write_text(json.dumps(doc))
    assert _verify(run_cli, seeds_copy.parent)[0] == 0  # bytes unchanged: not re-extracted
    code, report = _verify(run_cli, seeds_copy.parent, "--deep")
    assert code == 1
    assert ("metadata-changed", doc["files"][0]["path"]) in _codes(report)


def test_missing_folder_cannot_check(seeds_copy: Path, run_cli: Callable[..., Run]) -> None:
    for f in seeds_copy.iterdir():
        f.unlink()
    seeds_copy.rmdir()
    result = run_cli("verify", seeds_copy.parent / "manifests" / "seeds.json")
    assert result.code == 3 and "folder not found" in result.err


def test_github_and_junit_formats(seeds_copy: Path, run_cli: Callable[..., Run]) -> None:
    from xml.etree import ElementTree as ET

    (seeds_copy / SEED).write_bytes(b"x")
    manifest = seeds_copy.parent / "manifests" / "seeds.json"
    gh = run_cli("verify", "--format", "github", manifest)
    assert gh.code == 1
    assert gh.out.startswith("::error file=") and SEED in gh.out
    junit = run_cli("verify", "--format", "junit", manifest)
    root = ET.fromstring(junit.out.split("\n", 1)[1])
    failures = root.findall(".//failure")
    assert [f.get("type") for f in failures] == ["changed"]


def test_committed_seeds_manifest_verifies(run_cli: Callable[..., Run]) -> None:
    from testkit import ROOT

    result = run_cli("verify", ROOT / "manifests" / "seeds.json")
    assert result.code == 0, result.out + result.err


def test_text_output_cannot_forge_lines(tmp_path: Path, run_cli: Callable[..., Run]) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "x\nOK\x1b[32m.txt").write_text("page")
    result = run_cli("audit", folder)
    assert "\nOK" not in result.out and "\x1b" not in result.out
    assert "x\\x0aOK\\x1b[32m.txt" in result.out


def test_a_subfolder_listing_that_fails_partway_is_reported_and_the_rest_checked(
    tmp_path: Path, run_cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    import contextlib
    import errno
    import os
    import shutil
    from collections.abc import Iterator

    from testkit import SEEDS

    from provenance import folder as folders

    pages = tmp_path / "seeds"
    (pages / "sub").mkdir(parents=True)
    for i, seed in enumerate(sorted(SEEDS.iterdir())):
        shutil.copyfile(seed, pages / ("sub" if i < 2 else "") / seed.name)
    manifest = tmp_path / "manifests" / "seeds.json"
    assert run_cli("manifest", pages, "-o", manifest).code == 0

    real = os.scandir

    def failing(fd: int) -> Iterator[os.DirEntry[str]]:
        """The listing of ``sub``: one entry, then the disk fails (EIO)."""
        with real(fd) as it:
            yield next(it)
        raise OSError(errno.EIO, "Input/output error")

    def scandir(fd: int) -> object:
        if os.readlink(f"/proc/self/fd/{fd}").endswith("/sub"):
            return contextlib.closing(failing(fd))
        return real(fd)

    monkeypatch.setattr(folders.os, "scandir", scandir)
    result = run_cli("verify", "--format", "json", "-j", "1", manifest)
    assert result.code == 1, result.err
    codes = _codes(json.loads(result.out))
    assert ("unreadable", "sub") in codes
    inside = [p for c, p in codes if c == "unreadable" and p.startswith("sub/")]
    assert len(inside) == 1, codes  # the one listed before the failure was checked, clean
    assert not [c for c, _ in codes if c in ("missing", "moved", "changed")], codes
