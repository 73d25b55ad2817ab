"""Network faults: the right class for each, no false dead or drift, bounded by cap and deadline."""

from __future__ import annotations

import pytest

from .faults import CAP, CHUNK, DEADLINE, ROWS, FaultResult, FaultRow, false_drift, run_faults

TRANSPORTS = ("httpx", "aiohttp")
SLACK = 0.75  # the rows run side by side; the drip alone finishes well inside this


@pytest.fixture(scope="module")
def results() -> dict[tuple[str, str], FaultResult]:
    """Every row through both transports, run once for the module (about five seconds)."""
    return {(r.transport, r.path): r for r in run_faults(transports=TRANSPORTS)}


CASES = [pytest.param(row, t, id=f"{t}{row.path}") for row in ROWS for t in TRANSPORTS]


@pytest.mark.parametrize(("row", "transport"), CASES)
def test_class(row: FaultRow, transport: str, results: dict[tuple[str, str], FaultResult]) -> None:
    result = results[transport, row.path]
    assert result.status == row.expect
    assert not false_drift(result)
    if row.expect == "alive" and "bomb" not in row.path:
        assert result.drift == "identical"


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_retry_after_is_honoured(
    transport: str, results: dict[tuple[str, str], FaultResult]
) -> None:
    for row in ROWS:
        if row.slept_at_least:
            assert results[transport, row.path].slept >= row.slept_at_least, row.path
    for path in ("/429-bare-capped", "/429-huge"):
        capped = results[transport, path]
        assert (capped.attempts, capped.slept) == (1, 0.0), path
    assert results[transport, "/429-past-date-then-ok"].slept < 5
    # an HTTP date 30 s ahead is a wait of about 30 s, not a number read off the date
    assert results[transport, "/429-date-then-ok"].slept <= 31


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_the_bomb_stops_at_the_cap(
    transport: str, results: dict[tuple[str, str], FaultResult]
) -> None:
    for path in ("/bomb", "/bomb-endless"):
        result = results[transport, path]
        assert CAP < result.decoded <= CAP + CHUNK, path
        assert result.drift is None, path
    # two layers: the inner one stops at the cap, the outer one a step ahead of it
    stacked = results[transport, "/bomb-stacked"]
    assert CAP < stacked.decoded <= 2 * (CAP + CHUNK)
    assert stacked.largest <= CHUNK
    assert stacked.drift is None


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_the_drip_stops_at_the_deadline(
    transport: str, results: dict[tuple[str, str], FaultResult]
) -> None:
    for path in ("/drip", "/drip-headers"):
        result = results[transport, path]
        assert result.status == "unknown", path
        assert DEADLINE <= result.elapsed < DEADLINE + SLACK, path


def test_no_false_dead_or_drift(results: dict[tuple[str, str], FaultResult]) -> None:
    assert [r for r in results.values() if r.status == "dead"] == []
    assert [r for r in results.values() if false_drift(r)] == []
