"""URL cleaning and normal form, Wayback unwrapping, and the mirror/navigation deny list.

Cleaning follows the WHATWG URL standard where it matters for text found in pages: leading
and trailing C0 controls and spaces are stripped, and ASCII tab and newline are removed
anywhere. The written form is kept; :func:`normalize` gives the comparable form beside it
(lower-case scheme and host, IDNA host, default port dropped, path/query/fragment
percent-encoded as UTF-8 with upper-case hex).
"""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache
from urllib.parse import SplitResult, quote, urlsplit, urlunsplit

import idna

from provenance.timestamps import Moment, parse_wayback

REJECTED_SCHEMES = frozenset({"javascript", "data", "mailto", "file", "vbscript", "about", "blob"})
WEB_SCHEMES = frozenset({"http", "https"})
_DEFAULT_PORTS = {"http": 80, "https": 443}
_TAB_NEWLINE = re.compile(r"[\t\n\r]")
_C0_SPACE = "".join(chr(i) for i in range(0x21))
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
_ESCAPE = re.compile(r"%[0-9a-f]{2}|%[0-9A-F][a-f]|%[a-f][0-9A-F]")
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
_QUERY_SAFE = _PATH_SAFE + "?"
_WAYBACK = re.compile(
    r"https?://(?:web\.|www\.|wayback\.)?archive\.org/web/(?P<stamp>\d{4,14})(?:[a-z]{2}_)?/"
    r"(?P<target>.+)",
    re.IGNORECASE,
)
# Other web archives follow the same Memento convention, <archive>/<collection…>/<timestamp>
# [<modifier>_]/<original>: Archive-It (wayback.archive-it.org/1234/20200115093000/…), national
# archives (webarchive.nationalarchives.gov.uk/ukgwa/20210413101010/…), archive.today
# (archive.ph/2021.04.13-102233/… or archive.is/20210413102233/…). Their timestamp has all 14
# digits and the original keeps its scheme, which is what tells them from ordinary paths.
# A page saved from the Wayback Machine links relatively: /web/20190304050607/http://….
_MEMENTO = re.compile(
    r"(?:https?://[\w.-]{1,253}(?::\d{1,5})?/(?:[\w.~-]{1,40}/){0,3}?|/web/)"
    r"(?P<stamp>\d{14}|\d{4}\.\d{2}\.\d{2}-\d{6})(?:[a-z]{2}_)?/(?P<target>https?:/{1,2}.+)",
    re.IGNORECASE,
)
# A DNS label as found in the wild: underscores occur in real host names, so they pass.
_HOST_LABEL = re.compile(r"(?!-)[a-z0-9_-]{1,63}(?<!-)")
_SCHEME_SLASHES = re.compile(r"^(https?):/+", re.IGNORECASE)

# Hosts that hold mirrors, their indexes, image proxies and feed aggregators; a link to one
# of these is where a copy was kept or a navigation aid, never the original publication.
MIRROR_HOSTS = frozenset(
    {
        "github.com", "www.github.com", "gist.github.com", "raw.githubusercontent.com",
        "github.io", "git.io", "cdn.jsdelivr.net", "gfw-breaker.win", "feedx.net",
        "feedx.top", "feedx.site", "feedx.xyz", "images.weserv.nl", "web.archive.org",
        "archive.org", "archive.today", "archive.ph", "archive.is", "archive.li", "archive.vn",
        "archive.md", "archive.fo", "wayback.archive-it.org", "webarchive.nationalarchives.gov.uk",
        "webarchive.loc.gov", "arquivo.pt", "webcache.googleusercontent.com", "gitlab.com",
        "bitbucket.org",
    }
)  # fmt: skip
_MIRROR_SUFFIXES = (".github.io", ".githubusercontent.com", ".gitlab.io")


def clean(raw: str) -> str:
    """Strip surrounding C0 controls and spaces, and drop tabs and newlines (WHATWG)."""
    return _TAB_NEWLINE.sub("", raw.strip(_C0_SPACE))


def scheme(url: str) -> str:
    """The lower-case scheme of ``url``, or "" when it has none."""
    head, sep, _ = url.partition(":")
    if not sep or not head or not head[0].isalpha():
        return ""
    if not all(ch.isalnum() or ch in "+-." for ch in head):
        return ""
    return head.lower()


def is_rejected_scheme(url: str) -> bool:
    """True for javascript:, data:, mailto:, file: and other never-original schemes."""
    return scheme(clean(url)) in REJECTED_SCHEMES


def _idna_host(host: str) -> str | None:
    host = host.rstrip(".").lower()
    if ":" in host:
        try:
            return str(ipaddress.IPv6Address(host))
        except ValueError:
            return None
    if not host.isascii():
        try:
            host = idna.encode(host, uts46=True).decode("ascii")
        except idna.IDNAError:
            try:
                host = host.encode("idna").decode("ascii")
            except UnicodeError:
                return None
    labels = host.split(".")
    return host if all(_HOST_LABEL.fullmatch(label) for label in labels) else None


def _encode(part: str, safe: str) -> str:
    part = _BAD_ESCAPE.sub("%25", part)
    part = quote(part, safe=safe, encoding="utf-8", errors="strict")
    return _ESCAPE.sub(lambda m: m.group(0).upper(), part)


def _split(url: str) -> SplitResult | None:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        return None
    return parts


# A page names the same address several times (label, canonical, host, deny list), and a
# folder names the same sites over and over: the pure URL functions are memoised.
_MEMO = 8192


@lru_cache(maxsize=_MEMO)
def normalize(url: str) -> str | None:
    """The normal form of an absolute http(s) URL, or None when it is not one."""
    url = _SCHEME_SLASHES.sub(lambda m: m.group(1) + "://", clean(url), count=1)
    if "\\" in url.partition("?")[0]:
        url = url.replace("\\", "/")
    parts = _split(url)
    if parts is None or parts.scheme.lower() not in WEB_SCHEMES or not parts.hostname:
        return None
    host = _idna_host(parts.hostname)
    if host is None:
        return None
    netloc = host if ":" not in host or host.startswith("[") else f"[{host}]"
    port = parts.port
    if port is not None and port != _DEFAULT_PORTS[parts.scheme.lower()]:
        netloc = f"{netloc}:{port}"
    if parts.username is not None:
        userinfo = _encode(parts.username, "%!$&'()*+,;=-._~")
        if parts.password is not None:
            userinfo += ":" + _encode(parts.password, "%!$&'()*+,;=-._~")
        netloc = f"{userinfo}@{netloc}"
    return urlunsplit(
        (
            parts.scheme.lower(),
            netloc,
            _encode(parts.path, _PATH_SAFE) or "/",
            _encode(parts.query, _QUERY_SAFE),
            _encode(parts.fragment, _QUERY_SAFE),
        )
    )


def host(url: str) -> str:
    """The lower-case host of a URL (IDNA form), or "" when there is none."""
    normal = normalize(url)
    return (urlsplit(normal).hostname or "") if normal else ""


@lru_cache(maxsize=_MEMO)
def unwrap_wayback(url: str) -> tuple[str, Moment | None] | None:
    """Split a Wayback or other Memento address into the original and its capture time."""
    url = clean(url)
    match = _WAYBACK.match(url)
    if match is None and url.find("http", 1) > 0:  # a Memento address holds a second one
        match = _MEMENTO.match(url)
    if match is None:
        return None
    target = match["target"]
    fixed = _SCHEME_SLASHES.sub(lambda m: m.group(1) + "://", target, count=1)
    if not scheme(fixed):
        fixed = "http://" + fixed  # the Wayback Machine accepts scheme-less targets
    return fixed, parse_wayback(match["stamp"].replace(".", "").replace("-", ""))


@lru_cache(maxsize=_MEMO)
def is_mirror_or_navigation(url: str) -> bool:
    """True for mirrors, proxies, image/feed services, IP-literal hosts and site home pages."""
    normal = normalize(url)
    if normal is None:
        return True
    parts = urlsplit(normal)
    name = parts.hostname or ""
    if parts.path in ("", "/") and not parts.query:
        return True  # a site's home page is a navigation link, never an article
    if name in MIRROR_HOSTS or name.endswith(_MIRROR_SUFFIXES):
        return True
    try:
        ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        return False
    # Mirrors link their video and proxy servers by bare IP address and port.
    return True


_ASSET_SUFFIXES = (
    ".css", ".js", ".mjs", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".ico", ".bmp",
    ".woff", ".woff2", ".ttf", ".eot", ".mp3", ".mp4", ".m3u8", ".webm", ".json", ".xml",
)  # fmt: skip


def is_asset(url: str) -> bool:
    """True when the URL's path names a style sheet, script, image, font or media file."""
    parts = _split(clean(url))
    return parts is not None and parts.path.lower().endswith(_ASSET_SUFFIXES)


def is_original_candidate(url: str) -> bool:
    """True when ``url`` could be an original publication: absolute http(s), not a mirror."""
    return not is_mirror_or_navigation(url) and not is_asset(url)
