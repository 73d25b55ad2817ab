"""The probe of one file: live original, nearest memento in each archive, drift of both."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from provenance.probe import memento as mm
from provenance.probe.cache import ProbeCache
from provenance.probe.drift import DriftThresholds, article_text, compare
from provenance.probe.interface import Fetched
from provenance.probe.live import probe_live
from provenance.probe.models import (
    DRIFT_FINDINGS,
    LIVE_FINDINGS,
    ArchiveAttempt,
    DriftResult,
    LiveResult,
    MementoResult,
    ProbeEntry,
)
from provenance.probe.session import Session
from provenance.probe.targets import (
    Target,
    decode,
    distance,
    interval,
    midpoint,
    read_copy,
    without_spans,
)

IA_BASE = "https://web.archive.org/web"
UNSETTLED_LIVE = frozenset({"unknown", "rate-limited"})
UNSETTLED_ARCHIVE = frozenset({"unknown", "rate-limited"})


@dataclass(frozen=True, kw_only=True)
class ProbeOptions:
    """What to probe and how to judge it."""

    archives: tuple[str, ...] = (IA_BASE,)
    index: Literal["timemap", "cdx"] = "timemap"
    live: bool = True
    thresholds: DriftThresholds = field(default_factory=DriftThresholds)


@dataclass(frozen=True)
class ArchiveOutcome:
    """One archive's answer, with the memento's article text when it was fetched."""

    attempt: ArchiveAttempt
    memento: MementoResult | None = None
    text: str | None = None
    cached: bool = False


def _text_of(fetched: Fetched) -> str:
    return article_text(decode(fetched.body, fetched.headers.get("content-type")))


def _index_failure(base: str, fetched: Fetched) -> ArchiveAttempt | None:
    if fetched.status == 429 or fetched.error == "rate-limited":
        return ArchiveAttempt(archive=base, status="rate-limited", error="the archive said 429")
    if fetched.status == 404:
        return ArchiveAttempt(archive=base, status="none", count=0)
    if fetched.status != 200:
        why = fetched.detail or f"index answered {fetched.status}"
        return ArchiveAttempt(archive=base, status="unknown", error=why)
    return None


def _nearest(captures: tuple[mm.Capture, ...], when: datetime | None) -> mm.Capture:
    if when is None:
        return captures[-1]
    return min(captures, key=lambda c: abs((c.when - when).total_seconds()))


async def probe_archive(
    session: Session, base: str, target: Target, *, index: Literal["timemap", "cdx"]
) -> ArchiveOutcome:
    """Count captures, ask the TimeGate for the nearest, and fetch it raw."""
    assert target.url is not None
    span = interval(target.when)
    when = midpoint(span) if span else None
    fetched = await mm.fetch_index(session, base, target.url, index=index)
    failure = _index_failure(base, fetched)
    if failure:
        return ArchiveOutcome(failure)
    text = decode(fetched.body, fetched.headers.get("content-type"))
    listed = mm.parse_timemap(text) if index == "timemap" else mm.parse_cdx(text)
    if not listed.captures:
        return ArchiveOutcome(
            ArchiveAttempt(archive=base, status="none", count=0, malformed=listed.malformed)
        )
    gate = await mm.ask_timegate(session, base, target.url, when)
    answer = mm.timegate_answer(gate, base)
    if answer is None:
        # The TimeGate failed but the index listed captures: pick the nearest ourselves.
        capture = _nearest(listed.captures, when)
        answer = (f"{base.rstrip('/')}/{mm.ts14(capture.when)}/{target.url}", capture.when)
    memento_url, memento_when = answer
    raw_url = mm.raw_url(base, memento_when, target.url)
    raw = await session.fetch(raw_url)
    # A memento of an error page is still a memento: judge it by Memento-Datetime.
    archived = raw.ok and (raw.status == 200 or "memento-datetime" in raw.headers)
    # An inexact timestamp redirects to the nearest capture: its Memento-Datetime rules.
    memento_when = (mm.memento_time(raw, raw.final_url) if archived else None) or memento_when
    result = MementoResult(
        archive=base,
        url=memento_url,
        raw_url=raw_url,
        datetime=memento_when.isoformat().replace("+00:00", "Z"),
        count=len(listed.captures),
        distance_seconds=distance(span, memento_when) if span else None,
        http_status=raw.status if archived else None,
    )
    attempt = ArchiveAttempt(
        archive=base,
        status="found",
        count=len(listed.captures),
        malformed=listed.malformed,
        error=None if archived else (raw.detail or f"raw memento answered {raw.status}"),
    )
    return ArchiveOutcome(attempt, result, _text_of(raw) if archived else None)


async def _cached_archive(
    session: Session, cache: ProbeCache, base: str, target: Target, options: ProbeOptions
) -> ArchiveOutcome:
    assert target.url is not None
    detail = f"{options.index}|{target.when.value if target.when else ''}"
    stored = cache.get("memento", target.url, base, detail)
    if stored is not None:
        memento = MementoResult.model_validate(stored["memento"]) if stored["memento"] else None
        return ArchiveOutcome(
            ArchiveAttempt.model_validate(stored["attempt"]), memento, stored["text"], cached=True
        )
    outcome = await probe_archive(session, base, target, index=options.index)
    # A memento whose raw fetch failed (5xx, timeout) is not settled either.
    if outcome.attempt.status not in UNSETTLED_ARCHIVE and outcome.attempt.error is None:
        cache.put(
            "memento",
            target.url,
            {
                "attempt": outcome.attempt.model_dump(mode="json"),
                "memento": outcome.memento.model_dump(mode="json") if outcome.memento else None,
                "text": outcome.text,
            },
            archive=base,
            detail=detail,
        )
    return outcome


async def _cached_live(
    session: Session, cache: ProbeCache, url: str
) -> tuple[LiveResult, str | None, bool]:
    stored = cache.get("live", url)
    if stored is not None:
        return LiveResult.model_validate(stored["live"]), stored["text"], True
    live, fetched = await probe_live(session, url)
    text = _text_of(fetched) if live.status == "alive" and not fetched.truncated else None
    settled = live.status not in UNSETTLED_LIVE and (live.http_status or 0) < 500
    if settled:
        cache.put("live", url, {"live": live.model_dump(mode="json"), "text": text})
    return live, text, False


def _best(outcomes: list[ArchiveOutcome]) -> ArchiveOutcome | None:
    found = [o for o in outcomes if o.memento is not None]
    if not found:
        return None
    return min(found, key=lambda o: (o.memento.distance_seconds or 0) if o.memento else 0)


def _findings(
    live: LiveResult | None, drift: DriftResult | None, live_drift: DriftResult | None
) -> list[str]:
    codes = []
    if live is not None and live.status in LIVE_FINDINGS:
        codes.append(f"live-{live.status}")
    if drift is not None and drift.verdict in DRIFT_FINDINGS:
        codes.append(f"memento-{drift.verdict}")
    if live_drift is not None and live_drift.verdict in DRIFT_FINDINGS:
        codes.append(f"live-{live_drift.verdict}")
    return codes


async def probe_target(
    session: Session, cache: ProbeCache, target: Target, options: ProbeOptions
) -> ProbeEntry:
    """Everything the probe learns about one file."""
    published = target.when.value if target.when else None
    if target.url is None:
        return ProbeEntry(
            path=target.path,
            url=None,
            published=published,
            live=None,
            memento=None,
            drift=None,
            live_drift=None,
        )
    url = target.url
    live_task = _cached_live(session, cache, url) if options.live else None
    archive_tasks = [_cached_archive(session, cache, b, target, options) for b in options.archives]
    results: list[Any] = await asyncio.gather(*(archive_tasks + ([live_task] if live_task else [])))
    outcomes: list[ArchiveOutcome] = results[: len(archive_tasks)]
    live, live_text, live_cached = results[-1] if live_task else (None, None, False)
    cached = live_cached or any(o.cached for o in outcomes)
    ours = read_copy(target.copy, target.encoding)
    if ours is not None:
        ours = without_spans(ours, target.added)
    ours_text = article_text(ours) if ours is not None else None
    best = _best(outcomes)
    drift = live_drift = None
    if ours_text is not None and best is not None and best.memento and best.text is not None:
        drift = compare(
            ours_text,
            best.text,
            against="memento",
            url=best.memento.raw_url,
            memento_url=best.memento.url,
            thresholds=options.thresholds,
        )
    if ours_text is not None and live_text is not None and live is not None:
        live_drift = compare(
            ours_text,
            live_text,
            against="live",
            url=live.final_url or url,
            thresholds=options.thresholds,
        )
    return ProbeEntry(
        path=target.path,
        url=url,
        published=published,
        live=live,
        memento=best.memento if best else None,
        archives=[o.attempt for o in outcomes],
        drift=drift,
        live_drift=live_drift,
        cached=cached,
        findings=_findings(live, drift, live_drift),
    )


async def probe_targets(
    session: Session,
    cache: ProbeCache,
    targets: list[Target],
    options: ProbeOptions,
    *,
    progress: Callable[[], None] = lambda: None,
) -> list[ProbeEntry]:
    """Probe every target concurrently (the session bounds the requests in flight)."""

    async def one(target: Target) -> ProbeEntry:
        entry = await probe_target(session, cache, target, options)
        progress()
        return entry

    return list(await asyncio.gather(*(one(t) for t in targets)))
