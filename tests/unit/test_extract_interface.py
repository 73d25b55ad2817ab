"""Page: offsets map to the same line and column as a full line index would give."""

from __future__ import annotations

import time
from bisect import bisect_right

from hypothesis import given
from hypothesis import strategies as st

from provenance.extract import extract_file
from provenance.extract.interface import Page


@given(st.text(alphabet="ab\n【】", max_size=300), st.data())
def test_locate_matches_a_full_line_index(text: str, data: st.DataObject) -> None:
    page = Page.from_text(text)
    starts = page.line_starts
    offset = data.draw(st.integers(min_value=0, max_value=len(text)))
    index = bisect_right(starts, offset) - 1
    assert page.locate(offset) == (index + 1, offset - starts[index])


def test_locate_across_blocks() -> None:
    text = ("x" * 999 + "\n") * 300
    page = Page.from_text(text)
    for offset in (0, 999, 1000, 65_535, 65_536, 65_537, 150_001, len(text)):
        line, column = page.locate(offset)
        assert (line, column) == (offset // 1000 + 1, offset % 1000)


def test_many_short_lines_are_quick() -> None:
    data = (
        "【大纪元2021年08月26日讯】\n" + "ab\n" * 10_000_000 + "原文链接：https://x.example/1\n"
    ).encode()
    started = time.perf_counter()
    result = extract_file(data)
    assert time.perf_counter() - started < 5
    assert result.original_url is not None and result.original_url.line == 10_000_002
