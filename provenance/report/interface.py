"""The reporter plugin interface: a finished report in, text for a stream out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from provenance.models import FileRecord, Finding, VerifyReport


class ResultView(Protocol):
    """What a reporter reads of one manifest's result (a ManifestResult or verify's own)."""

    @property
    def manifest(self) -> str: ...
    @property
    def folder(self) -> str: ...
    @property
    def checked(self) -> int: ...
    @property
    def findings(self) -> Sequence[Finding]: ...


class ReportView(Protocol):
    """What the text reporter reads of a verify report: a VerifyReport, or verify's
    :class:`~provenance.verify.Outcome`, which a clean run builds without the models."""

    @property
    def ok(self) -> bool: ...
    @property
    def results(self) -> Sequence[ResultView]: ...


class Reporter(Protocol):
    """Renders verify reports and audits in one output format."""

    name: str

    def verify(self, report: VerifyReport) -> str:
        """Render a verify report."""
        ...

    def audit(self, records: Sequence[FileRecord]) -> str:
        """Render the records of an audit."""
        ...
