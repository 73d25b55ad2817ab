"""Robust Links: an anchor per page that keeps its original URL and the date of our copy.

A Robust Link carries ``data-originalurl`` and ``data-versiondate`` and, when the probe
found a memento, ``data-versionurl`` so a reader can still reach the page after the
original rots. ``href`` stays the original URL, as the Robust Links note recommends.
The version date is the copy's capture time, else its publication time: the moment the
archived text is known to have existed; the memento's own time is the last resort.
"""

from __future__ import annotations

from html import escape
from urllib.parse import urlsplit

from provenance.export.probed import Probed
from provenance.models import FileRecord, Manifest


def _web(url: str | None) -> str | None:
    # Never emit javascript:, data: or file: links, whatever a page or a report claims.
    if url and urlsplit(url).scheme.lower() in ("http", "https"):
        return url
    return None


def _version_date(record: FileRecord, probed: Probed | None) -> str | None:
    for claim in (record.captured, record.published):
        if claim is not None:
            return claim.value
    return probed.memento_datetime if probed else None


def anchor(record: FileRecord, probed: Probed | None) -> str | None:
    """The ``<a>`` for one record, or ``None`` when it has no web URL of its original."""
    original = _web(record.original_url.normalized if record.original_url else None)
    if original is None:
        return None
    attrs = {"href": original, "data-originalurl": original}
    date = _version_date(record, probed)
    if date:
        attrs["data-versiondate"] = date
    memento = _web(probed.memento_url if probed else None)
    if memento:
        attrs["data-versionurl"] = memento
    text = record.title.value if record.title else original
    rendered = " ".join(f'{k}="{escape(v, quote=True)}"' for k, v in attrs.items())
    return f"<a {rendered}>{escape(text, quote=False)}</a>"


def render(manifest: Manifest, probed: dict[str, Probed] | None = None) -> str:
    """An HTML fragment: a list of Robust Links, one per file with an original URL."""
    # "--" may not appear inside an HTML comment; a folder name could hold it.
    folder = escape(manifest.folder).replace("--", "- -")
    lines = [f"<!-- Robust Links for {folder}: one per archived page -->"]
    lines.append('<ul class="robust-links">')
    skipped = 0
    for record in manifest.files:
        link = anchor(record, (probed or {}).get(record.path))
        if link is None:
            skipped += 1
            continue
        lines.append(f"  <li>{link}</li>")
    lines.append("</ul>")
    if skipped:
        lines.append(f"<!-- {skipped} files have no http(s) original URL and no link -->")
    return "\n".join(lines) + "\n"
