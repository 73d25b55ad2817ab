"""Every shared sample page from gfw-breaker/mh-news gives the values read by eye."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from provenance.extract import extract_file

DATA = Path(__file__).parent / "data" / "corpora"
CORPUS = DATA / "mh-news-sample"
TRUTH: dict[str, dict[str, Any]] = json.loads(
    (DATA / "mh-news-sample.truth.json").read_text(encoding="utf-8")
)["pages"]


def test_truth_covers_every_page() -> None:
    assert sorted(TRUTH) == sorted(p.name for p in CORPUS.glob("*.txt"))


@pytest.mark.parametrize("name", sorted(TRUTH))
def test_page_matches_truth(name: str) -> None:
    expected = TRUTH[name]
    result = extract_file((CORPUS / name).read_bytes(), filename=name)
    assert result.status == "ok"
    assert result.published is not None and result.original_url is not None
    assert result.published.value == expected["published"]
    assert result.published.precision == expected["precision"]
    assert result.original_url.value == expected["original_url"]
    assert result.mirror_url is not None and result.mirror_url.value == expected["mirror_url"]
    assert result.title is not None and result.title.value == expected["title"]
    assert result.publisher is not None and result.publisher.value == expected["publisher"]
    assert [p.code for p in result.problems] == []
