"""``provenance report``: one self-contained page, checked as text and in a real Chromium."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from .eco_support import XSS_TITLE, Described, RunCli, probe_report

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


def chromium() -> str | None:
    """The browser to test with: $PROVENANCE_CHROMIUM, else chromium on PATH."""
    return os.environ.get("PROVENANCE_CHROMIUM") or shutil.which("chromium")


def browse(page: Path, profile: Path, *extra: str, fragment: str = "") -> str:
    """Load ``page`` from disk in headless Chromium with no network features."""
    browser = chromium()
    assert browser is not None
    args = [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        *extra,
        page.as_uri() + fragment,
    ]
    done = subprocess.run(args, capture_output=True, text=True, timeout=90, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.fixture
def page(described: Described, run_cli: RunCli, tmp_path: Path) -> Path:
    report = tmp_path / "probe.json"
    report.write_text(json.dumps(probe_report(described)))
    out = tmp_path / "report.html"
    result = run_cli("report", described.manifest, "--probe", report, "-o", out)
    assert result.code == 0, result.err
    return out


def test_page_is_self_contained_and_escaped(page: Path) -> None:
    html = page.read_text()
    assert "default-src &#x27;none&#x27;" in html
    assert not re.search(r"<(link|img|iframe)\b|\bsrc=", html.split('id="report-data"')[0])
    data = html.split('<script type="application/json" id="report-data">')[1].split("</script>")[0]
    assert "<" not in data and ">" not in data
    rows = json.loads(data)["files"]
    assert XSS_TITLE in [r["title"] for r in rows]
    assert "Link health" in html and "alive 2" in html and "drifted 2" in html


def test_report_without_probe_says_so(
    described: Described, run_cli: RunCli, tmp_path: Path
) -> None:
    out = tmp_path / "r.html"
    assert run_cli("report", described.manifest, "-o", out, "--quiet").code == 0
    assert "Not probed" in out.read_text()


def test_report_of_a_broken_manifest_is_one_line(run_cli: RunCli, tmp_path: Path) -> None:
    bad = tmp_path / "m.json"
    bad.write_text("{")
    result = run_cli("report", bad, "-o", tmp_path / "r.html")
    assert result.code == 2 and result.err.count("\n") == 1
    assert not (tmp_path / "r.html").exists()


def test_page_renders_in_headless_chromium(page: Path, tmp_path: Path) -> None:
    if chromium() is None:
        from testkit import missing_tool

        missing_tool(
            "no Chromium: run tests/ecosystem/setup_chromium.sh or set PROVENANCE_CHROMIUM"
        )
    dom = browse(page, tmp_path / "profile", "--dump-dom", fragment="#sort=published:desc")
    assert 'data-rendered="true"' in dom
    rows = re.findall(r'<tr data-path="([^"]*)"', dom)
    assert len(rows) == 6
    # Sorted by publication, newest first; the file without a date comes last.
    assert rows[0].startswith("004_") and rows[-1].startswith("sub dir/")
    assert len(re.findall(r'<circle [^>]*class="tl-point published"', dom)) == 5
    assert len(re.findall(r'<circle [^>]*class="tl-point captured"', dom)) == 5
    assert 'aria-sort="descending"' in dom
    assert "&lt;/script&gt;&lt;img src=x" in dom and "<img" not in dom
    assert "6 of 6 files" in dom
    shot = ARTIFACTS / "report.png"
    shot.parent.mkdir(exist_ok=True)
    browse(page, tmp_path / "profile2", f"--screenshot={shot}", "--window-size=1280,1600")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
    print(f"screenshot: {shot}")


def test_seeds_report_renders_chinese_titles(run_cli: RunCli, tmp_path: Path) -> None:
    """The bundled seeds, as a person would first see them: Chinese titles, a short span."""
    from testkit import ROOT, missing_tool

    if chromium() is None:
        missing_tool(
            "no Chromium: run tests/ecosystem/setup_chromium.sh or set PROVENANCE_CHROMIUM"
        )
    fonts = shutil.which("fc-list")
    listed = (
        subprocess.run([fonts, ":lang=zh"], capture_output=True, text=True, check=False)
        if fonts
        else None
    )
    if listed is None or not listed.stdout.strip():
        missing_tool("no font for Chinese text: run tests/ecosystem/setup_chromium.sh")
    out = tmp_path / "seeds.html"
    assert run_cli("report", ROOT / "manifests" / "seeds.json", "-o", out, "--quiet").code == 0
    dom = browse(out, tmp_path / "profile", "--dump-dom")
    assert len(re.findall(r'<tr data-path="([^"]*)"', dom)) == 5
    assert "克里抵达上海" in dom
    # Two years and a quarter of dates: the axis is labelled by quarter, not by year.
    labels = re.findall(r'<text [^>]*class="tick"[^>]*>([^<]*)</text>', dom)
    assert "2021-07" in labels and "2022" in labels and "2023-07" in labels, labels
    shot = ARTIFACTS / "report-seeds.png"
    shot.parent.mkdir(exist_ok=True)
    browse(out, tmp_path / "profile2", f"--screenshot={shot}", "--window-size=1280,1300")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    print(f"screenshot: {shot}")


def test_verify_findings_join_the_table(
    described: Described, run_cli: RunCli, tmp_path: Path
) -> None:
    from provenance import manifest as manifests
    from provenance.html import ROW_KEYS, _row

    record = manifests.load(str(described.manifest)).files[0]
    assert tuple(_row(record, None)) == ROW_KEYS
    victim = sorted(described.folder.glob("*.txt"))[0]
    victim.write_bytes(b"changed")
    (described.folder / "added.txt").write_text("new")
    out = tmp_path / "r.html"
    assert run_cli("report", described.manifest, "--verify", "-o", out).code == 1
    data = out.read_text().split('id="report-data">')[1].split("</script>")[0]
    rows = {r["path"]: r for r in json.loads(data)["files"]}
    assert [p["code"] for p in rows[victim.name]["problems"]] == ["changed"]
    assert rows["added.txt"]["status"] == "unlisted" and set(rows["added.txt"]) == set(ROW_KEYS)
    assert "2 findings" in out.read_text()
