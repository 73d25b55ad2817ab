"""The README names every rule the extractors actually use."""

from __future__ import annotations

import re
from pathlib import Path

from provenance.extract import extract_file
from provenance.extract.resolver import RULE_PRIORITY

ROOT = Path(__file__).parents[2]
DOCS = (ROOT / "README.md").read_text(encoding="utf-8")
INPUTS = sorted((ROOT / "tests").glob("cases/extract/*/page.txt")) + sorted(
    (ROOT / "tests" / "data").rglob("*.txt")
)


def _rules() -> set[str]:
    found: set[str] = set()
    for path in INPUTS:
        result = extract_file(path.read_bytes())
        claims = [result.published, result.captured, result.original_url, result.mirror_url]
        claims += [result.title, result.publisher]
        found |= {c.rule for c in claims if c is not None}
        found |= {c.rule for c in result.candidates}
    return found


def test_every_rule_in_use_is_documented() -> None:
    for rule in _rules() | {r for r in RULE_PRIORITY if not r.endswith(".")}:
        base = re.sub(r"\.wayback$", "", rule)
        assert f"`{base}`" in DOCS or f"`{rule}`" in DOCS, rule
