"""Readable text for people at a terminal."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from provenance.models import FileRecord
    from provenance.report.interface import ReportView


# C0 and C1 controls and DEL: a file name or page text holding "\nOK" or an ANSI escape
# must not forge lines or colours in a terminal or a CI log.
_CONTROLS = {c: f"\\x{c:02x}" for c in [*range(0x20), *range(0x7F, 0xA0)]}


def safe(text: object) -> str:
    """``text`` with control characters shown as ``\\xNN``, so one value stays one line."""
    return str(text).translate(_CONTROLS)


def _claim(value: object) -> str:
    return safe(getattr(value, "value", "-")) if value is not None else "-"


class TextReporter:
    """One line a finding, then a summary line."""

    name = "text"

    def verify(self, report: ReportView) -> str:
        """List findings per manifest and count them."""
        lines = []
        for result in report.results:
            counts = Counter(f.code for f in result.findings)
            summary = ", ".join(f"{n} {code}" for code, n in sorted(counts.items())) or "clean"
            lines.append(
                f"{safe(result.manifest)}: {result.checked} files in {safe(result.folder)}: "
                f"{summary}"
            )
            for f in result.findings:
                detail = ""
                if f.expected or f.found:
                    detail = f" (expected {f.expected or '-'}, found {f.found or '-'})"
                lines.append(
                    f"  {f.severity.upper():7} {f.code:20} {safe(f.path)}: {safe(f.message)}"
                    f"{safe(detail)}"
                )
        lines.append("OK" if report.ok else "FAILED")
        return "\n".join(lines) + "\n"

    def audit(self, records: Sequence[FileRecord]) -> str:
        """One block per file: the values found, then its problems."""
        lines = []
        for r in records:
            lines.append(
                f"{safe(r.path)}  published={_claim(r.published)}  url={_claim(r.original_url)}"
            )
            lines += [f"  {p.severity.upper():7} {p.code}: {safe(p.message)}" for p in r.problems]
        counts = Counter(p.code for r in records for p in r.problems)
        summary = ", ".join(f"{n} {c}" for c, n in sorted(counts.items())) or "no problems"
        lines.append(f"{len(records)} files: {summary}")
        return "\n".join(lines) + "\n"
