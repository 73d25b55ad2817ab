"""A connect spy: every ``socket.connect`` in the process is seen, and stopped unless allowed.

An audit hook sees the connects of both transports (and of any proxy they might use)
whatever library makes them. Connects to the allowed loopback servers go through; a
connect to a canary goes through too, so the canary counts it; any other connect is
recorded and refused before a packet leaves the machine.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any

_active: list[Spy] = []
_installed = False


@dataclass
class Spy:
    """What was connected to while the spy was active."""

    allowed: set[tuple[str, int]] = field(default_factory=set)
    canaries: set[tuple[str, int]] = field(default_factory=set)
    attempts: list[tuple[str, int]] = field(default_factory=list)

    def blocked(self) -> list[tuple[str, int]]:
        """Attempts neither to an allowed server nor to a canary (refused by the spy)."""
        seen = self.allowed | self.canaries
        return [a for a in self.attempts if a not in seen]

    def __enter__(self) -> Spy:
        _install()
        _active.append(self)
        return self

    def __exit__(self, *exc: object) -> None:
        _active.remove(self)


def _key(address: Any) -> tuple[str, int] | None:
    if isinstance(address, tuple) and len(address) >= 2:
        host = str(address[0]).removeprefix("::ffff:")
        return host, int(address[1])
    return None


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if event != "socket.connect" or not _active:
        return
    key = _key(args[1])
    if key is None:
        return
    spy = _active[-1]
    spy.attempts.append(key)
    if key not in spy.allowed and key not in spy.canaries:
        raise ConnectionRefusedError(f"connect spy: {key[0]} port {key[1]} is off limits")


def _install() -> None:
    global _installed
    if not _installed:
        sys.addaudithook(_hook)
        _installed = True
