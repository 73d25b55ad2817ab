"""``--format github``: every line is a well-formed workflow command that decodes back."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .eco_support import Described, RunCli

# The grammar GitHub's runner parses: ::command key=value,key=value::message, where the
# message escapes % CR LF and property values also escape : and ,.
COMMAND = re.compile(
    r"^::(error|warning|notice)( [a-zA-Z]+=[^,:\r\n]*(?:,[a-zA-Z]+=[^,:\r\n]*)*)?::(.*)$"
)
KEYS = {"file", "line", "endLine", "col", "endColumn", "title"}


def _unescape(text: str, *, prop: bool) -> str:
    assert not re.search(r"%(?!25|0D|0A|3A|2C)", text), f"bad escape in {text!r}"
    if not prop:
        assert not re.search(r"%(3A|2C)", text), "message escapes only %, CR and LF"
    for code, char in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(code, char)
    return text


def parse(line: str) -> tuple[str, dict[str, str], str]:
    """One workflow command → (command, properties, message), strictly."""
    match = COMMAND.match(line)
    assert match, f"not a workflow command: {line!r}"
    props: dict[str, str] = {}
    for pair in (match.group(2) or "").strip().split(","):
        if pair:
            key, _, value = pair.partition("=")
            assert key in KEYS and key not in props, key
            props[key] = _unescape(value, prop=True)
    if "line" in props:
        assert props["line"].isdigit() and int(props["line"]) > 0
    return match.group(1), props, _unescape(match.group(3), prop=False)


def test_parser_is_strict() -> None:
    for bad in ["::error file=a,b::m", "::error file=a:b::m", "::fatal ::m", "::error x=1::m"]:
        try:
            parse(bad)
        except AssertionError:
            continue
        raise AssertionError(f"accepted {bad!r}")


def test_verify_annotations_round_trip_awkward_names(described: Described, run_cli: RunCli) -> None:
    odd = "sub dir/100% new, odd: name.txt"
    (described.folder / odd).unlink()
    newline = described.folder / "line\nbreak, 50%.txt"
    newline.write_text("x")
    result = run_cli("verify", "--format", "github", described.manifest)
    assert result.code == 1
    parsed = [parse(line) for line in result.out.splitlines()]
    files = {props["file"]: (command, props["title"]) for command, props, _ in parsed}
    root = str(described.folder)
    assert files[f"{root}/{odd}"] == ("error", "provenance missing")
    assert files[f"{root}/line\nbreak, 50%.txt"] == ("error", "provenance unlisted")


def test_audit_annotation_has_the_evidence_line(described: Described) -> None:
    from provenance import manifest as manifests
    from provenance.report.github import GithubReporter

    records = manifests.load(str(described.manifest)).files
    parsed = [parse(line) for line in GithubReporter().audit(records).splitlines()]
    (hit,) = [p for p in parsed if p[1]["title"] == "provenance future-timestamp"]
    assert hit[1]["line"] == "3"
    assert hit[2] == "date, is: in future"


def test_audit_paths_are_from_the_repository_root(run_cli: RunCli, tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "bad name.txt").write_text("x")
    result = run_cli("audit", "--format", "github", folder)
    parsed = [parse(line) for line in result.out.splitlines()]
    assert parsed and all(p[1]["file"] == f"{folder}/bad name.txt" for p in parsed)


def test_current_folder_gives_plain_paths(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "bad name.txt").write_text("x")
    monkeypatch.chdir(tmp_path / "pages")
    audit = run_cli("audit", ".", "--format", "github")
    # bad-name, missing-timestamp and missing-url: every annotation on the plain path
    files = {parse(line)[1]["file"] for line in audit.out.splitlines()}
    assert files == {"bad name.txt"}
    manifest = run_cli("manifest", ".", "-o", "../m/x.json", "--format", "sarif")
    assert '"uri": "bad%20name.txt"' in manifest.out
