"""The resolver's documented rule, the registry, and robustness of the whole pipeline."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from provenance.extract import EXTRACTOR_VERSION, extract_file, extract_page
from provenance.extract.interface import Page
from provenance.extract.registry import EXTRACTORS, get, names
from provenance.extract.resolver import MIN_CONFIDENCE, priority, resolve
from provenance.models import Candidate, ClaimField


def _candidate(
    field: ClaimField, value: str, rule: str, confidence: float, line: int = 1
) -> Candidate:
    return Candidate(
        line=line, column=0, raw=value, rule=rule, confidence=confidence, field=field,
        value=value, precision="day" if field in ("published", "captured") else None,
        normalized=value if field.endswith("url") else None,
    )  # fmt: skip


def test_highest_confidence_wins_and_the_rest_is_kept() -> None:
    low = _candidate("published", "2021-04-10", "dateline.line", 0.7)
    high = _candidate("published", "2021-04-14", "dateline.zh", 0.95, line=9)
    result = resolve([low, high])
    assert result.picked["published"] is high
    assert result.rest == [low]


def test_ties_go_to_rule_priority_then_position() -> None:
    canonical = _candidate("original_url", "https://a.example/1", "html.canonical", 0.85)
    og_url = _candidate("original_url", "https://a.example/2", "meta.og-url", 0.85)
    assert resolve([og_url, canonical]).picked["original_url"] is canonical
    first = _candidate("published", "2021-04-14", "dateline.zh", 0.95, line=3)
    second = _candidate("published", "2021-04-15", "dateline.zh", 0.95, line=7)
    assert resolve([second, first]).picked["published"] is first
    assert priority("label.original-url") < priority("html.canonical") < priority("feed.title-link")
    assert priority("feed.title-link") < priority("wayback.original") < priority("no.such-rule")


def test_low_confidence_and_invalid_dates_are_never_picked() -> None:
    path = _candidate("published", "2021-04-14", "url.path-date", MIN_CONFIDENCE - 0.2)
    feb30 = _candidate("published", "2021-02-30", "dateline.zh", 0.95)
    future = _candidate("published", "2999-01-01", "dateline.zh", 0.95)
    result = resolve([path, feb30, future], now=datetime(2025, 1, 1, tzinfo=UTC))
    assert "published" not in result.picked
    assert sorted(p.code for p in result.problems) == ["future-date", "impossible-date"]
    assert len(result.rest) == 3


def test_registry_names_every_extractor() -> None:
    assert len(set(names())) == len(EXTRACTORS)
    for name in names():
        assert get(name).name == name
    assert EXTRACTOR_VERSION == "3"


def test_extract_page_survives_a_broken_extractor() -> None:
    class BrokenExtractor:
        name = "broken"
        markers = ()

        def extract(self, page: Page) -> list[Candidate]:
            raise RuntimeError("boom")

    page = Page.from_text(
        "【大纪元2021年08月26日讯】\n原文链接：https://www.epochtimes.com/gb/n1.htm"
    )
    result = extract_page(page, extractors=[BrokenExtractor(), *EXTRACTORS])
    assert result.published is not None and result.original_url is not None
    assert [p.code for p in result.problems] == ["extractor-error"]


def test_evidence_points_at_the_text() -> None:
    text = "### 标题\n\n  【大纪元2021年08月26日讯】正文\n原文链接：https://www.epochtimes.com/gb/n1.htm\n"
    result = extract_file(text.encode())
    assert result.published is not None and result.original_url is not None
    assert (result.published.line, result.published.column) == (3, 2)
    assert result.published.raw == "【大纪元2021年08月26日讯】"
    assert (result.original_url.line, result.original_url.column) == (4, 0)


def test_a_100_mb_single_line_file_is_quick() -> None:
    data = (
        "【大纪元2021年08月26日讯】" + "正" * 33_000_000 + "原文链接：https://x.example/1"
    ).encode()
    started = time.perf_counter()
    result = extract_file(data)
    assert time.perf_counter() - started < 5
    assert result.published is not None and result.original_url is not None


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=3000))
def test_arbitrary_bytes_never_crash(data: bytes) -> None:
    result = extract_file(data)
    codes = {p.code for p in result.problems}
    assert "extractor-error" not in codes
    assert (result.published is None) == ("missing-timestamp" in codes)
    assert (result.original_url is None) == ("missing-url" in codes)


_PIECES = st.sampled_from(
    [
        "【",
        "】",
        "大纪元",
        "二零一六年",
        "十月",
        "二十二日",
        "2021年",
        "4月",
        "14日",
        "讯",
        "<ok href='x'>",
        "</ok>",
        "原文链接",
        "：",
        "https://",
        "www.",
        "example.com/",
        "(",
        ")",
        "[",
        "]",
        "\n",
        "------",
        "<!--1618495142000-->",
        "<meta property='og:url' content='",
        "'>",
        "Published: ",
        "April 13, 2021",
        "web.archive.org/web/20190304050607/",
        "javascript:",
        "<time datetime='2021-04-14'>",
        " ",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=40))
def test_page_shaped_noise_never_crashes(pieces: list[str]) -> None:
    result = extract_file("".join(pieces).encode())
    assert "extractor-error" not in {p.code for p in result.problems}
    if result.original_url is not None:
        assert result.original_url.normalized.startswith(("http://", "https://"))


def test_extreme_years_never_crash_and_are_not_compared() -> None:
    for value in ("0000-01-01", "0001-01-01T00:00:00-12:00", "9999-12-31T23:59:59+14:00"):
        page = (
            f'<meta property="article:published_time" content="{value}">'
            '<meta name="pubdate" content="2021-04-14">\n原文链接：https://a.example/x/1'
        )
        result = extract_file(page.encode())
        assert result.published is not None and result.published.value == "2021-04-14"
        assert "date-mismatch" not in {p.code for p in result.problems}


def test_url_path_dates() -> None:
    from provenance.extract.checks import url_path_date

    cases = {
        "https://www.epochtimes.com/gb/21/8/25/n13187748.htm": "2021-08-25",
        "https://www.epochtimes.com/b5/21/4/14/n1.htm": "2021-04-14",
        "http://www.minghui.org/mh/articles/2016/10/22/x-1.html": "2016-10-22",
        "https://www.voachinese.com/a/x-20210415/5854181.html": "2021-04-15",
        "https://www.rfa.org/mandarin/yataibaodao/gd-04142021100327.html": "2021-04-14",
        "https://x.org/2021-04-14-story": "2021-04-14",
    }
    for url, day in cases.items():
        moment = url_path_date(url)
        assert moment is not None and moment.value == day, url
    assert url_path_date("https://x.org/id/20213456") is None
    assert url_path_date("https://www.soundofhope.org/post/494741") is None


def _encodable(result: object) -> None:
    import dataclasses
    import json

    from pydantic import BaseModel

    def dump(value: object) -> object:
        if isinstance(value, BaseModel):
            return value.model_dump()
        if isinstance(value, tuple):
            return [dump(v) for v in value]
        return value

    assert dataclasses.is_dataclass(result)
    fields = {f.name: dump(getattr(result, f.name)) for f in dataclasses.fields(result)}
    json.dumps(fields, ensure_ascii=False).encode("utf-8")


def test_lone_surrogates_in_json_ld_are_replaced() -> None:
    page = (
        b'<script type="application/ld+json">{"@type": "NewsArticle", "headline": "a\\ud800b",'
        b' "datePublished": "2021-04-14", "url": "https://a.example/\\udc00x"}</script>'
    )
    result = extract_file(page)
    assert result.title is not None and result.title.value == "a\ufffdb"
    _encodable(result)


@settings(max_examples=200, deadline=None)
@given(st.lists(_PIECES | st.text(max_size=5), max_size=30))
def test_results_can_always_be_written_as_utf8_json(pieces: list[str]) -> None:
    _encodable(extract_file("".join(pieces).encode("utf-8", "surrogatepass")))
