"""Every timestamp form the extractors meet, parsed into a :class:`Moment` that keeps precision.

A day stays a day (``2021-08-26``), never midnight UTC. A date-time is kept with the offset
it was written with (``+08:00`` stays ``+08:00``; ``GMT``/``UTC``/``Z`` become ``Z``). A time
of day written without any zone is dropped to day precision: inventing a zone would claim a
precision the source does not have.

Impossible calendar values (Feb 30, month 13, hour 25) still parse, with ``valid=False`` and
the value formatted as written, so that the resolver can flag them (``impossible-date``)
instead of silently repairing them.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone

from provenance.models import Precision

MIN_YEAR = 1990

# The earliest and latest offsets in use; a bare day is somewhere between the two.
_EARLIEST_OFFSET = timedelta(hours=14)
_LATEST_OFFSET = timedelta(hours=-12)

_FULLWIDTH = str.maketrans("０１２３４５６７８９：－／．", "0123456789:-/.")
_ZH_DIGITS = {
    "〇": 0, "○": 0, "零": 0, "Ｏ": 0, "O": 0, "o": 0, "一": 1, "二": 2, "两": 2, "三": 3,
    "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}  # fmt: skip
_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
# RFC 822 named zones; the military single letters are too ambiguous to trust.
_ZONES = {
    "GMT": 0, "UTC": 0, "UT": 0, "Z": 0, "EST": -300, "EDT": -240, "CST": -360,
    "CDT": -300, "MST": -420, "MDT": -360, "PST": -480, "PDT": -420,
}  # fmt: skip


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


def _digits(text: str) -> int:
    return int(text.translate(_FULLWIDTH))


def zh_number(text: str) -> int | None:
    """Read a month or day written in digits or Chinese numerals (十, 二十六, 廿一, 卅)."""
    text = text.strip().translate(_FULLWIDTH)
    if text.isdecimal():
        return int(text)
    text = text.replace("廿", "二十").replace("卅", "三十")
    if "十" in text:
        tens_text, _, ones_text = text.partition("十")
        tens = _ZH_DIGITS.get(tens_text, -1) if tens_text else 1
        ones = _ZH_DIGITS.get(ones_text, -1) if ones_text else 0
        return None if tens < 0 or ones < 0 or len(ones_text) > 1 else tens * 10 + ones
    if len(text) == 1 and text in _ZH_DIGITS:
        return _ZH_DIGITS[text]
    return None


def zh_year(text: str) -> int | None:
    """Read a four-figure year written digit by digit (2016, ２０１６, 二零一六, 二〇一六)."""
    text = text.strip().translate(_FULLWIDTH)
    if text.isdecimal():
        return int(text)
    values = [_ZH_DIGITS.get(ch, -1) for ch in text]
    if len(values) != 4 or min(values) < 0:
        return None
    return int("".join(map(str, values)))


def from_zh(year: str, month: str, day: str | None = None) -> Moment | None:
    """Build a day (or month) from the parts of a Chinese date such as 二零一六年十月二十二日."""
    y, m = zh_year(year), zh_number(month)
    d = zh_number(day) if day is not None else None
    if y is None or m is None or (day is not None and d is None):
        return None
    return Moment(y, m, d)


ISO_PATTERN = (
    r"(?P<y>\d{4})[-/.](?P<mo>\d{1,2})[-/.](?P<d>\d{1,2})"
    r"(?:(?:T|\s{1,3})(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,](?P<f>\d{1,9}))?)?"
    r"\s?(?P<z>Z|UTC|GMT|[+-]\d{2}:?\d{2}(?!\d))?)?"
)
_ISO_RE = re.compile(ISO_PATTERN)
_ISO_COARSE_RE = re.compile(r"(?P<y>\d{4})(?:-(?P<mo>\d{2}))?")


def parse_iso(text: str) -> Moment | None:
    """Parse ISO 8601 / RFC 3339 (also ``YYYY/MM/DD``); a zone-less time keeps day precision."""
    text = text.strip().translate(_FULLWIDTH)
    match = _ISO_RE.fullmatch(text)
    if match is None:
        coarse = _ISO_COARSE_RE.fullmatch(text)
        if coarse is None:
            return None
        month = coarse["mo"]
        return Moment(int(coarse["y"]), int(month) if month else None)
    return _iso_from_match(match)


def _iso_from_match(match: re.Match[str]) -> Moment:
    day = Moment(int(match["y"]), int(match["mo"]), int(match["d"]))
    zone = match["z"]
    if match["H"] is None or zone is None:
        return day
    if zone in ("Z", "UTC", "GMT"):
        offset, zulu = 0, True
    else:
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        offset, zulu = sign * (int(digits[:2]) * 60 + int(digits[2:])), False
    fraction = match["f"]
    return Moment(
        day.year, day.month, day.day, int(match["H"]), int(match["M"]),
        int(match["S"]) if match["S"] else None,
        int(fraction[:3].ljust(3, "0")) if fraction and match["S"] else None,
        offset, zulu,
    )  # fmt: skip


RFC2822_PATTERN = (
    r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,?\s+)?(?P<d>\d{1,2})\s+(?P<mon>[A-Za-z]{3,4})\.?"
    r"\s+(?P<y>\d{4})\s+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?"
    r"\s*(?P<z>[+-]\d{4}|GMT|UTC|UT|Z|[ECMP][SD]T)?"
)
_RFC2822_RE = re.compile(RFC2822_PATTERN)


def parse_rfc2822(text: str) -> Moment | None:
    """Parse RFC 1123/2822 dates such as ``Thu, 15 Apr 2021 13:23:59 GMT``."""
    match = _RFC2822_RE.fullmatch(text.strip())
    return _rfc_from_match(match) if match else None


def _rfc_from_match(match: re.Match[str]) -> Moment | None:
    month = _MONTHS.get(match["mon"].lower())
    if month is None:
        return None
    year, day = int(match["y"]), int(match["d"])
    zone = match["z"]
    if zone is None:
        return Moment(year, month, day)
    if zone in _ZONES:
        offset, zulu = _ZONES[zone], _ZONES[zone] == 0
    else:
        sign = -1 if zone[0] == "-" else 1
        offset, zulu = sign * (int(zone[1:3]) * 60 + int(zone[3:])), False
    second = int(match["S"]) if match["S"] else None
    return Moment(year, month, day, int(match["H"]), int(match["M"]), second, None, offset, zulu)


_WEEKDAY = r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day|Mon|Tue|Wed|Thu|Fri|Sat|Sun)\.?,?\s+"
_MONTH_NAME = (
    r"(?P<mon>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_MONTH_NAME2 = _MONTH_NAME.replace("mon", "mon2")
ENGLISH_PATTERN = (
    rf"(?:{_WEEKDAY})?(?:{_MONTH_NAME}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})"
    rf"|(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH_NAME2},?\s+(?P<y2>\d{{4}}))"
)
_ENGLISH_RE = re.compile(ENGLISH_PATTERN, re.IGNORECASE)


def parse_english(text: str) -> Moment | None:
    """Parse ``April 13, 2021``, ``Apr. 13 2021`` or ``13 April 2021`` to a day."""
    match = _ENGLISH_RE.fullmatch(text.strip())
    return english_from_match(match) if match else None


def english_from_match(match: re.Match[str]) -> Moment | None:
    """Build a day from a match of :data:`ENGLISH_PATTERN`."""
    name = match["mon"] or match["mon2"]
    month = _MONTHS.get(name[:3].lower())
    day, year = match["d"] or match["d2"], match["y"] or match["y2"]
    return Moment(int(year), month, int(day)) if month else None


def parse_epoch(digits: str) -> Moment | None:
    """Read Unix time: ten digits are seconds, thirteen are milliseconds (UTC)."""
    if not digits.isdecimal() or len(digits) not in (10, 13):
        return None
    millis = int(digits) * (1000 if len(digits) == 10 else 1)
    moment = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=millis)
    return Moment(
        moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second,
        moment.microsecond // 1000 if len(digits) == 13 else None, 0, True,
    )  # fmt: skip


def parse_wayback(stamp: str) -> Moment | None:
    """Read a Wayback Machine timestamp (``YYYYMMDDhhmmss``, UTC; shorter prefixes allowed)."""
    if not stamp.isdecimal() or len(stamp) not in (4, 6, 8, 10, 12, 14):
        return None
    parts = [int(stamp[i : i + 2]) for i in range(4, len(stamp), 2)]
    year = int(stamp[:4])
    if len(parts) <= 1:
        return Moment(year, parts[0] if parts else None)
    if len(parts) <= 3:  # an hour alone is not a unit we keep
        return Moment(year, parts[0], parts[1])
    second = parts[4] if len(parts) == 5 else None
    return Moment(year, parts[0], parts[1], parts[2], parts[3], second, None, 0, True)


SLASH_PATTERN = r"(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<sy>\d{4})"
_SLASH_RE = re.compile(SLASH_PATTERN)


def parse_slashed(text: str) -> Moment | None:
    """Read ``13/04/2021`` or ``04/13/2021`` only when one part cannot be a month.

    Day-first and month-first orders are both common; ``04/05/2021`` is left unread rather
    than guessed.
    """
    match = _SLASH_RE.fullmatch(text.strip())
    if match is None:
        return None
    a, b, year = int(match["a"]), int(match["b"]), int(match["sy"])
    if a > 12 >= b:
        return Moment(year, b, a)
    if b > 12 >= a:
        return Moment(year, a, b)
    return None


def parse_any(text: str) -> Moment | None:
    """Try every written form: ISO, RFC 2822, English, Chinese, then unambiguous d/m/y."""
    text = text.strip()
    for parser in (parse_iso, parse_rfc2822, parse_english, parse_zh, parse_slashed):
        moment = parser(text)
        if moment is not None:
            return moment
    return None


ZH_PATTERN = (
    r"(?P<zy>[0-9０-９]{4}|[〇○零Ｏ一二三四五六七八九]{4})\s*年\s*"
    r"(?P<zm>[0-9０-９]{1,2}|[一二三四五六七八九十]{1,2})\s*月\s*"
    r"(?P<zd>[0-9０-９]{1,2}|[一二三四五六七八九十廿卅]{1,3})\s*[日号號]"
)
_ZH_RE = re.compile(ZH_PATTERN)


def parse_zh(text: str) -> Moment | None:
    """Parse a Chinese date such as ``2021年4月13日`` or ``二零一六年十月二十二日``."""
    match = _ZH_RE.fullmatch(text.strip())
    return from_zh(match["zy"], match["zm"], match["zd"]) if match else None


def anonymous(pattern: str) -> str:
    """The pattern with its named groups made non-capturing, to combine it with others."""
    return re.sub(r"\(\?P<\w+>", "(?:", pattern)


# Any written date form, for searching; parse the matched text with :func:`parse_any`.
ANY_DATE_PATTERN = "|".join(
    anonymous(p) for p in (ZH_PATTERN, ISO_PATTERN, RFC2822_PATTERN, ENGLISH_PATTERN, SLASH_PATTERN)
)
