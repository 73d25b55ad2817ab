"""Hand-made pages in ``tests/cases/extract/<case>/``: ``page.txt`` (bytes) and ``expected.json``.

``expected.json`` names only what the case is about; each key present is checked:
``status``, ``encoding``, ``published``/``captured`` (``{"value", "precision"}`` or null),
``original_url``/``mirror_url`` (``{"value", "normalized"?}`` or null), ``title``,
``publisher`` (a string or null), ``problems`` (the exact sorted list of problem codes) and
``candidate_rules`` (rules that must appear among the candidates kept).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from provenance.extract import Extraction, extract_file

CASES = Path(__file__).parents[1] / "cases" / "extract"
NAMES = sorted(p.name for p in CASES.iterdir() if (p / "expected.json").is_file())


def _claim(result: Extraction, name: str) -> dict[str, Any] | None:
    claim = getattr(result, name)
    return None if claim is None else claim.model_dump()


def test_there_are_enough_cases() -> None:
    assert len(NAMES) >= 30


@pytest.mark.parametrize("case", NAMES)
def test_case(case: str) -> None:
    folder = CASES / case
    expected: dict[str, Any] = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    result = extract_file((folder / "page.txt").read_bytes(), filename=f"{case}/page.txt")
    for key in ("status", "encoding"):
        if key in expected:
            assert getattr(result, key) == expected[key], key
    for key in ("published", "captured", "original_url", "mirror_url"):
        if key in expected:
            claim = _claim(result, key)
            if expected[key] is None:
                assert claim is None, f"{key}: {claim}"
                continue
            assert claim is not None, key
            for part, value in expected[key].items():
                assert claim[part] == value, f"{key}.{part}"
    for key in ("title", "publisher"):
        if key in expected:
            claim = _claim(result, key)
            assert (claim["value"] if claim else None) == expected[key], key
    if "problems" in expected:
        assert sorted(p.code for p in result.problems) == sorted(expected["problems"])
    for rule in expected.get("candidate_rules", []):
        assert rule in {c.rule for c in result.candidates}, rule
