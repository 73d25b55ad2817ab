"""Hypothesis profiles and trial counts: ``push`` on every push, ``nightly`` in CI at night.

Selected by the environment variable ``HYPOTHESIS_PROFILE`` (default ``push``); the
figures command takes ``--profile``. ``benchmark`` is the figures profile: the
examples of ``nightly`` and the 500 kill trials FAULTS.md asks for.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import HealthCheck, settings


@dataclass(frozen=True)
class Profile:
    """How hard one run pushes: examples per property and SIGKILL trials."""

    examples: int
    kill_trials: int
    sparse_gib: int


PROFILES = {
    "push": Profile(examples=200, kill_trials=20, sparse_gib=1),
    "nightly": Profile(examples=10_000, kill_trials=200, sparse_gib=4),
    "benchmark": Profile(examples=10_000, kill_trials=500, sparse_gib=4),  # FAULTS.md: 500
}

for _name, _profile in PROFILES.items():
    settings.register_profile(
        _name,
        max_examples=_profile.examples,
        deadline=None,
        derandomize=_name == "push",  # pushes are reproducible; nightly explores
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        database=None,
    )


_active = ["push"]


def load_profile(name: str | None) -> Profile:
    """Activate profile ``name`` (default ``push``) and return its numbers."""
    name = name or "push"
    if name not in PROFILES:
        raise SystemExit(f"unknown HYPOTHESIS_PROFILE {name!r}; use one of {sorted(PROFILES)}")
    settings.load_profile(name)
    _active[0] = name
    return PROFILES[name]


def current() -> Profile:
    """The numbers of the active profile."""
    return PROFILES[_active[0]]
