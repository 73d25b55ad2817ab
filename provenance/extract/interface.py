"""The extractor plugin interface.

An extractor reads a decoded :class:`Page` and proposes :class:`~provenance.models.Candidate`
values, each with its evidence (line, column, raw text, rule) and a confidence. It never
decides: the resolver (``resolver.py``) picks one candidate per field by a documented rule
and keeps the others.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Protocol

from provenance.models import Candidate

# Line numbers are counted per block of this many characters, so that indexing a page costs
# one C-level count per block however many lines it has (a 100 MB file of short lines would
# otherwise need tens of millions of Python integers).
_BLOCK = 64 * 1024


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

    @cached_property
    def utf8(self) -> bytes:
        """The text as UTF-8, for marker tests.

        Searching bytes for a marker runs at memory speed; searching a str that holds CJK
        text (two or four bytes a character) for an ASCII marker is several times slower.
        """
        return self.text.encode("utf-8", errors="surrogatepass")

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


def wanted(extractor: Extractor, page: Page) -> bool:
    """True when the page holds one of the extractor's markers (or it has none)."""
    markers = _encoded(extractor.markers)
    if not markers:
        return True
    data = page.utf8
    for marker in markers:
        if marker in data:
            return True
    return False


@cache
def _encoded(markers: tuple[str, ...]) -> tuple[bytes, ...]:
    return tuple(marker.encode("utf-8") for marker in markers)
