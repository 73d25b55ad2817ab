"""Elements named as dates: ``<span class="date">2021-04-13 08:30 (UTC)</span>``.

Themes and site templates print the publication date in an element whose class, id,
``itemprop`` or ``name`` says so (``date``, ``post-date``, ``entry-date``, ``pubtime``,
``timestamp``, ``dateline``, ``posted-on``), and often outside the page's header: in an
article footer, a sidebar, or after the lead paragraph. The element's text is read, with
at most a short lead (``Posted on``, ``发布于``) before the date.

An element named for an edit (``modified``, ``updated``, ``edit``, ``revised``) or for a
comment or reply never holds the publication date, and only the first named element that
carries a date is proposed: later ones belong to comments and related items.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from provenance.extract.interface import Page
from provenance.extract.patterns import LazyPattern, keyword_trie
from provenance.extract.scan import attributes, plain_text, squash, time_candidate, windows
from provenance.models import Candidate
from provenance.timestamps import ANY_DATE_PATTERN, parse_any

# How a date word stands in a naming attribute: after a hyphen or an underscore
# ("post-date", "entry-date", "article__date", "pub_time", name="publish_time"), first in
# the value (class="date", class="timestamp", id="pubtime"), or run together (pubdate,
# postDate, posted-on). The markers begin only with characters that other families'
# markers begin with: the one marker scan of the page tries a marker where its first
# character is, and a new common first letter ("d", "t") would cost every page.
_WORDS = ("date", "Date", "time", "Time", "posted", "publish")
_MARKERS = (
    *(mark + word for mark in "-_" for word in _WORDS),
    *(f"{name}={quote}{word}" for name in ("class", "id", "itemprop") for quote in "\"'"
      for word in ("date", "time", "pub", "post")),
    "pubdate", "pubDate", "pubtime", "pubTime", "postDate", "postTime", "posted", "publish",
)  # fmt: skip
_WORD = keyword_trie(_MARKERS)
_OPEN = re.compile(r"<(?P<tag>[A-Za-z][\w-]{0,15})\b(?P<attrs>[^<>]{0,1000}+)>")
_NAMING = ("class", "id", "itemprop", "name")
# The words of an attribute value, camelCase split: "datePublished" → date, published.
_PARTS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
_DATE_WORDS = frozenset(
    {
        "date", "time", "pubdate", "pubtime", "publish", "published", "publishdate",
        "publishtime", "posted", "postdate", "posttime", "timestamp", "datetime", "dateline",
        "entrydate", "articledate",
    }
)  # fmt: skip
_NOT_PUBLICATION = ("modif", "updat", "edit", "revis", "lastmod", "comment", "reply", "expir")
# Elements without text of their own, or whose text is code or a form's value.
_VOID = frozenset({"meta", "link", "input", "img", "br", "hr", "script", "style", "option"})
_DATE_IN = LazyPattern(rf"(?P<date>{ANY_DATE_PATTERN})")
_EDIT_TEXT = re.compile(r"updated|modified|edited|更新|修改|修訂|修订", re.IGNORECASE)
_BACK = 400  # how far back a word's opening "<" may be: attribute lists are short
_INNER = 400  # how far the element's closing tag may be
_TEXT_CHARS = 100  # an element holding more than this is a container, not a date
_LEAD_CHARS = 24  # "Posted on", "Published", "发布于": a short lead before the date
_CONFIDENCE = 0.6


class DateElementExtractor:
    """The first element whose class, id, itemprop or name marks it as a date."""

    name = "element"
    markers = _MARKERS

    def extract(self, page: Page) -> Iterator[Candidate]:
        """Propose the publication date held by the first date-named element."""
        if "<" not in page.text:
            return
        for base, chunk in windows(page):
            found = _first(page, base, chunk)
            if found is not None:
                yield found
                return


def _first(page: Page, base: int, chunk: str) -> Candidate | None:
    hit = _WORD.search(chunk)
    while hit is not None:
        pos = hit.start()
        opening = chunk.rfind("<", max(0, pos - _BACK), pos)
        inside = opening > chunk.rfind(">", max(0, pos - _BACK), pos)
        tag = _OPEN.match(chunk, opening) if inside else None
        if tag is None or tag.end() <= pos:
            hit = _WORD.search(chunk, hit.end())
            continue
        found = _element(page, base, chunk, tag)
        if found is not None:
            return found
        hit = _WORD.search(chunk, tag.end())
    return None


def _element(page: Page, base: int, chunk: str, tag: re.Match[str]) -> Candidate | None:
    name = tag["tag"].lower()
    if name in _VOID or not _named_as_date(attributes(tag["attrs"])):
        return None
    close = chunk.find("</" + tag["tag"], tag.end(), tag.end() + _INNER)
    if close < 0:
        close = chunk.find("<", tag.end(), tag.end() + _INNER)
    if close < 0:
        return None
    flat = squash(plain_text(chunk[tag.end() : close]))
    if not flat or len(flat) > _TEXT_CHARS:
        return None
    match = _DATE_IN.search(flat)
    if match is None or match.start() > _LEAD_CHARS or _EDIT_TEXT.search(flat, 0, match.start()):
        return None
    moment = parse_any(match["date"])
    if moment is None:
        return None
    raw = tag.group(0) + flat
    return time_candidate(
        page, base + tag.start(), raw, rule="html.date-class", confidence=_CONFIDENCE,
        moment=moment,
    )  # fmt: skip


def _named_as_date(attrs: dict[str, str]) -> bool:
    """True when a naming attribute says date and none says edit, comment or reply."""
    dated = False
    for key in _NAMING:
        words = [part.lower() for part in _PARTS.findall(attrs.get(key, ""))]
        if any(word.startswith(_NOT_PUBLICATION) for word in words):
            return False
        dated = dated or not _DATE_WORDS.isdisjoint(words)
    return dated
