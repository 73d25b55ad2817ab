"""Date forms and archive addresses met outside the seeds, and the scan helpers that keep
extraction cheap (keyword tries, marker gates, line hits, MHTML decoding)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from provenance.extract import extract_file, extract_page
from provenance.extract.interface import Page, markers_found, wanted
from provenance.extract.mhtml import html_view
from provenance.extract.patterns import Keywords, LazyPattern, hit_lines, keyword_trie
from provenance.extract.registry import EXTRACTORS
from provenance.models import Candidate
from provenance.timestamps import parse_any
from provenance.urls import unwrap_wayback


@pytest.mark.parametrize(
    ("text", "value", "valid"),
    [
        ("13.04.2021", "2021-04-13", True),
        ("3.4.2021", "2021-04-03", True),
        ("31.02.2021", "2021-02-31", False),  # flagged later, never repaired
        (
            "Tue Apr 13 2021 10:00:00 GMT+0800 (China Standard Time)",
            "2021-04-13T10:00:00+08:00",
            True,
        ),
        ("Sat Dec 10 2022 18:00:00 GMT-0500", "2022-12-10T18:00:00-05:00", True),
        ("Tue Apr 13 10:00:00 2021", "2021-04-13", True),  # asctime names no zone
        ("20210413", "2021-04-13", True),
        ("20210413T020000Z", "2021-04-13T02:00:00Z", True),
        ("20210413T1000+0800", "2021-04-13T10:00+08:00", True),
        ("民國110年4月13日", "2021-04-13", True),
        ("中華民國１１０年０４月１３日", "2021-04-13", True),
        ("2021년 4월 13일", "2021-04-13", True),
    ],
)
def test_more_written_forms(text: str, value: str, valid: bool) -> None:
    moment = parse_any(text)
    assert moment is not None and moment.value == value and moment.valid is valid


@pytest.mark.parametrize("text", ["04/05/2021", "112/12/14", "13-04-21", "Publié le 6 avril 2023"])
def test_ambiguous_or_unknown_forms_stay_unread(text: str) -> None:
    assert parse_any(text) is None


@pytest.mark.parametrize(
    ("url", "original", "stamp"),
    [
        (
            "https://archive.ph/2021.04.13-102233/https://www.example.com/a.html",
            "https://www.example.com/a.html",
            "2021-04-13T10:22:33Z",
        ),
        (
            "https://archive.is/20210413102233/http://www.example.net/b",
            "http://www.example.net/b",
            "2021-04-13T10:22:33Z",
        ),
        (
            "https://wayback.archive-it.org/1234/20200115093000/https://www.example.gov/c",
            "https://www.example.gov/c",
            "2020-01-15T09:30:00Z",
        ),
        (
            "https://webarchive.nationalarchives.gov.uk/ukgwa/20210413101010/https://www.gov.uk/d",
            "https://www.gov.uk/d",
            "2021-04-13T10:10:10Z",
        ),
        (
            "/web/20190304050607/http://www.example.com/e",
            "http://www.example.com/e",
            "2019-03-04T05:06:07Z",
        ),
    ],
)
def test_memento_addresses_unwrap(url: str, original: str, stamp: str) -> None:
    unwrapped = unwrap_wayback(url)
    assert unwrapped is not None
    assert unwrapped[0] == original
    assert unwrapped[1] is not None and unwrapped[1].value == stamp


@pytest.mark.parametrize(
    "url",
    [
        "https://www.example.com/2021/04/13/story.html",  # a dated path is not a memento
        "https://archive.ph/AbCdE",  # archive.today's short link names the copy only
        "https://www.example.com/20210413102233/relative/path",  # no original inside
    ],
)
def test_ordinary_paths_are_not_mementos(url: str) -> None:
    assert unwrap_wayback(url) is None


_WORDS = st.lists(st.text(alphabet="abc原文|[", min_size=1, max_size=4), min_size=1, max_size=8)


@given(_WORDS, st.text(alphabet="abc原文|[ \n", max_size=60))
def test_keyword_trie_finds_what_an_alternation_finds(words: list[str], text: str) -> None:
    trie = keyword_trie(words)
    longest_first = re.compile(
        "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))
    )
    assert [m.span() for m in trie.finditer(text)] == [
        m.span() for m in longest_first.finditer(text)
    ]


@given(
    st.lists(st.text(alphabet="abc原文|[😀", min_size=1, max_size=4), min_size=1, max_size=8),
    st.text(alphabet="abc原文|[😀 \n", max_size=60),
)
def test_keywords_automaton_finds_what_the_trie_finds(words: list[str], text: str) -> None:
    # character offsets (not UTF-8 bytes: 原 and 😀 are 3 and 4 bytes), leftmost-longest
    trie, automaton = keyword_trie(words), Keywords(words)
    assert [(s, e, w) for s, e, w in automaton.hits(text)] == [
        (m.start(), m.end(), m.group(0)) for m in trie.finditer(text)
    ]
    assert automaton.present(text) == set(trie.findall(text))


def test_keywords_refuse_an_empty_word() -> None:
    with pytest.raises(ValueError):
        Keywords(["a", ""])
    with pytest.raises(ValueError):
        Keywords([])


def test_hit_lines_gives_each_line_once() -> None:
    text = "a|b|c\nnone here\n|x\n"
    spans = list(hit_lines(re.compile(r"\|"), text))
    assert [text[start:end] for start, end in spans] == ["a|b|c", "|x"]


class _Recording:
    """An extractor that records whether it ran."""

    name = "recording"

    def __init__(self, markers: tuple[str, ...]) -> None:
        self.markers = markers
        self.ran = False

    def extract(self, page: Page) -> Iterable[Candidate]:
        self.ran = True
        return []


def test_a_family_whose_markers_are_absent_never_runs() -> None:
    absent, present, always = _Recording(("SingleFile",)), _Recording(("【", "zz")), _Recording(())
    extract_page(
        Page.from_text("【大纪元2021年08月26日讯】正文"), extractors=[absent, present, always]
    )
    assert (absent.ran, present.ran, always.ran) == (False, True, True)


def test_markers_found_sees_single_characters_and_words() -> None:
    found = markers_found(EXTRACTORS, "x | y ## Mirrored from z")
    assert {"|", "#", "Mirrored from"} <= found
    assert "SingleFile" not in found
    saved = next(e for e in EXTRACTORS if e.name == "saved")
    assert wanted(saved, found)


def test_mhtml_html_part_is_decoded_at_its_own_lines() -> None:
    text = (
        'MIME-Version: 1.0\nContent-Type: multipart/related; boundary="b"\n\n--b\n'
        "Content-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n"
        "Content-Location: https://www.example.com/x\n\n"
        '<meta property=3D"og:title" content=3D"caf=C3=A9">\n--b--\n'
    )
    view = html_view(Page.from_text(text))
    assert view is not None
    line = view.text.split("\n").index('<meta property="og:title" content="café">')
    assert line == text.split("\n").index('<meta property=3D"og:title" content=3D"caf=C3=A9">')


def test_a_page_that_only_mentions_mime_headers_is_not_unwrapped() -> None:
    assert html_view(Page.from_text("Content-Location: https://example.com/\n\nbody")) is None


def test_many_reference_style_labels_stay_linear() -> None:
    # Each [原文链接][1] once searched the whole page for its definition: quadratic.
    data = ("[原文链接][1]\n" * 20_000 + "x\n" * 1_000).encode()
    started = time.perf_counter()
    result = extract_file(data)
    assert time.perf_counter() - started < 3
    assert result.original_url is None


def test_reference_style_label_reads_its_definition() -> None:
    result = extract_file(
        b"# t\n\n[\xe5\x8e\x9f\xe6\x96\x87\xe9\x93\xbe\xe6\x8e\xa5][a]\n\n[A]: https://e.example/n/1\n"
    )
    assert result.original_url is not None and result.original_url.value == "https://e.example/n/1"


def test_lazy_pattern_behaves_as_the_compiled_one() -> None:
    lazy, compiled = LazyPattern(r"(?P<d>\d+)-x", re.I), re.compile(r"(?P<d>\d+)-x", re.I)
    text = "a 12-X b 3-x"
    found = lazy.search(text, 1)
    assert found is not None and found["d"] == "12"
    assert [m.span() for m in lazy.finditer(text)] == [m.span() for m in compiled.finditer(text)]
    assert lazy.match(text, 2, 6) is not None and lazy.fullmatch("3-x") is not None
