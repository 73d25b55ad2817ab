"""Frozen data models: what flows from a file on disk to a verify report.

The JSON Schemas in ``schemas/`` are generated from these models
(``python -m provenance.schemas --write``) and a test keeps the two in agreement.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

# Defined where the manifest reader can import it without pydantic; re-exported here.
from provenance.extractor_version import MANIFEST_VERSION as MANIFEST_VERSION

Precision = Literal["year", "month", "day", "minute", "second", "millisecond"]
Severity = Literal["error", "warning", "info"]
FileStatus = Literal["ok", "empty", "binary", "unreadable", "special"]
ClaimField = Literal["published", "captured", "original_url", "title", "publisher", "mirror_url"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class NameClaim(_Frozen):
    """What a hashed file name ``NNN_<16 hex>.<ext>`` claims."""

    sequence: int = Field(ge=0, description="The sequence number written before the underscore.")
    sequence_text: str = Field(description="The sequence number as written (keeps zero padding).")
    hash: str = Field(pattern="^[0-9a-f]{16}$", description="The 16 lower-case hex digits.")
    extension: str = Field(description="The extension after the dot, as written.")


class NameHashCheck(_Frozen):
    """Which scheme, if any, makes the name's hash from this file."""

    scheme: str | None = Field(
        description="The scheme that matched, e.g. 'sha256:source-path', or null when none did."
    )
    declared: bool = Field(description="True when the folder declared the scheme.")
    matches: bool = Field(description="True when the scheme reproduces the name's hash.")
    input: str | None = Field(
        default=None, description="The text that was hashed, when it is not the file's bytes."
    )


class Evidence(_Frozen):
    """Where a value was found: the line, the column, the text and the rule."""

    line: int = Field(ge=0, description="1-based line of the match; 0 when not from the text.")
    column: int = Field(ge=0, description="0-based column of the match in its line.")
    raw: str = Field(description="The text that was matched, as written.")
    rule: str = Field(description="The extraction rule that matched, e.g. 'dateline.zh'.")
    confidence: float = Field(ge=0.0, le=1.0, description="How sure the rule is, 0..1.")


class TimestampClaim(Evidence):
    """A timestamp with the precision it was written with."""

    value: str = Field(
        description=(
            "ISO 8601: a date (YYYY-MM-DD, or YYYY-MM / YYYY at coarser precision) or a "
            "timezone-aware date-time."
        ),
    )
    precision: Precision = Field(description="The finest unit the source wrote.")


class UrlClaim(Evidence):
    """A URL as written plus its normalised form."""

    value: str = Field(description="The URL as written (surrounding white space stripped).")
    normalized: str = Field(
        json_schema_extra={"format": "uri"},
        description="IDNA host, percent-encoded path and query, default port removed.",
    )


class TextClaim(Evidence):
    """A piece of text such as a title or a publisher."""

    value: str = Field(description="The text, white space folded.")


class Candidate(Evidence):
    """One proposal by an extractor; the resolver keeps every one it did not pick."""

    field: ClaimField = Field(description="Which field this candidate is for.")
    value: str = Field(description="The proposed value (ISO 8601 for times, URL as written).")
    precision: Precision | None = Field(default=None, description="For timestamps.")
    normalized: str | None = Field(default=None, description="For URLs: the normalised form.")


class Problem(_Frozen):
    """Something wrong with a file's name or content, found when it is read."""

    code: str = Field(description="A stable code such as 'bad-name' or 'missing-url'.")
    severity: Severity = Field(description="error, warning or info.")
    message: str = Field(description="One line for a person.")


class FileRecord(_Frozen):
    """Everything the manifest knows of one file."""

    path: str = Field(description="Path relative to the folder, POSIX separators.")
    size: int = Field(ge=0, description="Size in bytes.")
    sha256: str = Field(pattern="^[0-9a-f]{64}$", description="SHA-256 of the raw bytes.")
    status: FileStatus = Field(description="ok, empty, binary, unreadable or special.")
    encoding: str | None = Field(description="The text encoding used to read it, if text.")
    name: NameClaim | None = Field(description="The parsed hashed name, or null (bad-name).")
    name_hash: NameHashCheck | None = Field(description="Which scheme makes the name's hash.")
    published: TimestampClaim | None = Field(description="Publication time, with evidence.")
    captured: TimestampClaim | None = Field(description="Capture time, with evidence.")
    original_url: UrlClaim | None = Field(description="URL of the original, with evidence.")
    mirror_url: UrlClaim | None = Field(description="Where the copy was kept, if it says.")
    title: TextClaim | None = Field(description="The page's title, with evidence.")
    publisher: TextClaim | None = Field(description="The publisher, from the dateline or host.")
    candidates: list[Candidate] = Field(description="Every proposal the resolver did not pick.")
    problems: list[Problem] = Field(description="What is wrong with the name or the content.")


class Manifest(_Frozen):
    """A folder's files, digests and metadata at one point in time."""

    manifest_version: Literal[1] = Field(description="Version of this format.")
    folder: str = Field(description="The folder described, relative to the manifest file.")
    extractor_version: str = Field(description="Version of the extraction rules used.")
    name_scheme: str | None = Field(
        description="The name-hash scheme the folder declared, or null to detect one."
    )
    file_count: int = Field(ge=0, description="Number of files listed.")
    total_bytes: int = Field(ge=0, description="Sum of their sizes.")
    seal: str | None = Field(
        default=None,
        pattern="^[0-9a-f]{64}$",
        description="SHA-256 of the manifest schema and of this file's bytes without this "
        "line, written when the records passed the schema; verify reads a manifest whose "
        "seal holds without checking every record again. Not a signature.",
    )
    files: list[FileRecord] = Field(description="One record a file, sorted by path.")


FindingCode = Literal[
    "changed",
    "missing",
    "unlisted",
    "moved",
    "normalisation-rename",
    "name-collision",
    "metadata-changed",
    "unreadable",
    "special-file",
    "schema-invalid",
    "recorded-problem",
]


class Finding(_Frozen):
    """One thing verify found; every finding is collected before a verdict."""

    code: FindingCode = Field(description="What kind of finding.")
    severity: Severity = Field(description="error, warning or info.")
    path: str = Field(description="The file concerned, relative to the folder.")
    message: str = Field(description="One line for a person.")
    expected: str | None = Field(default=None, description="What the manifest holds.")
    found: str | None = Field(default=None, description="What is on disk now.")
    other_path: str | None = Field(default=None, description="For moves: the new path.")


class ManifestResult(_Frozen):
    """Verify's findings for one manifest."""

    manifest: str = Field(description="The manifest file, as given.")
    folder: str = Field(description="The folder checked, as resolved from the manifest.")
    checked: int = Field(ge=0, description="Files looked at.")
    findings: list[Finding] = Field(description="Every finding, sorted by path then code.")


class VerifyReport(_Frozen):
    """The whole result of one verify run."""

    ok: bool = Field(description="True when no finding is an error.")
    results: list[ManifestResult] = Field(description="One entry per manifest checked.")
    shard: str | None = Field(
        default=None,
        pattern="^[1-9][0-9]*/[1-9][0-9]*$",
        description="'K/N' when this run checked shard K of N (verify --shard), else null.",
    )
