"""Deterministic shards: a file belongs to shard ``K`` of ``N`` by a hash of its path alone.

Kept apart from :mod:`provenance.merge` (which re-exports it) so that ``verify --shard``
parses its option without importing the report models.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from provenance.errors import UsageError

_SHARD = re.compile(r"([1-9][0-9]*)/([1-9][0-9]*)")


@dataclass(frozen=True)
class Shard:
    """Shard ``index`` (1-based) of ``count``."""

    index: int
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        """'K/N' with 1 ≤ K ≤ N → Shard; anything else is a usage error."""
        match = _SHARD.fullmatch(text.strip())
        if match is None or int(match[1]) > int(match[2]):
            raise UsageError(
                f"--shard {text!r} is not K/N with 1 <= K <= N", hint="e.g. --shard 2/4"
            )
        return cls(int(match[1]), int(match[2]))

    def owns(self, path: str) -> bool:
        """True when ``path`` (relative, POSIX, as listed) belongs to this shard."""
        return shard_of(path, self.count) == self.index

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def shard_of(path: str, count: int) -> int:
    """The 1-based shard of ``path`` among ``count``: the first 8 bytes of SHA-256(path)."""
    digest = hashlib.sha256(path.encode("utf-8", "surrogateescape")).digest()
    return int.from_bytes(digest[:8], "big") % count + 1
