"""URL cleaning, normal form, Wayback unwrapping and the mirror/navigation deny list."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from provenance.urls import (
    clean,
    host,
    is_mirror_or_navigation,
    is_original_candidate,
    is_rejected_scheme,
    normalize,
    unwrap_wayback,
)


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("https://www.epochtimes.com/gb/21/8/25/n13187748.htm",
         "https://www.epochtimes.com/gb/21/8/25/n13187748.htm"),
        ("HTTP://WWW.Example.COM:80/a", "http://www.example.com/a"),
        ("https://example.com:443", "https://example.com/"),
        ("https://example.com:8443/x", "https://example.com:8443/x"),
        ("http://www.minghui.org/mh/articles/2016/10/22/标题-1.html",
         "http://www.minghui.org/mh/articles/2016/10/22/%E6%A0%87%E9%A2%98-1.html"),
        ("https://bücher.example/ä?q=ü#é",
         "https://xn--bcher-kva.example/%C3%A4?q=%C3%BC#%C3%A9"),
        ("https://x.org/a%2fb%7e", "https://x.org/a%2Fb%7E"),
        ("https://x.org/100%", "https://x.org/100%25"),
        ("https://x.org/a b", "https://x.org/a%20b"),
        ("  https://x.org/\tpath\n  ", "https://x.org/path"),
        ("http:/x.org/a", "http://x.org/a"),
    ],
)  # fmt: skip
def test_normalize(raw: str, normal: str) -> None:
    assert normalize(raw) == normal


@pytest.mark.parametrize(
    "raw", ["javascript:alert(1)", "mailto:a@b.c", "data:text/html,x", "file:///etc/passwd",
            "../../README.md", "", "https://", "http://exa mple.com/", "https://x.org:99999/"],
)  # fmt: skip
def test_not_web_urls(raw: str) -> None:
    assert normalize(raw) is None
    assert not is_original_candidate(raw)


@pytest.mark.parametrize("raw", ["javascript:void(0)", " JavaScript:x", "MAILTO:x@y", "data:,x"])
def test_rejected_schemes(raw: str) -> None:
    assert is_rejected_scheme(raw)


def test_clean_follows_whatwg() -> None:
    assert clean("\x00 https://x.org/a\tb\r\nc \x1f") == "https://x.org/abc"


def test_unwrap_wayback() -> None:
    found = unwrap_wayback("https://web.archive.org/web/20190304050607/http://example.com/a?b=1")
    assert found is not None
    original, moment = found
    assert original == "http://example.com/a?b=1"
    assert moment is not None and moment.value == "2019-03-04T05:06:07Z"
    bare = unwrap_wayback("http://web.archive.org/web/20190304id_/example.com/x")
    assert bare is not None and bare[0] == "http://example.com/x"
    assert unwrap_wayback("https://example.com/web/2019/x") is None


@pytest.mark.parametrize(
    "url",
    ["https://github.com/gfw-breaker/nogfw/blob/master/README.md?n13187748",
     "https://github.com/begood0513/goodnews/blob/master/pages/soh6/494741.md",
     "http://gfw-breaker.win/epoch-news/pages/nf1412576/n14037762.md",
     "http://138.68.228.178:10000/videos/blog/", "https://git.io/ogatea2",
     "https://feedx.net", "https://images.weserv.nl?url=x", "https://cdn.jsdelivr.net/gh/a/b",
     "https://gfw-breaker.github.io/x", "http://[::1]/x", "https://web.archive.org/web/2019/x"],
)  # fmt: skip
def test_mirror_and_navigation(url: str) -> None:
    assert is_mirror_or_navigation(url)


@pytest.mark.parametrize(
    "url", ["https://www.soundofhope.org/post/494741", "http://www.minghui.org/mh/a/1.html",
            "https://www.voachinese.com/a/x/5854181.html", "https://www.dw.com/zh/x/a-1"],
)  # fmt: skip
def test_originals(url: str) -> None:
    assert is_original_candidate(url)


def test_host() -> None:
    assert host("https://WWW.Example.com:8080/x") == "www.example.com"
    assert host("not a url") == ""


@given(st.text(max_size=80))
def test_normalize_never_raises_and_is_stable(text: str) -> None:
    normal = normalize("https://example.com/" + text)
    if normal is not None:
        assert normalize(normal) == normal


@given(st.text(max_size=80))
def test_any_text_is_safe_to_normalize(text: str) -> None:
    normal = normalize(text)
    assert normal is None or normal.startswith(("http://", "https://"))


@given(
    st.sampled_from(["http://", "https://", "HTTP://", "https://user:pa ss@", "http://[::1]"]),
    st.text(max_size=20),
    st.text(max_size=40),
)
def test_normal_forms_are_rfc3986_uris(prefix: str, host_text: str, path: str) -> None:
    from rfc3986_validator import validate_rfc3986  # ships with jsonschema[format-nongpl]

    for url in (prefix + host_text + "/" + path, prefix + "example.com/" + path + "#" + path):
        normal = normalize(url)
        assert normal is None or validate_rfc3986(normal, rule="URI"), (url, normal)
