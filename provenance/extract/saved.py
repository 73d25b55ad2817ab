"""Banners that saving tools and page caches write into the copy: where it came from, and when.

* Internet Explorer and its successors mark a saved page
  ``<!-- saved from url=(0049)https://… -->`` (the "mark of the web"; the number is the
  address's length).
* HTTrack: ``<!-- Mirrored from www.example.com/a.html by HTTrack Website Copier/3.x […],
  Tue, 20 Apr 2021 02:00:00 GMT -->`` (the address without its scheme, then the time of the
  copy).
* SingleFile: a leading comment ``Page saved with SingleFile``, ``url: …``,
  ``saved date: <JavaScript date>``.
* A page saved from the Wayback Machine ends with ``FILE ARCHIVED ON 05:06:07 Mar 04, 2019 AND
  RETRIEVED FROM THE INTERNET ARCHIVE ON …`` (UTC) and may keep the toolbar's address box.
* archive.today's header: ``Saved from`` + the address, ``archived 13 Apr 2021 10:22:33 UTC``.
* A search engine's cache: ``This is Google's cache of <url>. It is a snapshot of the page as
  it appeared on 13 Apr 2021 10:00:00 GMT.``

Each names the original (confidence 0.9; the Wayback toolbar's box 0.85) and the capture
time (0.9), never the publication time.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from provenance.extract.interface import Page
from provenance.extract.scan import (
    URL_RE,
    original_candidates,
    time_candidate,
    trim_url,
    windows,
)
from provenance.models import Candidate
from provenance.timestamps import Moment, parse_english, parse_js_date, parse_rfc2822
from provenance.urls import is_mirror_or_navigation

_MOTW = re.compile(r"<!--\s*saved from url=\(\d{1,5}\)(?P<url>[^\s<>]{1,2048}?)\s*-->", re.I)
# The mark of the web may name a security zone instead of an address: about:internet, or
# http://internet.e-mail for a page saved from an e-mail. Neither is where the page was.
_MOTW_ZONES = frozenset({"about:internet", "http://internet.e-mail", "http://internet.e-mail/"})
_HTTRACK = re.compile(
    r"<!--\s*Mirrored from (?P<url>[^\s<>]{1,2048}) by HTTrack Website Copier/[^,\n]{0,80},"
    r"\s*(?P<date>[^<>\n]{10,60}?)\s*-->"
)
_SINGLEFILE = re.compile(
    r"Page saved with SingleFile\s{0,20}(?:url:\s*(?P<url>[^\s<>]{1,2048})\s{0,20})?"
    r"(?:saved date:\s*(?P<date>[^\n<>]{10,90}?)\s*(?:\n|-->))?"
)
_WAYBACK_FOOTER = re.compile(
    r"FILE ARCHIVED ON (?P<H>\d{1,2}):(?P<M>\d{2}):(?P<S>\d{2})"
    r" (?P<date>[A-Z][a-z]{2} \d{1,2}, \d{4})\s+AND RETRIEVED"
)
_TOOLBAR = re.compile(r"<!-- BEGIN WAYBACK TOOLBAR INSERT -->|<div id=\"wm-ipp")
_TOOLBAR_BOX = re.compile(
    r"<input\b[^<>]{0,300}?\bname=\"url\"[^<>]{0,300}?\bvalue=\"(?P<url>https?://[^\"<>]{1,2048})\""
)
_SAVED_FROM = re.compile(r"\bSaved from\b")
_ARCHIVED = re.compile(r"\barchived (?P<date>\d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} UTC)")
_CACHE = re.compile(
    r"\bcache of\s*(?:<a\b[^<>]{0,300}?\bhref=\"(?P<href>https?://[^\"<>]{1,2048})\""
    r"|(?P<bare>https?://[^\s<>\"]{1,2048}))"
)
_APPEARED = re.compile(r"as it appeared on (?P<date>[^<>\n]{10,40}?(?:GMT|UTC))")
_REACH = 800


class SavedBannerExtractor:
    """The original and the capture time that a saving tool or cache wrote into the copy."""

    name = "saved"
    markers = (
        "saved from url=", "Mirrored from", "SingleFile", "FILE ARCHIVED ON", "WAYBACK TOOLBAR",
        "wm-ipp", "Saved from", "cache of",
    )  # fmt: skip

    def extract(self, page: Page) -> Iterator[Candidate]:
        """Propose originals and capture times from saver banners."""
        for base, chunk in windows(page):
            for match in _MOTW.finditer(chunk):
                if match["url"].lower() in _MOTW_ZONES:
                    continue
                yield from _original(page, base + match.start(), match, match["url"], "saved.motw")
            for match in _HTTRACK.finditer(chunk):
                # HTTrack drops the scheme, so the address is weaker evidence (0.8) than the
                # page's own canonical link or og:url, which keep theirs.
                url = match["url"] if "://" in match["url"] else "http://" + match["url"]
                yield from _original(page, base + match.start(), match, url, "saved.httrack", 0.8)
                yield from _captured(page, base + match.start(), match, "saved.httrack")
            for match in _SINGLEFILE.finditer(chunk):
                if match["url"]:
                    yield from _original(
                        page, base + match.start(), match, match["url"], "saved.singlefile"
                    )
                yield from _captured(page, base + match.start(), match, "saved.singlefile")
            yield from _wayback(page, base, chunk)
            yield from _archive_today(page, base, chunk)
            for match in _CACHE.finditer(chunk):
                url = match["href"] or trim_url(match["bare"] or "")
                yield from _original(page, base + match.start(), match, url, "saved.cache")
                appeared = _APPEARED.search(chunk, match.end(), match.end() + _REACH)
                if appeared is not None:
                    yield from _captured(page, base + appeared.start(), appeared, "saved.cache")


def _original(
    page: Page, offset: int, match: re.Match[str], url: str, rule: str, confidence: float = 0.9
) -> Iterator[Candidate]:
    yield from original_candidates(
        page, offset, match.group(0), url=url, rule=rule, confidence=confidence
    )


def _captured(page: Page, offset: int, match: re.Match[str], rule: str) -> Iterator[Candidate]:
    written = match["date"]
    if not written:
        return
    moment = parse_rfc2822(written) or parse_js_date(written)
    if moment is not None:
        yield time_candidate(
            page, offset, match.group(0), rule=rule, confidence=0.9, moment=moment,
            field="captured",
        )  # fmt: skip


def _wayback(page: Page, base: int, chunk: str) -> Iterator[Candidate]:
    for match in _WAYBACK_FOOTER.finditer(chunk):
        day = parse_english(match["date"])
        if day is None or day.month is None or day.day is None:
            continue
        moment = Moment(
            day.year, day.month, day.day, int(match["H"]), int(match["M"]), int(match["S"]),
            None, 0, True,
        )  # fmt: skip
        yield time_candidate(
            page, base + match.start(), match.group(0), rule="saved.wayback-footer",
            confidence=0.9, moment=moment, field="captured",
        )  # fmt: skip
    toolbar = _TOOLBAR.search(chunk)
    if toolbar is not None:
        box = _TOOLBAR_BOX.search(chunk, toolbar.start(), toolbar.start() + 20_000)
        if box is not None:
            yield from _original(
                page, base + box.start(), box, box["url"], "saved.wayback-toolbar", 0.85
            )


def _archive_today(page: Page, base: int, chunk: str) -> Iterator[Candidate]:
    label = _SAVED_FROM.search(chunk)
    if label is None:
        return
    for found in URL_RE.finditer(chunk, label.end(), label.end() + _REACH):
        url = trim_url(found.group(0))
        if not is_mirror_or_navigation(url):
            yield from _original(page, base + label.start(), found, url, "saved.archive-today")
            break
    archived = _ARCHIVED.search(chunk, label.end(), label.end() + 2 * _REACH)
    if archived is not None:
        yield from _captured(page, base + archived.start(), archived, "saved.archive-today")
