"""provenance: prove where archived web pages came from and that they have not changed since.

The library API (documented in :mod:`provenance.api`)::

    import provenance
    records = provenance.read_folder("pages/")          # list[provenance.FileRecord]
    report = provenance.verify("manifests/pages.json")  # provenance.VerifyReport
    report.ok
    probed = provenance.probe("manifests/pages.json")  # provenance.ProbeReport (network)

Names are loaded on first use, so ``import provenance`` (and the CLI's start-up) stays
cheap; type checkers see them through the imports below.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from provenance.api import probe, read_folder, verify
    from provenance.errors import (
        CheckError,
        InputError,
        ManifestError,
        OutputError,
        ProvenanceError,
        UsageError,
    )
    from provenance.models import (
        Evidence,
        FileRecord,
        Finding,
        Manifest,
        ManifestResult,
        NameClaim,
        Problem,
        TextClaim,
        TimestampClaim,
        UrlClaim,
        VerifyReport,
    )
    from provenance.parallel import OnProgress
    from provenance.probe.models import ProbeEntry, ProbeReport

_LAZY = {
    "probe": "provenance.api",
    "read_folder": "provenance.api",
    "verify": "provenance.api",
    "CheckError": "provenance.errors",
    "InputError": "provenance.errors",
    "ManifestError": "provenance.errors",
    "OutputError": "provenance.errors",
    "ProvenanceError": "provenance.errors",
    "UsageError": "provenance.errors",
    "Evidence": "provenance.models",
    "FileRecord": "provenance.models",
    "Finding": "provenance.models",
    "Manifest": "provenance.models",
    "ManifestResult": "provenance.models",
    "NameClaim": "provenance.models",
    "Problem": "provenance.models",
    "TextClaim": "provenance.models",
    "TimestampClaim": "provenance.models",
    "UrlClaim": "provenance.models",
    "VerifyReport": "provenance.models",
    "OnProgress": "provenance.parallel",
    "ProbeEntry": "provenance.probe.models",
    "ProbeReport": "provenance.probe.models",
}

__all__ = [
    "CheckError",
    "Evidence",
    "FileRecord",
    "Finding",
    "InputError",
    "Manifest",
    "ManifestError",
    "ManifestResult",
    "NameClaim",
    "OnProgress",
    "OutputError",
    "ProbeEntry",
    "ProbeReport",
    "Problem",
    "ProvenanceError",
    "TextClaim",
    "TimestampClaim",
    "UrlClaim",
    "UsageError",
    "VerifyReport",
    "__version__",
    "probe",
    "read_folder",
    "verify",
]


def __getattr__(name: str) -> Any:
    """Load a public name from its module on first use (PEP 562)."""
    if name in _FUNCTIONS and importlib.util.find_spec(f"{__name__}.{name}") is not None:
        # Also a submodule: import it (bound callable, see _Package), so that both
        # `from provenance import verify` users, of the module and of the function, work.
        return importlib.import_module(f"{__name__}.{name}")
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'provenance' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


class _CallableModule(types.ModuleType):
    """A subpackage that shares its name with an API function, callable as that function."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from provenance import api

        return getattr(api, self.__name__.rsplit(".", 1)[-1])(*args, **kwargs)


class _Package(types.ModuleType):
    # provenance.verify and provenance.probe are API functions and modules at once: the
    # import system binds a module to its package with setattr when it loads it, which
    # would hide the function. Make such a module callable as it is bound, so both
    # `provenance.verify(...)` and `provenance.verify.VerifyOptions` keep working.
    def __setattr__(self, name: str, value: Any) -> None:
        if name in _FUNCTIONS and isinstance(value, types.ModuleType) and not callable(value):
            value.__class__ = _CallableModule
        super().__setattr__(name, value)


_FUNCTIONS = frozenset({"probe", "read_folder", "verify"})
sys.modules[__name__].__class__ = _Package
