"""verify --shard K/N and merge-reports: a deterministic partition and one verdict."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from testkit import Run

from provenance.merge import Shard, shard_of

PATHS = [f"{i:03d}_{i:016x}.txt" for i in range(300)] + ["sub/名字.txt", "a b/%41.txt"]


def test_shard_of_is_pinned() -> None:
    # Changing the function would move files between the jobs of every user's CI matrix.
    assert [shard_of(p, 4) for p in ["a.txt", "000_48c78df7aa8e8c42.txt", "名字.txt"]] == [2, 3, 2]


@pytest.mark.parametrize("count", [1, 2, 3, 7])
def test_shards_partition_the_paths(count: int) -> None:
    owners = {p: [k for k in range(1, count + 1) if Shard(k, count).owns(p)] for p in PATHS}
    assert all(len(found) == 1 for found in owners.values())
    if count > 1:  # and spread them: no shard empty or holding nearly all
        sizes = [sum(1 for f in owners.values() if f == [k]) for k in range(1, count + 1)]
        assert min(sizes) > len(PATHS) / count / 2


def test_a_path_keeps_its_shard_whatever_else_is_there() -> None:
    alone = {p: shard_of(p, 5) for p in PATHS}
    assert {p: shard_of(p, 5) for p in reversed(PATHS[:17])} == {p: alone[p] for p in PATHS[:17]}


@pytest.mark.parametrize("text", ["0/2", "3/2", "2", "a/b", "1/0", "-1/2", ""])
def test_bad_shard_is_a_usage_error(
    seeds_copy: Path, run_cli: Callable[..., Run], text: str
) -> None:
    result = run_cli("verify", f"--shard={text}", seeds_copy.parent / "manifests" / "seeds.json")
    assert result.code == 2 and "--shard" in result.err and "Traceback" not in result.err


def _run(run_cli: Callable[..., Run], tmp: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    result = run_cli("verify", "--format", "json", *extra, tmp / "manifests" / "seeds.json")
    return result.code, json.loads(result.out)


def _findings(report: dict[str, Any]) -> list[tuple[str, str, str | None]]:
    return sorted(
        (f["code"], f["path"], f["other_path"]) for r in report["results"] for f in r["findings"]
    )


def _shard_reports(
    run_cli: Callable[..., Run], tmp: Path, count: int
) -> list[tuple[int, dict[str, Any], Path]]:
    out = []
    for k in range(1, count + 1):
        code, report = _run(run_cli, tmp, "--shard", f"{k}/{count}")
        path = tmp / f"shard-{k}.json"
        path.write_text(json.dumps(report), encoding="utf-8")
        out.append((code, report, path))
    return out


def _damage(folder: Path) -> str:
    """A change, a deletion, an addition and a move from shard 1 of 2 to shard 2 of 2."""
    (folder / "002_5eb1b2106f1fcec7.txt").write_bytes(b"changed")
    (folder / "001_d4828f0a435ed64c.txt").unlink()
    (folder / "new.txt").write_text("new page\n")
    target = next(f"moved-{i}.txt" for i in range(100) if shard_of(f"moved-{i}.txt", 2) == 2)
    (folder / "000_48c78df7aa8e8c42.txt").rename(folder / target)
    return target


def test_merged_shards_equal_one_run(seeds_copy: Path, run_cli: Callable[..., Run]) -> None:
    target = _damage(seeds_copy)
    whole_code, whole = _run(run_cli, seeds_copy.parent)
    shards = _shard_reports(run_cli, seeds_copy.parent, 2)
    assert {report["shard"] for _, report, _ in shards} == {"1/2", "2/2"}
    # the move crosses shards: each shard alone sees half of it
    assert ("missing", "000_48c78df7aa8e8c42.txt", None) in _findings(shards[0][1])
    merged = run_cli("merge-reports", "--format", "json", *[p for _, _, p in shards])
    assert merged.code == whole_code == 1
    report = json.loads(merged.out)
    assert _findings(report) == _findings(whole)
    assert ("moved", "000_48c78df7aa8e8c42.txt", target) in _findings(report)
    assert report["results"][0]["checked"] == whole["results"][0]["checked"] == 5
    assert report["ok"] is False and report["shard"] is None


def test_clean_shards_merge_clean(seeds_copy: Path, run_cli: Callable[..., Run]) -> None:
    shards = _shard_reports(run_cli, seeds_copy.parent, 3)
    assert all(code == 0 for code, _, _ in shards)
    assert sum(r["results"][0]["checked"] for _, r, _ in shards) == 5
    merged = run_cli("merge-reports", *[p for _, _, p in shards])
    assert merged.code == 0 and "OK" in merged.out


def test_a_missing_or_doubled_shard_is_refused(
    seeds_copy: Path, run_cli: Callable[..., Run]
) -> None:
    paths = [p for _, _, p in _shard_reports(run_cli, seeds_copy.parent, 3)]
    for given in (paths[:2], [paths[0], paths[1], paths[1]]):
        result = run_cli("merge-reports", *given)
        assert result.code == 2 and "shard" in result.err and result.out == ""


def test_a_report_that_is_not_one_is_refused(tmp_path: Path, run_cli: Callable[..., Run]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"ok": "yes"}')
    result = run_cli("merge-reports", bad)
    assert result.code == 2 and "bad.json" in result.err and "Traceback" not in result.err
    result = run_cli("merge-reports", tmp_path / "absent.json")
    assert result.code == 2 and "absent.json" in result.err
