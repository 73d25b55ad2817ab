"""Deterministic benchmark corpora: small pages in the seeds' layouts, large files, huge manifests.

Every corpus is a pure function of its parameters and a fixed seed, so two runs (or two
machines) measure the same bytes. Pages are assembled from the sentences of the bundled
seeds in their four layouts (Epoch Times, VOA/feedx, Sound of Hope and Minghui mirrors),
3–12 KB each, named ``NNNNN_<first 16 hex of sha256(content)>.txt`` like the seeds.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SEED_DIRS = (ROOT / "tests" / "data" / "seeds", ROOT / "tests" / "data" / "corpora")
RANDOM_SEED = 20261122
MB = 1 << 20


def _sentences() -> list[str]:
    """Sentences cut from the bundled pages: real script, real punctuation, real widths."""
    found: list[str] = []
    for folder in SEED_DIRS:
        for path in sorted(folder.rglob("*.txt")):
            text = path.read_text(encoding="utf-8", errors="replace")
            found += [s.strip() + "。" for s in text.split("。") if 8 <= len(s.strip()) <= 400]
    return found


def _header(layout: int, title: str, article: int, rng: random.Random) -> str:
    if layout == 0:  # Epoch Times mirror
        nav = " &nbsp;|&nbsp; ".join(
            f"[{n}](../../../../../{p}?n{article})"
            for n, p in (("首页", ".."), ("评论", "epoch-comment"), ("禁闻", "epoch-news"))
        )
        return f"### {title}\n\n---\n\n#### {nav}\n\n\n<div>"
    if layout == 1:  # VOA via feedx: the capture time in milliseconds on the first line
        ms = 1_500_000_000_000 + article * 997
        url = f"https://www.voachinese.com/a/{article}.html"
        return f"<!--{ms}-->\n[{title}]({url})\n------\n\n<div><i>{rng.randint(1, 28)} Apr 2021</i>"
    if layout == 2:  # Sound of Hope mirror
        return f"### {title}\n------------------------\n\n#### [首页](../../README.md)\n\n<div>"
    return (  # Minghui mirror
        f"### {title}\n------------------------\n\n"
        "#### [首页](https://github.com/begood0513/goodnews/blob/master/README.md)\n\n"
        '<div class="ar_articleContent" id="ar_bArticleContent">'
    )


def _footer(layout: int, article: int) -> str:
    urls = (
        f"原文链接（需翻墙）：https://www.epochtimes.com/gb/21/8/25/n{article}.htm",
        "<div>获取更多RSS：https://feedx.net</div>",
        f"原文地址（需翻墙访问）：https://www.soundofhope.org/post/{article}",
        f"原文链接：http://www.minghui.org/mh/articles/2020/12/19/{article}.html",
    )
    return f"</div>\n\n---\n\n{urls[layout]}\n"


def page(index: int, sentences: list[str], rng: random.Random) -> bytes:
    """One synthetic page of 3–12 KB in one of the four seed layouts."""
    layout = index % 4
    article = 13_000_000 + index
    target = rng.randint(3 * 1024, 12 * 1024)
    title = rng.choice(sentences)[:40].rstrip("。")
    parts = [_header(layout, title, article, rng)]
    size = len(parts[0].encode("utf-8")) + 200
    while size < target:
        s = rng.choice(sentences)
        parts.append(f"<p>{s}</p>\n")
        size += len(parts[-1].encode("utf-8"))
    parts.append(_footer(layout, article))
    return "".join(parts).encode("utf-8")[:target]


def make_pages(folder: Path, count: int) -> int:
    """Write ``count`` pages into ``folder`` (flat, as the seeds); return the bytes written."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(RANDOM_SEED)
    sentences = _sentences()
    width = max(3, len(str(count - 1)))
    total = 0
    for index in range(count):
        data = page(index, sentences, rng)
        name = f"{index:0{width}d}_{hashlib.sha256(data).hexdigest()[:16]}.txt"
        (folder / name).write_bytes(data)
        total += len(data)
    return total


def make_large(folder: Path, count: int, size_mb: int) -> int:
    """Write ``count`` files of ``size_mb`` MB of incompressible, seeded bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    block = random.Random(RANDOM_SEED).randbytes(4 * MB)
    for index in range(count):
        path = folder / f"{index:03d}_{index:016x}.bin"
        if path.exists() and path.stat().st_size == size_mb * MB:
            continue
        with open(path, "wb") as out:
            for chunk in range(size_mb // 4):
                # a different first byte per block keeps every block's digest distinct
                out.write(bytes([chunk % 256, index % 256]) + block[2:])
    return count * size_mb * MB


def make_tiny(folder: Path, count: int) -> None:
    """Write ``count`` files of a few bytes each, spread over 1,000 sub-folders."""
    for index in range(count):
        sub = folder / f"{index % 1000:03d}"
        if index < 1000:
            sub.mkdir(parents=True, exist_ok=True)
        fd = os.open(sub / f"{index:07d}_{index:016x}.txt", os.O_WRONLY | os.O_CREAT, 0o644)
        os.write(fd, b"%d\n" % index)
        os.close(fd)


def million_manifest(path: Path, count: int, *, sealed: bool = True) -> None:
    """A schema-valid manifest of ``count`` records, in the layout provenance writes.

    Written record by record (a million records would not fit comfortably in memory
    twice); ``sealed`` adds the seal provenance writes (:mod:`provenance.seal`), computed
    over the same bytes as they are written to a temporary file.
    """
    from provenance import listing, seal
    from provenance.extractor_version import EXTRACTOR_VERSION

    record = {
        "path": "",
        "size": 0,
        "sha256": "",
        "status": "ok",
        "encoding": "utf-8",
        "name": None,
        "name_hash": None,
        "published": None,
        "captured": None,
        "original_url": None,
        "mirror_url": None,
        "title": None,
        "publisher": None,
        "candidates": [],
        "problems": [],
    }
    total = sum(len(b"%d\n" % index) for index in range(count))
    head = {
        "manifest_version": 1,
        "folder": "tiny",
        "extractor_version": EXTRACTOR_VERSION,  # as verify loads it on most runs
        "name_scheme": None,
        "file_count": count,
        "total_bytes": total,
    }
    body = path.with_suffix(".body")
    with open(body, "wb") as out:
        for index in range(count):
            data = b"%d\n" % index
            record["path"] = f"{index % 1000:03d}/{index:07d}_{index:016x}.txt"
            record["size"] = len(data)
            record["sha256"] = hashlib.sha256(data).hexdigest()
            line = b"  " + json.dumps(record, separators=(",", ":")).encode()
            out.write(line + (b",\n" if index < count - 1 else b"\n"))
        out.write(b" ]\n}\n")
    if sealed:
        with open(body, "rb") as data_in:
            chunks = iter(lambda: data_in.read(8 << 20), b"")
            head["seal"] = seal.compute([_top(listing, head), *chunks])
    with open(path, "wb") as out, open(body, "rb") as data_in:
        out.write(_top(listing, head))
        while chunk := data_in.read(8 << 20):
            out.write(chunk)
    body.unlink()


def _top(listing: Any, head: dict[str, Any]) -> bytes:
    """The header's lines and ' "files": [' as the writer renders them, before the records."""
    return listing.render_parts(head, [])[: -len(b' "files": []\n}\n')] + b' "files": [\n'
