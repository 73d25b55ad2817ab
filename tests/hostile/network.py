"""The network rows (SSRF spellings, fault server) for the figures command.

They live in ``tests/hostile_net``; this module runs them and hands their figures over.
"""

from __future__ import annotations

import importlib
from pathlib import Path


def network_figures(base: Path) -> dict[str, int]:
    """Run every SSRF trial and fault row; canary hits, false verdicts, crashes."""
    del base  # the network rows make their own servers and need no folder
    module = importlib.import_module(f"{__package__.rsplit('.', 1)[0]}.hostile_net.figures")
    found: dict[str, int] = module.figures()
    return found


def canary_hits(base: Path) -> int:
    """Only the canary hits (kept for callers that want the one figure)."""
    return network_figures(base)["canary_hits"]
