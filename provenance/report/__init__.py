"""Reporters by output format; the CLI's ``--format`` choices come from :data:`REPORTERS`."""

from __future__ import annotations

from provenance.report.github import GithubReporter
from provenance.report.interface import Reporter
from provenance.report.json import JsonReporter
from provenance.report.junit import JunitReporter
from provenance.report.sarif import SarifReporter
from provenance.report.text import TextReporter

REPORTERS: dict[str, Reporter] = {
    r.name: r
    for r in (
        TextReporter(),
        JsonReporter(),
        GithubReporter(),
        JunitReporter(),
        SarifReporter(),
    )
}

__all__ = ["REPORTERS", "Reporter"]
