"""Markdown mirrors: the article's title as the page's opening ``#``/``##``/``###`` heading.

Periodicals and digests carry their issue date in brackets at the start or the end of the
title (``### (2013年10月12日) 明慧期刊：天地苍生（第44期）``,
``### 每日三退声明精选（2019/11/04）``): that date is proposed at low confidence (0.6), below
any dateline or metadata.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from provenance.extract.interface import Page
from provenance.extract.patterns import LazyPattern
from provenance.extract.scan import MD_TEXT, md_unescape, strip_tags, text_candidate, time_candidate
from provenance.models import Candidate
from provenance.timestamps import ANY_DATE_PATTERN, parse_any

_HEADING = re.compile(r"\A(?:[ \t]*(?:<!--[^\n]*-->)?[ \t]*\n)*[ \t]{0,3}#{1,3}[ \t]+(?P<t>[^\n]+)")
_LINKED = re.compile(rf"^\[(?P<t>{MD_TEXT})\]\(.*\)$")
_BRACKETED_DATE = LazyPattern(
    rf"^[(（【\[]\s*(?P<first>{ANY_DATE_PATTERN})\s*[)）】\]]|[(（【\[]\s*(?P<last>{ANY_DATE_PATTERN})\s*[)）】\]]$"
)


class MarkdownHeadingExtractor:
    """The opening heading of a markdown page."""

    name = "markdown"
    markers = ("#",)

    def extract(self, page: Page) -> Iterator[Candidate]:
        """Propose the first heading as the title."""
        match = _HEADING.match(page.text[:4096])
        if match is None:
            return
        title = match["t"].strip().rstrip("#").strip()
        linked = _LINKED.match(title)
        if linked is not None:
            title = linked["t"]
        found = text_candidate(
            page, match.start("t"), match.group("t"), rule="markdown.heading", confidence=0.9,
            value=md_unescape(strip_tags(title)), field="title",
        )  # fmt: skip
        if found is not None:
            yield found
        dated = _BRACKETED_DATE.search(title.strip())
        moment = parse_any(dated["first"] or dated["last"]) if dated else None
        if dated is not None and moment is not None:
            yield time_candidate(
                page, match.start("t"), match.group("t"), rule="markdown.heading-date",
                confidence=0.6, moment=moment,
            )  # fmt: skip
