"""The fast paths give the answers of the slow ones: streamed manifests, --fast, hashing."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from testkit import SEEDS, Run

from provenance import manifest as manifests
from provenance.errors import ManifestError
from provenance.hashing import CHUNK, HEAD, TAIL, digest_file
from provenance.listing import load_listing


def _manifest(seeds_copy: Path) -> Path:
    return seeds_copy.parent / "manifests" / "seeds.json"


def test_streamed_listing_equals_whole(seeds_copy: Path) -> None:
    path = _manifest(seeds_copy)
    whole = load_listing(str(path), deep=True)
    streamed = load_listing(str(path), deep=True, stream_above=0)
    assert streamed == whole
    assert [f.path for f in whole.files] == sorted(os.listdir(SEEDS))
    full = manifests.load(str(path))
    assert [(f.path, f.size, f.sha256) for f in whole.files] == [
        (r.path, r.size, r.sha256) for r in full.files
    ]


def test_streamed_listing_reads_any_layout(seeds_copy: Path) -> None:
    path = _manifest(seeds_copy)
    doc = json.loads(path.read_text(encoding="utf-8"))
    files = doc.pop("files")
    # files first, spaced out, another indentation: still one valid document
    path.write_text(json.dumps({"files": files, **doc}, indent=7), encoding="utf-8")
    streamed = load_listing(str(path), deep=True, stream_above=0)
    assert streamed == load_listing(str(path), deep=True)
    assert len(streamed.files) == 5 and streamed.extractor_version == doc["extractor_version"]


@pytest.mark.parametrize(
    "damage",
    [
        lambda t: t[: len(t) // 2],  # truncated
        lambda t: t.replace('"sha256":"', '"sha256":"X', 1),  # schema
        lambda t: t.replace('"path":"000_', '"path":"../000_', 1),  # unsafe path
        lambda t: t + "{}",  # trailing data
        lambda t: t.replace('"manifest_version": 1', '"manifest_version": 2', 1),
        lambda t: t.replace('"files": [', '"files": {', 1),
    ],
)
def test_streamed_listing_refuses_what_the_whole_refuses(
    seeds_copy: Path, damage: Callable[[str], str]
) -> None:
    path = _manifest(seeds_copy)
    path.write_text(damage(path.read_text(encoding="utf-8")), encoding="utf-8")
    for above in (0, 1 << 30):
        with pytest.raises(ManifestError):
            load_listing(str(path), stream_above=above)


def test_fast_sees_names_and_sizes_only(seeds_copy: Path, run_cli: Callable[..., Run]) -> None:
    target = seeds_copy / "002_5eb1b2106f1fcec7.txt"
    data = bytearray(target.read_bytes())
    data[100] ^= 1
    target.write_bytes(bytes(data))  # same size: only a full verify sees it
    manifest = _manifest(seeds_copy)
    assert run_cli("verify", "--fast", manifest).code == 0
    assert run_cli("verify", manifest).code == 1
    target.write_bytes(bytes(data) + b"!")
    (seeds_copy / "new.txt").write_text("x")
    (seeds_copy / "000_48c78df7aa8e8c42.txt").unlink()
    result = run_cli("verify", "--fast", "--format", "json", manifest)
    found = sorted((f["code"], f["path"]) for f in json.loads(result.out)["results"][0]["findings"])
    assert result.code == 1
    assert found == [
        ("changed", "002_5eb1b2106f1fcec7.txt"),
        ("missing", "000_48c78df7aa8e8c42.txt"),
        ("unlisted", "new.txt"),
    ]


@pytest.mark.parametrize(
    "size", [0, 1, 8191, CHUNK - 1, CHUNK, CHUNK + 1, HEAD + 5, HEAD + TAIL + CHUNK + 3]
)
def test_digest_at_every_boundary(tmp_path: Path, size: int) -> None:
    data = hashlib.shake_256(b"%d" % size).digest(size) if size else b""
    path = tmp_path / "f"
    path.write_bytes(data)
    digest = digest_file(str(path))
    assert digest.size == size and digest.sha256 == hashlib.sha256(data).hexdigest()
    assert digest.head == data[:HEAD]
    assert digest.tail == (data[HEAD:][-TAIL:] if size > HEAD else b"")
    assert digest_file(str(path), keep=False).sha256 == digest.sha256


def test_manifest_fast_writer_equals_model_writer(tmp_path: Path) -> None:
    out = tmp_path / "m.json"
    manifests.write_folder(str(SEEDS), str(out), jobs=2)
    assert out.read_bytes() == manifests.dump(manifests.build(str(SEEDS), str(out)))
    assert manifests.load(str(out)).file_count == 5


def test_odd_names_round_trip_through_both_readers(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    folder = tmp_path / "f"
    (folder / "sub dir").mkdir(parents=True)
    names = ["a%41.txt", "cr\rlf\n.txt", "sub dir/名字 ü.txt", "000_0123456789abcdef.txt"]
    for i, name in enumerate(names):
        (folder / name).write_bytes(b"page %d\n" % i)
    out = tmp_path / "m.json"
    assert run_cli("manifest", folder, "-o", out).code == 0
    whole = load_listing(str(out))
    assert sorted(f.path for f in whole.files) == sorted(names)
    assert load_listing(str(out), stream_above=0).files == whole.files
    assert run_cli("verify", out).code == 0


def test_walk_reads_sizes_without_following_links(tmp_path: Path) -> None:
    from provenance import folder as folders

    root = tmp_path / "root"
    (root / "sub").mkdir(parents=True)
    (root / "a.txt").write_bytes(b"x" * 10)
    (root / "sub" / "b.txt").write_bytes(b"y" * 3)
    (root / "link").symlink_to(root / "a.txt")
    sized = folders.walk(str(root), sizes=True)
    assert [(e.path, e.kind, e.size) for e in sized] == [
        ("a.txt", "file", 10),
        ("link", "symlink", None),
        ("sub/b.txt", "file", 3),
    ]
    assert [e._replace(size=None) for e in sized] == folders.walk(str(root))
