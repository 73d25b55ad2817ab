"""The figures command: ``python -m tests.hostile [--profile push|nightly|benchmark]``.

Runs every hostile case, every property, the kill trials, the disk-full, lock and re-run
checks and the resource bounds, then prints the figures. Exit 0 only when every figure is
what it must be: 0 crashes, 0 silent passes, 0 opens outside the root, 0 canary hits,
every kill trial survived.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .guard import REPO
from .profiles import PROFILES, load_profile


def _properties() -> tuple[int, list[str]]:
    from . import test_properties as props

    crashes = []
    for name in sorted(dir(props)):
        test: Callable[[], None] = getattr(props, name)
        if name.startswith("test_") and callable(test):
            try:
                test()
            except Exception as e:  # noqa: BLE001 - a falsified property is a crash figure
                crashes.append(f"{name}: {type(e).__name__}: {str(e)[:300]}")
    return sum(props.EXAMPLES.values()), crashes


def _network(base: Path) -> tuple[str, dict[str, int]]:
    """The network rows' figures, once the probe and its cases exist in this checkout."""
    try:
        probe = importlib.util.find_spec("provenance.probe")
    except ImportError:
        probe = None
    # An editable install of another checkout can answer for provenance.probe; only this
    # checkout's probe counts.
    places = list(probe.submodule_search_locations or []) if probe else []
    if not any(Path(p).resolve().is_relative_to(REPO / "provenance") for p in places):
        return "n/a (probe not present)", {}
    try:
        network = importlib.import_module(f"{__package__}.network")
    except ImportError:
        return "n/a (probe present; network cases not yet added)", {}
    found: dict[str, int] = network.network_figures(base)
    return str(found["canary_hits"]), found


def _cases(base: Path) -> tuple[dict[str, Any], list[str]]:
    from .runner import run_case, summary
    from .table import CASES

    outcomes = [run_case(case, base) for case in CASES]
    notes = [f"{o.name}: {o.crash or o.opens or o.problems}" for o in outcomes if not o.ok]
    notes += [f"{o.name}: skipped ({o.skipped})" for o in outcomes if o.skipped]
    return summary(outcomes), notes


def collect(profile: str) -> dict[str, Any]:
    """Run everything and return the figures."""
    from . import faults, resources
    from .runner import workspace

    numbers = load_profile(profile)
    figures: dict[str, Any] = {"profile": profile}
    with workspace() as base:
        started = time.perf_counter()
        cases, notes = _cases(base)
        examples, prop_crashes = _properties()
        kills = faults.kill_trials(base / "kill", numbers.kill_trials, seed=int(time.time()))
        disk = faults.disk_full(base / "disk")
        locks = faults.contend(base / "lock", rounds=5) + faults.paired_launches(base / "pair", 2)
        rerun = faults.reruns(base / "rerun")
        bounds = resources.measure(base / "bounds", sparse_gib=max(2, numbers.sparse_gib))
        canary, net = _network(base / "net")
        figures.update(
            cases=cases,
            property_examples=examples,
            inputs=cases["inputs"] + examples + net.get("inputs", 0),
            crashes=cases["crashes"] + len(prop_crashes) + net.get("crashes", 0),
            silent_passes=cases["silent"],
            opens_outside=cases["opens_outside"],
            canary=canary,
            canary_hits=net.get("canary_hits", 0),
            network=net,
            kill_trials=kills.trials + kills.points,
            kill_survived=kills.survived + kills.points_survived,
            kill_random=kills.trials,
            kill_points=kills.points,
            kill_points_how=kills.points_how,
            kill_points_landed=kills.landed,
            kill_inside_write=kills.inside_write,
            disk_full=disk if isinstance(disk, list) else f"skipped: {disk}",
            locking=locks,
            reruns=rerun,
            bounds=bounds.figures,
            bound_problems=bounds.problems,
            notes=notes + prop_crashes + kills.failures,
            seconds=round(time.perf_counter() - started, 1),
        )
    return figures


def _net(net: dict[str, int]) -> str:
    if not net:
        return "n/a"
    return (
        f"{net['ssrf_trials']} SSRF trials, {net['fault_trials']} fault rows: "
        f"{net['false_dead']} false dead, {net['false_drift']} false drift, "
        f"{net['wrong_class']} wrong class"
    )


def passed(f: dict[str, Any]) -> bool:
    """Every figure is what the issue demands."""
    return (
        f["crashes"] == 0
        and f["silent_passes"] == 0
        and f["opens_outside"] == 0
        and f["canary_hits"] == 0
        and all(f["network"].get(k, 0) == 0 for k in ("false_dead", "false_drift", "wrong_class"))
        and f["kill_survived"] == f["kill_trials"] > 0
        and f["cases"]["mismatches"] == 0
        and not f["bound_problems"]
        and not f["locking"]
        and not f["reruns"]
        and (isinstance(f["disk_full"], str) or not f["disk_full"])
    )


def _verdicts(f: dict[str, Any]) -> tuple[str, str, str]:
    disk = f["disk_full"]
    if not isinstance(disk, str):
        disk = "ok: exit 3, one line, old manifest intact, no temp left" if not disk else disk
    locking = f["locking"] or "one winner every time, nothing left behind"
    reruns = f["reruns"] or "yes"
    return str(disk), str(locking), str(reruns)


def _landed(landed: dict[str, int]) -> str:
    return ", ".join(f"{name} {n}" for name, n in sorted(landed.items())) or "n/a"


def render(f: dict[str, Any]) -> str:
    """The figures as the lines a person reads."""
    b, c = f["bounds"], f["cases"]
    disk, locking, reruns = _verdicts(f)
    gib = max(2, PROFILES[f["profile"]].sparse_gib)
    lines = [
        f"profile:                 {f['profile']}",
        f"inputs tried:            {f['inputs']} ({c['inputs']} hostile cases, "
        f"{f['property_examples']} property examples; {c['skipped']} cases skipped)",
        f"crashes:                 {f['crashes']}",
        f"silent passes:           {f['silent_passes']}",
        f"opens outside the root:  {f['opens_outside']}",
        f"canary hits:             {f['canary']}",
        f"network rows:            {_net(f['network'])}",
        f"kill trials survived:    {f['kill_survived']}/{f['kill_trials']} "
        f"({f['kill_random']} at random times or calls, {f['kill_points']} at every system "
        f"call of the write via {f['kill_points_how']}; {f['kill_inside_write']} left a temp "
        "or lock file, cleaned by the next run)",
        f"kill points by call:     {_landed(f['kill_points_landed'])}",
        f"wrong outcomes:          {c['mismatches']} (exit code or codes differ from the table)",
        f"disk full (64 KiB):      {disk}",
        f"two writers at once:     {locking}",
        f"re-runs byte-identical:  {reruns}",
        f"large inputs:            sparse {gib} GiB + 100 MiB single line: peak RSS "
        f"{b.get('peak_rss_mib')} MiB (bound 256), slowest extraction "
        f"{b.get('max_extract_s')} s (bound 5), slowest file read {b.get('max_read_s')} s",
        f"took:                    {f['seconds']} s",
    ]
    lines += [f"  ! {n}" for n in f["notes"] + f["bound_problems"]]
    lines.append("RESULT: " + ("PASS" if passed(f) else "FAIL"))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Parse options, run, print; exit 0 when every figure holds."""
    parser = argparse.ArgumentParser(prog="python -m tests.hostile", description=__doc__)
    parser.add_argument(
        "--profile",
        choices=sorted(PROFILES),
        default=os.environ.get("HYPOTHESIS_PROFILE", "push"),
        help="push (quick), nightly (10,000 examples each, 200 kill trials) or benchmark (500)",
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    options = parser.parse_args(argv)
    figures = collect(options.profile)
    print(json.dumps(figures, indent=1, default=str) if options.json else render(figures))
    return 0 if passed(figures) else 1


if __name__ == "__main__":
    sys.exit(main())
