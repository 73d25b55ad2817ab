"""Helpers that keep a page's scans few and cheap.

Python's regular expressions step through a page a character at a time and try every
branch of an alternation at every position. These helpers find the literal keywords of a
whole page in one pass of a compiled automaton (:class:`Keywords`), or as a trie where a
search starts and stops inside a page, try line-anchored patterns only on the lines that
hold a keyword, and compile the large date-bearing patterns only when first used.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ahocorasick_rs import AhoCorasick


class LazyPattern:
    """A regular expression compiled the first time it is used.

    The patterns that embed every written date form are large; compiling them all at import
    would add tens of milliseconds to every command, most of which extract nothing. The
    first call compiles and puts the compiled pattern's own methods in place, so later
    calls cost what a compiled pattern's do.
    """

    __slots__ = ("_flags", "_source", "finditer", "fullmatch", "match", "search")

    match: Callable[..., re.Match[str] | None]
    search: Callable[..., re.Match[str] | None]
    fullmatch: Callable[..., re.Match[str] | None]
    finditer: Callable[..., Iterator[re.Match[str]]]

    def __init__(self, source: str, flags: int = 0) -> None:
        self._source, self._flags = source, flags
        self.match = self._first("match")
        self.search = self._first("search")
        self.fullmatch = self._first("fullmatch")
        self.finditer = self._first("finditer")

    def _first(self, method: str) -> Callable[..., Any]:
        def call(*args: Any) -> Any:
            compiled = re.compile(self._source, self._flags)
            self.match, self.search = compiled.match, compiled.search
            self.fullmatch, self.finditer = compiled.fullmatch, compiled.finditer
            return getattr(compiled, method)(*args)

        return call


class Keywords:
    """A set of literal words, found in a whole page by one pass of an Aho-Corasick automaton.

    The automaton (``ahocorasick-rs``: the Rust ``aho-corasick`` crate, as a DFA) reads a
    page once whatever the number of words, and reports character offsets. On the
    benchmark's pages it finds the label keywords in a quarter of the time of the
    trie-shaped regular expression, and the family markers in a fifth. The automaton is
    built on first use (a couple of milliseconds), not at import.
    """

    __slots__ = ("_longest", "words")

    def __init__(self, words: Iterable[str]) -> None:
        self.words = tuple(sorted(set(words)))
        if not self.words or not all(self.words):
            raise ValueError("keywords must be non-empty strings, and at least one")
        self._longest: AhoCorasick | None = None

    def hits(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, word) of each leftmost-longest hit, in page order, none overlapping.

        The hits a trie-shaped regular expression's ``finditer`` gives for the same words.
        """
        words = self.words
        return [
            (start, end, words[i]) for i, start, end in self._built().find_matches_as_indexes(text)
        ]

    def present(self, text: str) -> set[str]:
        """The words of :meth:`hits`, as a set: what a trie's ``findall`` finds.

        A word found only inside a longer one's hit (``publish`` in ``published``) is not
        in it, as with the trie: the rule families' gates were written against that, and
        the extraction results stay what they were.
        """
        return set(self._built().find_matches_as_strings(text))

    def _built(self) -> AhoCorasick:
        if self._longest is None:
            self._longest = _automaton(self.words)
        return self._longest


def _automaton(words: tuple[str, ...]) -> AhoCorasick:
    from ahocorasick_rs import AhoCorasick, Implementation, MatchKind

    return AhoCorasick(
        list(words),
        matchkind=MatchKind.LeftmostLongest,
        store_patterns=True,
        implementation=Implementation.DFA,
    )


def keyword_trie(words: Iterable[str], *, flags: int = 0) -> re.Pattern[str]:
    """A search for any of the literal ``words``, written as a trie (``pub(?:lished|date)``).

    Python's regular expressions try an alternation's branches one by one at every
    position; factored into a trie, each position costs one step per character that
    matches, so a page is scanned for a hundred keywords about as fast as for one. For a
    search that starts and stops inside a page (:func:`hit_lines`); a whole page is read
    faster by :class:`Keywords`.
    """
    trie: dict[str, dict[str, Any]] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return re.compile(_trie_pattern(trie), flags)


def _trie_pattern(node: dict[str, dict[str, Any]]) -> str:
    branches = [
        re.escape(char) + _trie_pattern(child) for char, child in sorted(node.items()) if char
    ]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body


def hit_lines(
    finder: re.Pattern[str], text: str, start: int = 0, end: int | None = None
) -> Iterator[tuple[int, int]]:
    """(start, end) of each line of ``text[start:end]`` that holds a hit of ``finder``, once.

    A line-anchored pattern (``^…`` with re.M) costs an attempt at every position of the
    text; tried only at the start of the lines that hold its keyword, it costs little.
    """
    stop = len(text) if end is None else end
    search = finder.search
    hit = search(text, start, stop)
    while hit is not None:
        begin = text.rfind("\n", 0, hit.start()) + 1
        close = text.find("\n", hit.end())
        close = len(text) if close < 0 else close
        yield begin, close
        hit = search(text, close, stop)
