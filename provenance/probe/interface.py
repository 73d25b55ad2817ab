"""The probe's plugin seams: HTTP transports by name, and what a fetch returns.

A transport factory builds the ``httpx.AsyncBaseTransport`` every request goes through;
it must apply the SSRF guard on resolved addresses. ``TRANSPORTS`` is the registry the
``--transport`` choices come from.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Literal

import httpx

from provenance.probe.guard import AddressPolicy, Resolver
from provenance.probe.models import Hop

FetchError = Literal[
    "dns",  # the host name does not exist
    "dns-temporary",  # the resolver failed for now
    "refused",  # connection refused
    "reset",  # connection reset or cut-off body
    "tls",  # certificate or handshake failure; never retried without verification
    "timeout",  # the whole-request deadline passed (slow drip included)
    "blocked-address",  # the SSRF guard refused the resolved address
    "bad-scheme",  # not http or https (a redirect to file:// for instance)
    "bad-url",  # a URL httpx will not send (an octal IPv4 host for instance)
    "too-many-redirects",
    "rate-limited",  # 429 with a Retry-After longer than we may wait
    "budget",  # the run's request budget is spent
    "network",  # any other transport failure
]


@dataclass(frozen=True)
class Fetched:
    """The outcome of one logical request: retries and redirects already applied."""

    url: str
    final_url: str
    status: int | None = None
    headers: httpx.Headers = field(default_factory=httpx.Headers)
    body: bytes = b""
    truncated: bool = False
    hops: tuple[Hop, ...] = ()
    attempts: int = 0
    error: FetchError | None = None
    detail: str | None = None
    retry_after: float | None = None

    @property
    def ok(self) -> bool:
        """True when an HTTP answer arrived (whatever its status)."""
        return self.error is None and self.status is not None


@dataclass(frozen=True)
class TransportSpec:
    """What a transport factory is given."""

    policy: AddressPolicy
    max_connections: int
    keepalive: int
    http2: bool
    trust_env: bool
    resolver: Resolver | None = None


class RunResolver:
    """Resolve each host once for the run; concurrent lookups of a host share one answer.

    Only answers are kept, never failures, so a temporary DNS error is retried. The guard
    still checks every address it is given, and connects to the checked address, so the
    rebinding rule holds: the one answer is both what was checked and what is used.
    """

    def __init__(self, resolve: Resolver) -> None:
        self.resolve = resolve
        self._answers: dict[tuple[str, int], asyncio.Future[list[str]]] = {}

    async def __call__(self, host: str, port: int) -> list[str]:
        """The addresses of ``host``, looked up at most once while they keep resolving."""
        key = (host.lower(), port)
        answer = self._answers.get(key)
        if answer is None:
            answer = self._answers[key] = asyncio.ensure_future(self.resolve(host, port))
        try:
            # Shielded: one caller's cancellation must not cancel the others' lookup.
            return list(await asyncio.shield(answer))
        except BaseException:
            if answer.done() and self._answers.get(key) is answer:
                del self._answers[key]
            raise


TransportFactory = Callable[[TransportSpec], httpx.AsyncBaseTransport]


def ssl_context(*, trust_env: bool) -> ssl.SSLContext:
    """The client TLS context; without ``trust_env`` one for the process.

    Loading the CA store takes 35 ms, once a session (twice for httpx's transport) before;
    it depends on nothing but ``SSL_CERT_FILE``/``SSL_CERT_DIR``, which only ``trust_env``
    reads, so that case builds a fresh one.
    """
    return httpx.create_ssl_context(trust_env=True) if trust_env else _default_context()


@cache
def _default_context() -> ssl.SSLContext:
    return httpx.create_ssl_context(trust_env=False)


def httpx_transport(spec: TransportSpec) -> httpx.AsyncBaseTransport:
    """httpx's own transport with the guarded network backend."""
    from provenance.probe.transport import GuardedHTTPTransport

    return GuardedHTTPTransport(spec)


def aiohttp_transport(spec: TransportSpec) -> httpx.AsyncBaseTransport:
    """httpx's API over aiohttp, resolver guarded (much faster at high concurrency)."""
    try:
        from provenance.probe.aiohttp_transport import GuardedAiohttpTransport
    except ImportError as e:
        from provenance.errors import UsageError

        raise UsageError("--transport aiohttp needs the httpx-aiohttp package") from e
    return GuardedAiohttpTransport(spec)


TRANSPORTS: dict[str, TransportFactory] = {"httpx": httpx_transport, "aiohttp": aiohttp_transport}
