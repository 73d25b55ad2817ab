"""Every timestamp form, the precision it keeps, and the flags for impossible values."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from provenance.timestamps import (
    ANY_DATE_PATTERN,
    Moment,
    check,
    days_apart,
    parse_any,
    parse_epoch,
    parse_iso,
    parse_wayback,
    zh_number,
    zh_year,
)

NOW = datetime(2025, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "value", "precision"),
    [
        ("2021-08-26", "2021-08-26", "day"),
        ("2021-04", "2021-04", "month"),
        ("2021", "2021", "year"),
        ("2021-04-15T13:23:59Z", "2021-04-15T13:23:59Z", "second"),
        ("2021-04-15T13:23Z", "2021-04-15T13:23Z", "minute"),
        ("2021-04-15T21:23:59+08:00", "2021-04-15T21:23:59+08:00", "second"),
        ("2021-04-15 21:23:59 +0800", "2021-04-15T21:23:59+08:00", "second"),
        ("2021-04-15T13:23:59.5Z", "2021-04-15T13:23:59.500Z", "millisecond"),
        ("2021-04-15T13:23:59+00:00", "2021-04-15T13:23:59+00:00", "second"),
        # A time of day without a zone would need an invented zone: it stays a day.
        ("2021-04-15 10:23", "2021-04-15", "day"),
        ("2021/4/5", "2021-04-05", "day"),
        ("Thu, 15 Apr 2021 13:23:59 GMT", "2021-04-15T13:23:59Z", "second"),
        ("Wed, 14 Apr 2021 09:05:00 +0200", "2021-04-14T09:05:00+02:00", "second"),
        ("15 Apr 2021 08:00 EDT", "2021-04-15T08:00-04:00", "minute"),
        ("April 13, 2021", "2021-04-13", "day"),
        ("Apr. 13 2021", "2021-04-13", "day"),
        ("13 September 2021", "2021-09-13", "day"),
        ("2021年8月26日", "2021-08-26", "day"),
        ("２０２１年０８月２６日", "2021-08-26", "day"),
        ("二零一六年十月二十二日", "2016-10-22", "day"),
        ("二〇二〇年十二月三十一日", "2020-12-31", "day"),
        ("二○一九年一月十日", "2019-01-10", "day"),
        ("2021年4月1号", "2021-04-01", "day"),
        ("Tuesday, April 13, 2021", "2021-04-13", "day"),
        # An English date with a time: kept with a zone, 12-hour times read, else a day.
        ("April 13, 2021 8:30 AM EDT", "2021-04-13T08:30-04:00", "minute"),
        ("April 13, 2021 12:05 a.m. PST", "2021-04-13T00:05-08:00", "minute"),
        ("April 13, 2021, 12:30 PM (UTC)", "2021-04-13T12:30Z", "minute"),
        ("13 April 2021 09:00:15 GMT", "2021-04-13T09:00:15Z", "second"),
        ("April 13, 2021 at 10:05 p.m.", "2021-04-13", "day"),
        ("April 13, 2021 14:30 PM EDT", "2021-04-13", "day"),
        ("13/04/2021", "2021-04-13", "day"),
        ("04/13/2021", "2021-04-13", "day"),
    ],
)
def test_forms(text: str, value: str, precision: str) -> None:
    moment = parse_any(text)
    assert moment is not None
    assert (moment.value, moment.precision) == (value, precision)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2021-04-13 08:30 (UTC)", "2021-04-13T08:30Z"),
        ("2021-04-13 08:30 UTC", "2021-04-13T08:30Z"),
        ("2021-04-13 08:30 GMT", "2021-04-13T08:30Z"),
        ("2021-04-13 08:30 (GMT+8)", "2021-04-13T08:30+08:00"),
        ("2021-04-13 08:30 GMT+08:00", "2021-04-13T08:30+08:00"),
        ("2021-04-13 08:30 UTC+8", "2021-04-13T08:30+08:00"),
        ("2021-04-13 08:30 UTC-5:30", "2021-04-13T08:30-05:30"),
        ("2021-04-13 08:30（北京时间）", "2021-04-13T08:30+08:00"),
        ("2021-04-13 08:30 北京時間", "2021-04-13T08:30+08:00"),
        ("2021-04-13 08:30 台北時間", "2021-04-13T08:30+08:00"),
        ("2021-04-13 08:30 (香港時間)", "2021-04-13T08:30+08:00"),
        ("2021-04-13 08:30 EST", "2021-04-13T08:30-05:00"),
        ("2021-04-13 08:30 EDT", "2021-04-13T08:30-04:00"),
        ("2021-04-13 08:30 (PST)", "2021-04-13T08:30-08:00"),
        ("2021-04-13 08:30 PDT", "2021-04-13T08:30-07:00"),
    ],
)
def test_zones_written_in_words(text: str, value: str) -> None:
    moment = parse_any(text)
    assert moment is not None
    assert (moment.value, moment.precision) == (value, "minute")


@pytest.mark.parametrize("zone", ["ET", "PT", "CST", "IST", "XYZ"])
def test_ambiguous_or_unknown_zone_is_not_invented(zone: str) -> None:
    # "ET" is EST or EDT depending on the day, "CST" is China's or US Central time.
    text = f"Published 2021-04-13 08:30 {zone} by the desk"
    assert parse_iso(f"2021-04-13 08:30 {zone}") is None
    found = re.search(ANY_DATE_PATTERN, text)
    assert found is not None
    moment = parse_any(found.group(0))
    assert moment is not None and moment.value == "2021-04-13"


@pytest.mark.parametrize("text", ["", "yesterday", "Apr 2021", "04/05/2021", "二零一六"])
def test_not_dates(text: str) -> None:
    assert parse_any(text) is None


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("十", 10),
        ("十二", 12),
        ("二十", 20),
        ("二十六", 26),
        ("三十一", 31),
        ("廿一", 21),
        ("一", 1),
        ("０８", 8),
        ("12", 12),
        ("卅", 30),
    ],
)
def test_zh_numbers(text: str, number: int) -> None:
    assert zh_number(text) == number


@pytest.mark.parametrize("text", ["十十", "二十二十", "百", "一二"])
def test_zh_numbers_reject_nonsense(text: str) -> None:
    assert zh_number(text) is None


def test_zh_years() -> None:
    assert zh_year("二零二一") == 2021
    assert zh_year("二〇〇八") == 2008
    assert zh_year("一九九九") == 1999
    assert zh_year("二零二") is None


def test_epoch_and_wayback() -> None:
    millis = parse_epoch("1618495142000")
    assert millis is not None
    assert (millis.value, millis.precision) == ("2021-04-15T13:59:02.000Z", "millisecond")
    seconds = parse_epoch("1618495142")
    assert seconds is not None and seconds.value == "2021-04-15T13:59:02Z"
    assert parse_epoch("12345") is None
    stamp = parse_wayback("20190304050607")
    assert stamp is not None and stamp.value == "2019-03-04T05:06:07Z"
    day = parse_wayback("20190304")
    assert day is not None and (day.value, day.precision) == ("2019-03-04", "day")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("2021-02-30", "impossible-date"),
        ("2021-02-29", "impossible-date"),
        ("2020-02-29", None),
        ("2021-04-31", "impossible-date"),
        ("2099-01-01", "future-date"),
        ("1989-12-31", "too-old-date"),
        ("1990-01-01", None),
        ("2021-04-15T25:00:00Z", "impossible-date"),
        ("2021-13", "impossible-date"),
        ("2024-12-31", None),
    ],
)
def test_check(text: str, code: str | None) -> None:
    moment = parse_iso(text)
    assert moment is not None
    assert check(moment, now=NOW) == code


def test_impossible_dates_are_not_repaired() -> None:
    moment = parse_any("2021年2月30日")
    assert moment is not None and moment.value == "2021-02-30" and not moment.valid


def test_a_day_is_not_midnight_utc() -> None:
    day = parse_iso("2021-04-15")
    assert day is not None
    assert day.earliest() < datetime(2021, 4, 15, tzinfo=UTC) < day.latest()
    assert day.latest() > datetime(2021, 4, 16, tzinfo=UTC)


def test_days_apart_uses_written_dates() -> None:
    a, b = parse_iso("2021-08-26"), parse_iso("2021-08-25")
    late = parse_iso("2021-04-15T23:30:00-04:00")
    assert a is not None and b is not None and late is not None
    assert days_apart(a, b) == 1
    assert days_apart(late, Moment(2021, 4, 16)) == 1
    assert days_apart(Moment(2021, 4), a) is None


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2099, 12, 31)))
def test_round_trip_through_every_written_form(day: date) -> None:
    digits = "零一二三四五六七八九"
    zh_year_text = "".join(digits[int(ch)] for ch in f"{day.year}")
    month_text = _zh(day.month)
    day_text = _zh(day.day)
    forms = [
        day.isoformat(),
        f"{day.year}年{day.month}月{day.day}日",
        f"{zh_year_text}年{month_text}月{day_text}日",
        day.strftime("%B %d, %Y"),
        day.strftime("%d %b %Y"),
    ]
    for text in forms:
        moment = parse_any(text)
        assert moment is not None and moment.local_date() == day, text


def _zh(number: int) -> str:
    digits = "零一二三四五六七八九"
    tens, ones = divmod(number, 10)
    if tens == 0:
        return digits[ones]
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


@given(st.text(max_size=60))
def test_parse_any_never_raises(text: str) -> None:
    moment = parse_any(text)
    if moment is not None:
        assert moment.value
