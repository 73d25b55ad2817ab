"""The library API: read a folder, verify manifests, probe them.

>>> import provenance
>>> records = provenance.read_folder("tests/data/seeds")      # list[FileRecord]
>>> report = provenance.verify("manifests/seeds.json")        # VerifyReport
>>> report.ok
True

Every function raises a :class:`provenance.ProvenanceError` subclass on bad input; none
prints or exits. Progress callbacks receive ``(done, total)``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, cast

from provenance.errors import CheckError, UsageError
from provenance.models import FileRecord, VerifyReport
from provenance.parallel import OnProgress

if TYPE_CHECKING:
    from provenance.probe.models import ProbeReport


def read_folder(
    folder: str,
    *,
    name_scheme: str | None = None,
    jobs: int = 1,
    on_progress: OnProgress | None = None,
) -> list[FileRecord]:
    """Read every file below ``folder`` into a record with its digests and evidence."""
    from provenance import manifest
    from provenance.names import check_scheme

    scheme = check_scheme(name_scheme) if name_scheme else None
    return manifest.read_folder(folder, name_scheme=scheme, jobs=jobs, on_progress=on_progress)


def verify(
    *manifests: str,
    deep: bool = False,
    strict: bool = False,
    jobs: int = 1,
    on_progress: OnProgress | None = None,
) -> VerifyReport:
    """Check the folders of ``manifests`` against them; ``report.ok`` is the verdict."""
    from provenance.verify import VerifyOptions, verify_manifests

    if not manifests:
        raise UsageError("no manifests given", hint="pass one or more manifest files")
    options = VerifyOptions(deep=deep, strict=strict, jobs=jobs)
    return verify_manifests(list(manifests), options, on_progress=on_progress)


def probe(*manifests: str, **options: Any) -> ProbeReport:
    """Probe the originals and archives of ``manifests`` (network); needs ``provenance.probe``."""
    try:
        module = importlib.import_module("provenance.probe")
    except ImportError as e:
        raise CheckError(
            "the network probe is not available in this installation",
            hint="install a provenance release that includes provenance.probe",
        ) from e
    run = getattr(module, "probe_manifests", None)
    if run is None:
        raise CheckError(
            "provenance.probe has no probe_manifests() entry point",
            hint="upgrade provenance; this version's probe cannot be called as a library",
        )
    return cast("ProbeReport", run(list(manifests), **options))
