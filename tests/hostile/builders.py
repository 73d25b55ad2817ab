"""Builders for hostile folders and manifests: most cannot be committed as files.

Symlinks, FIFOs, devices, sockets, names with CR/LF or bytes that are not UTF-8 do not
survive git, so every case is generated under a fresh case folder by a builder. A
builder returns a :class:`Setup`; the expectations live in ``table.py``.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import socket
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from provenance.cli import main

Check = Callable[[Path], "str | None"]


@dataclass
class Setup:
    """What a builder made: the folder, the manifest, extra argv and a post-check."""

    root: Path
    manifest: Path | None = None
    args: list[str] | None = None
    checks: list[Check] = field(default_factory=list)
    skip: str | None = None
    keep: list[Any] = field(default_factory=list)  # objects that must outlive the run
    # A change made after the walk has listed the folder and before any file is read:
    # the race an attacker wins by swapping an entry while the tool runs.
    during: Callable[[], None] | None = None
    # A change made right after the first file in a folder below the root is opened: the
    # next file of that folder must still be opened below the root (nothing held over).
    midway: Callable[[], None] | None = None


Builder = Callable[[Path], Setup]


def page(i: int, text: str = "") -> tuple[str, bytes]:
    """A valid-named page: ``NNN_<16 hex of its SHA-256>.txt`` and its bytes."""
    data = (text or f"Page {i}\nhttps://example.org/news/{i}\n2024-01-0{1 + i % 9}\n").encode()
    return f"{i:03d}_{hashlib.sha256(data).hexdigest()[:16]}.txt", data


def pages(root: Path, n: int = 3, *, start: int = 0) -> list[Path]:
    """Write ``n`` valid pages into ``root`` and return their paths."""
    root.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(start, start + n):
        name, data = page(i)
        (root / name).write_bytes(data)
        out.append(root / name)
    return out


def quiet(argv: list[str]) -> int:
    """Run the CLI with its output discarded (used while building, outside the watch)."""
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        return main(argv)


def make_manifest(case: Path, root: Path) -> Path:
    """Write ``case/manifests/m.json`` for ``root`` with provenance itself."""
    out = case / "manifests" / "m.json"
    code = quiet(["manifest", str(root), "-o", str(out), "-j", "1"])
    if code != 0:
        raise RuntimeError(f"building the manifest for {root} failed with {code}")
    return out


def standard(case: Path, n: int = 3) -> Setup:
    """Three good pages and their manifest."""
    root = case / "root"
    pages(root, n)
    return Setup(root=root, manifest=make_manifest(case, root))


def tamper(path: Path, change: Callable[[dict[str, Any]], None], *, recount: bool = True) -> None:
    """Edit a manifest's JSON like a careful attacker would (counts kept consistent)."""
    doc = json.loads(path.read_bytes())
    change(doc)
    if recount and isinstance(doc.get("files"), list):
        doc["file_count"] = len(doc["files"])
        sizes = [f.get("size") for f in doc["files"] if isinstance(f, dict)]
        if all(type(s) is int for s in sizes):
            doc["total_bytes"] = sum(sizes)
    path.write_bytes(json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8", "surrogatepass"))


def listed(hostile: str) -> Builder:
    """A manifest listing one more file, at ``hostile``."""

    def build(case: Path) -> Setup:
        setup = standard(case)
        assert setup.manifest is not None

        def add(doc: dict[str, Any]) -> None:
            doc["files"].append({**doc["files"][0], "path": hostile})

        tamper(setup.manifest, add)
        return setup

    return build


def folder_field(value: str) -> Builder:
    """A manifest whose ``folder`` is ``value``."""

    def build(case: Path) -> Setup:
        setup = standard(case)
        assert setup.manifest is not None
        tamper(setup.manifest, lambda d: d.__setitem__("folder", value))
        return setup

    return build


def edited(change: Callable[[dict[str, Any]], None], *, recount: bool = True) -> Builder:
    """A manifest with a structural edit."""

    def build(case: Path) -> Setup:
        setup = standard(case)
        assert setup.manifest is not None
        tamper(setup.manifest, change, recount=recount)
        return setup

    return build


def raw(transform: Callable[[bytes], bytes]) -> Builder:
    """A manifest whose bytes are replaced by ``transform(old bytes)``."""

    def build(case: Path) -> Setup:
        setup = standard(case)
        assert setup.manifest is not None
        setup.manifest.write_bytes(transform(setup.manifest.read_bytes()))
        return setup

    return build


def outside_file(case: Path) -> Path:
    """A secret file next to (not inside) the root; nothing may open it."""
    secret = case / "outside" / "secret.txt"
    secret.parent.mkdir(parents=True, exist_ok=True)
    secret.write_bytes(b"secret outside the root\n")
    return secret


def special(kind: str, *, replace: bool = False, where: str = "") -> Builder:
    """A folder with a special entry; ``replace`` swaps a listed file for it after the manifest."""

    def build(case: Path) -> Setup:
        root = case / "root"
        files = pages(root)
        manifest = make_manifest(case, root) if replace else None
        target = files[0] if replace else root / where / "999_0123456789abcdef.txt"
        if replace:
            target.unlink()
        target.parent.mkdir(parents=True, exist_ok=True)
        keep = make_special(case, kind, target)
        if isinstance(keep, str):
            return Setup(root=root, skip=keep)
        return Setup(root=root, manifest=manifest, keep=[keep])

    return build


def make_special(case: Path, kind: str, target: Path) -> object:
    """Create one special entry at ``target``; return a keep-alive object or a skip reason."""
    links = {
        "link-outside": lambda: outside_file(case),
        "link-absolute": lambda: Path("/etc/passwd"),
        "link-inside": lambda: Path(page(1)[0]),
        "link-dangling": lambda: Path("no-such-file"),
        "link-dir-outside": lambda: outside_file(case).parent,
        "link-dir-inside": lambda: Path("."),
        "loop-self": lambda: Path(target.name),
        "loop-parent": lambda: Path(".."),
    }
    if kind in links:
        os.symlink(links[kind](), target)
    elif kind == "loop-pair":
        twin = target.with_name("998_fedcba9876543210.txt")
        os.symlink(twin.name, target)
        os.symlink(target.name, twin)
    elif kind == "fifo":
        os.mkfifo(target)
    elif kind in ("device-null", "device-zero"):
        minor = 3 if kind == "device-null" else 5
        try:
            os.mknod(target, stat.S_IFCHR | 0o666, os.makedev(1, minor))
        except OSError as e:
            return f"cannot create a device node here ({e.strerror}); needs CAP_MKNOD"
    elif kind == "socket":
        with socket.socket(socket.AF_UNIX) as sock:
            try:
                sock.bind(str(target))  # the socket file stays after close
            except OSError as e:
                return f"cannot bind a unix socket here ({e.strerror})"
    else:
        raise ValueError(kind)
    return None


def named(names: list[str], *, bytes_names: list[bytes] = ()) -> Builder:  # type: ignore[assignment]
    """A folder with the given (possibly hostile) relative names, one page each."""

    def build(case: Path) -> Setup:
        root = case / "root"
        root.mkdir(parents=True)
        for i, name in enumerate(names):
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(page(i)[1])
        for i, name in enumerate(bytes_names):
            full = os.fsencode(root) + b"/" + name
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "wb") as f:
                f.write(page(50 + i)[1])
        return Setup(root=root)

    return build


def then_manifest(build: Builder, change: Callable[[Path], None]) -> Builder:
    """Build, write the manifest, then change the folder with ``change(root)``."""

    def wrapped(case: Path) -> Setup:
        setup = build(case)
        setup.manifest = make_manifest(case, setup.root)
        change(setup.root)
        return setup

    return wrapped
