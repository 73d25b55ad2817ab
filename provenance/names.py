"""Hashed file names: ``NNN_<16 lower-case hex>.<ext>`` → :class:`NameClaim`, and name-hash schemes.

A folder's names carry a sequence number and the first 16 hex digits of a hash. What was
hashed differs between collections: the page's bytes, its original URL, or the path the
page had in the mirror it was copied from (the mh-news mirror hashes that path). A folder
may declare its scheme; otherwise every known scheme is tried and the match is recorded.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Mapping
from typing import NamedTuple, Protocol
from urllib.parse import unquote, urlsplit

from provenance.errors import UsageError
from provenance.models import NameClaim, NameHashCheck, Problem

# ASCII digits only: full-width digits, upper-case hex or a 15/17-digit hash are near misses
# that must be reported, not read leniently.
NAME_RE = re.compile(r"([0-9]{3,})_([0-9a-f]{16})\.([a-z0-9]+)")

ALGORITHMS: dict[str, Callable[[bytes], str]] = {
    "sha256": lambda b: hashlib.sha256(b).hexdigest(),
    "sha1": lambda b: hashlib.sha1(b, usedforsecurity=False).hexdigest(),
    "md5": lambda b: hashlib.md5(b, usedforsecurity=False).hexdigest(),
    "blake2b": lambda b: hashlib.blake2b(b).hexdigest(),
    "blake2s": lambda b: hashlib.blake2s(b).hexdigest(),
}
INPUTS = ("content", "original-url", "source-path", "mirror-url")
SCHEMES = tuple(f"{alg}:{inp}" for inp in INPUTS for alg in ALGORITHMS)


def parse_name(filename: str) -> NameClaim | None:
    """Parse a base name; None when it does not follow ``NNN_<16 hex>.<ext>``."""
    claim = claim_of(filename)
    return None if claim is None else NameClaim(**claim._asdict())


def check_scheme(scheme: str) -> str:
    """Return ``scheme`` if known, else raise UsageError listing the known ones."""
    if scheme not in SCHEMES:
        raise UsageError(
            f"unknown name scheme {scheme!r}",
            hint="use one of: " + ", ".join(SCHEMES),
        )
    return scheme


def source_path(mirror_url: str | None) -> str | None:
    """The path of a page inside the repository a mirror URL points at (``…/blob/<ref>/<path>``)."""
    if not mirror_url:
        return None
    parts = urlsplit(mirror_url).path.split("/")
    # github.com/<owner>/<repo>/blob/<ref>/<path...> and raw.githubusercontent.com/<o>/<r>/<ref>/…
    if len(parts) > 5 and parts[3] in ("blob", "raw", "tree"):
        return unquote("/".join(parts[5:])) or None
    return None


def name_hash_inputs(
    content: bytes, original_url: str | None, mirror_url: str | None
) -> Mapping[str, bytes]:
    """The texts a name hash may have been made from, keyed by input name."""
    inputs: dict[str, bytes] = {"content": content}
    if original_url:
        inputs["original-url"] = original_url.encode("utf-8")
    path = source_path(mirror_url)
    if path:
        inputs["source-path"] = path.encode("utf-8")
    if mirror_url:
        inputs["mirror-url"] = mirror_url.encode("utf-8")
    return inputs


def match_scheme(
    claim: NameClaim,
    inputs: Mapping[str, bytes],
    *,
    declared: str | None,
    content_sha256: str,
) -> NameHashCheck:
    """Find which scheme reproduces the name's hash (only the declared one, if declared)."""
    schemes: Iterable[str] = (declared,) if declared else SCHEMES
    for scheme in schemes:
        alg, inp = scheme.split(":", 1)
        data = inputs.get(inp)
        if data is None:
            continue
        digest = content_sha256 if scheme == "sha256:content" else ALGORITHMS[alg](data)
        if digest[:16] == claim.hash:
            shown = None if inp == "content" else data.decode("utf-8", "replace")
            return NameHashCheck(scheme=scheme, declared=bool(declared), matches=True, input=shown)
    return NameHashCheck(scheme=declared, declared=bool(declared), matches=False, input=None)


def name_problems(
    filename: str, claim: NameClaim | None, check: NameHashCheck | None
) -> list[Problem]:
    """Problems with one file's name on its own (folder-wide ones come from folder_problems)."""
    if claim is None:
        return [
            Problem(
                code="bad-name",
                severity="error",
                message=f"name {filename!r} does not follow NNN_<16 lower-case hex>.<ext>",
            )
        ]
    if check is not None and check.declared and not check.matches:
        return [
            Problem(
                code="name-hash-mismatch",
                severity="error",
                message=f"hash {claim.hash} is not {check.scheme} of this file",
            )
        ]
    return []


#: The codes of the problems :func:`folder_problems` adds: they depend on the other files.
FOLDER_CODES = frozenset({"duplicate-hash", "duplicate-sequence", "missing-sequence"})


class Claimed(Protocol):
    """What :func:`folder_problems` reads of a name's claim (a NameClaim, or a lighter one)."""

    @property
    def sequence(self) -> int: ...

    @property
    def hash(self) -> str: ...


class Claim(NamedTuple):
    """A name's claim as a tuple: what :func:`claim_of` gives without building a model."""

    sequence: int
    sequence_text: str
    hash: str
    extension: str


def claim_of(filename: str) -> Claim | None:
    """:func:`parse_name` as a tuple (for a million names, a model each costs seconds)."""
    match = NAME_RE.fullmatch(filename)
    if match is None:
        return None
    seq, digest, ext = match.groups()
    return Claim(int(seq), seq, digest, ext)


def folder_problems(claims: Mapping[str, Claimed]) -> dict[str, list[Problem]]:
    """Duplicate hashes and duplicate or missing sequence numbers, keyed by path."""
    found: dict[str, list[Problem]] = {}
    by_hash: dict[str, list[str]] = {}
    by_seq: dict[int, list[str]] = {}
    for path, claim in claims.items():
        by_hash.setdefault(claim.hash, []).append(path)
        by_seq.setdefault(claim.sequence, []).append(path)
    for key, paths, code in [(h, p, "duplicate-hash") for h, p in by_hash.items()] + [
        (str(s), p, "duplicate-sequence") for s, p in by_seq.items()
    ]:
        if len(paths) > 1:
            for path in paths:
                others = ", ".join(sorted(p for p in paths if p != path))
                found.setdefault(path, []).append(
                    Problem(code=code, severity="error", message=f"{key} also used by {others}")
                )
    if by_seq:
        ordered = sorted(by_seq)
        for before, after in zip(ordered, ordered[1:], strict=False):
            if after - before > 1:
                path = sorted(by_seq[after])[0]
                gap = f"{before + 1}" if after - before == 2 else f"{before + 1}–{after - 1}"
                found.setdefault(path, []).append(
                    Problem(
                        code="missing-sequence",
                        severity="warning",
                        message=f"sequence number(s) {gap} missing before this file",
                    )
                )
    return found
