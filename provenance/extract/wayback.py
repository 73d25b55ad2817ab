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
from provenance.extract.scan import (
    original_candidates,
    time_candidate,
    trim_url,
    url_candidate,
    windows,
)
from provenance.models import Candidate
from provenance.timestamps import parse_wayback
from provenance.urls import is_asset, unwrap_wayback

_WAYBACK_URL = re.compile(
    r"https?://(?:(?:web\.|www\.|wayback\.)?archive\.org/web/\d{4,14}(?P<mod>[a-z]{2}_)?/"
    # other archives' Memento addresses (see provenance.urls): a full stamp, then http(s)
    r"|[\w.-]{1,253}(?::\d{1,5})?/(?:[\w.~-]{1,40}/){0,3}?(?:\d{14}|\d{4}\.\d{2}\.\d{2}-\d{6})"
    r"(?P<mod2>[a-z]{2}_)?/(?=https?:))[^\s<>\"'\]\[`]{1,2048}+",
    re.IGNORECASE,
)
# Modifiers that fetch a page's parts (style, script, image, embed), not the page itself.
_ASSET_MODIFIERS = frozenset({"cs_", "js_", "im_", "oe_"})
# A page saved from the Wayback Machine names its original and timestamp in the player
# script: __wm.wombat("http://example.com/news/1.html","20190304050607",…).
_WOMBAT = re.compile(r'__wm\.wombat\(\s*"(?P<url>[^"\s]{1,2048})"\s*,\s*"(?P<stamp>\d{14})"')


class WaybackExtractor:
    """Wayback Machine URLs anywhere in the scanned text."""

    name = "wayback"
    markers = ("archive", "__wm.wombat")

    def extract(self, page: Page) -> Iterator[Candidate]:
        """Propose the unwrapped original, the capture time and the archive copy."""
        for base, chunk in windows(page):
            for player in _WOMBAT.finditer(chunk):
                yield from _wombat(page, base, player)
            for match in _WAYBACK_URL.finditer(chunk):
                url = trim_url(match.group(0))
                unwrapped = unwrap_wayback(url)
                modifier = (match["mod"] or match["mod2"] or "").lower()
                if unwrapped is None or modifier in _ASSET_MODIFIERS or is_asset(unwrapped[0]):
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
                yield from original_candidates(
                    page, offset, url, url=original, rule="wayback.original", confidence=0.7
                )


def _wombat(page: Page, base: int, player: re.Match[str]) -> Iterator[Candidate]:
    offset = base + player.start()
    moment = parse_wayback(player["stamp"])
    if moment is not None:
        yield time_candidate(
            page, offset, player.group(0), rule="wayback.player", confidence=0.9, moment=moment,
            field="captured",
        )  # fmt: skip
    yield from original_candidates(
        page, offset, player.group(0), url=player["url"], rule="wayback.player", confidence=0.85
    )
