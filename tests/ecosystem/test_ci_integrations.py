"""The CI files, checked by the tools that read them: SchemaStore schemas via
check-jsonschema for the action and the workflow examples, pre-commit's own loader for
the hooks; and the action's script run for real against a manifest."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from check_jsonschema import main as check_jsonschema_main
from pre_commit.clientlib import load_config, load_manifest

from .eco_support import Described

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "README.md"


def yaml_blocks(tmp_path: Path) -> dict[str, list[Path]]:
    """The YAML examples of the README, written out and grouped by what reads them."""
    groups: dict[str, list[Path]] = {"workflow": [], "gitlab": [], "pre-commit": []}
    for n, block in enumerate(re.findall(r"```yaml\n(.*?)```", DOC.read_text(), re.S)):
        doc = yaml.safe_load(block)
        kind = "pre-commit" if "repos" in doc else "workflow" if "jobs" in doc else "gitlab"
        path = tmp_path / f"example-{n}.yml"
        path.write_text(block)
        groups[kind].append(path)
    return groups


def check_jsonschema(capsys: pytest.CaptureFixture[str], schema: str, *files: Path) -> None:
    """Run check-jsonschema's own command in-process (its start-up is the slow part)."""
    with pytest.raises(SystemExit) as stop:
        check_jsonschema_main(["--builtin-schema", schema, *map(str, files)])
    out = capsys.readouterr()
    assert stop.value.code == 0, out.out + out.err


def test_action_and_examples_match_their_schemas(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    groups = yaml_blocks(tmp_path)
    # the CI guide's workflows and the sharded matrix of the performance section
    assert len(groups["workflow"]) >= 4 and groups["gitlab"] and groups["pre-commit"]
    check_jsonschema(capsys, "vendor.github-actions", ROOT / "action.yml")
    check_jsonschema(capsys, "vendor.github-workflows", *groups["workflow"])
    check_jsonschema(capsys, "vendor.gitlab-ci", *groups["gitlab"])


def test_pre_commit_reads_the_hooks_and_the_example(tmp_path: Path) -> None:
    hooks = {h["id"]: h for h in load_manifest(str(ROOT / ".pre-commit-hooks.yaml"))}
    assert set(hooks) == {"provenance-verify", "provenance-audit"}
    assert hooks["provenance-verify"]["entry"] == "provenance verify"
    assert all(h["pass_filenames"] is False for h in hooks.values())
    (example,) = yaml_blocks(tmp_path)["pre-commit"]
    config = load_config(str(example))
    used = {h["id"] for r in config["repos"] for h in r["hooks"]}
    assert used == set(hooks)


def test_action_inputs_are_documented() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    text = DOC.read_text()
    for name in action["inputs"]:
        assert f"`{name}`" in text, f"input {name} is not in the README"


def _run_action(described: Described, tmp_path: Path, **inputs: str) -> tuple[int, str, str]:
    """Run the action's verify step as the runner would: bash, inputs in the environment."""
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    (step,) = [s for s in action["runs"]["steps"] if s.get("id") == "verify"]
    shim = tmp_path / "bin"
    shim.mkdir(exist_ok=True)
    (shim / "provenance").write_text(f'#!/bin/sh\nexec "{sys.executable}" -m provenance "$@"\n')
    (shim / "provenance").chmod(0o755)
    output = tmp_path / "github_output"
    output.write_text("")
    env = {
        **os.environ,
        "PATH": f"{shim}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": str(ROOT),
        "GITHUB_OUTPUT": str(output),
        "MANIFESTS": str(described.manifest),
        "FORMAT": inputs.get("format", "github"),
        "ARGS": inputs.get("args", ""),
        "SARIF_FILE": inputs.get("sarif_file", ""),
    }
    done = subprocess.run(
        ["bash", "-e", "-c", step["run"]], env=env, capture_output=True, text=True, check=False
    )
    return done.returncode, done.stdout, output.read_text()


def test_action_script_annotates_and_reports_the_exit_code(
    described: Described, tmp_path: Path
) -> None:
    # One run (each start of provenance costs seconds); the SARIF branch of the script is
    # the same command with --format sarif, whose output is tested in test_sarif_report.
    (described.folder / "sub dir" / "100% new, odd: name.txt").unlink()
    code, out, outputs = _run_action(described, tmp_path, args="--strict")
    assert code == 1 and outputs == "exit-code=1\n"
    assert out.startswith("::error file=") and "title=provenance missing" in out
    assert "title=provenance recorded-problem" in out
