"""Live-original faults served on loopback: each gets the right class, none is ``dead`` or
drift by mistake, and no request reaches a private address that was not allowed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from probe_helpers import entries, run_probe, write_manifest
from probe_servers import ARTICLE_COPY, Recorder, free_port

# Both loopback addresses are open at the socket level so that only the probe's own
# guard stands between it and the canary on 127.0.0.2.
pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1", "127.0.0.2", "::1"])

EXPECTED = {
    "/ok": "alive",
    "/gone404": "dead",
    "/gone410": "dead",
    "/moved": "moved",
    "/temp": "alive",
    "/to-home": "soft-404",
    "/soft": "soft-404",
    "/loop": "unknown",
    "/to-private": "unknown",
    "/to-octal": "unknown",
    "/to-decimal": "unknown",
    "/to-short": "unknown",
    "/to-mapped": "unknown",
    "/to-localhost": "unknown",
    "/to-file": "unknown",
    "/forbidden": "blocked",
    "/legal": "blocked",
    "/429-then-ok": "alive",
    "/429-long": "rate-limited",
    "/429-bare": "rate-limited",
    "/503-then-ok": "alive",
    "/always-500": "unknown",
    "/drip": "unknown",
    "/big": "alive",
    "/bomb": "alive",
    "/hang-up": "unknown",
}
THROTTLED = ("/429-then-ok", "/429-long", "/429-bare")
FAST = [
    "--no-archives",
    "--no-cache",
    "--retries",
    "1",
    "--backoff",
    "0.05",
    "--max-wait",
    "2",
    "--timeout",
    "1",
    "--max-bytes",
    "200000",
    "--rate",
    "0",
    "--per-host",
    "64",
    "--concurrency",
    "64",
    "--format",
    "json",
]


def _manifest(tmp_path: Path, base: str, throttled: dict[str, str] | None = None) -> Path:
    """One file per fault; a 429 cools its whole server down, so each gets its own server."""
    throttled = throttled or {}
    files: dict[str, tuple[str | None, str | None, str]] = {
        f"{path.strip('/')}.md": (f"{throttled.get(path, base)}{path}", "2020-01-01", ARTICLE_COPY)
        for path in EXPECTED
    }
    files["refused.md"] = (f"http://127.0.0.1:{free_port()}/x", "2020-01-01", ARTICLE_COPY)
    return write_manifest(tmp_path, files)


def _throttled(make: Callable[[], Recorder]) -> dict[str, str]:
    return {path: make().base for path in THROTTLED}


@pytest.mark.parametrize("transport", ["httpx", "aiohttp"])
def test_every_fault_gets_its_class(
    fault_servers: Callable[[], Recorder], canary: Recorder, tmp_path: Path, transport: str
) -> None:
    report = tmp_path / "report.json"
    manifest = _manifest(tmp_path, fault_servers().base, _throttled(fault_servers))
    code, _ = run_probe(
        str(manifest),
        "--report",
        str(report),
        "--transport",
        transport,
        "--allow-host",
        "127.0.0.1",
        *FAST,
    )
    found = entries(report)
    got = {"/" + name.removesuffix(".md"): e["live"]["status"] for name, e in found.items()}
    assert got.pop("/refused") == "dead"
    assert got == EXPECTED
    for name, entry in found.items():
        assert not any("drift" in code or "unrelated" in code for code in entry["findings"]), name
        if entry["live_drift"] is not None:
            assert entry["live_drift"]["verdict"] == "identical", name
    assert sum(canary.hits.values()) == 0, "a request reached the canary"
    assert code == 1


def test_refusals_say_why(
    fault_servers: Callable[[], Recorder], canary: Recorder, tmp_path: Path
) -> None:
    report = tmp_path / "report.json"
    fault_server = fault_servers()
    throttled = _throttled(fault_servers)
    run_probe(
        str(_manifest(tmp_path, fault_server.base, throttled)),
        "--report",
        str(report),
        "--allow-host",
        "127.0.0.1",
        *FAST,
    )
    found = entries(report)
    for name in ("to-private", "to-octal", "to-decimal", "to-short", "to-mapped", "to-localhost"):
        live = found[f"{name}.md"]["live"]
        # httpx itself refuses an octal IPv4 host; the guard refuses the rest
        assert live["reason"] == ("bad-url" if name == "to-octal" else "blocked-address"), name
        assert "refused" in live["error"], name
        if name != "to-octal":
            assert live["redirects"][0]["status"] == 302
    assert found["to-file.md"]["live"]["reason"] == "bad-scheme"
    assert found["loop.md"]["live"]["reason"] == "too-many-redirects"
    assert len(found["loop.md"]["live"]["redirects"]) == 6
    assert found["drip.md"]["live"]["reason"] == "timeout"
    assert "truncated" in found["bomb.md"]["live"]["reason"]
    assert found["bomb.md"]["live_drift"] is None
    assert found["429-long.md"]["live"]["attempts"] == 1  # Retry-After 120 s > --max-wait: no retry
    assert fault_server.hits["/503-then-ok"] == 2
    assert sum(canary.hits.values()) == 0


@pytest.mark.parametrize("transport", ["httpx", "aiohttp"])
def test_loopback_refused_without_allow_host(
    fault_server: Recorder, canary: Recorder, tmp_path: Path, transport: str
) -> None:
    report = tmp_path / "report.json"
    code, _ = run_probe(
        str(_manifest(tmp_path, fault_server.base)),
        "--report",
        str(report),
        "--transport",
        transport,
        *FAST,
    )
    statuses = {e["live"]["status"] for e in entries(report).values()}
    assert statuses == {"unknown"}
    assert sum(fault_server.hits.values()) == 0
    assert sum(canary.hits.values()) == 0
    assert code == 3  # nothing could be checked


def test_only_settled_answers_are_cached(
    fault_servers: Callable[[], Recorder], tmp_path: Path
) -> None:
    server, throttled = fault_servers(), fault_servers()
    bases = {
        "/ok": server,
        "/gone404": server,
        "/always-500": server,
        "/hang-up": server,
        "/429-bare": throttled,
    }
    files = {f"{p.strip('/')}.md": (f"{s.base}{p}", None, ARTICLE_COPY) for p, s in bases.items()}
    manifest = write_manifest(tmp_path, files)
    args = [
        str(manifest),
        "--cache",
        str(tmp_path / "cache.sqlite"),
        "--allow-host",
        "127.0.0.1",
        *[a for a in FAST if a != "--no-cache"],
    ]
    run_probe(*args)
    first = {p: s.hits[p] for p, s in bases.items()}
    run_probe(*args)
    again = {p: s.hits[p] - first[p] for p, s in bases.items()}
    assert again == {"/ok": 0, "/gone404": 0, "/always-500": 2, "/hang-up": 2, "/429-bare": 1}


def test_bad_certificate_is_tls_error(tmp_path: Path) -> None:
    import shutil
    import ssl
    import threading

    from probe_h2 import self_signed
    from probe_servers import page

    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a self-signed certificate")
    # Self-signed, so no trust store accepts it, whatever names it carries.
    cert, key = self_signed(tmp_path)
    server = Recorder("127.0.0.1", {"/ok": page("fine")})
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    try:
        port = server.server_address[1]
        manifest = write_manifest(tmp_path, {"a.md": (f"https://127.0.0.1:{port}/ok", None, "x")})
        report = tmp_path / "report.json"
        run_probe(str(manifest), "--report", str(report), "--allow-host", "127.0.0.1", *FAST)
        live = entries(report)["a.md"]["live"]
        assert live["status"] == "tls-error"
        assert server.hits["/ok"] == 0
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(("flags", "expected"), [([], "h2"), (["--no-http2"], "http/1.1")])
def test_http2_where_the_server_offers_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, flags: list[str], expected: str
) -> None:
    """The httpx transport speaks HTTP/2 to a server that offers it, 1.1 when told to."""
    import shutil

    from probe_h2 import H2Server, self_signed
    from probe_servers import ARTICLE

    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a self-signed certificate")
    cert, key = self_signed(tmp_path)
    server = H2Server(cert, key, ARTICLE.encode())
    # Trust this one certificate: --trust-env makes the probe read SSL_CERT_FILE.
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    for proxy in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(proxy, raising=False)
    try:
        url = f"https://127.0.0.1:{server.port}/news/harbour.html"
        manifest = write_manifest(tmp_path, {"a.md": (url, None, ARTICLE_COPY)})
        report = tmp_path / "report.json"
        args = ["--transport", "httpx", "--trust-env", "--allow-host", "127.0.0.1", *flags]
        run_probe(str(manifest), "--report", str(report), *args, *FAST)
        entry = entries(report)["a.md"]
        assert entry["live"]["status"] == "alive", entry["live"]
        assert entry["live_drift"]["verdict"] == "identical"
        assert server.protocols and set(server.protocols) == {expected}
    finally:
        server.close()
