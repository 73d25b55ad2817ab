"""Loopback servers: canaries that count every connection, and a fault server."""

from __future__ import annotations

import socket
import threading
from collections import Counter
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Route = Callable[[BaseHTTPRequestHandler], None]


class Server(ThreadingHTTPServer):
    """A threaded loopback server that counts connections and the paths asked for."""

    daemon_threads = True
    block_on_close = False
    request_queue_size = 256

    def __init__(self, host: str, routes: dict[str, Route] | None = None) -> None:
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.routes = routes or {}
        self.hits: Counter[str] = Counter()
        self.connections = 0
        self.lock = threading.Lock()
        super().__init__((host, 0), _Handler)

    @property
    def port(self) -> int:
        """The port the server listens on."""
        return int(self.server_address[1])

    def process_request(self, request: Any, client_address: Any) -> None:
        with self.lock:
            self.connections += 1
        super().process_request(request, client_address)

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients that hang up at the deadline or the cap are expected

    def start(self) -> Server:
        """Serve on a daemon thread."""
        threading.Thread(target=self.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self.shutdown()
        self.server_close()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Server

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        with self.server.lock:
            self.server.hits[path] += 1
        route = self.server.routes.get(path)
        if route is None:
            send(self, 200, b"<html><title>canary</title><p>reached</p></html>")
        else:
            route(self)


def send(h: BaseHTTPRequestHandler, code: int, body: bytes = b"", **headers: str) -> None:
    """Answer with a body and headers (underscores in names become dashes)."""
    h.send_response(code)
    headers.setdefault("Content_Type", "text/html; charset=utf-8")
    headers.setdefault("Content_Length", str(len(body)))
    for name, value in headers.items():
        h.send_header(name.replace("_", "-"), value)
    h.end_headers()
    h.wfile.write(body)


def ipv6_loopback() -> bool:
    """True when ::1 can be bound here (some containers have no IPv6)."""
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
    except OSError:
        return False
    return True
