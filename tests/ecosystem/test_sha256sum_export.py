"""``export sha256sum``: GNU ``sha256sum -c`` itself checks what was exported."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from .eco_support import Described, RunCli

# A backslash is refused in names (it would read as a Windows path separator in a manifest),
# so the escaping that sha256sum needs is exercised by line breaks.
AWKWARD = ["new\nline.txt", "carriage\rreturn.txt", "space and ü.txt", "%.txt"]
needs_sha256sum = pytest.mark.skipif(shutil.which("sha256sum") is None, reason="no sha256sum")


def check(folder: Path, listing: Path) -> subprocess.CompletedProcess[bytes]:
    """``sha256sum -c --strict`` run in the folder, as a user would."""
    return subprocess.run(
        ["sha256sum", "-c", "--strict", str(listing)], cwd=folder, capture_output=True, check=False
    )


@needs_sha256sum
def test_sha256sum_accepts_the_export(
    described: Described, run_cli: RunCli, tmp_path: Path
) -> None:
    for name in AWKWARD:
        (described.folder / name).write_bytes(name.encode() * 3)
    out = tmp_path / "SHA256SUMS"
    assert run_cli("export", "sha256sum", described.folder, "-o", out).code == 0
    checked = check(described.folder, out)
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.count(b": OK") == 6 + len(AWKWARD)
    assert out.read_bytes().count(b"\n") == 6 + len(AWKWARD)


@needs_sha256sum
def test_sha256sum_catches_a_change(described: Described, run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("export", "sha256sum", described.manifest)
    assert result.code == 0
    listing = tmp_path / "SHA256SUMS"
    listing.write_text(result.out)
    victim = sorted(described.folder.glob("*.txt"))[0]
    victim.write_bytes(b"changed")
    checked = check(described.folder, listing)
    assert checked.returncode == 1
    assert f"{victim.name}: FAILED".encode() in checked.stdout
