"""Fixtures for the ecosystem tests (a package, so this conftest never shadows the root one)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .eco_support import Described, make_described


@pytest.fixture
def described(tmp_path: Path) -> Described:
    """Five seed pages plus one oddly named file, with a manifest holding metadata."""
    return make_described(tmp_path)
