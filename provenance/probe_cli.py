"""The ``probe`` subcommand: options in, probe report out, exit code back.

The main CLI wires it with ``add_arguments(subparser)`` and ``run(namespace)``. Defaults
can come from ``PROVENANCE_*`` environment variables; the probe never runs unless asked.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from glob import glob
from pathlib import Path
from typing import TYPE_CHECKING

from provenance.errors import EXIT_CANNOT_CHECK, EXIT_FINDINGS, EXIT_OK, ProvenanceError, UsageError
from provenance.probe.cache import DEFAULT_CACHE, ProbeCache
from provenance.probe.drift import DriftThresholds
from provenance.probe.engine import IA_BASE, ProbeOptions, probe_targets
from provenance.probe.interface import TRANSPORTS
from provenance.probe.models import ProbeEntry, ProbeManifestResult, ProbeReport
from provenance.probe.report import REPORTERS, write_atomic
from provenance.probe.session import DEFAULT_USER_AGENT, Session, SessionOptions
from provenance.probe.targets import Target, load_manifest, targets
from provenance.progress import bar

if TYPE_CHECKING:
    from provenance.parallel import OnProgress

DEFAULT_MANIFESTS = "manifests"
UNSETTLED = frozenset({"unknown", "rate-limited"})
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def duration(text: str) -> float:
    """Seconds from ``90``, ``90s``, ``15m``, ``12h`` or ``1d``."""
    text = text.strip().lower()
    unit = _UNITS.get(text[-1:], 0)
    try:
        value = float(text[:-1]) * unit if unit else float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a duration: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError("a duration cannot be negative")
    return value


def _env(name: str, default: str) -> str:
    return os.environ.get(f"PROVENANCE_{name}", default)


def _add_network(parser: argparse.ArgumentParser) -> None:
    add = parser.add_argument
    add(
        "--allow-host",
        action="append",
        default=[],
        metavar="HOST",
        help="let HOST through the refusal of loopback/private addresses (repeatable)",
    )
    add("--trust-env", action="store_true", help="use proxy settings from the environment")
    add("--transport", choices=sorted(TRANSPORTS), default="aiohttp", help="HTTP transport")
    add("--concurrency", type=int, default=16, help="requests in flight (default 16)")
    add("--per-host", type=int, default=4, help="requests in flight per host (default 4)")
    add("--rate", type=float, default=2.0, help="requests a second per host, 0 = no limit")
    add(
        "--index-rate",
        type=float,
        default=0.4,
        help="CDX/TimeMap requests a second per archive host (default 0.4 = 24 a minute)",
    )
    add("--budget", type=int, default=10_000, help="most requests in one run")
    add("--retries", type=int, default=3, help="retries after 5xx, timeouts, 429 (default 3)")
    add("--backoff", type=duration, default=1.0, help="first retry delay, doubled (1s)")
    add(
        "--max-wait",
        type=duration,
        default=60.0,
        help="longest Retry-After or backoff to sleep (default 60s)",
    )
    add("--timeout", type=duration, default=30.0, help="deadline of a whole request (30s)")
    add("--max-bytes", type=int, default=5 * 1024 * 1024, help="cap on decoded body bytes")
    add("--keepalive", type=int, default=20, help="idle connections kept (0 = none)")
    add("--no-http2", action="store_true", help="HTTP/1.1 only")
    add("--user-agent", default=_env("USER_AGENT", DEFAULT_USER_AGENT), help="User-Agent")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the probe's arguments to a (sub)parser."""
    add = parser.add_argument
    add("manifests", nargs="*", help=f"manifest files (default: {DEFAULT_MANIFESTS}/*.json)")
    if "--format" not in parser._option_string_actions:
        fmt = _env("FORMAT", "text")
        add("--format", choices=sorted(REPORTERS), default=fmt if fmt in REPORTERS else "text")
    add("--report", type=Path, help="also write the JSON report to this file (atomically)")
    if "--quiet" not in parser._option_string_actions:
        add("--quiet", "-q", action="store_true", help="no progress bar")
    add(
        "--archive",
        action="append",
        default=None,
        metavar="BASE",
        help=f"archive base URL, repeatable (default {IA_BASE})",
    )
    add(
        "--index",
        choices=("timemap", "cdx"),
        default="timemap",
        help="list captures from the TimeMap or the CDX server",
    )
    add("--no-live", action="store_true", help="do not fetch the live originals")
    add("--no-archives", action="store_true", help="do not ask any archive")
    add(
        "--cache",
        type=Path,
        default=Path(_env("PROBE_CACHE", str(DEFAULT_CACHE))),
        help=f"cache file (default {DEFAULT_CACHE})",
    )
    add("--no-cache", action="store_true", help="neither read nor write the cache")
    add("--max-age", type=duration, default=86_400.0, help="cache entries older are refetched (1d)")
    t = DriftThresholds()
    add("--identical", type=float, default=t.identical, help="word Jaccard for identical")
    add("--minor", type=float, default=t.minor, help="word Jaccard for minor")
    add("--unrelated", type=float, default=t.unrelated, help="char Jaccard below: unrelated")
    _add_network(parser)


def session_options(ns: argparse.Namespace) -> SessionOptions:
    """The session settings from parsed arguments."""
    for name in ("concurrency", "per_host", "budget", "max_bytes"):
        if getattr(ns, name) < 1:
            raise UsageError(f"--{name.replace('_', '-')} must be at least 1")
    return SessionOptions(
        user_agent=ns.user_agent,
        deadline=ns.timeout,
        max_body=ns.max_bytes,
        retries=max(0, ns.retries),
        backoff=ns.backoff,
        max_wait=ns.max_wait,
        concurrency=ns.concurrency,
        per_host=ns.per_host,
        rate=ns.rate,
        index_rate=ns.index_rate,
        budget=ns.budget,
        allow_hosts=tuple(ns.allow_host),
        trust_env=ns.trust_env,
        http2=not ns.no_http2,
        keepalive=max(0, ns.keepalive),
        transport=ns.transport,
    )


def probe_options(ns: argparse.Namespace) -> ProbeOptions:
    """What to probe from parsed arguments."""
    archives = () if ns.no_archives else tuple(ns.archive or [IA_BASE])
    for base in archives:
        if not base.startswith(("http://", "https://")):
            raise UsageError(f"--archive {base!r} is not an http(s) URL")
    if not 0.0 <= ns.unrelated <= ns.minor <= ns.identical <= 1.0:
        raise UsageError("thresholds must satisfy 0 <= --unrelated <= --minor <= --identical <= 1")
    thresholds = DriftThresholds(identical=ns.identical, minor=ns.minor, unrelated=ns.unrelated)
    return ProbeOptions(
        archives=archives, index=ns.index, live=not ns.no_live, thresholds=thresholds
    )


class _Counter:
    """Counts finished files for a progress callback ``(done, total)``, if there is one."""

    def __init__(self, total: int, callback: OnProgress | None) -> None:
        self.total, self.done, self.callback = total, 0, callback

    def tick(self) -> None:
        """Count one finished file."""
        self.done += 1
        if self.callback is not None:
            self.callback(self.done, self.total)


def _manifest_paths(ns: argparse.Namespace) -> list[Path]:
    given = ns.manifests or sorted(glob(f"{DEFAULT_MANIFESTS}/*.json"))
    if not given:
        raise UsageError("no manifest given and none in manifests/", hint="name one")
    return [Path(p) for p in given]


async def _probe(
    ns: argparse.Namespace, loaded: list[tuple[Path, Path, list[Target]]], progress: _Counter
) -> ProbeReport:
    options = probe_options(ns)
    cache = ProbeCache(None if ns.no_cache else ns.cache, max_age=ns.max_age)
    results = []
    try:
        async with Session(options=session_options(ns)) as session:
            for manifest, folder, items in loaded:
                entries = await probe_targets(
                    session, cache, items, options, progress=progress.tick
                )
                results.append(
                    ProbeManifestResult(manifest=str(manifest), folder=str(folder), entries=entries)
                )
            sent = session.sent
    finally:
        cache.close()
    return build_report(results, archives=options.archives, requests=sent)


def _unchecked(entries: list[ProbeEntry]) -> bool:
    """True when the archives, or everything, could not be reached at all."""
    attempts = [a for e in entries for a in e.archives]
    if attempts and all(a.status in UNSETTLED for a in attempts):
        return True
    probed = [e for e in entries if e.url is not None]
    return bool(probed) and all(
        (e.live is None or e.live.status in UNSETTLED)
        and all(a.status in UNSETTLED for a in e.archives)
        for e in probed
    )


def build_report(
    results: list[ProbeManifestResult], *, archives: tuple[str, ...], requests: int
) -> ProbeReport:
    """Decide ok/checked_all from the entries."""
    entries = [e for r in results for e in r.entries]
    incomplete = any(
        (e.live is not None and e.live.status in ("unknown", "rate-limited"))
        or any(a.status in ("unknown", "rate-limited") for a in e.archives)
        for e in entries
    )
    findings = any(e.findings for e in entries)
    return ProbeReport(
        ok=not findings and not incomplete,
        checked_all=not incomplete,
        archives=list(archives),
        requests=requests,
        results=results,
    )


def exit_code(report: ProbeReport) -> int:
    """0 clean, 1 findings, 3 when nothing (or no archive) could be reached."""
    entries = [e for r in report.results for e in r.entries]
    if _unchecked(entries):
        return EXIT_CANNOT_CHECK
    return EXIT_FINDINGS if any(e.findings for e in entries) else EXIT_OK


def collect(options: argparse.Namespace, *, progress: bool = False) -> ProbeReport:
    """Probe every manifest named in ``options``; raise ProvenanceError on bad input."""
    loaded = []
    for path in _manifest_paths(options):
        manifest, folder = load_manifest(path)
        loaded.append((path, folder, targets(manifest, folder)))
    total = sum(len(items) for _, _, items in loaded)
    color = not os.environ.get("NO_COLOR")
    with bar("probe", enabled=progress, color=color) as callback:
        return asyncio.run(_probe(options, loaded, _Counter(total, callback)))


def namespace(manifests: list[str], **overrides: object) -> argparse.Namespace:
    """The options ``provenance probe`` would have, with keyword overrides (library use)."""
    parser = argparse.ArgumentParser(prog="provenance probe")
    add_arguments(parser)
    ns = parser.parse_args([])
    for key, value in overrides.items():
        if not hasattr(ns, key):
            raise UsageError(f"unknown probe option {key!r}")
        setattr(ns, key, value)
    ns.manifests = list(manifests)
    return ns


def run(options: argparse.Namespace) -> int:
    """Probe the manifests' original URLs and archives; print the report; return the exit code."""
    try:
        quiet = options.quiet or options.format == "json" or bool(os.environ.get("CI"))
        report = collect(options, progress=sys.stderr.isatty() and not quiet)
        if options.report is not None:
            write_atomic(options.report, REPORTERS["json"](report))
    except ProvenanceError as e:
        print(f"provenance probe: {e.one_line()}", file=sys.stderr)
        return e.exit_code
    sys.stdout.write(REPORTERS[options.format](report))
    return exit_code(report)
