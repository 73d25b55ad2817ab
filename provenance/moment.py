"""The value every timestamp parser returns, and the checks made on it.

A :class:`Moment` keeps what was written: a day stays a day, a time keeps the offset it was
written with. It may name an impossible value (Feb 30) so that the resolver can flag it
instead of silently repairing it.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone

from provenance.models import Precision

MIN_YEAR = 1990

# The earliest and latest offsets in use; a bare day is somewhere between the two.
_EARLIEST_OFFSET = timedelta(hours=14)
_LATEST_OFFSET = timedelta(hours=-12)


@dataclass(frozen=True)
class Moment:
    """A parsed timestamp: calendar fields, precision and the offset in minutes if any."""

    year: int
    month: int | None = None
    day: int | None = None
    hour: int | None = None
    minute: int | None = None
    second: int | None = None
    millisecond: int | None = None
    offset: int | None = None  # minutes east of UTC; None for dates
    zulu: bool = False  # written as Z/GMT/UTC

    @property
    def precision(self) -> Precision:
        """The finest unit present."""
        if self.millisecond is not None:
            return "millisecond"
        if self.second is not None:
            return "second"
        if self.minute is not None:
            return "minute"
        if self.day is not None:
            return "day"
        return "month" if self.month is not None else "year"

    @property
    def valid(self) -> bool:
        """True when every field names a real calendar value."""
        if not 1 <= self.year <= 9998:  # room for the widest offset either side
            return False
        if self.month is not None and not 1 <= self.month <= 12:
            return False
        if self.day is not None:
            assert self.month is not None
            if not 1 <= self.day <= calendar.monthrange(self.year, self.month)[1]:
                return False
        if self.hour is not None and not 0 <= self.hour <= 23:
            return False
        if self.minute is not None and not 0 <= self.minute <= 59:
            return False
        if self.second is not None and not 0 <= self.second <= 59:
            return False
        return self.offset is None or abs(self.offset) <= 18 * 60

    @property
    def value(self) -> str:
        """ISO 8601 text at this moment's precision (formatted even when not valid)."""
        text = f"{self.year:04d}"
        if self.month is None:
            return text
        text += f"-{self.month:02d}"
        if self.day is None:
            return text
        text += f"-{self.day:02d}"
        if self.minute is None or self.hour is None:
            return text
        text += f"T{self.hour:02d}:{self.minute:02d}"
        if self.second is not None:
            text += f":{self.second:02d}"
            if self.millisecond is not None:
                text += f".{self.millisecond:03d}"
        return text + _format_offset(self.offset, self.zulu)

    def local_date(self) -> date | None:
        """The calendar day as written (in its own offset), or None when coarser or invalid."""
        if self.day is None or self.month is None or not self.valid:
            return None
        return date(self.year, self.month, self.day)

    def earliest(self) -> datetime:
        """The earliest UTC instant this moment can denote."""
        if self.hour is not None and self.offset is not None:
            return self._instant()
        start = datetime(self.year, self.month or 1, self.day or 1, tzinfo=UTC)
        return start - _EARLIEST_OFFSET

    def latest(self) -> datetime:
        """The latest UTC instant this moment can denote."""
        if self.hour is not None and self.offset is not None:
            return self._instant()
        if self.month is None:
            end = datetime(self.year + 1, 1, 1, tzinfo=UTC)
        elif self.day is None:
            end = datetime(self.year + self.month // 12, self.month % 12 + 1, 1, tzinfo=UTC)
        else:
            end = datetime(self.year, self.month, self.day, tzinfo=UTC) + timedelta(days=1)
        return end - _LATEST_OFFSET

    def _instant(self) -> datetime:
        assert self.month and self.day is not None and self.hour is not None
        zone = timezone(timedelta(minutes=self.offset or 0))
        local = datetime(
            self.year, self.month, self.day, self.hour, self.minute or 0, self.second or 0,
            (self.millisecond or 0) * 1000, tzinfo=zone,
        )  # fmt: skip
        return local.astimezone(UTC)


def _format_offset(offset: int | None, zulu: bool) -> str:
    if offset is None or (offset == 0 and zulu):
        return "Z"
    sign = "+" if offset >= 0 else "-"
    hours, minutes = divmod(abs(offset), 60)
    return f"{sign}{hours:02d}:{minutes:02d}"


def check(moment: Moment, *, now: datetime | None = None) -> str | None:
    """Return the problem code for a moment that cannot be a publication time, or None."""
    if not moment.valid:
        return "impossible-date"
    if moment.year < MIN_YEAR:
        return "too-old-date"
    if moment.earliest() > (now or datetime.now(UTC)):
        return "future-date"
    return None


def days_apart(a: Moment, b: Moment) -> int | None:
    """Whole days between two moments' calendar dates, or None when either is coarser."""
    first, second = a.local_date(), b.local_date()
    if first is None or second is None:
        return None
    return abs((first - second).days)
