"""The guard reads a URL host in any address spelling before a client may skip resolving it."""

from __future__ import annotations

import asyncio

import pytest

from provenance.probe.guard import (
    AddressPolicy,
    BlockedAddressError,
    GuardedBackend,
    ends_in_number,
)

from .spellings import SPELLINGS


@pytest.mark.parametrize("host", [s.host for s in SPELLINGS if s.kind != "name"] + ["1.2.3.4.5"])
def test_address_spellings_are_refused(host: str) -> None:
    with pytest.raises(BlockedAddressError):
        AddressPolicy().check_literal(host)


@pytest.mark.parametrize("host", ["example.org", "93.184.216.34", "[2606:4700::1111]", "1e100.net"])
# Names (localhost included) are checked on what they resolve to, not here.
def test_names_and_public_addresses_pass(host: str) -> None:
    AddressPolicy().check_literal(host)


def test_allowed_by_name_only() -> None:
    AddressPolicy(allow_hosts=["fault.test"]).check_literal("fault.test")
    with pytest.raises(BlockedAddressError):
        AddressPolicy(allow_hosts=["fault.test"]).check_literal("127.0.0.1")


@pytest.mark.parametrize("host", ["127.0.0.2.", "0x7f.0.0.1.", "1.2.3.4.5", "[::1", "::ffff:zz"])
def test_numeric_looking_hosts_never_reach_the_resolver(host: str) -> None:
    asked: list[str] = []

    async def resolver(name: str, port: int) -> list[str]:
        asked.append(name)
        return ["93.184.216.34"]

    backend = GuardedBackend(policy=AddressPolicy(), resolver=resolver)
    with pytest.raises(BlockedAddressError):
        asyncio.run(backend.resolve_checked(host, 80))
    assert asked == []


def test_names_still_reach_the_resolver() -> None:
    async def resolver(name: str, port: int) -> list[str]:
        return ["93.184.216.34"]

    backend = GuardedBackend(policy=AddressPolicy(), resolver=resolver)
    assert asyncio.run(backend.resolve_checked("example.org", 80)) == ["93.184.216.34"]


@pytest.mark.parametrize(
    ("host", "numeric"),
    [
        ("127.1", True),
        ("example.0x7f", True),
        ("a.b.123.", True),
        ("0x", True),
        ("1e100.net", False),
        ("example.org", False),
        ("x.0xg", False),
        ("x.١٢٣", False),  # Arabic-Indic digits are not ASCII digits
    ],
)
def test_ends_in_number_follows_whatwg(host: str, numeric: bool) -> None:
    assert ends_in_number(host) is numeric
