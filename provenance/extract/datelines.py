"""Datelines: ``【大纪元2021年08月26日讯】``, ``（新唐人2021年4月14日訊）``, lone date lines.

Chinese news sites open an article with a bracketed dateline: the site's name, the date, and
often 讯/訊 ("report") or 电/電 ("cable"). Mirrors rewrite links inside it, so the name can be
wrapped in an ``<ok href…>`` tag and split over several lines (Minghui pages copied by
gfw-breaker, see corpus file 012); tags and white space are removed before matching.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from provenance.extract.interface import Page
from provenance.extract.patterns import LazyPattern, hit_lines
from provenance.extract.scan import (
    body_start,
    plain_text,
    squash,
    text_candidate,
    time_candidate,
    windows,
)
from provenance.models import Candidate
from provenance.timestamps import (
    ANY_DATE_PATTERN,
    ENGLISH_PATTERN,
    ISO_PATTERN,
    RFC2822_PATTERN,
    ZH_PATTERN,
    Moment,
    anonymous,
    parse_any,
)

_CLOSERS = {"【": "】", "〖": "〗", "（": "）", "(": ")"}
_WIRE_END = re.compile(r"(?:[讯訊电電]|报道|報導|专稿|專稿)[^\d【】()（）\n]{0,7}\Z")
_PAREN_CHARS = 32 * 1024  # parenthesised datelines open an article; prose is full of （）
_WINDOW = 400  # enough for a site name wrapped in a mirror's <ok href="…"> tag
_MAX_OPENERS = 500  # a page has a few dozen brackets; thousands are junk not worth reading
_DATE = rf"(?:{anonymous(ZH_PATTERN)}|{anonymous(ISO_PATTERN)})"
_DATELINE = LazyPattern(
    rf"(?P<site>[^\d０-９【】()（）:：]{{0,16}}?)(?P<date>{_DATE})"
    # a zone-less time of day may follow (【新唐人2021年04月14日 10:23訊】): read as a day
    r"(?:\s?\d{1,2}[:：]\d{2})?\s?(?P<rest>[^\d【】]{0,8})"
)
_WIRE = re.compile(r"[讯訊电電]|报道|報導|专稿|專稿")
_SITE_NOISE = re.compile(r"(?:北京|台北|香港|纽约|紐約|美东|美東)?(?:时间|時間)$|[\s\"“”‘’]")
# A line (or an element) holding nothing but a date, as RFA and feed pages print them; a
# weekday or a zone-less time of day may follow (kept at day precision).
_LONE = LazyPattern(
    rf"(?P<date>{ANY_DATE_PATTERN})(?:\s*[（(]?(?:星期|週|周|礼拜|禮拜)[一二三四五六日天][）)]?)?"
    # a zone-less time of day, 24- or 12-hour, with "at", "Uhr" or a zone name: read as a day
    r"(?:\s*,?\s*(?:at\s+)?(?:\d{1,2}[:：.]\d{2}(?:[:：]\d{2})?|\d{1,2}[時时]\d{1,2}分(?:\d{1,2}秒)?)"
    r"(?:\s*[AaPp]\.?[Mm]\.?)?(?:\s*(?:Uhr|[A-Z]{2,4}))?)?",
    re.IGNORECASE,
)
# A date that an edit, not the publication, stamped (<updated>, "Last updated", 更新时间).
_EDITED = re.compile(r"updated|modified|lastmod|lastbuilddate|更新|修改|修訂|修订", re.IGNORECASE)
_RFC_RE = re.compile(RFC2822_PATTERN)
# An English wire dateline: "WASHINGTON, April 13, 2021 — …" or "Taipei, 13 April 2021 -".
_EN_DATELINE = LazyPattern(
    r"^[ \t]*(?:<[^<>\n]{0,200}>[ \t]*){0,4}(?P<place>[A-Z][A-Za-z.'\- ]{1,40}),?[ \t]+"
    rf"(?:\([A-Za-z ]{{1,20}}\)[ \t]+)?(?P<date>{anonymous(ENGLISH_PATTERN)})[ \t]*"
    r"(?:/[^/\n]{1,40}/[ \t]*)?(?:—|–|--|-)",
    re.MULTILINE,
)
# An English dateline names its month: only lines holding a month's name are tried.
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_EN_KEYS = re.compile("|".join(_MONTHS + tuple(m.upper() for m in _MONTHS)))
# What a bracket's text must hold to be a dateline at all (a Chinese or an ISO date).
_MAYBE_DATE = re.compile(r"年|\d{4}[-/.]")
_LINE_CHARS = 400
# Every written date has an Arabic or a Chinese digit.
_DIGIT = re.compile(r"[0-9０-９〇○零一二三四五六七八九十]")
_ELEMENT_TEXT = re.compile(r">([^<>\n]{6,60})<")
_LONE_LINES = 120
_LONE_CHARS = 32 * 1024


class DatelineExtractor:
    """Bracketed Chinese datelines, and dates standing alone near the top of a page."""

    name = "dateline"
    markers = ()

    def extract(self, page: Page) -> Iterator[Candidate]:
        """Propose publication dates (and publishers) from datelines."""
        for base, chunk in windows(page):
            yield from self._brackets(page, base, chunk)
        yield from self._lone_dates(page)
        text = page.text
        for start, stop in hit_lines(_EN_KEYS, text, 0, min(len(text), _LONE_CHARS)):
            match = _EN_DATELINE.match(text, start, stop)
            moment = parse_any(match["date"]) if match else None
            if match is not None and moment is not None:
                yield time_candidate(
                    page, match.start("place"), match.group(0).strip(), rule="dateline.en",
                    confidence=0.85, moment=moment,
                )  # fmt: skip

    def _brackets(self, page: Page, base: int, chunk: str) -> Iterator[Candidate]:
        for start, close, bracket in _bracket_spans(chunk, base == 0):
            raw = chunk[start : close + 1]
            if not _MAYBE_DATE.search(raw):
                continue  # cheap tests first: most brackets in prose hold no date
            flat = squash(plain_text(raw[1:-1]))
            match = _DATELINE.fullmatch(flat)
            if match is None:
                continue
            site = _SITE_NOISE.sub("", match["site"])
            # Parentheses are common around captions' dates; only a site name plus a wire
            # word (讯/電…) makes a parenthesised date a dateline.
            if not bracket and not (site and _WIRE.search(match["rest"])):
                continue
            moment = parse_any(match["date"])
            if moment is None:
                continue
            offset = base + start
            rule = "dateline.zh" if bracket else "dateline.paren"
            yield time_candidate(
                page, offset, raw, rule=rule, confidence=0.95 if bracket else 0.85, moment=moment
            )
            if site:
                found = text_candidate(
                    page, offset, raw, rule=rule, confidence=0.9, value=site, field="publisher"
                )
                if found is not None:
                    yield found

    def _lone_dates(self, page: Page) -> Iterator[Candidate]:
        # A date alone on a line or in an element is a dateline only in the page's header;
        # in the body it is a letter's signature, a table cell or a caption.
        top = page.text[:_LONE_CHARS]
        top = top[: body_start(top)]
        for start, line in _lines(top):
            flat = _before_edit(plain_text(line).strip(" \t\u00a0\u3000|>*_"), line)
            if not flat or len(flat) > 60:
                continue
            moment = _lone_moment(flat)
            if moment is not None:
                yield time_candidate(
                    page, start, line, rule="dateline.line", confidence=0.7, moment=moment
                )
        for element in _ELEMENT_TEXT.finditer(top):
            opening = top[top.rfind("<", 0, element.start()) : element.start()]
            text = _before_edit(element.group(1).strip(), opening)
            moment = _lone_moment(text) if text else None
            if moment is None:
                continue
            # An RFC 1123 date-time alone in an element is how feed mirrors print the item's
            # <pubDate> (seed 002: <div><i>Thu, 15 Apr 2021 13:23:59 GMT</i></div>).
            feed = moment.hour is not None and _RFC_RE.fullmatch(element.group(1).strip())
            yield time_candidate(
                page, element.start(1), element.group(1),
                rule="feed.item-date" if feed else "html.date-element",
                confidence=0.8 if feed else 0.65, moment=moment,
            )  # fmt: skip


def _bracket_spans(chunk: str, top: bool) -> Iterator[tuple[int, int, bool]]:
    """(opening, closing, is 【】) of the brackets that may hold a dateline.

    Plain substring searches find the brackets: a page is scanned at memory speed, not
    character by character by a regular expression.
    """
    for opening in ("【", "〖"):
        start, seen = chunk.find(opening), 0
        while start >= 0 and seen < _MAX_OPENERS:
            seen += 1
            close = chunk.find(_CLOSERS[opening], start + 1, start + _WINDOW)
            if close >= 0:
                yield start, close, True
            start = chunk.find(opening, start + 1)
    if not top:
        return
    # Chinese prose is full of （…）; a parenthesised dateline ends with its wire word, so
    # only closing parentheses just after one are looked at, and their opening found back.
    limit = min(len(chunk), _PAREN_CHARS)
    for closing, opening in (("）", "（"), (")", "(")):
        close, seen = chunk.find(closing, 0, limit), 0
        while close >= 0 and seen < _MAX_OPENERS:
            seen += 1
            if _WIRE_END.search(chunk, max(0, close - 9), close):
                start = chunk.rfind(opening, max(0, close - _WINDOW), close)
                if start >= 0 and chunk.find(closing, start + 1, close) < 0:
                    yield start, close, False
            close = chunk.find(closing, close + 1, limit)


def _before_edit(text: str, markup: str) -> str:
    """The text before an edit note ("April 13, 2021 Updated: April 14, 2021" → its first
    date); "" when the text or its markup (<updated>, class="modified") names an edit."""
    edit = _EDITED.search(text)
    if edit is None:
        return "" if _EDITED.search(markup) else text
    return text[: edit.start()].rstrip(" \t|·•-—–,;:(（") if edit.start() > 0 else ""


def _lines(top: str) -> Iterator[tuple[int, str]]:
    """(offset, text) of the header's first non-empty lines of at most 400 characters that
    hold a digit (the rest cannot be a date line)."""
    start, seen = 0, 0
    for line in top.split("\n"):
        if line and len(line) <= _LINE_CHARS:
            seen += 1
            if seen > _LONE_LINES:
                return
            if _DIGIT.search(line):
                yield start, line
        start += len(line) + 1


def _lone_moment(text: str) -> Moment | None:
    match = _LONE.fullmatch(text.strip())
    return parse_any(match["date"]) if match else None
