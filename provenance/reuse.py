"""The records of the manifest being replaced, for the files whose bytes have not changed.

Writing a manifest again over a folder that gained a few pages re-reads every file, but
only the new or changed ones need the extraction rules, which cost ten times the hash:
unchanged bytes read by the same rules give the same record, which is why verify does not
re-extract them either. A record of the earlier manifest is taken again only when all of
these hold:

* the earlier manifest is one ``provenance`` wrote and nobody edited: its seal holds
  (:mod:`provenance.seal`), so its records passed the schema this version checks against;
* it describes the same folder, with the same extractor version and the same declared
  name scheme;
* the file has the same path and, hashed again now, the same SHA-256;
* the record has no ``future-date`` problem (whether a date lies in the future depends on
  when it was read).

Anything else (no earlier manifest, another folder, a newer extractor, an edited or
truncated file, a manifest too large to hold) reads every file, as ``--fresh`` does. The
folder-wide problems (duplicate hashes, sequence gaps) are taken out of a record taken
again and worked out anew over the whole folder.
"""

from __future__ import annotations

import os
import re
from functools import partial
from typing import Any, NamedTuple

import orjson

from provenance import seal
from provenance.extractor_version import EXTRACTOR_VERSION
from provenance.listing import READ, open_manifest
from provenance.models import MANIFEST_VERSION
from provenance.names import FOLDER_CODES

#: Earlier manifests this large or larger are not read for reuse: their kept records would
#: be held in memory, about the manifest's size (256 MiB: some 200,000 pages).
REUSE_BELOW = 256 << 20
# A record with one of these problems depends on when it was read, not only on the bytes.
_TIME_BOUND = frozenset({"future-date"})
_CODES = re.compile(
    b'"code":"(?:'
    + b"|".join(re.escape(c.encode()) for c in sorted(_TIME_BOUND | FOLDER_CODES))
    + b')"'
)


class Kept(NamedTuple):
    """One record of the earlier manifest, as seal.read hands it over."""

    path: str
    size: int
    digest: bytes  # raw SHA-256
    errors: tuple[str, ...]  # "code: message" of each error listed, folder-wide ones too
    record: bytes | None  # the record's JSON without folder-wide problems; None: read anew


def earlier(output: str, *, folder: str, name_scheme: str | None) -> dict[str, Kept]:
    """The reusable records of the manifest at ``output``, by path (empty when none are).

    ``folder`` is the ``folder`` field the new manifest will have. Never raises for a bad
    or missing earlier manifest: it is simply not used.
    """
    try:
        if not os.path.isfile(output) or os.path.getsize(output) >= REUSE_BELOW:
            return {}
        with open_manifest(output) as handle:  # streamed: the kept records only are held
            chunks = iter(partial(handle.read, READ), b"")
            found = seal.read(chunks, Kept, whole=lambda _: True, shape=_reusable, raw=True)
    except Exception:  # noqa: BLE001 - unreadable or refused: every file is read anew
        return {}
    if found is None:
        return {}
    header = found.header
    same = (
        header.get("manifest_version") == MANIFEST_VERSION
        and header.get("extractor_version") == EXTRACTOR_VERSION
        and header.get("name_scheme") == name_scheme
        and header.get("folder") == folder
    )
    if not same:
        return {}
    return {row.path: row for row in found.rows if row.record is not None}


def _reusable(line: bytes) -> bytes | None:
    """The record's JSON to take again, or None. Only a record that may name one of the
    codes (a cheap test of its bytes) is parsed; the rest are taken as they were written."""
    if _CODES.search(line) is None:
        return line
    record: dict[str, Any] = orjson.loads(line)
    problems = record["problems"]
    if any(p["code"] in _TIME_BOUND for p in problems):
        return None
    record["problems"] = [p for p in problems if p["code"] not in FOLDER_CODES]
    return orjson.dumps(record)
