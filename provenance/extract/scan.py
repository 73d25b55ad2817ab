"""Shared helpers for extractors: bounded scan windows, tag stripping, candidate builders."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

from provenance.extract.interface import Page
from provenance.models import Candidate, ClaimField
from provenance.timestamps import Moment
from provenance.urls import (
    clean,
    is_asset,
    is_mirror_or_navigation,
    is_rejected_scheme,
    normalize,
    scheme,
    unwrap_wayback,
)

# Metadata sits at the top (head, dateline) or the bottom (source line) of a page. Scanning
# only these windows keeps a 100 MB single-line file to a few milliseconds of regex work.
HEAD_CHARS = 256 * 1024
TAIL_CHARS = 256 * 1024
RAW_LIMIT = 300

TAG_RE = re.compile(r"<[^<>]{0,2000}>")
SPACE_RE = re.compile(r"[\s\u00a0\u3000]+")
ATTR_RE = re.compile(r"""([\w:.\-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
# A bare URL runs to white space or markup; full-width brackets are allowed inside because
# Minghui paths contain them (…法轮大法（图）-368243.html).
URL_RE = re.compile(r"""(?:https?:)?//[^\s<>"'\]\[`]+|www\.[^\s<>"'\]\[`]+""", re.IGNORECASE)
# A markdown link target: balanced parentheses allowed (Wikipedia-style paths), bounded and
# possessive so that an unclosed "](" cannot make the scan quadratic.
MD_URL = r"[^()\s]{1,2048}+(?:\([^()\s]{0,256}+\)[^()\s]{0,2048}+)*+"
# Markdown link text: escaped characters and one level of nested brackets ([[图] 标题](…)).
MD_TEXT = r"(?:\\.|[^\[\]\n\\]|\[[^\[\]\n]{0,200}\]){1,500}"
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>])")


def md_unescape(text: str) -> str:
    """Remove markdown backslash escapes (\\[ → [)."""
    return _MD_ESCAPE.sub(r"\1", text)


# Sentence punctuation and a markdown emphasis mark (*https://…*) end a URL in prose.
_TRAILING = ".,;:!?。，；：！？、…\"'»”’*"
_PAIRS = {")": "(", "）": "（", "]": "[", "」": "「", "』": "『", "》": "《"}


# A run of sentence text: 20 Chinese characters/punctuation, or 120 characters of Latin prose.
# Each run is tried only where it starts (the look-behinds): the leftmost match never
# starts inside a run of its own characters, and trying every position of a long run of
# letters made the search quadratic in the run's length.
_PROSE = re.compile(
    r"(?<![\u4e00-\u9fff，。、；：？！“”‘’（）《》])[\u4e00-\u9fff，。、；：？！“”‘’（）《》]{20,}"
    r"|(?<![A-Za-z])[A-Za-z][A-Za-z ,.;:'\"()-]{119,}"
)
_NOT_BODY_TAGS = re.compile(r"<(?:h[1-6]|title|a|figcaption|small)\b", re.IGNORECASE)


def body_start(text: str) -> int:
    """Offset where the article's running text begins (the end of the page's header).

    Headings, link lines, titles, link texts and attribute values do not count: a feed's
    linked title or an image's alt text is not the body.
    """
    for run in _PROSE.finditer(text):
        start = run.start()
        line_start = text.rfind("\n", 0, start) + 1
        if text[line_start:start].lstrip().startswith(("#", "[")):
            continue
        opening = text.rfind("<", 0, start)
        if opening > text.rfind(">", 0, start):
            continue  # inside a tag: an attribute value such as alt="…"
        if opening >= 0 and _NOT_BODY_TAGS.match(text, opening):
            continue
        return start
    return len(text)


def windows(page: Page) -> Iterator[tuple[int, str]]:
    """Yield (offset, text) for the head and, for long pages, the tail of the page."""
    text = page.text
    if len(text) <= HEAD_CHARS + TAIL_CHARS:
        yield 0, text
        return
    yield 0, text[:HEAD_CHARS]
    start = len(text) - TAIL_CHARS
    yield start, text[start:]


def strip_tags(fragment: str) -> str:
    """Drop tags, keeping the text between them (entities stay escaped)."""
    return TAG_RE.sub("", fragment)


def plain_text(fragment: str) -> str:
    """Drop tags and unescape entities: the text a reader sees."""
    return html.unescape(TAG_RE.sub("", fragment))


def squash(text: str) -> str:
    """Fold runs of white space to one space; a lone ideographic space is kept as written."""
    return SPACE_RE.sub(_fold_space, text).strip(" \t\n\u00a0\u3000")


def _fold_space(match: re.Match[str]) -> str:
    # Chinese titles separate clauses with one U+3000 (丈夫被迫害致死　天津…): keep it.
    return match.group(0) if match.group(0) == "\u3000" else " "


def attributes(tag_body: str) -> dict[str, str]:
    """Parse a tag's attributes into a dict with lower-case names; values stay escaped.

    The candidate builders unescape HTML entities exactly once.
    """
    found: dict[str, str] = {}
    for match in ATTR_RE.finditer(tag_body):
        value = match.group(2) if match.group(2) is not None else match.group(3)
        if value is None:
            value = match.group(4)
        found.setdefault(match.group(1).lower(), value)
    return found


def trim_url(raw: str) -> str:
    """Cut trailing punctuation and unbalanced closing brackets from a URL found in prose."""
    url = raw
    while url:
        last = url[-1]
        if last in _TRAILING:
            url = url[:-1]
        elif last in _PAIRS and url.count(_PAIRS[last]) < url.count(last):
            url = url[:-1]
        else:
            break
    return url


# JSON-LD may spell lone surrogates (\ud800); they cannot be written as UTF-8 later.
_SURROGATE = re.compile("[\ud800-\udfff]")


def _utf8_safe(text: str) -> str:
    return _SURROGATE.sub("\ufffd", text)


def _raw(text: str) -> str:
    text = _utf8_safe(text)
    return text if len(text) <= RAW_LIMIT else text[: RAW_LIMIT - 1] + "…"


def time_candidate(
    page: Page, offset: int, raw: str, *, rule: str, confidence: float, moment: Moment,
    field: ClaimField = "published",
) -> Candidate:  # fmt: skip
    """A timestamp candidate located at ``offset``."""
    line, column = page.locate(offset)
    return Candidate(
        line=line, column=column, raw=_raw(raw), rule=rule, confidence=confidence,
        field=field, value=moment.value, precision=moment.precision,
    )  # fmt: skip


def url_candidate(
    page: Page, offset: int, raw: str, *, rule: str, confidence: float, url: str,
    field: ClaimField = "original_url",
) -> Candidate | None:  # fmt: skip
    """A URL candidate, or None when the URL has no http(s) normal form."""
    value = clean(html.unescape(_utf8_safe(url)))
    return _url_candidate(page, offset, raw, rule, confidence, value, field)


def _url_candidate(
    page: Page, offset: int, raw: str, rule: str, confidence: float, value: str,
    field: ClaimField,
) -> Candidate | None:  # fmt: skip
    if scheme(value):
        target = value
    elif value.startswith("//") or value.lower().startswith("www."):
        target = "http://" + value.lstrip("/")  # scheme-relative or bare host, as mirrors write
    else:
        return None  # relative links point inside the mirror, never to the original
    normal = normalize(target)
    if normal is None:
        return None
    line, column = page.locate(offset)
    return Candidate(
        line=line, column=column, raw=_raw(raw), rule=rule, confidence=confidence,
        field=field, value=value, normalized=normal,
    )  # fmt: skip


def text_candidate(
    page: Page, offset: int, raw: str, *, rule: str, confidence: float, value: str,
    field: ClaimField,
) -> Candidate | None:  # fmt: skip
    """A text candidate (title, publisher) with white space folded, or None when empty."""
    value = squash(html.unescape(_utf8_safe(value)))
    if not value:
        return None
    line, column = page.locate(offset)
    return Candidate(
        line=line, column=column, raw=_raw(raw), rule=rule, confidence=confidence,
        field=field, value=value,
    )  # fmt: skip


def original_candidates(
    page: Page, offset: int, raw: str, *, url: str, rule: str, confidence: float
) -> Iterator[Candidate]:
    """An original-URL candidate unless ``url`` is a mirror, navigation or a bad scheme.

    A Wayback address is unwrapped to the page it copied (rule ``<rule>.wayback``); its
    capture time and archive copy are proposed by the Wayback extractor.
    """
    url = clean(html.unescape(_utf8_safe(url)))
    if not url or is_rejected_scheme(url):
        return
    unwrapped = unwrap_wayback(url)
    if unwrapped is not None:
        url, rule = unwrapped[0], rule + ".wayback"
        if is_asset(url):
            return  # an archived image or script, not the archived page
    absolute = url if scheme(url) else "http://" + url.lstrip("/")
    if is_mirror_or_navigation(absolute):
        return
    found = _url_candidate(page, offset, raw, rule, confidence, url, "original_url")
    if found is not None:
        yield found
