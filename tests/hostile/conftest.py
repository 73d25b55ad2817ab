"""Hypothesis profiles and the shared scratch folder for the hostile suite."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from .profiles import load_profile
from .runner import workspace

load_profile(os.environ.get("HYPOTHESIS_PROFILE"))


@pytest.fixture(scope="session")
def hostile_base() -> Iterator[Path]:
    """One scratch folder, traversable by an unprivileged user, for every case."""
    with workspace() as base:
        yield base
