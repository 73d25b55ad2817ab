"""Readable text for people at a terminal."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from provenance.models import FileRecord, VerifyReport


def _claim(value: object) -> str:
    return str(getattr(value, "value", "-")) if value is not None else "-"


class TextReporter:
    """One line a finding, then a summary line."""

    name = "text"

    def verify(self, report: VerifyReport) -> str:
        """List findings per manifest and count them."""
        lines = []
        for result in report.results:
            counts = Counter(f.code for f in result.findings)
            summary = ", ".join(f"{n} {code}" for code, n in sorted(counts.items())) or "clean"
            lines.append(f"{result.manifest}: {result.checked} files in {result.folder}: {summary}")
            for f in result.findings:
                detail = ""
                if f.expected or f.found:
                    detail = f" (expected {f.expected or '-'}, found {f.found or '-'})"
                lines.append(f"  {f.severity.upper():7} {f.code:20} {f.path}: {f.message}{detail}")
        lines.append("OK" if report.ok else "FAILED")
        return "\n".join(lines) + "\n"

    def audit(self, records: Sequence[FileRecord]) -> str:
        """One block per file: the values found, then its problems."""
        lines = []
        for r in records:
            lines.append(f"{r.path}  published={_claim(r.published)}  url={_claim(r.original_url)}")
            lines += [f"  {p.severity.upper():7} {p.code}: {p.message}" for p in r.problems]
        counts = Counter(p.code for r in records for p in r.problems)
        summary = ", ".join(f"{n} {c}" for c, n in sorted(counts.items())) or "no problems"
        lines.append(f"{len(records)} files: {summary}")
        return "\n".join(lines) + "\n"
