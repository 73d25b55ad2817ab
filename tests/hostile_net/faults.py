"""The network-fault rows: throttling, 5xx, cut-off bodies, a gzip bomb and a slow drip.

Each row is a path on a loopback fault server (allowed by name) that serves the same
article the local copy holds, so any ``dead`` or drift verdict is a false one. Waits go
through an injected clock, so a 60 s ``Retry-After`` costs nothing; deadlines are real.
"""

from __future__ import annotations

import asyncio
import gzip
import tempfile
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

from provenance.probe.cache import ProbeCache
from provenance.probe.engine import ProbeOptions, probe_target
from provenance.probe.models import DRIFT_FINDINGS
from provenance.probe.session import Session, SessionOptions
from provenance.probe.targets import Target

from .servers import Route, Server, send
from .ssrf import FAULT_HOST, StubResolver

ARTICLE = (
    b"<html><head><title>Harbour reopens</title></head><body>"
    b"<h1>Harbour reopens after storm</h1>"
    b"<p>The harbour reopened on Tuesday after three days of repairs to the outer wall.</p>"
    b"<p>Fishing boats returned before dawn and the market opened at nine as usual.</p>"
    b"</body></html>"
)
CAP = 64 * 1024
CHUNK = 64 * 1024  # the most a transport hands over in one read
DEADLINE = 0.6
# 64 MiB of zeros in about 64 KiB: a thousand times the cap once decoded.
BOMB = gzip.compress(b"\0" * (64 * 1024 * 1024), compresslevel=9)
# The bomb inside a bomb: 64 MiB once both layers are undone, from a few hundred bytes.
STACKED_BOMB = gzip.compress(BOMB, compresslevel=9)
# Bytes sent as "br" although only gzip and deflate were accepted: not the page.
BROTLI_LOOKALIKE = bytes(range(256)) * 4


@dataclass(frozen=True, kw_only=True)
class FaultRow:
    """One fault, what the live check must say, and the session settings it runs with."""

    path: str
    expect: str
    retries: int = 2
    max_wait: float = 120.0
    slept_at_least: float = 0.0  # the Retry-After (or default) wait that must be honoured


def _nth(first: Route, then: Route, *, times: int = 1) -> Route:
    """``first`` for the first ``times`` requests, then ``then``."""
    count = [0]

    def route(h: BaseHTTPRequestHandler) -> None:
        count[0] += 1
        (first if count[0] <= times else then)(h)

    return route


def _page(code: int, body: bytes = ARTICLE, **headers: str) -> Route:
    return lambda h: send(h, code, body, **headers)


def _date_in(seconds: float) -> Route:
    return lambda h: send(
        h, 429, b"slow down", Retry_After=formatdate(time.time() + seconds, usegmt=True)
    )


def _truncated(h: BaseHTTPRequestHandler) -> None:
    send(h, 200, ARTICLE[:100], Content_Length=str(len(ARTICLE) * 4))
    h.close_connection = True


def _endless_bomb(h: BaseHTTPRequestHandler) -> None:
    """A gzip stream of zeros that never ends, close-delimited."""
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.send_header("Content-Encoding", "gzip")
    h.send_header("Connection", "close")
    h.end_headers()
    h.close_connection = True
    encoder = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = encoder.compress(b"\0" * (1024 * 1024)) + encoder.flush(zlib.Z_SYNC_FLUSH)
    try:
        for _ in range(4096):
            h.wfile.write(block)
    except OSError:
        pass


def _drip(h: BaseHTTPRequestHandler) -> None:
    """Headers at once, then a byte every 0.1 s: only a whole-request deadline stops it."""
    h.send_response(200)
    h.send_header("Content-Length", "1000")
    h.end_headers()
    _trickle(h, b"x" * 1000)


def _drip_headers(h: BaseHTTPRequestHandler) -> None:
    """The status line and headers themselves, a byte every 0.1 s."""
    _trickle(h, b"HTTP/1.1 200 OK\r\n" + b"X-Slow: " + b"y" * 500 + b"\r\n\r\n")


def _trickle(h: BaseHTTPRequestHandler, data: bytes) -> None:
    h.close_connection = True
    try:
        for i in range(len(data)):
            h.wfile.write(data[i : i + 1])
            h.wfile.flush()
            time.sleep(0.1)
    except OSError:
        pass


def _hang_up(h: BaseHTTPRequestHandler) -> None:
    h.close_connection = True
    h.connection.close()


def routes() -> dict[str, Route]:
    """A fresh route table (the recovering routes count their own requests)."""
    throttled = _page(429, b"slow down")
    return {
        "/429-seconds-then-ok": _nth(_page(429, b"slow down", Retry_After="7"), _page(200)),
        "/429-date-then-ok": _nth(_date_in(30), _page(200)),
        "/429-bare-then-ok": _nth(throttled, _page(200)),
        "/429-seconds": _page(429, b"slow down", Retry_After="7"),
        "/429-date": _date_in(30),
        "/429-bare": throttled,
        "/429-bare-capped": throttled,
        "/429-huge": _page(429, b"slow down", Retry_After="9" * 400),
        "/429-garbage-then-ok": _nth(_page(429, b"slow down", Retry_After="soon"), _page(200)),
        "/429-past-date-then-ok": _nth(_date_in(-3600), _page(200)),
        "/500-then-ok": _nth(_page(500, b"oops"), _page(200)),
        "/502-then-ok": _nth(_page(502, b"bad gateway"), _page(200), times=2),
        "/503-then-ok": _nth(_page(503, b"busy", Retry_After="1"), _page(200)),
        "/504-then-ok": _nth(_page(504, b"gateway timeout"), _page(200)),
        "/truncated": _truncated,
        "/truncated-then-ok": _nth(_truncated, _page(200)),
        "/hang-up": _hang_up,
        "/bomb": _page(200, BOMB, Content_Encoding="gzip"),
        "/bomb-endless": _endless_bomb,
        "/bomb-stacked": _page(200, STACKED_BOMB, Content_Encoding="gzip, gzip"),
        "/brotli-unasked": _page(200, BROTLI_LOOKALIKE, Content_Encoding="br"),
        "/gzip-not-gzip": _page(200, ARTICLE, Content_Encoding="gzip"),
        "/drip": _drip,
        "/drip-headers": _drip_headers,
    }


ROWS: tuple[FaultRow, ...] = (
    FaultRow(path="/429-seconds-then-ok", expect="alive", slept_at_least=7),
    FaultRow(path="/429-date-then-ok", expect="alive", slept_at_least=25),
    FaultRow(path="/429-bare-then-ok", expect="alive", slept_at_least=60),
    FaultRow(path="/429-seconds", expect="rate-limited", slept_at_least=14),
    FaultRow(path="/429-date", expect="rate-limited", slept_at_least=25),
    FaultRow(path="/429-bare", expect="rate-limited", slept_at_least=120),
    # the default wait is longer than the user lets us wait: report at once
    FaultRow(path="/429-bare-capped", expect="rate-limited", max_wait=30),
    # a wait longer than the universe (float infinity): report at once, never sleep on it
    FaultRow(path="/429-huge", expect="rate-limited"),
    # an unreadable Retry-After is no Retry-After: the default 60 s
    FaultRow(path="/429-garbage-then-ok", expect="alive", slept_at_least=60),
    FaultRow(path="/429-past-date-then-ok", expect="alive"),
    FaultRow(path="/500-then-ok", expect="alive"),
    FaultRow(path="/502-then-ok", expect="alive"),
    FaultRow(path="/503-then-ok", expect="alive"),
    FaultRow(path="/504-then-ok", expect="alive"),
    FaultRow(path="/truncated", expect="unknown"),
    FaultRow(path="/truncated-then-ok", expect="alive"),
    FaultRow(path="/hang-up", expect="unknown"),
    FaultRow(path="/bomb", expect="alive"),
    FaultRow(path="/bomb-endless", expect="alive"),
    FaultRow(path="/bomb-stacked", expect="alive"),
    # codings the probe did not ask for, or a body that is not what its header says
    FaultRow(path="/brotli-unasked", expect="unknown"),
    FaultRow(path="/gzip-not-gzip", expect="unknown"),
    FaultRow(path="/drip", expect="unknown", retries=0),
    FaultRow(path="/drip-headers", expect="unknown", retries=0),
)


@dataclass(frozen=True)
class FaultResult:
    """What the probe made of one row."""

    path: str
    transport: str
    status: str
    drift: str | None  # the live drift verdict, None when none was judged
    findings: tuple[str, ...]
    slept: float
    elapsed: float
    decoded: int  # bytes every zlib decoder produced, across every attempt
    largest: int  # the most one decompress call produced at once
    attempts: int


@dataclass
class FakeTime:
    """A clock that sleeping advances; records every wait asked for."""

    now: float = 1000.0
    waits: list[float] = field(default_factory=list)

    def clock(self) -> float:
        """The fake monotonic time."""
        return self.now

    async def sleep(self, seconds: float) -> None:
        """Advance the clock instead of waiting."""
        self.waits.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


class _Counting:
    """A zlib decompressor that counts what it produces: ``tally`` is [total, largest piece]."""

    def __init__(self, inner: Any, tally: list[int]) -> None:
        self.inner, self.tally = inner, tally

    def decompress(self, data: bytes, max_length: int = 0) -> bytes:
        out: bytes = self.inner.decompress(data, max_length)
        self.tally[0] += len(out)
        self.tally[1] = max(self.tally[1], len(out))
        return out

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


@contextmanager
def counting_decoder(tally: list[int]) -> Iterator[None]:
    """Count the bytes every zlib decompressor produces (the probe's and any library's)."""
    real = zlib.decompressobj

    def counted(*args: Any, **kwargs: Any) -> _Counting:
        return _Counting(real(*args, **kwargs), tally)

    setattr(zlib, "decompressobj", counted)  # noqa: B010 - a C module's function
    try:
        yield
    finally:
        setattr(zlib, "decompressobj", real)  # noqa: B010


async def _run_row(row: FaultRow, transport: str, port: int, copy: Path) -> FaultResult:
    fake = FakeTime()
    options = SessionOptions(
        transport=transport,
        allow_hosts=(FAULT_HOST,),
        retries=row.retries,
        backoff=0.5,
        max_wait=row.max_wait,
        rate=0.0,
        deadline=DEADLINE,
        connect_timeout=DEADLINE,
        max_body=CAP,
    )
    url = f"http://{FAULT_HOST}:{port}{row.path}"
    target = Target(path=row.path.strip("/"), url=url, when=None, copy=copy)
    started = time.monotonic()
    async with Session(
        options=options, resolver=StubResolver(), clock=fake.clock, sleep=fake.sleep
    ) as session:
        entry = await probe_target(
            session, ProbeCache(None), target, ProbeOptions(archives=(), live=True)
        )
    assert entry.live is not None
    return FaultResult(
        path=row.path,
        transport=transport,
        status=entry.live.status,
        drift=entry.live_drift.verdict if entry.live_drift else None,
        findings=tuple(entry.findings),
        slept=sum(fake.waits),
        elapsed=time.monotonic() - started,
        decoded=0,
        largest=0,
        attempts=entry.live.attempts,
    )


async def _guarded(row: FaultRow, transport: str, port: int, copy: Path) -> FaultResult:
    """Run a row; an exception out of the probe is recorded as a crash, not raised."""
    try:
        return await _run_row(row, transport, port, copy)
    except Exception as e:  # a crash is a figure, not the end of the run
        return FaultResult(row.path, transport, f"crash: {e!r}", None, (), 0.0, 0.0, 0, 0, 0)


async def _run_transport(transport: str, port: int, copy: Path) -> list[FaultResult]:
    # Bombs run one at a time so the decoded-bytes tally belongs to one request.
    plain = [r for r in ROWS if "bomb" not in r.path]
    results = list(await asyncio.gather(*(_guarded(r, transport, port, copy) for r in plain)))
    for row in ROWS:
        if row in plain:
            continue
        tally = [0, 0]
        with counting_decoder(tally):
            result = await _guarded(row, transport, port, copy)
        results.append(replace(result, decoded=tally[0], largest=tally[1]))
    return results


def run_faults(*, transports: tuple[str, ...] = ("httpx", "aiohttp")) -> list[FaultResult]:
    """Every fault row through every transport, each on a fresh server."""
    results: list[FaultResult] = []
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "copy.html"
        copy.write_bytes(ARTICLE)
        for transport in transports:
            server = Server("127.0.0.1", routes()).start()
            try:
                results += asyncio.run(_run_transport(transport, server.port, copy))
            finally:
                server.stop()
    return results


def false_drift(result: FaultResult) -> bool:
    """A drift finding, or any verdict judged from a body cut off by a fault or the cap."""
    if any(code.removeprefix("live-") in DRIFT_FINDINGS for code in result.findings):
        return True
    cut = result.path in ("/truncated", "/hang-up", "/drip", "/brotli-unasked", "/gzip-not-gzip")
    cut = cut or "bomb" in result.path
    return cut and result.drift is not None or result.drift not in (None, "identical")
