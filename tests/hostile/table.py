"""The hostile cases: one row each, builder + command + expected exit code and codes.

Commands: ``verify`` (the manifest the builder made), ``audit`` and ``manifest`` (the
builder's root), ``roundtrip`` (manifest, then verify: paths must come back exactly),
``import`` (``import bagit`` of the builder's bag) and ``cli`` (the builder's own argv).
Codes are verify's finding codes, or for audit and manifest the file problems in
:data:`WATCHED` (extraction problems are left to the extraction tests, so new extractors
do not change these rows)."""

from __future__ import annotations

import fcntl
import hashlib
import os
import unicodedata
from collections.abc import Callable
from pathlib import Path

from . import builders as b
from .builders import Builder, Setup
from .case import WATCHED, Case, case_row
from .table_bags import bag_cases
from .table_manifests import manifest_cases
from .table_races import race_cases

__all__ = ["BY_NAME", "CASES", "WATCHED", "Case"]

TRAVERSAL = {
    "dotdot-2": "../../x",
    "dotdot-1": "../x",
    "dotdot-bare": "..",
    "dot-bare": ".",
    "dot-slash": "./x",
    "inner-escape": "a/../../x",
    "inner-dotdot": "a/../x",
    "inner-dot": "a/./x",
    "double-slash": "a//x",
    "trailing-slash": "a/",
    "slash-only": "/",
    "etc-passwd": "/etc/passwd",
    "double-slash-abs": "//etc/passwd",
    "abs-dot": "/./etc/passwd",
    "tilde-slash": "~/x",
    "tilde-bare": "~",
    "tilde-user": "~root/.bashrc",
    "drive-backslash": "C:\\x",
    "drive-slash": "C:/x",
    "drive-relative": "c:x",
    "unc": "\\\\server\\share\\x",
    "backslash-escape": "a\\..\\..\\x",
    "backslash-dotdot": "..\\x",
    "tail-dotdot": "x/..",
    "empty": "",
    "nul": "a\x00b",
    "file-url": "file:///etc/passwd",
    "lone-surrogate": "\udcff.txt",
}

# Spellings that look like traversal but are plain names: never decoded, never normalised
# by NFKC (full-width '．．' would become '..'), so they are simply not on disk.
LOOKALIKE = {
    "percent-dotdot": "%2e%2e/x",
    "percent-slash": "..%2fx",
    "percent-both": "%2e%2e%2fx",
    "fullwidth-dots": "\uff0e\uff0e/x",
    "one-dot-leaders": "\u2024\u2024/x",
    "three-dots": ".../x",
    "space-dotdot": " ../x",
    "zero-width-dotdot": "..\u200b/x",
}

SPECIALS = [
    "link-outside",
    "link-absolute",
    "link-inside",
    "link-dangling",
    "link-dir-outside",
    "link-dir-inside",
    "loop-self",
    "loop-pair",
    "loop-parent",
    "fifo",
    "device-null",
    "device-zero",
    "socket",
]

ROUNDTRIP_DIRS = {
    "percent": "100%",
    "percent-escape": "%41%0A%00",
    "cr": "a\rb",
    "lf": "a\nb",
    "crlf": "\r\n",
    "leading-space": " lead",
    "trailing-space": "trail ",
    "tab": "tab\tname",
    "cjk": "日本語のニュース",
    "emoji": "news😀",
    "rtl-override": "\u202eevil",
    "zero-width": "zero\u200bwidth",
    "quotes": "q\"u'o`te",
    "colon-later": "ab:cd",
    "json-like": '{"path": "../x"}',
    "ansi-escape": "\x1b[31mred",
    "long-255": "n" * 255,
}

EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

# FAULTS.md's near misses: each is a bad-name, never read leniently.
NEAR_MISSES = {
    "two-digit-sequence": "01_0123456789abcdef.txt",
    "fifteen-hex": "001_0123456789abcde.txt",
    "seventeen-hex": "001_0123456789abcdef0.txt",
    "upper-case-hex": "001_0123456789ABCDEF.txt",
    "upper-case-extension": "001_0123456789abcdef.TXT",
    "full-width-digits": "\uff10\uff10\uff11_0123456789abcdef.txt",
}

CAFE = "caf\u00e9"
CAFE_NFD = unicodedata.normalize("NFD", CAFE)


def _rename(old: str, new: str) -> Callable[[Path], None]:
    return lambda root: os.rename(root / old, root / new)


def _hold_lock(case: Path) -> Setup:
    """A live writer holds the lock on the output."""
    setup = b.standard(case)
    assert setup.manifest is not None
    target = setup.manifest.parent / "out.json"
    target.write_bytes(setup.manifest.read_bytes())
    fd = os.open(str(target) + ".lock", os.O_CREAT | os.O_RDWR, 0o644)
    fcntl.flock(fd, fcntl.LOCK_EX)
    before = target.read_bytes()

    def unchanged(_: Path) -> str | None:
        os.close(fd)
        os.unlink(str(target) + ".lock")
        return None if target.read_bytes() == before else "locked target was changed"

    setup.checks.append(unchanged)
    return setup


def _stale(lock: bytes | None, temps: int) -> Builder:
    """Leftovers of a writer killed earlier: a lock (with this content) and temp files."""

    def build(case: Path) -> Setup:
        setup = b.standard(case)
        assert setup.manifest is not None
        if lock is not None:
            (setup.manifest.parent / "out.json.lock").write_bytes(lock)
        for pid in range(temps):
            (setup.manifest.parent / f".out.json.tmp-{99999990 + pid}").write_bytes(b'{"half":')
        return setup

    return build


def _unreadable(what: str) -> Builder:
    def build(case: Path) -> Setup:
        setup = b.standard(case)
        files = sorted(setup.root.iterdir())
        if what == "file":
            files[0].chmod(0)
            files[1].write_bytes(b"changed: the rest is still checked\n")
        else:
            sub = setup.root / "sub"
            sub.mkdir()
            (sub / b.page(7)[0]).write_bytes(b.page(7)[1])
            if what in ("listed-dir", "listed-dir-copy"):  # in the manifest, then unreadable
                setup.manifest = b.make_manifest(case, setup.root)
            if what == "listed-dir-copy":  # the same bytes, unlisted, outside that folder
                (setup.root / "copy.txt").write_bytes(b.page(7)[1])
            files[1].write_bytes(b"changed: the rest is still checked\n")
            sub.chmod(0)
        return setup

    return build


def _unreadable_root(case: Path) -> Setup:
    """The folder itself cannot be listed: nothing can be checked (exit 3)."""
    root = case / "root"
    b.pages(root)
    root.chmod(0)
    return Setup(root=root, args=["audit", str(root)])


def _symlinked_output(what: str) -> Builder:
    """The output, or its lock, is a symlink to a file outside: it must not be written."""

    def build(case: Path) -> Setup:
        root = case / "root"
        b.pages(root)
        secret = b.outside_file(case)
        before = secret.read_bytes()
        out = case / "manifests" / "out.json"
        link = out if what == "output" else Path(str(out) + ".lock")
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(secret)

        def untouched(_: Path) -> str | None:
            if link.is_symlink() and what == "lock":
                link.unlink()  # the refused lock: the user removes it
            return None if secret.read_bytes() == before else "wrote through a symlink"

        return Setup(root=root, checks=[untouched])

    return build


def _output_dir(case: Path) -> Setup:
    root = case / "root"
    b.pages(root)
    (case / "manifests" / "m.json").mkdir(parents=True)
    return Setup(root=root, args=["manifest", str(root), "-o", str(case / "manifests" / "m.json")])


def _argv(*args: str, folder: str = "root") -> Builder:
    def build(case: Path) -> Setup:
        root = case / "root"
        b.pages(root)
        (case / "file.txt").write_bytes(b"a file, not a folder\n")
        argv = [a.replace("{root}", str(root)).replace("{case}", str(case)) for a in args]
        return Setup(root=root, args=argv)

    return build


def _nested(depth: int) -> Builder:
    return b.named(["/".join(["d"] * depth) + "/" + b.page(0)[0]])


def _zero_byte(case: Path) -> Setup:
    root = case / "root"
    root.mkdir(parents=True)
    name = f"000_{EMPTY_SHA256[:16]}.txt"
    (root / name).write_bytes(b"")

    def hashed(c: Path) -> str | None:
        text = (c / "manifests" / "out.json").read_text(encoding="utf-8")
        return None if EMPTY_SHA256 in text else "zero-byte file not hashed as e3b0c442…"

    return Setup(root=root, checks=[hashed])


def _content(data: bytes) -> Builder:
    return lambda case: _one_file(case, data)


def _one_file(case: Path, data: bytes) -> Setup:
    root = case / "root"
    root.mkdir(parents=True)
    name = f"000_{hashlib.sha256(data).hexdigest()[:16]}.txt"
    (root / name).write_bytes(data)
    return Setup(root=root)


def _many_changes(root: Path) -> None:
    files = sorted(root.iterdir())
    files[0].write_bytes(b"changed\n")
    files[1].unlink()
    files[2].rename(root / "renamed.txt")
    (root / "new.txt").write_bytes(b"new\n")


def _subdir(case: Path) -> Setup:
    return b.named(["sub/a.txt", "b.txt"])(case)


def _dir_to_link(root: Path) -> None:
    """Swap a listed folder for a symlink to a folder outside holding the same names."""
    outside = root.parent / "outside" / "sub"
    outside.parent.mkdir(exist_ok=True)
    (root / "sub").rename(outside)
    (root / "sub").symlink_to(outside)


def _file_to_dir(root: Path) -> None:
    first = sorted(root.iterdir())[0]
    first.unlink()
    first.mkdir()
    (first / "inner.txt").write_bytes(b"inner\n")


def _add(name: str) -> Callable[[Path], None]:
    return lambda root: (root / name).write_bytes(b"twin\n")


def _cases() -> list[Case]:
    cases = [case_row(f"traversal-{k}", "verify", b.listed(v), 2) for k, v in TRAVERSAL.items()]
    cases += [
        case_row(f"lookalike-{k}", "verify", b.listed(v), 1, "missing")
        for k, v in LOOKALIKE.items()
    ]
    for kind in SPECIALS:
        cases.append(case_row(f"{kind}-audit", "audit", b.special(kind), 1, "special-file"))
        cases.append(
            case_row(f"{kind}-verify", "verify", b.special(kind, replace=True), 1, "special-file")
        )
    cases += [
        case_row("link-outside-manifest", "manifest", b.special("link-outside"), 0, "special-file"),
        case_row("fifo-manifest", "manifest", b.special("fifo"), 0, "special-file"),
        case_row(
            "link-outside-deep", "audit", b.special("link-outside", where="a/b"), 1, "special-file"
        ),
    ]
    cases += [
        case_row(f"roundtrip-{k}", "roundtrip", b.named([f"{v}/{b.page(0)[0]}"]), 0)
        for k, v in ROUNDTRIP_DIRS.items()
    ]
    cases += [
        case_row(f"near-miss-{k}", "audit", b.named([v]), 1, "bad-name")
        for k, v in NEAR_MISSES.items()
    ]
    cases += [
        case_row("roundtrip-bad-base-name-lf", "roundtrip", b.named(["a\nb.txt"]), 0),
        case_row("bad-base-name-lf-audit", "audit", b.named(["a\nb.txt"]), 1, "bad-name"),
        case_row("roundtrip-deep-60", "roundtrip", _nested(60), 0),
        case_row("refuse-backslash-name", "manifest", b.named(["back\\slash.txt"]), 2),
        case_row("refuse-tilde-name", "manifest", b.named(["~backup.txt"]), 2),
        case_row("refuse-drive-like-name", "manifest", b.named(["c:/x.txt"]), 2),
        case_row("non-utf8-name-manifest", "manifest", b.named([], bytes_names=[b"\xff.txt"]), 2),
        case_row("non-utf8-name-audit", "audit", b.named([], bytes_names=[b"\xff.txt"]), 2),
        case_row(
            "non-utf8-dir-manifest", "manifest", b.named([], bytes_names=[b"d\xe9j\xe0/x.txt"]), 2
        ),
        case_row(
            "non-utf8-name-verify",
            "verify",
            b.then_manifest(b.named(["a.txt"]), _add("\udcff.txt")),
            2,
        ),
        case_row(
            "nfc-to-nfd-rename",
            "verify",
            b.then_manifest(b.named([CAFE]), _rename(CAFE, CAFE_NFD)),
            0,
            "normalisation-rename",
        ),
        case_row(
            "nfd-to-nfc-rename",
            "verify",
            b.then_manifest(b.named([CAFE_NFD]), _rename(CAFE_NFD, CAFE)),
            0,
            "normalisation-rename",
        ),
        case_row("nfc-nfd-collision-manifest", "manifest", b.named([CAFE, CAFE_NFD]), 2),
        case_row("nfc-nfd-collision-audit", "audit", b.named([CAFE, CAFE_NFD]), 2),
        case_row("case-collision-manifest", "manifest", b.named(["a.txt", "A.txt"]), 2),
        case_row("case-collision-audit", "audit", b.named(["a.txt", "A.txt"]), 2),
        case_row("kelvin-collision-manifest", "manifest", b.named(["k.txt", "\u212a.txt"]), 2),
        # A twin of a listed name stays unlisted (nothing vouches for its bytes), with a
        # name-collision warning naming the listed file it folds onto.
        case_row(
            "case-collision-verify",
            "verify",
            b.then_manifest(b.named(["a.txt"]), _add("A.txt")),
            1,
            "name-collision",
            "unlisted",
        ),
        case_row(
            "nfd-twin-verify",
            "verify",
            b.then_manifest(b.named([CAFE]), _add(CAFE_NFD)),
            1,
            "name-collision",
            "unlisted",
        ),
        case_row(
            "kelvin-twin-verify",
            "verify",
            b.then_manifest(b.named(["k.txt"]), _add("\u212a.txt")),
            1,
            "name-collision",
            "unlisted",
        ),
        case_row(
            "twin-after-rename-verify",
            "verify",
            b.then_manifest(b.named(["a.txt", "b.txt"]), _rename("b.txt", "B.txt")),
            1,
            "moved",
        ),
        case_row(
            "case-collision-in-manifest",
            "verify",
            b.edited(
                lambda d: d["files"].append(
                    {**d["files"][0], "path": d["files"][0]["path"].upper()}
                )
            ),
            2,
        ),
        case_row(
            "nfd-twin-in-manifest",
            "verify",
            b.edited(
                lambda d: d["files"].extend(
                    [{**d["files"][0], "path": CAFE}, {**d["files"][0], "path": CAFE_NFD}]
                )
            ),
            2,
        ),
        case_row("zero-byte-manifest", "manifest", _zero_byte, 0),
        case_row("zero-byte-roundtrip", "roundtrip", _zero_byte, 0),
        # Junk pages have no date and no URL: audit exits 1 (missing-timestamp, missing-url).
        case_row("binary-nul-audit", "audit", _content(b"\x00\x01\x02" * 1000), 1),
        case_row("random-bytes-audit", "audit", _content(bytes(range(256)) * 256), 1),
        case_row("invalid-utf8-audit", "audit", _content(b"caf\xe9 \xff\xfe news\n"), 1),
        case_row("utf16-bom-audit", "audit", _content("\ufeffnews".encode("utf-16")), 1),
        case_row("crlf-page-audit", "audit", _content(b"line\r\n" * 1000), 1),
        case_row("one-long-line-audit", "audit", _content(b"x" * (3 << 20)), 1),
        case_row(
            "unreadable-file-verify",
            "verify",
            _unreadable("file"),
            1,
            "changed",
            "unreadable",
            as_nobody=True,
        ),
        case_row(
            "unreadable-file-audit", "audit", _unreadable("file"), 1, "unreadable", as_nobody=True
        ),
        # One unreadable folder is reported and the rest still checked (exit 1, not 3).
        case_row(
            "unreadable-dir-audit", "audit", _unreadable("dir"), 1, "unreadable", as_nobody=True
        ),
        case_row(
            "unreadable-dir-verify",
            "verify",
            _unreadable("listed-dir"),
            1,
            "changed",
            "unreadable",  # the folder, and the listed page inside it (not "missing")
            as_nobody=True,
        ),
        # Its page may still be there: an unlisted copy elsewhere is not a move.
        case_row(
            "unreadable-dir-copy-elsewhere-verify",
            "verify",
            _unreadable("listed-dir-copy"),
            1,
            "changed",
            "unlisted",
            "unreadable",
            as_nobody=True,
        ),
        case_row(
            "unreadable-dir-manifest",
            "manifest",
            _unreadable("dir"),
            0,
            "unreadable",
            as_nobody=True,
        ),
        case_row("unreadable-root-audit", "cli", _unreadable_root, 3, as_nobody=True),
        case_row(
            "file-became-dir",
            "verify",
            b.then_manifest(b.named(["x.txt"]), _file_to_dir),
            1,
            "missing",
            "unlisted",
        ),
        case_row(
            "all-changes-together",
            "verify",
            b.then_manifest(b.named(["a", "b", "c"]), _many_changes),
            1,
            "changed",
            "missing",
            "moved",
            "unlisted",
        ),
    ]
    cases += manifest_cases()
    cases += race_cases()
    cases += bag_cases()
    cases += [
        case_row("output-is-directory", "cli", _output_dir, 3),
        case_row("output-is-symlink-outside", "manifest", _symlinked_output("output"), 0),
        case_row("lock-is-symlink-outside", "manifest", _symlinked_output("lock"), 3),
        case_row("empty-folder-roundtrip", "roundtrip", b.named([]), 0),
        case_row(
            "duplicate-hash-audit",
            "audit",
            b.named(["000_0123456789abcdef.txt", "001_0123456789abcdef.txt"]),
            1,
            "duplicate-hash",
        ),
        case_row("output-locked", "manifest", _hold_lock, 3),
        case_row("stale-lock-dead-pid", "manifest", _stale(b"99999999", 0), 0),
        case_row("stale-lock-empty", "manifest", _stale(b"", 0), 0),
        case_row("stale-temp-files", "manifest", _stale(None, 3), 0),
        case_row(
            "output-inside-folder", "cli", _argv("manifest", "{root}", "-o", "{root}/m.json"), 2
        ),
        case_row(
            "dir-replaced-by-symlink",
            "verify",
            b.then_manifest(_subdir, _dir_to_link),
            1,
            "missing",
            "special-file",
        ),
        case_row("jobs-zero", "cli", _argv("audit", "{root}", "--jobs", "0"), 2),
        case_row(
            "unknown-scheme", "cli", _argv("audit", "{root}", "--name-scheme", "rot13:content"), 2
        ),
        case_row("audit-missing-folder", "cli", _argv("audit", "{case}/nope"), 3),
        case_row("audit-folder-is-file", "cli", _argv("audit", "{case}/file.txt"), 3),
        case_row("verify-missing-manifest", "cli", _argv("verify", "{case}/nope.json"), 2),
    ]
    return cases


CASES: list[Case] = _cases()
BY_NAME = {c.name: c for c in CASES}
assert len(BY_NAME) == len(CASES), "case names must be unique"
