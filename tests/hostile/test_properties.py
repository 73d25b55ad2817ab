"""Properties over the name parser, the extractor entry point, the manifest reader and the walk.

No exception escapes except the documented one, and every file gets exactly one status
from the closed set. Example counts come from the Hypothesis profile (``push`` 200 each,
``nightly`` 10,000 each; ``HYPOTHESIS_PROFILE``). ``EXAMPLES`` counts what really ran,
for the figures command.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any, get_args

from hypothesis import given
from hypothesis import strategies as st

from provenance import manifest as manifests
from provenance.errors import InputError, ManifestError
from provenance.extract import Extraction, extract_file
from provenance.models import FileStatus, Manifest, Problem
from provenance.names import name_problems, parse_name

from .builders import page
from .table import LOOKALIKE, TRAVERSAL

EXAMPLES: Counter[str] = Counter()
STATUSES = frozenset(get_args(FileStatus))

near_names = st.from_regex(
    r"[0-9\uff10-\uff19]{1,4}_[0-9a-fA-F]{15,17}\.(txt|TXT|html|t\u0445t)", fullmatch=True
)
names = st.one_of(near_names, st.text(max_size=40), st.sampled_from([page(1)[0], ""]))

FRAGMENTS = [
    "2024-02-30 10:00",
    "2099-01-01T00:00:00Z",
    "1970-01-01",
    "发布时间：2023年5月6日 14:30",
    "Published: Feb 30, 2021",
    "https://example.org/news/1",
    " \thttps://例え.jp/パス?q=1\n",
    "javascript:alert(1)",
    "data:text/html,<b>x</b>",
    "file:///etc/passwd",
    "mailto:a@b.c",
    "http://127.0.0.1/",
    "http://[::ffff:127.0.0.1]/",
    "<title>t</title>",
    "\ufeff",
    "\r\n",
    "\x00",
]
CODECS = ["utf-8", "utf-16", "gbk", "big5", "latin-1", "utf-8-sig", "shift_jis"]


@st.composite
def page_bytes(draw: st.DrawFn) -> bytes:
    """Text made of date/URL fragments and noise, in some encoding, or raw bytes."""
    if draw(st.booleans()):
        return draw(st.binary(max_size=4096))
    parts = draw(st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=30)), max_size=20))
    return "\n".join(parts).encode(draw(st.sampled_from(CODECS)), "replace")


@given(names)
def test_name_parser_round_trips_or_says_none(name: str) -> None:
    EXAMPLES["name parser"] += 1
    claim = parse_name(name)
    if claim is not None:
        assert f"{claim.sequence_text}_{claim.hash}.{claim.extension}" == name
        assert name.isascii()
    problems = name_problems(name, claim, None)
    assert all(isinstance(p, Problem) for p in problems)
    assert (claim is None) == any(p.code == "bad-name" for p in problems)


@given(page_bytes(), names)
def test_extraction_gives_one_status_from_the_closed_set(data: bytes, name: str) -> None:
    EXAMPLES["extractor"] += 1
    result = extract_file(data, filename=name)
    assert isinstance(result, Extraction)
    assert result.status in STATUSES
    assert all(isinstance(p, Problem) for p in result.problems)


def _valid_doc() -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix="provenance-prop-"))
    try:
        for i in range(3):
            name, data = page(i)
            (tmp / name).write_bytes(data)
        built = manifests.build(str(tmp), str(tmp) + ".json", jobs=1)
        return json.loads(manifests.dump(built))  # type: ignore[no-any-return]
    finally:
        shutil.rmtree(tmp)


VALID = _valid_doc()
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
hostile_paths = st.one_of(
    st.sampled_from([*TRAVERSAL.values(), *LOOKALIKE.values()]), st.text(max_size=30)
)


@st.composite
def mutated_manifest(draw: st.DrawFn) -> bytes:
    """A valid manifest with one field, one record or one path replaced."""
    doc = json.loads(json.dumps(VALID))
    where = draw(st.sampled_from(["top", "record", "path", "drop", "none"]))
    if where == "top":
        doc[draw(st.sampled_from([*doc, "extra"]))] = draw(json_values)
    elif where == "record":
        record = doc["files"][draw(st.integers(0, 2))]
        record[draw(st.sampled_from([*record, "extra"]))] = draw(json_values)
    elif where == "path":
        doc["files"][draw(st.integers(0, 2))]["path"] = draw(hostile_paths)
    elif where == "drop":
        doc.pop(draw(st.sampled_from(sorted(doc))))
    text = json.dumps(
        doc, ensure_ascii=draw(st.booleans()), indent=draw(st.sampled_from([None, 1]))
    )
    data = text.encode("utf-8", "surrogatepass")
    cut = draw(st.integers(0, len(data)))
    return data[:cut] if draw(st.integers(0, 9)) == 0 else data


@given(
    st.one_of(
        st.binary(max_size=2048),
        json_values.map(lambda v: json.dumps(v).encode()),
        mutated_manifest(),
    )
)
def test_manifest_reader_raises_only_manifest_error(data: bytes) -> None:
    EXAMPLES["manifest reader"] += 1
    try:
        result = manifests.parse(data, where="prop.json")
    except ManifestError as e:
        assert "\n" not in e.one_line()
        return
    assert isinstance(result, Manifest)
    assert manifests.parse(manifests.dump(result), where="again") == result


file_names = st.text(
    st.characters(blacklist_characters="/\x00", blacklist_categories=["Cs"]),
    min_size=1,
    max_size=20,
).filter(lambda n: n not in (".", ".."))


@given(st.dictionaries(file_names, st.binary(max_size=512), max_size=6))
def test_every_file_gets_exactly_one_status(files: dict[str, bytes]) -> None:
    EXAMPLES["folder reader"] += 1
    root = Path(tempfile.mkdtemp(prefix="provenance-prop-"))
    try:
        written = set()
        for name, data in files.items():
            try:
                (root / name).write_bytes(data)
            except OSError:
                continue  # a name this file system refuses (too long), or a case twin
            written.add(name)
        try:
            records = manifests.read_folder(str(root), jobs=1)
        except InputError as e:  # names a manifest cannot list: refused with one line
            assert "\n" not in e.one_line()
            return
        assert sorted(r.path for r in records) == sorted(written)
        assert all(r.status in STATUSES for r in records)
    finally:
        shutil.rmtree(root)
