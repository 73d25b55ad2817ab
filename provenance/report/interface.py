"""The reporter plugin interface: a finished report in, text for a stream out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from provenance.models import FileRecord, VerifyReport


class Reporter(Protocol):
    """Renders verify reports and audits in one output format."""

    name: str

    def verify(self, report: VerifyReport) -> str:
        """Render a verify report."""
        ...

    def audit(self, records: Sequence[FileRecord]) -> str:
        """Render the records of an audit."""
        ...
