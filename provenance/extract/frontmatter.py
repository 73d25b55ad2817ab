"""Front matter: the YAML (``---``) or TOML (``+++``) block that opens a static-site page.

Jekyll, Hugo, Eleventy, Astro and note-taking clippers (Obsidian Web Clipper, MarkDownload)
open a Markdown file with ``key: value`` (YAML) or ``key = value`` (TOML) lines between two
fences. The keys are conventional:

* publication: ``date``, ``publishDate``, ``published``, ``pubDate``, ``date_published`` …
  (``lastmod``, ``updated`` and ``modified`` name later edits and are not used);
* capture: ``created``, ``clipped``, ``saved``, ``archived`` — a clipper's time of saving;
* original: ``original_url``, ``source``, ``source_url``, ``canonical_url``, ``link``,
  ``permalink``, ``url`` (a site-relative ``url: /2021/04/13/x/`` is the mirror's own path
  and is never an original);
* ``title``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from provenance.extract.interface import Page
from provenance.extract.scan import original_candidates, text_candidate, time_candidate
from provenance.models import Candidate
from provenance.timestamps import parse_any

_BLOCK = 16 * 1024
_OPEN = re.compile(r"\A(?:\ufeff)?[ \t]*\n?(?P<fence>---|\+\+\+)[ \t]*\n")
_LINE = re.compile(
    r"^(?P<key>[A-Za-z][\w.-]{0,40})[ \t]*(?P<sep>:|=)[ \t]*(?P<value>[^\n]{1,2048})$", re.M
)
_PUBLISHED = {
    "date": 0.85, "publishdate": 0.9, "publish_date": 0.9, "published": 0.9,
    "published_at": 0.9, "publishedat": 0.9, "pubdate": 0.9, "pub_date": 0.9,
    "date_published": 0.9, "datepublished": 0.9, "publication_date": 0.9, "issued": 0.85,
}  # fmt: skip
_CAPTURED = frozenset({"created", "clipped", "saved", "archived", "captured", "fetched"})
_URLS = {
    "original_url": 0.9, "originalurl": 0.9, "original": 0.9, "original_link": 0.9,
    "source": 0.9, "source_url": 0.9, "sourceurl": 0.9, "canonical_url": 0.9,
    "canonicalurl": 0.9, "canonical": 0.9, "link": 0.8, "permalink": 0.8, "url": 0.8,
}  # fmt: skip
# A zone-less time or a note may follow the date ("2021-04-20T10:00:00 (UTC +08:00)").
_DATE_HEAD = re.compile(
    r"[^\s(]+(?:[ T]\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:\s?[+-]\d{2}:?\d{2}|Z)?)?"
)


class FrontMatterExtractor:
    """Dates, the original and the title named in a page's front matter."""

    name = "frontmatter"
    markers = ("---", "+++")

    def extract(self, page: Page) -> Iterator[Candidate]:
        """Propose what the front matter's keys state."""
        text = page.text
        opening = _OPEN.match(text)
        if opening is None:
            return
        fence = opening["fence"]
        close = re.compile(rf"^{re.escape(fence)}[ \t]*$", re.M).search(
            text, opening.end(), opening.end() + _BLOCK
        )
        if close is None:
            return
        for line in _LINE.finditer(text, opening.end(), close.start()):
            yield from _entry(page, line)


def _entry(page: Page, line: re.Match[str]) -> Iterator[Candidate]:
    key = line["key"].lower().replace("-", "_")
    value = _unquote(line["value"])
    offset, raw = line.start(), line.group(0)
    if key in _PUBLISHED or key in _CAPTURED:
        head = _DATE_HEAD.match(value)
        moment = parse_any(head.group(0)) if head else None
        if moment is None:
            return
        captured = key in _CAPTURED
        yield time_candidate(
            page, offset, raw, rule="frontmatter.captured" if captured else "frontmatter.date",
            confidence=0.7 if captured else _PUBLISHED[key], moment=moment,
            field="captured" if captured else "published",
        )  # fmt: skip
    elif key in _URLS:
        yield from original_candidates(
            page, offset, raw, url=value, rule="frontmatter.url", confidence=_URLS[key]
        )
    elif key == "title":
        found = text_candidate(
            page, offset, raw, rule="frontmatter.title", confidence=0.85, value=value,
            field="title",
        )  # fmt: skip
        if found is not None:
            yield found


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return re.sub(r"\s+#.*$", "", value)  # a YAML/TOML comment after the value
