"""The pages of the test archive: captures at several dates, and the copies we hold."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

UNCHANGED = "http://news.example/2020/03/harbour.html"
CHANGED = "http://news.example/2020/04/council.html"

HARBOUR = [
    "The harbour reopened on Tuesday after three days of repairs to the outer wall.",
    "Fishing boats returned before dawn and the fish market opened at nine as usual.",
    "The harbour master said the new stones should hold through the winter storms.",
    "Ferry services to the islands will resume on Thursday morning at seven.",
]
COUNCIL_THEN = [
    "The town council voted on Monday to build a new library beside the old school.",
    "Work is due to start in the spring and the library should open within two years.",
    "The council will pay for it from the sale of the former fire station on Mill Lane.",
    "Residents may see the plans at the town hall every weekday until the end of May.",
]
COUNCIL_NOW = [
    "The town council voted on Monday to build a new library beside the old school.",
    "The decision was reversed a week later after objections from the county planners.",
    "A new vote is expected in the autumn once the traffic survey has been published.",
    "Opponents say the old school field should remain open to the public for sport.",
    "The council has not said how the project would now be paid for.",
]


def html(title: str, paragraphs: list[str]) -> bytes:
    """A capture: the article wrapped in the boilerplate a news site adds."""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!doctype html><html><head><title>{title}</title><style>p{{margin:0}}</style>"
        "<script>window.ads = [];</script></head><body>"
        "<header><a href='/'>The Gazette</a></header>"
        "<nav><a href='/'>Home</a> | <a href='/news'>News</a> | <a href='/sport'>Sport</a></nav>"
        f"<article><h1>{title}</h1>{body}</article>"
        "<footer>Copyright The Gazette. All rights reserved.</footer></body></html>"
    ).encode()


def copy(title: str, paragraphs: list[str]) -> str:
    """Our copy: markdown with the site's menu line, as the corpus files are kept."""
    menu = "#### [Home](http://news.example/) &nbsp;|&nbsp; [News](http://news.example/news)"
    return f"### {title}\n------\n\n{menu}\n\n" + "\n\n".join(paragraphs) + "\n"


# (URL, WARC-Date, title, paragraphs)
CAPTURES = [
    (UNCHANGED, "2019-11-02T08:00:00Z", "Harbour closed", HARBOUR[:1]),
    (UNCHANGED, "2020-03-18T09:30:00Z", "Harbour reopens", HARBOUR),
    (UNCHANGED, "2023-05-01T12:00:00Z", "Harbour reopens", HARBOUR),
    (CHANGED, "2020-04-21T10:00:00Z", "Council plans", COUNCIL_NOW),
    (CHANGED, "2024-01-09T10:00:00Z", "Council plans", COUNCIL_NOW),
]
# Our copies and their embedded publication dates.
COPIES = {
    "harbour.md": (UNCHANGED, "2020-03-17", copy("Harbour reopens", HARBOUR)),
    "council.md": (CHANGED, "2020-04-20", copy("Council plans", COUNCIL_THEN)),
}


def write_warc(path: Path) -> None:
    """Write the captures as WARC response records with warcio."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        for url, date, title, paragraphs in CAPTURES:
            headers = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
            )
            body = html(title, paragraphs)
            # With a length given warcio digests in place; without one it spools the
            # payload to a temporary file that it never closes (a ResourceWarning).
            record = writer.create_warc_record(
                url,
                "response",
                payload=BytesIO(body),
                length=len(body),
                http_headers=headers,
                warc_headers_dict={"WARC-Date": date},
            )
            writer.write_record(record)
