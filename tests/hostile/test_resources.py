"""Resource bounds on the real command: a sparse GiB-sized file and a 100 MiB single line.

The sparse file is 1 GiB on every push (hashing it is the cost) and 4 GiB at night; the
figures command always measures at least 2 GiB.
"""

from __future__ import annotations

from pathlib import Path

from . import resources
from .profiles import current


def test_large_inputs_stay_within_memory_and_time(tmp_path: Path) -> None:
    bounds = resources.measure(tmp_path, sparse_gib=current().sparse_gib, line_mib=100)
    assert bounds.problems == [], bounds.figures
