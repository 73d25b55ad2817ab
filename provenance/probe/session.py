"""The one HTTP session of a probe run: limits, retries, Retry-After, deadline, body cap.

Everything the probe sends goes through :class:`Session`. It owns the request budget,
per-host concurrency and rate limits (archive index endpoints get their own, slower
rate), the User-Agent, bounded exponential retries, ``Retry-After``, a deadline for the
whole request (so a slow-drip server cannot hold a slot), a cap on *decoded* body bytes
(so a gzip bomb cannot fill memory), and redirects followed by hand so that every hop is
checked. Addresses are checked by the transport's guarded network backend.
"""

from __future__ import annotations

import asyncio
import re
import time
import zlib
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from importlib import metadata
from types import TracebackType
from typing import Any, Literal
from urllib.parse import urljoin, urlsplit

import httpx

from provenance.errors import UsageError
from provenance.probe.guard import AddressPolicy, Resolver, system_resolve
from provenance.probe.interface import (
    TRANSPORTS,
    Fetched,
    FetchError,
    RunResolver,
    TransportSpec,
)
from provenance.probe.models import Hop

REDIRECTS = frozenset({301, 302, 303, 307, 308})
RequestKind = Literal["page", "index"]


def _version() -> str:
    try:
        return metadata.version("provenance")
    except metadata.PackageNotFoundError:
        return "0.1.0"


# Archives ask for a User-Agent that names the tool; operators add a contact address
# with --user-agent or PROVENANCE_USER_AGENT.
DEFAULT_USER_AGENT = f"provenance/{_version()} (web archive provenance checker; python-httpx)"


@dataclass(frozen=True, kw_only=True)
class SessionOptions:
    """Politeness and safety settings; the defaults are what a user gets."""

    user_agent: str = DEFAULT_USER_AGENT
    deadline: float = 30.0
    connect_timeout: float = 10.0
    max_body: int = 5 * 1024 * 1024
    max_redirects: int = 5
    retries: int = 3
    backoff: float = 1.0
    max_wait: float = 60.0
    default_retry_after: float = 60.0
    concurrency: int = 16
    per_host: int = 4
    rate: float = 2.0
    # The Internet Archive allows about 30 CDX/TimeMap requests a minute per IP and blocks
    # for an hour those who ignore its 429s: 0.4/s (24 a minute) stays below that.
    index_rate: float = 0.4
    budget: int = 10_000
    allow_hosts: tuple[str, ...] = ()
    trust_env: bool = False
    http2: bool = True
    keepalive: int = 20
    transport: str = "aiohttp"


def retry_after_seconds(value: str | None, *, now: datetime | None = None) -> float | None:
    """``Retry-After`` as seconds: an integer, or an HTTP date; None when absent or bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


_WBITS = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}
_STEP = 64 * 1024  # the most one coding layer may hand on at a time


def _feed(decoders: list[zlib._Decompress], chunk: bytes, out: bytearray, cap: int) -> bool:
    """Push a chunk through every coding layer, a step at a time; True when over the cap."""
    if not decoders:
        out += chunk
        return len(out) > cap
    first, rest = decoders[0], decoders[1:]
    data = chunk
    while data:
        if _feed(rest, first.decompress(data, _STEP), out, cap):
            return True
        data = first.unconsumed_tail
    return False


async def read_capped(response: httpx.Response, cap: int) -> tuple[bytes, bool]:
    """Read a streamed body, decoding gzip/deflate ourselves so decoded bytes stay capped."""
    if response.is_stream_consumed:  # already read, as mock transports do
        return response.content[:cap], len(response.content) > cap
    header = response.headers.get("content-encoding", "").lower()
    # Codings are listed in the order applied: "gzip, gzip" is a bomb inside a bomb.
    codings = [c.strip() for c in header.split(",") if c.strip() not in ("", "identity")]
    unknown = [c for c in codings if c not in _WBITS]
    if unknown:
        # Not what we asked for; its bytes are not the page, so no verdict may use them.
        raise httpx.DecodingError(f"unsupported Content-Encoding {', '.join(unknown)}")
    decoders = [zlib.decompressobj(_WBITS[c]) for c in reversed(codings)]
    out = bytearray()
    async for chunk in response.aiter_raw():
        if _feed(decoders, chunk, out, cap):
            return bytes(out[:cap]), True
    return bytes(out), False


def _connect_error(e: BaseException) -> tuple[FetchError, str]:
    """Name a connection failure by walking the exception's causes."""
    import ssl

    from provenance.probe.guard import BlockedAddressError, ResolveError

    seen: BaseException | None = e
    while seen is not None:
        if isinstance(seen, BlockedAddressError):
            return "blocked-address", str(seen)
        if isinstance(seen, ResolveError):
            return ("dns" if seen.permanent else "dns-temporary"), str(seen)
        if isinstance(seen, ssl.SSLError | ssl.CertificateError):
            return "tls", f"TLS: {seen}"
        if isinstance(seen, ConnectionRefusedError):
            return "refused", "connection refused"
        seen = seen.__cause__ or seen.__context__
    return "network", str(e) or type(e).__name__


class _Cookies(httpx.Cookies):
    """httpx's cookie jar, which parses a response only when it sets a cookie."""

    def extract_cookies(self, response: httpx.Response) -> None:
        """Store the cookies a response sets (httpx wraps each one for urllib otherwise)."""
        if "set-cookie" in response.headers:
            super().extract_cookies(response)


# An absolute http(s) URL whose path and query hold only characters httpx leaves as they
# are (unreserved, '/', and '=' '&' in the query), with no '.' or '..' segment to remove.
_PLAIN_URL = re.compile(
    r"(https?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?)"
    r"((?:/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)*/?)"
    r"(\?[A-Za-z0-9._~=&-]*)?"
)


class PlainUrls:
    """``httpx.URL(url)`` for many URLs of few origins, without parsing each one whole.

    httpx parses and validates every URL in Python (13 us, the largest cost of building a
    request). For a plain URL the scheme and host, the parts the SSRF guard and the
    connection depend on, are parsed by httpx once per origin; the path and query need no
    normalisation, so they are set as written. Anything else is parsed by httpx. A test
    checks the two agree.
    """

    def __init__(self) -> None:
        self._origins: dict[str, Any] = {}
        # httpx's URL internals are not its API: if they ever change, parse every URL.
        sample = "https://Example.org:443/a/b.html?x=1"
        try:
            self._plain = self._fast(sample) == httpx.URL(sample)
        except (AttributeError, TypeError, ValueError):
            self._plain = False

    def parse(self, url: str) -> httpx.URL:
        """The same ``httpx.URL`` as ``httpx.URL(url)``."""
        return self._fast(url) if self._plain else httpx.URL(url)

    def _fast(self, url: str) -> httpx.URL:
        match = _PLAIN_URL.fullmatch(url)
        if match is None:
            return httpx.URL(url)
        origin, path, query = match.groups()
        base = self._origins.get(origin)
        if base is None:
            base = self._origins[origin] = httpx.URL(origin)._uri_reference
        parsed = httpx.URL.__new__(httpx.URL)
        # A URL's one attribute in httpx 0.28-0.29; ParseResult is a NamedTuple.
        parsed._uri_reference = base._replace(path=path, query=query[1:] if query else None)
        return parsed


@dataclass
class _Host:
    """Per-host politeness state."""

    slots: asyncio.Semaphore
    next_at: dict[str, float] = field(default_factory=dict)
    cooldown_until: float = 0.0


class Session:
    """An async HTTP session shared by every probe of a run; use as ``async with``."""

    def __init__(
        self,
        *,
        options: SessionOptions | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        resolver: Resolver | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.options = options or SessionOptions()
        self.policy = AddressPolicy(allow_hosts=self.options.allow_hosts)
        self.clock = clock
        self.sleep = sleep
        self.sent = 0
        self._hosts: dict[str, _Host] = {}
        self._slots = asyncio.Semaphore(self.options.concurrency)
        if transport is None:
            factory = TRANSPORTS.get(self.options.transport)
            if factory is None:
                raise UsageError(f"unknown transport {self.options.transport!r}")
            transport = factory(self._spec(resolver))
        # The deadline bounds each whole request (see _send); a read timeout too would only
        # rearm a timer on every chunk received.
        timeout = httpx.Timeout(None, connect=self.options.connect_timeout)
        self.client = httpx.AsyncClient(
            transport=transport,
            trust_env=self.options.trust_env,
            follow_redirects=False,
            timeout=timeout,
            headers={"User-Agent": self.options.user_agent, "Accept-Encoding": "gzip, deflate"},
        )
        # httpx offers no switch for its jar; ours skips the costly parse when no cookie came.
        self.client._cookies = _Cookies()
        self._transport = transport
        # What AsyncClient.build_request would add to every request, worked out once:
        # the client's default headers (ours merged in) and its timeout.
        self._headers = self.client.headers
        self._extensions = {"timeout": timeout.as_dict()}
        self._urls = PlainUrls()

    def _spec(self, resolver: Resolver | None) -> TransportSpec:
        o = self.options
        return TransportSpec(
            policy=self.policy,
            max_connections=o.concurrency,
            keepalive=o.keepalive,
            http2=o.http2,
            trust_env=o.trust_env,
            resolver=RunResolver(resolver or system_resolve),
        )

    async def __aenter__(self) -> Session:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.client.aclose()

    def _host(self, url: str) -> _Host:
        # Limits and 429 cool-downs are per server: host and port.
        host = urlsplit(url).netloc.lower().rsplit("@", 1)[-1]
        state = self._hosts.get(host)
        if state is None:
            state = self._hosts[host] = _Host(slots=asyncio.Semaphore(self.options.per_host))
        return state

    async def fetch(
        self,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        follow: bool = True,
        kind: RequestKind = "page",
    ) -> Fetched:
        """GET a URL with retries, following (and checking) at most N redirects."""
        hops: list[Hop] = []
        current, attempts = url, 0
        while True:
            result = await self._with_retries(current, headers, kind)
            attempts += result.attempts
            location = result.headers.get("location") if result.status in REDIRECTS else None
            if not follow or not location or result.error:
                if result.url == url and not hops and result.attempts == attempts:
                    return result  # the common case: no copy of the dataclass made
                return replace(result, url=url, hops=tuple(hops), attempts=attempts)
            target = urljoin(current, location.strip())
            hops.append(Hop(url=current, status=result.status or 0, location=target))
            failure = self._redirect_refusal(target, len(hops))
            if failure:
                error, detail = failure
                return Fetched(
                    url=url,
                    final_url=current,
                    status=result.status,
                    headers=result.headers,
                    hops=tuple(hops),
                    attempts=attempts,
                    error=error,
                    detail=detail,
                )
            current = target

    def _redirect_refusal(self, target: str, count: int) -> tuple[FetchError, str] | None:
        if urlsplit(target).scheme.lower() not in ("http", "https"):
            return "bad-scheme", f"redirect to a non-HTTP URL refused: {target[:200]}"
        if count > self.options.max_redirects:
            return "too-many-redirects", f"more than {self.options.max_redirects} redirects"
        return None

    def _backoff(self, attempt: int) -> float:
        return min(self.options.backoff * (2.0**attempt), self.options.max_wait)

    async def _with_retries(
        self, url: str, headers: Mapping[str, str] | None, kind: RequestKind
    ) -> Fetched:
        o = self.options
        host = self._host(url)
        result = Fetched(url=url, final_url=url)
        for attempt in range(o.retries + 1):
            if self.sent >= o.budget:
                return replace(result, error="budget", detail="the run's request budget is spent")
            waiting = host.cooldown_until - self.clock()
            if waiting > o.max_wait:
                return replace(
                    result,
                    error="rate-limited",
                    detail="host asked us to wait",
                    retry_after=waiting,
                )
            result = await self._once(url, headers, kind, host)
            if result.attempts != attempt + 1:
                result = replace(result, attempts=attempt + 1)
            last = attempt == o.retries
            if result.status == 429:
                delay = (
                    result.retry_after
                    if result.retry_after is not None
                    else (o.default_retry_after)
                )
                host.cooldown_until = max(host.cooldown_until, self.clock() + delay)
                if last or delay > o.max_wait:
                    return result
            elif (
                result.status is not None
                and result.status >= 500
                or result.error in ("timeout", "reset", "refused", "network", "dns-temporary")
            ):
                if last:
                    return result
                await self.sleep(self._backoff(attempt))
            else:
                return result
        return result

    async def _wait_turn(self, host: _Host, kind: RequestKind) -> None:
        rate = self.options.index_rate if kind == "index" else self.options.rate
        now = self.clock()
        start = max(now, host.next_at.get(kind, 0.0), host.cooldown_until)
        host.next_at[kind] = start + (1.0 / rate if rate > 0 else 0.0)
        if start > now:
            await self.sleep(start - now)

    async def _once(
        self, url: str, headers: Mapping[str, str] | None, kind: RequestKind, host: _Host
    ) -> Fetched:
        async with host.slots:
            await self._wait_turn(host, kind)
            async with self._slots:
                self.sent += 1
                return await self._send(url, headers)

    def _request(self, url: str, headers: Mapping[str, str] | None) -> httpx.Request:
        """The GET ``client.build_request`` would build, without re-merging the defaults."""
        if headers:
            merged = self._headers.copy()
            merged.update(headers)
        else:
            merged = self._headers
        parsed = self._urls.parse(url)
        request = httpx.Request("GET", parsed, headers=merged, extensions=self._extensions)
        if self.client.cookies:
            self.client.cookies.set_cookie_header(request)
        return request

    async def _exchange(self, url: str, headers: Mapping[str, str] | None) -> httpx.Response:
        """Send one GET straight to the transport (streamed): what ``client.send`` does here.

        The client's own layers (auth, redirects, event hooks, proxies from the
        environment) are all off in a probe run; skipping them saves a fifth of the CPU
        of a request. With ``trust_env`` the client sends, for its proxy routing.
        """
        if self.options.trust_env:
            request = self.client.build_request("GET", url, headers=headers)
            return await self.client.send(request, stream=True)
        request = self._request(url, headers)
        response = await self._transport.handle_async_request(request)
        response.request = request
        if "set-cookie" in response.headers:
            self.client.cookies.extract_cookies(response)
        if response.has_redirect_location:
            # As client.send does even when not following: a Location httpx cannot use
            # (http:host, a bad port) fails here, as bad-url, rather than being joined.
            try:
                response.next_request = self.client._build_redirect_request(request, response)
            except BaseException:
                await response.aclose()
                raise
        return response

    async def _send(self, url: str, headers: Mapping[str, str] | None) -> Fetched:
        o = self.options
        try:
            async with asyncio.timeout(o.deadline):
                response = await self._exchange(url, headers)
                try:
                    body, truncated = await read_capped(response, o.max_body)
                finally:
                    await response.aclose()
        except (TimeoutError, httpx.TimeoutException) as e:
            # httpx-aiohttp maps every aiohttp connection error to ConnectTimeout: the
            # cause tells a refused or guarded connection from a real timeout.
            error, detail = _connect_error(e)
            if error != "network":
                return Fetched(url=url, final_url=url, error=error, detail=detail)
            return Fetched(
                url=url,
                final_url=url,
                error="timeout",
                detail=f"no complete answer within {o.deadline:g} s",
            )
        except httpx.ConnectError as e:
            error, detail = _connect_error(e)
            return Fetched(url=url, final_url=url, error=error, detail=detail)
        except httpx.UnsupportedProtocol as e:
            return Fetched(url=url, final_url=url, error="bad-scheme", detail=str(e))
        except httpx.InvalidURL as e:
            # httpx refuses some spellings outright (octal IPv4 such as 0177.0.0.1).
            return Fetched(url=url, final_url=url, error="bad-url", detail=f"refused: {e}")
        except httpx.RemoteProtocolError as e:
            if "location header" in str(e).lower():
                # httpx parses Location even when not following: an unusable one ends here.
                return Fetched(url=url, final_url=url, error="bad-url", detail=f"refused: {e}")
            return Fetched(url=url, final_url=url, error="reset", detail=str(e) or "cut off")
        except (httpx.ReadError, zlib.error) as e:
            return Fetched(url=url, final_url=url, error="reset", detail=str(e) or "cut off")
        except httpx.HTTPError as e:
            return Fetched(url=url, final_url=url, error="network", detail=str(e))
        return Fetched(
            url=url,
            attempts=1,  # what _with_retries makes it on a first try: saves a copy
            final_url=str(response.url),
            status=response.status_code,
            headers=response.headers,
            body=body,
            truncated=truncated,
            retry_after=retry_after_seconds(response.headers.get("retry-after")),
        )
