"""Probe throughput against the concurrency bound: ``python benchmarks/probe_bench.py``.

A lean HTTP/1.1 server runs in its own process on 127.0.0.1 (a random port) and answers
every ``GET /page/<i>`` with a small fixed page after an added latency, keep-alive on, so
the server is never what limits the run. The probe's real :class:`Session` then fetches
N distinct URLs live (as ``provenance probe --no-archives --no-cache`` does: fetch and
classify) with the per-host politeness limits lifted (``per_host`` = concurrency, rate 0,
no budget cap) and the SSRF guard still resolving and checking every host
(``allow_hosts`` names the loopback host, so the check passes instead of being skipped).

The bound is ``N × latency ÷ concurrency``: no client can finish sooner. A row's
"% of bound" is that bound divided by the median wall time of its runs.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the checkout importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

BODY = b"<html><head><title>page</title></head><body><p>" + b"x" * 400 + b"</p></body></html>"
RESPONSE = (
    b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
    b"Content-Length: %d\r\n\r\n" % len(BODY)
) + BODY
HOSTS = tuple(f"h{i}.probe.test" for i in range(8))


# --- the server (its own process) --------------------------------------------------------


class _Answer(asyncio.Protocol):
    """Answer each complete request head with RESPONSE after the latency; keep-alive."""

    def __init__(self, latency: float) -> None:
        self.latency = latency
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        loop = asyncio.get_running_loop()
        # Requests are GETs without bodies: one head per request. A timer per request is
        # cheaper than a task and keeps the answers in order on a keep-alive connection.
        while (end := self.buffer.find(b"\r\n\r\n")) >= 0:
            self.buffer = self.buffer[end + 4 :]
            loop.call_later(self.latency, self._reply)

    def _reply(self) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(RESPONSE)

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None


async def _serve(latency: float) -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: _Answer(latency), "127.0.0.1", 0, backlog=1024)
    port = server.sockets[0].getsockname()[1]
    print(port, flush=True)
    # The parent closes our stdin to stop us.
    await loop.run_in_executor(None, sys.stdin.read)
    server.close()


@contextmanager
def serving(latency: float) -> Iterator[int]:
    """Run the loopback server in a subprocess for the block; yield its port."""
    child = subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), "--serve", str(latency)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        line = child.stdout.readline()
        if not line.strip().isdigit():
            raise RuntimeError("the benchmark server did not start")
        yield int(line)
    finally:
        assert child.stdin is not None and child.stdout is not None
        child.stdin.close()
        try:
            child.wait(timeout=5)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
        child.stdout.close()


# --- the client -------------------------------------------------------------------------


@dataclass(frozen=True)
class Variant:
    """One client configuration measured."""

    name: str
    transport: str
    keepalive: str  # "default" (SessionOptions' own) or "concurrency"
    hosts: int = 1  # host names the URLs are spread over (all mapped to 127.0.0.1)


VARIANTS = (
    Variant("httpx (default pool)", "httpx", "default"),
    Variant("httpx, keep-alive = concurrency", "httpx", "concurrency"),
    Variant("aiohttp (the default)", "aiohttp", "default"),
    Variant("aiohttp, 8 host names", "aiohttp", "default", hosts=8),
)
# httpx with a keep-alive pool as large as the concurrency is the slowest row by far
# (about 18 s a run): it is measured with --all, so the default run stays near a minute.
DEFAULT_VARIANTS = tuple(v for v in VARIANTS if v.keepalive == "default")


async def _loopback_names(host: str, port: int) -> list[str]:
    """The resolver of the many-host variant: every benchmark name is 127.0.0.1."""
    return ["127.0.0.1"]


def _urls(port: int, n: int, hosts: int) -> list[str]:
    if hosts <= 1:
        return [f"http://127.0.0.1:{port}/page/{i}" for i in range(n)]
    return [f"http://{HOSTS[i % hosts]}:{port}/page/{i}" for i in range(n)]


async def fetch_all(
    variant: Variant, port: int, n: int, concurrency: int
) -> tuple[float, float, int]:
    """Fetch n URLs live through a fresh Session: wall and CPU seconds, and how many lived."""
    # Imported here so that the server process starts without the HTTP stack.
    from provenance.probe.live import probe_live
    from provenance.probe.session import Session, SessionOptions

    defaults = SessionOptions()
    options = SessionOptions(
        concurrency=concurrency,
        per_host=concurrency,
        rate=0,
        budget=n * 10,
        retries=0,
        transport=variant.transport,
        keepalive=concurrency if variant.keepalive == "concurrency" else defaults.keepalive,
        allow_hosts=("127.0.0.1", *HOSTS[: variant.hosts]) if variant.hosts > 1 else ("127.0.0.1",),
    )
    resolver = _loopback_names if variant.hosts > 1 else None
    urls = _urls(port, n, variant.hosts)
    start, cpu = time.perf_counter(), time.process_time()
    async with Session(options=options, resolver=resolver) as session:
        results = await asyncio.gather(*(probe_live(session, url) for url in urls))
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    return wall, cpu, sum(1 for live, _ in results if live.status == "alive")


def run(
    n: int = 2000,
    latency: float = 0.05,
    concurrencies: Sequence[int] = (50, 100),
    *,
    rounds: int = 3,
    variants: Sequence[Variant] = DEFAULT_VARIANTS,
) -> list[dict[str, Any]]:
    """Measure every variant at every concurrency; one row each, median of ``rounds``."""
    rows: list[dict[str, Any]] = []
    with serving(latency) as port:
        asyncio.run(fetch_all(variants[0], port, min(n, 50), 10))  # warm the interpreter
        for concurrency in concurrencies:
            bound = n * latency / concurrency
            for variant in variants:
                walls, cpus, alive = [], [], n
                for _ in range(rounds):
                    wall, cpu, ok = asyncio.run(fetch_all(variant, port, n, concurrency))
                    walls.append(wall)
                    cpus.append(cpu)
                    alive = min(alive, ok)
                median = statistics.median(walls)
                rows.append(
                    {
                        "client": variant.name,
                        "transport": variant.transport,
                        "hosts": variant.hosts,
                        "concurrency": concurrency,
                        "n": n,
                        "latency": latency,
                        "bound_s": bound,
                        "median_s": median,
                        "walls_s": walls,
                        "cpu_ms_per_request": 1000 * statistics.median(cpus) / n,
                        "percent_of_bound": 100.0 * bound / median,
                        "alive": alive,
                    }
                )
    return rows


def machine() -> str:
    """One line naming the machine the figures come from."""
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} CPUs, {model}, Python {platform.python_version()}"


def table(rows: Sequence[dict[str, Any]]) -> str:
    """The rows as a plain text table."""
    head = (
        f"{'client':32} {'conc':>5} {'bound s':>8} {'median s':>9} {'% bound':>8} "
        f"{'CPU ms/req':>10} {'alive':>6}"
    )
    lines = [head, "-" * len(head)]
    for r in rows:
        lines.append(
            f"{r['client']:32} {r['concurrency']:>5} {r['bound_s']:>8.2f} "
            f"{r['median_s']:>9.2f} {r['percent_of_bound']:>7.0f}% "
            f"{r['cpu_ms_per_request']:>10.2f} {r['alive']:>6}"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Print the probe throughput table."""
    parser = argparse.ArgumentParser(prog="probe_bench", description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=2000, help="URLs per run (default 2000)")
    parser.add_argument("--latency", type=float, default=0.05, help="added seconds per answer")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[50, 100])
    parser.add_argument("--rounds", type=int, default=3, help="runs per row; the median counts")
    parser.add_argument("--transport", action="append", help="only these transports")
    parser.add_argument("--all", action="store_true", help="also the slow httpx keep-alive row")
    parser.add_argument("--serve", type=float, help=argparse.SUPPRESS)
    ns = parser.parse_args(argv)
    if ns.serve is not None:
        asyncio.run(_serve(ns.serve))
        return 0
    chosen = VARIANTS if ns.all else DEFAULT_VARIANTS
    variants = [v for v in chosen if not ns.transport or v.transport in ns.transport]
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    print(f"probe benchmark: N={ns.n}, latency {ns.latency * 1000:g} ms; {machine()}; {when}")
    rows = run(ns.n, ns.latency, ns.concurrency, rounds=ns.rounds, variants=variants)
    print(table(rows))
    return 0 if all(r["alive"] == r["n"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
