"""httpx's transport over a connection pool whose network backend is the SSRF guard."""

from __future__ import annotations

import importlib.util

import httpcore
import httpx

from provenance.probe.guard import GuardedBackend
from provenance.probe.interface import TransportSpec
from provenance.probe.interface import ssl_context as ssl_context_for


class GuardedHTTPTransport(httpx.AsyncHTTPTransport):
    """``httpx.AsyncHTTPTransport`` whose pool resolves and checks every address itself."""

    def __init__(self, spec: TransportSpec) -> None:
        # HTTP/2 needs the h2 package; without it, HTTP/1.1 still works.
        http2 = spec.http2 and importlib.util.find_spec("h2") is not None
        ssl_context = ssl_context_for(trust_env=spec.trust_env)
        super().__init__(verify=ssl_context, trust_env=spec.trust_env, http2=http2)
        # httpx offers no way to pass a network backend, so the pool is rebuilt; the
        # request handling (and any recording by vcrpy) stays httpx's own.
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context,
            max_connections=spec.max_connections,
            max_keepalive_connections=spec.keepalive,
            keepalive_expiry=5.0,
            http1=True,
            http2=http2,
            network_backend=(
                GuardedBackend(policy=spec.policy, resolver=spec.resolver)
                if spec.resolver
                else GuardedBackend(policy=spec.policy)
            ),
        )
