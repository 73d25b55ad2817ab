"""The groups of the benchmark: which commands run side by side, on which corpus."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

from benchmarks import corpus
from benchmarks.harness import PY, Case, cold, prov, warm


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
        # --fresh: every page extracted, whatever out.json holds from an earlier round
        "manifest": Case(
            "provenance manifest --fresh",
            prov("manifest", "--fresh", pages, "-o", work / "out.json"),
            None,
            hot,
        ),
        # the same folder written again over its own manifest: every page hashed, none
        # extracted (provenance.reuse)
        "manifest-again": Case(
            "provenance manifest, unchanged folder",
            prov("manifest", pages, "-o", manifest),
            None,
            hot,
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
            prov("manifest", "--fresh", "-j2", folder, "-o", work / "large-out.json"),
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
    code = (
        "import sys; from provenance.listing import load_listing; "
        "print(len(load_listing(sys.argv[1]).files))"
    )
    cases = {}
    for key, sealed, what in (("million", True, "sealed"), ("million-unsealed", False, "no seal")):
        manifest = work / f"entries-{entries}-{key}.json"
        if not manifest.exists():
            corpus.million_manifest(manifest, entries, sealed=sealed)
        cases[key] = Case(
            f"load a {entries:,}-entry manifest ({what})", [PY, "-c", code, str(manifest)]
        )
    return cases
