"""Running one command of the benchmark: timing, peak memory, cache state, tool set-up."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


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
    # As an installed package would be: compiled once. (With PYTHONDONTWRITEBYTECODE set,
    # as in some CI images, an editable checkout would compile every module at every run.)
    subprocess.run([PY, "-m", "compileall", "-q", str(ROOT / "provenance")], capture_output=True)
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
