"""Feed mirrors: a linked title under a rule line, and an epoch time in a leading comment.

Feed mirrors (feedx.net and the like, seed 002) write each item as markdown: the item's
title linked to the article, a ``------`` rule, then the body. The first line is often an
HTML comment holding the time the mirror fetched the item, in Unix milliseconds
(``<!--1618495142000-->``): that is a capture time, not the publication time.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from provenance.extract.interface import Page
from provenance.extract.patterns import hit_lines
from provenance.extract.scan import (
    MD_TEXT,
    MD_URL,
    md_unescape,
    original_candidates,
    strip_tags,
    text_candidate,
    time_candidate,
)
from provenance.models import Candidate
from provenance.timestamps import parse_epoch

_TOP = 8 * 1024
_TITLE_LINK = re.compile(
    rf"^[ \t]{{0,3}}(?:#{{1,3}}[ \t]*)?\[(?P<title>{MD_TEXT})\]"
    rf"\((?P<url>{MD_URL})(?:[ \t]+\"[^\"\n]*\")?\)[ \t]*\n"
    r"(?P<rule>[ \t]*(?:-{3,}|={3,})[ \t]*$)?",
    re.MULTILINE,
)
# Case spelled out rather than re.IGNORECASE, which would stop the fast search for "<".
_HEADING_LINK = re.compile(
    r"<[hH][1-3]\b[^<>]{0,300}+>\s*<[aA]\b(?P<attrs>[^<>]{0,500}+)>(?P<title>[^<]{1,500})"
    r"</[aA]>\s*</[hH][1-3]>"
)
_BRACKET = re.compile(r"\[")
_FIRST_HEADING = re.compile(r"^[ \t]{0,3}#{1,3}[ \t]", re.MULTILINE)
_HREF = re.compile(r"""\bhref\s*=\s*["']?(?P<href>[^"'\s>]+)""", re.IGNORECASE)
_EDGE = 4096
_EPOCH_COMMENT = re.compile(r"<!--\s*(?P<epoch>\d{13}|\d{10})\s*-->")


class FeedExtractor:
    """Feed-item layouts: the linked title and the fetch time comment."""

    name = "feed"
    markers = ("[", "<h1", "<h2", "<h3", "<H1", "<H2", "<H3", "<!--")

    def extract(self, page: Page) -> Iterator[Candidate]:
        """Propose the item link, its title and the capture time."""
        top = page.text[:_TOP]
        first = _first_content_line(top)
        heading = _FIRST_HEADING.search(top)
        opening = {first, heading.start() if heading else -1}
        for start, _ in hit_lines(_BRACKET, top):
            match = _TITLE_LINK.match(top, start)
            # Only a linked title that opens the page, is its first heading (after a cover
            # image, say) or sits on a rule line is the item's own link; linked headings
            # further down, and #### navigation lines, are not.
            if match is None or (match["rule"] is None and match.start() not in opening):
                continue
            title = md_unescape(match["title"])
            yield from _item(page, match.start(), match.group(0), match["url"], title)
        for match in _HEADING_LINK.finditer(top):
            href = _HREF.search(match["attrs"])
            if href is not None:
                yield from _item(page, match.start(), match.group(0), href["href"], match["title"])
        # The stamp is a page-level comment at the very top (or bottom); a number in a comment
        # deep inside a saved page is more likely a build or cache id than a fetch time.
        text = page.text
        edges = ((0, text[:_EDGE]), (len(text) - _EDGE, text[-_EDGE:]))
        for base, chunk in edges if len(text) > 2 * _EDGE else ((0, text),):
            for match in _EPOCH_COMMENT.finditer(chunk):
                moment = parse_epoch(match["epoch"])
                if moment is not None:
                    yield time_candidate(
                        page, base + match.start(), match.group(0), rule="comment.epoch",
                        confidence=0.9, moment=moment, field="captured",
                    )  # fmt: skip


def _first_content_line(top: str) -> int:
    """Offset of the first line that is neither blank nor an HTML comment."""
    start = 0
    while start <= len(top):
        end = top.find("\n", start)
        end = len(top) if end < 0 else end
        text = top[start:end].strip()
        if text and not (text.startswith("<!--") and text.endswith("-->")):
            return start
        start = end + 1
    return -1


def _item(page: Page, offset: int, raw: str, url: str, title: str) -> Iterator[Candidate]:
    links = list(
        original_candidates(page, offset, raw, url=url, rule="feed.title-link", confidence=0.8)
    )
    if not links:
        return
    yield from links
    named = text_candidate(
        page, offset, raw, rule="feed.title-link", confidence=0.85, value=strip_tags(title),
        field="title",
    )  # fmt: skip
    if named is not None:
        yield named
