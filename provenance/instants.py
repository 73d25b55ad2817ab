"""Order the timestamp values a manifest stores by the instants they name, not as text.

Values keep the precision their source wrote (``2021``, ``2021-04``, ``2021-04-16``,
``2021-04-16T01:00+08:00``, ``2021-04-15T18:00:00Z``), so text order is wrong twice over:
``2021-04-16T01:00+08:00`` sorts after ``2021-04-15T18:00Z`` though it is an hour earlier,
and a bare day sorts before every time of that day. Each value is read back as a
:class:`~provenance.moment.Moment` and compared by the span it covers, as the cross-checks
compare them (:meth:`Moment.earliest` / :meth:`Moment.latest`: a time is a span of zero
length; a bare day, month or year carries no zone, so it spans from its start at UTC+14
to its end at UTC−12): the earliest value is the one whose span starts first and the
latest the one whose span ends last.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from provenance.timestamps import parse_iso


def span_of(value: str) -> tuple[datetime, datetime] | None:
    """The first and last instant ``value`` covers, or ``None`` if it names no instant."""
    moment = parse_iso(value)
    if moment is None or not moment.valid:
        return None
    if moment.hour is None and len(value) > len("YYYY-MM-DD"):
        return None  # a time written without a zone: parse_iso keeps only its day
    return moment.earliest(), moment.latest()


def earliest_latest(values: Iterable[str]) -> tuple[str, str] | None:
    """The earliest and the latest of ``values`` as written, or ``None`` if none parses."""
    spans = [(s, v) for v in values if (s := span_of(v)) is not None]
    if not spans:
        return None
    earliest = min(spans, key=lambda sv: (sv[0][0], sv[1]))[1]
    latest = max(spans, key=lambda sv: (sv[0][1], sv[1]))[1]
    return earliest, latest
