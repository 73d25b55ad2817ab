"""Memento (RFC 7089) and CDX: find how often an archive captured a URL and the nearest copy.

Paths follow the Internet Archive's Wayback layout, added to an archive's base URL:
TimeMap ``BASE/timemap/link/<URL>``, TimeGate ``BASE/<URL>``, raw memento
``BASE/<14-digit ts>id_/<URL>``. pywb serves the same paths for a collection named ``web``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import quote, urljoin, urlsplit

from provenance.probe.interface import Fetched
from provenance.probe.session import Session

_LINK = re.compile(r'<([^>]*)>((?:\s*;\s*[\w.-]+\s*=\s*(?:"[^"]*"|[^;,<\s]*))*)')
_PARAM = re.compile(r';\s*([\w.-]+)\s*=\s*(?:"([^"]*)"|([^;,<\s]*))')
_TS_IN_URL = re.compile(r"/(\d{14})(?:[a-z]{2}_)?/")
IA_CDX_FIELDS = ("urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length")


@dataclass(frozen=True)
class Capture:
    """One capture listed by a TimeMap or a CDX index."""

    when: datetime
    url: str
    status: int | None = None


@dataclass(frozen=True)
class IndexResult:
    """The captures an index listed, and how many of its lines were malformed."""

    captures: tuple[Capture, ...]
    malformed: int = 0


def http_date(when: datetime) -> str:
    """RFC 1123 date as Accept-Datetime wants it."""
    return format_datetime(when.astimezone(UTC), usegmt=True)


def parse_http_date(text: str | None) -> datetime | None:
    """An RFC 1123 date (Memento-Datetime, TimeMap datetime) as aware UTC, or None."""
    if not text:
        return None
    try:
        when = parsedate_to_datetime(text.strip())
    except (TypeError, ValueError, IndexError):
        return None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def ts14(when: datetime) -> str:
    """The Wayback 14-digit timestamp of a time."""
    return when.astimezone(UTC).strftime("%Y%m%d%H%M%S")


def parse_ts14(text: str) -> datetime | None:
    """A 1-14 digit Wayback timestamp as aware UTC (missing digits are the earliest)."""
    if not text.isdigit() or not 4 <= len(text) <= 14:
        return None
    padded = text + "0101000000"[len(text) - 4 :] if len(text) < 14 else text
    try:
        return datetime.strptime(padded, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    except ValueError:
        return None


def parse_link_format(text: str) -> tuple[list[tuple[str, dict[str, str]]], int]:
    """Split application/link-format into (URI, params); count unparseable pieces."""
    links: list[tuple[str, dict[str, str]]] = []
    malformed, end = 0, 0
    for match in _LINK.finditer(text):
        if text[end : match.start()].strip(" \t\r\n,"):
            malformed += 1
        params = {
            m.group(1).lower(): m.group(2) if m.group(2) is not None else m.group(3)
            for m in _PARAM.finditer(match.group(2))
        }
        links.append((match.group(1), params))
        end = match.end()
    if text[end:].strip(" \t\r\n,"):
        malformed += 1
    return links, malformed


def parse_timemap(text: str) -> IndexResult:
    """The mementos of a TimeMap (any rel containing ``memento``), oldest first."""
    links, malformed = parse_link_format(text)
    captures = []
    for uri, params in links:
        if "memento" not in params.get("rel", "").split():
            continue
        when = parse_http_date(params.get("datetime"))
        if when is None:
            malformed += 1
            continue
        captures.append(Capture(when=when, url=uri))
    return IndexResult(tuple(sorted(captures, key=lambda c: c.when)), malformed)


def _status(value: object) -> int | None:
    return int(value) if isinstance(value, str) and value.isdigit() else None


def parse_ia_cdx(text: str) -> IndexResult:
    """The Internet Archive's CDX JSON: an array of arrays, the first row naming the fields."""
    try:
        rows = json.loads(text) if text.strip() else []
    except json.JSONDecodeError:
        return IndexResult((), 1)
    if not isinstance(rows, list) or not rows:
        return IndexResult((), 0 if rows == [] else 1)
    header, captures, malformed = rows[0], [], 0
    if not isinstance(header, list) or "timestamp" not in header or "original" not in header:
        return IndexResult((), len(rows))
    for row in rows[1:]:
        if not isinstance(row, list) or len(row) != len(header):
            malformed += 1
            continue
        fields = dict(zip(header, row, strict=True))
        when = parse_ts14(str(fields["timestamp"]))
        if when is None:
            malformed += 1
            continue
        captures.append(Capture(when, str(fields["original"]), _status(fields.get("statuscode"))))
    return IndexResult(tuple(sorted(captures, key=lambda c: c.when)), malformed)


def parse_pywb_cdx(text: str) -> IndexResult:
    """pywb's CDX with output=json: one JSON object per line (NDJSON), not IA's array."""
    captures, malformed = [], 0
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError:
            malformed += 1
            continue
        when = parse_ts14(str(item.get("timestamp", ""))) if isinstance(item, dict) else None
        if when is None or not isinstance(item, dict) or "url" not in item:
            malformed += 1
            continue
        captures.append(Capture(when, str(item["url"]), _status(item.get("status"))))
    return IndexResult(tuple(sorted(captures, key=lambda c: c.when)), malformed)


def parse_cdx(text: str) -> IndexResult:
    """Either CDX JSON form, told apart by the first character."""
    return parse_ia_cdx(text) if text.lstrip().startswith("[") else parse_pywb_cdx(text)


def cdx_endpoints(base: str) -> list[str]:
    """Where an archive's CDX server may be: IA's beside ``/web``, pywb's under the collection."""
    base = base.rstrip("/")
    parent = base.rsplit("/", 1)[0] if urlsplit(base).path.strip("/") else base
    return list(dict.fromkeys([f"{parent}/cdx/search/cdx", f"{base}/cdx/search/cdx"]))


def memento_time(fetched: Fetched, memento_url: str) -> datetime | None:
    """Memento-Datetime, or the 14 digits in the URI-M when the header is missing."""
    when = parse_http_date(fetched.headers.get("memento-datetime"))
    if when is None:
        match = _TS_IN_URL.search(memento_url)
        when = parse_ts14(match.group(1)) if match else None
    return when


def timegate_answer(fetched: Fetched, base: str) -> tuple[str, datetime] | None:
    """Where a TimeGate pointed: 302 + Location (IA) or 200 + Content-Location (pywb)."""
    if fetched.status in (301, 302, 303, 307, 308):
        target = fetched.headers.get("location")
    elif fetched.status == 200:
        target = fetched.headers.get("content-location") or fetched.final_url
    else:
        return None
    if not target:
        return None
    url = urljoin(fetched.final_url or base, target.strip())
    when = memento_time(fetched, url)
    return (url, when) if when is not None else None


def raw_url(base: str, when: datetime, original: str) -> str:
    """The URI-M of a capture's original bytes (``id_``: no rewriting, no banner)."""
    return f"{base.rstrip('/')}/{ts14(when)}id_/{original}"


async def fetch_index(session: Session, base: str, url: str, *, index: str) -> Fetched:
    """Ask the TimeMap (or the CDX server) of one archive; 404 means no captures."""
    if index == "timemap":
        return await session.fetch(f"{base.rstrip('/')}/timemap/link/{url}", kind="index")
    fetched = Fetched(url=base, final_url=base)
    for endpoint in cdx_endpoints(base):
        # The URL is one query parameter: its own '?', '&' and '=' must be escaped.
        query = f"url={quote(url, safe=':/')}&output=json"
        fetched = await session.fetch(f"{endpoint}?{query}", kind="index")
        if fetched.status != 404:
            break
    return fetched


async def ask_timegate(session: Session, base: str, url: str, when: datetime | None) -> Fetched:
    """Ask the TimeGate for the memento nearest ``when`` (the latest when None)."""
    headers = {"Accept-Datetime": http_date(when)} if when is not None else {}
    return await session.fetch(f"{base.rstrip('/')}/{url}", headers=headers, follow=False)
