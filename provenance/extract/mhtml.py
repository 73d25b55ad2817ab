"""MHTML saves (``.mht``/``.mhtml``, "Save page as: single file" in Chrome, Edge and Opera).

An MHTML file is a MIME message: top headers, then one part per resource. Chrome writes the
page's address as ``Snapshot-Content-Location`` and the save time as ``Date``; every browser
names each part's address in ``Content-Location``. The HTML part is usually
quoted-printable (``=3D`` for ``=``, ``=`` at a line end for a soft break), which hides its
metadata from the other rules, so :func:`html_view` decodes that part and the other families
read the decoded HTML. The top ``Date`` is when the page was saved: a capture time, never
the publication.
"""

from __future__ import annotations

import base64
import binascii
import quopri
import re
from collections.abc import Iterator
from email.header import decode_header, make_header

from provenance.extract.interface import Page
from provenance.extract.scan import original_candidates, text_candidate, time_candidate
from provenance.models import Candidate
from provenance.timestamps import parse_rfc2822

_HEAD_CHARS = 8 * 1024
_PART_LIMIT = 4 * 1024 * 1024
_HEADER = re.compile(
    r"^(?P<name>[A-Za-z][\w-]{0,60}):[ \t]*(?P<value>[^\n]*(?:\n[ \t]+[^\n]*)*)", re.M
)
_BOUNDARY = re.compile(r"""boundary\s*=\s*(?:"(?P<q>[^"\n]{1,200})"|(?P<b>[^\s;]{1,200}))""", re.I)
_CHARSET = re.compile(r"""charset\s*=\s*"?(?P<c>[\w.:-]{1,40})""", re.I)


def _headers(block: str, base: int) -> dict[str, tuple[int, str]]:
    """Header name (lower case) → (offset, unfolded value), first occurrence kept."""
    found: dict[str, tuple[int, str]] = {}
    for match in _HEADER.finditer(block):
        value = re.sub(r"\n[ \t]+", " ", match["value"]).strip()
        found.setdefault(match["name"].lower(), (base + match.start(), value))
    return found


def _message(text: str) -> tuple[dict[str, tuple[int, str]], int] | None:
    """The top headers of a MIME message (a saved page or an e-mail) and where they end."""
    if _HEADER.match(text) is None:
        return None
    end = text.find("\n\n", 0, _HEAD_CHARS)
    return (_headers(text[:end], 0), end) if end >= 0 else None


def _top(text: str) -> tuple[dict[str, tuple[int, str]], str] | None:
    """The top headers and the boundary of a multipart MHTML file, or None."""
    message = _message(text)
    if message is None:
        return None
    kind = message[0].get("content-type", (0, ""))[1]
    boundary = _BOUNDARY.search(kind)
    if "multipart/related" not in kind.lower() or boundary is None:
        return None
    return message[0], boundary["q"] or boundary["b"]


def _text_part(text: str, boundary: str) -> tuple[dict[str, tuple[int, str]], int, int] | None:
    """The first text/html part (else the first text/plain one): headers, body start, end."""
    marker = "--" + boundary
    plain = None
    start = text.find(marker)
    while start >= 0:
        head_start = text.find("\n", start) + 1
        head_end = text.find("\n\n", head_start, head_start + _HEAD_CHARS)
        if head_start <= 0 or head_end < 0:
            break
        headers = _headers(text[head_start:head_end], head_start)
        body_start = head_end + 2
        end = text.find(marker, body_start)
        end = len(text) if end < 0 else end
        kind = headers.get("content-type", (0, "text/plain"))[1].lower()
        found = headers, body_start, min(end, body_start + _PART_LIMIT)
        if "text/html" in kind:
            return found
        if plain is None and "text/plain" in kind:
            plain = found
        start = end if end < len(text) else -1
    return plain


def html_view(page: Page) -> Page | None:
    """A MIME file's text decoded at its own line numbers: an MHTML file's HTML part, or an
    e-mail's HTML (else plain) part or quoted-printable body; None for other files.

    A saved page's top headers belong to the container (its ``Date`` is the save time) and
    are left out; an e-mail's are the message's own (its ``Date`` is when it was sent) and
    are kept.
    """
    text = page.text
    message = _message(text)
    if message is None:
        return None
    headers, end = message
    kind = headers.get("content-type", (0, ""))[1]
    boundary = _BOUNDARY.search(kind)
    if kind.lower().startswith("multipart/") and boundary is not None:
        part = _text_part(text, boundary["q"] or boundary["b"])
        if part is None:
            return None
        part_headers, body_start, body_end = part
    else:
        part_headers, body_start, body_end = headers, end + 2, min(len(text), end + 2 + _PART_LIMIT)
    saved_page = "multipart/related" in kind.lower()
    decoded = _decode_part(text[body_start:body_end], part_headers, keep=saved_page)
    if decoded is None:
        return None
    prefix = "" if saved_page else text[:end]
    # Blank lines stand in for what lies between, so that a rule's line number is the
    # part's first line plus the line within the decoded part.
    padding = "\n" * text.count("\n", len(prefix), body_start)
    return Page.from_text(
        prefix + padding + decoded, encoding=page.encoding, filename=page.filename
    )


def _decode_part(body: str, headers: dict[str, tuple[int, str]], *, keep: bool) -> str | None:
    """A part's body undone from quoted-printable or base64; a body in neither is returned
    as it is when ``keep`` (a saved page's part), else None (an e-mail needs no view)."""
    encoding = headers.get("content-transfer-encoding", (0, ""))[1].lower()
    if encoding not in ("quoted-printable", "base64"):
        return body if keep else None
    charset = _CHARSET.search(headers.get("content-type", (0, ""))[1])
    raw = body.encode("utf-8", errors="surrogateescape")
    try:
        raw = quopri.decodestring(raw) if encoding == "quoted-printable" else base64.b64decode(raw)
    except (ValueError, binascii.Error):
        return None
    try:
        return raw.decode(charset["c"] if charset else "utf-8", errors="replace")
    except LookupError:
        return raw.decode("utf-8", errors="replace")


class MhtmlExtractor:
    """The address and save time an MHTML file's own headers state."""

    name = "mhtml"
    markers = ("Content-Location:",)

    def extract(self, page: Page) -> Iterator[Candidate]:
        """Propose the saved page's address, the save time and the subject."""
        top = _top(page.text)
        if top is None:
            return
        headers, boundary = top
        if "snapshot-content-location" in headers:
            offset, url = headers["snapshot-content-location"]
            yield from original_candidates(
                page, offset, url, url=url, rule="mhtml.snapshot-location", confidence=0.9
            )
        part = _text_part(page.text, boundary)
        if part is not None and "content-location" in part[0]:
            offset, url = part[0]["content-location"]
            yield from original_candidates(
                page, offset, url, url=url, rule="mhtml.content-location", confidence=0.85
            )
        yield from _saved_at(page, headers)
        if "subject" in headers:
            offset, subject = headers["subject"]
            found = text_candidate(
                page, offset, subject, rule="mhtml.subject", confidence=0.6,
                value=_unfold_words(subject), field="title",
            )  # fmt: skip
            if found is not None:
                yield found


def _saved_at(page: Page, headers: dict[str, tuple[int, str]]) -> Iterator[Candidate]:
    if "date" not in headers:
        return
    offset, value = headers["date"]
    moment = parse_rfc2822(value)
    if moment is None:
        return
    yield time_candidate(
        page, offset, value, rule="mhtml.date", confidence=0.85, moment=moment, field="captured"
    )


def _unfold_words(value: str) -> str:
    """Decode RFC 2047 encoded words (``=?utf-8?Q?…?=``) in a header value."""
    try:
        return str(make_header(decode_header(value)))
    except (ValueError, LookupError, UnicodeDecodeError):
        return value
