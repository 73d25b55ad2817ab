"""BagIt export and import, judged by bagit-python's own validator."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import bagit
import pytest

from provenance import manifest as manifests

from .eco_support import Described, RunCli


def bagit_validate(bag: Path) -> subprocess.CompletedProcess[str]:
    """Run the reference validator, ``bagit.py --validate``, as its users do."""
    return subprocess.run(
        [sys.executable, "-m", "bagit", "--validate", str(bag)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_exported_bag_validates_with_bagit_py(
    described: Described, run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    bag = tmp_path / "bag"
    result = run_cli(
        "export", "bagit", described.manifest, bag, "--source-organization", "Example\nArchive"
    )
    assert result.code == 0, result.err
    checked = bagit_validate(bag)
    assert checked.returncode == 0, checked.stderr
    assert "is valid" in checked.stderr
    info = bagit.Bag(str(bag)).info
    assert info["Bagging-Date"] == "2023-11-14"
    assert info["Source-Organization"] == "Example Archive"
    assert info["Payload-Oxum"].endswith(".6")
    assert info["Provenance-Earliest-Published"] == "2014-01-10"
    assert info["Provenance-Name-Scheme"] == "undeclared"  # none declared; per file in the records
    assert (bag / "data" / "sub dir" / "100% new, odd: name.txt").read_bytes() == b"odd\n"
    tags = (bag / "tagmanifest-sha256.txt").read_text()
    assert "provenance-manifest.json" in tags and "bag-info.txt" in tags


def test_bag_info_orders_published_values_by_instant(
    described: Described, run_cli: RunCli, tmp_path: Path
) -> None:
    # As text "2013-04-16T01:00:00+08:00" sorts after "2013-04-15T18:00:00Z"; it is an hour earlier.
    built = manifests.load(str(described.manifest))
    times = iter(["2013-04-16T01:00:00+08:00", "2013-04-15T18:00:00Z"])
    records = []
    for record in built.files:
        if record.published is not None and record.published.value.startswith(("2014", "2015")):
            claim = record.published.model_copy(
                update={"value": next(times), "precision": "second"}
            )
            record = record.model_copy(update={"published": claim})
        records.append(record)
    manifests.write(built.model_copy(update={"files": records}), str(described.manifest))
    bag = tmp_path / "bag"
    assert run_cli("export", "bagit", described.manifest, bag).code == 0
    info = bagit.Bag(str(bag)).info
    assert info["Provenance-Earliest-Published"] == "2013-04-16T01:00:00+08:00"
    assert info["Provenance-Latest-Published"] == "2018-05-14"


def test_bag_carries_a_manifest_that_verifies_in_place(
    described: Described, run_cli: RunCli, tmp_path: Path
) -> None:
    bag = tmp_path / "bag"
    assert run_cli("export", "bagit", described.manifest, bag).code == 0
    inner = json.loads((bag / "provenance-manifest.json").read_text())
    assert inner["folder"] == "data"
    assert inner["files"][1]["title"]["value"].startswith("</script>")
    assert run_cli("verify", bag / "provenance-manifest.json").code == 0


def test_export_from_a_folder_and_bagit_py_detects_tampering(
    described: Described, run_cli: RunCli, tmp_path: Path
) -> None:
    bag = tmp_path / "bag"
    assert run_cli("export", "bagit", described.folder, bag, "-q").code == 0
    assert bagit_validate(bag).returncode == 0
    target = next((bag / "data").glob("00*.txt"))
    target.write_bytes(target.read_bytes() + b"x")
    assert bagit_validate(bag).returncode != 0


@pytest.mark.parametrize("kind", ["non-empty", "file"])
def test_existing_target_is_refused_and_untouched(
    described: Described, run_cli: RunCli, tmp_path: Path, kind: str
) -> None:
    out = tmp_path / "out"
    if kind == "file":
        out.write_text("keep\n")
    else:
        out.mkdir()
        (out / "keep.txt").write_text("keep\n")
    result = run_cli("export", "bagit", described.manifest, out)
    assert result.code == 2
    assert result.err.count("\n") == 1 and str(out) in result.err
    kept = out if kind == "file" else out / "keep.txt"
    assert kept.read_text() == "keep\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["manifests", "out", "pages"]


def test_empty_target_folder_is_filled(
    described: Described, run_cli: RunCli, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    assert run_cli("export", "bagit", described.manifest, out).code == 0
    assert bagit_validate(out).returncode == 0


def test_changed_payload_leaves_no_bag_and_no_temp(
    described: Described, run_cli: RunCli, tmp_path: Path
) -> None:
    victim = sorted(described.folder.glob("*.txt"))[-1]
    victim.write_bytes(b"changed after the manifest\n")
    result = run_cli("export", "bagit", described.manifest, tmp_path / "bag")
    assert result.code == 2
    assert "differs from its manifest" in result.err and victim.name in result.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["manifests", "pages"]


def test_symlink_is_refused_not_followed(
    described: Described, run_cli: RunCli, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("outside\n")
    os.symlink(secret, described.folder / "link.txt")
    result = run_cli("export", "bagit", described.folder, tmp_path / "bag")
    assert result.code == 2 and "link.txt" in result.err
    assert not (tmp_path / "bag").exists()


def test_import_of_a_bag_made_by_bagit_py(
    described: Described, run_cli: RunCli, tmp_path: Path
) -> None:
    bag = tmp_path / "theirs"
    subprocess.run(
        [sys.executable, "-m", "bagit", "--sha256", "--quiet", str(described.folder)], check=True
    )
    described.folder.rename(bag)
    out = tmp_path / "manifests" / "imported.json"
    result = run_cli("import", "bagit", bag, "-o", out)
    assert result.code == 0, result.out + result.err
    doc = json.loads(out.read_text())
    assert doc["file_count"] == 6 and doc["folder"] == "../theirs/data"
    assert run_cli("verify", out).code == 0


def test_import_reports_every_mismatch_and_writes_nothing(
    described: Described, run_cli: RunCli, tmp_path: Path
) -> None:
    bag = tmp_path / "bag"
    assert run_cli("export", "bagit", described.manifest, bag).code == 0
    files = sorted((bag / "data").glob("*.txt"))
    files[0].write_bytes(b"changed\n")
    files[1].unlink()
    (bag / "data" / "new.txt").write_text("unexpected\n")
    with (bag / "bag-info.txt").open("a") as handle:
        handle.write("Contact-Name: someone\n")
    out = tmp_path / "imported.json"
    result = run_cli("import", "bagit", bag, "-o", out, "--format", "json")
    assert result.code == 1
    found = sorted((f["code"], f["path"]) for f in json.loads(result.out)["results"][0]["findings"])
    assert found == [
        ("changed", "bag-info.txt"),  # the tag manifest's digest
        ("changed", "bag-info.txt"),  # Payload-Oxum: one file fewer, one more, other sizes
        ("changed", f"data/{files[0].name}"),
        ("missing", f"data/{files[1].name}"),
        ("unlisted", "data/new.txt"),
    ]
    assert not out.exists()


@pytest.mark.parametrize(
    ("line", "why"),
    [
        ("0" * 64 + "  data/../../etc/passwd\n", "unsafe path"),
        ("0" * 64 + "  /etc/passwd\n", "unsafe path"),
        ("not a checksum line\n", "is not '<sha256>  <path>'"),
    ],
)
def test_import_refuses_a_hostile_manifest(
    described: Described, run_cli: RunCli, tmp_path: Path, line: str, why: str
) -> None:
    bag = tmp_path / "bag"
    assert run_cli("export", "bagit", described.manifest, bag).code == 0
    with (bag / "manifest-sha256.txt").open("a") as handle:
        handle.write(line)
    result = run_cli("import", "bagit", bag, "-o", tmp_path / "x.json")
    assert result.code == 2 and why in result.err
    assert not (tmp_path / "x.json").exists()


def test_import_of_a_folder_that_is_no_bag(run_cli: RunCli, tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    result = run_cli("import", "bagit", tmp_path, "-o", tmp_path / "x.json")
    assert result.code == 2 and "bagit.txt is missing" in result.err


def test_names_with_line_breaks_and_percent_signs_round_trip(
    described: Described, run_cli: RunCli, tmp_path: Path
) -> None:
    (described.folder / "line\nbreak.txt").write_text("a")
    (described.folder / "carriage\rreturn 100%.txt").write_text("b")
    bag = tmp_path / "bag"
    assert run_cli("export", "bagit", described.folder, bag).code == 0
    assert bagit_validate(bag).returncode == 0
    listing = (bag / "manifest-sha256.txt").read_text()
    assert "data/line%0Abreak.txt\n" in listing and "carriage%0Dreturn 100%.txt" in listing
    out = tmp_path / "m.json"
    assert run_cli("import", "bagit", bag, "-o", out).code == 0
    paths = [f["path"] for f in json.loads(out.read_text())["files"]]
    assert "line\nbreak.txt" in paths and "carriage\rreturn 100%.txt" in paths


def test_import_reads_rfc_style_percent_encoding(
    described: Described, run_cli: RunCli, tmp_path: Path
) -> None:
    bag = tmp_path / "bag"
    assert run_cli("export", "bagit", described.manifest, bag).code == 0
    listing = bag / "manifest-sha256.txt"
    listing.write_text(listing.read_text().replace("100% new", "100%25 new"))
    (bag / "tagmanifest-sha256.txt").unlink()
    assert run_cli("import", "bagit", bag, "-o", tmp_path / "m.json").code == 0


def test_names_that_look_encoded_are_refused(
    described: Described, run_cli: RunCli, tmp_path: Path
) -> None:
    (described.folder / "odd%0Aname.txt").write_text("x")
    result = run_cli("export", "bagit", described.folder, tmp_path / "bag")
    assert result.code == 2 and "%0A" in result.err
    assert not (tmp_path / "bag").exists()


def test_missing_payload_file_is_named_and_leaves_nothing(
    described: Described, run_cli: RunCli, tmp_path: Path
) -> None:
    victim = sorted(described.folder.glob("*.txt"))[2]
    victim.unlink()
    result = run_cli("export", "bagit", described.manifest, tmp_path / "bag")
    assert result.code == 2 and victim.name in result.err and "provenance verify" in result.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["manifests", "pages"]
