"""Writing a manifest again takes the records of unchanged files from the one it replaces,
and the result is byte for byte what reading every file again (``--fresh``) writes."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from testkit import CORPUS, SEEDS, Run

from provenance import reuse
from provenance.manifest import write_folder


def _corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "pages"
    shutil.copytree(CORPUS, folder)
    for i, seed in enumerate(sorted(SEEDS.iterdir())):
        shutil.copy(seed, folder / f"seeds-{i}.txt")
    return folder


def _fresh(folder: Path, tmp_path: Path) -> bytes:
    """What a manifest written from scratch, beside the other, holds."""
    other = tmp_path / "fresh" / "m.json"
    other.parent.mkdir(exist_ok=True)
    done = write_folder(str(folder), str(other), fresh=True)
    assert done.reused == 0
    # the folder field is relative to the manifest: write both from the same place
    data = json.loads(other.read_bytes())
    assert data["folder"] == "../pages"
    return other.read_bytes()


def test_unchanged_folder_is_taken_again_byte_for_byte(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    folder = _corpus(tmp_path)
    out = tmp_path / "manifests" / "m.json"
    first = run_cli("manifest", folder, "-o", out)
    assert first.code == 0 and "taken again" not in first.out
    written = out.read_bytes()
    again = run_cli("manifest", folder, "-o", out)
    assert again.code == 0
    assert "(45 unchanged, taken again)" in again.out
    assert out.read_bytes() == written
    fresh = run_cli("manifest", "--fresh", folder, "-o", out)
    assert fresh.code == 0 and "taken again" not in fresh.out
    assert out.read_bytes() == written


def test_changed_added_and_removed_files_give_what_a_fresh_run_gives(tmp_path: Path) -> None:
    folder = _corpus(tmp_path)
    out = tmp_path / "fresh" / "old.json"
    out.parent.mkdir()
    write_folder(str(folder), str(out))
    pages = sorted(folder.iterdir())
    pages[0].write_bytes(pages[0].read_bytes() + b"\n\xe5\x8e\x9f\xe6\x96\x87 edited\n")
    pages[1].unlink()
    # a copy under a taken sequence number: both get a folder-wide duplicate-sequence error
    shutil.copy(pages[2], folder / (pages[2].name[:4] + "0000000000000000.txt"))
    done = write_folder(str(folder), str(out))
    assert done.reused == len(pages) - 2  # all but the edited and the removed (the copy is new)
    again = out.read_bytes()
    assert b"duplicate-sequence" in again
    assert again == _fresh(folder, tmp_path)
    # the copy removed: the duplicate-sequence errors go with it, from the kept record too
    (folder / (pages[2].name[:4] + "0000000000000000.txt")).unlink()
    done = write_folder(str(folder), str(out))
    assert done.reused == len(pages) - 1
    assert b"duplicate-sequence" not in out.read_bytes()
    assert out.read_bytes() == _fresh(folder, tmp_path)


@pytest.mark.parametrize("change", ["edited", "version", "scheme", "folder", "huge"])
def test_an_earlier_manifest_that_cannot_vouch_is_not_used(
    tmp_path: Path, change: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _corpus(tmp_path)
    out = tmp_path / "fresh" / "m.json"
    out.parent.mkdir()
    write_folder(str(folder), str(out))
    field = "../pages"
    if change == "edited":  # a hand edit breaks the seal: nothing in it is trusted
        out.write_bytes(out.read_bytes().replace(b'"status":"ok"', b'"status":"ok" ', 1))
    elif change == "version":
        monkeypatch.setattr(reuse, "EXTRACTOR_VERSION", -1)
    elif change == "huge":
        monkeypatch.setattr(reuse, "REUSE_BELOW", 1000)
    elif change == "folder":
        field = "../elsewhere"
    scheme = "sha256:content" if change == "scheme" else None
    assert reuse.earlier(str(out), folder=field, name_scheme=scheme) == {}
    assert len(reuse.earlier(str(out), folder="../pages", name_scheme=None)) == (
        0 if change in ("edited", "version", "huge") else 45
    )


def test_a_record_with_a_future_date_is_read_again(tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "000_0123456789abcdef.txt").write_text(
        "Published: 2999-01-01\nhttps://example.org/a\n", encoding="utf-8"
    )
    (folder / "001_0123456789abcdee.txt").write_text(
        "Published: 2020-01-01\nhttps://example.org/b\n", encoding="utf-8"
    )
    out = tmp_path / "m.json"
    write_folder(str(folder), str(out))
    assert b"future-date" in out.read_bytes()
    kept = reuse.earlier(str(out), folder="pages", name_scheme=None)
    assert sorted(kept) == ["001_0123456789abcdee.txt"]
    assert write_folder(str(folder), str(out)).reused == 1


def test_missing_or_unreadable_earlier_manifest_is_no_error(tmp_path: Path) -> None:
    assert reuse.earlier(str(tmp_path / "none.json"), folder="x", name_scheme=None) == {}
    (tmp_path / "bad.json").write_bytes(b"\x00not json")
    assert reuse.earlier(str(tmp_path / "bad.json"), folder="x", name_scheme=None) == {}
    (tmp_path / "dir.json").mkdir()
    assert reuse.earlier(str(tmp_path / "dir.json"), folder="x", name_scheme=None) == {}
