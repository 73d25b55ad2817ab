"""One hostile case: what to build, which command to run, and what must come out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .builders import Builder

WATCHED = frozenset(
    {
        "special-file",
        "unreadable",
        "bad-name",
        "name-hash-mismatch",
        "duplicate-hash",
        "duplicate-sequence",
    }
)


@dataclass(frozen=True)
class Case:
    """One hostile input and what provenance must do with it."""

    name: str
    command: str
    build: Builder
    expect_exit: int
    expect_codes: tuple[str, ...] = ()
    as_nobody: bool = False  # needs a user that file permissions apply to

    @property
    def expects_finding(self) -> bool:
        """A case where exit 0 with no code would be a silent pass."""
        return self.expect_exit != 0 or bool(self.expect_codes)


def case_row(name: str, command: str, build: Builder, code: int, *codes: str, **kw: Any) -> Case:
    """A row: name, command, builder, expected exit code, then the expected codes."""
    return Case(name, command, build, code, tuple(sorted(codes)), **kw)
