"""Loopback HTTP servers for the probe tests: a fault server and a canary that counts hits."""

from __future__ import annotations

import gzip
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ARTICLE = (
    "<html><head><title>Harbour reopens</title><script>track()</script></head><body>"
    "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
    "<h1>Harbour reopens after storm</h1>"
    "<p>The harbour reopened on Tuesday after three days of repairs to the outer wall.</p>"
    "<p>Fishing boats returned before dawn and the market opened at nine as usual.</p>"
    "<footer>Copyright the Gazette</footer></body></html>"
)
ARTICLE_COPY = (
    "# Harbour reopens after storm\n"
    "#### [Home](https://gazette.example/) | [News](https://gazette.example/news)\n\n"
    "The harbour reopened on Tuesday after three days of repairs to the outer wall.\n\n"
    "Fishing boats returned before dawn and the market opened at nine as usual.\n"
)
# 16 MiB of zeros in about 16 KiB: far past any cap once decoded.
BOMB = gzip.compress(b"\0" * (16 * 1024 * 1024), compresslevel=6)


def free_port() -> int:
    """A port free on 127.0.0.1 (pywb's -p 0 would open two sockets)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


Route = Callable[[BaseHTTPRequestHandler], None]


class Recorder(ThreadingHTTPServer):
    """A threaded server that counts the paths it was asked for."""

    daemon_threads = True
    request_queue_size = 256
    block_on_close = False

    def __init__(self, host: str, routes: dict[str, Route]) -> None:
        self.routes = routes
        self.hits: Counter[str] = Counter()
        self.lock = threading.Lock()
        super().__init__((host, 0), _Handler)

    @property
    def base(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients that hang up (the deadline tests) are expected

    def start(self) -> Recorder:
        threading.Thread(target=self.serve_forever, args=(0.05,), daemon=True).start()
        return self


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Recorder

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        with self.server.lock:
            self.server.hits[path] += 1
        route = self.server.routes.get(path)
        if route is None:
            send(self, 404, b"<html><title>404 Not Found</title></html>")
        else:
            route(self)


def send(h: BaseHTTPRequestHandler, code: int, body: bytes = b"", **headers: str) -> None:
    """Answer with a body and headers (underscores in names become dashes)."""
    h.send_response(code)
    headers.setdefault("Content_Type", "text/html; charset=utf-8")
    for name, value in headers.items():
        h.send_header(name.replace("_", "-"), value)
    h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    h.wfile.write(body)


def redirect(code: int, location: str) -> Route:
    return lambda h: send(h, code, Location=location)


def page(body: str | bytes, code: int = 200, **headers: str) -> Route:
    data = body.encode() if isinstance(body, str) else body
    return lambda h: send(h, code, data, **headers)


def nth(server_hits: Callable[[], int], first: Route, then: Route, *, times: int) -> Route:
    """``first`` for the first ``times`` requests, then ``then``."""
    return lambda h: (first if server_hits() <= times else then)(h)


def drip(h: BaseHTTPRequestHandler) -> None:
    """Headers at once, then one byte every 0.2 s: only a whole-request deadline stops it."""
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.send_header("Content-Length", "100")
    h.end_headers()
    try:
        for _ in range(100):
            h.wfile.write(b"x")
            h.wfile.flush()
            time.sleep(0.2)
    except OSError:
        pass


def hang_up(h: BaseHTTPRequestHandler) -> None:
    """Close the connection without answering."""
    h.close_connection = True
    h.connection.shutdown(socket.SHUT_RDWR)


def fault_routes(server: Recorder, canary: str, canary_port: int) -> dict[str, Route]:
    """Every live-original fault the probe must classify right."""
    hits = server.hits
    p = canary_port
    return {
        "/ok": page(ARTICLE),
        "/": page("<html><title>Gazette</title><h1>Front page</h1></html>"),
        "/gone404": page("<title>Not Found</title>", 404),
        "/gone410": page("gone", 410),
        "/moved": redirect(301, "/moved2"),
        "/moved2": redirect(308, "/new-home-of-article"),
        "/new-home-of-article": page(ARTICLE),
        "/temp": redirect(302, "/ok"),
        "/to-home": redirect(302, "/"),
        "/soft": page("<html><title>Page not found</title><p>Sorry</p></html>"),
        "/loop": redirect(302, "/loop2"),
        "/loop2": redirect(302, "/loop"),
        "/to-private": redirect(302, f"{canary}/secret"),
        "/to-octal": redirect(302, f"http://0177.0.0.2:{p}/secret"),
        "/to-decimal": redirect(302, f"http://2130706434:{p}/secret"),
        "/to-short": redirect(302, f"http://127.2:{p}/secret"),
        "/to-mapped": redirect(302, f"http://[::ffff:127.0.0.2]:{p}/secret"),
        "/to-localhost": redirect(302, f"http://localhost:{p}/secret"),
        "/to-file": redirect(302, "file:///etc/passwd"),
        "/forbidden": page("<title>Forbidden</title>", 403),
        "/legal": page("unavailable", 451),
        "/429-then-ok": nth(
            lambda: hits["/429-then-ok"],
            page("slow down", 429, Retry_After="1"),
            page(ARTICLE),
            times=1,
        ),
        "/429-long": page("slow down", 429, Retry_After="120"),
        "/429-bare": page("slow down", 429),
        "/503-then-ok": nth(
            lambda: hits["/503-then-ok"], page("busy", 503), page(ARTICLE), times=1
        ),
        "/always-500": page("broken", 500),
        "/drip": drip,
        "/big": page("<p>" + "word " * 100_000 + "</p>"),
        "/bomb": page(BOMB, Content_Encoding="gzip"),
        "/hang-up": hang_up,
    }
