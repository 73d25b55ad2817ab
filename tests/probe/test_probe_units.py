"""Parsers (link-format, both CDX forms), timestamps, drift reduction and verdicts."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from provenance.models import TimestampClaim
from provenance.probe import live
from provenance.probe import memento as mm
from provenance.probe.drift import DriftThresholds, article_text, score, tokens, verdict
from provenance.probe.targets import distance, interval, midpoint

TIMEMAP = "\n".join(
    [
        '<http://a.example/>; rel="original",',
        '<https://web.archive.org/web/timemap/link/http://a.example/>; rel="self"; '
        'type="application/link-format",',
        '<https://web.archive.org/web/20060114023625/http://a.example/>; rel="first memento"; '
        'datetime="Sat, 14 Jan 2006 02:36:25 GMT",',
        '<https://web.archive.org/web/20070101000000/http://a.example/?q=a,b>; rel="memento"; '
        'datetime="Mon, 01 Jan 2007 00:00:00 GMT",',
        "garbage here",
        '<https://web.archive.org/web/2008/http://a.example/>; rel="memento"; '
        'datetime="not a date",',
    ]
)


def test_timemap_mementos_and_malformed_count() -> None:
    found = mm.parse_timemap(TIMEMAP)
    assert [c.url.split("/web/")[1][:14] for c in found.captures] == [
        "20060114023625",
        "20070101000000",
    ]
    assert found.captures[1].url.endswith("?q=a,b")  # commas inside <> are not separators
    assert found.malformed == 2


def test_ia_cdx_rows() -> None:
    text = (
        '[["urlkey","timestamp","original","mimetype","statuscode","digest","length"],'
        '["k","20200101000000","http://a.example/","text/html","200","D","1"],'
        '["k","bad","http://a.example/","text/html","200","D","1"],["short"]]'
    )
    found = mm.parse_cdx(text)
    assert len(found.captures) == 1 and found.captures[0].status == 200
    assert found.malformed == 2
    assert mm.parse_cdx("[]").captures == ()
    assert mm.parse_ia_cdx("[not json").malformed == 1


def test_pywb_cdx_ndjson() -> None:
    text = (
        '{"urlkey": "k", "timestamp": "20200101000000", "url": "http://a.example/", '
        '"mime": "text/html", "status": "200"}\n{broken\n\n'
        '{"timestamp": "20210101000000", "url": "http://a.example/", "status": "-"}\n'
        '["not", "an", "object"]\n'
    )
    found = mm.parse_cdx(text)
    assert [c.status for c in found.captures] == [200, None]
    assert found.malformed == 2


@given(st.text(max_size=300))
def test_parsers_never_crash(text: str) -> None:
    for parse in (mm.parse_timemap, mm.parse_ia_cdx, mm.parse_pywb_cdx):
        result = parse(text)
        assert result.malformed >= 0


def test_cdx_endpoints_cover_ia_and_pywb() -> None:
    assert mm.cdx_endpoints("https://web.archive.org/web") == [
        "https://web.archive.org/cdx/search/cdx",
        "https://web.archive.org/web/cdx/search/cdx",
    ]


def test_wayback_timestamps() -> None:
    assert mm.parse_ts14("2006") == datetime(2006, 1, 1, tzinfo=UTC)
    assert mm.parse_ts14("20060114023625") == datetime(2006, 1, 14, 2, 36, 25, tzinfo=UTC)
    assert mm.parse_ts14("20061340") is None
    assert mm.http_date(datetime(2006, 1, 14, 2, 36, 25, tzinfo=UTC)) == (
        "Sat, 14 Jan 2006 02:36:25 GMT"
    )


def _claim(value: str, precision: str) -> TimestampClaim:
    return TimestampClaim(
        line=1, column=0, raw=value, rule="t", confidence=1.0, value=value, precision=precision
    )  # type: ignore[arg-type]


def test_a_day_is_a_day_not_midnight() -> None:
    span = interval(_claim("2020-03-17", "day"))
    assert span is not None
    assert midpoint(span) == datetime(2020, 3, 17, 12, tzinfo=UTC)
    assert distance(span, datetime(2020, 3, 17, 23, tzinfo=UTC)) == 0
    assert distance(span, datetime(2020, 3, 18, 1, tzinfo=UTC)) == 3600
    month = interval(_claim("2020-12", "month"))
    assert month == (datetime(2020, 12, 1, tzinfo=UTC), datetime(2021, 1, 1, tzinfo=UTC))
    exact = interval(_claim("2020-03-17T08:00:00+08:00", "second"))
    assert exact is not None and exact[0] == datetime(2020, 3, 17, 0, tzinfo=UTC)


def test_article_text_drops_boilerplate() -> None:
    page = (
        "<html><head><title>T</title><style>p{}</style><script>x()</script></head><body>"
        "<header>Site</header><nav><a>Home</a></nav><p>Body one.</p><aside>Ad</aside>"
        "<p>Body&nbsp;two.</p><footer>(c)</footer></body></html>"
    )
    assert article_text(page) == "Body one.\nBody two."
    markdown = (
        "### Title\n------\n#### [Home](http://x/) &nbsp;|&nbsp; [News](http://x/n)\n\n"
        "Text [link](http://y) here.\n"
    )
    assert article_text(markdown) == "Title\nText link here."


def test_cjk_text_is_shingled_by_character() -> None:
    assert tokens("天津报道 hello") == ["天", "津", "报", "道", "hello"]
    a = "明慧网二零二零年十二月十九日通讯员天津报道自二零二零年十一月以来"
    assert verdict(score(a, a)) == "identical"
    assert verdict(score(a, "完全不同的一段中文内容与上面没有任何关系的句子")) == "unrelated"


TEXT = (
    "The harbour reopened on Tuesday after three days of repairs to the outer wall. "
    "Fishing boats returned before dawn and the fish market opened at nine as usual. "
    "The harbour master said the new stones should hold through the winter storms. "
    "Ferry services to the islands will resume on Thursday morning at seven."
)


@pytest.mark.parametrize(
    ("theirs", "expected"),
    [
        (TEXT, "identical"),
        (TEXT.replace("Thursday", "Friday"), "minor"),
        (TEXT[:160] + " The council has since closed the market for a year of works.", "drifted"),
        (
            "Quarterly revenue rose eight percent on strong cloud demand, the company said.",
            "unrelated",
        ),
    ],
)
def test_verdicts(theirs: str, expected: str) -> None:
    assert verdict(score(TEXT, theirs)) == expected


def test_thresholds_are_configurable() -> None:
    changed = TEXT.replace("Thursday", "Friday")
    strict = DriftThresholds(identical=0.5)
    assert verdict(score(TEXT, changed), thresholds=strict) == "identical"


@pytest.mark.parametrize(
    ("status", "body", "hops", "expected"),
    [
        (200, "<title>Just a moment...</title><div class='cf-browser-verification'>", 0, "blocked"),
        (200, "<title>News</title><p>The captcha on the old site was annoying.</p>", 0, "alive"),
        (200, "<title>Page not found</title>", 0, "soft-404"),
        (503, "<title>Attention Required! | Cloudflare</title>", 0, "blocked"),
        (503, "<title>Maintenance</title>", 0, "unknown"),
        (200, "<title>News</title>", 1, "alive"),  # http → https is not a move
    ],
)
def test_live_page_heuristics(status: int, body: str, hops: int, expected: str) -> None:
    from provenance.probe.interface import Fetched
    from provenance.probe.live import classify
    from provenance.probe.models import Hop

    chain = tuple(
        Hop(url="http://news.example/a", status=301, location="https://news.example/a")
        for _ in range(hops)
    )
    fetched = Fetched(
        url="http://news.example/a",
        final_url="https://news.example/a",
        status=status,
        body=body.encode(),
        hops=chain,
    )
    assert classify(fetched).status == expected


def test_what_the_mirror_added_is_not_article_text() -> None:
    """The seeds' own evidence says what a mirror added: label, share link, epoch comment."""
    from testkit import ROOT

    from provenance import manifest as manifests
    from provenance.probe.targets import added_spans, read_copy, without_spans

    seeds = manifests.load(str(ROOT / "manifests" / "seeds.json"))
    by_path = {r.path: r for r in seeds.files}
    lines = {p: [line for line, _, _ in added_spans(r)] for p, r in by_path.items()}
    assert lines["000_48c78df7aa8e8c42.txt"] == [82]  # 原文链接（需翻墙）：…
    assert lines["002_5eb1b2106f1fcec7.txt"] == [1]  # <!--1618495142000-->
    assert lines["004_42888320195507bf.txt"] == [98, 100]  # share link, 原文地址
    for path, record in by_path.items():
        text = read_copy(ROOT / "tests" / "data" / "seeds" / path, record.encoding)
        assert text is not None
        kept = without_spans(text, added_spans(record))
        assert record.original_url is not None
        if record.original_url.rule.startswith("label."):
            assert record.original_url.raw not in kept, path
        assert len(kept) < len(text), path
    record = by_path["004_42888320195507bf.txt"]
    text = read_copy(ROOT / "tests" / "data" / "seeds" / record.path, record.encoding)
    assert text is not None
    kept = article_text(without_spans(text, added_spans(record)))
    assert "soundofhope.org/post" not in kept and "begood0513/goodnews/blob" not in kept
    assert "希望之声" in kept  # the dateline is the site's own text: kept


def test_only_the_added_text_goes_not_its_line() -> None:
    from provenance.probe.targets import without_spans

    page = "<p>The harbour reopened.</p><p>Source: https://a.example/1</p><p>Boats returned.</p>"
    raw = "Source: https://a.example/1"
    kept = without_spans(page, ((1, page.index(raw), raw),))
    assert kept == "<p>The harbour reopened.</p><p></p><p>Boats returned.</p>"
    assert without_spans("a\r\nb x\rc", ((2, 2, "x"),)) == "a\nb \nc"
    # Evidence that does not point at its text (another decoding, a stale record): no cut.
    assert without_spans("abc\n", ((1, 0, "zzz"), (9, 0, "a"))) == "abc\n"


_BOT_WALL_AS_ONE_PATTERN = re.compile(
    r"(cf-browser-verification|challenge-platform|ddos-guard|g-recaptcha|h-captcha|"
    r"<(title|h1|h2)[^>]*>[^<]{0,80}(just a moment|attention required|"
    r"verify you are (a )?human|access denied|are you a robot))",
    re.IGNORECASE,
)


@given(
    st.lists(
        st.sampled_from(
            [
                "cf-browser-verification",
                "DDOS-Guard",
                "h-captcha",
                "<title>",
                "<H1 id=x>",
                "just a moment",
                "Access Denied",
                "ı",
                "İ",
                "ſ",
                "中",
                "-",
                "<",
                ">",
                " ",
                "s",
                "I",
            ]
        )
        | st.text(max_size=4),
        max_size=8,
    ).map("".join)
)
def test_bot_wall_finds_what_one_case_blind_pattern_finds(text: str) -> None:
    assert live._bot_wall(text) == bool(_BOT_WALL_AS_ONE_PATTERN.search(text))
