"""The seeds come out with the values the project was founded on."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from testkit import SEEDS, Run

EXPECTED = {
    "000_48c78df7aa8e8c42.txt": (
        "2021-08-26",
        "https://www.epochtimes.com/gb/21/8/25/n13187748.htm",
    ),
    "001_d4828f0a435ed64c.txt": (
        "2021-08-31",
        "https://www.epochtimes.com/gb/21/8/31/n13199494.htm",
    ),
    "002_5eb1b2106f1fcec7.txt": (
        "2021-04-15T13:23:59Z",
        "https://www.voachinese.com/a/Kerry-visitsing-to-China-a-test-for-Biden-s-bid-to-win-"
        "cooperation-with-Beijing-20210415/5854181.html",
    ),
    "003_0b4743840c6ab047.txt": (
        "2023-07-19",
        "https://www.epochtimes.com/gb/23/7/19/n14037762.htm",
    ),
    "004_42888320195507bf.txt": ("2021-04-13", "https://www.soundofhope.org/post/494741"),
}


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:  # type: ignore[type-arg]
    from provenance.cli import main

    out = tmp_path_factory.mktemp("m") / "seeds.json"
    assert main(["manifest", str(SEEDS), "-o", str(out)]) == 0
    return {f["path"]: f for f in json.loads(out.read_text(encoding="utf-8"))["files"]}


@pytest.mark.parametrize("path", sorted(EXPECTED))
def test_seed_values(records: dict[str, dict], path: str) -> None:  # type: ignore[type-arg]
    published, url = EXPECTED[path]
    record = records[path]
    assert record["published"]["value"] == published
    assert record["original_url"]["value"] == url
    assert record["published"]["line"] > 0 and record["published"]["rule"]
    assert record["original_url"]["line"] > 0 and record["original_url"]["rule"]
    assert [p for p in record["problems"] if p["severity"] == "error"] == []


def test_seed_002_keeps_capture_time(records: dict[str, dict]) -> None:  # type: ignore[type-arg]
    captured = records["002_5eb1b2106f1fcec7.txt"]["captured"]
    assert captured["value"] == "2021-04-15T13:59:02.000Z"
    assert captured["precision"] == "millisecond" and captured["line"] == 1


def test_day_precision_is_kept(records: dict[str, dict]) -> None:  # type: ignore[type-arg]
    assert records["000_48c78df7aa8e8c42.txt"]["published"]["precision"] == "day"


def test_mirror_locations_are_never_the_original(records: dict[str, dict]) -> None:  # type: ignore[type-arg]
    assert "github.com" in records["004_42888320195507bf.txt"]["mirror_url"]["value"]
    for record in records.values():
        assert "github.com" not in record["original_url"]["value"]
        assert "gfw-breaker.win" not in record["original_url"]["value"]


def test_audit_json_carries_core_fields(run_cli: Callable[..., Run], tmp_path: Path) -> None:
    result = run_cli("audit", SEEDS, "--format", "json")
    assert result.code == 0
    docs = json.loads(result.out)
    assert {d["path"] for d in docs} == set(EXPECTED)
    for d in docs:
        assert {"path", "size", "sha256", "name", "published", "original_url", "problems"} <= set(d)
