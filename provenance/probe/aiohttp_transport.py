"""httpx's API over aiohttp (``httpx-aiohttp``), with the same SSRF guard.

httpx's own transport is CPU-bound at high concurrency; aiohttp's is not. The guard sits in
aiohttp's resolver, so the address aiohttp connects to is the one that was checked. aiohttp
skips the resolver for IP literals, so those (in every spelling the system resolver takes)
are checked here before the request is sent. aiohttp speaks HTTP/1.1 only.
"""

from __future__ import annotations

import socket

import aiohttp
import httpx
from aiohttp.abc import AbstractResolver, ResolveResult
from httpx_aiohttp import AiohttpTransport

from provenance.probe.guard import (
    BlockedAddressError,
    GuardedBackend,
    ResolveError,
    system_resolve,
)
from provenance.probe.interface import TransportSpec


class RefusedAddressError(OSError):
    """An OSError so aiohttp wraps it as a connection error; its cause says why."""


class GuardedResolver(AbstractResolver):
    """aiohttp resolver that resolves once and refuses non-public addresses."""

    def __init__(self, backend: GuardedBackend) -> None:
        self.backend = backend

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        """Checked addresses of ``host``."""
        try:
            addresses = await self.backend.resolve_checked(host, port)
        except (BlockedAddressError, ResolveError) as e:
            raise RefusedAddressError(str(e)) from e
        return [
            {
                "hostname": host,
                "host": address,
                "port": port,
                "family": socket.AF_INET6 if ":" in address else socket.AF_INET,
                "proto": 0,
                "flags": socket.AI_NUMERICHOST,
            }
            for address in addresses
        ]

    async def close(self) -> None:
        """Nothing to release."""


class GuardedAiohttpTransport(AiohttpTransport):
    """``httpx_aiohttp.AiohttpTransport`` with the guarded resolver."""

    def __init__(self, spec: TransportSpec) -> None:
        self.policy = spec.policy
        backend = GuardedBackend(policy=spec.policy, resolver=spec.resolver or system_resolve)
        resolver = GuardedResolver(backend)
        # One SSL context, given to the base class too (loading the CA store is not free).
        ssl_context = httpx.create_ssl_context(trust_env=spec.trust_env)

        def session() -> aiohttp.ClientSession:
            connector = aiohttp.TCPConnector(
                limit=spec.max_connections,
                resolver=resolver,
                ssl=ssl_context,
                force_close=spec.keepalive == 0,
            )
            # httpx's client keeps the cookies and sends them: a second jar here would
            # hold cookies httpx never saw, and parse every response again.
            client = aiohttp.ClientSession(
                connector=connector,
                trust_env=spec.trust_env,
                cookie_jar=aiohttp.DummyCookieJar(),
            )
            # aiohttp silently resends a GET whose reused connection was dropped; the
            # Session retries (with backoff) itself and counts each request it sends.
            client._retry_connection = False
            return client

        super().__init__(verify=ssl_context, trust_env=spec.trust_env, client=session)
        # The verdict on each host as an IP literal: None for a name, "" when allowed, else
        # why it is refused. A literal resolves to itself, so the verdict never changes.
        self._literals: dict[str, str | None] = {}

    def _literal_refusal(self, host: str) -> str | None:
        if host not in self._literals:
            # Every spelling the C library would take as an address (2130706433, 127.1,
            # 127.0.0.1.), checked once per host for the run.
            try:
                self.policy.check_literal(host)
                self._literals[host] = None
            except BlockedAddressError as e:
                self._literals[host] = str(e)
        return self._literals[host]

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Check IP-literal hosts (aiohttp does not resolve them), then send."""
        why = self._literal_refusal(request.url.host)
        if why:
            raise httpx.ConnectError(why, request=request) from BlockedAddressError(why)
        return await super().handle_async_request(request)
