"""The resolver: one documented rule picks a value per field; every other candidate is kept.

Rule, per field:

1. Drop candidates below :data:`MIN_CONFIDENCE` (they stay in the record as evidence: the
   URL-path date is one, used only as a cross-check).
2. Drop timestamps that cannot be a real time (``impossible-date``), that lie in the future
   (``future-date``) or before 1990 (``too-old-date``); each is reported as a problem.
3. Pick the highest confidence; break ties by rule priority (:data:`RULE_PRIORITY`, earlier
   wins), then by the earliest position in the page.

Confidences encode the documented order: for the original URL, a labelled line (0.95/0.9) ≥
a saver's banner, an MHTML snapshot address or front matter (0.9) > ``<link rel=canonical>``,
``og:url``, a feed item's link (0.85) > JSON-LD url / feed title link (0.8) > ``URL:`` (0.75) >
the URL inside a Wayback address (0.7). For the publication time, a bracketed dateline (0.95) >
head metadata, front matter, feed item dates (0.9–0.75) ≥ labelled date (0.85/0.75) > byline,
portal line, feed item date (0.8) > a lone date line or ``<time>`` (0.7) > a date alone in an
element (0.65) > a date in the title's brackets (0.6); the URL-path date (0.3) is never picked.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

from provenance.models import Candidate, ClaimField, Problem
from provenance.timestamps import check, parse_iso

MIN_CONFIDENCE = 0.5
TIME_FIELDS: frozenset[ClaimField] = frozenset({"published", "captured"})
FIELDS: tuple[ClaimField, ...] = (
    "published", "captured", "original_url", "mirror_url", "title", "publisher",
)  # fmt: skip
# Tie-break order by rule-name prefix; unknown rules come last.
RULE_PRIORITY: tuple[str, ...] = (
    "label.original-url", "saved.", "mhtml.snapshot-location", "label.source", "frontmatter.url",
    "meta.original-source", "html.canonical", "meta.og-url", "mhtml.content-location",
    "rss.link", "atom.link", "jsonld.url", "wayback.player", "feed.title-link", "rss.guid",
    "label.web-copy", "meta.url-name", "label.url", "wayback.original",
    "dateline.zh", "meta.article:published_time", "jsonld.datePublished", "frontmatter.date",
    "rss.date", "atom.published", "jsonld.", "meta.", "html.time-pubdate", "html.class-published",
    "label.published", "dateline.paren", "dateline.en", "byline.date", "dateline.portal",
    "feed.item-date", "html.time", "dateline.line", "html.date-element", "html.date-class",
    "markdown.heading-date",
    "url.path-date",
    "comment.epoch", "mhtml.date", "wayback.timestamp", "frontmatter.captured",
    "mirror.share-link", "mirror.page-line", "mirror.tracker-image", "mirror.wayback",
    "markdown.heading", "frontmatter.title", "rss.title", "html.title", "html.h1", "mhtml.subject",
)  # fmt: skip


@cache
def priority(rule: str) -> int:
    """The tie-break rank of a rule (lower wins)."""
    for rank, prefix in enumerate(RULE_PRIORITY):
        if rule == prefix or rule.startswith(prefix if prefix.endswith(".") else prefix + "."):
            return rank
    return len(RULE_PRIORITY)


def sort_key(candidate: Candidate) -> tuple[float, int, int, int]:
    """Order candidates best first: confidence, rule priority, position."""
    return (-candidate.confidence, priority(candidate.rule), candidate.line, candidate.column)


@dataclass
class Resolution:
    """The pick per field, the candidates not picked, and the problems met on the way."""

    picked: dict[ClaimField, Candidate] = field(default_factory=dict)
    rest: list[Candidate] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def resolve(candidates: Iterable[Candidate], *, now: datetime | None = None) -> Resolution:
    """Pick one candidate per field by the documented rule."""
    result = Resolution()
    reported: set[tuple[str, str]] = set()
    for candidate in sorted(candidates, key=sort_key):
        name = candidate.field
        if name in result.picked or candidate.confidence < MIN_CONFIDENCE:
            result.rest.append(candidate)
            continue
        if name in TIME_FIELDS:
            code = _time_problem(candidate, now)
            if code is not None:
                result.rest.append(candidate)
                if (code, candidate.value) not in reported:
                    reported.add((code, candidate.value))
                    result.problems.append(_problem(code, candidate))
                continue
        result.picked[name] = candidate
    result.rest.sort(key=lambda c: (FIELDS.index(c.field), c.line, c.column, c.rule))
    return result


def _time_problem(candidate: Candidate, now: datetime | None) -> str | None:
    moment = parse_iso(candidate.value)
    if moment is None:
        return "impossible-date"
    return check(moment, now=now)


_MESSAGES = {
    "impossible-date": "is not a real calendar date or time",
    "future-date": "lies in the future",
    "too-old-date": "is before 1990, older than any web page",
}


def _problem(code: str, candidate: Candidate) -> Problem:
    message = (
        f"{candidate.field} {candidate.value!r} ({candidate.rule}, line {candidate.line}) "
        f"{_MESSAGES[code]}; not used"
    )
    return Problem(code=code, severity="warning", message=message)
