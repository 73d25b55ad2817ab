"""Reporters of a probe report (text, json, github, junit) and its atomic write."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from provenance.errors import OutputError
from provenance.probe.models import DriftResult, ProbeEntry, ProbeReport
from provenance.report.github import annotation

UNSETTLED_TEXT = frozenset({"unknown", "rate-limited", "tls-error", "blocked"})


def _drift(label: str, drift: DriftResult | None) -> str:
    if drift is None:
        return ""
    return (
        f"; {label} {drift.verdict} (words {drift.word_jaccard:.2f}, chars "
        f"{drift.char_jaccard:.2f}, simhash {drift.simhash_distance})"
    )


def entry_line(entry: ProbeEntry) -> str:
    """One line for a person about one file."""
    if entry.url is None:
        return f"{entry.path}: no original URL"
    parts = [f"{entry.path}: {entry.url}"]
    if entry.live is not None:
        code = f" {entry.live.http_status}" if entry.live.http_status else ""
        parts.append(f" live {entry.live.status}{code}")
        if entry.live.status == "moved" and entry.live.final_url:
            parts.append(f" → {entry.live.final_url}")
        elif entry.live.status in UNSETTLED_TEXT and entry.live.error:
            # Say why nothing was learnt: a refusal, a timeout, a 5xx after retries.
            parts.append(f" ({entry.live.error})")
    if entry.memento is not None:
        m = entry.memento
        away = f", {m.distance_seconds} s away" if m.distance_seconds is not None else ""
        parts.append(f"; memento {m.datetime} of {m.count} captures{away}")
    elif entry.archives:
        parts.append(
            "; archives: "
            + ", ".join(f"{a.status} ({a.error})" if a.error else a.status for a in entry.archives)
        )
    parts.append(_drift("memento", entry.drift))
    parts.append(_drift("live page", entry.live_drift))
    return "".join(parts)


def render_text(report: ProbeReport) -> str:
    """Readable summary: one line per file, then the totals."""
    lines = []
    entries = [e for r in report.results for e in r.entries]
    for result in report.results:
        lines.append(f"{result.manifest} ({result.folder}):")
        lines.extend(f"  {entry_line(e)}" for e in result.entries)
    flagged = sum(1 for e in entries if e.findings)
    verdict = "ok" if report.ok else ("findings" if flagged else "incomplete")
    probed = [e for e in entries if e.url is not None]
    if probed and not any(e.live is not None or e.archives for e in probed):
        verdict = "checked nothing"  # --no-live and --no-archives: exit 3, not a clean bill
    lines.append(
        f"probe {verdict}: {len(entries)} files, {flagged} with findings, "
        f"{report.requests} requests"
    )
    return "\n".join(lines) + "\n"


def render_json(report: ProbeReport) -> str:
    """The report as JSON (probe-report.schema.json)."""
    return json.dumps(report.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"


def render_github(report: ProbeReport) -> str:
    """GitHub Actions workflow commands: one annotation per finding."""
    lines = []
    for result in report.results:
        for entry in result.entries:
            for code in entry.findings:
                path = f"{result.folder}/{entry.path}"
                # ',' and ':' in a file name would end the file= property early.
                lines.append(annotation("warning", path, code, entry_line(entry)))
    return "\n".join(lines) + ("\n" if lines else "") + render_text(report).splitlines()[-1] + "\n"


def render_junit(report: ProbeReport) -> str:
    """JUnit XML: a suite per manifest, a case per file, a failure per finding."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>', '<testsuites name="provenance probe">']
    for result in report.results:
        failures = sum(1 for e in result.entries if e.findings)
        out.append(
            f"  <testsuite name={quoteattr(result.manifest)} "
            f'tests="{len(result.entries)}" failures="{failures}">'
        )
        for entry in result.entries:
            out.append(
                f"    <testcase classname={quoteattr(result.folder)} name={quoteattr(entry.path)}>"
            )
            if entry.findings:
                message = quoteattr(", ".join(entry.findings))
                out.append(
                    f"      <failure message={message}>{escape(entry_line(entry))}</failure>"
                )
            out.append("    </testcase>")
        out.append("  </testsuite>")
    out.append("</testsuites>")
    return "\n".join(out) + "\n"


REPORTERS: dict[str, Callable[[ProbeReport], str]] = {
    "text": render_text,
    "json": render_json,
    "github": render_github,
    "junit": render_junit,
}


def write_atomic(path: Path, text: str) -> None:
    """Write via a temp file in the same folder, fsync, then os.replace over the target."""
    folder = path.parent if str(path.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError as e:
        raise OutputError(f"cannot write the report: {e.strerror or e}", where=str(path)) from e
