"""The SSRF guard: every odd spelling of a private address is refused, on the resolved address."""

from __future__ import annotations

import asyncio
import ipaddress
from typing import Any

import httpcore
import pytest
from hypothesis import given
from hypothesis import strategies as st

from provenance.probe.guard import (
    AddressPolicy,
    BlockedAddressError,
    GuardedBackend,
    ResolveError,
    parse_ip,
    refusal,
)

REFUSED = [
    "127.0.0.1",
    "127.1",
    "0177.0.0.1",
    "2130706433",
    "0x7f000001",
    "0x7f.1",
    "10.1.2.3",
    "172.16.0.1",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "224.0.0.1",
    "240.0.0.1",
    "255.255.255.255",
    "::1",
    "::",
    "fe80::1",
    "fc00::1",
    "fd12:3456::1",
    "ff02::1",
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "64:ff9b::7f00:1",
    "64:ff9b::a00:1",
    "64:ff9b:1::1",
    "2002:7f00:1::",
    "2002:c0a8:101::1",
    "[::1]",
]
ALLOWED = ["93.184.216.34", "8.8.8.8", "2606:4700::1111", "64:ff9b::808:808", "2002:808:808::"]


@pytest.mark.parametrize("address", REFUSED)
def test_private_spellings_are_refused(address: str) -> None:
    ip = parse_ip(address)
    assert ip is not None
    assert refusal(ip) is not None


@pytest.mark.parametrize("address", ALLOWED)
def test_public_addresses_pass(address: str) -> None:
    ip = parse_ip(address)
    assert ip is not None and refusal(ip) is None


PRIVATE_V4 = st.sampled_from(
    [
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "100.64.0.0/10",
    ]
).flatmap(
    lambda net: st.integers(0, ipaddress.ip_network(net).num_addresses - 1).map(
        lambda i: ipaddress.ip_network(net)[i]
    )
)


@given(PRIVATE_V4, st.sampled_from(["mapped", "nat64", "6to4"]))
def test_private_v4_inside_v6_is_refused(inner: ipaddress.IPv4Address, form: str) -> None:
    value = int(inner)
    outer = {
        "mapped": ipaddress.IPv6Address((0xFFFF << 32) | value),
        "nat64": ipaddress.IPv6Address((0x64FF9B << 96) | value),
        "6to4": ipaddress.IPv6Address((0x2002 << 112) | (value << 80)),
    }[form]
    assert refusal(outer) is not None


def test_allow_host_matches_the_host_as_written() -> None:
    policy = AddressPolicy(allow_hosts=["127.0.0.1"])
    policy.check("127.0.0.1", "127.0.0.1")
    for other in ("127.1", "localhost", "2130706433"):
        with pytest.raises(BlockedAddressError):
            policy.check(other, "127.0.0.1")


class _Inner(httpcore.AsyncNetworkBackend):
    def __init__(self) -> None:
        self.connected: list[str] = []

    async def connect_tcp(self, host: str, port: int, *args: Any, **kwargs: Any) -> Any:
        self.connected.append(host)
        raise httpcore.ConnectError("stop here")


def test_one_resolution_for_check_and_connect() -> None:
    """DNS rebinding: the second answer (private) is never asked for, the first is used."""
    answers = [["93.184.216.34"], ["127.0.0.1"]]
    calls: list[str] = []

    async def resolver(host: str, port: int) -> list[str]:
        calls.append(host)
        return answers[len(calls) - 1]

    inner = _Inner()
    backend = GuardedBackend(policy=AddressPolicy(), resolver=resolver, inner=inner)
    with pytest.raises(httpcore.ConnectError):
        asyncio.run(backend.connect_tcp("rebind.example", 80))
    assert calls == ["rebind.example"]
    assert inner.connected == ["93.184.216.34"]


def test_any_private_answer_refuses_the_host() -> None:
    async def resolver(host: str, port: int) -> list[str]:
        return ["93.184.216.34", "10.0.0.7"]

    inner = _Inner()
    backend = GuardedBackend(policy=AddressPolicy(), resolver=resolver, inner=inner)
    with pytest.raises(BlockedAddressError):
        asyncio.run(backend.connect_tcp("mixed.example", 80))
    assert inner.connected == []


def test_unix_sockets_are_refused() -> None:
    backend = GuardedBackend(policy=AddressPolicy())
    with pytest.raises(BlockedAddressError):
        asyncio.run(backend.connect_unix_socket("/var/run/docker.sock"))


def test_resolve_failure_is_typed() -> None:
    async def resolver(host: str, port: int) -> list[str]:
        raise ResolveError("no such host", permanent=True)

    backend = GuardedBackend(policy=AddressPolicy(), resolver=resolver, inner=_Inner())
    with pytest.raises(ResolveError):
        asyncio.run(backend.connect_tcp("nowhere.invalid", 80))
