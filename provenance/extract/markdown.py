"""Markdown mirrors: the article's title as the page's opening ``#``/``##``/``###`` heading."""

from __future__ import annotations

import re
from collections.abc import Iterator

from provenance.extract.interface import Page
from provenance.extract.scan import MD_TEXT, md_unescape, strip_tags, text_candidate
from provenance.models import Candidate

_HEADING = re.compile(r"\A(?:[ \t]*(?:<!--[^\n]*-->)?[ \t]*\n)*[ \t]{0,3}#{1,3}[ \t]+(?P<t>[^\n]+)")
_LINKED = re.compile(rf"^\[(?P<t>{MD_TEXT})\]\(.*\)$")


class MarkdownHeadingExtractor:
    """The opening heading of a markdown page."""

    name = "markdown"

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
