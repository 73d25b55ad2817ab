"""Cross-checks between resolved values, and the problems for what is missing.

* The date in the original URL's path (``/gb/21/8/25/``, ``/2016/10/22/``, ``/2021/0413/``,
  ``-20210415/``) is kept as a low-confidence ``url.path-date`` candidate and compared with
  the publication time.
* Sites stamp datelines in their own time zone while URLs and feeds often use UTC, so dates
  one day apart agree; more than one day apart is a ``date-mismatch`` warning naming both.
* A capture that ends before the publication can begin is ``capture-before-publication``.
* No original URL is an error (``missing-url``). No publication time is an error
  (``missing-timestamp``) unless the original URL's path carries a date: then that day is
  the publication time, at low confidence, and ``missing-timestamp`` is a warning.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime

from provenance.models import Candidate, Problem
from provenance.timestamps import Moment, check, days_apart, parse_iso

STRONG = 0.8  # only candidates this sure take part in conflict warnings
FETCH_RULES = frozenset({"comment.epoch"})  # capture times a feed mirror stamps when it fetches

_PATH_DATES = (
    # Epoch Times: /gb/21/8/25/n13187748.htm (two-digit year; b5 is traditional script)
    re.compile(r"/(?:gb|b5|b5-hk|big5)/(?P<y>\d{2})/(?P<m>\d{1,2})/(?P<d>\d{1,2})/"),
    re.compile(r"/(?P<y>(?:19|20)\d{2})/(?P<m>\d{1,2})/(?P<d>\d{1,2})(?:/|$)"),
    re.compile(r"/(?P<y>(?:19|20)\d{2})-(?P<m>\d{2})-(?P<d>\d{2})(?!\d)"),
    # People's Daily, Aboluowang and others: /2021/0413/ (year, then month and day)
    re.compile(r"/(?P<y>(?:19|20)\d{2})/(?P<m>[01]\d)(?P<d>[0-3]\d)/"),
    # VOA and others: a compact yyyymmdd between non-digits (…-20210415/5854181.html)
    re.compile(r"(?<![\d])(?P<y>(?:19|20)\d{2})(?P<m>[01]\d)(?P<d>[0-3]\d)(?![\d])"),
    # RFA ends its story addresses with mmddyyyyhhmmss (…/gd-04142021100327.html)
    re.compile(r"-(?P<m>[01]\d)(?P<d>[0-3]\d)(?P<y>(?:19|20)\d{2})\d{6}\.html?$"),
)
PATH_DATE_CONFIDENCE = 0.3


def url_path_date(url: str) -> Moment | None:
    """The publication day a URL's path states, or None."""
    path = re.sub(r"^[a-zA-Z][\w+.-]*://[^/]*", "", url).split("?", 1)[0]
    for pattern in _PATH_DATES:
        match = pattern.search(path)
        if match is None:
            continue
        year = int(match["y"])
        year += 2000 if year < 100 else 0
        moment = Moment(year, int(match["m"]), int(match["d"]))
        if moment.valid:
            return moment
    return None


def path_date_candidate(url: Candidate) -> Candidate | None:
    """A ``url.path-date`` candidate from a resolved original URL, or None."""
    moment = url_path_date(url.value)
    if moment is None:
        return None
    return Candidate(
        line=url.line, column=url.column, raw=url.value, rule="url.path-date",
        confidence=PATH_DATE_CONFIDENCE, field="published", value=moment.value,
        precision=moment.precision,
    )  # fmt: skip


def cross_check(
    published: Candidate | None, captured: Candidate | None, others: list[Candidate],
    path_date: Candidate | None, *, now: datetime | None = None,
) -> Iterator[Problem]:  # fmt: skip
    """Problems from comparing the publication time with the other time signals."""
    pub = parse_iso(published.value) if published else None
    if published is None or pub is None or not pub.valid:
        return
    compared = [path_date] if path_date is not None else []
    compared += [
        c for c in others
        if c.field == "published" and c.confidence >= STRONG and c.rule != published.rule
    ]  # fmt: skip
    yield from _mismatches(published, pub, compared, now)
    cap = parse_iso(captured.value) if captured else None
    if captured is not None and cap is not None and cap.valid:
        yield from _capture(published, pub, captured, cap)


def _mismatches(
    published: Candidate, pub: Moment, compared: list[Candidate], now: datetime | None
) -> Iterator[Problem]:
    seen: set[str] = set()
    for other in compared:
        moment = parse_iso(other.value)
        if moment is None or check(moment, now=now) is not None:
            continue  # already reported as impossible, future or too old
        apart = days_apart(pub, moment)
        if apart is not None and apart > 1 and other.value not in seen:
            seen.add(other.value)
            yield _mismatch(published, other, apart, "says")


def _capture(
    published: Candidate, pub: Moment, captured: Candidate, cap: Moment
) -> Iterator[Problem]:
    if cap.latest() < pub.earliest():
        yield Problem(
            code="capture-before-publication", severity="error",
            message=f"captured {captured.value} ({captured.rule}) before publication "
            f"{published.value} ({published.rule})",
        )  # fmt: skip
        return
    apart = days_apart(pub, cap)
    if captured.rule in FETCH_RULES and apart is not None and apart > 1:
        # A feed mirror fetches new items within hours; days later means one of the two
        # dates is wrong. Wayback captures, by contrast, may come years later.
        yield _mismatch(published, captured, apart, "fetched at")


def _mismatch(published: Candidate, other: Candidate, apart: int, verb: str) -> Problem:
    message = (
        f"published {published.value} ({published.rule}) but {other.rule} {verb} "
        f"{other.value}: {apart} days apart"
    )
    return Problem(code="date-mismatch", severity="warning", message=message)


def missing(
    published: Candidate | None, original_url: Candidate | None, *, from_path: bool = False
) -> Iterator[Problem]:
    """Flag a missing publication time or original URL.

    A page with no time of its own whose original URL carries a date gets that day as its
    publication time and a ``missing-timestamp`` *warning* saying so; with no date at all
    it is an error. A missing original URL is always an error.
    """
    if published is None:
        yield Problem(
            code="missing-timestamp", severity="error",
            message="no credible publication time found",
        )  # fmt: skip
    elif from_path:
        yield Problem(
            code="missing-timestamp", severity="warning",
            message=f"the page states no publication time; {published.value} is the day in "
            "its original URL's path (url.path-date)",
        )  # fmt: skip
    if original_url is None:
        yield Problem(
            code="missing-url", severity="error",
            message="no original URL found (mirror and navigation links are not originals)",
        )  # fmt: skip


def url_conflicts(picked: Candidate | None, others: list[Candidate]) -> Iterator[Problem]:
    """A warning for each strong original-URL candidate that names a different page."""
    if picked is None or picked.normalized is None:
        return
    seen = {_loose(picked.normalized)}
    for other in others:
        if other.field != "original_url" or other.confidence < STRONG or not other.normalized:
            continue
        key = _loose(other.normalized)
        if key not in seen:
            seen.add(key)
            yield Problem(
                code="url-mismatch", severity="warning",
                message=f"original URL {picked.value} ({picked.rule}) but {other.value} "
                f"({other.rule}) names another page",
            )  # fmt: skip


def _loose(url: str) -> str:
    """Compare URLs ignoring scheme, a leading www., the fragment and a trailing slash.

    A fragment names a place in the page (JSON-LD graphs say ``…/post/#webpage``), not
    another page.
    """
    url = re.sub(r"^https?://(?:www\.)?", "", url).partition("#")[0]
    return url.rstrip("/")
