"""Wayback Machine addresses: the original URL inside, and the 14-digit capture time.

``https://web.archive.org/web/20190304050607/http://example.com/a`` names a copy kept by the
Internet Archive (a mirror location), the page it copied (``http://example.com/a``) and when
it was captured (2019-03-04T05:06:07Z; Wayback timestamps are UTC). An ``id_``/``im_``-style
modifier after the timestamp selects a rendering and is ignored.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from provenance.extract.interface import Page
from provenance.extract.scan import time_candidate, trim_url, url_candidate, windows
from provenance.models import Candidate
from provenance.urls import is_mirror_or_navigation, unwrap_wayback

_WAYBACK_URL = re.compile(
    r"https?://(?:web\.|www\.|wayback\.)?archive\.org/web/\d{4,14}(?:[a-z]{2}_)?/[^\s<>\"'\]\[`]+",
    re.IGNORECASE,
)


class WaybackExtractor:
    """Wayback Machine URLs anywhere in the scanned text."""

    name = "wayback"

    def extract(self, page: Page) -> Iterator[Candidate]:
        """Propose the unwrapped original, the capture time and the archive copy."""
        for base, chunk in windows(page):
            for match in _WAYBACK_URL.finditer(chunk):
                url = trim_url(match.group(0))
                if url.endswith(")") and "](" in chunk[max(0, match.start() - 600) : match.start()]:
                    url = url[:-1]  # the closing bracket of a markdown link
                unwrapped = unwrap_wayback(url)
                if unwrapped is None:
                    continue
                original, moment = unwrapped
                offset = base + match.start()
                if moment is not None:
                    yield time_candidate(
                        page, offset, url, rule="wayback.timestamp", confidence=0.85,
                        moment=moment, field="captured",
                    )  # fmt: skip
                copy = url_candidate(
                    page, offset, url, rule="mirror.wayback", confidence=0.6, url=url,
                    field="mirror_url",
                )  # fmt: skip
                if copy is not None:
                    yield copy
                if not is_mirror_or_navigation(original):
                    found = url_candidate(
                        page, offset, url, rule="wayback.original", confidence=0.7, url=original
                    )
                    if found is not None:
                        yield found
