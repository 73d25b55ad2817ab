"""Verify past one machine: deterministic shards, and one verdict from their JSON reports.

A file belongs to shard ``K`` of ``N`` by a hash of its path alone, so it lands in the same
shard whatever else is added, removed or listed; files on disk that no manifest lists are
sharded the same way. ``N`` CI jobs each run ``provenance verify --shard K/N --format json``
and ``provenance merge-reports`` joins their reports. A file moved across shards shows as
*missing* in one and *unlisted* in the other; the merge pairs those by digest into a move,
as a single run would have.
"""

from __future__ import annotations

from collections.abc import Sequence

from provenance.errors import InputError, UsageError
from provenance.folder import nfc
from provenance.models import Finding, ManifestResult, VerifyReport
from provenance.shard import Shard as Shard
from provenance.shard import shard_of as shard_of


def merge(reports: Sequence[VerifyReport], *, where: str = "reports") -> VerifyReport:
    """Join the reports of shards 1..N (or of whole runs) into one report."""
    _check_shards(reports, where)
    by_manifest: dict[tuple[str, str], list[ManifestResult]] = {}
    for report in reports:
        for result in report.results:
            by_manifest.setdefault((result.manifest, result.folder), []).append(result)
    results = [
        ManifestResult(
            manifest=manifest,
            folder=folder,
            checked=sum(r.checked for r in parts),
            findings=_pair_moves([f for r in parts for f in r.findings]),
        )
        for (manifest, folder), parts in by_manifest.items()
    ]
    ok = not any(f.severity == "error" for r in results for f in r.findings)
    return VerifyReport(ok=ok, results=results)


def _check_shards(reports: Sequence[VerifyReport], where: str) -> None:
    shards = [r.shard for r in reports]
    if not reports:
        raise UsageError("no reports to merge")
    if all(s is None for s in shards):
        return
    if any(s is None for s in shards):
        raise InputError("some reports are of shards and some are not", where=where)
    parsed = [Shard.parse(s) for s in shards if s is not None]
    counts = {s.count for s in parsed}
    if len(counts) > 1:
        raise InputError(f"reports of different shard counts {sorted(counts)}", where=where)
    count = counts.pop()
    indexes = sorted(s.index for s in parsed)
    if indexes != list(range(1, count + 1)):
        lacking = sorted(set(range(1, count + 1)) - set(indexes))
        twice = sorted({i for i in indexes if indexes.count(i) > 1})
        what = f"missing shards {lacking}" if lacking else f"shards given twice {twice}"
        raise InputError(
            f"{what} of {count}: a verdict needs every shard exactly once",
            where=where,
            hint="pass the JSON report of each 'verify --shard K/N' job",
        )


def _pair_moves(findings: list[Finding]) -> list[Finding]:
    """Pair a missing file with an unlisted one of the same digest (split across shards)."""
    unlisted: dict[str, list[Finding]] = {}
    for f in findings:
        if f.code == "unlisted" and f.found:
            unlisted.setdefault(f.found, []).append(f)
    kept: list[Finding] = []
    used: set[int] = set()
    for f in sorted(findings, key=lambda f: (f.path, f.code)):
        pool = unlisted.get(f.expected or "") if f.code == "missing" else None
        if pool:
            new = pool.pop(0)
            used.add(id(new))
            kept.append(_moved(f, new.path))
        else:
            kept.append(f)
    return sorted((f for f in kept if id(f) not in used), key=lambda f: (f.path, f.code))


def _moved(missing: Finding, new: str) -> Finding:
    if nfc(new) == nfc(missing.path):
        code, severity, what = (
            "normalisation-rename",
            "warning",
            "name differs only in Unicode normalisation",
        )
    else:
        code, severity, what = "moved", "error", f"moved to {new}"
    return missing.model_copy(
        update={"code": code, "severity": severity, "message": what, "other_path": new}
    )


def merge_files(paths: Sequence[str]) -> VerifyReport:
    """Read verify reports (JSON) and merge them; a bad report is an input error (exit 2)."""
    from pydantic import ValidationError

    from provenance.listing import decode

    reports = []
    for path in paths:
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError as e:
            raise InputError(f"cannot read report: {e.strerror}", where=path) from e
        try:
            reports.append(VerifyReport.model_validate(decode(data, where=path)))
        except ValidationError as e:
            first = e.errors()[0]
            where = "/".join(str(p) for p in first["loc"]) or "(top)"
            raise InputError(
                f"not a verify report: {where}: {first['msg']}",
                where=path,
                hint="pass reports written by 'provenance verify --format json'",
            ) from e
    return merge(reports, where=", ".join(paths))
