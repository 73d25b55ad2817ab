"""What verify needs of a manifest, loaded fast and in bounded memory.

:func:`provenance.manifest.load` builds the full pydantic :class:`~provenance.models.Manifest`;
for 20,000 files that takes longer than hashing them. Verify needs only each file's path,
size and digest (plus its recorded errors for ``--strict`` and its extracted values when it
re-extracts), so :func:`load_listing` checks the document against the same schema (generated
from the models, compiled) and the same path rules, then keeps just that. Manifests larger
than ``STREAM_ABOVE`` bytes are parsed record by record, so a million-file manifest never
exists as a million dictionaries at once.
"""

from __future__ import annotations

import codecs
import gc
import json
import os
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any, BinaryIO, NamedTuple

from provenance import folder as folders
from provenance import schemas, seal
from provenance.errors import ManifestError, UnsafePathError
from provenance.extractor_version import EXTRACTOR_VERSION, MANIFEST_VERSION

MANIFEST_SCHEMA = "manifest.schema.json"
RECORD_SCHEMA = "record.schema.json"
STREAM_ABOVE = 32 << 20  # whole-document parsing peaks at ~8x the file size
READ = 8 << 20
# Paths made only of these parts (PLAIN) are safe by construction (no empty, "." or ".." part, no
# backslash, drive, "~" or NUL); the rest get the full check of folder.safe_relpath.
_PART = r"[A-Za-z0-9_][A-Za-z0-9_.\-]*"
PLAIN = re.compile(rf"{_PART}(?:/{_PART})*")
_SLICE = 1 << 16  # paths checked together
_PLAIN_LINES = re.compile(rf"{_PART}(?:/{_PART})*(?:\n{_PART}(?:/{_PART})*)*")
# The metadata verify re-extracts and compares (a value's ``value``, or the field itself).
COMPARED = ("status", "published", "captured", "original_url", "title")


class Listed(NamedTuple):
    """One file as the manifest lists it (a tuple: a million of them are built and sent)."""

    path: str
    size: int
    digest: bytes  # the SHA-256, raw: half the memory of its hex for a million files
    errors: tuple[str, ...]  # "code: message" of each recorded problem of severity error
    compared: tuple[str | None, ...] | None  # values of COMPARED, kept only when re-extracting

    @property
    def sha256(self) -> str:
        """The SHA-256 in hex, as the manifest writes it."""
        return self.digest.hex()


@dataclass(frozen=True)
class Listing:
    """A manifest's header and its files, sorted by path as written."""

    folder: str
    extractor_version: str
    name_scheme: str | None
    files: list[Listed]


def _listed(doc: dict[str, Any], compare: bool) -> Listed:
    problems = doc["problems"]
    errors = (
        tuple([f"{p['code']}: {p['message']}" for p in problems if p["severity"] == "error"])
        if problems
        else ()
    )
    compared = tuple([_value(doc[name]) for name in COMPARED]) if compare else None
    return Listed(doc["path"], doc["size"], bytes.fromhex(doc["sha256"]), errors, compared)


def _value(field: Any) -> str | None:
    if isinstance(field, dict):
        return None if field.get("value") is None else str(field["value"])
    return None if field is None else str(field)


def _check_path(path: str, seen: dict[str, str], where: str) -> None:
    try:
        if PLAIN.fullmatch(path) is None:
            folders.safe_relpath(path)
    except UnsafePathError as e:
        raise ManifestError(
            f"unsafe file path {path!r}: {e.message}",
            where=where,
            hint="the whole manifest is refused",
        ) from e
    # build() refuses names equal after NFC or ignoring case, so two such entries mean an
    # edited manifest; on a case-insensitive disk both would match one file.
    if path.isascii():
        key = path if path.islower() else path.lower()  # no second copy of most paths
    else:
        key = folders.nfc(path).casefold()
    if key in seen:
        twin = "" if seen[key] == path else f" (as {seen[key]!r}, equal after NFC/case)"
        raise ManifestError(f"path {path!r} is listed twice{twin}", where=where)
    seen[key] = path


def _check_paths(paths: list[str], where: str) -> None:
    """Every path safe and listed once, even ignoring case and Unicode normalisation.

    Paths made only of plain ASCII parts are checked a slice at a time, one line each, by
    one match and one set (sharing the strings where they are already lower case);
    anything else (or a repeat, to name it) is checked path by path.
    """
    seen: set[str] = set()
    for start in range(0, len(paths), _SLICE):
        part = paths[start : start + _SLICE]
        joined = "\n".join(part)
        if _PLAIN_LINES.fullmatch(joined) is None:
            break
        lower = joined.lower()
        before = len(seen)
        seen.update(part if lower == joined else lower.split("\n"))
        if len(seen) != before + len(part):
            break
    else:
        return
    found: dict[str, str] = {}
    for path in paths:
        _check_path(path, found, where)


def _check_folder(doc: dict[str, Any], where: str) -> None:
    try:
        folders.safe_folder(doc["folder"])
    except UnsafePathError as e:
        raise ManifestError(
            f"unsafe folder {doc['folder']!r}: {e.message}",
            where=where,
            hint="the whole manifest is refused",
        ) from e


def _check_totals(doc: dict[str, Any], count: int, total: int, where: str) -> None:
    # The totals are written from the list; when they disagree a record was removed or
    # added by hand, which verify could not otherwise tell from a genuine manifest.
    if doc["file_count"] != count or doc["total_bytes"] != total:
        raise ManifestError(
            f"says {doc['file_count']} files / {doc['total_bytes']} bytes but lists "
            f"{count} files / {total} bytes",
            where=where,
            hint="the file was edited by hand; regenerate it",
        )


def _version(doc: Any, where: str) -> None:
    if isinstance(doc, dict) and doc.get("manifest_version") not in (None, MANIFEST_VERSION):
        raise ManifestError(
            f"manifest_version {doc.get('manifest_version')!r} is not supported "
            f"(this provenance reads {MANIFEST_VERSION})",
            where=where,
        )


def check_document(doc: Any, *, where: str) -> None:
    """The checks every manifest passes before use: version, schema, paths, totals."""
    _version(doc, where)
    schemas.validate(doc, MANIFEST_SCHEMA, where=where)
    _check_folder(doc, where)
    _check_paths([entry["path"] for entry in doc["files"]], where)
    _check_totals(doc, len(doc["files"]), sum(f["size"] for f in doc["files"]), where)


def open_manifest(path: str) -> BinaryIO:
    """A manifest opened for reading; a FIFO or device is refused, never blocked on."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        handle = open(fd, "rb")  # closed by the caller's with-block
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            handle.close()
            raise ManifestError("not a regular file", where=path, hint="pass a manifest file")
    except OSError as e:
        raise ManifestError(f"cannot read manifest: {e.strerror}", where=path) from e
    return handle


def read_bytes(path: str) -> bytes:
    """A manifest's bytes; a FIFO or device is refused, never blocked on or read forever."""
    with open_manifest(path) as handle:
        try:
            return handle.read()
        except OSError as e:
            raise ManifestError(f"cannot read manifest: {e.strerror}", where=path) from e


def load_listing(path: str, *, deep: bool = False, stream_above: int = STREAM_ABOVE) -> Listing:
    """Read and check a manifest, keeping what verify needs (``deep``: what it re-extracts)."""
    # Tens of thousands of small dicts would trigger repeated full collections, for
    # nothing: none of them is in a cycle.
    paused = gc.isenabled()
    gc.disable()
    try:
        return _load(path, deep, stream_above)
    finally:
        if paused:
            gc.enable()


def _load(path: str, deep: bool, stream_above: int) -> Listing:
    try:
        size = os.stat(path).st_size
    except OSError as e:
        raise ManifestError(f"cannot read manifest: {e.strerror}", where=path) from e
    if size > stream_above and os.path.isfile(path):
        try:
            # opened as read_bytes does: a file swapped for a FIFO since the stat is refused
            with open_manifest(path) as handle:
                chunks = iter(partial(handle.read, READ), b"")
                found = _sealed(chunks, deep, where=path)
                if found is not None:
                    return found
                handle.seek(0)
                return _streamed(handle, deep=deep, where=path)
        except OSError as e:
            raise ManifestError(f"cannot read manifest: {e.strerror}", where=path) from e
    return whole(path, deep)


def _sealed(chunks: Iterable[bytes], deep: bool, *, where: str) -> Listing | None:
    """The listing of a manifest whose seal holds (:mod:`provenance.seal`), else None.

    The seal stands for the parse, the duplicate-key proof and the schema check of the
    records; the header is checked against the schema here, and the folder, every path
    and the totals are checked as on the full path.
    """
    found = seal.read(chunks, Listed, whole=lambda h: _compare(h, deep), shape=_compared)
    if found is None:
        return None
    header = found.header
    _version(header, where)
    schemas.validate({**header, "files": []}, MANIFEST_SCHEMA, where=where)
    _check_folder(header, where)
    _check_paths([row.path for row in found.rows], where)
    _check_totals(header, len(found.rows), sum([row.size for row in found.rows]), where)
    return Listing(
        folder=header["folder"],
        extractor_version=header["extractor_version"],
        name_scheme=header["name_scheme"],
        files=found.rows,
    )


def _compared(record: dict[str, Any]) -> tuple[str | None, ...]:
    return tuple([_value(record[name]) for name in COMPARED])


def whole(path: str, deep: bool, *, keep: list[Any] | None = None) -> Listing:
    """A manifest parsed whole and checked; ``keep`` holds on to the parsed document.

    (A process about to exit appends it to ``keep`` rather than spend 0.1 s freeing the
    objects of a 27 MB document one by one.)
    """
    data = read_bytes(path)
    found = _sealed((data,), deep, where=path)
    if found is not None:
        return found
    doc = decode(data, where=path)
    check_document(doc, where=path)
    if keep is not None:
        keep.append(doc)
    compare = _compare(doc, deep)
    return Listing(
        folder=doc["folder"],
        extractor_version=doc["extractor_version"],
        name_scheme=doc["name_scheme"],
        files=[_listed(r, compare) for r in doc["files"]],
    )


def decode(data: bytes, *, where: str) -> Any:
    """Bytes → JSON value, with the one-line errors a manifest deserves."""
    import orjson

    if data.startswith(codecs.BOM_UTF8):
        raise ManifestError(
            "starts with a byte-order mark",
            where=where,
            hint="manifests are UTF-8 without BOM; regenerate it",
        )
    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError:
        pass
    else:
        # orjson keeps the last of two equal keys silently. A manifest as provenance
        # writes it re-renders to the same bytes, which proves it has none; anything
        # else (hand-edited, reformatted) is parsed again, refusing duplicate keys.
        if isinstance(doc, dict) and isinstance(doc.get("files"), list):
            try:
                if _renders_to(doc, data):
                    return doc
            except (TypeError, orjson.JSONEncodeError):
                pass
    # The standard parser names the line and column, and sees duplicate keys.
    try:
        return json.loads(data.decode("utf-8"), object_pairs_hook=_unique_keys)
    except UnicodeDecodeError as e:
        raise ManifestError(f"not UTF-8 at byte {e.start}", where=where) from e
    except json.JSONDecodeError as e:
        raise ManifestError(
            f"not valid JSON (line {e.lineno}, column {e.colno}: {e.msg})",
            where=where,
            hint="the file may be truncated; restore it or regenerate it",
        ) from e
    except _DuplicateKeyError as e:
        raise ManifestError(
            f"key {e.args[0]!r} appears twice in one object",
            where=where,
            hint="the file was edited by hand; regenerate it",
        ) from e
    except (RecursionError, ValueError) as e:
        # Nesting deeper than the interpreter's stack, or an integer of more than 4300
        # digits: json raises these instead of JSONDecodeError.
        raise ManifestError(
            f"not a manifest ({type(e).__name__}: {str(e)[:80]})",
            where=where,
            hint="restore it or regenerate it",
        ) from e


class _DuplicateKeyError(ValueError):
    """A JSON object names the same key twice."""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            raise _DuplicateKeyError(key)
        seen.add(key)
    return dict(pairs)


_SEPARATOR = b",\n  "  # between two records as render_parts writes them


def _renders_to(doc: dict[str, Any], data: bytes) -> bool:
    """``render(doc) == data``, in one orjson call instead of one a record.

    The records part of ``data`` is compared with ``orjson.dumps(files)`` once the line
    breaks between records are taken out. orjson writes no raw line break (JSON strings
    cannot hold one), so what is taken out is white space between tokens only: equal bytes
    mean ``data`` is the re-serialisation of its own parse, which has no duplicate keys
    (a repeated key would be in ``data`` and not in the dump).
    """
    import orjson

    files = doc["files"]
    head = render_parts({k: v for k, v in doc.items() if k != "files"}, [])
    if not files or next(reversed(doc)) != "files":
        return render(doc) == data
    start = head[: -len(b"]\n}\n")] + b"\n  "  # the header and ' "files": [', a line break
    end = b"\n ]\n}\n"
    if not (data.startswith(start) and data.endswith(end)):
        return False
    body = data[len(start) : -len(end)]
    if body.count(b"\n") != len(files) - 1:
        return False
    return body.replace(_SEPARATOR, b",") == orjson.dumps(files)[1:-1]


def render(doc: dict[str, Any]) -> bytes:
    """One top-level key a line and one file record a line: compact, and a diff shows files."""
    import orjson

    head = {k: v for k, v in doc.items() if k != "files"}
    return render_parts(head, [orjson.dumps(r) for r in doc["files"]])


def render_sealed(head: dict[str, Any], records: list[bytes]) -> bytes:
    """The manifest's bytes, sealed (:mod:`provenance.seal`): write only what passed the schema.

    The seal is the last member of the header, so a reader finds it before the records.
    """
    head = {k: v for k, v in head.items() if k != "seal"}
    return render_parts({**head, "seal": seal.compute([render_parts(head, records)])}, records)


def render_parts(head: dict[str, Any], records: list[bytes]) -> bytes:
    """The manifest's bytes from its header and its records' JSON."""
    import orjson

    lines = [b"{"]
    lines += [b" %s: %s," % (orjson.dumps(k), orjson.dumps(v)) for k, v in head.items()]
    body = b",\n".join(b"  " + r for r in records)
    lines += [b' "files": [', body, b" ]", b"}"] if records else [b' "files": []', b"}"]
    return b"\n".join(lines) + b"\n"


def _compare(header: dict[str, Any], deep: bool) -> bool:
    """Whether verify will re-extract, and so needs the recorded values."""
    return deep or header.get("extractor_version") != EXTRACTOR_VERSION


def _streamed(handle: Any, *, deep: bool, where: str) -> Listing:
    """Parse a large manifest record by record; check each, keep its :class:`Listed`."""
    reader = _Reader(handle, where)
    record_check = schemas.validator(RECORD_SCHEMA)
    header: dict[str, Any] = {}
    files: list[Listed] = []
    seen: dict[str, str] = {}
    total = 0
    for key, value in reader.members(header):
        if key != "files":
            continue
        problems = record_check(value)
        if problems:
            raise ManifestError(
                f"does not match {RECORD_SCHEMA}: files/{len(files)}/{problems[0]}",
                where=where,
                hint="regenerate it with 'provenance manifest' or fix the entry",
            )
        _check_path(value["path"], seen, where)
        total += value["size"]
        files.append(_listed(value, _compare(header, deep)))
    _version(header, where)
    streamed = header.get("files")  # [] when the array was streamed, else the odd value
    schemas.validate({**header, "files": streamed}, MANIFEST_SCHEMA, where=where)
    _check_folder(header, where)
    _check_totals(header, len(files), total, where)
    return Listing(
        folder=header["folder"],
        extractor_version=header["extractor_version"],
        name_scheme=header["name_scheme"],
        files=files,
    )


class _Reader:
    """A JSON object read in pieces: top-level members, the ``files`` array one item at a time.

    Each piece is parsed by the standard library's C scanner (``raw_decode``); a piece cut
    by the end of the buffer is parsed again once more text has been read.
    """

    def __init__(self, handle: Any, where: str) -> None:
        self.handle = handle
        self.where = where
        self.decoder = codecs.getincrementaldecoder("utf-8")("strict")
        self.scan = json.JSONDecoder().raw_decode
        self.text = ""
        self.pos = 0
        self.eof = False
        self.consumed = 0  # characters dropped from the front of ``text``

    def _more(self) -> bool:
        if self.eof:
            return False
        data = self.handle.read(READ)
        if self.consumed == 0 and self.pos == 0 and data.startswith(codecs.BOM_UTF8):
            raise ManifestError("starts with a byte-order mark", where=self.where)
        try:
            piece = self.decoder.decode(data, final=not data)
        except UnicodeDecodeError as e:
            raise ManifestError("not UTF-8", where=self.where) from e
        self.eof = not data
        self.consumed += self.pos
        self.text = self.text[self.pos :] + piece
        self.pos = 0
        return True

    def _fail(self, what: str) -> ManifestError:
        return ManifestError(
            f"not valid JSON ({what} near character {self.consumed + self.pos})",
            where=self.where,
            hint="the file may be truncated; restore it or regenerate it",
        )

    def _char(self) -> str:
        """The next character that is not white space ('' at the end)."""
        while True:
            while self.pos < len(self.text) and self.text[self.pos] in " \t\r\n":
                self.pos += 1
            if self.pos < len(self.text) or not self._more():
                return self.text[self.pos] if self.pos < len(self.text) else ""

    def _expect(self, chars: str) -> str:
        char = self._char()
        if not char or char not in chars:
            raise self._fail(f"expected one of {chars!r}")
        self.pos += 1
        return char

    def _value(self) -> Any:
        self._char()
        while True:
            try:
                value, end = self.scan(self.text, self.pos)
            except json.JSONDecodeError as e:
                if self._more():
                    continue
                raise self._fail(e.msg) from e
            if end == len(self.text) and self._more():  # a number may go on
                continue
            self.pos = end
            return value

    def members(self, header: dict[str, Any]) -> Iterator[tuple[str, Any]]:
        """Yield (key, value) of the top object; ``files`` items one by one, as ('files', item)."""
        self._expect("{")
        if self._char() == "}":
            self.pos += 1
        else:
            while True:
                key = self._value()
                if not isinstance(key, str):
                    raise self._fail("expected a key")
                self._expect(":")
                if key == "files" and self._char() == "[":
                    self.pos += 1
                    header["files"] = []
                    if self._char() == "]":
                        self.pos += 1
                    else:
                        while True:
                            yield key, self._value()
                            if self._expect(",]") == "]":
                                break
                else:
                    header[key] = self._value()
                    yield key, header[key]
                if self._expect(",}") == "}":
                    break
        if self._char():
            raise self._fail("extra data after the manifest")
        if "files" not in header:
            raise ManifestError("does not match manifest.schema.json: no files", where=self.where)
