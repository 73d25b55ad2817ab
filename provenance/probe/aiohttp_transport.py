"""httpx's API over aiohttp (``httpx-aiohttp``), with the same SSRF guard.

httpx's own transport is CPU-bound at high concurrency; aiohttp's is not. The guard sits in
aiohttp's resolver, so the address aiohttp connects to is the one that was checked. aiohttp
skips the resolver for IP literals, so those (in every spelling the system resolver takes)
are checked here before the request is sent. aiohttp speaks HTTP/1.1 only.
"""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator

import aiohttp
import httpx
import yarl
from aiohttp.abc import AbstractResolver, ResolveResult
from httpx_aiohttp import AiohttpTransport
from httpx_aiohttp.transport import map_aiohttp_exceptions

from provenance.probe.guard import (
    BlockedAddressError,
    GuardedBackend,
    ResolveError,
    system_resolve,
)
from provenance.probe.interface import TransportSpec
from provenance.probe.interface import ssl_context as ssl_context_for


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
        ssl_context = ssl_context_for(trust_env=spec.trust_env)

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
        self._timeouts: dict[tuple[float | None, ...], aiohttp.ClientTimeout] = {}

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
        if request.method != "GET" or not isinstance(request.stream, httpx.ByteStream):
            return await super().handle_async_request(request)
        if request.content:
            return await super().handle_async_request(request)
        return await self._get(request)

    async def _get(self, request: httpx.Request) -> httpx.Response:
        """A bodiless GET, as the base class sends it, with less work per request.

        httpx has already normalised and percent-encoded the URL, so yarl takes it as it
        is; the timeout object is made once per distinct setting; the body is read with
        ``readany`` (whatever has arrived), not re-cut into 16 KB pieces. Errors map to
        httpx's exactly as in the base class.
        """
        if not isinstance(self.client, aiohttp.ClientSession):
            self.client = self.get_client()
        timeout = request.extensions.get("timeout", {})
        key = (timeout.get("connect"), timeout.get("read"), timeout.get("pool"))
        limits = self._timeouts.get(key)
        if limits is None:
            limits = self._timeouts[key] = aiohttp.ClientTimeout(
                sock_connect=key[0], sock_read=key[1], connect=key[2]
            )
        with map_aiohttp_exceptions():
            response = await self.client.request(
                "GET",
                yarl.URL(str(request.url), encoded=True),
                headers=_headers(request.headers),
                allow_redirects=False,
                auto_decompress=False,
                compress=False,
                timeout=limits,
                server_hostname=request.extensions.get("sni_hostname"),
            ).__aenter__()
        extensions = {"http_version": b"HTTP/1.1"}
        if response.reason:
            extensions["reason_phrase"] = response.reason.encode()
        return httpx.Response(
            status_code=response.status,
            headers=response.raw_headers,
            stream=_Body(response),
            request=request,
            extensions=extensions,
        )


def _headers(headers: httpx.Headers) -> list[tuple[str, str]]:
    """The request headers as aiohttp takes them: ``multi_items()``, less its encoding scan."""
    try:
        return [(k.decode(), v.decode()) for k, v in headers.raw]
    except UnicodeDecodeError:
        return headers.multi_items()  # not UTF-8: httpx picks the encoding


class _Body(httpx.AsyncByteStream):
    """An aiohttp response body as httpx reads it: each piece as it arrives."""

    def __init__(self, response: aiohttp.ClientResponse) -> None:
        self._response = response

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with map_aiohttp_exceptions():
            while chunk := await self._response.content.readany():
                yield chunk

    async def aclose(self) -> None:
        """Hand the connection back (or close it), as the base class's stream does."""
        with map_aiohttp_exceptions():
            await self._response.__aexit__(None, None, None)
