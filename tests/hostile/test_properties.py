"""Properties over the name parser, the timestamp parsers, the URL functions, the extractor
entry point, the manifest readers (the model's and verify's) and the walk.

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

from provenance import listing, timestamps, urls
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


PARSERS = [
    timestamps.parse_any,
    timestamps.parse_iso,
    timestamps.parse_rfc2822,
    timestamps.parse_english,
    timestamps.parse_slashed,
    timestamps.parse_zh,
    timestamps.parse_epoch,
    timestamps.parse_wayback,
]
stamp_text = st.one_of(
    st.text(max_size=60),
    st.from_regex(r"[0-9０-９]{1,14}([-/年月日T: .][0-9０-９]{0,4}){0,6}[Z+\-0-9:]{0,6}"),
    st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=3).map(" ".join),
)


@given(st.sampled_from(PARSERS), stamp_text)
def test_timestamp_parsers_give_a_moment_or_none(parse: Any, text: str) -> None:
    EXAMPLES["timestamp parsers"] += 1
    moment = parse(text)
    if moment is None:
        return
    assert isinstance(moment, timestamps.Moment)
    # every moment a parser gives can be shown, checked and compared without raising
    assert isinstance(moment.value, str)
    problem = timestamps.check(moment)
    assert problem is None or isinstance(problem, str)
    if moment.valid:
        assert moment.earliest() <= moment.latest()


url_text = st.one_of(
    st.text(max_size=60),
    st.sampled_from([f for f in FRAGMENTS if ":" in f]),
    st.builds(
        "{}{}://{}{}".format,
        st.sampled_from(["", " ", "\t", "\n"]),
        st.sampled_from(["http", "HTTPS", "javascript", "file", "data", "ftp", "h\ttp"]),
        st.text(max_size=20),
        st.text(max_size=20),
    ),
)


@given(url_text)
def test_url_functions_never_raise_nor_keep_a_rejected_scheme(text: str) -> None:
    EXAMPLES["URL functions"] += 1
    normal = urls.normalize(text)
    assert normal is None or urls.scheme(normal) in ("http", "https")
    assert isinstance(urls.host(text), str)
    if urls.is_rejected_scheme(text):  # javascript:, data:, file:, mailto: never original
        assert normal is None and not urls.is_original_candidate(text)
    wayback = urls.unwrap_wayback(text)
    assert wayback is None or isinstance(wayback[0], str)


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
    again = manifests.parse(manifests.dump(result), where="again")
    # the seal belongs to the bytes: the dump is sealed anew, all else must come back
    assert again.seal is not None
    assert again.model_copy(update={"seal": None}) == result.model_copy(update={"seal": None})


@given(
    st.one_of(
        st.binary(max_size=2048),
        json_values.map(lambda v: json.dumps(v).encode()),
        mutated_manifest(),
    ),
    st.booleans(),
)
def test_verify_reader_raises_only_manifest_error(data: bytes, streamed: bool) -> None:
    EXAMPLES["verify's manifest reader"] += 1
    # verify reads manifests with its own loader (whole, or record by record when large)
    folder = Path(tempfile.mkdtemp(prefix="provenance-prop-"))
    try:
        (folder / "m.json").write_bytes(data)
        loaded = listing.load_listing(
            str(folder / "m.json"), stream_above=-1 if streamed else 1 << 30
        )
    except ManifestError as e:
        assert "\n" not in e.one_line()
        return
    finally:
        shutil.rmtree(folder)
    assert all(isinstance(f.path, str) and f.size >= 0 for f in loaded.files)


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
