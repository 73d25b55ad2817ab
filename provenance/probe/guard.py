"""The SSRF guard: refuse non-public addresses, checked on the address actually connected to.

The host is resolved once, every address it resolves to is checked, and the connection is
made to that checked address, so a DNS answer that changes between check and connect (DNS
rebinding) cannot slip a private address through. TLS still uses the host name for SNI and
certificate checks because httpcore passes the origin's host to ``start_tls``.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import httpcore

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Awaitable[list[str]]]

# RFC 6052 NAT64 and RFC 3056 6to4 embed an IPv4 address that a gateway may reach.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")
_SIX_TO_FOUR = ipaddress.ip_network("2002::/16")
_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_HEX_LABEL = re.compile(r"0[xX][0-9a-fA-F]*")


class BlockedAddressError(httpcore.ConnectError):
    """A host that resolves to an address the policy refuses."""


class ResolveError(httpcore.ConnectError):
    """A host name that does not resolve; ``permanent`` is False for temporary failures."""

    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


def _embedded_v4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address hidden in a mapped, NAT64 or 6to4 IPv6 address, if any."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    return None


def refusal(ip: IPAddress) -> str | None:
    """Why an address is refused (loopback, private…), or None when it is public."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip in _NAT64_LOCAL:
            return "NAT64 local-use"
        inner = _embedded_v4(ip)
        if inner is not None:
            why = refusal(inner)
            return f"embeds {inner} ({why})" if why else None
    checks = (
        ("loopback", ip.is_loopback),
        ("unspecified", ip.is_unspecified),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("CGNAT", isinstance(ip, ipaddress.IPv4Address) and ip in _CGNAT),
        ("private", ip.is_private),
        ("reserved", ip.is_reserved),
        ("not global", not ip.is_global),
    )
    for name, hit in checks:
        if hit:
            return name
    return None


def parse_ip(text: str) -> IPAddress | None:
    """An IP literal in any spelling the resolver accepts (``127.1``, ``0x7f.1``), else None."""
    host = text.strip("[]")
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        pass
    try:
        # inet_aton accepts the legacy forms: 127.1, 0177.0.0.1, 2130706433, 0x7f000001.
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except (OSError, ValueError):
        return None


def ends_in_number(host: str) -> bool:
    """WHATWG's test for a host meant as IPv4: its last label is decimal or 0x-hex digits."""
    labels = host.split(".")
    if len(labels) > 1 and labels[-1] == "":
        labels.pop()
    last = labels[-1]
    return (last.isascii() and last.isdigit()) or _HEX_LABEL.fullmatch(last) is not None


async def system_resolve(host: str, port: int) -> list[str]:
    """Resolve with the system resolver, every address family."""
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as e:
        permanent = e.errno in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", -5))
        raise ResolveError(f"cannot resolve {host}: {e.strerror}", permanent=permanent) from e
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class AddressPolicy:
    """Which hosts may be connected to: public addresses, plus hosts named by --allow-host."""

    def __init__(self, *, allow_hosts: Iterable[str] = ()) -> None:
        self.allow_hosts = frozenset(h.strip("[]").lower().rstrip(".") for h in allow_hosts)

    def allows_host(self, host: str) -> bool:
        """True when the host was named by --allow-host, exactly as written."""
        return host.strip("[]").lower().rstrip(".") in self.allow_hosts

    def check(self, host: str, address: str) -> None:
        """Raise BlockedAddressError unless the resolved address may be connected to."""
        if self.allows_host(host):
            return
        ip = parse_ip(address)
        if ip is None:
            raise BlockedAddressError(f"refused {host}: unparseable address {address!r}")
        why = refusal(ip)
        if why:
            raise BlockedAddressError(
                f"refused {host} ({ip}): {why} address; use --allow-host {host} to permit it"
            )

    def check_literal(self, host: str) -> None:
        """Refuse a URL host that is an address in any spelling, before anything connects.

        Clients that skip the resolver for what looks like an address (aiohttp: digits and
        dots, or a colon) would hand ``127.1`` or ``2130706433`` to the C library, which
        reads them as 127.0.0.1; so every such host is checked here. One that ends in a
        number but cannot be read (``127.0.0.1.``, ``0x7f.0.0.1.``) is refused rather than
        left to a library to interpret or sent to DNS, as browsers refuse it.
        """
        if self.allows_host(host):
            return
        bare = host.strip("[]")
        ip = parse_ip(bare)
        if ip is not None:
            self.check(host, str(ip))
        elif ":" in bare or ends_in_number(bare):
            raise BlockedAddressError(f"refused {host}: not a readable address")


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """An httpcore backend that resolves, checks and connects to the same address."""

    def __init__(
        self,
        *,
        policy: AddressPolicy,
        resolver: Resolver = system_resolve,
        inner: httpcore.AsyncNetworkBackend | None = None,
    ) -> None:
        self.policy = policy
        self.resolver = resolver
        self.inner = inner or httpcore.AnyIOBackend()

    async def resolve_checked(self, host: str, port: int) -> list[str]:
        """Resolve once and return addresses, refusing if any of them is refused."""
        # A host such as ``127.0.0.1.`` is neither read as an address nor worth a DNS query.
        self.policy.check_literal(host)
        literal = parse_ip(host)
        addresses = [str(literal)] if literal is not None else await self.resolver(host, port)
        if not addresses:
            raise ResolveError(f"cannot resolve {host}: no addresses", permanent=True)
        for address in addresses:
            self.policy.check(host, address)
        return addresses

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Connect to the first reachable checked address of ``host``."""
        addresses = await self.resolve_checked(host, port)
        last: Exception | None = None
        for address in addresses:
            try:
                return await self.inner.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except httpcore.ConnectError as e:
                last = e
        assert last is not None
        raise last

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Unix sockets are never used by the probe."""
        raise BlockedAddressError("refused: unix sockets are not probed")

    async def sleep(self, seconds: float) -> None:
        """Delegate to the inner backend."""
        await self.inner.sleep(seconds)
