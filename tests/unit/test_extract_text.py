"""Bytes to text: BOM, strict UTF-8, CJK detection, CRLF, binary and empty files."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from provenance.text import decode

SIMPLIFIED = "【大纪元2021年08月26日讯】美国总统气候变化特使约翰克里九月再次访华，讨论合作。"
TRADITIONAL = "【大紀元2021年04月14日訊】美國氣候特使克里週三抵達上海，展開為期三天的訪問。"


def test_strict_utf8_first() -> None:
    decoded = decode(SIMPLIFIED.encode())
    assert (decoded.status, decoded.encoding, decoded.text) == ("ok", "utf-8", SIMPLIFIED)


@pytest.mark.parametrize(
    ("text", "codec", "recorded"),
    [(SIMPLIFIED, "gbk", "gb18030"), (SIMPLIFIED, "gb18030", "gb18030"),
     (SIMPLIFIED, "gb2312", "gb18030"), (TRADITIONAL, "big5", "big5hkscs")],
)  # fmt: skip
def test_legacy_cjk_encodings(text: str, codec: str, recorded: str) -> None:
    decoded = decode(text.encode(codec))
    assert (decoded.encoding, decoded.text, decoded.problems) == (recorded, text, ())


def test_bom_and_crlf() -> None:
    decoded = decode(b"\xef\xbb\xbf" + "第一行\r\n第二行\r第三行".encode())
    assert decoded.encoding == "utf-8-sig"
    assert decoded.text == "第一行\n第二行\n第三行"
    utf16 = decode("\ufeff标题\r\n".encode("utf-16-le"))
    assert (utf16.status, utf16.encoding, utf16.text) == ("ok", "utf-16-le", "标题\n")


def test_a_few_bad_bytes_keep_utf8_and_are_reported() -> None:
    decoded = decode(SIMPLIFIED.encode() + b"\xff" + SIMPLIFIED.encode())
    assert decoded.encoding == "utf-8"
    assert SIMPLIFIED in decoded.text
    assert [p.code for p in decoded.problems] == ["invalid-bytes"]


@pytest.mark.parametrize("data", [b"\x00\x01\x02binary", b"PK\x03\x04" + bytes(range(256))])
def test_binary(data: bytes) -> None:
    decoded = decode(data)
    assert (decoded.status, decoded.encoding, decoded.text) == ("binary", None, "")


@pytest.mark.parametrize("data", [b"", b"   \n\r\n\t"])
def test_empty(data: bytes) -> None:
    assert decode(data).status == "empty"


@given(st.binary(max_size=2000))
def test_never_raises(data: bytes) -> None:
    decoded = decode(data)
    assert decoded.status in ("ok", "empty", "binary")
    assert "\r" not in decoded.text


@pytest.mark.parametrize(
    ("text", "codec", "recorded"),
    [(TRADITIONAL, "big5", "big5hkscs"), (SIMPLIFIED, "gbk", "gb18030")],
)
def test_detection_survives_a_cut_character(text: str, codec: str, recorded: str) -> None:
    data = ((text + "\n") * 3000).encode(codec)
    # The detector's 64 KB sample, and a file whose download stopped, both end mid-character.
    for size in (len(data), 65_537, 65_538, 301, 302):
        decoded = decode(data[:size])
        assert decoded.encoding == recorded, size
        assert decoded.text.startswith(text[:10])


def test_a_head_and_tail_sample_cut_mid_character_is_not_invalid() -> None:
    # Large files reach extraction as head + b"\n" + tail; both cuts may split a character.
    body = ("正文内容，" * 20).encode()
    decoded = decode(body[:-1] + b"\n" + body[2:])
    assert (decoded.encoding, decoded.problems) == ("utf-8", ())
    broken = decode(body + b"\n" + body[:7] + b"\xff" + body)
    assert [p.code for p in broken.problems] == ["invalid-bytes"]
