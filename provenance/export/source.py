"""What an export starts from: a manifest file, or a folder read on the spot."""

from __future__ import annotations

import os
from dataclasses import dataclass

from provenance import manifest as manifests
from provenance.models import Manifest
from provenance.parallel import OnProgress


@dataclass(frozen=True)
class Source:
    """A manifest and the folder on disk it describes."""

    manifest: Manifest
    folder: str
    label: str


def load_source(path: str, *, jobs: int = 1, on_progress: OnProgress | None = None) -> Source:
    """A manifest file is loaded; a folder is read into a fresh manifest (nothing written)."""
    if os.path.isdir(path):
        # Built as if written inside the folder, so its ``folder`` field is ".".
        built = manifests.build(
            path, os.path.join(path, "manifest.json"), jobs=jobs, on_progress=on_progress
        )
        return Source(manifest=built, folder=os.path.normpath(path), label=path)
    loaded = manifests.load(path)
    return Source(manifest=loaded, folder=manifests.folder_of(loaded, path), label=path)
