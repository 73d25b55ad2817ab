"""``export robustlinks``: anchors with data-originalurl, data-versiondate, data-versionurl."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

from .eco_support import XSS_TITLE, Described, RunCli, probe_report


class Anchors(HTMLParser):
    """Collect each <a>'s attributes and text."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[dict[str, str | None], str]] = []
        self._open = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.found.append((dict(attrs), ""))
            self._open = True
        elif self._open:
            raise AssertionError(f"markup <{tag}> inside a link: text was not escaped")

    def handle_endtag(self, tag: str) -> None:
        self._open = False if tag == "a" else self._open

    def handle_data(self, data: str) -> None:
        if self._open:
            attrs, text = self.found[-1]
            self.found[-1] = (attrs, text + data)


def anchors(html: str) -> list[tuple[dict[str, str | None], str]]:
    parser = Anchors()
    parser.feed(html)
    parser.close()
    return parser.found


def test_links_without_probe(described: Described, run_cli: RunCli) -> None:
    result = run_cli("export", "robustlinks", described.manifest)
    assert result.code == 0
    found = anchors(result.out)
    web = {p: u for p, u in described.urls.items() if u.startswith("https:")}
    assert sorted(a["data-originalurl"] or "" for a, _ in found) == sorted(web.values())
    for attrs, _ in found:
        assert attrs["href"] == attrs["data-originalurl"]
        assert (attrs["data-versiondate"] or "").endswith("T12:00:00Z")
        assert "data-versionurl" not in attrs
    assert XSS_TITLE in [text for _, text in found]
    assert "javascript:" not in result.out


def test_links_with_probe_carry_the_memento(
    described: Described, run_cli: RunCli, tmp_path: Path
) -> None:
    report = tmp_path / "probe.json"
    report.write_text(json.dumps(probe_report(described)))
    out = tmp_path / "links.html"
    assert (
        run_cli("export", "robustlinks", described.manifest, "--probe", report, "-o", out).code == 0
    )
    found = anchors(out.read_text())
    assert len(found) == 4
    for attrs, _ in found:
        assert (attrs["data-versionurl"] or "").startswith("https://web.archive.org/web/2016")
        assert (attrs["data-versionurl"] or "").endswith(attrs["data-originalurl"] or "-")


def test_unreadable_probe_report_is_one_line(
    described: Described, run_cli: RunCli, tmp_path: Path
) -> None:
    report = tmp_path / "probe.json"
    report.write_text('{"something": 1}')
    result = run_cli("export", "robustlinks", described.manifest, "--probe", report)
    assert result.code == 2
    assert "no file entries found" in result.err and result.err.count("\n") == 1
