"""GitHub Actions workflow commands: one annotation per finding or problem."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

from provenance.report.sarif import evidence_line

if TYPE_CHECKING:
    from provenance.models import FileRecord, VerifyReport


def _escape_data(text: str) -> str:
    # The workflow-command format: %, CR and LF are escaped in the message ...
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    # ... and ':' and ',' as well in property values such as file= and title=.
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(level: str, path: str, title: str, message: str, line: int | None = None) -> str:
    """One ``::error file=…,line=…,title=…::message`` line (``line`` only when known)."""
    command = {"error": "error", "warning": "warning"}.get(level, "notice")
    where = f",line={line}" if line else ""
    return (
        f"::{command} file={_escape_property(path)}{where},title={_escape_property(title)}"
        f"::{_escape_data(message)}"
    )


class GithubReporter:
    """Annotations GitHub shows on the files of a pull request."""

    name = "github"

    def verify(self, report: VerifyReport) -> str:
        """One annotation per finding, paths relative to the workspace."""
        lines = []
        for result in report.results:
            for f in result.findings:
                path = os.path.join(result.folder, f.path)
                lines.append(annotation(f.severity, path, f"provenance {f.code}", f.message))
        return "\n".join(lines) + ("\n" if lines else "")

    def audit(self, records: Sequence[FileRecord]) -> str:
        """One annotation per problem, on its evidence line when it has one."""
        lines = [
            annotation(
                p.severity, r.path, f"provenance {p.code}", p.message, evidence_line(r, p.code)
            )
            for r in records
            for p in r.problems
        ]
        return "\n".join(lines) + ("\n" if lines else "")
