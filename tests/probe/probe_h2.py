"""A TLS server on loopback that speaks HTTP/2 to clients that offer it (ALPN), else 1.1.

It records the protocol of every connection, so a test can tell which one the probe used.
"""

from __future__ import annotations

import socket
import ssl
import subprocess
import threading
from pathlib import Path

import h2.config
import h2.connection
import h2.events


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 (in subjectAltName, as hostname checks need) and its key."""
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


class H2Server:
    """Answers every request with ``body``; ``protocols`` lists each connection's ALPN."""

    def __init__(self, cert: Path, key: Path, body: bytes) -> None:
        self.body = body
        self.protocols: list[str | None] = []
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(cert, key)
        self.context.set_alpn_protocols(["h2", "http/1.1"])
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = int(self.sock.getsockname()[1])
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self) -> None:
        """Stop accepting."""
        self.sock.close()

    def _accept(self) -> None:
        while True:
            try:
                raw, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(raw,), daemon=True).start()

    def _serve(self, raw: socket.socket) -> None:
        try:
            conn = self.context.wrap_socket(raw, server_side=True)
        except (ssl.SSLError, OSError):
            raw.close()
            return
        with conn:
            protocol = conn.selected_alpn_protocol()
            self.protocols.append(protocol)
            try:
                if protocol == "h2":
                    self._h2(conn)
                else:
                    self._http11(conn)
            except (ssl.SSLError, OSError):
                pass

    def _http11(self, conn: ssl.SSLSocket) -> None:
        conn.recv(65536)
        head = (
            "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
            f"Content-Length: {len(self.body)}\r\nConnection: close\r\n\r\n"
        )
        conn.sendall(head.encode() + self.body)

    def _h2(self, conn: ssl.SSLSocket) -> None:
        h2c = h2.connection.H2Connection(h2.config.H2Configuration(client_side=False))
        h2c.initiate_connection()
        conn.sendall(h2c.data_to_send())
        while True:
            data = conn.recv(65536)
            if not data:
                return
            for event in h2c.receive_data(data):
                if isinstance(event, h2.events.RequestReceived):
                    headers = [
                        (":status", "200"),
                        ("content-type", "text/html; charset=utf-8"),
                        ("content-length", str(len(self.body))),
                    ]
                    h2c.send_headers(event.stream_id, headers)
                    h2c.send_data(event.stream_id, self.body, end_stream=True)
                elif isinstance(event, h2.events.ConnectionTerminated):
                    conn.sendall(h2c.data_to_send())
                    return
            conn.sendall(h2c.data_to_send())
