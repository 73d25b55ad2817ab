"""The session's politeness: Retry-After (60 s by default), bounded backoff, budget, redirects.

A fake clock and sleep stand in for time, so the defaults are tested as users get them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from provenance.probe.guard import ResolveError
from provenance.probe.live import classify, probe_live
from provenance.probe.session import (
    DEFAULT_USER_AGENT,
    PlainUrls,
    Session,
    SessionOptions,
    retry_after_seconds,
)


class FakeTime:
    """A clock that only moves when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 3))
        self.now += seconds


Handler = Callable[[httpx.Request], httpx.Response]


def _session(handler: Handler, time: FakeTime, **options: object) -> Session:
    return Session(
        options=SessionOptions(**options),  # type: ignore[arg-type]
        transport=httpx.MockTransport(handler),
        clock=time.clock,
        sleep=time.sleep,
    )


def R(status: int, **headers: str) -> tuple[int, dict[str, str]]:  # noqa: N802
    """A scripted answer (a fresh Response is built each time: streams are read once)."""
    return status, {k.replace("_", "-"): v for k, v in headers.items()}


def _scripted(*answers: tuple[int, dict[str, str]]) -> tuple[Handler, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        status, headers = answers[min(len(seen), len(answers)) - 1]
        return httpx.Response(status, headers=headers, text="body")

    return handler, seen


async def _fetch(session: Session, url: str = "https://news.example/a") -> object:
    async with session:
        return await session.fetch(url)


def test_429_without_retry_after_waits_60_seconds_by_default() -> None:
    time = FakeTime()
    handler, seen = _scripted(R(429), R(200))
    fetched = asyncio.run(_fetch(_session(handler, time)))
    assert fetched.status == 200
    assert time.slept == [60.0]
    assert len(seen) == 2


def test_retry_after_as_http_date() -> None:
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    time = FakeTime()
    handler, _ = _scripted(R(429, Retry_After=later), R(200))
    asyncio.run(_fetch(_session(handler, time)))
    assert len(time.slept) == 1 and 27 <= time.slept[0] <= 30


def test_retry_after_longer_than_max_wait_gives_rate_limited_without_waiting() -> None:
    time = FakeTime()
    handler, seen = _scripted(R(429, Retry_After="3600"))

    async def twice() -> tuple[object, object]:
        session = _session(handler, time)
        async with session:
            return (
                await session.fetch("https://news.example/a"),
                await session.fetch("https://news.example/b"),
            )

    first, second = asyncio.run(twice())
    assert classify(first).status == "rate-limited"  # type: ignore[arg-type]
    assert second.error == "rate-limited"  # the host is cooling down: not asked
    assert len(seen) == 1 and time.slept == []


def test_5xx_backoff_is_exponential_and_bounded_then_unknown() -> None:
    time = FakeTime()
    handler, seen = _scripted(R(503))
    fetched = asyncio.run(_fetch(_session(handler, time, retries=5, max_wait=5.0)))
    assert time.slept == [1.0, 2.0, 4.0, 5.0, 5.0]
    assert len(seen) == 6
    assert classify(fetched).status == "unknown"  # type: ignore[arg-type]


def test_budget_stops_requests() -> None:
    time = FakeTime()
    handler, seen = _scripted(R(200))

    async def three() -> list[object]:
        session = _session(handler, time, budget=2)
        async with session:
            return [await session.fetch(f"https://news.example/{i}") for i in range(3)]

    results = asyncio.run(three())
    assert [r.error for r in results] == [None, None, "budget"]
    assert len(seen) == 2


def test_user_agent_and_no_environment_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://10.0.0.1:3128")
    handler, seen = _scripted(R(200))
    session = _session(handler, FakeTime())
    assert session.client.trust_env is False
    asyncio.run(_fetch(session))
    assert seen[0].headers["User-Agent"] == DEFAULT_USER_AGENT
    assert DEFAULT_USER_AGENT.startswith("provenance/") and "checker" in DEFAULT_USER_AGENT


@pytest.mark.parametrize(("hops", "error"), [(5, None), (6, "too-many-redirects")])
def test_at_most_five_redirects(hops: int, error: str | None) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        n = int(request.url.path.strip("/") or 0)
        if n < hops:
            return httpx.Response(302, headers={"Location": f"/{n + 1}"})
        return httpx.Response(200)

    fetched = asyncio.run(_fetch(_session(handler, FakeTime()), "https://news.example/0"))
    assert fetched.error == error


def test_rate_limit_spaces_requests_to_one_host() -> None:
    time = FakeTime()
    handler, _ = _scripted(R(200))

    async def run() -> None:
        session = _session(handler, time, rate=2.0, index_rate=0.4)
        async with session:
            for _ in range(3):
                await session.fetch("https://news.example/a")
            for _ in range(2):
                await session.fetch("https://web.example/cdx", kind="index")

    asyncio.run(run())
    assert time.slept == [0.5, 0.5, 2.5]


@pytest.mark.parametrize(("permanent", "status"), [(True, "dead"), (False, "unknown")])
def test_dns_failure_dead_only_when_permanent(permanent: bool, status: str) -> None:
    async def resolver(host: str, port: int) -> list[str]:
        raise ResolveError(f"cannot resolve {host}", permanent=permanent)

    async def run() -> str:
        session = Session(options=SessionOptions(retries=1, backoff=0.0), resolver=resolver)
        async with session:
            live, _ = await probe_live(session, "http://gone.example/")
            return live.status

    assert asyncio.run(run()) == status


@pytest.mark.parametrize(
    ("value", "seconds"), [("120", 120.0), (None, None), ("soon", None), ("  7 ", 7.0)]
)
def test_retry_after_values(value: str | None, seconds: float | None) -> None:
    assert retry_after_seconds(value) == seconds


def test_requests_carry_what_the_client_would_build_and_cookies_round_trip() -> None:
    handler, seen = _scripted(R(200, set_cookie="session=abc; Path=/"), R(200))
    session = _session(handler, FakeTime())

    async def two() -> None:
        async with session:
            await session.fetch("https://news.example/a", headers={"Accept": "text/html"})
            await session.fetch("https://news.example/b")

    built = session.client.build_request(
        "GET", "https://news.example/a", headers={"Accept": "text/html"}
    )
    asyncio.run(two())
    assert seen[0].headers.multi_items() == built.headers.multi_items()
    assert seen[0].extensions["timeout"] == built.extensions["timeout"]
    assert "cookie" not in seen[0].headers
    assert seen[1].headers["cookie"] == "session=abc"
    assert seen[1].headers["accept"] == "*/*"  # one call's headers do not stick


_SEGMENT = st.text(alphabet="aZ09_~-.", min_size=1, max_size=6)


@given(
    scheme=st.sampled_from(["http", "https", "HTTP", "ftp"]),
    host=st.sampled_from(["news.example", "NEWS.example", "127.0.0.1", "127.1", "a..b", "xn--fsq"]),
    port=st.sampled_from(["", ":80", ":443", ":8080", ":99999", ":0"]),
    segments=st.lists(_SEGMENT | st.sampled_from([".", "..", "%41", "a b", "é"]), max_size=4),
    slash=st.booleans(),
    query=st.none() | st.text(alphabet="a=&.-~%?#", max_size=6),
)
def test_plain_urls_parse_as_httpx_parses_them(
    scheme: str, host: str, port: str, segments: list[str], slash: bool, query: str | None
) -> None:
    url = f"{scheme}://{host}{port}" + "".join(f"/{s}" for s in segments)
    url += "/" if slash else ""
    url += "" if query is None else f"?{query}"
    try:
        expected = httpx.URL(url)
    except httpx.InvalidURL:
        with pytest.raises(httpx.InvalidURL):
            PlainUrls().parse(url)
        return
    urls = PlainUrls()
    assert urls._plain  # the fast path is the one under test
    parsed = urls.parse(url)
    assert parsed == expected and str(parsed) == str(expected)
    assert parsed.host == expected.host and parsed.port == expected.port
    assert parsed.raw_path == expected.raw_path and parsed.query == expected.query
