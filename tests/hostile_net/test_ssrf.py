"""SSRF: every spelling, reached every way through every transport, never reaches a canary."""

from __future__ import annotations

import asyncio
import os
from collections import Counter

import pytest

from provenance.probe.session import Session, SessionOptions

from .spellings import LOCATION_TRICKS, SPELLINGS, WAYS
from .ssrf import FAULT_HOST, PROXY_VARS, StubResolver, Trial, proxy_env, rig, run_ssrf
from .ssrf_variants import TRANSPORT_VARIANTS

REFUSED = {"blocked-address", "bad-url", "bad-scheme"}


@pytest.fixture(scope="module")
def outcome() -> tuple[list[Trial], int]:
    """Every trial, run once for the module (about two seconds)."""
    return run_ssrf()


def test_every_spelling_every_way_every_transport(outcome: tuple[list[Trial], int]) -> None:
    trials, _ = outcome
    assert len(SPELLINGS) >= 40
    assert len({s.host for s in SPELLINGS}) == len(SPELLINGS)
    expected = {(w, t): len(SPELLINGS) for w in WAYS for t in TRANSPORT_VARIANTS}
    expected |= {("redirect-trick", t): len(LOCATION_TRICKS) for t in TRANSPORT_VARIANTS}
    assert Counter((t.way, t.transport) for t in trials) == expected


def test_no_canary_hit(outcome: tuple[list[Trial], int]) -> None:
    trials, counted = outcome
    hit = [t for t in trials if t.canary_hits]
    assert hit == []
    assert counted == 0, "a canary server accepted a connection"


def test_refused_by_a_check_not_by_luck(outcome: tuple[list[Trial], int]) -> None:
    trials, _ = outcome
    checked = [t for t in trials if t.way in ("literal", "dns", "redirect")]
    assert [t for t in checked if t.error not in REFUSED] == []
    assert {t.status for t in checked} == {"unknown"}


def test_only_the_allowed_host_ever_answers(outcome: tuple[list[Trial], int]) -> None:
    """Parser tricks in Location either are refused or stay on the allowed host."""
    trials, _ = outcome
    assert [t for t in trials if t.answered_by not in (None, FAULT_HOST)] == []
    tricks = {t.spelling: t for t in trials if t.way == "redirect-trick" and t.status == "alive"}
    # only the tricks a browser would read as //127.0.0.2 but httpx keeps as a path
    assert set(tricks) <= {"backslash-path", "mixed-slashes"}


def test_redirects_were_followed_to_the_spelling(outcome: tuple[list[Trial], int]) -> None:
    """The allowed server answered every redirect; the hop it gave is what was refused."""
    trials, _ = outcome
    for t in trials:
        if t.way == "redirect" and t.error == "blocked-address":
            assert t.hops == 1, t
    for transport in TRANSPORT_VARIANTS:
        hopped = [t for t in trials if t.way == "redirect" and t.transport == transport and t.hops]
        assert len(hopped) >= 40, transport


def test_rebinding_connects_only_to_the_first_answer(outcome: tuple[list[Trial], int]) -> None:
    trials, _ = outcome
    for t in trials:
        if t.way == "rebinding":
            assert t.public_connects >= 1, t
            assert t.canary_hits == 0, t
            assert t.status != "alive", t


def test_proxy_variables_are_restored() -> None:
    before = {k: os.environ.get(k) for k in PROXY_VARS}
    with proxy_env("http://127.0.0.2:9"):
        assert all(os.environ[k] == "http://127.0.0.2:9" for k in PROXY_VARS)
    assert {k: os.environ.get(k) for k in PROXY_VARS} == before


@pytest.mark.parametrize("transport", ["httpx", "aiohttp"])
def test_the_canary_sees_a_host_that_was_allowed(transport: str) -> None:
    """The rig is not blind: a canary allowed by name is reached and counted."""
    resolver = StubResolver()
    resolver.names["canary.test"] = ["127.0.0.2"]
    with rig() as made, made.spy() as spy:
        port = made.canaries["v4"].port
        options = SessionOptions(transport=transport, allow_hosts=("canary.test",), rate=0.0)

        async def fetch() -> int | None:
            async with Session(options=options, resolver=resolver) as session:
                return (await session.fetch(f"http://canary.test:{port}/hit")).status

        assert asyncio.run(fetch()) == 200
        assert made.canaries["v4"].hits["/hit"] == 1
        assert ("127.0.0.2", port) in spy.attempts


def test_the_proxy_canary_is_live_when_the_environment_is_trusted() -> None:
    """With trust_env on, aiohttp would go to the proxy canary; off (the default) it does not."""
    with rig() as made, made.spy():
        canary = made.canaries["v4"]
        url = f"http://example.org:{canary.port}/through-proxy"

        async def fetch(trusted: bool) -> None:
            options = SessionOptions(transport="aiohttp", trust_env=trusted, retries=0, rate=0.0)
            async with Session(options=options, resolver=StubResolver()) as session:
                await session.fetch(url)

        with proxy_env(f"http://127.0.0.2:{canary.port}"):
            asyncio.run(fetch(False))
            assert canary.connections == 0
            asyncio.run(fetch(True))
        assert canary.hits["/through-proxy"] + canary.connections >= 1
