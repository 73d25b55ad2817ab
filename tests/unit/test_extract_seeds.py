"""The five seed pages give exactly the values in the specification's table."""

from __future__ import annotations

from pathlib import Path

import pytest

from provenance.extract import extract_file

SEEDS = Path(__file__).parents[1] / "data" / "seeds"
VOA = (
    "https://www.voachinese.com/a/Kerry-visitsing-to-China-a-test-for-Biden-s-bid-to-win-"
    "cooperation-with-Beijing-20210415/5854181.html"
)
TABLE = [
    ("000_48c78df7aa8e8c42.txt", "2021-08-26", "day",
     "https://www.epochtimes.com/gb/21/8/25/n13187748.htm"),
    ("001_d4828f0a435ed64c.txt", "2021-08-31", "day",
     "https://www.epochtimes.com/gb/21/8/31/n13199494.htm"),
    ("002_5eb1b2106f1fcec7.txt", "2021-04-15T13:23:59Z", "second", VOA),
    ("003_0b4743840c6ab047.txt", "2023-07-19", "day",
     "https://www.epochtimes.com/gb/23/7/19/n14037762.htm"),
    ("004_42888320195507bf.txt", "2021-04-13", "day", "https://www.soundofhope.org/post/494741"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "published", "precision", "url"), TABLE)
def test_seed_table(name: str, published: str, precision: str, url: str) -> None:
    result = extract_file((SEEDS / name).read_bytes(), filename=name)
    assert result.published is not None and result.original_url is not None
    assert (result.published.value, result.published.precision) == (published, precision)
    assert result.original_url.value == url
    assert [p for p in result.problems if p.severity != "info"] == []


def test_feed_comment_is_the_capture_time() -> None:
    result = extract_file((SEEDS / "002_5eb1b2106f1fcec7.txt").read_bytes())
    assert result.captured is not None
    assert result.captured.value == "2021-04-15T13:59:02.000Z"
    assert result.captured.precision == "millisecond"
    assert result.title is not None and result.title.value.startswith("克里抵达上海")


def test_mirror_locations_are_never_the_original() -> None:
    tracked = extract_file((SEEDS / "003_0b4743840c6ab047.txt").read_bytes())
    assert tracked.mirror_url is not None
    assert tracked.mirror_url.value.startswith("http://gfw-breaker.win/")
    shared = extract_file((SEEDS / "004_42888320195507bf.txt").read_bytes())
    assert shared.mirror_url is not None
    assert shared.mirror_url.value == (
        "https://github.com/begood0513/goodnews/blob/master/pages/soh6/494741.md"
    )


def test_one_day_between_dateline_and_url_path_is_no_mismatch() -> None:
    result = extract_file((SEEDS / "000_48c78df7aa8e8c42.txt").read_bytes())
    assert "date-mismatch" not in {p.code for p in result.problems}
    assert any(c.rule == "url.path-date" and c.value == "2021-08-25" for c in result.candidates)


def test_titles_and_publishers() -> None:
    result = extract_file((SEEDS / "004_42888320195507bf.txt").read_bytes())
    assert (
        result.title is not None and result.title.value == "美国气候代表证实访华 本周前往上海磋商"
    )
    assert result.publisher is not None and result.publisher.value == "希望之声"
