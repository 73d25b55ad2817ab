"""The library API: a sorted, complete ``__all__`` and functions that work without the CLI."""

from __future__ import annotations

import inspect
import subprocess
import sys
from pathlib import Path

import pytest

import provenance

from .eco_support import Described

EXPECTED = {
    "CheckError", "Evidence", "FileRecord", "Finding", "InputError", "Manifest", "ManifestError",
    "ManifestResult", "NameClaim", "OnProgress", "OutputError", "ProbeEntry", "ProbeReport",
    "Problem", "ProvenanceError",
    "TextClaim", "TimestampClaim", "UrlClaim", "UsageError", "VerifyReport", "__version__",
    "probe", "read_folder", "verify",
}  # fmt: skip


def test_all_is_sorted_and_exactly_the_public_names() -> None:
    assert provenance.__all__ == sorted(provenance.__all__)
    assert set(provenance.__all__) == EXPECTED


def test_every_public_name_resolves_and_is_documented() -> None:
    for name in provenance.__all__:
        value = getattr(provenance, name)
        if name not in ("__version__", "OnProgress"):
            assert inspect.getdoc(value), f"{name} has no docstring"
    with pytest.raises(AttributeError):
        _ = provenance.no_such_name  # type: ignore[attr-defined]


def test_import_is_light() -> None:
    code = "import provenance, sys; print('pydantic' in sys.modules, 'rich' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False"]


def test_read_folder_and_verify(described: Described) -> None:
    seen: list[tuple[int, int]] = []
    records = provenance.read_folder(
        str(described.folder), on_progress=lambda d, t: seen.append((d, t))
    )
    assert [r.path for r in records][-1] == "sub dir/100% new, odd: name.txt"
    assert isinstance(records[0], provenance.FileRecord)
    assert seen[-1] == (6, 6) and len(seen) == 6
    report = provenance.verify(str(described.manifest))
    assert isinstance(report, provenance.VerifyReport) and report.ok
    (described.folder / "new.txt").write_text("x")
    assert not provenance.verify(str(described.manifest)).ok


def test_verify_raises_for_a_bad_manifest(tmp_path: Path) -> None:
    bad = tmp_path / "m.json"
    bad.write_text("[")
    with pytest.raises(provenance.ManifestError):
        provenance.verify(str(bad))


def test_probe_as_a_library_call(tmp_path: Path) -> None:
    from testkit import ROOT

    manifest = str(ROOT / "manifests" / "seeds.json")
    report = provenance.probe(manifest, no_live=True, no_archives=True, no_cache=True)
    assert isinstance(report, provenance.ProbeReport)
    assert isinstance(report.results[0].entries[0], provenance.ProbeEntry)
    assert [e.path for r in report.results for e in r.entries] == sorted(
        p.name for p in (ROOT / "tests" / "data" / "seeds").iterdir()
    )
    assert report.requests == 0
    with pytest.raises(provenance.UsageError, match="unknown probe option"):
        provenance.probe(manifest, no_such_option=True)


def test_probe_function_survives_the_probe_subpackage(tmp_path: Path) -> None:
    # provenance.probe is both a function and a subpackage: importing the subpackage
    # must leave provenance.probe callable and the subpackage's modules reachable.
    package = tmp_path / "provenance"
    (package / "probe").mkdir(parents=True)
    (package / "probe" / "__init__.py").write_text(
        "def probe_manifests(paths, **kw):\n    return ('probed', paths, kw)\n"
    )
    (package / "probe" / "models.py").write_text("X = 1\n")
    code = (
        "import provenance\n"
        f"provenance.__path__.insert(0, {str(package)!r})\n"
        "import provenance.probe.models as m\n"
        "print(provenance.probe('a.json', deep=True), m.X, provenance.probe.models.X)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "('probed', ['a.json'], {'deep': True}) 1 1"


def test_verify_is_both_the_function_and_the_module(described: Described) -> None:
    from provenance import verify

    assert verify(str(described.manifest)).ok
    assert verify.VerifyOptions(deep=True).deep  # type: ignore[attr-defined]
    with pytest.raises(provenance.UsageError):
        provenance.verify()
