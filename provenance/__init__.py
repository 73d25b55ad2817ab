"""provenance: prove where archived web pages came from and that they have not changed since."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
