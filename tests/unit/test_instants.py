"""Earliest and latest published values are chosen by instant, not by text order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from provenance.instants import earliest_latest, span_of


def test_a_later_looking_text_can_be_the_earlier_instant() -> None:
    # 01:00 at +08:00 is 17:00Z the day before: an hour before 18:00Z, though it sorts after.
    values = ["2021-04-15T18:00Z", "2021-04-16T01:00+08:00"]
    assert sorted(values)[0] == "2021-04-15T18:00Z"
    assert earliest_latest(values) == ("2021-04-16T01:00+08:00", "2021-04-15T18:00Z")


def test_bare_days_count_from_their_first_instant_for_earliest_and_last_for_latest() -> None:
    # The day 2021-04-16 starts (at UTC+14) before 06:00Z that day and ends (at UTC-12) after.
    assert earliest_latest(["2021-04-16T06:00:00Z", "2021-04-16"]) == ("2021-04-16", "2021-04-16")
    assert earliest_latest(["2021-04-16T06:00:00Z", "2021-04"]) == ("2021-04", "2021-04")
    # 2020 ends at 2021-01-01T12:00Z somewhere on Earth: a time after that is the latest.
    assert earliest_latest(["2020", "2021-01-01T12:00Z"]) == ("2020", "2021-01-01T12:00Z")
    assert earliest_latest(["2020", "2021-01-01T11:59Z"]) == ("2020", "2020")


@pytest.mark.parametrize(
    ("value", "first", "last"),
    [
        ("2021", datetime(2021, 1, 1, tzinfo=UTC), datetime(2022, 1, 1, tzinfo=UTC)),
        ("2024-02", datetime(2024, 2, 1, tzinfo=UTC), datetime(2024, 3, 1, tzinfo=UTC)),
        ("2021-04-16", datetime(2021, 4, 16, tzinfo=UTC), datetime(2021, 4, 17, tzinfo=UTC)),
    ],
)
def test_periods_span_their_whole_length(value: str, first: datetime, last: datetime) -> None:
    # From the first day's start at UTC+14 to the last day's end at UTC-12 (Moment.latest: the
    # instant the period ends, as the cross-checks read it).
    start, end = first - timedelta(hours=14), last + timedelta(hours=12)
    assert span_of(value) == (start, end)


@pytest.mark.parametrize("value", ["", "2021-13", "2021-02-30", "yesterday", "2021-04-16T01:00"])
def test_values_that_name_no_instant_are_left_out(value: str) -> None:
    assert span_of(value) is None
    assert earliest_latest([value, "2021-04-16"]) == ("2021-04-16", "2021-04-16")
    assert earliest_latest([value]) is None
