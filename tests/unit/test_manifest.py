"""Manifest building: determinism, schema validity, atomic writes."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import jsonschema
from testkit import ROOT, SEEDS, Run

import provenance.probe.models  # noqa: F401  (registers the probe report schema)
from provenance import schemas


def test_manifest_twice_is_byte_identical(tmp_path: Path, run_cli: Callable[..., Run]) -> None:
    out = tmp_path / "m.json"
    assert run_cli("manifest", SEEDS, "-o", out).code == 0
    first = out.read_bytes()
    assert run_cli("manifest", SEEDS, "-o", out, "--jobs", "2").code == 0
    assert out.read_bytes() == first
    assert not [p for p in os.listdir(tmp_path) if p != "m.json"]  # no temp or lock left


def test_manifest_valid_against_committed_schema(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    out = tmp_path / "m.json"
    assert run_cli("manifest", SEEDS, "-o", out).code == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    schema = json.loads((ROOT / "schemas" / "manifest.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    assert list(validator.iter_errors(doc)) == []
    assert doc["manifest_version"] == 1
    assert [f["path"] for f in doc["files"]] == sorted(f["path"] for f in doc["files"])
    assert doc["folder"] == os.path.relpath(SEEDS, tmp_path)


def test_committed_schemas_match_models() -> None:
    for name in schemas.SCHEMA_MODELS:
        committed = (ROOT / "schemas" / name).read_text(encoding="utf-8")
        assert committed == schemas.render(schemas.generate(name)), f"{name} is stale"


def test_schema_command_writes_and_checks_every_schema(tmp_path: Path) -> None:
    import subprocess
    import sys

    def command(*args: str) -> subprocess.CompletedProcess[str]:
        argv = [sys.executable, "-m", "provenance.schemas", "--dir", str(tmp_path), *args]
        return subprocess.run(argv, capture_output=True, text=True, cwd=ROOT, check=False)

    assert command("--write").returncode == 0
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == sorted(schemas.SCHEMA_MODELS)
    assert "probe-report.schema.json" in written
    assert command().returncode == 0
    (tmp_path / "probe-report.schema.json").write_text("{}", encoding="utf-8")
    stale = command()
    assert stale.returncode == 1 and "probe-report.schema.json: out of date" in stale.stdout


def test_schemas_reject_wrong_formats() -> None:
    check = schemas.validator("record.schema.json")
    record = json.loads((ROOT / "manifests" / "seeds.json").read_text())["files"][0]
    assert check(record) == []
    bad = dict(record, sha256="XYZ")
    assert check(bad)
    if record["published"]:
        bad_date = dict(record, published=dict(record["published"], value="2021-02-30"))
        assert check(bad_date)


def test_zero_byte_file_hashed_normally(tmp_path: Path, run_cli: Callable[..., Run]) -> None:
    folder = tmp_path / "f"
    folder.mkdir()
    (folder / "000_0000000000000000.txt").write_bytes(b"")
    out = tmp_path / "m.json"
    assert run_cli("manifest", folder, "-o", out).code == 0
    record = json.loads(out.read_text())["files"][0]
    assert record["sha256"].startswith("e3b0c442") and record["status"] == "empty"


def test_case_collision_refused(tmp_path: Path, run_cli: Callable[..., Run]) -> None:
    folder = tmp_path / "f"
    folder.mkdir()
    (folder / "a.txt").write_text("1")
    (folder / "A.txt").write_text("2")
    result = run_cli("manifest", folder, "-o", tmp_path / "m.json")
    assert result.code == 2 and "equal after" in result.err
    assert not (tmp_path / "m.json").exists()
