"""Bytes to text: BOM, strict UTF-8 first, then detection (GB18030/GBK, Big5, …), CRLF.

Invalid bytes never stop extraction: once an encoding is chosen the whole file is decoded
with replacement characters and the number of replaced bytes is reported. NUL bytes (outside
a UTF-16/32 file with a BOM) or a high share of control characters mark a file as binary.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes

from provenance.models import FileStatus, Problem

# Detection reads a sample; a 100 MB file must not be scanned whole by the detector.
SAMPLE_BYTES = 64 * 1024
# Control bytes that text does not hold (tab, line feed, form feed, CR and ESC excepted).
_CONTROL_BYTES = bytes([*range(0x01, 0x09), *range(0x0E, 0x1B), *range(0x1C, 0x20)])
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Detector names mapped to the codec we decode with: GB18030 is a superset of GB2312 and GBK,
# and Big5-HKSCS of Big5, so the wider codec reads every byte the narrower one could.
_WIDER = {
    "gb2312": "gb18030", "gbk": "gb18030", "gb18030": "gb18030", "hz": "gb18030",
    "big5": "big5hkscs", "big5hkscs": "big5hkscs", "cp950": "big5hkscs",
}  # fmt: skip
_CJK_FALLBACKS = ("gb18030", "big5hkscs")
# Code pages an archived page plausibly uses; anything else the detector offers is noise.
_PLAUSIBLE = (
    "gb18030", "big5", "shift_jis", "euc_jp", "euc_kr", "cp1252", "latin_1", "cp1251",
    "koi8_r", "iso8859_15",
)  # fmt: skip
_LINE_BREAKS = re.compile(r"\r\n?")
_NON_SPACE = re.compile(r"\S")


@dataclass(frozen=True)
class Decoded:
    """A file's text (line breaks folded to LF), the encoding used, and what went wrong."""

    status: FileStatus
    text: str
    encoding: str | None
    problems: tuple[Problem, ...] = ()


def is_binary(data: bytes) -> bool:
    """True when the bytes are not text: NUL bytes or many control characters."""
    sample = data[:SAMPLE_BYTES]
    if b"\x00" in sample or b"\x00" in data[-SAMPLE_BYTES:]:
        return True
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return controls > max(8, len(sample) // 20)


def _bom(data: bytes) -> str | None:
    for mark, name in _BOMS:
        if data.startswith(mark):
            return name
    return None


def _detect(data: bytes) -> str:
    sample = _whole_characters(data[:SAMPLE_BYTES], len(data) > SAMPLE_BYTES)
    as_utf8 = sample.decode("utf-8", errors="replace")
    bad = as_utf8.count("\ufffd")
    # A UTF-8 file with a few corrupt bytes stays UTF-8: detectors would pick a legacy code
    # page that garbles every valid character to save the few broken ones.
    non_ascii = len(as_utf8) - len(as_utf8.encode("ascii", errors="ignore"))
    if non_ascii - bad >= 4 * bad:
        return "utf-8"
    ends = {name: _cjk_end(sample, name) for name in _CJK_FALLBACKS}
    clean = [name for name, end in ends.items() if end]
    if len(clean) == 1:
        return clean[0]
    if clean:
        # GBK and Big5 share their byte ranges; which reads as language is for the detector.
        whole = sample[: min(end for end in ends.values() if end)]
        guess = from_bytes(whole, cp_isolation=["gb18030", "big5"]).best()
        return _WIDER.get(guess.encoding, clean[0]) if guess else clean[0]
    guess = from_bytes(sample, cp_isolation=list(_PLAUSIBLE)).best()
    if guess is None:
        return "utf-8"
    return _WIDER.get(guess.encoding, guess.encoding)


def _whole_characters(sample: bytes, truncated: bool) -> bytes:
    """Cut a sample after its last line break so that no multi-byte character is split."""
    if not truncated:
        return sample
    cut = sample.rfind(b"\n")
    return sample[: cut + 1] if cut > len(sample) // 2 else sample


def _cjk_end(sample: bytes, name: str) -> int:
    """How much of the sample decodes strictly as CJK text in ``name`` (0: none)."""
    # A file cut short (an interrupted download) may end inside a character: forgive that.
    for end in range(len(sample), max(len(sample) - 4, -1), -1):
        try:
            return end if _looks_cjk(sample[:end].decode(name)) else 0
        except UnicodeDecodeError as error:
            if error.start < len(sample) - 4:
                return 0
    return 0


def _looks_cjk(text: str) -> bool:
    return sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff") >= 2


def _fold(text: str) -> str:
    return _LINE_BREAKS.sub("\n", text) if "\r" in text else text


def decode(data: bytes) -> Decoded:
    """Decode a file's bytes, recording the encoding used; never raises."""
    if not data:
        return Decoded(status="empty", text="", encoding=None)
    encoding = _bom(data)
    if encoding is None and is_binary(data):
        return Decoded(status="binary", text="", encoding=None)
    if encoding is not None:
        text = data.decode(encoding, errors="replace")
        return _finish(text, encoding, text.count("\ufffd"))
    try:
        return _finish(data.decode("utf-8"), "utf-8", 0)
    except UnicodeDecodeError as error:
        if _cut_at_one_join(data, error):
            return _finish(data.decode("utf-8", errors="replace"), "utf-8", 0)
        if error.end == len(data) and error.reason == "unexpected end of data":
            # Valid UTF-8 up to a character cut short at the very end (an interrupted
            # download): UTF-8, with the one broken character reported.
            text = data.decode("utf-8", errors="replace")
            return _finish(text, "utf-8", text.count("\ufffd"))
    encoding = _detect(data)
    try:
        text = data.decode(encoding, errors="replace")
    except LookupError:
        encoding = "utf-8"
        text = data.decode(encoding, errors="replace")
    return _finish(text, encoding, text.count("\ufffd"))


def _cut_at_one_join(data: bytes, error: UnicodeDecodeError) -> bool:
    """True when every invalid UTF-8 sequence sits next to one line break.

    A large file is read as its head, a line break and its tail (the metadata sits at the
    top and the bottom); both cuts may split a character. That is how the sample was made,
    not a fault in the file, so it is not reported as invalid bytes.
    """
    join = data.find(b"\n", max(0, error.start - 3), error.start + 4)
    if join < 0:
        return False
    rest = data[error.end :]
    while True:
        try:
            rest.decode("utf-8")
            return True
        except UnicodeDecodeError as more:
            position = len(data) - len(rest) + more.start
            if abs(position - join) > 4:
                return False
            rest = rest[more.end :]


def _finish(text: str, encoding: str, replaced: int) -> Decoded:
    text = _fold(text)
    if text.startswith("\ufeff"):  # the utf-16/32 codecs with an explicit order keep the BOM
        text = text[1:]
    if _NON_SPACE.search(text) is None:  # not text.strip(): that copies a 100 MB page
        return Decoded(status="empty", text=text, encoding=encoding)
    problems: tuple[Problem, ...] = ()
    if replaced:
        message = f"{replaced} invalid byte sequence(s) replaced while decoding as {encoding}"
        problems = (Problem(code="invalid-bytes", severity="warning", message=message),)
    return Decoded(status="ok", text=text, encoding=encoding, problems=problems)
