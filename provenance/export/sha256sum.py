"""``sha256sum`` lists: ``sha256sum -c`` run inside the folder checks every file.

GNU coreutils escapes awkward names rather than quoting them: a line whose name holds a
backslash, a line feed or a carriage return starts with a backslash, and those three are
written ``\\\\``, ``\\n`` and ``\\r``. Without that a name with a newline would split its line.
"""

from __future__ import annotations

from provenance.models import Manifest

_ESCAPES = str.maketrans({"\\": "\\\\", "\n": "\\n", "\r": "\\r"})
#: Records that stand for something other than a readable file have no content to check.
_NOT_CONTENT = ("special", "unreadable")


def line(sha256: str, path: str) -> str:
    """One ``<digest>  <name>`` line in the text-mode form ``sha256sum`` writes."""
    escaped = path.translate(_ESCAPES)
    prefix = "\\" if escaped != path else ""
    return f"{prefix}{sha256}  {escaped}\n"


def render(manifest: Manifest) -> str:
    """Every regular file of the manifest, in its order, paths relative to its folder."""
    return "".join(line(r.sha256, r.path) for r in manifest.files if r.status not in _NOT_CONTENT)
