"""Fixtures of the probe tests: loopback servers, a pywb archive, and VCR settings.

Every test here runs with the network blocked (pytest-recording's ``block_network``);
tests that talk to loopback servers name the addresses they may reach.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).parent))

from probe_servers import Recorder, fault_routes, free_port  # noqa: E402

HERE = Path(__file__).parent
CASSETTES = HERE.parent / "cassettes"
LOOPBACK = ["127.0.0.1", "127.0.0.2"]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Block the network for every probe test that did not say what it may reach."""
    for item in items:
        if HERE in Path(str(item.fspath)).parents and not item.get_closest_marker("block_network"):
            item.add_marker(pytest.mark.block_network)


def pytest_recording_configure(config: pytest.Config, vcr: Any) -> None:
    """A matcher for Accept-Datetime: a TimeGate answers differently for each date."""

    def accept_datetime(r1: Any, r2: Any) -> None:
        a, b = r1.headers.get("Accept-Datetime"), r2.headers.get("Accept-Datetime")
        assert a == b, f"Accept-Datetime {a!r} != {b!r}"

    vcr.register_matcher("accept_datetime", accept_datetime)


@pytest.fixture(scope="module")
def vcr_config() -> dict[str, Any]:
    """Replay only: match on everything but the port, plus Accept-Datetime."""
    return {
        "record_mode": "none",
        "match_on": ["method", "scheme", "host", "path", "query", "accept_datetime"],
        "decode_compressed_response": False,
    }


@pytest.fixture(scope="module")
def vcr_cassette_dir(request: pytest.FixtureRequest) -> str:
    """One folder of cassettes per test module, under tests/cassettes."""
    return str(CASSETTES / Path(str(request.node.fspath)).stem)


@pytest.fixture
def canary() -> Iterator[Recorder]:
    """A server on 127.0.0.2 that no probe may reach unless it was allowed."""
    server = Recorder("127.0.0.2", {}).start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def fault_servers(canary: Recorder) -> Iterator[Callable[[], Recorder]]:
    """Make servers on 127.0.0.1 with one path per live-original fault."""
    made: list[Recorder] = []

    def make() -> Recorder:
        server = Recorder("127.0.0.1", {})
        server.routes.update(fault_routes(server, canary.base, int(canary.server_address[1])))
        made.append(server.start())
        return server

    yield make
    for server in made:
        server.shutdown()
        server.server_close()


@pytest.fixture
def fault_server(fault_servers: Callable[[], Recorder]) -> Recorder:
    """One fault server."""
    return fault_servers()


def find_wayback() -> str | None:
    """pywb's ``wayback`` from PROVENANCE_PYWB, else from PATH."""
    given = os.environ.get("PROVENANCE_PYWB")
    if given:
        return given if os.access(given, os.X_OK) else None
    return shutil.which("wayback")


@pytest.fixture(scope="session")
def pywb_root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A pywb 'web' collection holding the test WARC, served on loopback; yields (base, root)."""
    wayback = find_wayback()
    if wayback is None:
        from testkit import missing_tool

        missing_tool(
            "pywb not found: set PROVENANCE_PYWB to its 'wayback' script "
            "(tests/probe/setup_pywb.sh installs one) or put it on PATH"
        )
    from probe_archive import write_warc

    root = tmp_path_factory.mktemp("pywb")
    collection = root / "collections" / "web"
    (collection / "archive").mkdir(parents=True)
    (collection / "indexes").mkdir()
    write_warc(collection / "archive" / "captures.warc.gz")
    (root / "config.yaml").write_text("framed_replay: false\ncdx_api_endpoint: /cdx/search/cdx\n")
    manager = str(Path(wayback).with_name("wb-manager"))
    log = (root / "pywb.log").open("w")
    port = free_port()
    # Indexing and start-up run side by side: pywb reads the index folder per query.
    # Output goes to a file: pywb hangs when an unread pipe fills.
    index = subprocess.Popen(
        [manager, "reindex", "web"], cwd=root, stdout=log, stderr=subprocess.STDOUT
    )
    proc = subprocess.Popen(
        [wayback, "-b", "127.0.0.1", "-p", str(port)],
        cwd=root,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    if index.wait(timeout=60) != 0:
        proc.terminate()
        pytest.fail(f"wb-manager reindex failed: {(root / 'pywb.log').read_text()[-2000:]}")
    base = f"http://127.0.0.1:{port}/web"
    try:
        _wait_until_up(base, proc, root)
        yield base, root
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def _wait_until_up(base: str, proc: subprocess.Popen[bytes], root: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"pywb exited: {(root / 'pywb.log').read_text()[-2000:]}")
        try:
            if httpx.get(f"{base}/cdx/search/cdx?url=x", timeout=1).status_code < 500:
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    pytest.fail("pywb did not answer within 30 s")
