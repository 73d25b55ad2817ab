"""Paths and small helpers shared by the tests (importable as ``testkit``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "tests" / "data" / "seeds"
CORPUS = ROOT / "tests" / "data" / "corpora" / "mh-news-sample"


@dataclass
class Run:
    """What a CLI run returned and printed."""

    code: int
    out: str
    err: str


def missing_tool(reason: str) -> None:
    """Skip for want of a tool, or fail where CI promised it (PROVENANCE_REQUIRE_TOOLS=1)."""
    import os

    import pytest

    if os.environ.get("PROVENANCE_REQUIRE_TOOLS") == "1":
        pytest.fail(f"{reason} (required here: PROVENANCE_REQUIRE_TOOLS=1)")
    pytest.skip(reason)
