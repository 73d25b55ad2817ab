"""Every row of the hostile table: exit code, codes, one clear line, nothing opened outside."""

from __future__ import annotations

from pathlib import Path

import pytest

from .guard import watching
from .runner import run_case
from .table import CASES, Case


def test_there_are_at_least_80_cases() -> None:
    assert len(CASES) >= 80


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case(case: Case, hostile_base: Path) -> None:
    outcome = run_case(case, hostile_base)
    if outcome.skipped:
        pytest.skip(outcome.skipped)
    assert outcome.crash is None, outcome.crash
    assert not outcome.opens, f"opened outside the root: {outcome.opens}"
    assert not outcome.silent, "silent pass: exit 0 with no finding"
    assert not outcome.problems, outcome.problems


def test_the_hook_sees_an_open_outside_the_root(tmp_path: Path) -> None:
    inside, secret = tmp_path / "root", tmp_path / "secret.txt"
    inside.mkdir()
    secret.write_bytes(b"secret")
    (inside / "link").symlink_to(secret)
    with watching(inside) as opens:
        (inside / "ok.txt").write_bytes(b"inside")
        with open(secret, "rb"):
            pass
        with open(inside / "link", "rb"):  # followed out of the root
            pass
    assert len(opens) == 2 and all("secret.txt" in o for o in opens)
