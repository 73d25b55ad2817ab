"""What to probe: the files of a manifest, their original URLs, embedded times and our copies."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from provenance.models import Evidence, FileRecord, Manifest, TimestampClaim


@dataclass(frozen=True)
class Target:
    """One file to probe."""

    path: str
    url: str | None
    when: TimestampClaim | None
    copy: Path
    encoding: str | None = None
    added: tuple[tuple[int, int, str], ...] = ()


def load_manifest(path: Path) -> tuple[Manifest, Path]:
    """Read and validate a manifest as verify does; return it and the folder it describes."""
    from provenance import manifest as manifests

    manifest = manifests.load(str(path))
    return manifest, Path(manifests.folder_of(manifest, str(path)))


def targets(manifest: Manifest, folder: Path) -> list[Target]:
    """One target per file, sorted by path; the publication time, else the capture time."""
    return [
        Target(
            path=record.path,
            url=record.original_url.normalized if record.original_url else None,
            when=record.published or record.captured,
            copy=folder / record.path,
            encoding=record.encoding,
            added=added_spans(record),
        )
        for record in sorted(manifest.files, key=_path)
    ]


Span = tuple[int, int, str]  # 1-based line, 0-based column, the text as written


def added_spans(record: FileRecord) -> tuple[Span, ...]:
    """What the mirror added to the article, located by the extraction's evidence.

    A labelled original (``原文链接：…``), the mirror's own address (a share link, a
    tracking image) and a feed mirror's fetch-time comment are no part of what the site
    published; left in, they make an unchanged page look edited next to its memento.
    A feed item's linked title is kept: the page has that title too.
    """
    claims: list[Evidence] = []
    if record.original_url is not None and record.original_url.rule.startswith("label."):
        claims.append(record.original_url)
    if record.mirror_url is not None:
        claims.append(record.mirror_url)
    if record.captured is not None and record.captured.rule == "comment.epoch":
        claims.append(record.captured)
    return tuple(sorted((c.line, c.column, c.raw) for c in claims if c.line > 0 and c.raw))


def without_spans(text: str, spans: tuple[Span, ...]) -> str:
    """The text without the given spans (CR and CRLF count as one line end).

    Only the matched text goes, not its whole line: a page saved as one long line keeps
    its article. A span whose text is not where the evidence says is left alone.
    """
    if not spans:
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    starts = [0]
    for n, char in enumerate(text):
        if char == "\n":
            starts.append(n + 1)
    cuts: list[tuple[int, int]] = []
    for line, column, raw in spans:
        if line > len(starts):
            continue
        at = starts[line - 1] + column
        if text.startswith(raw, at):
            cuts.append((at, at + len(raw)))
    out, last = [], 0
    for begin, end in sorted(cuts):
        if begin >= last:
            out.append(text[last:begin])
            last = end
    out.append(text[last:])
    return "".join(out)


def _path(record: FileRecord) -> str:
    return record.path


def interval(claim: TimestampClaim | None) -> tuple[datetime, datetime] | None:
    """The span a timestamp covers at its precision: a day is a day, not midnight UTC."""
    if claim is None:
        return None
    value = claim.value
    try:
        if "T" in value or " " in value:
            when = datetime.fromisoformat(value.replace("Z", "+00:00"))
            when = when if when.tzinfo else when.replace(tzinfo=UTC)
            return when, when
        parts = [int(p) for p in value.split("-")]
    except ValueError:
        return None
    if len(parts) == 3:
        start = datetime.combine(date(*parts), datetime.min.time(), UTC)
        return start, start + timedelta(days=1)
    if len(parts) == 2:
        start = datetime(parts[0], parts[1], 1, tzinfo=UTC)
        end = datetime(parts[0] + parts[1] // 12, parts[1] % 12 + 1, 1, tzinfo=UTC)
        return start, end
    start = datetime(parts[0], 1, 1, tzinfo=UTC)
    return start, datetime(parts[0] + 1, 1, 1, tzinfo=UTC)


def midpoint(span: tuple[datetime, datetime]) -> datetime:
    """The time to ask a TimeGate for."""
    return span[0] + (span[1] - span[0]) / 2


def distance(span: tuple[datetime, datetime], when: datetime) -> int:
    """Whole seconds from a time to a span, 0 inside it."""
    if when < span[0]:
        return int((span[0] - when).total_seconds())
    if when > span[1]:
        return int((when - span[1]).total_seconds())
    return 0


def read_copy(path: Path, encoding: str | None = None) -> str | None:
    """Our copy's text in the encoding the manifest recorded, or None when unreadable."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    return decode(data, f"text/plain; charset={encoding}" if encoding else None)


def decode(body: bytes, content_type: str | None) -> str:
    """Bytes to text: the declared charset, else UTF-8, else a detected one."""
    charset = None
    if content_type and "charset=" in content_type.lower():
        charset = content_type.lower().split("charset=", 1)[1].split(";")[0].strip(" \"'")
    if charset:
        try:
            return body.decode(charset)
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(body).best()
    return str(best) if best is not None else body.decode("utf-8", "replace")
