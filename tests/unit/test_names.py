from __future__ import annotations

import hashlib

import pytest

from provenance import names
from provenance.models import NameClaim


@pytest.mark.parametrize(
    "name",
    ["000_48c78df7aa8e8c42.txt", "1234_0123456789abcdef.md", "007_ffffffffffffffff.html"],
)
def test_good_names_parse(name: str) -> None:
    claim = names.parse_name(name)
    assert claim is not None
    assert name.startswith(claim.sequence_text + "_" + claim.hash)


@pytest.mark.parametrize(
    "name",
    [
        "01_48c78df7aa8e8c42.txt",  # two digits
        "000_48c78df7aa8e8c4.txt",  # 15 hex
        "000_48c78df7aa8e8c421.txt",  # 17 hex
        "000_48C78DF7AA8E8C42.txt",  # upper-case hex
        "000_48c78df7aa8e8c42.TXT",  # upper-case extension
        "０００_48c78df7aa8e8c42.txt",  # full-width digits
        "000-48c78df7aa8e8c42.txt",
        "000_48c78df7aa8e8c42",
        "",
    ],
)
def test_near_misses_are_bad_names(name: str) -> None:
    assert names.parse_name(name) is None
    problems = names.name_problems(name, None, None)
    assert [p.code for p in problems] == ["bad-name"]


def test_source_path_scheme_is_detected() -> None:
    path = "pages/19/421164.md"
    mirror = f"https://github.com/gfw-breaker/mh-news/blob/master/{path}"
    digest = hashlib.sha256(path.encode()).hexdigest()[:16]
    claim = NameClaim(sequence=20, sequence_text="020", hash=digest, extension="txt")
    inputs = names.name_hash_inputs(b"page bytes", None, mirror)
    check = names.match_scheme(claim, inputs, declared=None, content_sha256="0" * 64)
    assert (check.scheme, check.matches, check.input) == ("sha256:source-path", True, path)


def test_declared_scheme_mismatch_is_a_problem() -> None:
    claim = NameClaim(sequence=1, sequence_text="001", hash="0" * 16, extension="txt")
    check = names.match_scheme(
        claim, {"content": b"x"}, declared="md5:content", content_sha256="1" * 64
    )
    assert not check.matches and check.declared
    assert [p.code for p in names.name_problems("001_x.txt", claim, check)] == [
        "name-hash-mismatch"
    ]


def test_folder_problems_duplicates_and_gaps() -> None:
    def claim(seq: int, h: str) -> NameClaim:
        return NameClaim(sequence=seq, sequence_text=f"{seq:03d}", hash=h, extension="txt")

    found = names.folder_problems(
        {
            "000_a.txt": claim(0, "a" * 16),
            "001_b.txt": claim(1, "a" * 16),
            "001_c.txt": claim(1, "c" * 16),
            "004_d.txt": claim(4, "d" * 16),
        }
    )
    codes = {path: sorted(p.code for p in ps) for path, ps in found.items()}
    assert codes == {
        "000_a.txt": ["duplicate-hash"],
        "001_b.txt": ["duplicate-hash", "duplicate-sequence"],
        "001_c.txt": ["duplicate-sequence"],
        "004_d.txt": ["missing-sequence"],
    }
    assert "2–3" in found["004_d.txt"][0].message
