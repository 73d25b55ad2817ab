"""Resource bounds: a sparse multi-GB file and a 100 MB single-line file, in a fresh process.

A sparse file costs no disk (its bytes are zeros the file system does not store), so a
multi-GB input is cheap to make; reading it still streams every byte through SHA-256.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .faults import child_env

MEASURE = Path(__file__).with_name("measure.py")
PEAK_RSS_MIB = 256
EXTRACT_S = 5.0


@dataclass(frozen=True)
class Bounds:
    """One measured run and whether it stayed inside the bounds."""

    sparse_gib: int
    line_mib: int
    figures: dict[str, Any]

    @property
    def problems(self) -> list[str]:
        """What broke a bound."""
        f = self.figures
        found = []
        if f.get("exit") not in (0, 1) or f.get("files") != 2:
            found.append(f"audit did not read both files: {f}")
        if f.get("peak_rss_mib", 1e9) >= PEAK_RSS_MIB:
            found.append(f"peak RSS {f.get('peak_rss_mib')} MiB >= {PEAK_RSS_MIB} MiB")
        if f.get("max_extract_s", 1e9) >= EXTRACT_S:
            found.append(f"a file took {f.get('max_extract_s')} s to extract (>= {EXTRACT_S} s)")
        return found


def make_inputs(folder: Path, *, sparse_gib: int, line_mib: int) -> None:
    """A sparse file of ``sparse_gib`` GiB and a single line of ``line_mib`` MiB."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "000_0000000000000000.txt", "wb") as f:
        f.truncate(sparse_gib << 30)
    with open(folder / "001_1111111111111111.txt", "wb") as f:
        chunk = b"https://example.org/" + b"a" * ((1 << 20) - 20)
        for _ in range(line_mib):
            f.write(chunk)  # one line: no newline anywhere


def measure(base: Path, *, sparse_gib: int, line_mib: int = 100) -> Bounds:
    """Build the inputs under ``base`` and audit them in a fresh process."""
    folder = base / f"bounds-{sparse_gib}g"
    make_inputs(folder, sparse_gib=sparse_gib, line_mib=line_mib)
    done = subprocess.run(
        [sys.executable, str(MEASURE), str(folder)],
        capture_output=True,
        text=True,
        timeout=600,
        env=child_env(),
    )
    try:
        figures = json.loads(done.stdout)
    except ValueError:
        figures = {"exit": done.returncode, "stderr": done.stderr[-500:]}
    return Bounds(sparse_gib, line_mib, figures)
