"""A manifest's seal: proof that its bytes are the ones written after passing the schema.

Checking a 20,000-record manifest whole (parse, prove no key repeats, validate every record
against the schema) costs more CPU than hashing the 150 MB it lists. Every manifest
``provenance`` writes has passed those checks just before it is written, so the writer
seals it: the header's ``seal`` is the SHA-256 of the manifest schema it was checked
against and of the manifest's bytes with the seal line taken out.

When the seal holds, the bytes are the ones written and the schema is the one they passed,
so verify reads only what it needs straight from each record's line (path, size, digest,
and the recorded problems): one hash of the file and one match a line instead of a full
parse and schema check. What guards the disk is checked whatever the seal says: the header
against the schema, the folder, every path (safe, not listed twice) and the totals. A seal
that does not hold (a hand edit, a reformat, a truncation, a newer schema, a manifest with
no seal) sends the manifest down the full path, which names what is wrong, if anything.

The seal is not a signature: whoever can edit the manifest can recompute it. It detects
accidents and edits, as the schema check did; it vouches for nothing a forger writes, and
neither did the schema check.
"""

from __future__ import annotations

import hashlib
import re
import threading
from binascii import unhexlify
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from itertools import repeat
from typing import Any, Generic, TypeVar

MANIFEST_SCHEMA = "manifest.schema.json"
_DOMAIN = b"provenance manifest seal 1\n"
_FILES = b' "files": ['
_HEX = re.compile(rb"[0-9a-f]{64}")
# A record's line as the writer renders it (model field order, orjson's spacing): path,
# size and digest first, the problems last; then a comma unless it is the last record.
_RECORD = (
    rb'^  \{"path":"([^"\\\n]*(?:\\.[^"\\\n]*)*)","size":(0|[1-9][0-9]{0,17}),'
    rb'"sha256":"([0-9a-f]{64})",[^\n]*,"problems":(\[[^\n]*\])\}'
)
_LINE = re.compile(_RECORD + rb",$", re.MULTILINE)  # every record but the last
_LAST = re.compile(_RECORD + rb"$", re.MULTILINE)
_END = b" ]\n}\n"
_EMPTY = b"]\n}\n"
_HEADER_MAX = 1 << 20  # a header is a few hundred bytes; past this it is no manifest


class _Unsealed(Exception):
    """The bytes are not a sealed manifest as written: take the full path."""


@cache
def schema_digest() -> bytes:
    """SHA-256 of the manifest schema this provenance checks against (the shipped copy)."""
    from provenance import schemas

    try:
        data = (schemas.PACKAGED / MANIFEST_SCHEMA).read_bytes()
    except FileNotFoundError:
        data = schemas.render(schemas.generate(MANIFEST_SCHEMA)).encode("utf-8")
    return hashlib.sha256(data).digest()


def compute(unsealed: Iterable[bytes]) -> str:
    """The seal of a manifest whose bytes, without a seal line, are ``unsealed`` (in pieces)."""
    h = hashlib.sha256(_DOMAIN)
    h.update(schema_digest())
    for piece in unsealed:
        h.update(piece)
    return h.hexdigest()


R = TypeVar("R", bound=tuple[Any, ...])


@dataclass(frozen=True)
class Sealed(Generic[R]):
    """A manifest's header members and its rows, read while its seal was recomputed."""

    header: dict[str, Any]
    rows: list[R]


def read(
    chunks: Iterable[bytes],
    row: type[R],
    *,
    whole: Callable[[dict[str, Any]], bool],
    shape: Callable[[Any], Any],
    raw: bool = False,
) -> Sealed[R] | None:
    """The header and rows of the sealed manifest given in ``chunks``; None if the seal fails.

    Each row is a ``row`` (a tuple type) of (path, size, raw digest, "code: message" of each
    error the record lists, ``shape(record)``) where ``whole(header)`` is true (verify
    re-extracts and compares the values), else None. Without ``whole`` only the path, the
    size, the digest and the problems of each line are read. With ``raw``, ``shape`` is given
    the record's JSON as written (bytes) instead of its parse. Nothing is trusted before the
    last chunk: rows are returned only when the recomputed seal equals the one written.
    """
    try:
        return _read(iter(chunks), row, whole, shape, raw)
    except (_Unsealed, ValueError, TypeError, KeyError):
        return None


def _read(
    chunks: Iterator[bytes],
    row: type[R],
    whole: Callable[[dict[str, Any]], bool],
    shape: Callable[[Any], Any],
    raw: bool,
) -> Sealed[R]:
    import orjson

    first = b""
    while (at := first.find(b"\n" + _FILES)) < 0 or len(first) < at + len(_FILES) + 2:
        more = next(chunks, None)
        if more is None or len(first) > _HEADER_MAX:
            raise _Unsealed
        first += more
    if not first.startswith(b"{\n"):
        raise _Unsealed
    head_end = at + 1
    header: dict[str, Any] = {}
    seal_at = -1
    offset = 2
    for line in first[2:head_end].split(b"\n")[:-1]:
        if not line.startswith(b' "') or not line.endswith(b","):
            raise _Unsealed
        member = orjson.loads(b"{" + line[:-1] + b"}")
        if not isinstance(member, dict) or len(member) != 1:
            raise _Unsealed
        key = next(iter(member))
        if key in header:
            raise _Unsealed  # a repeated key: the full path names it
        header[key] = member[key]
        if key == "seal":
            seal_at = offset
            seal_end = offset + len(line) + 1
        offset += len(line) + 1
    written = header.get("seal")
    if seal_at < 0 or not isinstance(written, str) or not _HEX.fullmatch(written.encode()):
        raise _Unsealed
    h = hashlib.sha256(_DOMAIN)
    h.update(schema_digest())
    h.update(memoryview(first)[:seal_at])
    # hashlib lets go of the GIL on a large buffer: the rest of what has been read is
    # hashed on another core while its lines are matched here.
    aside = _Aside(h, memoryview(first)[seal_end:])
    try:
        shaping = (shape, raw) if whole(header) else None
        return _records(chunks, first, head_end, header, written, aside, row, shaping)
    finally:
        aside.join()


class _Aside:
    """A SHA-256 fed its first large piece by a thread; every other use waits for it."""

    def __init__(self, h: Any, piece: memoryview) -> None:
        self._h = h
        self._thread = threading.Thread(target=h.update, args=(piece,))
        self._thread.start()

    def join(self) -> None:
        self._thread.join()

    def update(self, piece: bytes) -> None:
        self.join()
        self._h.update(piece)

    def hexdigest(self) -> str:
        self.join()
        return str(self._h.hexdigest())


def _records(
    chunks: Iterator[bytes],
    first: bytes,
    head_end: int,
    header: dict[str, Any],
    written: str,
    h: _Aside,
    row: type[R],
    shaping: tuple[Callable[[Any], Any], bool] | None,
) -> Sealed[R]:
    """The records after the header, while ``h`` takes in the bytes."""
    if first.startswith(_FILES + b"]", head_end):  # no files: ' "files": []', '}'
        rest = first[head_end + len(_FILES) :]
        for more in chunks:
            h.update(more)
            rest += more
            if len(rest) > len(_EMPTY):
                raise _Unsealed
        if rest != _EMPTY or h.hexdigest() != written:
            raise _Unsealed
        return Sealed(header, [])
    if not first.startswith(_FILES + b"\n", head_end):
        raise _Unsealed
    rows = _Rows(row, shaping)
    # Every record line but the last ends with "},": lines are taken as they come but for
    # the last three read (the last record and the closing ' ]', '}' may be among them),
    # and the last record is read on its own, once the whole file has been read. A
    # manifest read whole is one chunk, matched in place, never copied.
    buffer, pos = first, head_end + len(_FILES) + 1
    for chunk in chunks:
        h.update(chunk)
        buffer, pos = buffer[pos:] + chunk, 0
        pos = rows.take(buffer, pos, _held_back(buffer, pos))
    end = len(buffer) - len(_END)
    if not buffer.endswith(_END) or end <= pos:
        raise _Unsealed
    last = max(pos, buffer.rfind(b"\n", pos, end - 1) + 1)
    rows.take(buffer, pos, last)
    rows.take(buffer, last, end, last=True)
    if h.hexdigest() != written:  # nothing read is used unless the seal holds
        raise _Unsealed
    return Sealed(header, rows.rows)


def _held_back(buffer: bytes, pos: int) -> int:
    """Where the last three full lines of ``buffer[pos:]`` start (``pos`` if fewer)."""
    at = len(buffer)
    for _ in range(4):
        at = buffer.rfind(b"\n", pos, at)
        if at < 0:
            return pos
    return at + 1


class _Rows(Generic[R]):
    """Record lines → rows, a block of lines at a time."""

    def __init__(self, row: type[R], shaping: tuple[Callable[[Any], Any], bool] | None) -> None:
        self.row = row
        self.shaping = shaping
        self.rows: list[R] = []
        self._errors: dict[bytes, tuple[str, ...]] = {b"[]": ()}

    def take(self, buffer: bytes, start: int, end: int, *, last: bool = False) -> int:
        """Read the record lines of ``buffer[start:end]``; return ``end``.

        Each line ends with a line break, after "}," (or "}" for the ``last`` record, a
        block of its own). A line break is never inside a JSON string, so counting them
        counts lines: as many matches as lines means every line is a record as written.
        """
        import orjson

        if end <= start:
            return start
        found = (_LAST if last else _LINE).findall(buffer, start, end)
        lines = buffer.count(b"\n", start, end)
        if len(found) != lines or (last and lines != 1):
            raise _Unsealed
        raw_paths, sizes, digests, problems = zip(*found, strict=True)
        joined = b"\n".join(raw_paths)
        if b"\\" in joined:  # an escaped quote (or other escape) in some path
            paths = [orjson.loads(b'"' + raw + b'"') for raw in raw_paths]
        else:
            paths = joined.decode().split("\n")
        blob = unhexlify(b"".join(digests))
        known = self._errors
        errors = [known[p] if p in known else self._error_lines(p) for p in problems]
        if self.shaping is None:
            shaped: list[Any] = [None] * len(found)
        else:
            shape, raw = self.shaping
            lines_of = buffer[start:end].split(b"\n")[:-1]
            records = [line[2:].rstrip(b",") for line in lines_of]
            shaped = list(map(shape, records if raw else map(orjson.loads, records)))
        self.rows += map(
            tuple.__new__,
            repeat(self.row),
            zip(
                paths,
                map(int, sizes),
                [blob[i : i + 32] for i in range(0, len(blob), 32)],
                errors,
                shaped,
                strict=True,
            ),
        )
        return end

    def _error_lines(self, problems: bytes) -> tuple[str, ...]:
        """ "code: message" of each error in a record's problems (remembered: many repeat)."""
        import orjson

        listed = orjson.loads(problems)
        if not isinstance(listed, list):
            raise _Unsealed
        found = tuple(f"{p['code']}: {p['message']}" for p in listed if p["severity"] == "error")
        self._errors[problems] = found
        return found
