"""Bylines and news-portal date lines: a date on the line that names the author or the source.

* Bylines: ``By Jane Doe | April 13, 2021``, ``By JANE DOE, April 13, 2021``,
  ``Jane Doe · Apr 13, 2021 · 5 min read`` (blog platforms), ``作者：王小明｜2023年04月13日``,
  ``Posted by admin on April 13, 2021`` (blog engines), ``April 13, 2021 by Jane Doe``.
* Chinese portals open an article with a line holding the date, the time and the source,
  author or reporter: ``2021年04月13日 10:00　来源：新京报``, ``2021-04-13 10:00 | 来源：…``,
  ``2021-04-13 10:00 聯合報 記者王小明／台北報導``, or the date followed by a wire dateline,
  ``2021/04/13 10:00（中央社記者王小明台北13日電）``.

Both sit near the top; only the first 32 KB are read, and only the lines holding one of the
keys (``By ``, a separator, a source word, a wire word before its parenthesis).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from provenance.extract.interface import Page
from provenance.extract.patterns import LazyPattern, hit_lines, keyword_trie
from provenance.extract.scan import time_candidate
from provenance.models import Candidate
from provenance.timestamps import ANY_DATE_PATTERN, parse_any

_TOP = 32 * 1024
_TAGS = r"[ \t]*(?:<[^<>\n]{0,200}>[ \t]*){0,4}"
_SEPARATOR = r"[ \t]*(?:\||｜|·|•|—|–|,)[ \t]*"
# "By Jane Doe", "作者：王明" (author), "文／李华" (text by), "记者 张三" (reporter), or a bare
# capitalised name before a separator. The name may be a markdown link to the author.
_NAME = (
    r"(?:(?:By|BY|by)[ \t]+|(?:作者|撰文|文|記者|记者)[ \t]*[:：／/][ \t]*)"
    r"(?P<name>[^|｜·•,\n<>]{1,80}?)"
    r"|(?P<plain>[A-Z][\w.'\- ]{1,60}?)(?=[ \t]*[|·•])"
)
_BYLINE = LazyPattern(
    rf"^{_TAGS}(?:{_NAME})(?:{_SEPARATOR}[^|｜·•,\n<>\d]{{1,40}}?)?{_SEPARATOR}"
    rf"(?P<date>{ANY_DATE_PATTERN})",
    re.M,
)
# "Posted by admin on April 13, 2021" (blog engines), and "April 13, 2021 by Jane Doe".
_POSTED_BY = LazyPattern(
    rf"(?:Posted|Published|Written|Submitted)[ \t]+by[ \t]+[^\n<>]{{1,60}}?[ \t]+on[ \t]+"
    rf"(?P<date>{ANY_DATE_PATTERN})"
)
_DATE_BY = LazyPattern(
    rf"^{_TAGS}(?P<date>{ANY_DATE_PATTERN})(?:,?[ \t]+(?:at[ \t]+)?\d{{1,2}}:\d{{2}}"
    r"(?:[ \t]*[AaPp]\.?[Mm]\.?)?)?[ \t]+(?:by|By|BY)[ \t]+[A-Z\u4e00-\u9fff]",
    re.M,
)
_SOURCE_WORDS = r"来源|來源|作者|编辑|編輯|责任编辑|責任編輯|出处|出處|字号|字號|記者|记者"
# One search finds the lines any of these can be: a byline's "By " or separator, a portal
# line's source word, or the wire word that closes a parenthesised dateline.
_WIRE_ENDS = tuple(wire + close for wire in "电電讯訊" for close in "）)")
_KEYS = keyword_trie(
    ("By ", "BY ", "by ", "·", "•", "|", "｜", *_SOURCE_WORDS.split("|"), *_WIRE_ENDS)
)
_PORTAL = LazyPattern(
    rf"^{_TAGS}(?P<date>{ANY_DATE_PATTERN})(?:[ \t]*\d{{1,2}}[:：]\d{{2}}(?:[:：]\d{{2}})?)?"
    r"(?:[ \t\u3000\u00a0|｜/]*[（(][^（()）\n]{1,40}?[电電讯訊][）)]"
    r"|[ \t\u3000\u00a0|｜/]+(?:&nbsp;)*(?:[^\s<>|｜]{1,12}[ \t\u3000]+)?"
    rf"(?:{_SOURCE_WORDS})[:：\s/／]?)",
    re.M,
)
# A line that opens with a date (after at most four tags): a digit, a Chinese numeral, or a
# capital (an English month or weekday).
_DATE_FIRST = re.compile(rf"{_TAGS}[0-9０-９〇○零一二三四五六七八九民A-Z]")
_LINE_PATTERNS = (
    (_BYLINE, "byline.date"), (_DATE_BY, "byline.date"), (_POSTED_BY, "byline.date"),
    (_PORTAL, "dateline.portal"),
)  # fmt: skip


class BylineExtractor:
    """The date on a byline or on a portal's date-and-source line."""

    name = "byline"
    markers = ("By ", "BY ", "by ", "·", "•", "|", "｜", *_SOURCE_WORDS.split("|"), *_WIRE_ENDS)

    def extract(self, page: Page) -> Iterator[Candidate]:
        """Propose publication dates from bylines and portal date lines."""
        text = page.text
        for start, stop in hit_lines(_KEYS, text, 0, min(len(text), _TOP)):
            # Cheap tests first: most lines holding a key are prose or navigation.
            dated = _DATE_FIRST.match(text, start, stop) is not None
            named = any(text.find(by, start, stop) >= 0 for by in ("by ", "By ", "BY "))
            for pattern, rule in _LINE_PATTERNS:
                if (pattern is _PORTAL or pattern is _DATE_BY) and not dated:
                    continue
                if (pattern is _POSTED_BY or pattern is _DATE_BY) and not named:
                    continue
                search = pattern.search if pattern is _POSTED_BY else pattern.match
                match = search(text, start, stop)
                moment = parse_any(match["date"]) if match else None
                if match is not None and moment is not None:
                    yield time_candidate(
                        page, match.start(), match.group(0).strip(), rule=rule, confidence=0.8,
                        moment=moment,
                    )  # fmt: skip
