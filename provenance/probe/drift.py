"""Content drift: reduce two copies to article text and score how alike they are.

The measures are lexical, as in the reference-rot literature (Jones et al. 2016; the
Off-Topic Memento Toolkit): Jaccard similarity of word shingles and of character shingles,
and the Hamming distance of 64-bit simhashes of the word shingles. Text with no spaces
(Chinese, Japanese) has no words to shingle, so each CJK character counts as a word there.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from html.parser import HTMLParser

from provenance.probe.models import DriftResult, DriftVerdict

_SKIP = frozenset(
    {
        "script",
        "style",
        "nav",
        "header",
        "footer",
        "aside",
        "noscript",
        "template",
        "svg",
        "form",
        "button",
        "select",
        "iframe",
        "head",
    }
)
_VOID = frozenset(
    {
        "br",
        "hr",
        "img",
        "input",
        "meta",
        "link",
        "area",
        "base",
        "col",
        "embed",
        "source",
        "track",
        "wbr",
    }
)
_BLOCK = frozenset(
    {
        "p",
        "div",
        "br",
        "li",
        "tr",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "section",
        "article",
        "table",
        "blockquote",
        "pre",
        "center",
    }
)
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, kw_only=True)
class DriftThresholds:
    """Where the verdicts change; see docs/probe.md for how they were chosen."""

    identical: float = 0.95  # word Jaccard at or above: identical
    minor: float = 0.75  # word Jaccard at or above, or containment at or above minor_contained
    minor_contained: float = 0.90
    unrelated: float = 0.10  # char Jaccard below, with simhash beyond unrelated_bits
    unrelated_bits: int = 20
    shingle_words: int = 3
    shingle_chars: int = 5


class _TextParser(HTMLParser):
    """Collect text outside boilerplate elements, keeping block breaks as newlines."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            self.parts.append("\n")
            return
        if tag in _SKIP or self.skipping:
            self.skipping.append(tag)
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if self.skipping and tag in self.skipping:
            # unwind to the matching tag: HTML in the wild leaves tags unclosed
            while self.skipping and self.skipping.pop() != tag:
                pass
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def _is_nav_line(line: str) -> bool:
    """A markdown line that is mostly links (a menu such as ``[Home](…) | [News](…)``)."""
    links = _MD_LINK.findall(line)
    if len(links) < 2:
        return False
    rest = _MD_LINK.sub("", line)
    rest = re.sub(r"(&nbsp;|[|#*\s·•>-])", "", rest)
    return len(rest) < 10


def article_text(document: str) -> str:
    """Article text of an HTML page or of a markdown copy, boilerplate and menus removed."""
    lines = [line for line in document.splitlines() if not _is_nav_line(line)]
    markdown = _MD_LINK.sub(r"\1", "\n".join(lines))
    parser = _TextParser()
    parser.feed(markdown)
    parser.close()
    text = "".join(parser.parts).replace("\xa0", " ")
    kept = []
    for line in text.splitlines():
        line = " ".join(line.split()).strip("#*>|- ")
        if line and not re.fullmatch(r"[-=_*#\s]+", line):
            kept.append(line)
    return "\n".join(kept)


def tokens(text: str) -> list[str]:
    """Lower-case words; each CJK character is a word of its own."""
    out: list[str] = []
    for word in _WORD.findall(text.lower()):
        if _CJK.search(word):
            out.extend(piece for piece in re.split(f"({_CJK.pattern})", word) if piece)
        else:
            out.append(word)
    return out


def shingles(items: list[str], size: int) -> set[str]:
    """Contiguous runs of ``size`` items, joined; short inputs give one shingle."""
    if not items:
        return set()
    if len(items) <= size:
        return {"\x1f".join(items)}
    return {"\x1f".join(items[i : i + size]) for i in range(len(items) - size + 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    """|A∩B| / |A∪B|, 1.0 for two empty sets."""
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def simhash(features: set[str]) -> int:
    """Charikar's 64-bit simhash of a set of features: each bit is the majority vote."""
    digests = b"".join(
        hashlib.blake2b(feature.encode(), digest_size=8).digest() for feature in features
    )
    count = len(digests) // 8
    result = 0
    # Bit-sliced majority: column j holds byte j of every digest, so one AND and one
    # popcount count the ones of a bit position across all features at C speed.
    for j in range(8):
        column = int.from_bytes(digests[j::8], "big")
        for k in range(8):
            ones = (column & int.from_bytes(bytes([1 << k]) * count, "big")).bit_count()
            if ones * 2 > count:
                result |= 1 << ((7 - j) * 8 + k)
    return result


@dataclass(frozen=True)
class Scores:
    """The measures of one comparison."""

    word_jaccard: float
    char_jaccard: float
    containment: float
    simhash_distance: int
    ours_chars: int
    theirs_chars: int


def score(ours: str, theirs: str, *, thresholds: DriftThresholds | None = None) -> Scores:
    """Compare two article texts."""
    t = thresholds or DriftThresholds()
    words_a = shingles(tokens(ours), t.shingle_words)
    words_b = shingles(tokens(theirs), t.shingle_words)
    chars_a = shingles(list(" ".join(ours.split())), t.shingle_chars)
    chars_b = shingles(list(" ".join(theirs.split())), t.shingle_chars)
    contained = len(words_a & words_b) / len(words_a) if words_a else 0.0
    distance = bin(simhash(words_a) ^ simhash(words_b)).count("1")
    return Scores(
        word_jaccard=round(jaccard(words_a, words_b), 4),
        char_jaccard=round(jaccard(chars_a, chars_b), 4),
        containment=round(contained, 4),
        simhash_distance=distance,
        ours_chars=len(ours),
        theirs_chars=len(theirs),
    )


def verdict(scores: Scores, *, thresholds: DriftThresholds | None = None) -> DriftVerdict:
    """identical / minor / drifted / unrelated from the scores."""
    t = thresholds or DriftThresholds()
    if not scores.ours_chars or not scores.theirs_chars:
        return "identical" if scores.ours_chars == scores.theirs_chars else "unrelated"
    if scores.word_jaccard >= t.identical:
        return "identical"
    if scores.word_jaccard >= t.minor or scores.containment >= t.minor_contained:
        return "minor"
    if scores.char_jaccard < t.unrelated and scores.simhash_distance > t.unrelated_bits:
        return "unrelated"
    return "drifted"


def compare(
    ours: str,
    theirs: str,
    *,
    against: str,
    url: str,
    memento_url: str | None = None,
    thresholds: DriftThresholds | None = None,
) -> DriftResult:
    """Drift of our article text against another copy's (a memento or the live page)."""
    s = score(ours, theirs, thresholds=thresholds)
    return DriftResult(
        verdict=verdict(s, thresholds=thresholds),
        against="memento" if against == "memento" else "live",
        compared_url=url,
        memento_url=memento_url,
        word_jaccard=s.word_jaccard,
        char_jaccard=s.char_jaccard,
        containment=s.containment,
        simhash_distance=s.simhash_distance,
        ours_chars=s.ours_chars,
        theirs_chars=s.theirs_chars,
    )
