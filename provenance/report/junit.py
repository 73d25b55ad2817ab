"""JUnit XML, read by GitLab, Jenkins and most CI dashboards: a test case per file."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING
from xml.etree import ElementTree as ET

if TYPE_CHECKING:
    from provenance.models import FileRecord, VerifyReport


def _suite(name: str, cases: list[tuple[str, list[tuple[str, str]]]]) -> ET.Element:
    failures = sum(1 for _, errs in cases if errs)
    suite = ET.Element(
        "testsuite", name=name, tests=str(len(cases)), failures=str(failures), errors="0"
    )
    for case_name, errs in cases:
        case = ET.SubElement(suite, "testcase", classname=name, name=case_name)
        for code, message in errs:
            failure = ET.SubElement(case, "failure", type=code, message=message)
            failure.text = f"{code}: {message}"
    return suite


def _render(root: ET.Element) -> str:
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


class JunitReporter:
    """Each file a test case; each error-level finding a failure."""

    name = "junit"

    def verify(self, report: VerifyReport) -> str:
        """A suite per manifest; files without findings pass."""
        root = ET.Element("testsuites", name="provenance verify")
        for result in report.results:
            per_path: dict[str, list[tuple[str, str]]] = {}
            for f in result.findings:
                errs = per_path.setdefault(f.path, [])
                if f.severity == "error":
                    errs.append((f.code, f.message))
            cases = sorted(per_path.items())
            if not cases:
                cases = [("all files", [])]
            root.append(_suite(result.manifest, cases))
        return _render(root)

    def audit(self, records: Sequence[FileRecord]) -> str:
        """A case per file; error-level problems fail it."""
        cases = [
            (r.path, [(p.code, p.message) for p in r.problems if p.severity == "error"])
            for r in records
        ]
        root = ET.Element("testsuites", name="provenance audit")
        root.append(_suite("audit", cases))
        return _render(root)
