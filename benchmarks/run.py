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
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks import corpus

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
PROFILES = {
    # pages, large files x MB, rounds, tiny files for the million case (0: manifest only)
    "quick": {"pages": 2_000, "large": (2, 50), "rounds": 3, "million": 0, "entries": 100_000},
    "default": {
        "pages": 20_000,
        "large": (5, 200),
        "rounds": 3,
        "million": 0,
        "entries": 1_000_000,
    },
    "full": {"pages": 20_000, "large": (5, 200), "rounds": 7, "million": 1_000_000, "entries": 0},
}


@dataclass
class Case:
    """One command measured: wall seconds and peak RSS (MB) of each round."""

    name: str
    argv: list[str] | str
    cwd: Path | None = None
    before: Callable[[], None] | None = None
    times: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)
    peaks: list[float] = field(default_factory=list)
    failed: str = ""

    def run(self, env: dict[str, str]) -> None:
        """One timed run; a non-zero exit marks the case failed (its figures are void)."""
        if self.before is not None:
            self.before()
        shell = isinstance(self.argv, str)
        start = time.perf_counter()
        proc = subprocess.Popen(
            self.argv,
            shell=shell,
            cwd=self.cwd,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        assert proc.stderr is not None
        err = proc.stderr.read()
        _, status, usage = os.wait4(proc.pid, 0)
        self.times.append(time.perf_counter() - start)
        self.peaks.append(usage.ru_maxrss / 1024)
        self.cpus.append(usage.ru_utime + usage.ru_stime)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0 and not self.failed:
            self.failed = f"exit {proc.returncode}: {err.decode(errors='replace').strip()[:200]}"

    @property
    def median(self) -> float:
        """Median wall time in seconds."""
        return statistics.median(self.times) if self.times else float("nan")

    @property
    def peak(self) -> float:
        """Largest peak RSS seen, MB."""
        return max(self.peaks) if self.peaks else float("nan")


def say(line: str = "") -> None:
    """Print at once (the run is long)."""
    print(line, flush=True)


def setup(install: bool) -> dict[str, bool]:
    """Install the reference tools where possible; return which are there."""
    have = {t: shutil.which(t) is not None for t in ("sha256sum", "rhash", "hashdeep", "openssl")}
    missing = [t for t in ("rhash", "hashdeep") if not have[t]]
    if missing and install:
        if os.geteuid() == 0 and shutil.which("apt-get"):
            cmd = ["apt-get", "install", "-y", "-qq", *missing]
            ok = subprocess.run(cmd, capture_output=True).returncode == 0
            if not ok:
                subprocess.run(["apt-get", "update", "-qq"], capture_output=True)
                subprocess.run(cmd, capture_output=True)
        for t in missing:
            have[t] = shutil.which(t) is not None
    have["bagit"] = _has_bagit()
    if not have["bagit"] and install:
        subprocess.run([PY, "-m", "pip", "install", "-q", "bagit"], capture_output=True)
        have["bagit"] = _has_bagit()
    for tool, there in sorted(have.items()):
        if not there:
            say(f"skip: {tool} is not installed and could not be installed; its rows are left out")
    return have


def _has_bagit() -> bool:
    return subprocess.run([PY, "-c", "import bagit"], capture_output=True).returncode == 0


def warm(folder: Path) -> Callable[[], None]:
    """Read every file once so the run starts from a warm page cache."""

    def go() -> None:
        subprocess.run(
            f"find {folder} -type f -print0 | xargs -0 cat > /dev/null", shell=True, check=True
        )

    return go


def can_drop_caches() -> bool:
    """True when this process may empty the page cache (root on Linux)."""
    try:
        with open("/proc/sys/vm/drop_caches", "w") as handle:
            handle.write("3\n")
        return True
    except OSError:
        return False


def cold() -> None:
    """Empty the page cache (and write back dirty pages first)."""
    os.sync()
    with open("/proc/sys/vm/drop_caches", "w") as handle:
        handle.write("3\n")


def rounds(cases: list[Case], count: int, env: dict[str, str]) -> None:
    """Run every case ``count`` times, interleaved, so drift hits all alike."""
    for case in cases:  # one untimed warm-up each (imports compiled, caches filled)
        case.run(env)
        case.times.clear()
        case.cpus.clear()
        case.peaks.clear()
    for _ in range(count):
        for case in cases:
            case.run(env)


def prov(*args: str | Path) -> list[str]:
    """argv for ``python -m provenance ARGS``."""
    return [PY, "-m", "provenance", *map(str, args)]


def pages_cases(work: Path, count: int, have: dict[str, bool]) -> dict[str, Case]:
    """The 20k-page folder: provenance against sha256sum, rhash, hashdeep and bagit."""
    pages = work / f"pages-{count}"
    if not (work / f".pages-{count}.done").exists():
        shutil.rmtree(pages, ignore_errors=True)
        corpus.make_pages(pages, count)
        (work / f".pages-{count}.done").touch()
    manifest = work / f"pages-{count}.json"
    sums = work / f"pages-{count}.sha256"
    subprocess.run(prov("manifest", pages, "-o", manifest), check=True, capture_output=True)
    subprocess.run(
        f"cd {work} && find {pages.name} -type f -print0 | sort -z | xargs -0 sha256sum > {sums}",
        shell=True,
        check=True,
    )
    hot = warm(pages)
    files = f"find {pages.name} -type f -print0"
    cases = {
        "sha256sum": Case("find | xargs sha256sum", f"{files} | xargs -0 sha256sum", work, hot),
        "sha256sum-P2": Case(
            "find | xargs -P2 sha256sum",
            f"{files} | xargs -0 -P2 -n {max(1, count // 8)} sha256sum",
            work,
            hot,
        ),
        "sha256sum-c": Case("sha256sum -c", ["sha256sum", "-c", "--quiet", sums.name], work, hot),
        "verify": Case("provenance verify", prov("verify", manifest), None, hot),
        "verify-fast": Case(
            "provenance verify --fast", prov("verify", "--fast", manifest), None, hot
        ),
        "manifest": Case(
            "provenance manifest", prov("manifest", pages, "-o", work / "out.json"), None, hot
        ),
    }
    if have["rhash"]:
        cases["rhash-c"] = Case(
            "rhash -c", ["rhash", "--sha256", "-c", "--skip-ok", sums.name], work, hot
        )
    if have["hashdeep"]:
        known = work / f"pages-{count}.hashdeep"
        subprocess.run(
            f"cd {work} && hashdeep -c sha256 -r {pages.name} > {known}", shell=True, check=True
        )
        cases["hashdeep"] = Case(
            "hashdeep -a -k (audit)",
            ["hashdeep", "-c", "sha256", "-a", "-k", str(known), "-r", pages.name],
            work,
            hot,
        )
    if have["bagit"]:
        cases.update(_bagit_cases(work, pages, hot))
    return cases


def _bagit_cases(work: Path, pages: Path, hot: Callable[[], None]) -> dict[str, Case]:
    bag = work / "bag"
    fresh = work / "bag-create"

    def copy() -> None:  # bagit moves the files into data/: give it a fresh copy each time
        shutil.rmtree(fresh, ignore_errors=True)
        shutil.copytree(pages, fresh)
        hot()

    if not (bag / "bagit.txt").exists():
        shutil.rmtree(bag, ignore_errors=True)
        shutil.copytree(pages, bag)
        subprocess.run(
            [PY, "-m", "bagit", "--quiet", "--processes", "2", "--sha256", str(bag)],
            check=True,
            capture_output=True,
        )
    bag_hot = warm(bag)
    return {
        "bagit-create": Case(
            "bagit.py create (2 processes)",
            [PY, "-m", "bagit", "--quiet", "--processes", "2", "--sha256", str(fresh)],
            None,
            copy,
        ),
        "bagit-validate": Case(
            "bagit.py --validate -p 2",
            [PY, "-m", "bagit", "--quiet", "--validate", "--processes", "2", str(bag)],
            None,
            bag_hot,
        ),
        "bagit-fast": Case(
            "bagit.py --validate --fast",
            [PY, "-m", "bagit", "--quiet", "--validate", "--fast", str(bag)],
            None,
            bag_hot,
        ),
    }


def cold_cases(work: Path, count: int) -> dict[str, Case]:
    """sha256sum -c and provenance verify from an empty page cache."""
    manifest = work / f"pages-{count}.json"
    sums = work / f"pages-{count}.sha256"
    return {
        "cold-sha256sum-c": Case(
            "sha256sum -c (cold)", ["sha256sum", "-c", "--quiet", sums.name], work, cold
        ),
        "cold-verify": Case("provenance verify (cold)", prov("verify", manifest), None, cold),
    }


def large_cases(work: Path, count: int, size_mb: int, have: dict[str, bool]) -> dict[str, Case]:
    """A few large files: throughput on one and on two cores, and peak memory."""
    folder = work / f"large-{count}x{size_mb}"
    corpus.make_large(folder, count, size_mb)
    manifest = work / f"large-{count}x{size_mb}.json"
    subprocess.run(prov("manifest", folder, "-o", manifest), check=True, capture_output=True)
    hot = warm(folder)
    names = " ".join(sorted(p.name for p in folder.iterdir()))
    cases = {
        "large-verify-1": Case("provenance verify -j1", prov("verify", "-j1", manifest), None, hot),
        "large-verify-2": Case("provenance verify -j2", prov("verify", "-j2", manifest), None, hot),
        "large-manifest-2": Case(
            "provenance manifest -j2",
            prov("manifest", "-j2", folder, "-o", work / "large-out.json"),
            None,
            hot,
        ),
    }
    if have["openssl"]:
        cases["openssl-1"] = Case(
            "openssl dgst -sha256", f"openssl dgst -sha256 {names}", folder, hot
        )
        cases["openssl-2"] = Case(
            "openssl dgst -sha256, 2 processes",
            f"printf '%s\\n' {names} | xargs -P2 -n1 openssl dgst -sha256",
            folder,
            hot,
        )
    if have["rhash"]:
        cases["rhash-large"] = Case("rhash --sha256", f"rhash --sha256 {names}", folder, hot)
    return cases


def startup_cases() -> dict[str, Case]:
    """Interpreter start alone, and the CLI up to its help text."""
    return {
        "python": Case("python -c pass", [PY, "-c", "pass"]),
        "cli-help": Case("provenance --help", prov("--help")),
        "cli-verify-help": Case("provenance verify --help", prov("verify", "--help")),
    }


def million_cases(work: Path, entries: int, files: int) -> dict[str, Case]:
    """Memory of a huge manifest: loading one of ``entries`` records, or a full verify."""
    if files:
        folder = work / f"tiny-{files}"
        if not (work / f".tiny-{files}.done").exists():
            shutil.rmtree(folder, ignore_errors=True)
            corpus.make_tiny(folder, files)
            (work / f".tiny-{files}.done").touch()
        manifest = work / f"tiny-{files}.json"
        if not manifest.exists():
            subprocess.run(prov("manifest", folder, "-o", manifest), check=True)
        return {"million": Case(f"provenance verify, {files:,} files", prov("verify", manifest))}
    manifest = work / f"entries-{entries}.json"
    if not manifest.exists():
        corpus.million_manifest(manifest, entries)
    code = (
        "import sys; from provenance.listing import load_listing; "
        "print(len(load_listing(sys.argv[1]).files))"
    )
    return {"million": Case(f"load a {entries:,}-entry manifest", [PY, "-c", code, str(manifest)])}


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
        help="comma-separated groups to run: startup, pages, cold, large, million (default: all)",
    )
    options = parser.parse_args(argv)
    profile = PROFILES[options.profile]
    count_rounds = options.rounds or int(profile["rounds"])  # type: ignore[call-overload]
    work = options.workdir.resolve()
    work.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    os.environ["PYTHONPATH"] = env["PYTHONPATH"]  # for the set-up runs too
    say(f"provenance benchmark, profile {options.profile}, {count_rounds} rounds, in {work}")
    for line in machine():
        say("  " + line)
    have = setup(not options.no_install)
    results: dict[str, Case] = {}
    groups: list[tuple[str, Callable[[], dict[str, Case]], int]] = [
        ("startup: CLI start-up", startup_cases, count_rounds * 2),
        (
            f"pages: {profile['pages']:,} pages, warm cache",
            lambda: pages_cases(work, profile["pages"], have),
            count_rounds,
        ),  # type: ignore[arg-type]
    ]
    if can_drop_caches():
        groups.append(
            (
                "cold: cold cache",
                lambda: cold_cases(work, profile["pages"]),
                max(3, count_rounds // 2),
            )
        )  # type: ignore[arg-type]
    else:
        say("skip: cannot empty the page cache here (needs root on Linux); no cold rows")
    n_large, mb_large = profile["large"]  # type: ignore[misc]
    groups.append(
        (
            f"large: {n_large} files of {mb_large} MB, warm cache",
            lambda: large_cases(work, n_large, mb_large, have),
            count_rounds,
        )
    )
    groups.append(
        (
            "million: a million entries",
            lambda: million_cases(work, profile["entries"], profile["million"]),
            1,
        )
    )  # type: ignore[arg-type]
    chosen = {g.strip() for g in options.only.split(",") if g.strip()}
    for title, make, count in groups:
        if chosen and title.split(":", 1)[0] not in chosen:
            continue
        say(f"\n== {title}: preparing")
        say("  " + machine()[-1])
        cases = make()
        rounds(list(cases.values()), count, env)
        results.update(cases)
        for line in table(cases):
            say(line)
    say("\n== probe at the concurrency bound: not measured yet (the probe lands later)")
    # PROBE: rows for `provenance probe` against a loopback server go here.
    say("\n== targets")
    for target in targets(results, n_large * mb_large * corpus.MB):
        say(target.line())
    return 1 if any(c.failed for c in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
