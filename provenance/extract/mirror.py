"""Where the copy was kept: the mirror's share link and its tracking image.

gfw-breaker and begood0513 mirrors end a page with "long-press to copy this link and share
this article" (``手机上长按并复制下列链接或二维码分享本文章``) followed by the page's own GitHub
address, and some embed a zero-size tracking image whose path names the mirrored page
(``http://gfw-breaker.win/<repo>/pages/…``). Both say where the copy lives, never the original.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import islice

from provenance.extract.interface import Page
from provenance.extract.patterns import hit_lines
from provenance.extract.scan import URL_RE, attributes, trim_url, url_candidate, windows
from provenance.models import Candidate
from provenance.urls import is_mirror_or_navigation

_SHARE = re.compile(r"分享本文章|分享本文|分享此文|分享本頁|分享本页|分享这篇文章|分享這篇文章")
_SHARE_REACH = 200
_MAX_LABELS = 20  # a page shares itself once or twice; more is junk not worth scanning
_IMG_ATTRS = re.compile(r"(?:\s[^<>]{0,1000})?\Z")
_GITHUB = re.compile(r"https://github\.com/")
_ZERO = re.compile(r"^0+(?:px)?$")
# A mirror page's own address on GitHub, alone on its line.
_PAGE_LINE = re.compile(
    r"^[ \t]*(?P<url>https://github\.com/[\w.\-]+/[\w.\-]+/blob/[^\s<>\"']{1,1024}\.md)"
    r"[ \t]*(?:<br\s*/?>)?[ \t]*$",
    re.MULTILINE,
)


class MirrorExtractor:
    """The mirror's own address for the page."""

    name = "mirror"
    markers = ("分享本", "分享此", "分享这", "分享這", "github.com", "<img", "<IMG")

    def extract(self, page: Page) -> Iterator[Candidate]:
        """Propose mirror locations."""
        for base, chunk in windows(page):
            for label in islice(_SHARE.finditer(chunk), _MAX_LABELS):
                near = URL_RE.search(chunk, label.end(), label.end() + _SHARE_REACH)
                if near is not None:
                    yield from _mirror(
                        page, base + near.start(), near.group(0), "mirror.share-link", 0.9
                    )
            for start, stop in hit_lines(_GITHUB, chunk):
                line = _PAGE_LINE.match(chunk, start, stop)
                if line is not None:
                    yield from _mirror(
                        page, base + line.start("url"), line["url"], "mirror.page-line", 0.7
                    )
            for start, tag in _zero_size_images(chunk):
                src = attributes(tag).get("src", "")
                if src and is_mirror_or_navigation(src) and not src.endswith(".png"):
                    yield from _mirror(page, base + start, src, "mirror.tracker-image", 0.6)


def _zero_size_images(chunk: str) -> Iterator[tuple[int, str]]:
    """(offset, attributes) of each <img> whose width or height is zero.

    Pages hold many images; the tags are found by substring search, and only those that
    mention a zero are parsed.
    """
    for opening in ("<img", "<IMG"):
        start = chunk.find(opening)
        while start >= 0:
            end = chunk.find(">", start, start + 1100)
            tag = chunk[start + 4 : end] if end >= 0 else ""
            if "0" in tag and _IMG_ATTRS.match(tag):
                attrs = attributes(tag)
                if _ZERO.match(attrs.get("width", "")) or _ZERO.match(attrs.get("height", "")):
                    yield start, tag
            start = chunk.find(opening, start + 4)


def _mirror(page: Page, offset: int, raw: str, rule: str, confidence: float) -> Iterator[Candidate]:
    url = trim_url(raw)
    found = url_candidate(
        page, offset, raw, rule=rule, confidence=confidence, url=url, field="mirror_url"
    )
    if found is not None:
        yield found
