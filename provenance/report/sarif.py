"""SARIF 2.1.0, the format code-scanning dashboards read (GitHub code scanning, GitLab, Azure).

One run, one rule per finding or problem code, one result per finding or problem. File
locations are relative URIs (percent-encoded) under ``%SRCROOT%``, the repository root,
which is how ``github/codeql-action/upload-sarif`` places them. A problem about a value
that came from a line of the page points at that line.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from provenance import __version__

if TYPE_CHECKING:
    from provenance.models import FileRecord, VerifyReport

SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
# Which extracted value a problem code is about, so its evidence line can be shown.
_FIELD_WORDS = (
    ("timestamp", "published"),
    ("published", "published"),
    ("date", "published"),
    ("captured", "captured"),
    ("url", "original_url"),
    ("title", "title"),
    ("publisher", "publisher"),
)


def evidence_line(record: FileRecord, code: str) -> int | None:
    """The 1-based line of the evidence a problem code is about, when there is one."""
    for word, field in _FIELD_WORDS:
        if word in code:
            claim = getattr(record, field)
            if claim is not None and claim.line > 0:
                return int(claim.line)
            return None
    return None


def _uri(path: str) -> str:
    return quote(path.replace(os.sep, "/"), safe="/")


def _result(code: str, severity: str, message: str, path: str, line: int | None) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": _uri(path), "uriBaseId": "%SRCROOT%"}}
    if line:
        physical["region"] = {"startLine": line}
    return {
        "ruleId": code,
        "level": _LEVEL.get(severity, "note"),
        "message": {"text": message},
        "locations": [{"physicalLocation": physical}],
    }


def _log(results: list[dict[str, Any]], exit_ok: bool) -> str:
    codes = sorted({r["ruleId"] for r in results})
    rules = [
        {"id": c, "name": c.title().replace("-", ""), "shortDescription": {"text": c}}
        for c in codes
    ]
    index = {c: i for i, c in enumerate(codes)}
    for r in results:
        r["ruleIndex"] = index[r["ruleId"]]
    run = {
        "tool": {
            "driver": {
                "name": "provenance",
                "version": __version__,
                "rules": rules,
            }
        },
        "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "the repository root"}}},
        "invocations": [{"executionSuccessful": True, "exitCode": 0 if exit_ok else 1}],
        "results": results,
    }
    doc = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


class SarifReporter:
    """A SARIF 2.1.0 log: one result per finding or problem."""

    name = "sarif"

    def verify(self, report: VerifyReport) -> str:
        """Findings as results located in their folders."""
        results = [
            _result(f.code, f.severity, f.message, os.path.join(r.folder, f.path), None)
            for r in report.results
            for f in r.findings
        ]
        return _log(results, report.ok)

    def audit(self, records: Sequence[FileRecord]) -> str:
        """Problems as results, on the evidence line where the problem has one."""
        results = [
            _result(p.code, p.severity, p.message, r.path, evidence_line(r, p.code))
            for r in records
            for p in r.problems
        ]
        ok = not any(p.severity == "error" for r in records for p in r.problems)
        return _log(results, ok)
