"""The address spellings an SSRF attempt may use, and where each one would land.

``lands`` names the canary that would answer if the probe connected: ``v4`` is the canary
on 127.0.0.2, ``v4one`` the one on 127.0.0.1, ``v6`` the one on ::1. ``far`` spellings
point at ranges no test can bind (10/8, 169.254/16, ULA, NAT64…): the connect spy counts
any attempt to reach them as a canary hit and stops it before a packet leaves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Lands = Literal["v4", "v4one", "v6", "far"]


@dataclass(frozen=True)
class Spelling:
    """One way to write a non-public address in a URL host or a DNS answer."""

    name: str
    host: str  # as written in a URL (IPv6 in brackets)
    kind: str
    lands: Lands

    @property
    def address(self) -> str:
        """The spelling as a resolver would answer it: no brackets."""
        return self.host.strip("[]").replace("%25", "%")


def _s(name: str, host: str, kind: str, lands: Lands) -> Spelling:
    return Spelling(name=name, host=host, kind=kind, lands=lands)


SPELLINGS: tuple[Spelling, ...] = (
    # 127.0.0.2, the canary, in every IPv4 form inet_aton accepts
    _s("v4-dotted", "127.0.0.2", "IPv4", "v4"),
    _s("v4-short2", "127.2", "IPv4 short", "v4"),
    _s("v4-short3", "127.0.2", "IPv4 short", "v4"),
    _s("v4-decimal", "2130706434", "IPv4 decimal", "v4"),
    _s("v4-hex", "0x7f000002", "IPv4 hex", "v4"),
    _s("v4-hex-upper", "0X7F000002", "IPv4 hex", "v4"),
    _s("v4-hex-dotted", "0x7f.0x0.0x0.0x2", "IPv4 hex", "v4"),
    _s("v4-hex-short", "0x7f.2", "IPv4 hex short", "v4"),
    _s("v4-octal-dotted", "0177.0.0.2", "IPv4 octal", "v4"),
    _s("v4-octal-padded", "0177.0000.0000.0002", "IPv4 octal", "v4"),
    _s("v4-octal-int", "017700000002", "IPv4 octal", "v4"),
    _s("v4-octal-mixed", "0x7f.0.0.02", "IPv4 mixed", "v4"),
    _s("v4-zero-padded", "127.000.000.002", "IPv4 octal", "v4"),
    _s("v4-trailing-dot", "127.0.0.2.", "IPv4 trailing dot", "v4"),
    _s("v4-mapped", "[::ffff:127.0.0.2]", "IPv6-mapped", "v4"),
    _s("v4-mapped-hex", "[::ffff:7f00:2]", "IPv6-mapped", "v4"),
    _s("v4-mapped-long", "[0:0:0:0:0:ffff:7f00:2]", "IPv6-mapped", "v4"),
    # 127.0.0.1 and the names for it
    _s("lo-dotted", "127.0.0.1", "IPv4", "v4one"),
    _s("lo-localhost", "localhost", "name", "v4one"),
    _s("lo-localhost-upper", "LOCALHOST", "name", "v4one"),
    _s("lo-localhost-dot", "localhost.", "name", "v4one"),
    _s("lo-unspecified", "0.0.0.0", "unspecified", "v4one"),
    _s("lo-zero", "0", "unspecified short", "v4one"),
    _s("lo-mapped", "[::ffff:127.0.0.1]", "IPv6-mapped", "v4one"),
    # ::1
    _s("v6-loopback", "[::1]", "IPv6 loopback", "v6"),
    _s("v6-loopback-long", "[0:0:0:0:0:0:0:1]", "IPv6 loopback", "v6"),
    _s("v6-unspecified", "[::]", "IPv6 unspecified", "v6"),
    # ranges no test can bind
    _s("rfc1918-10", "10.0.0.1", "private", "far"),
    _s("rfc1918-10-short", "10.1", "private short", "far"),
    _s("rfc1918-10-decimal", "167772161", "private decimal", "far"),
    _s("rfc1918-172", "172.16.0.1", "private", "far"),
    _s("rfc1918-192", "192.168.0.1", "private", "far"),
    _s("rfc1918-192-hex", "0xc0a80001", "private hex", "far"),
    _s("benchmark", "198.18.0.1", "private", "far"),
    _s("metadata", "169.254.169.254", "link-local", "far"),
    _s("metadata-hex", "0xa9fea9fe", "link-local hex", "far"),
    _s("metadata-decimal", "2852039166", "link-local decimal", "far"),
    _s("metadata-short", "169.254.43518", "link-local short", "far"),
    _s("metadata-mapped", "[::ffff:169.254.169.254]", "IPv6-mapped", "far"),
    _s("cgnat-low", "100.64.0.1", "CGNAT", "far"),
    _s("cgnat-high", "100.127.255.254", "CGNAT", "far"),
    _s("ula-fc", "[fc00::1]", "ULA", "far"),
    _s("ula-imds", "[fd00:ec2::254]", "ULA", "far"),
    _s("v6-link-local", "[fe80::1]", "IPv6 link-local", "far"),
    _s("v6-link-local-zone", "[fe80::1%25lo]", "IPv6 link-local", "far"),
    _s("v4-compatible", "[::127.0.0.2]", "IPv4-compatible", "far"),
    _s("nat64-loopback", "[64:ff9b::7f00:2]", "NAT64", "far"),
    _s("nat64-dotted", "[64:ff9b::127.0.0.2]", "NAT64", "far"),
    _s("nat64-metadata", "[64:ff9b::a9fe:a9fe]", "NAT64", "far"),
    _s("nat64-local-use", "[64:ff9b:1::a00:1]", "NAT64 local-use", "far"),
    _s("6to4-loopback", "[2002:7f00:2::]", "6to4", "far"),
    _s("6to4-metadata", "[2002:a9fe:a9fe::1]", "6to4", "far"),
    _s("teredo-loopback", "[2001:0:4136:e378:8000:63bf:80ff:fffd]", "Teredo", "far"),
    _s("multicast", "224.0.0.1", "multicast", "far"),
    _s("broadcast", "255.255.255.255", "broadcast", "far"),
)

#: The four ways a spelling reaches the probe.
WAYS = ("literal", "dns", "redirect", "rebinding")

#: Location headers that try to confuse a URL parser into leaving the allowed host, or into
#: reading the canary as the allowed one. ``{c}`` is the canary's port, ``{f}`` the
#: allowed server's; the allowed host is ``fault.test``.
LOCATION_TRICKS: dict[str, str] = {
    "scheme-relative": "//127.0.0.2:{c}/x",
    "upper-scheme": "HTTP://127.0.0.2:{c}/x",
    "https": "https://127.0.0.2:{c}/x",
    "whitespace": "  http://127.0.0.2:{c}/x  ",
    "backslash-path": "/\\127.0.0.2:{c}/x",
    "mixed-slashes": "http:/\\127.0.0.2:{c}/x",
    "no-slashes": "http:127.0.0.2:{c}/x",
    "userinfo-is-allowed": "http://fault.test@127.0.0.2:{c}/x",
    "userinfo-with-port": "http://fault.test:{f}@127.0.0.2:{c}/x",
    "backslash-userinfo": "http://fault.test\\@127.0.0.2:{c}/x",
    "semicolon-userinfo": "http://fault.test;@127.0.0.2:{c}/x",
    "fragment-at": "http://127.0.0.2:{c}#@fault.test:{f}/x",
    "query-at": "http://127.0.0.2:{c}?@fault.test:{f}/x",
    "tab-inside": "http://127.0.\t0.2:{c}/x",
    "percent-host": "http://%31%32%37.0.0.2:{c}/x",
    "allowed-as-label": "http://fault.test.127.0.0.2:{c}/x",
    "ws-scheme": "ws://127.0.0.2:{c}/x",
    "gopher": "gopher://127.0.0.2:{c}/x",
    "file": "file:///etc/passwd",
    "data": "data:text/html,<p>x</p>",
}
