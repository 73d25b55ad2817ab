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

import re
from datetime import UTC, datetime, timedelta

from provenance.moment import MIN_YEAR, Moment, check, days_apart

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


# A zone written after a time of day: an offset, UTC/GMT with or without an offset
# ("GMT+08:00", "(UTC+8)"), the Chinese-language names of the +08:00 zones ("（北京时间）",
# "台北時間", "香港時間") and the US abbreviations whose offset they name. "ET"/"PT" name
# a region whose offset depends on daylight saving, and "CST" is both China's and US
# Central time: none of those is read as a zone, so such a time keeps day precision.
ZONE_PATTERN = (
    r"Z|[+-]\d{2}:?\d{2}(?!\d)"
    r"|[(（]?(?:UTC|GMT)(?:[+-]\d{1,2}(?::?\d{2})?(?!\d))?[)）]?"
    r"|[(（]?(?:北京|台北|臺北|香港)(?:时间|時間)[)）]?"
    r"|[(（]?[EP][SD]T[)）]?(?![A-Za-z])"
)
_NAMED_ZONE = re.compile(
    r"[(（]?(?:(?P<utc>UTC|GMT)(?P<sign>[+-])?(?P<h>\d{1,2})?(?::?(?P<m>\d{2}))?"
    r"|(?P<cn>北京|台北|臺北|香港)(?:时间|時間)|(?P<us>[EP][SD]T))[)）]?"
)
_CHINA_OFFSET = 8 * 60
ISO_PATTERN = (
    r"(?P<y>\d{4})[-/.](?P<mo>\d{1,2})[-/.](?P<d>\d{1,2})"
    r"(?:(?:T|\s{1,3})(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,](?P<f>\d{1,9}))?)?"
    rf"\s?(?P<z>{ZONE_PATTERN})?)?"
)
_ISO_RE = re.compile(ISO_PATTERN)
_ISO_COARSE_RE = re.compile(r"(?P<y>\d{4})(?:-(?P<mo>\d{2}))?")
# ISO 8601 basic format (20210413, 20210413T020000Z), as metadata values carry it. It is never
# searched for in running text, where eight digits are far more often an id.
_ISO_BASIC_RE = re.compile(
    r"(?P<y>(?:19|20)\d{2})(?P<mo>[01]\d)(?P<d>[0-3]\d)"
    r"(?:T(?P<H>\d{2})(?P<M>\d{2})(?:(?P<S>\d{2})(?:[.,](?P<f>\d{1,9}))?)?(?P<z>Z|[+-]\d{2}:?\d{2})?)?"
)


def parse_iso(text: str) -> Moment | None:
    """Parse ISO 8601 / RFC 3339 (also ``YYYY/MM/DD``); a zone-less time keeps day precision."""
    text = text.strip().translate(_FULLWIDTH)
    match = _ISO_RE.fullmatch(text) or _ISO_BASIC_RE.fullmatch(text)
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
    offset, zulu = zone_offset(zone)
    fraction = match["f"]
    return Moment(
        day.year, day.month, day.day, int(match["H"]), int(match["M"]),
        int(match["S"]) if match["S"] else None,
        int(fraction[:3].ljust(3, "0")) if fraction and match["S"] else None,
        offset, zulu,
    )  # fmt: skip


def zone_offset(zone: str) -> tuple[int, bool]:
    """Minutes east of UTC, and whether the zone was written as UTC itself, for a zone
    matched by :data:`ZONE_PATTERN`."""
    named = _NAMED_ZONE.fullmatch(zone)
    if named is None:
        if zone == "Z":
            return 0, True
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        return sign * (int(digits[:2]) * 60 + int(digits[2:])), False
    if named["cn"]:
        return _CHINA_OFFSET, False
    if named["us"]:
        return _ZONES[named["us"]], False
    if named["h"] is None:
        return 0, True
    minutes = int(named["h"]) * 60 + int(named["m"] or 0)
    return (-minutes if named["sign"] == "-" else minutes), False


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
# A time of day may follow, 24-hour or with AM/PM ("April 13, 2021 8:30 AM EDT", "13 April
# 2021 09:00 GMT", "April 13, 2021 at 10:05 p.m."); it is kept only with a zone, as for ISO.
_ENGLISH_TIME = (
    r"(?:,?[ \t]+(?:at[ \t]+)?(?P<eH>\d{1,2}):(?P<eM>\d{2})(?::(?P<eS>\d{2}))?"
    r"(?:[ \t]?(?P<ap>[AaPp]\.?[Mm]\.?)(?![A-Za-z]))?"
    rf"(?:[ \t]?(?P<ez>{ZONE_PATTERN}))?)?"
)
ENGLISH_PATTERN = (
    rf"(?:{_WEEKDAY})?(?:{_MONTH_NAME}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})"
    rf"|(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH_NAME2},?\s+(?P<y2>\d{{4}}))" + _ENGLISH_TIME
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
    if not month:
        return None
    date = Moment(int(year), month, int(day))
    zone = match["ez"]
    if match["eH"] is None or zone is None or zone.lower() == "z":
        return date
    hour = int(match["eH"])
    if match["ap"]:
        if not 1 <= hour <= 12:
            return date  # "14:30 PM": which of the two is wrong is not ours to say
        hour = hour % 12 + (12 if match["ap"][0].lower() == "p" else 0)
    offset, zulu = zone_offset(zone.upper())
    second = int(match["eS"]) if match["eS"] else None
    return Moment(date.year, month, date.day, hour, int(match["eM"]), second, None, offset, zulu)


# Day, month name, year in French, German, Spanish, Portuguese and Italian: "6 avril 2023",
# "13. April 2021", "13 de abril de 2021". (English names are read by ENGLISH_PATTERN.)
_EURO_MONTHS = {
    "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6,
    "juillet": 7, "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11,
    "décembre": 12, "decembre": 12,
    "januar": 1, "jänner": 1, "februar": 2, "märz": 3, "maerz": 3, "april": 4, "juni": 6,
    "juli": 7, "august": 8, "september": 9, "oktober": 10, "dezember": 12,
    "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7,
    "agosto": 8, "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11,
    "diciembre": 12,
    "janeiro": 1, "fevereiro": 2, "março": 3, "maio": 5, "junho": 6, "julho": 7,
    "setembro": 9, "outubro": 10, "dezembro": 12,
    "gennaio": 1, "febbraio": 2, "aprile": 4, "maggio": 5, "giugno": 6, "luglio": 7,
    "settembre": 9, "ottobre": 10, "dicembre": 12,
}  # fmt: skip
_EURO_NAMES = "|".join(
    sorted({*_EURO_MONTHS, *(name.capitalize() for name in _EURO_MONTHS)}, key=len, reverse=True)
)
EURO_PATTERN = (
    rf"(?P<ed>\d{{1,2}})(?:\.|er)?\s+(?:de\s+)?(?P<emon>{_EURO_NAMES})\s+(?:de\s+)?(?P<ey>\d{{4}})"
)
_EURO_RE = re.compile(EURO_PATTERN)


def parse_european(text: str) -> Moment | None:
    """Parse ``6 avril 2023``, ``13. April 2021``, ``13 de abril de 2021`` to a day."""
    match = _EURO_RE.fullmatch(text.strip())
    if match is None:
        return None
    return Moment(int(match["ey"]), _EURO_MONTHS[match["emon"].lower()], int(match["ed"]))


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


# Day-first numeric dates with dots (13.04.2021): how German, Russian, Nordic and many other
# sites write a day. The dot itself says day first, so nothing is guessed.
DOTTED_PATTERN = r"(?P<dd>\d{1,2})\.(?P<dm>\d{1,2})\.(?P<dy>\d{4})(?!\d)"
_DOTTED_RE = re.compile(DOTTED_PATTERN)


def parse_dotted(text: str) -> Moment | None:
    """Read a day-first dotted date such as ``13.04.2021``."""
    match = _DOTTED_RE.fullmatch(text.strip())
    return Moment(int(match["dy"]), int(match["dm"]), int(match["dd"])) if match else None


_WDAY = r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)"
# JavaScript's Date.prototype.toString(), which SingleFile and many scripts print:
# "Tue Apr 13 2021 10:00:00 GMT+0800 (China Standard Time)".
JS_DATE_PATTERN = (
    rf"{_WDAY}\s+{_MONTH_NAME}\s+(?P<d>\d{{1,2}})\s+(?P<y>\d{{4}})\s+(?P<H>\d{{2}}):(?P<M>\d{{2}})"
    r":(?P<S>\d{2})\s+GMT(?P<z>[+-]\d{4})(?:\s*\([^()\n]{0,60}\))?"
)
# C's asctime() and HTTP's third date form: "Tue Apr 13 10:00:00 2021"; it names no zone,
# so it is read as a day.
ASCTIME_PATTERN = (
    rf"{_WDAY}\s+{_MONTH_NAME}\s+(?P<d>\d{{1,2}})\s+\d{{2}}:\d{{2}}:\d{{2}}\s+(?P<y>\d{{4}})"
)
_JS_DATE_RE = re.compile(JS_DATE_PATTERN)
_ASCTIME_RE = re.compile(ASCTIME_PATTERN)


def parse_js_date(text: str) -> Moment | None:
    """Parse a JavaScript Date string or an asctime() date."""
    text = text.strip()
    match = _JS_DATE_RE.fullmatch(text)
    if match is not None:
        month = _MONTHS[match["mon"][:3].lower()]
        zone = match["z"]
        offset = (-1 if zone[0] == "-" else 1) * (int(zone[1:3]) * 60 + int(zone[3:]))
        return Moment(
            int(match["y"]), month, int(match["d"]), int(match["H"]), int(match["M"]),
            int(match["S"]), None, offset, False,
        )  # fmt: skip
    match = _ASCTIME_RE.fullmatch(text)
    if match is None:
        return None
    return Moment(int(match["y"]), _MONTHS[match["mon"][:3].lower()], int(match["d"]))


def parse_any(text: str) -> Moment | None:
    """Try every written form: ISO, RFC 2822, JS, English, CJK, dotted, unambiguous d/m/y."""
    text = text.strip()
    for parser in _PARSERS:
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


# Taiwan's official calendar counts years from 1912 (民國110年 is 2021); Korean writes
# 2021년 4월 13일 with the same order as Chinese.
ROC_PATTERN = (
    r"(?:中華民國|中华民国|民國|民国)\s*(?P<ry>[0-9０-９]{2,3})\s*年\s*(?P<rm>[0-9０-９]{1,2})\s*月"
    r"\s*(?P<rd>[0-9０-９]{1,2})\s*日"
)
KO_PATTERN = r"(?P<ky>\d{4})\s*년\s*(?P<km>\d{1,2})\s*월\s*(?P<kd>\d{1,2})\s*일"
_ROC_RE = re.compile(ROC_PATTERN)
_KO_RE = re.compile(KO_PATTERN)
ROC_OFFSET = 1911


def parse_zh(text: str) -> Moment | None:
    """Parse a CJK date: ``2021年4月13日``, ``二零一六年十月二十二日``, ``民國110年4月13日``."""
    text = text.strip()
    match = _ZH_RE.fullmatch(text)
    if match is not None:
        return from_zh(match["zy"], match["zm"], match["zd"])
    roc = _ROC_RE.fullmatch(text)
    if roc is not None:
        return Moment(_digits(roc["ry"]) + ROC_OFFSET, _digits(roc["rm"]), _digits(roc["rd"]))
    korean = _KO_RE.fullmatch(text)
    return Moment(int(korean["ky"]), int(korean["km"]), int(korean["kd"])) if korean else None


_PARSERS = (
    parse_iso, parse_rfc2822, parse_js_date, parse_english, parse_european, parse_zh,
    parse_dotted, parse_slashed,
)  # fmt: skip


def anonymous(pattern: str) -> str:
    """The pattern with its named groups made non-capturing, to combine it with others."""
    return re.sub(r"\(\?P<\w+>", "(?:", pattern)


# Any written date form, for searching; parse the matched text with :func:`parse_any`.
# The JS/asctime forms come before the English one, which would match their first part.
ANY_DATE_PATTERN = "|".join(
    anonymous(p)
    for p in (
        ZH_PATTERN, ROC_PATTERN, KO_PATTERN, ISO_PATTERN, JS_DATE_PATTERN, ASCTIME_PATTERN,
        RFC2822_PATTERN, ENGLISH_PATTERN, EURO_PATTERN, DOTTED_PATTERN, SLASH_PATTERN,
    )
)  # fmt: skip


__all__ = [
    "ANY_DATE_PATTERN", "ENGLISH_PATTERN", "ISO_PATTERN", "MIN_YEAR", "RFC2822_PATTERN",
    "ZH_PATTERN", "Moment", "anonymous", "check", "days_apart", "parse_any", "parse_english",
    "parse_dotted", "parse_epoch", "parse_european", "parse_iso", "parse_js_date",
    "parse_rfc2822", "parse_slashed", "parse_wayback", "parse_zh",
]  # fmt: skip
