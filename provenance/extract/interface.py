"""The extractor plugin interface.

An extractor reads a decoded :class:`Page` and proposes :class:`~provenance.models.Candidate`
values, each with its evidence (line, column, raw text, rule) and a confidence. It never
decides: the resolver (``resolver.py``) picks one candidate per field by a documented rule
and keeps the others.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from provenance.models import Candidate


@dataclass(frozen=True)
class Page:
    """A file's text, decoded, with a map from offsets to lines."""

    text: str
    encoding: str
    filename: str = ""
    line_starts: tuple[int, ...] = field(default=(0,))

    @classmethod
    def from_text(cls, text: str, *, encoding: str = "utf-8", filename: str = "") -> Page:
        """Build a page and index where each line starts."""
        starts = [0]
        find = text.find
        pos = find("\n")
        while pos != -1:
            starts.append(pos + 1)
            pos = find("\n", pos + 1)
        return cls(text=text, encoding=encoding, filename=filename, line_starts=tuple(starts))

    def locate(self, offset: int) -> tuple[int, int]:
        """Return the 1-based line and 0-based column of a character offset."""
        index = bisect_right(self.line_starts, offset) - 1
        return index + 1, offset - self.line_starts[index]


class Extractor(Protocol):
    """One layout family's rules."""

    name: str

    def extract(self, page: Page) -> Iterable[Candidate]:
        """Propose candidates found in the page."""
        ...
