"""``--verbose`` text: every value with the evidence behind it (line, column, rule, raw text)."""

from __future__ import annotations

from collections.abc import Sequence

from provenance.models import Evidence, FileRecord
from provenance.report.text import TextReporter, safe

FIELDS = ("published", "captured", "original_url", "mirror_url", "title", "publisher")


def _evidence(claim: Evidence) -> str:
    return (
        f"line {claim.line}, column {claim.column}, rule {claim.rule}, "
        f"confidence {claim.confidence:.2f}: {claim.raw!r}"
    )


def explain(record: FileRecord) -> list[str]:
    """The lines that explain one record's values."""
    lines = [f"{safe(record.path)}  ({record.size} bytes, {record.status}, sha256 {record.sha256})"]
    if record.name is None:
        lines.append("  name: not a hashed name")
    else:
        check = record.name_hash
        scheme = check.scheme if check and check.scheme else "no scheme reproduces it"
        lines.append(
            f"  name: sequence {record.name.sequence_text}, hash {record.name.hash}: {scheme}"
        )
    for name in FIELDS:
        claim = getattr(record, name)
        if claim is None:
            lines.append(f"  {name}: -  (not found)")
        else:
            lines.append(f"  {name}: {safe(claim.value)}  <- {_evidence(claim)}")
    for c in record.candidates:
        lines.append(f"  candidate {c.field}: {safe(c.value)}  <- {_evidence(c)} (not picked)")
    lines += [f"  {p.severity.upper():7} {p.code}: {safe(p.message)}" for p in record.problems]
    return lines


class VerboseTextReporter(TextReporter):
    """The text reporter, with the evidence of every value in audits."""

    name = "text"

    def audit(self, records: Sequence[FileRecord]) -> str:
        """Each file's values with their evidence, then the usual summary line."""
        lines = [line for r in records for line in explain(r)]
        summary = super().audit(records).rstrip("\n").rsplit("\n", 1)[-1]
        return "\n".join([*lines, summary]) + "\n"
