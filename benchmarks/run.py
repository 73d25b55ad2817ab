"""The benchmark: ``python -m benchmarks [--profile quick|default|full]``.

Generates the corpora deterministically (benchmarks/corpus.py), installs the reference
tools it can from the package registries (``apt-get install rhash hashdeep``, ``pip install
bagit``; a tool that cannot be had is skipped with one line), runs ``provenance`` and the
references side by side in interleaved rounds, and prints a table of medians and the
ratios the performance targets are stated in. Peak memory is the largest resident set of
any one process of a run (``wait4``: a process and the children it waited for).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from benchmarks import corpus
from benchmarks.cases import (
    cold_cases,
    large_cases,
    million_cases,
    pages_cases,
    startup_cases,
)
from benchmarks.harness import ROOT, Case, can_drop_caches, rounds, say, setup


@dataclass(frozen=True)
class Profile:
    """How much to generate and how often to run it."""

    pages: int
    large_files: int
    large_mb: int
    rounds: int
    million_files: int  # a real verify of this many tiny files (0: none)
    entries: int  # else the memory of loading a manifest of this many records


PROFILES = {
    "quick": Profile(2_000, 2, 50, 3, 0, 100_000),
    "default": Profile(20_000, 5, 200, 3, 0, 1_000_000),
    "full": Profile(20_000, 5, 200, 7, 1_000_000, 0),
}
Group = tuple[str, Callable[[], dict[str, Case]], int]


@dataclass(frozen=True)
class Target:
    """A stated target: ``value`` compared with ``limit`` (a ratio, seconds, MB or GB/s)."""

    what: str
    value: float
    limit: float
    unit: str
    higher_is_better: bool = False

    def line(self) -> str:
        """One row: the figure, the target, and whether it is met."""
        if self.value != self.value:  # NaN: a reference was missing
            return f"  {self.what:<58} {'n/a':>9}   target {self._limit()}   SKIPPED"
        met = self.value >= self.limit if self.higher_is_better else self.value <= self.limit
        verdict = "met" if met else "MISSED"
        return (
            f"  {self.what:<58} {self.value:>9.2f}{self.unit:<5} target {self._limit()}   {verdict}"
        )

    def _limit(self) -> str:
        sign = ">=" if self.higher_is_better else "<="
        return f"{sign} {self.limit:g}{self.unit}"


def targets(c: dict[str, Case], large_bytes: int) -> list[Target]:
    """The issue's targets, each from figures of this one run."""

    def m(key: str) -> float:
        case = c.get(key)
        return case.median if case is not None and not case.failed else float("nan")

    def peak(key: str) -> float:
        case = c.get(key)
        return case.peak if case is not None and not case.failed else float("nan")

    gb = large_bytes / 1e9
    return [
        Target("verify / sha256sum -c (warm)", m("verify") / m("sha256sum-c"), 1.0, "x"),
        Target("verify / rhash -c (warm, stretch)", m("verify") / m("rhash-c"), 1.0, "x"),
        Target("verify / sha256sum -c (cold)", m("cold-verify") / m("cold-sha256sum-c"), 1.1, "x"),
        Target("verify --fast (seconds)", m("verify-fast"), 0.35, "s"),
        Target(
            "verify --fast / bagit --validate --fast", m("verify-fast") / m("bagit-fast"), 1.0, "x"
        ),
        Target("manifest / find | xargs sha256sum", m("manifest") / m("sha256sum"), 1.5, "x"),
        Target("manifest / hashdeep -a -k (stretch)", m("manifest") / m("hashdeep"), 1.15, "x"),
        Target("manifest / bagit.py create", m("manifest") / m("bagit-create"), 1.0, "x"),
        Target(
            "manifest again, unchanged folder / find | xargs sha256sum",
            m("manifest-again") / m("sha256sum"),
            1.5,
            "x",
        ),
        Target("large files, 2 cores (GB/s)", gb / m("large-verify-2"), 2.2, "GB/s", True),
        Target("large files, 1 core (GB/s)", gb / m("large-verify-1"), 1.4, "GB/s", True),
        Target(
            "large, 2 cores: verify -j2 / openssl x2",
            m("large-verify-2") / m("openssl-2"),
            1.0,
            "x",
        ),
        Target(
            "large, 1 core: verify -j1 / openssl", m("large-verify-1") / m("openssl-1"), 1.0, "x"
        ),
        Target(
            "large files, peak memory (MB)",
            max(peak("large-verify-2"), peak("large-manifest-2")),
            64,
            "MB",
        ),
        Target("CLI start-up: provenance --help (s)", m("cli-help"), 0.1, "s"),
        Target("million-entry case, peak memory (MB)", peak("million"), 1024, "MB"),
    ]


def machine() -> list[str]:
    """What the figures were measured on."""
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return [
        f"date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        f"nproc: {os.cpu_count()}  cpu: {model}",
        f"python: {platform.python_version()}  ({platform.platform()})",
        f"load average: {' '.join(Path('/proc/loadavg').read_text().split()[:3])}",
    ]


def table(cases: dict[str, Case]) -> list[str]:
    """Median and peak memory of every case."""
    lines = [f"  {'case':<44} {'median s':>9} {'min s':>8} {'cpu s':>7} {'peak MB':>8}  runs"]
    for case in cases.values():
        if case.failed:
            lines.append(f"  {case.name:<44} FAILED ({case.failed})")
            continue
        lines.append(
            f"  {case.name:<44} {case.median:>9.3f} {min(case.times):>8.3f} "
            f"{statistics.median(case.cpus):>7.3f} {case.peak:>8.1f}  {len(case.times)}"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    """Generate, measure, print."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--profile", choices=sorted(PROFILES), default="default")
    parser.add_argument(
        "--workdir",
        type=Path,
        default=ROOT / "benchmarks" / ".work",
        help="where the corpora go (default: benchmarks/.work, git-ignored)",
    )
    parser.add_argument("--no-install", action="store_true", help="do not install reference tools")
    parser.add_argument("--rounds", type=int, help="timed runs per case (default: the profile's)")
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated groups to run: startup, pages, cold, large, million, probe "
        "(default: all)",
    )
    options = parser.parse_args(argv)
    profile = PROFILES[options.profile]
    count = options.rounds or profile.rounds
    work = options.workdir.resolve()
    work.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    os.environ["PYTHONPATH"] = env["PYTHONPATH"]  # for the set-up runs too
    say(f"provenance benchmark, profile {options.profile}, {count} rounds, in {work}")
    for line in machine():
        say("  " + line)
    have = setup(not options.no_install)
    chosen = {g.strip() for g in options.only.split(",") if g.strip()}
    results: dict[str, Case] = {}
    for title, make, times in groups(profile, work, have, count):
        if chosen and title.split(":", 1)[0] not in chosen:
            continue
        say(f"\n== {title}: preparing")
        say("  " + machine()[-1])
        cases = make()
        rounds(list(cases.values()), times, env)
        results.update(cases)
        for line in table(cases):
            say(line)
    probe_targets: list[Target] = []
    if not chosen or "probe" in chosen:
        probe_targets = probe_group(count)
    say("\n== targets")
    for target in targets(results, profile.large_files * profile.large_mb * corpus.MB):
        say(target.line())
    for target in probe_targets:
        say(target.line())
    return 1 if any(c.failed for c in results.values()) else 0


def probe_group(rounds: int) -> list[Target]:
    """The probe at the concurrency bound: 2,000 loopback URLs, 50 ms added latency."""
    from benchmarks import probe_bench

    say("\n== probe: 2,000 URLs on loopback, 50 ms added latency (politeness lifted)")
    say("  " + machine()[-1])
    rows = probe_bench.run(rounds=max(1, rounds))
    say(probe_bench.table(rows))
    default = [r for r in rows if r["client"].startswith("aiohttp") and r["hosts"] == 1]
    return [
        Target(
            f"probe, concurrency {r['concurrency']}: % of N x latency / concurrency",
            r["percent_of_bound"],
            80.0,
            "%",
            higher_is_better=True,
        )
        for r in default
    ]


def groups(profile: Profile, work: Path, have: dict[str, bool], count: int) -> list[Group]:
    """Every group of cases, in the order they run, with how many rounds each gets."""
    found: list[Group] = [
        ("startup: CLI start-up", startup_cases, count * 2),
        (
            f"pages: {profile.pages:,} pages, warm cache",
            lambda: pages_cases(work, profile.pages, have),
            count,
        ),
    ]
    if can_drop_caches():
        found.append(("cold: cold cache", lambda: cold_cases(work, profile.pages), max(3, count)))
    else:
        say("skip: cannot empty the page cache here (needs root on Linux); no cold rows")
    n, mb = profile.large_files, profile.large_mb
    found.append(
        (f"large: {n} files of {mb} MB, warm cache", lambda: large_cases(work, n, mb, have), count)
    )
    found.append(
        (
            "million: a million entries",
            lambda: million_cases(work, profile.entries, profile.million_files),
            1,
        )
    )
    return found


if __name__ == "__main__":
    sys.exit(main())
