"""The hostile cases: one row each, builder + command + expected exit code and codes.

Commands: ``verify`` (the manifest the builder made), ``audit`` and ``manifest`` (the
builder's root), ``roundtrip`` (manifest, then verify: paths must come back exactly) and
``cli`` (the builder's own argv). Codes are verify's finding codes, or for audit and
manifest the file problems in :data:`WATCHED` (extraction problems are left to the
extraction tests, so new extractors do not change these rows).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import builders as b
from .builders import Builder, Setup

WATCHED = frozenset(
    {
        "special-file",
        "unreadable",
        "bad-name",
        "name-hash-mismatch",
        "duplicate-hash",
        "duplicate-sequence",
    }
)
EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


@dataclass(frozen=True)
class Case:
    """One hostile input and what provenance must do with it."""

    name: str
    command: str
    build: Builder
    expect_exit: int
    expect_codes: tuple[str, ...] = ()
    as_nobody: bool = False  # needs a user that file permissions apply to

    @property
    def expects_finding(self) -> bool:
        """A case where exit 0 with no code would be a silent pass."""
        return self.expect_exit != 0 or bool(self.expect_codes)


def _c(name: str, command: str, build: Builder, code: int, *codes: str, **kw: Any) -> Case:
    return Case(name, command, build, code, tuple(sorted(codes)), **kw)


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
            sub.chmod(0)
        return setup

    return build


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
    outside = root.parent / "outside-sub"
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
    cases = [_c(f"traversal-{k}", "verify", b.listed(v), 2) for k, v in TRAVERSAL.items()]
    cases += [
        _c(f"lookalike-{k}", "verify", b.listed(v), 1, "missing") for k, v in LOOKALIKE.items()
    ]
    for kind in SPECIALS:
        cases.append(_c(f"{kind}-audit", "audit", b.special(kind), 1, "special-file"))
        cases.append(
            _c(f"{kind}-verify", "verify", b.special(kind, replace=True), 1, "special-file")
        )
    cases += [
        _c("link-outside-manifest", "manifest", b.special("link-outside"), 0, "special-file"),
        _c("fifo-manifest", "manifest", b.special("fifo"), 0, "special-file"),
        _c("link-outside-deep", "audit", b.special("link-outside", where="a/b"), 1, "special-file"),
    ]
    cases += [
        _c(f"roundtrip-{k}", "roundtrip", b.named([f"{v}/{b.page(0)[0]}"]), 0)
        for k, v in ROUNDTRIP_DIRS.items()
    ]
    cases += [
        _c(f"near-miss-{k}", "audit", b.named([v]), 1, "bad-name") for k, v in NEAR_MISSES.items()
    ]
    cases += [
        _c("roundtrip-bad-base-name-lf", "roundtrip", b.named(["a\nb.txt"]), 0),
        _c("bad-base-name-lf-audit", "audit", b.named(["a\nb.txt"]), 1, "bad-name"),
        _c("roundtrip-deep-60", "roundtrip", _nested(60), 0),
        _c("refuse-backslash-name", "manifest", b.named(["back\\slash.txt"]), 2),
        _c("refuse-tilde-name", "manifest", b.named(["~backup.txt"]), 2),
        _c("refuse-drive-like-name", "manifest", b.named(["c:/x.txt"]), 2),
        _c("non-utf8-name-manifest", "manifest", b.named([], bytes_names=[b"\xff.txt"]), 2),
        _c("non-utf8-name-audit", "audit", b.named([], bytes_names=[b"\xff.txt"]), 2),
        _c("non-utf8-dir-manifest", "manifest", b.named([], bytes_names=[b"d\xe9j\xe0/x.txt"]), 2),
        _c(
            "non-utf8-name-verify",
            "verify",
            b.then_manifest(b.named(["a.txt"]), _add("\udcff.txt")),
            2,
        ),
        _c(
            "nfc-to-nfd-rename",
            "verify",
            b.then_manifest(b.named([CAFE]), _rename(CAFE, CAFE_NFD)),
            0,
            "normalisation-rename",
        ),
        _c(
            "nfd-to-nfc-rename",
            "verify",
            b.then_manifest(b.named([CAFE_NFD]), _rename(CAFE_NFD, CAFE)),
            0,
            "normalisation-rename",
        ),
        _c("nfc-nfd-collision-manifest", "manifest", b.named([CAFE, CAFE_NFD]), 2),
        _c("nfc-nfd-collision-audit", "audit", b.named([CAFE, CAFE_NFD]), 2),
        _c("case-collision-manifest", "manifest", b.named(["a.txt", "A.txt"]), 2),
        _c("case-collision-audit", "audit", b.named(["a.txt", "A.txt"]), 2),
        _c("kelvin-collision-manifest", "manifest", b.named(["k.txt", "\u212a.txt"]), 2),
        _c(
            "case-collision-verify",
            "verify",
            b.then_manifest(b.named(["a.txt"]), _add("A.txt")),
            1,
            "unlisted",
        ),
        _c(
            "case-collision-in-manifest",
            "verify",
            b.edited(
                lambda d: d["files"].append(
                    {**d["files"][0], "path": d["files"][0]["path"].upper()}
                )
            ),
            2,
        ),
        _c(
            "nfd-twin-in-manifest",
            "verify",
            b.edited(
                lambda d: d["files"].extend(
                    [{**d["files"][0], "path": CAFE}, {**d["files"][0], "path": CAFE_NFD}]
                )
            ),
            2,
        ),
        _c("zero-byte-manifest", "manifest", _zero_byte, 0),
        _c("zero-byte-roundtrip", "roundtrip", _zero_byte, 0),
        _c("binary-nul-audit", "audit", _content(b"\x00\x01\x02" * 1000), 0),
        _c("random-bytes-audit", "audit", _content(bytes(range(256)) * 256), 0),
        _c("invalid-utf8-audit", "audit", _content(b"caf\xe9 \xff\xfe news\n"), 0),
        _c("utf16-bom-audit", "audit", _content("\ufeffnews".encode("utf-16")), 0),
        _c("crlf-page-audit", "audit", _content(b"line\r\n" * 1000), 0),
        _c("one-long-line-audit", "audit", _content(b"x" * (3 << 20)), 0),
        _c(
            "unreadable-file-verify",
            "verify",
            _unreadable("file"),
            1,
            "changed",
            "unreadable",
            as_nobody=True,
        ),
        _c("unreadable-file-audit", "audit", _unreadable("file"), 1, "unreadable", as_nobody=True),
        _c("unreadable-dir-audit", "audit", _unreadable("dir"), 3, as_nobody=True),
        _c(
            "file-became-dir",
            "verify",
            b.then_manifest(b.named(["x.txt"]), _file_to_dir),
            1,
            "missing",
            "unlisted",
        ),
        _c(
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
    cases += _manifest_cases()
    cases += [
        _c("output-is-directory", "cli", _output_dir, 3),
        _c("output-is-symlink-outside", "manifest", _symlinked_output("output"), 0),
        _c("lock-is-symlink-outside", "manifest", _symlinked_output("lock"), 3),
        _c("empty-folder-roundtrip", "roundtrip", b.named([]), 0),
        _c(
            "duplicate-hash-audit",
            "audit",
            b.named(["000_0123456789abcdef.txt", "001_0123456789abcdef.txt"]),
            1,
            "duplicate-hash",
        ),
        _c("output-locked", "manifest", _hold_lock, 3),
        _c("stale-lock-dead-pid", "manifest", _stale(b"99999999", 0), 0),
        _c("stale-lock-empty", "manifest", _stale(b"", 0), 0),
        _c("stale-temp-files", "manifest", _stale(None, 3), 0),
        _c("output-inside-folder", "cli", _argv("manifest", "{root}", "-o", "{root}/m.json"), 2),
        _c(
            "dir-replaced-by-symlink",
            "verify",
            b.then_manifest(_subdir, _dir_to_link),
            1,
            "missing",
            "special-file",
        ),
        _c("jobs-zero", "cli", _argv("audit", "{root}", "--jobs", "0"), 2),
        _c("unknown-scheme", "cli", _argv("audit", "{root}", "--name-scheme", "rot13:content"), 2),
        _c("audit-missing-folder", "cli", _argv("audit", "{case}/nope"), 3),
        _c("audit-folder-is-file", "cli", _argv("audit", "{case}/file.txt"), 3),
        _c("verify-missing-manifest", "cli", _argv("verify", "{case}/nope.json"), 2),
    ]
    return cases


def _truncate(fraction: float) -> Callable[[bytes], bytes]:
    return lambda data: data[: int(len(data) * fraction)]


def _fifo_manifest(case: Path) -> Setup:
    setup = b.standard(case)
    assert setup.manifest is not None
    setup.manifest.unlink()
    os.mkfifo(setup.manifest)
    return setup


def _device_manifest(case: Path) -> Setup:
    setup = b.standard(case)
    assert setup.manifest is not None
    setup.manifest.unlink()
    reason = b.make_special(case, "device-zero", setup.manifest)
    setup.skip = reason if isinstance(reason, str) else None
    return setup


def _dir_manifest(case: Path) -> Setup:
    setup = b.standard(case)
    assert setup.manifest is not None
    setup.manifest.unlink()
    setup.manifest.mkdir()
    return setup


def _first(key: str, value: object) -> Callable[[dict[str, Any]], None]:
    return lambda d: d["files"][0].__setitem__(key, value)


def _manifest_cases() -> list[Case]:
    v = "verify"
    return [
        _c("manifest-empty", v, b.raw(lambda _: b""), 2),
        _c("manifest-truncated-half", v, b.raw(_truncate(0.5)), 2),
        _c("manifest-truncated-1-byte", v, b.raw(lambda d: d[:1]), 2),
        _c("manifest-truncated-end", v, b.raw(lambda d: d[:-2]), 2),
        _c("manifest-bom", v, b.raw(lambda d: b"\xef\xbb\xbf" + d), 2),
        _c("manifest-crlf", v, b.raw(lambda d: d.replace(b"\n", b"\r\n")), 0),
        _c("manifest-utf16", v, b.raw(lambda d: d.decode().encode("utf-16")), 2),
        _c("manifest-latin1", v, b.raw(lambda d: d.replace(b'"folder": "', b'"folder": "\xe9')), 2),
        _c("manifest-not-json", v, b.raw(lambda _: b"hello world\n"), 2),
        _c("manifest-array", v, b.raw(lambda _: b"[]"), 2),
        _c("manifest-null", v, b.raw(lambda _: b"null"), 2),
        _c("manifest-nul-bytes", v, b.raw(lambda d: d[:20] + b"\x00" * 8 + d[20:]), 2),
        _c("manifest-deep-nesting", v, b.raw(lambda _: b"[" * 200_000), 2),
        _c(
            "manifest-huge-int",
            v,
            b.raw(lambda d: d.replace(b'"file_count": 3', b'"file_count": ' + b"9" * 5000)),
            2,
        ),
        _c(
            "manifest-duplicate-keys",
            v,
            b.raw(lambda d: d.replace(b'"files": [', b'"files": [], "files": [', 1)),
            2,
        ),
        _c("manifest-version-2", v, b.edited(lambda d: d.__setitem__("manifest_version", 2)), 2),
        _c(
            "manifest-version-string",
            v,
            b.edited(lambda d: d.__setitem__("manifest_version", "1")),
            2,
        ),
        _c("manifest-version-missing", v, b.edited(lambda d: d.pop("manifest_version")), 2),
        _c("manifest-unknown-field", v, b.edited(lambda d: d.__setitem__("extra", 1)), 2),
        _c("manifest-files-not-list", v, b.edited(lambda d: d.__setitem__("files", {})), 2),
        _c("manifest-record-not-object", v, b.edited(lambda d: d["files"].append("x")), 2),
        _c("manifest-sha-missing", v, b.edited(lambda d: d["files"][0].pop("sha256")), 2),
        _c(
            "manifest-sha-upper",
            v,
            b.edited(lambda d: _first("sha256", d["files"][0]["sha256"].upper())(d)),
            2,
        ),
        _c("manifest-size-negative", v, b.edited(_first("size", -1)), 2),
        _c("manifest-size-nan", v, b.edited(_first("size", float("nan"))), 2),
        _c("manifest-status-unknown", v, b.edited(_first("status", "fine")), 2),
        _c("manifest-problem-malformed", v, b.edited(_first("problems", [{"code": 1}])), 2),
        _c("manifest-path-int", v, b.edited(_first("path", 7)), 2),
        _c(
            "manifest-duplicate-path",
            v,
            b.edited(lambda d: d["files"].append(dict(d["files"][0]))),
            2,
        ),
        _c(
            "manifest-count-mismatch",
            v,
            b.edited(lambda d: d.__setitem__("file_count", 2), recount=False),
            2,
        ),
        _c(
            "manifest-bytes-mismatch",
            v,
            b.edited(lambda d: d.__setitem__("total_bytes", 1), recount=False),
            2,
        ),
        _c("manifest-record-removed", v, b.edited(lambda d: d["files"].pop()), 1, "unlisted"),
        _c("manifest-unsorted", v, b.edited(lambda d: d["files"].reverse()), 0),
        _c("manifest-padded-1mb", v, b.raw(lambda d: d + b" " * (1 << 20)), 0),
        _c(
            "manifest-other-extractor",
            v,
            b.edited(lambda d: d.__setitem__("extractor_version", "old")),
            0,
        ),
        _c("manifest-is-directory", v, _dir_manifest, 2),
        _c("manifest-is-fifo", v, _fifo_manifest, 2),
        _c("manifest-is-device", v, _device_manifest, 2),
        _c("folder-absolute", v, b.folder_field("/etc"), 2),
        _c("folder-root", v, b.folder_field("/"), 2),
        _c("folder-tilde", v, b.folder_field("~"), 2),
        _c("folder-nul", v, b.folder_field("../root\x00"), 2),
        _c("folder-drive", v, b.folder_field("C:\\data"), 2),
        _c("folder-missing", v, b.folder_field("../nowhere"), 3),
    ]


CASES: list[Case] = _cases()
BY_NAME = {c.name: c for c in CASES}
assert len(BY_NAME) == len(CASES), "case names must be unique"
