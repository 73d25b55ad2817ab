"""The one exception tree of provenance.

::

    ProvenanceError                 anything this package raises on purpose
    ├── UsageError                  bad options or arguments (exit 2)
    ├── InputError                  unreadable or invalid input (exit 2)
    │   ├── ManifestError           a manifest that is not JSON, not valid, or unsafe
    │   └── UnsafePathError         a path that escapes its root or names a special file
    ├── OutputError                 a result that could not be written (exit 3)
    │   └── LockedError             another writer holds the lock
    └── CheckError                  a check that could not be carried out (exit 3)

Third-party errors are wrapped with ``raise ... from e`` so the user sees one line.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_CANNOT_CHECK = 3


class ProvenanceError(Exception):
    """Base of every error raised on purpose; ``exit_code`` is what the CLI returns."""

    exit_code = EXIT_CANNOT_CHECK

    def __init__(self, message: str, *, where: str | None = None, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.where = where
        self.hint = hint

    def one_line(self) -> str:
        """The single line shown to a user: what, where, what to do."""
        parts = [f"{self.where}: {self.message}" if self.where else self.message]
        if self.hint:
            parts.append(self.hint)
        return " — ".join(parts).replace("\n", " ")


class UsageError(ProvenanceError):
    """Options or arguments that cannot be acted on."""

    exit_code = EXIT_USAGE


class InputError(ProvenanceError):
    """Input that cannot be read or is not what it claims to be."""

    exit_code = EXIT_USAGE


class ManifestError(InputError):
    """A manifest that is unreadable, not JSON, schema-invalid or unsafe."""


class UnsafePathError(InputError):
    """A path that escapes its root, is absolute, or is otherwise refused."""


class OutputError(ProvenanceError):
    """A result that could not be written."""

    exit_code = EXIT_CANNOT_CHECK


class LockedError(OutputError):
    """Another process holds the write lock."""


class CheckError(ProvenanceError):
    """A check that could not be carried out (a folder or archive out of reach)."""

    exit_code = EXIT_CANNOT_CHECK
