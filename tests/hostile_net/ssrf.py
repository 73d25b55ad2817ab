"""The SSRF rows: every spelling reached four ways through both transports, proxy set.

Each trial probes one URL through :func:`provenance.probe.live.probe_live` in a session
whose resolver is a stub (no DNS query leaves the machine) and counts the connects the
spy saw to a canary or to an unbindable private range: each is a canary hit.
"""

from __future__ import annotations

import asyncio
import os
import socket
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit

from provenance.probe.guard import ResolveError
from provenance.probe.live import probe_live
from provenance.probe.session import Session, SessionOptions

from .servers import Route, Server, ipv6_loopback, send
from .spellings import LOCATION_TRICKS, SPELLINGS, WAYS, Spelling
from .spy import Spy
from .ssrf_variants import TRANSPORT_VARIANTS, variant

PUBLIC = "93.184.216.34"  # the rebinding stub's first, harmless-looking answer
FAULT_HOST = "fault.test"  # the one host allowed, by name
PROXY_VARS = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")


@dataclass(frozen=True)
class Trial:
    """One spelling reached one way through one transport."""

    spelling: str
    way: str
    transport: str
    status: str
    error: str | None
    canary_hits: int
    public_connects: int
    hops: int
    answered_by: str | None  # the host of the final answer, None when nothing answered


class StubResolver:
    """Answers from tables; a rebinding name answers public first, then its spelling."""

    def __init__(self) -> None:
        self.names: dict[str, list[str]] = {FAULT_HOST: ["127.0.0.1"], "localhost": ["127.0.0.1"]}
        self.rebind: dict[str, list[str]] = {}
        self.calls: Counter[str] = Counter()

    async def __call__(self, host: str, port: int) -> list[str]:
        """The stub's answer for ``host``; numeric hosts as the C library reads them."""
        name = host.lower().rstrip(".")
        self.calls[name] += 1
        if name in self.rebind:
            answers = self.rebind[name]
            return [answers[min(self.calls[name], len(answers)) - 1]]
        if name in self.names:
            return self.names[name]
        try:
            infos = socket.getaddrinfo(
                name, port, type=socket.SOCK_STREAM, flags=socket.AI_NUMERICHOST
            )
        except socket.gaierror as e:
            raise ResolveError(f"stub resolver: no answer for {host}", permanent=True) from e
        return [str(info[4][0]) for info in infos]


@contextmanager
def proxy_env(url: str) -> Iterator[None]:
    """Point every proxy variable at ``url`` (a canary) for the duration."""
    saved = {k: os.environ.get(k) for k in (*PROXY_VARS, "NO_PROXY", "no_proxy")}
    os.environ.update(dict.fromkeys(PROXY_VARS, url))
    os.environ.pop("NO_PROXY", None)
    os.environ.pop("no_proxy", None)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@dataclass
class Rig:
    """The canaries, the fault server that redirects, and the spy."""

    canaries: dict[str, Server]
    fault: Server

    def port(self, spelling: Spelling) -> int:
        """The canary port a spelling would land on."""
        server = self.canaries.get(spelling.lands) or self.canaries["v4"]
        return server.port

    def url(self, spelling: Spelling, way: str) -> str:
        """The URL the probe is asked for."""
        port, path = self.port(spelling), f"/hit/{spelling.name}"
        if way == "literal":
            return f"http://{spelling.host}:{port}{path}"
        if way == "dns":
            return f"http://{spelling.name}.evil.test:{port}{path}"
        if way == "rebinding":
            return f"http://{spelling.name}.rebind.test:{port}{path}"
        return f"http://{FAULT_HOST}:{self.fault.port}/go/{spelling.name}"

    def spy(self) -> Spy:
        """A spy that lets the fault server and the canaries through, and nothing else."""
        canaries = {(str(s.server_address[0]), s.port) for s in self.canaries.values()}
        return Spy(allowed={("127.0.0.1", self.fault.port)}, canaries=canaries)


def _redirect(location: str) -> Route:
    return lambda h: send(h, 302, Location=location)


@contextmanager
def rig() -> Iterator[Rig]:
    """Start the canaries and the redirecting fault server; stop them after."""
    canaries = {"v4": Server("127.0.0.2").start(), "v4one": Server("127.0.0.1").start()}
    if ipv6_loopback():
        canaries["v6"] = Server("::1").start()
    fault = Server("127.0.0.1")
    made = Rig(canaries=canaries, fault=fault)
    for s in SPELLINGS:
        target = f"http://{s.host}:{made.port(s)}/hit/{s.name}"
        fault.routes[f"/go/{s.name}"] = _redirect(target)
    for name, template in LOCATION_TRICKS.items():
        location = template.format(c=canaries["v4"].port, f=fault.port)
        fault.routes[f"/trick/{name}"] = _redirect(location)
    fault.start()
    try:
        yield made
    finally:
        for server in (*canaries.values(), fault):
            server.stop()


def _hits(spy: Spy, since: int) -> tuple[int, int]:
    """Canary hits and public connects among the spy's attempts after ``since``."""
    new = spy.attempts[since:]
    public = sum(1 for a in new if a[0] == PUBLIC)
    forbidden = sum(1 for a in new if a not in spy.allowed and a[0] != PUBLIC)
    return forbidden, public


async def _run_way(made: Rig, spy: Spy, transport: str, label: str, way: str) -> list[Trial]:
    resolver = StubResolver()
    for s in SPELLINGS:
        resolver.names[f"{s.name}.evil.test"] = [s.address]
        resolver.rebind[f"{s.name}.rebind.test"] = [PUBLIC, s.address]
    options = SessionOptions(
        transport=transport,
        allow_hosts=(FAULT_HOST,),
        retries=1,
        backoff=0.0,
        rate=0.0,
        deadline=3.0,
        connect_timeout=2.0,
    )
    if way == "redirect-trick":
        urls = [(n, f"http://{FAULT_HOST}:{made.fault.port}/trick/{n}") for n in LOCATION_TRICKS]
    else:
        urls = [(s.name, made.url(s, way)) for s in SPELLINGS]
    trials = []
    async with Session(options=options, resolver=resolver) as session:
        for name, url in urls:
            since = len(spy.attempts)
            try:
                live, fetched = await probe_live(session, url)
                status: str = live.status
                error, hops = fetched.error, len(fetched.hops)
                by = urlsplit(fetched.final_url).hostname if fetched.status else None
            except Exception as e:  # a crash is a figure, not the end of the run
                status, error, hops, by = f"crash: {e!r}", None, 0, None
            hits, public = _hits(spy, since)
            trials.append(Trial(name, way, label, status, error, hits, public, hops, by))
    return trials


def run_ssrf(
    *,
    transports: tuple[str, ...] = TRANSPORT_VARIANTS,
    ways: tuple[str, ...] = (*WAYS, "redirect-trick"),
) -> tuple[list[Trial], int]:
    """Every trial, and how many connections the canary servers themselves counted."""
    trials: list[Trial] = []
    with rig() as made, proxy_env(f"http://127.0.0.2:{made.canaries['v4'].port}"):
        with made.spy() as spy:
            for name in transports:
                with variant(name) as transport:
                    for way in ways:
                        trials += asyncio.run(_run_way(made, spy, transport, name, way))
        counted = sum(c.connections for c in made.canaries.values())
    return trials, counted
