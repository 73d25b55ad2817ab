"""Extraction of embedded metadata: bytes → decoded page → candidates → resolved claims.

The entry point is :func:`extract_file`. ``EXTRACTOR_VERSION`` must be bumped whenever a
rule changes what is extracted (a new rule, a confidence, a normal form, a problem code):
verify re-extracts files whose manifest was written by another version.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from provenance.extract.checks import cross_check, missing, path_date_candidate, url_conflicts
from provenance.extract.interface import Extractor, Page, markers_found, wanted
from provenance.extract.mhtml import html_view
from provenance.extract.publishers import publisher_from_url
from provenance.extract.registry import CONTAINER_FAMILIES, EXTRACTORS
from provenance.extract.resolver import resolve
from provenance.extractor_version import EXTRACTOR_VERSION  # noqa: E402
from provenance.models import (
    Candidate,
    FileStatus,
    Problem,
    TextClaim,
    TimestampClaim,
    UrlClaim,
)
from provenance.text import decode

# An MHTML file names its parts' addresses; an e-mail that needs decoding names its encoding.
_MIME = ("Content-Location:", "Content-Transfer-Encoding:")


@dataclass(frozen=True)
class Extraction:
    """What the extractors and the resolver made of one file's bytes."""

    status: FileStatus
    encoding: str | None
    published: TimestampClaim | None = None
    captured: TimestampClaim | None = None
    original_url: UrlClaim | None = None
    mirror_url: UrlClaim | None = None
    title: TextClaim | None = None
    publisher: TextClaim | None = None
    candidates: tuple[Candidate, ...] = ()
    problems: tuple[Problem, ...] = field(default=())


def extract_file(data: bytes, *, filename: str = "") -> Extraction:
    """Decode ``data`` and extract its publication time, original URL and title."""
    decoded = decode(data)
    if decoded.status != "ok":
        problems = decoded.problems + tuple(missing(None, None))
        return Extraction(status=decoded.status, encoding=decoded.encoding, problems=problems)
    page = Page.from_text(decoded.text, encoding=decoded.encoding or "utf-8", filename=filename)
    extraction = extract_page(page)
    return Extraction(
        status=extraction.status, encoding=extraction.encoding,
        published=extraction.published, captured=extraction.captured,
        original_url=extraction.original_url, mirror_url=extraction.mirror_url,
        title=extraction.title, publisher=extraction.publisher,
        candidates=extraction.candidates, problems=decoded.problems + extraction.problems,
    )  # fmt: skip


def extract_page(
    page: Page, *, now: datetime | None = None, extractors: Sequence[Extractor] = EXTRACTORS
) -> Extraction:
    """Run the extractors over a decoded page and resolve their candidates."""
    candidates: list[Candidate] = []
    problems: list[Problem] = []
    # An MHTML file is read twice: its headers as they are, its HTML part decoded.
    found = markers_found(extractors, page.text, also=_MIME)
    inner = html_view(page) if not found.isdisjoint(_MIME) else None
    found_inside = found if inner is None else markers_found(extractors, inner.text)
    for extractor in extractors:
        target = page if inner is None or extractor.name in CONTAINER_FAMILIES else inner
        if not wanted(extractor, found if target is page else found_inside):
            continue  # none of the family's markers occurs: its layout cannot be this one
        try:
            candidates.extend(extractor.extract(target))
        except Exception as error:  # noqa: BLE001 - one bad rule must not lose the others
            message = f"extractor {extractor.name} failed: {type(error).__name__}: {error}"
            problems.append(Problem(code="extractor-error", severity="warning", message=message))
    resolution = resolve(candidates, now=now)
    picked, rest = resolution.picked, resolution.rest
    url = picked.get("original_url")
    path_date = path_date_candidate(url) if url is not None else None
    # Only when the page proposes no time at all: an impossible or future dateline is
    # flagged, never replaced by the URL's day.
    stated = any(c.field == "published" for c in candidates)
    from_path = path_date is not None and "published" not in picked and not stated
    if path_date is not None and from_path:
        # The page states no time of its own: the day its original's address was stamped
        # with is the best evidence left. It is used, and flagged (see checks.missing).
        picked["published"] = path_date
    elif path_date is not None:
        rest.append(path_date)
    if url is not None and "publisher" not in picked:
        derived = publisher_from_url(url)
        if derived is not None:
            picked["publisher"] = derived
    problems += resolution.problems
    problems += cross_check(
        picked.get("published"), picked.get("captured"), rest,
        None if from_path else path_date, now=now,
    )  # fmt: skip
    problems += url_conflicts(url, rest)
    problems += missing(picked.get("published"), url, from_path=from_path)
    return Extraction(
        status="ok", encoding=page.encoding,
        published=_time(picked.get("published")), captured=_time(picked.get("captured")),
        original_url=_url(url), mirror_url=_url(picked.get("mirror_url")),
        title=_text(picked.get("title")), publisher=_text(picked.get("publisher")),
        candidates=tuple(rest), problems=tuple(problems),
    )  # fmt: skip


def _evidence(candidate: Candidate) -> dict[str, object]:
    return {
        "line": candidate.line, "column": candidate.column, "raw": candidate.raw,
        "rule": candidate.rule, "confidence": candidate.confidence, "value": candidate.value,
    }  # fmt: skip


def _time(candidate: Candidate | None) -> TimestampClaim | None:
    if candidate is None or candidate.precision is None:
        return None
    return TimestampClaim.model_validate(_evidence(candidate) | {"precision": candidate.precision})


def _url(candidate: Candidate | None) -> UrlClaim | None:
    if candidate is None or candidate.normalized is None:
        return None
    return UrlClaim.model_validate(_evidence(candidate) | {"normalized": candidate.normalized})


def _text(candidate: Candidate | None) -> TextClaim | None:
    return None if candidate is None else TextClaim.model_validate(_evidence(candidate))


__all__ = ["EXTRACTOR_VERSION", "Extraction", "Page", "extract_file", "extract_page"]
