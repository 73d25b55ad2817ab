"""The probe benchmark's harness works: its server answers, run() fetches every URL.

No figure is asserted (timings belong to ``benchmarks/probe_bench.py``, not to tests).
"""

from __future__ import annotations

import asyncio
import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])


def _bench() -> ModuleType:
    path = ROOT / "benchmarks" / "probe_bench.py"
    spec = importlib.util.spec_from_file_location("probe_bench", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("probe_bench", module)
    spec.loader.exec_module(module)
    return module


bench = _bench()


@pytest.fixture(scope="module")
def port() -> Iterator[int]:
    with bench.serving(0.01) as port:
        yield port


def test_server_answers_each_page_after_the_latency_on_one_connection(port: int) -> None:
    with httpx.Client() as client:
        first = client.get(f"http://127.0.0.1:{port}/page/1")
        second = client.get(f"http://127.0.0.1:{port}/page/2")
    assert first.status_code == second.status_code == 200
    assert first.content == bench.BODY
    assert first.elapsed.total_seconds() >= 0.01
    assert first.headers["content-length"] == str(len(bench.BODY))


def test_run_fetches_every_url_with_each_transport() -> None:
    rows = bench.run(n=20, latency=0.01, concurrencies=(5,), rounds=1)
    assert [r["client"] for r in rows] == [v.name for v in bench.DEFAULT_VARIANTS]
    for row in rows:
        assert row["alive"] == 20, row
        assert row["bound_s"] == pytest.approx(20 * 0.01 / 5)
        assert row["percent_of_bound"] == pytest.approx(100 * row["bound_s"] / row["median_s"])
    assert "% bound" in bench.table(rows)


@pytest.mark.parametrize("transport", ["httpx", "aiohttp"])
def test_the_guard_still_refuses_loopback_not_allowed(transport: str, port: int) -> None:
    from provenance.probe.live import probe_live
    from provenance.probe.session import Session, SessionOptions

    async def probe() -> str | None:
        options = SessionOptions(transport=transport, retries=0, rate=0)
        async with Session(options=options) as session:
            live, _ = await probe_live(session, f"http://127.0.0.1:{port}/page/1")
            return live.reason

    assert asyncio.run(probe()) == "blocked-address"
