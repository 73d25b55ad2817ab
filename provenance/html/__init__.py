"""One self-contained HTML page about a manifest (and its probe report, if given).

The page needs no network when it is viewed: the CSS and the script are inline, and a
Content-Security-Policy forbids loading anything else. The data travels as a JSON block
with ``<``, ``>``, ``&`` and the JavaScript line separators escaped, so a page title such
as ``</script><script>…`` stays text; the script puts every value in the DOM through
``textContent`` and ``setAttribute``. The summary and the at-a-glance bars are written
here so they show without script; the timeline and the sortable table are drawn by it.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from html import escape
from importlib import resources
from typing import Any

from provenance import __version__
from provenance.export.probed import Probed
from provenance.instants import earliest_latest
from provenance.models import Evidence, FileRecord, Finding, Manifest

LIVE_ORDER = ("alive", "moved", "soft-404", "blocked", "dead", "tls-error", "rate-limited")
DRIFT_ORDER = ("identical", "minor", "drifted", "unrelated")


def _asset(name: str) -> str:
    return resources.files(__name__).joinpath(name).read_text(encoding="utf-8")


def _evidence(claim: Evidence | None) -> str | None:
    if claim is None:
        return None
    return f"line {claim.line}, column {claim.column}, rule {claim.rule}: {claim.raw}"


#: The fields of a table row, as the page's script reads them.
ROW_KEYS = (
    "path", "size", "status", "published", "published_evidence", "captured",
    "captured_evidence", "title", "title_evidence", "url", "url_evidence", "live",
    "memento_url", "memento_datetime", "drift", "problems",
)  # fmt: skip


def _row(record: FileRecord, probed: Probed | None) -> dict[str, Any]:
    def value(claim: Any) -> str | None:
        return None if claim is None else str(claim.value)

    return {
        "path": record.path,
        "size": record.size,
        "status": record.status,
        "published": value(record.published),
        "published_evidence": _evidence(record.published),
        "captured": value(record.captured),
        "captured_evidence": _evidence(record.captured),
        "title": value(record.title),
        "title_evidence": _evidence(record.title),
        "url": record.original_url.normalized if record.original_url else None,
        "url_evidence": _evidence(record.original_url),
        "live": probed.live if probed else None,
        "memento_url": probed.memento_url if probed else None,
        "memento_datetime": probed.memento_datetime if probed else None,
        "drift": probed.drift if probed else None,
        "problems": [p.model_dump(mode="json") for p in record.problems],
    }


def _script_json(doc: object) -> str:
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    for raw, safe in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(raw, safe)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _bar(title: str, counts: Counter[str], order: tuple[str, ...], total: int) -> str:
    if not counts:
        return (
            f"<div><h3>{escape(title)}</h3><p class='none'>Not probed: run "
            "<code>provenance probe</code> and pass <code>--probe REPORT</code>.</p></div>"
        )
    keys = [k for k in order if k in counts] + sorted(k for k in counts if k not in order)
    spans = "".join(
        f"<span class='c-{escape(k)}' style='width:{100 * counts[k] / total:.3f}%' "
        f"title='{escape(k)}: {counts[k]}'></span>"
        for k in keys
    )
    legend = "".join(
        f"<span><i class='c-{escape(k)}'></i>{escape(k)} {counts[k]}</span>" for k in keys
    )
    return (
        f"<div><h3>{escape(title)}</h3><div class='stack'>{spans}</div>"
        f"<div class='legend'>{legend}</div></div>"
    )


def _cards(manifest: Manifest, rows: list[dict[str, Any]], verdict: tuple[str, str]) -> str:
    severities = Counter(p["severity"] for r in rows for p in r["problems"])
    published = earliest_latest(r["published"] for r in rows if r["published"])
    span = f"{published[0][:10]} – {published[1][:10]}" if published else "none found"
    cards = [
        ("files", str(manifest.file_count)),
        ("bytes", f"{manifest.total_bytes:,}"),
        (
            "files with errors",
            str(sum(1 for r in rows if any(p["severity"] == "error" for p in r["problems"]))),
        ),
        ("errors", str(severities["error"])),
        ("warnings", str(severities["warning"])),
        ("with original URL", str(sum(1 for r in rows if r["url"]))),
        ("published", span),
        verdict,
    ]
    return "".join(
        f"<div class='card'><div class='v{' long' if len(v) > 8 else ''}'>{escape(v)}</div>"
        f"<div class='k'>{escape(k)}</div></div>"
        for k, v in cards
    )


def _with_findings(rows: list[dict[str, Any]], findings: Sequence[Finding]) -> None:
    """Add verify's findings to their files' problems; files not in the manifest get a row."""
    by_path = {r["path"]: r for r in rows}
    for f in findings:
        row = by_path.get(f.path)
        if row is None:
            row = by_path[f.path] = {**dict.fromkeys(ROW_KEYS), "path": f.path, "problems": []}
            row["status"] = f.code
            rows.append(row)
        detail = f" (expected {f.expected}, found {f.found})" if f.expected and f.found else ""
        message = f"{f.message}{detail}"
        row["problems"].append({"code": f.code, "severity": f.severity, "message": message})


def _verdict(findings: Sequence[Finding] | None) -> tuple[str, str]:
    if findings is None:
        return ("verify", "not run")
    errors = sum(1 for f in findings if f.severity == "error")
    return ("verify", f"{errors} findings" if errors else "clean")


def render(
    manifest: Manifest,
    *,
    source: str,
    probed: dict[str, Probed] | None = None,
    findings: Sequence[Finding] | None = None,
) -> str:
    """The whole page as text; ``source`` names the manifest in the heading."""
    entries = probed or {}
    rows = [_row(r, entries.get(r.path)) for r in manifest.files]
    _with_findings(rows, findings or ())
    total = max(1, len(rows))
    live = Counter(r["live"] or "not-probed" for r in rows) if entries else Counter[str]()
    drift = Counter(r["drift"] or "not-probed" for r in rows) if entries else Counter[str]()
    script = _asset("report.js")
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    csp = (
        f"default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{digest}'; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    data = {"source": source, "files": rows}
    return _asset("page.html").format(
        csp=escape(csp),
        css=_asset("report.css"),
        title=escape(f"provenance report: {source}"),
        source=escape(source),
        folder=escape(manifest.folder),
        extractor=escape(manifest.extractor_version),
        generated=escape(generated),
        version=escape(__version__),
        cards=_cards(manifest, rows, _verdict(findings)),
        live=_bar("Link health", live, LIVE_ORDER, total),
        drift=_bar("Drift", drift, DRIFT_ORDER, total),
        data=_script_json(data),
        script=script,
    )
