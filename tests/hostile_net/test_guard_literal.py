"""The guard reads a URL host in any address spelling before a client may skip resolving it."""

from __future__ import annotations

import pytest

from provenance.probe.guard import AddressPolicy, BlockedAddressError

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
