"""Labelled lines: ``原文链接（需翻墙）：https://…``, ``Source: …``, ``Published: April 13, 2021``.

Mirrors end a copied article with a line naming the original, in simplified or traditional
script, with an optional note that it needs a circumvention tool (``（需翻墙访问）``) and a
full-width or ASCII colon. The URL may be bare, a markdown link or an ``<a href>``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from provenance.extract.interface import Page
from provenance.extract.scan import (
    MD_TEXT,
    MD_URL,
    URL_RE,
    attributes,
    original_candidates,
    time_candidate,
    trim_url,
    windows,
)
from provenance.models import Candidate
from provenance.timestamps import ANY_DATE_PATTERN, parse_any

# Labels that can only introduce the original's address: the colon is optional.
_STRONG = (
    r"原文(?:链接|鏈接|連結|链结|鏈結|地址|網址|网址|出处|出處|URL|url)|原始(?:链接|鏈接|連結|网址|網址)"
    r"|(?:来源|來源)(?:链接|鏈接|連結|网址|網址|地址)"
    r"|(?:Original|Canonical)[\s_-]*(?:URL|link|article)|Source[\s_-]*(?:URL|link)|Permalink"
)
# Labels that also start ordinary sentences: a colon is required.
_WEAK = (
    r"原文|来源|來源|出处|出處|文章来源|文章來源|转载自|轉載自|转自|轉自|原载|原載"
    r"|Source|Original|Via|From"
)
# Labels a hand-written page may use for its one address; weaker than a named source.
_PLAIN = r"(?:Article\s+|Story\s+)?(?:URL|Link)"
_NOTE = r"(?:\s*[（(][^）)\n]{0,24}[）)])?"
# Markdown emphasis or inline tags between the label and its colon (**原文链接**：…).
_GAP = r"(?:[ \t\"']|\*{1,2}|</?(?:b|strong|em|i|span)\b[^<>]{0,100}>){0,6}"
_TARGET = (
    r"""(?:<a\b[^<>]{0,500}?\bhref\s*=\s*["']?(?P<href>[^"'\s<>]{1,2048}+)"""
    r"[^<>]{0,500}+>[^<]{0,500}</a>"
    rf"|\[(?:{MD_TEXT})?\]\((?P<md>{MD_URL})\)"
    r"|<?(?P<bare>(?:https?:)?//[^\s<>\"']{1,2048}+|www\.[^\s<>\"']{1,2048}+))"
)
_LABELLED = (
    (
        re.compile(rf"(?:{_STRONG}){_NOTE}{_GAP}[:：]?{_GAP}\s*(?:<br\s*/?>\s*)?{_TARGET}", re.I),
        "label.original-url",
        0.95,
    ),
    (
        re.compile(rf"(?<![A-Za-z/])(?:{_WEAK}){_NOTE}{_GAP}[:：]{_GAP}\s*{_TARGET}", re.I),
        "label.source",
        0.9,
    ),
    (
        re.compile(rf"(?<![A-Za-z/])(?:{_PLAIN}){_GAP}[:：]{_GAP}\s*{_TARGET}", re.I),
        "label.url",
        0.75,
    ),
)
# The label as the link's own text: <a href="…">原文链接</a> or [原文鏈接](…). The anchor's
# opening tag is found by looking back from the label, which keeps the scan linear.
_LINK_WORDS = (
    rf"{_STRONG}|(?:阅读|閱讀|查看|点击查看|點擊查看)原文"
    r"|Read\s+(?:the\s+)?(?:original|full)(?:\s+(?:article|story))?"
)
_LINK_TEXT = re.compile(rf">\s*(?:{_LINK_WORDS})[^<]{{0,40}}</a>", re.I)
_MD_LINK_TEXT = re.compile(rf"\[\s*(?:{_LINK_WORDS})[^\]\n]{{0,40}}\]\((?P<md>{MD_URL})\)", re.I)
_ANCHOR = re.compile(r"<a\b(?P<attrs>[^<>]{0,1000}+)>\Z", re.I)
# "Updated"/"更新时间" name a later edit, not the publication: the look-behinds skip them.
_DATE_LABEL = re.compile(
    r"(?<![A-Za-z])(?<!更新)(?<!修改)(?<!修訂)"
    r"(?P<label>Published(?:[\s_-]*(?:on|at|date|time))?|Publication[\s_-]*date"
    r"|Date[\s_-]*published|Posted(?:\s+on)?|Pub(?:lish)?[\s_-]*date|Date|发布时间|發布時間|發佈時間|发表时间|發表時間|发布日期|發布日期|發佈日期|发表日期|發表日期"
    r"|出版日期|刊登日期|(?<![\u4e00-\u9fff])(?:日期|时间|時間))"
    rf"{_GAP}[:：]{_GAP}\s*(?:<[^<>]{{0,200}}>\s*)?(?P<date>{ANY_DATE_PATTERN})"
    # 发表于 2021-04-14: "published at" needs no colon.
    rf"|(?P<at>发布于|發布於|發佈於|发表于|發表於|Published\s+on){_GAP}\s*(?P<date2>{ANY_DATE_PATTERN})",
    re.IGNORECASE,
)
_GENERIC_DATE_LABELS = frozenset({"date", "日期", "时间", "時間"})


class LabelExtractor:
    """Labelled original URLs and labelled publication dates."""

    name = "label"

    def extract(self, page: Page) -> Iterator[Candidate]:
        """Propose URLs and dates that a label introduces."""
        for base, chunk in windows(page):
            for pattern, rule, confidence in _LABELLED:
                for match in pattern.finditer(chunk):
                    yield from _matched(page, base, match, rule, confidence)
            for match in _MD_LINK_TEXT.finditer(chunk):
                yield from _matched(page, base, match, "label.original-url", 0.95)
            for match in _LINK_TEXT.finditer(chunk):
                yield from _anchor(page, base, chunk, match)
            for match in _DATE_LABEL.finditer(chunk):
                moment = parse_any(match["date"] or match["date2"])
                if moment is None:
                    continue
                generic = (match["label"] or "").lower() in _GENERIC_DATE_LABELS
                yield time_candidate(
                    page, base + match.start(), match.group(0), rule="label.published",
                    confidence=0.75 if generic else 0.85, moment=moment,
                )  # fmt: skip


def _matched(
    page: Page, base: int, match: re.Match[str], rule: str, confidence: float
) -> Iterator[Candidate]:
    groups = match.groupdict()
    bare = groups.get("bare")
    if bare:
        found = URL_RE.match(bare)
        url = trim_url(found.group(0) if found else bare)
    else:
        url = groups.get("href") or groups.get("md") or ""
    yield from _url(page, base + match.start(), match.group(0), url, rule, confidence)


def _anchor(page: Page, base: int, chunk: str, label: re.Match[str]) -> Iterator[Candidate]:
    start = chunk.rfind("<a", max(0, label.start() - 1100), label.start())
    opening = _ANCHOR.match(chunk, start, label.start() + 1) if start >= 0 else None
    href = attributes(opening["attrs"]).get("href") if opening else None
    if opening is not None and href:
        raw = chunk[start : label.end()]
        yield from _url(page, base + start, raw, href, "label.original-url", 0.95)


def _url(
    page: Page, offset: int, raw: str, url: str, rule: str, confidence: float
) -> Iterator[Candidate]:
    yield from original_candidates(page, offset, raw, url=url, rule=rule, confidence=confidence)
