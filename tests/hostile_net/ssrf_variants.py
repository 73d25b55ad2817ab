"""The transports the SSRF rows run through, including aiohttp without its own IPv4 check.

aiohttp's newest releases refuse non-canonical IPv4 hosts (``127.1``) themselves; older
ones pass them to the C library. The ``aiohttp-legacy`` variant switches that check off
so the rows prove the guard alone stops them, whichever aiohttp a user has.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

TRANSPORT_VARIANTS = ("httpx", "aiohttp", "aiohttp-legacy")


@contextmanager
def variant(name: str) -> Iterator[str]:
    """Set up a variant; yields the probe transport name to use."""
    if name != "aiohttp-legacy":
        yield name
        return
    import aiohttp.connector

    real = getattr(aiohttp.connector, "is_canonical_ipv4_address", None)
    if real is None:  # an aiohttp that never had the check: nothing to switch off
        yield "aiohttp"
        return
    setattr(aiohttp.connector, "is_canonical_ipv4_address", lambda host: True)  # noqa: B010
    try:
        yield "aiohttp"
    finally:
        setattr(aiohttp.connector, "is_canonical_ipv4_address", real)  # noqa: B010
