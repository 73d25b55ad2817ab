"""HTML head metadata: ``<meta>``, ``<link rel=canonical>``, ``<time>``, JSON-LD, ``<title>``.

Pages saved whole (rather than re-rendered as markdown by a mirror) keep the publisher's own
metadata: Open Graph (``og:url``, ``article:published_time``), schema.org microdata
(``itemprop="datePublished"``), Dublin Core (``dc.date``) and JSON-LD ``NewsArticle`` blocks.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from itertools import islice
from typing import Any

from provenance.extract.interface import Page
from provenance.extract.scan import (
    attributes,
    original_candidates,
    strip_tags,
    text_candidate,
    time_candidate,
    windows,
)
from provenance.models import Candidate
from provenance.timestamps import Moment, parse_any, parse_epoch

_TAG = re.compile(r"<(?P<tag>meta|link|time|span|abbr|div|p)\b(?P<attrs>[^<>]{0,2000}+)>", re.I)
_TITLE = re.compile(r"<title\b[^>]{0,200}>(?P<text>[^<]{1,500})</title>", re.I)
_H1_OPEN = re.compile(r"<h1\b[^<>]{0,300}+>", re.I)
_H1_CLOSE = re.compile(r"</h1\s*>", re.I)
_SCRIPT = re.compile(r"<script\b(?P<attrs>[^<>]{0,400}+)>", re.I)
_JSONLD_DATE = re.compile(r'"datePublished"\s*:\s*"(?P<date>[^"]{4,40})"')
_JSONLD_LIMIT = 64 * 1024
_JSONLD_DEPTH = 6
_JSONLD_BLOCKS = 20
_ARTICLE_TYPES = ("article", "posting", "reportage", "newsarticle", "videoobject", "report")
# A video's upload is its publication; dateCreated is used only when nothing else is given.
_JSONLD_DATES = (("datePublished", 0.9), ("uploadDate", 0.85), ("dateCreated", 0.75))

# Metadata names for the publication time, with how much each is trusted.
_PUBLISHED_KEYS = {
    "article:published_time": 0.9, "og:article:published_time": 0.9, "datepublished": 0.9,
    "dc.date.issued": 0.85, "dcterms.issued": 0.85, "dc.date": 0.85, "dcterms.date": 0.85,
    "dcterms.created": 0.8, "dc.date.created": 0.8, "pubdate": 0.8, "publishdate": 0.8,
    "publish_date": 0.8, "publish-date": 0.8, "publication_date": 0.8, "date": 0.75,
    "sailthru.date": 0.8, "parsely-pub-date": 0.8, "article.published": 0.8,
    "og:published_time": 0.85,
}  # fmt: skip
# Any other metadata name that says "published" (article.publication_date, pub-date, …);
# names of edits and expiries are not publication times.
_PUBLISH_NAME = re.compile(r"publish|pub[_.-]?date|publication|issued")
_EDIT_NAME = re.compile(r"modif|updat|expir|edit|revis|review|creat")
_GENERIC_CONFIDENCE = 0.8
# Metadata naming the original of a syndicated or republished copy (Google News'
# original-source and syndication-source), or the article's own address.
_ORIGINAL_KEYS = {
    "original-source": ("meta.original-source", 0.9),
    "syndication-source": ("meta.original-source", 0.85),
    "citation_public_url": ("meta.url-name", 0.8),
    "citation_abstract_html_url": ("meta.url-name", 0.8),
    "parsely-link": ("meta.url-name", 0.8), "dc.identifier": ("meta.url-name", 0.7),
    "dcterms.identifier": ("meta.url-name", 0.7), "source-url": ("meta.url-name", 0.8),
}  # fmt: skip
_EPOCH = re.compile(r"\d{10}|\d{13}")
# hAtom / microformats2 and WordPress themes mark the publication element by class.
_PUBLISHED_CLASS = re.compile(
    r"(?:^|\s)(?:published|dt-published|date-published|entry-date)(?:\s|$)"
)
_EDITED_CLASS = re.compile(r"(?:^|\s)(?:updated|dt-updated|modified|date-modified)(?:\s|$)")
_TEXT_KEYS = {
    "og:title": ("title", 0.8), "twitter:title": ("title", 0.75),
    "og:site_name": ("publisher", 0.8), "application-name": ("publisher", 0.6),
}  # fmt: skip


class HeadMetadataExtractor:
    """Publisher-supplied metadata in the HTML head and in microdata."""

    name = "head"
    markers = (
        "<meta", "<link", "<time", "<title", "<h1", "<abbr", "itemprop", "ld+json", "<META",
        "<LINK", "<TITLE", "published",
    )  # fmt: skip

    def extract(self, page: Page) -> Iterator[Candidate]:
        """Propose times, URLs, titles and publishers from HTML metadata."""
        for base, chunk in windows(page):
            yield from self._tags(page, base, chunk)
            yield from self._jsonld(page, base, chunk)
            yield from _titles(page, base, chunk)

    def _tags(self, page: Page, base: int, chunk: str) -> Iterator[Candidate]:
        plain_time_seen = False
        for match in _TAG.finditer(chunk):
            tag, attrs = match["tag"].lower(), attributes(match["attrs"])
            offset, raw = base + match.start(), match.group(0)
            key = attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or ""
            key = key.lower()
            value = attrs.get("content") or attrs.get("datetime") or ""
            if not value and key == "datepublished":
                # Microdata on a visible element: <span itemprop="datePublished">Apr 13, 2021<
                end = chunk.find("<", match.end(), match.end() + 100)
                value = chunk[match.end() : end if end >= 0 else match.end() + 100]
            classes = attrs.get("class", "").lower()
            if tag == "link":
                yield from _canonical(page, offset, raw, attrs)
            elif key in _PUBLISHED_KEYS and value:
                yield from _dated(page, offset, raw, _meta_moment(value), f"meta.{key}",
                                  _PUBLISHED_KEYS[key])  # fmt: skip
            elif key in _ORIGINAL_KEYS and value:
                rule, confidence = _ORIGINAL_KEYS[key]
                yield from _url(page, offset, raw, value, rule, confidence)
            elif tag == "meta" and value and _is_publish_name(key):
                yield from _dated(page, offset, raw, _meta_moment(value), "meta.publish-name",
                                  _GENERIC_CONFIDENCE)  # fmt: skip
            elif _PUBLISHED_CLASS.search(classes):
                written = attrs.get("datetime") or attrs.get("title") or ""
                moment = parse_any(written) if written else None
                yield from _dated(page, offset, raw, moment, "html.class-published", 0.85)
            elif tag == "time" and "datetime" in attrs:
                if _EDITED_CLASS.search(classes):
                    continue  # the last edit's time, printed beside the publication's
                pubdate = "pubdate" in match["attrs"].lower()
                if not pubdate and plain_time_seen:
                    continue  # only the first plain <time>: later ones are comments, related
                plain_time_seen = plain_time_seen or not pubdate
                yield from _dated(page, offset, raw, parse_any(attrs["datetime"]),
                                  "html.time-pubdate" if pubdate else "html.time",
                                  0.9 if pubdate else 0.7)  # fmt: skip
            elif key in ("og:url", "twitter:url") and value:
                yield from _url(page, offset, raw, value, "meta.og-url", 0.85)
            elif key in _TEXT_KEYS and value:
                field, confidence = _TEXT_KEYS[key]
                found = text_candidate(
                    page, offset, raw, rule=f"meta.{key}", confidence=confidence, value=value,
                    field="title" if field == "title" else "publisher",
                )  # fmt: skip
                if found is not None:
                    yield found

    def _jsonld(self, page: Page, base: int, chunk: str) -> Iterator[Candidate]:
        blocks = (m for m in _SCRIPT.finditer(chunk) if "ld+json" in m["attrs"].lower())
        for opening in islice(blocks, _JSONLD_BLOCKS):
            end = chunk.find("</script>", opening.end(), opening.end() + _JSONLD_LIMIT)
            if end < 0:
                continue
            body = chunk[opening.end() : end]
            try:
                data = json.loads(body)
            except ValueError:
                # Hand-edited blocks often carry a trailing comma; the date is still readable.
                date = _JSONLD_DATE.search(body)
                moment = parse_any(date["date"]) if date else None
                if date is not None and moment is not None:
                    yield time_candidate(
                        page, base + opening.end() + date.start(), date.group(0),
                        rule="jsonld.datePublished", confidence=0.85, moment=moment,
                    )  # fmt: skip
                continue
            for item in _articles(data, 0):
                yield from _jsonld_item(page, base + opening.end(), body, item)


def _dated(
    page: Page, offset: int, raw: str, moment: Moment | None, rule: str, confidence: float
) -> Iterator[Candidate]:
    if moment is not None:
        yield time_candidate(page, offset, raw, rule=rule, confidence=confidence, moment=moment)


def _is_publish_name(key: str) -> bool:
    return bool(_PUBLISH_NAME.search(key)) and not _EDIT_NAME.search(key)


def _meta_moment(value: str) -> Moment | None:
    """A metadata value: any written date, or Unix seconds/milliseconds."""
    value = value.strip()
    if _EPOCH.fullmatch(value):
        return parse_epoch(value)
    return parse_any(value)


def _titles(page: Page, base: int, chunk: str) -> Iterator[Candidate]:
    found: list[tuple[int, str, str, str, float]] = []
    title = _TITLE.search(chunk)
    if title is not None:
        found.append((title.start(), title.group(0), title["text"], "html.title", 0.7))
    # Only the first <h1>, closed within 1000 characters: scanning every unclosed <h1> of a
    # malformed page for its end would be quadratic.
    opening = _H1_OPEN.search(chunk)
    closing = _H1_CLOSE.search(chunk, opening.end(), opening.end() + 1000) if opening else None
    if opening is not None and closing is not None:
        raw = chunk[opening.start() : closing.end()]
        found.append(
            (opening.start(), raw, chunk[opening.end() : closing.start()], "html.h1", 0.65)
        )
    for start, raw, text, rule, confidence in found:
        candidate = text_candidate(
            page, base + start, raw, rule=rule, confidence=confidence, value=strip_tags(text),
            field="title",
        )  # fmt: skip
        if candidate is not None:
            yield candidate


def _articles(data: Any, depth: int) -> Iterator[dict[str, Any]]:
    if depth > _JSONLD_DEPTH:
        return
    if isinstance(data, list):
        for entry in data:
            yield from _articles(entry, depth + 1)
    elif isinstance(data, dict):
        kind = data.get("@type", "")
        kinds = kind if isinstance(kind, list) else [kind]
        if any(isinstance(k, str) and k.lower().endswith(_ARTICLE_TYPES) for k in kinds):
            yield data
        elif "datePublished" in data or "uploadDate" in data:
            yield data
        if "@graph" in data:
            yield from _articles(data["@graph"], depth + 1)


def _jsonld_item(page: Page, base: int, body: str, item: dict[str, Any]) -> Iterator[Candidate]:
    def where(text: str) -> int:
        found = body.find(text)
        return base + (found if found >= 0 else 0)

    for key, confidence in _JSONLD_DATES:
        published = item.get(key)
        if isinstance(published, str) and (moment := parse_any(published)) is not None:
            yield time_candidate(
                page, where(published), published, rule=f"jsonld.{key}", confidence=confidence,
                moment=moment,
            )  # fmt: skip
            break
    url = item.get("url") or item.get("mainEntityOfPage")
    if isinstance(url, dict):
        url = url.get("@id") or url.get("url")
    if isinstance(url, str):
        yield from _url(page, where(url), url, url, "jsonld.url", 0.8)
    headline = item.get("headline") or item.get("name")
    if isinstance(headline, str):
        found = text_candidate(
            page, where(headline), headline, rule="jsonld.headline", confidence=0.8,
            value=headline, field="title",
        )  # fmt: skip
        if found is not None:
            yield found
    publisher = item.get("publisher")
    name = publisher.get("name") if isinstance(publisher, dict) else None
    if isinstance(name, str):
        found = text_candidate(
            page, where(name), name, rule="jsonld.publisher", confidence=0.8, value=name,
            field="publisher",
        )  # fmt: skip
        if found is not None:
            yield found


def _canonical(page: Page, offset: int, raw: str, attrs: dict[str, str]) -> Iterator[Candidate]:
    if "canonical" in attrs.get("rel", "").lower().split() and attrs.get("href"):
        yield from _url(page, offset, raw, attrs["href"], "html.canonical", 0.85)


def _url(
    page: Page, offset: int, raw: str, url: str, rule: str, confidence: float
) -> Iterator[Candidate]:
    yield from original_candidates(page, offset, raw, url=url, rule=rule, confidence=confidence)
