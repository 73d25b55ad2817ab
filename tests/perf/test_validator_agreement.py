"""The compiled schema validator (jsonschema-rs) agrees with the reference ``jsonschema``."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from testkit import ROOT

from provenance import schemas

RECORD = "record.schema.json"
MANIFEST = "manifest.schema.json"
EVIDENCE = {"line": 3, "column": 0, "raw": "x", "rule": "test.rule", "confidence": 0.5}


def _record() -> dict[str, Any]:
    doc = json.loads((ROOT / "manifests" / "seeds.json").read_text(encoding="utf-8"))
    record: dict[str, Any] = doc["files"][0]
    record["published"] = {**EVIDENCE, "value": "2021-08-25T10:00:00+08:00", "precision": "minute"}
    record["original_url"] = {**EVIDENCE, "value": "x", "normalized": "https://example.com/a?b=1"}
    record["title"] = {**EVIDENCE, "value": "标题"}
    record["candidates"] = [
        {**EVIDENCE, "field": "published", "value": "2021", "precision": "year"}
    ]
    record["problems"] = [{"code": "missing-url", "severity": "warning", "message": "none"}]
    return record


def _mutations() -> list[tuple[str, Any]]:
    """(dotted path, new value) pairs; each makes a document that one of the two may refuse."""
    return [
        ("size", -1),
        ("size", 1.5),
        ("size", "12"),
        ("sha256", "XYZ"),
        ("sha256", "B" * 64),
        ("status", "fine"),
        ("encoding", 7),
        ("name", {"sequence": 1}),
        ("published.value", "2021-02-30"),
        ("published.value", "2021-08-25T10:00:00"),
        ("published.value", "2021-08"),
        ("published.value", "2021"),
        ("published.value", "2021-08-25"),
        ("published.value", "2021-08-25T25:00:00Z"),
        ("published.precision", "week"),
        ("published.confidence", 1.5),
        ("published.line", -1),
        ("original_url.normalized", "not a uri"),
        ("original_url.normalized", "https://例子.测试/路径"),
        ("original_url.normalized", "mailto:a@b.c"),
        ("original_url.normalized", "//no-scheme.example/"),
        ("candidates", [{**EVIDENCE, "field": "author", "value": "x"}]),
        ("problems", [{"code": "x", "severity": "fatal", "message": "m"}]),
        ("extra_field", 1),
        ("title", {"value": "no evidence"}),
    ]


def _set(doc: dict[str, Any], dotted: str, value: Any) -> dict[str, Any]:
    doc = copy.deepcopy(doc)
    *parents, last = dotted.split(".")
    node = doc
    for key in parents:
        node = node[key]
    node[last] = value
    return doc


def _agree(doc: Any, filename: str) -> list[str]:
    compiled = schemas.validator(filename)(doc)
    reference = schemas.reference_validator(filename)(doc)
    assert bool(compiled) == bool(reference), (compiled, reference)
    paths = {p.split(": ", 1)[0] for p in compiled}
    assert paths == {p.split(": ", 1)[0] for p in reference}
    return compiled


def test_valid_record_and_manifest_pass_both() -> None:
    record = _record()
    assert _agree(record, RECORD) == []
    manifest = json.loads((ROOT / "manifests" / "seeds.json").read_text(encoding="utf-8"))
    manifest["files"][0] = record
    assert _agree(manifest, MANIFEST) == []


@pytest.mark.parametrize(("dotted", "value"), _mutations())
def test_mutated_record_judged_alike(dotted: str, value: Any) -> None:
    _agree(_set(_record(), dotted, value), RECORD)


def test_the_mutations_include_refusals() -> None:
    refused = [d for d, v in _mutations() if schemas.validator(RECORD)(_set(_record(), d, v))]
    assert len(refused) >= 20


def test_manifest_level_faults_judged_alike() -> None:
    manifest = json.loads((ROOT / "manifests" / "seeds.json").read_text(encoding="utf-8"))
    for dotted, value in [("manifest_version", 2), ("file_count", -1), ("files", {})]:
        assert _agree(_set(manifest, dotted, value), MANIFEST)
    assert _agree({"files": []}, MANIFEST)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=30))
def test_timestamp_and_url_strings_judged_alike(text: str) -> None:
    _agree(_set(_record(), "published.value", text), RECORD)
    _agree(_set(_record(), "original_url.normalized", text), RECORD)


@settings(max_examples=100, deadline=None)
@given(
    st.from_regex(
        r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?)?"
        r"(Z|[+-][0-9]{2}:[0-9]{2})?\Z"
    )
)
@example("0000-01-01")  # jsonschema-rs took year 0000 as a date, jsonschema did not
@example("0000-01-01T00:00:00Z")
@example("2016-12-31T23:59:60Z")  # a leap second: the same split
def test_date_like_strings_judged_alike(text: str) -> None:
    _agree(_set(_record(), "published.value", text), RECORD)
