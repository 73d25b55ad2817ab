"""An on-disk SQLite cache of probe results, so re-runs are fast and polite.

Rows are keyed by kind (``live`` or ``memento``), URL, archive and a detail (the target
time of a memento lookup). Only settled answers are stored: a rate-limited, 5xx or
unknown result is never cached, so the next run asks again. A damaged cache file is
ignored (and the run goes on without a cache) rather than stopping the probe.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

DEFAULT_CACHE = Path(".provenance-cache") / "probe.sqlite"
DEFAULT_MAX_AGE = 86_400.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS probe (
    kind TEXT NOT NULL, url TEXT NOT NULL, archive TEXT NOT NULL, detail TEXT NOT NULL,
    stored REAL NOT NULL, value TEXT NOT NULL,
    PRIMARY KEY (kind, url, archive, detail)
)
"""


class ProbeCache:
    """Get and put JSON values; ``path=None`` is a cache that holds nothing."""

    def __init__(
        self,
        path: Path | None,
        *,
        max_age: float = DEFAULT_MAX_AGE,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.max_age = max_age
        self.clock = clock
        self.hits = 0
        self._db: sqlite3.Connection | None = None
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                self._db = sqlite3.connect(path, timeout=10.0)
                self._db.execute(_SCHEMA)
                self._db.commit()
            except (OSError, sqlite3.Error) as e:
                self._disable(f"cache {path} not usable, going on without it: {e}")

    def _disable(self, message: str) -> None:
        print(f"provenance probe: {message}", file=sys.stderr)
        if self._db is not None:
            self._db.close()
        self._db = None

    def get(self, kind: str, url: str, archive: str = "", detail: str = "") -> Any | None:
        """The stored value if younger than max_age, else None."""
        if self._db is None:
            return None
        try:
            row = self._db.execute(
                "SELECT stored, value FROM probe WHERE kind=? AND url=? AND archive=? AND detail=?",
                (kind, url, archive, detail),
            ).fetchone()
        except sqlite3.Error as e:
            self._disable(f"cache read failed, going on without it: {e}")
            return None
        if row is None or self.clock() - float(row[0]) > self.max_age:
            return None
        self.hits += 1
        return json.loads(row[1])

    def put(self, kind: str, url: str, value: Any, archive: str = "", detail: str = "") -> None:
        """Store a settled value (callers decide what is settled)."""
        if self._db is None:
            return
        try:
            self._db.execute(
                "INSERT OR REPLACE INTO probe VALUES (?, ?, ?, ?, ?, ?)",
                (kind, url, archive, detail, self.clock(), json.dumps(value, ensure_ascii=False)),
            )
            self._db.commit()
        except sqlite3.Error as e:
            self._disable(f"cache write failed, going on without it: {e}")

    def close(self) -> None:
        """Close the database."""
        if self._db is not None:
            self._db.close()
            self._db = None
