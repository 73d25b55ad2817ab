"""Figures of the network hostile rows: ``python tests/hostile_net/figures.py``.

``figures()`` runs every SSRF trial and every fault row and returns the counts the
hostile-suite figures command prints beside those of files and manifests.
"""

from __future__ import annotations

import sys
from pathlib import Path


def figures() -> dict[str, int]:
    """Run the network rows; inputs tried, canary hits, false verdicts and crashes."""
    from .faults import ROWS, false_drift, run_faults
    from .ssrf import run_ssrf
    from .ssrf_variants import TRANSPORT_VARIANTS

    trials, counted = run_ssrf(transports=TRANSPORT_VARIANTS)
    faults = run_faults()
    expected = {row.path: row.expect for row in ROWS}
    crashes = sum(1 for t in trials if t.status.startswith("crash"))
    crashes += sum(1 for r in faults if r.status.startswith("crash"))
    return {
        "inputs": len(trials) + len(faults),
        "ssrf_trials": len(trials),
        "fault_trials": len(faults),
        "canary_hits": sum(t.canary_hits for t in trials) + counted,
        "false_dead": sum(1 for r in faults if r.status == "dead" != expected[r.path]),
        "false_drift": sum(1 for r in faults if false_drift(r)),
        "wrong_class": sum(1 for r in faults if r.status != expected[r.path]),
        "crashes": crashes,
    }


def main() -> int:
    """Print the figures, one per line; exit 1 when any of them is a failure."""
    found = figures()
    for name, value in found.items():
        print(f"{name:>13}  {value}")
    bad = ("canary_hits", "false_dead", "false_drift", "wrong_class", "crashes")
    return 1 if any(found[k] for k in bad) else 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from hostile_net.figures import main as run

    raise SystemExit(run())
