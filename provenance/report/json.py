"""Machine-readable JSON, valid against the committed schemas."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from provenance.models import FileRecord, VerifyReport


class JsonReporter:
    """The report or the records as one JSON document."""

    name = "json"

    def verify(self, report: VerifyReport) -> str:
        """The verify report (schemas/verify-report.schema.json)."""
        return json.dumps(report.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"

    def audit(self, records: Sequence[FileRecord]) -> str:
        """A JSON array of records (schemas/record.schema.json each)."""
        docs = [r.model_dump(mode="json") for r in records]
        return json.dumps(docs, ensure_ascii=False, indent=2) + "\n"
