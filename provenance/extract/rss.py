"""Feed XML kept as is: an RSS ``<item>`` or an Atom ``<entry>``.

Only the first item or entry is read: a saved feed names its channel's home page first (a
navigation link) and then its items, newest first; the copy is of that item.

* RSS 2.0: ``<link>URL</link>``, ``<guid isPermaLink="true">URL</guid>``,
  ``<pubDate>Tue, 13 Apr 2021 02:00:00 GMT</pubDate>``; RSS 1.0 and Dublin Core ``<dc:date>``.
* Atom: ``<link rel="alternate" href="URL"/>`` (a link without ``rel`` is an alternate),
  ``<published>``. ``<updated>`` is the last edit, never the publication.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

from provenance.extract.interface import Page
from provenance.extract.scan import (
    attributes,
    original_candidates,
    text_candidate,
    time_candidate,
)
from provenance.models import Candidate
from provenance.timestamps import parse_any

_ITEM = re.compile(r"<(?P<tag>item|entry)\b[^<>]{0,500}>", re.I)
_ITEM_CHARS = 64 * 1024
_FIELD = re.compile(
    r"<(?P<tag>link|guid|pubDate|published|dc:date|dcterms:issued|dcterms:created|title)\b"
    r"(?P<attrs>[^<>]{0,1000}?)"
    r"(?:/>|>(?P<text><!\[CDATA\[[^\]]{0,2048}\]\]>|[^<]{0,2048})</(?P=tag)>)",
    re.I,
)
_CDATA = re.compile(r"<!\[CDATA\[(?P<text>.*?)\]\]>", re.S)
_DATES = {
    "pubdate": 0.9, "published": 0.9, "dc:date": 0.85, "dcterms:issued": 0.85,
    "dcterms:created": 0.8,
}  # fmt: skip


class FeedItemExtractor:
    """The first RSS item's or Atom entry's link, date and title."""

    name = "rss"
    markers = ("<item", "<entry")

    def extract(self, page: Page) -> Iterator[Candidate]:
        """Propose the item's own link, its publication time and its title."""
        text = page.text
        item = _ITEM.search(text)
        if item is None:
            return
        closing = text.find(f"</{item['tag']}", item.end(), item.end() + _ITEM_CHARS)
        end = closing if closing >= 0 else min(len(text), item.end() + _ITEM_CHARS)
        for match in _FIELD.finditer(text, item.end(), end):
            yield from _field(page, match)


def _field(page: Page, match: re.Match[str]) -> Iterator[Candidate]:
    tag, attrs = match["tag"].lower(), attributes(match["attrs"] or "")
    value = (match["text"] or "").strip()
    cdata = _CDATA.fullmatch(value)
    value = html.unescape(cdata["text"] if cdata else value).strip()
    offset, raw = match.start(), match.group(0)
    if tag == "link":
        href = attrs.get("href")
        if href is not None:  # Atom
            if attrs.get("rel", "alternate").lower() == "alternate":
                yield from original_candidates(
                    page, offset, raw, url=href, rule="atom.link", confidence=0.85
                )
        elif value:
            yield from original_candidates(
                page, offset, raw, url=value, rule="rss.link", confidence=0.85
            )
    elif tag == "guid":
        if value and attrs.get("ispermalink", "true").lower() == "true":
            yield from original_candidates(
                page, offset, raw, url=value, rule="rss.guid", confidence=0.8
            )
    elif tag in _DATES and value:
        moment = parse_any(value)
        if moment is not None:
            yield time_candidate(
                page, offset, raw, rule="atom.published" if tag == "published" else "rss.date",
                confidence=_DATES[tag], moment=moment,
            )  # fmt: skip
    elif tag == "title" and value:
        found = text_candidate(
            page, offset, raw, rule="rss.title", confidence=0.85, value=value, field="title"
        )
        if found is not None:
            yield found
