"""Labelled lines: ``原文链接（需翻墙）：https://…``, ``Source: …``, ``Published: April 13, 2021``.

Mirrors end a copied article with a line naming the original, in simplified or traditional
script, with an optional note that it needs a circumvention tool (``（需翻墙访问）``) and a
full-width or ASCII colon. The URL may be bare, a markdown link (inline or by reference) or
an ``<a href>``. Dates are labelled the same way (``发布时间：``, ``Published``,
``Veröffentlicht:``, ``입력``); a label naming an edit (``Updated``, ``更新时间``) or a save
(``saved date``) is not a publication label.

Speed: the keywords are found first, by one pass of an Aho-Corasick automaton for each in
lower case, capitalised and in capitals, and only the patterns a keyword can start are
tried there; a case-insensitive alternation scanned over a whole page costs forty times
more.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from provenance.extract.interface import Page
from provenance.extract.patterns import Keywords, LazyPattern
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
    r"|(?:来源|來源|本文|文章)(?:链接|鏈接|連結|网址|網址|地址)"
    r"|(?:Original|Canonical)[\s_-]*(?:URL|link|article)|Source[\s_-]*(?:URL|link)|Permalink"
    r"|Originally\s+(?:published|posted|appeared)\s+(?:at|on|in)"
)
# Labels that also start ordinary sentences: a colon is required.
_WEAK = (
    r"原文|来源|來源|出处|出處|文章来源|文章來源|转载自|轉載自|转自|轉自|原载|原載"
    r"|Source|Original|Via|From|Quelle|Fuente|Fonte|Источник"
)
# Labels a hand-written page may use for its one address; weaker than a named source.
_PLAIN = r"(?:Article\s+|Story\s+)?(?:URL|Link)"
# A newsletter's or bulletin's link to its own web copy, which is its original.
_WEB_COPY = (
    r"Read\s+(?:it\s+)?online|View\s+(?:it\s+|this\s+email\s+)?(?:online|in\s+(?:your\s+)?browser)"
    r"|Web\s+version|网页版|網頁版|在线阅读|線上閱讀"
)
_NOTE = r"(?:\s*[（(][^）)\n]{0,24}[）)])?"
# Markdown emphasis or inline tags between the label and its colon (**原文链接**：…).
_GAP = r"(?:[ \t\"']|\*{1,2}|</?(?:b|strong|em|i|span)\b[^<>]{0,100}>){0,6}"
_TARGET = (
    r"""(?:<a\b[^<>]{0,500}?\bhref\s*=\s*["']?(?P<href>[^"'\s<>]{1,2048}+)"""
    r"[^<>]{0,500}+>[^<]{0,500}</a>"
    rf"|\[(?:{MD_TEXT})?\]\((?P<md>{MD_URL})\)"
    r"|<?(?P<bare>(?:https?:)?//[^\s<>\"']{1,2048}+|www\.[^\s<>\"']{1,2048}+))"
)
_URL_LABELS = (
    (
        re.compile(rf"(?:{_STRONG}){_NOTE}{_GAP}[:：]?{_GAP}\s*(?:<br\s*/?>\s*)?{_TARGET}", re.I),
        "label.original-url",
        0.95,
    ),
    (
        re.compile(rf"(?<![A-Za-z/])(?:{_WEAK}){_NOTE}{_GAP}\s?[:：]{_GAP}\s*{_TARGET}", re.I),
        "label.source",
        0.9,
    ),
    (
        re.compile(rf"(?<![A-Za-z/])(?:{_WEB_COPY}){_GAP}[:：]?{_GAP}\s*{_TARGET}", re.I),
        "label.web-copy",
        0.8,
    ),
    (
        re.compile(rf"(?<![A-Za-z/])(?:{_PLAIN}){_GAP}[:：]{_GAP}\s*{_TARGET}", re.I),
        "label.url",
        0.75,
    ),
)
# The label as the link's own text: <a href="…">原文链接</a>, [原文鏈接](…) or [原文链接][1]
# with "[1]: https://…" further down. The keyword is found first; what must precede it
# ("[" or ">") is checked by looking back, which keeps the scan linear.
_LINK_WORDS = (
    rf"{_STRONG}|(?:阅读|閱讀|查看|点击查看|點擊查看)原文"
    r"|Read\s+(?:the\s+)?(?:original|full)(?:\s+(?:article|story))?"
)
_LINK_TEXT = re.compile(rf"(?:{_LINK_WORDS})[^<]{{0,40}}</a>", re.I)
_MD_LINK_TEXT = re.compile(
    rf"(?:{_LINK_WORDS})[^\]\n]{{0,40}}\](?:\((?P<md>{MD_URL})\)|\[(?P<ref>[^\]\n]{{1,40}})\])",
    re.I,
)
_ANCHOR = re.compile(r"<a\b(?P<attrs>[^<>]{0,1000}+)>\s*\Z", re.I)
# A newsletter's link to its web copy, as the link's own text: [View online](…),
# <a href="…">View in browser</a>; weaker (0.8) than a link named as the original.
_LINK_TEXT_WEB = re.compile(rf"(?:{_WEB_COPY})[^<]{{0,40}}</a>", re.I)
_MD_LINK_TEXT_WEB = re.compile(rf"(?:{_WEB_COPY})[^\]\n]{{0,40}}\]\((?P<md>{MD_URL})\)", re.I)
_LINK_TEXTS = (
    (_MD_LINK_TEXT, _LINK_TEXT, "label.original-url", 0.95),
    (_MD_LINK_TEXT_WEB, _LINK_TEXT_WEB, "label.web-copy", 0.8),
)
_DATE_TAIL = rf"{_GAP}\s*(?:<[^<>]{{0,200}}>\s*)?(?P<date>{ANY_DATE_PATTERN})"
# Publication labels; the colon is optional. English ones are matched as capitalised (a
# lower-case "published April 13, 2021" is a sentence), unless a colon follows.
_PUBLISH_WORDS = (
    r"Published(?:\s+(?:on|at))?|First\s+published(?:\s+on)?|Posted(?:\s+on)?|Publication\s+date"
    r"|Date\s+published|Released(?:\s+on)?|Release\s+date|Veröffentlicht(?:\s+am)?|Publié\s+le"
    r"|Publicado(?:\s+el)?|Pubblicato(?:\s+il)?|Опубликовано"
)
_ZH_PUBLISH = (
    r"(?:发布|發布|發佈|发表|發表|出版|刊登|发稿|發稿|刊出|发送|發送)(?:时间|時間|日期)"
    r"|发布于|發布於|發佈於|发表于|發表於|입력|등록|발행|게재|公開日|掲載日|投稿日"
)
# "Updated"/"更新时间"/"saved date" name a later edit or a save: the look-behinds skip them.
_NOT_EDIT = r"(?<![A-Za-z])(?<!更新)(?<!修改)(?<!修訂)"
_DATE_LABELS = (
    LazyPattern(rf"{_NOT_EDIT}(?:{_PUBLISH_WORDS}|{_ZH_PUBLISH}){_GAP}[:：]?{_DATE_TAIL}"),
    LazyPattern(
        rf"{_NOT_EDIT}(?:{_PUBLISH_WORDS}|Pub(?:lish)?[\s_-]*date|Date[\s_-]*published"
        # "Sent:" is when an e-mail (a newsletter, a forwarded article) went out
        rf"|Publication[\s_-]*date|Posted|Sent|发布|發布|發佈|发表|發表){_GAP}[:：]{_DATE_TAIL}",
        re.I,
    ),
)
# A bare "Date:"/"日期：" is a weaker label: it must not be a word's last part ("saved date",
# "信息采集时间") and needs a colon, or a closing tag (<strong>日期</strong> 13.04.2021).
# "Originally published at <site> on April 13, 2021" (a cross-post's note on its original).
_ORIGINALLY = LazyPattern(
    rf"Originally\s+(?:published|posted)\b[^\n]{{0,300}}?\bon\s+(?P<date>{ANY_DATE_PATTERN})", re.I
)
_GENERIC_DATE = LazyPattern(
    rf"(?<![\w] )(?<![\w][_-]){_NOT_EDIT}(?<![\u4e00-\u9fff])(?:Date|日期|时间|時間)"
    rf"{_GAP}(?:[:：]|(?<=>)){_DATE_TAIL}",
    re.I,
)
# Where each keyword can start a label: S strong, W weak, C web copy, P plain URL label,
# T the label as a link's text; D publication label, O "originally published … on",
# G a bare date label. All are found by one pass of an automaton (patterns.Keywords), many
# times faster than a case-insensitive alternation.
_ROUTES = {
    "原文": "SWT", "原始": "ST", "来源": "SWT", "來源": "SWT", "本文": "S", "文章": "SW",
    "出处": "W", "出處": "W", "转载": "W", "轉載": "W", "转自": "W", "轉自": "W", "原载": "W",
    "原載": "W", "阅读": "T", "閱讀": "T", "查看": "T", "点击": "T", "點擊": "T", "网页版": "CT",
    "網頁版": "CT", "在线": "CT", "線上": "CT", "发布": "D", "發布": "D", "發佈": "D", "发表": "D",
    "發表": "D", "出版": "D", "刊登": "D", "发稿": "D", "發稿": "D", "刊出": "D", "发送": "D",
    "發送": "D", "日期": "G",
    "时间": "G", "時間": "G", "입력": "D", "등록": "D", "발행": "D", "게재": "D", "公開日": "D",
    "掲載日": "D", "投稿日": "D",
}  # fmt: skip
_FOLDED_ROUTES = {
    "original": "SWTO", "canonical": "ST", "source": "SWT", "permalink": "ST", "via": "W",
    "from": "W", "quelle": "W", "fuente": "W", "fonte": "W", "источник": "W", "article": "P",
    "story": "P", "url": "P", "link": "P", "read": "CT", "view": "CT", "web": "CT", "pub": "D",
    "first": "D", "posted": "D", "release": "D", "sent": "D", "date": "DG", "veröffentlicht": "D",
    "опубликовано": "D",
}  # fmt: skip
_ALL_ROUTES = _ROUTES | _FOLDED_ROUTES
# Each word as written in lower case, capitalised and in capitals: searching the page as
# it is saves lower-casing a copy of it.
_FINDER = Keywords(
    {variant for word in _ALL_ROUTES for variant in (word, word.capitalize(), word.upper())}
)
_URL_ROUTES = dict(zip("SWCP", _URL_LABELS, strict=True))
# A markdown reference definition: "[1]: https://…" at the start of a line.
_DEFINITION = re.compile(
    r"^[ \t]{0,3}\[(?P<ref>[^\]\n]{1,40})\]:[ \t]*<?(?P<url>[^\s<>]{1,2048})", re.M
)


class LabelExtractor:
    """Labelled original URLs and labelled publication dates."""

    name = "label"
    markers = ()

    def extract(self, page: Page) -> Iterator[Candidate]:
        """Propose URLs and dates that a label introduces."""
        for base, chunk in windows(page):
            url_end = date_end = -1
            references = _References(chunk)
            for at, routes in _keyword_hits(chunk):
                if at >= url_end:
                    for found, end in _url_label(page, base, chunk, at, routes, references):
                        url_end = max(url_end, end)
                        yield found
                if at >= date_end:
                    for found, end in _date_label(page, base, chunk, at, routes):
                        date_end = max(date_end, end)
                        yield found


def _keyword_hits(chunk: str) -> Iterator[tuple[int, str]]:
    """Where a label keyword starts, with the patterns it may start, in page order."""
    routes = _ALL_ROUTES
    for start, _, word in _FINDER.hits(chunk):
        yield start, routes[word.lower()]


def _url_label(
    page: Page, base: int, chunk: str, at: int, routes: str, references: _References
) -> Iterator[tuple[Candidate, int]]:
    for kind in "SWCP":
        if kind not in routes:
            continue
        pattern, rule, confidence = _URL_ROUTES[kind]
        match = pattern.match(chunk, at)
        if match is not None:
            for found in _matched(page, base, match, rule, confidence):
                yield found, match.end()
            return
    if "T" not in routes:
        return
    before = chunk[max(0, at - 8) : at].rstrip()
    for markdown, anchor, rule, confidence in _LINK_TEXTS:
        if before.endswith("["):
            match = markdown.match(chunk, at)
            url = (match["md"] or references.get(match.groupdict().get("ref"))) if match else None
            if match is not None and url:
                start = chunk.rfind("[", 0, at)
                raw = chunk[start : match.end()]
                for found in _url(page, base + start, raw, url, rule, confidence):
                    yield found, match.end()
                return
        elif before.endswith(">"):
            match = anchor.match(chunk, at)
            if match is not None:
                for found in _anchor(page, base, chunk, at, match, rule, confidence):
                    yield found, match.end()
                return


_DATE_ROUTES = (
    ("D", _DATE_LABELS[0], 0.85), ("D", _DATE_LABELS[1], 0.85), ("O", _ORIGINALLY, 0.8),
    ("G", _GENERIC_DATE, 0.75),
)  # fmt: skip


def _date_label(
    page: Page, base: int, chunk: str, at: int, routes: str
) -> Iterator[tuple[Candidate, int]]:
    for kind, pattern, confidence in _DATE_ROUTES:
        if kind not in routes:
            continue
        match = pattern.match(chunk, at)
        if match is None:
            continue
        moment = parse_any(match["date"])
        if moment is not None:
            found = time_candidate(
                page, base + at, match.group(0), rule="label.published", confidence=confidence,
                moment=moment,
            )  # fmt: skip
            yield found, match.end()
        return


class _References:
    """A chunk's reference definitions, read once, the first time a label needs one."""

    def __init__(self, chunk: str) -> None:
        self.chunk = chunk
        self.urls: dict[str, str] | None = None

    def get(self, ref: str | None) -> str | None:
        if not ref:
            return None
        if self.urls is None:
            self.urls = {}
            for found in _DEFINITION.finditer(self.chunk):
                self.urls.setdefault(found["ref"].lower(), found["url"])
        return self.urls.get(ref.lower())


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


def _anchor(
    page: Page, base: int, chunk: str, at: int, label: re.Match[str], rule: str, confidence: float
) -> Iterator[Candidate]:
    start = chunk.rfind("<a", max(0, at - 1100), at)
    opening = _ANCHOR.match(chunk, start, at) if start >= 0 else None
    href = attributes(opening["attrs"]).get("href") if opening else None
    if opening is not None and href:
        raw = chunk[start : label.end()]
        yield from _url(page, base + start, raw, href, rule, confidence)


def _url(
    page: Page, offset: int, raw: str, url: str, rule: str, confidence: float
) -> Iterator[Candidate]:
    yield from original_candidates(page, offset, raw, url=url, rule=rule, confidence=confidence)
