"""Frozen models of a probe report: one entry per file, live original, memento, drift."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from provenance import schemas

LiveStatus = Literal[
    "alive", "dead", "moved", "soft-404", "blocked", "rate-limited", "tls-error", "unknown"
]
DriftVerdict = Literal["identical", "minor", "drifted", "unrelated"]
ArchiveStatus = Literal["found", "none", "unknown", "rate-limited"]

#: Live classes that are findings (exit 1); transient ones are not.
LIVE_FINDINGS: frozenset[str] = frozenset({"dead", "moved", "soft-404"})
#: Drift verdicts that are findings (exit 1).
DRIFT_FINDINGS: frozenset[str] = frozenset({"drifted", "unrelated"})


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Hop(_Frozen):
    """One answer in a redirect chain."""

    url: str = Field(description="The URL requested.")
    status: int = Field(description="The HTTP status it answered.")
    location: str | None = Field(default=None, description="Where it redirected, resolved.")


class LiveResult(_Frozen):
    """What the original URL answers today."""

    status: LiveStatus = Field(description="The class of the answer.")
    http_status: int | None = Field(default=None, description="Last HTTP status, if any.")
    redirects: list[Hop] = Field(default_factory=list, description="Every redirect followed.")
    final_url: str | None = Field(default=None, description="The URL that answered last.")
    error: str | None = Field(default=None, description="Why it could not be fetched.")
    reason: str | None = Field(default=None, description="Why it was given this class.")
    attempts: int = Field(default=0, ge=0, description="Requests sent, retries included.")


class MementoResult(_Frozen):
    """The archived copy nearest the page's embedded timestamp, from one archive."""

    archive: str = Field(description="The archive's base URL.")
    url: str = Field(description="The memento's URL (URI-M) as the archive names it.")
    raw_url: str = Field(description="The memento's original bytes (id_ mode).")
    datetime: str = Field(description="Its Memento-Datetime, ISO 8601 UTC.")
    count: int | None = Field(description="Captures the archive holds of the URL, if known.")
    distance_seconds: int | None = Field(
        description="Seconds between the memento and the embedded timestamp, null if none."
    )
    http_status: int | None = Field(default=None, description="Status the capture recorded.")


class ArchiveAttempt(_Frozen):
    """What one archive said about the URL."""

    archive: str = Field(description="The archive's base URL.")
    status: ArchiveStatus = Field(description="found, none, unknown or rate-limited.")
    count: int | None = Field(default=None, description="Captures listed, if known.")
    malformed: int = Field(default=0, ge=0, description="Index lines skipped as malformed.")
    error: str | None = Field(default=None, description="Why the archive could not answer.")


class DriftResult(_Frozen):
    """How far our copy's text is from another copy's text."""

    verdict: DriftVerdict = Field(description="identical, minor, drifted or unrelated.")
    against: Literal["memento", "live"] = Field(description="What our copy was compared with.")
    compared_url: str = Field(description="The URL whose text was compared.")
    memento_url: str | None = Field(default=None, description="The memento, when against one.")
    word_jaccard: float = Field(ge=0.0, le=1.0, description="Jaccard of word shingles.")
    char_jaccard: float = Field(ge=0.0, le=1.0, description="Jaccard of character shingles.")
    containment: float = Field(
        ge=0.0, le=1.0, description="Share of our word shingles found in theirs."
    )
    simhash_distance: int = Field(ge=0, le=64, description="Hamming distance of 64-bit simhashes.")
    ours_chars: int = Field(ge=0, description="Characters of article text in our copy.")
    theirs_chars: int = Field(ge=0, description="Characters of article text in theirs.")


class ProbeEntry(_Frozen):
    """The probe's findings for one file."""

    path: str = Field(description="The file, relative to its folder.")
    url: str | None = Field(description="The original URL probed, or null when none is known.")
    published: str | None = Field(default=None, description="The embedded timestamp used.")
    live: LiveResult | None = Field(description="The live original, or null when not probed.")
    memento: MementoResult | None = Field(description="The nearest memento, or null.")
    archives: list[ArchiveAttempt] = Field(default_factory=list, description="Per archive.")
    drift: DriftResult | None = Field(description="Our copy against the memento, or null.")
    live_drift: DriftResult | None = Field(description="Our copy against the live page.")
    cached: bool = Field(
        default=False, description="True when the live result or a memento came from the cache."
    )
    findings: list[str] = Field(default_factory=list, description="Codes that make exit 1.")


class ProbeManifestResult(_Frozen):
    """The probe's entries for one manifest."""

    manifest: str = Field(description="The manifest file, as given.")
    folder: str = Field(description="The folder resolved from the manifest.")
    entries: list[ProbeEntry] = Field(description="One entry per file, sorted by path.")


class ProbeReport(_Frozen):
    """The whole result of one probe run."""

    ok: bool = Field(description="True when nothing was found and everything was checked.")
    checked_all: bool = Field(description="False when some check could not be carried out.")
    archives: list[str] = Field(description="The archives asked, by base URL.")
    requests: int = Field(ge=0, description="HTTP requests sent in this run.")
    results: list[ProbeManifestResult] = Field(description="One entry per manifest.")


schemas.register("probe-report.schema.json", ProbeReport, "provenance probe report")
