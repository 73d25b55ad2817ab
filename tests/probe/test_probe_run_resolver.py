"""The per-run resolver: one lookup per host, shared by concurrent callers; no failure kept."""

from __future__ import annotations

import asyncio

import pytest

from provenance.probe.guard import ResolveError
from provenance.probe.interface import RunResolver


def test_concurrent_lookups_share_one_answer() -> None:
    calls: list[str] = []

    async def resolve(host: str, port: int) -> list[str]:
        calls.append(host)
        await asyncio.sleep(0.01)
        return ["93.184.216.34"]

    async def run() -> list[list[str]]:
        cached = RunResolver(resolve)
        first = await asyncio.gather(*(cached("Example.org", 80) for _ in range(5)))
        return [*first, await cached("example.org", 80)]

    assert asyncio.run(run()) == [["93.184.216.34"]] * 6
    assert calls == ["Example.org"]


def test_a_failure_is_not_kept() -> None:
    answers: list[list[str] | ResolveError] = [
        ResolveError("resolver down", permanent=False),
        ["93.184.216.34"],
    ]

    async def resolve(host: str, port: int) -> list[str]:
        answer = answers.pop(0)
        if isinstance(answer, ResolveError):
            raise answer
        return answer

    async def run() -> list[str]:
        cached = RunResolver(resolve)
        with pytest.raises(ResolveError):
            await cached("example.org", 80)
        return await cached("example.org", 80)

    assert asyncio.run(run()) == ["93.184.216.34"]
    assert answers == []
