"""Progress bars: drawn on a terminal, silent otherwise, and --quiet / NO_COLOR respected."""

from __future__ import annotations

import io
import os
import pty
import re
import sys
import threading

import pytest

from provenance.cli import main, parse
from provenance.progress import bar

from .eco_support import Described, RunCli

COLOR = re.compile(rb"\x1b\[[0-9;]*3[0-9](;[0-9]+)*m")


def test_disabled_bar_is_no_callback() -> None:
    with bar("x", enabled=False) as tick:
        assert tick is None


def test_enabled_bar_draws_counts() -> None:
    out = io.StringIO()
    with bar("reading", enabled=True, file=out) as tick:
        assert tick is not None
        for done in range(1, 4):
            tick(done, 3)
    assert "reading" in out.getvalue() and "3/3" in out.getvalue()


def under_terminal(monkeypatch: pytest.MonkeyPatch, *args: str, expect: int = 0) -> bytes:
    """Run the CLI in-process with stderr on a pseudo-terminal; return what it received."""
    main_fd, child_fd = pty.openpty()
    received: list[bytes] = []

    def drain() -> None:  # read while the CLI writes, so the terminal buffer never fills
        while True:
            try:
                chunk = os.read(main_fd, 65536)
            except OSError:
                return
            if not chunk:
                return
            received.append(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    with os.fdopen(child_fd, "w", encoding="utf-8") as terminal:
        monkeypatch.setattr(sys, "stderr", terminal)
        code = main(list(args))
        terminal.flush()
    monkeypatch.undo()
    reader.join(timeout=10)
    os.close(main_fd)
    assert code == expect
    return b"".join(received)


def test_cli_bar_on_a_terminal(described: Described, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.delenv("NO_COLOR", raising=False)
    drawn = under_terminal(monkeypatch, "verify", str(described.manifest))
    assert b"verify" in drawn and b"6/6" in drawn
    assert COLOR.search(drawn)
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("NO_COLOR", "1")
    plain = under_terminal(monkeypatch, "verify", str(described.manifest))
    assert b"6/6" in plain and not COLOR.search(plain)


def test_quiet_means_no_bar_even_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert parse(["verify", "x.json"])[0].progress is True
    assert parse(["verify", "--quiet", "x.json"])[0].progress is False


def test_no_bar_when_not_a_terminal(described: Described, run_cli: RunCli) -> None:
    result = run_cli("manifest", described.folder, "-o", described.manifest.with_name("x.json"))
    assert result.code == 0 and result.err == ""


def test_quiet_and_verbose(described: Described, run_cli: RunCli) -> None:
    assert run_cli("verify", "--quiet", described.manifest).out == ""
    loud = run_cli("verify", described.manifest)
    assert loud.out.endswith("OK\n")
    out = described.manifest.with_name("again.json")
    assert run_cli("manifest", "-q", described.folder, "-o", out).out == ""
    verbose = run_cli("audit", "--verbose", described.folder)
    assert "name: sequence 000, hash 48c78df7aa8e8c42" in verbose.out
    assert "published: -  (not found)" in verbose.out


def test_verbose_shows_the_evidence_of_each_value(described: Described) -> None:
    from provenance import manifest as manifests
    from provenance.report.verbose import VerboseTextReporter

    records = manifests.load(str(described.manifest)).files
    text = VerboseTextReporter().audit(records)
    assert "  published: 2014-01-10  <- line 3, column 0, rule t.day, confidence 0.90: 'x'" in text
    assert "original_url: https://news.example.org/2014/story-0.html  <- line 2" in text
    assert "  ERROR   future-timestamp: date, is: in future" in text
    summary = text.rstrip().rsplit("\n", 1)[-1]
    assert summary.startswith("6 files: 1 bad-name, 1 future-timestamp")


def test_probe_bar_on_a_terminal_only_for_people(
    described: Described, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The probe draws the same rich bar; --quiet, --format json and CI silence it."""
    # Nothing asked of the network: exit 3 (nothing could be checked), but the bar runs.
    offline = ["probe", str(described.manifest), "--no-live", "--no-archives", "--no-cache"]

    def drawn(*extra: str, ci: bool = False, no_color: bool = False) -> bytes:
        # under_terminal undoes every monkeypatch when it is done: set them each time.
        monkeypatch.setenv("TERM", "xterm-256color")
        for name, wanted in (("CI", ci), ("NO_COLOR", no_color)):
            if wanted:
                monkeypatch.setenv(name, "1")
            else:
                monkeypatch.delenv(name, raising=False)
        return under_terminal(monkeypatch, *offline, *extra, expect=3)

    bar_ = drawn()
    assert b"probe" in bar_ and b"6/6" in bar_ and COLOR.search(bar_)
    assert b"probe checked nothing: 6 files" in capsys.readouterr().out.encode()
    plain = drawn(no_color=True)
    assert b"6/6" in plain and not COLOR.search(plain)
    for silent in (["--quiet"], ["--format", "json"]):
        assert b"6/6" not in drawn(*silent), silent
    assert b"6/6" not in drawn(ci=True)
