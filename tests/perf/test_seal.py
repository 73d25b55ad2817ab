"""The seal: a sealed manifest is read from its lines and gives what the full check gives.

Every way of reading a manifest must agree: sealed or not, whole or streamed, in one chunk
or many. What guards the disk (safe paths, each listed once, the totals) is checked even
when the seal holds, since anyone who edits a manifest can recompute its seal.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from testkit import Run

from provenance import listing, schemas, seal
from provenance import manifest as manifests
from provenance.errors import ManifestError
from provenance.listing import Listed, Listing, load_listing


def _manifest(seeds_copy: Path) -> Path:
    return seeds_copy.parent / "manifests" / "seeds.json"


def _unsealed(data: bytes) -> bytes:
    """The same manifest without its seal line: what the full path reads."""
    doc = json.loads(data)
    doc.pop("seal")
    return listing.render(doc)


def _resealed(doc: dict[str, Any]) -> bytes:
    """``doc`` rendered and sealed as the writer would, whatever it holds (a forger's file)."""
    head = {k: v for k, v in doc.items() if k not in ("files", "seal")}
    records = [
        json.dumps(r, separators=(",", ":"), ensure_ascii=False).encode() for r in doc["files"]
    ]
    return listing.render_sealed(head, records)


def _read(pieces: list[bytes], deep: bool = False) -> seal.Sealed[Listed] | None:
    return seal.read(pieces, Listed, whole=lambda _: deep, shape=listing._compared)


@pytest.fixture
def full_path_forbidden(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail if a manifest is parsed whole: the sealed path must not need it."""

    def refuse(data: bytes, *, where: str) -> Any:
        raise AssertionError(f"{where} was parsed whole although its seal holds")

    monkeypatch.setattr(listing, "decode", refuse)


def test_written_manifests_are_sealed_and_the_seal_covers_the_schema(seeds_copy: Path) -> None:
    data = _manifest(seeds_copy).read_bytes()
    doc = json.loads(data)
    assert doc["seal"] == seal.compute([_unsealed(data)])
    header = list(doc)
    assert header.index("seal") == header.index("files") - 1  # read before the records
    schema = (schemas.PACKAGED / "manifest.schema.json").read_bytes()
    assert seal.schema_digest() == hashlib.sha256(schema).digest()


@pytest.mark.usefixtures("full_path_forbidden")
@pytest.mark.parametrize("deep", [False, True])
@pytest.mark.parametrize("stream_above", [0, 1 << 30])
def test_sealed_listing_equals_the_full_check(
    seeds_copy: Path, tmp_path: Path, deep: bool, stream_above: int
) -> None:
    path = _manifest(seeds_copy)
    plain = tmp_path / "plain.json"
    plain.write_bytes(_unsealed(path.read_bytes()))
    sealed = load_listing(str(path), deep=deep, stream_above=stream_above)
    with pytest.raises(AssertionError, match="parsed whole"):
        load_listing(str(plain), deep=deep)
    assert len(sealed.files) == 5


@pytest.mark.parametrize("deep", [False, True])
def test_sealed_and_unsealed_give_the_same_listing(
    seeds_copy: Path, tmp_path: Path, deep: bool
) -> None:
    path = _manifest(seeds_copy)
    plain = tmp_path / "plain.json"
    plain.write_bytes(_unsealed(path.read_bytes()))
    expected = load_listing(str(plain), deep=deep)
    assert load_listing(str(path), deep=deep) == expected
    assert load_listing(str(path), deep=deep, stream_above=0) == expected
    assert expected.files[0].compared is not None if deep else expected.files[0].compared is None


def _records(count: int, errors: bool) -> list[dict[str, Any]]:
    name = {"sequence": 0, "sequence_text": "0", "hash": "0" * 16, "extension": "txt"}
    problems = [{"code": "missing-url", "severity": "error", "message": "no URL"}]
    return [
        {
            "path": f'{i:03d}_a "quoted" é.txt' if i % 3 == 0 else f"sub/{i:03d}.txt",
            "size": i * 7,
            "sha256": hashlib.sha256(str(i).encode()).hexdigest(),
            "status": "ok",
            "encoding": "utf-8",
            "name": name,
            "name_hash": None,
            "published": None,
            "captured": None,
            "original_url": None,
            "mirror_url": None,
            "title": {
                "line": 1,
                "column": 0,
                "raw": f"T {i}",
                "rule": "r",
                "confidence": 1,
                "value": f"T {i}",
            },
            "publisher": None,
            "candidates": [],
            "problems": problems if errors and i % 2 else [],
        }
        for i in range(count)
    ]


def _doc(records: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "manifest_version": 1,
        "folder": "x",
        "extractor_version": "3",
        "name_scheme": None,
        "file_count": len(records),
        "total_bytes": sum(r["size"] for r in records),
        "files": records,
    }


@settings(max_examples=60, deadline=None)
@given(
    count=st.integers(0, 40),
    errors=st.booleans(),
    chunk=st.integers(1, 400),
    deep=st.booleans(),
)
def test_any_chunking_reads_the_same_rows(count: int, errors: bool, chunk: int, deep: bool) -> None:
    data = _resealed(_doc(_records(count, errors)))
    pieces = [data[i : i + chunk] for i in range(0, len(data), chunk)]
    found = _read(pieces, deep)
    assert found is not None
    doc = json.loads(data)
    expected = [listing._listed(r, deep) for r in doc["files"]]
    assert found.rows == expected
    assert found.header == {k: v for k, v in doc.items() if k != "files"}


def _flip_seal(data: bytes) -> bytes:
    """The same bytes with the seal's first digit changed."""
    at = data.index(b'"seal": "') + len(b'"seal": "')
    return data[:at] + (b"1" if data[at] == ord("0") else b"0") + data[at + 1 :]


@pytest.mark.parametrize(
    "edit",
    [
        lambda t: t.replace(b'"T 1"', b'"T 2"', 1),  # a metadata value
        lambda t: t.replace(b'"size":7,', b'"size":8,', 1),
        lambda t: t.replace(b'"folder": "x"', b'"folder": "y"', 1),  # the header
        lambda t: t[:-1],  # the final line break
        lambda t: t + b"\n",
        lambda t: t.replace(b"},\n  {", b"},\n\n  {", 1),  # an empty line between records
        _flip_seal,
    ],
)
def test_any_edit_breaks_the_seal(edit: Callable[[bytes], bytes]) -> None:
    data = _resealed(_doc(_records(6, True)))
    assert _read([data]) is not None
    edited = edit(data)
    assert edited != data
    assert _read([edited]) is None


def test_a_newer_schema_breaks_every_seal(monkeypatch: pytest.MonkeyPatch) -> None:
    data = _resealed(_doc(_records(3, False)))
    monkeypatch.setattr(seal, "schema_digest", lambda: hashlib.sha256(b"another schema").digest())
    assert _read([data]) is None


def test_an_edited_manifest_is_checked_in_full_and_refused(seeds_copy: Path) -> None:
    path = _manifest(seeds_copy)
    text = path.read_bytes()
    path.write_bytes(text.replace(b'"precision":"day"', b'"precision":"decade"', 1))
    with pytest.raises(ManifestError, match="does not match manifest.schema.json"):
        load_listing(str(path))
    with pytest.raises(ManifestError, match="does not match record.schema.json"):
        load_listing(str(path), stream_above=0)  # streamed: checked record by record


def _forged(tmp_path: Path, change: Callable[[dict[str, Any]], None]) -> Path:
    doc = _doc(_records(4, False))
    change(doc)
    path = tmp_path / "forged.json"
    path.write_bytes(_resealed(doc))
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["files"][1].update(path="../../etc/passwd"), "unsafe file path"),
        (lambda d: d["files"][2].update(path=d["files"][1]["path"]), "listed twice"),
        (lambda d: d["files"][2].update(path=d["files"][1]["path"].upper()), "listed twice"),
        (lambda d: d.update(file_count=3), "says 3 files"),
        (lambda d: d.update(folder="/etc"), "unsafe folder"),
        (lambda d: d.update(manifest_version=2), "manifest_version 2 is not supported"),
        (lambda d: d.update(extractor_version=3), "does not match manifest.schema.json"),
    ],
)
@pytest.mark.parametrize("stream_above", [0, 1 << 30])
def test_a_recomputed_seal_vouches_for_nothing_that_guards_the_disk(
    tmp_path: Path, change: Callable[[dict[str, Any]], None], message: str, stream_above: int
) -> None:
    path = _forged(tmp_path, change)
    with pytest.raises(ManifestError, match=message):
        load_listing(str(path), stream_above=stream_above)


def test_a_sealed_file_in_another_layout_takes_the_full_path(tmp_path: Path) -> None:
    doc = _doc(_records(3, False))
    data = _resealed(doc)
    loose = json.loads(data)
    path = tmp_path / "loose.json"
    path.write_text(json.dumps(loose, indent=1), encoding="utf-8")  # the seal kept, not the bytes
    assert _read([path.read_bytes()]) is None
    assert isinstance(load_listing(str(path)), Listing)


def test_verify_of_an_edited_sealed_manifest_names_the_problem(
    seeds_copy: Path, run_cli: Callable[..., Run]
) -> None:
    path = _manifest(seeds_copy)
    path.write_bytes(path.read_bytes().replace(b'"sha256":"', b'"sha256":"X', 1))
    result = run_cli("verify", str(path))
    assert result.code == 2
    assert "does not match manifest.schema.json" in result.err


def test_dump_seals_and_parse_reads_the_seal(seeds_copy: Path) -> None:
    built = manifests.load(str(_manifest(seeds_copy)))
    assert built.seal is not None
    data = manifests.dump(built)
    assert json.loads(data)["seal"] == seal.compute([_unsealed(data)])
