"""Order the timestamp values a manifest stores by the instants they name, not as text.

Values keep the precision their source wrote (``2021``, ``2021-04``, ``2021-04-16``,
``2021-04-16T01:00+08:00``, ``2021-04-15T18:00:00Z``), so text order is wrong twice over:
``2021-04-16T01:00+08:00`` sorts after ``2021-04-15T18:00Z`` though it is an hour earlier,
and a bare day sorts before every time of that day. Each value is read as the span of time
it covers (a time is a span of zero length; a bare day, month or year carries no zone, so
it spans from its start at UTC+14 to its end at UTC−12, as the cross-checks read it in
:mod:`provenance.moment`), the earliest value is the one whose span starts first and the
latest the one whose span ends last.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

# The earliest and latest offsets in use: a bare day is somewhere between the two.
_EARLIEST_OFFSET = timedelta(hours=14)
_LATEST_OFFSET = timedelta(hours=-12)
_PERIOD = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def span_of(value: str) -> tuple[datetime, datetime] | None:
    """The first and last instant ``value`` covers, or ``None`` if it is not ISO 8601."""
    period = _PERIOD.fullmatch(value)
    if period is not None:
        year, month, day = (int(g) if g else None for g in period.groups())
        assert year is not None
        try:
            if month is None:
                start, end = datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)
            elif day is None:
                start = datetime(year, month, 1, tzinfo=UTC)
                end = start + timedelta(days=calendar.monthrange(year, month)[1])
            else:
                start = datetime(year, month, day, tzinfo=UTC)
                end = start + timedelta(days=1)
        except ValueError:
            return None
        return start - _EARLIEST_OFFSET, end - _LATEST_OFFSET - timedelta(microseconds=1)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return moment, moment


def earliest_latest(values: Iterable[str]) -> tuple[str, str] | None:
    """The earliest and the latest of ``values`` as written, or ``None`` if none parses."""
    spans = [(s, v) for v in values if (s := span_of(v)) is not None]
    if not spans:
        return None
    earliest = min(spans, key=lambda sv: (sv[0][0], sv[1]))[1]
    latest = max(spans, key=lambda sv: (sv[0][1], sv[1]))[1]
    return earliest, latest
