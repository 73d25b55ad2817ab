"""The network probe: live originals, web archives (Memento, CDX) and content drift."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from provenance.probe.models import ProbeReport


def probe_manifests(manifests: list[str], **options: object) -> ProbeReport:
    """Probe the manifests' originals and archives; options are ``provenance probe``'s, by name."""
    from provenance import probe_cli

    return probe_cli.collect(probe_cli.namespace(manifests, **options))
