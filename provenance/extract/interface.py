"""The extractor plugin interface.

An extractor reads a decoded :class:`Page` and proposes :class:`~provenance.models.Candidate`
values, each with its evidence (line, column, raw text, rule) and a confidence. It never
decides: the resolver (``resolver.py``) picks one candidate per field by a documented rule
and keeps the others.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Protocol

from provenance.extract.patterns import Keywords
from provenance.models import Candidate

# Line numbers are counted per block of this many characters, so that indexing a page costs
# one C-level count per block however many lines it has (a 100 MB file of short lines would
# otherwise need tens of millions of Python integers), and locating an offset counts within
# one block only: a page's dozens of candidates each cost a count over at most 4 K
# characters, not over everything before them.
_BLOCK = 4 * 1024


@dataclass(frozen=True)
class Page:
    """A file's text, decoded, with a map from offsets to lines."""

    text: str
    encoding: str
    filename: str = ""
    block_lines: tuple[int, ...] = field(default=(0,))

    @classmethod
    def from_text(cls, text: str, *, encoding: str = "utf-8", filename: str = "") -> Page:
        """Build a page and index how many lines start before each block of text."""
        counts = [0]
        count = text.count
        for start in range(0, len(text), _BLOCK):
            counts.append(counts[-1] + count("\n", start, start + _BLOCK))
        return cls(text=text, encoding=encoding, filename=filename, block_lines=tuple(counts))

    @property
    def line_starts(self) -> tuple[int, ...]:
        """The offset where each line starts (built on demand; costly for huge pages)."""
        starts = [0]
        find = self.text.find
        pos = find("\n")
        while pos != -1:
            starts.append(pos + 1)
            pos = find("\n", pos + 1)
        return tuple(starts)

    def locate(self, offset: int) -> tuple[int, int]:
        """Return the 1-based line and 0-based column of a character offset."""
        offset = max(0, min(offset, len(self.text)))
        block = min(offset // _BLOCK, len(self.block_lines) - 1)
        line = self.block_lines[block] + self.text.count("\n", block * _BLOCK, offset)
        return line + 1, offset - (self.text.rfind("\n", 0, offset) + 1)


class Extractor(Protocol):
    """One layout family's rules.

    ``markers`` are substrings (case as written) of which at least one must occur in the page
    for the family to run at all; an empty tuple means the family always runs. They keep the
    cost of a page to the families whose layout it can have: one substring test each.
    """

    name: str

    @property
    def markers(self) -> tuple[str, ...]:
        """Substrings that a page of this family's layout holds (empty: run on every page)."""
        ...

    def extract(self, page: Page) -> Iterable[Candidate]:
        """Propose candidates found in the page."""
        ...


def markers_found(
    extractors: Iterable[Extractor], text: str, *, also: tuple[str, ...] = ()
) -> frozenset[str]:
    """Which of the extractors' markers occur in ``text``, found in one scan.

    Testing fifty markers one by one costs fifty scans of the page when they are absent;
    one pass of an automaton (:class:`~provenance.extract.patterns.Keywords`) finds them
    all (leftmost-longest, as the trie-shaped search it replaced did).
    """
    chars, finder = _finder(_all_markers(tuple(extractors), also))
    found = {char for char in chars if char in text}
    if finder is not None:
        found.update(finder.present(text))
    return frozenset(found)


def wanted(extractor: Extractor, found: frozenset[str]) -> bool:
    """True when one of the extractor's markers was found (or it has none)."""
    markers = extractor.markers
    return not markers or not found.isdisjoint(markers)


@cache
def _all_markers(extractors: tuple[Extractor, ...], also: tuple[str, ...]) -> frozenset[str]:
    return frozenset(marker for e in extractors for marker in e.markers) | set(also)


@cache
def _finder(markers: frozenset[str]) -> tuple[tuple[str, ...], Keywords | None]:
    """Single characters (tested one by one: a character search runs at memory speed and
    common ones such as "|" would flood a combined search) and an automaton for the rest."""
    chars = tuple(sorted(m for m in markers if len(m) == 1))
    longer = [m for m in markers if len(m) > 1]
    return chars, Keywords(longer) if longer else None
