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
