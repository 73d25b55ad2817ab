"""Elements whose class, id, itemprop or name marks them as a date."""

from __future__ import annotations

import pytest

from provenance.extract.elements import DateElementExtractor, _named_as_date
from provenance.extract.interface import Page, markers_found, wanted

EXTRACTOR = DateElementExtractor()


def _dates(html: str) -> list[tuple[str, str]]:
    return [(c.value, c.rule) for c in EXTRACTOR.extract(Page.from_text(html))]


@pytest.mark.parametrize(
    ("attrs", "named"),
    [
        ({"class": "date"}, True),
        ({"class": "meta post-date"}, True),
        ({"class": "entry-date"}, True),
        ({"id": "pubtime"}, True),
        ({"itemprop": "datePublished"}, True),
        ({"name": "publish_time"}, True),
        ({"class": "timestamp"}, True),
        ({"class": "dateline"}, True),
        ({"class": "posted-on"}, True),
        ({"class": "postDate"}, True),
        ({"class": "modified"}, False),
        ({"class": "date updated"}, False),
        ({"class": "date-modified"}, False),
        ({"itemprop": "dateModified"}, False),
        ({"class": "last-edit-time"}, False),
        ({"class": "comment-date"}, False),
        ({"class": "timeline"}, False),
        ({"class": "candidate"}, False),
        ({"href": "/date/2021"}, False),
    ],
)
def test_which_names_mark_a_publication_date(attrs: dict[str, str], named: bool) -> None:
    assert _named_as_date(attrs) is named


def test_the_first_named_element_only() -> None:
    html = (
        '<p class="x">intro</p><span class="date">2021-04-13 08:30 (UTC)</span>'
        '<div class="comments"><span class="date">2021-05-01</span></div>'
    )
    assert _dates(html) == [("2021-04-13T08:30Z", "html.date-class")]


def test_a_short_lead_is_allowed_a_long_one_is_not() -> None:
    assert _dates('<span class="date">on 13 April 2021</span>') == [
        ("2021-04-13", "html.date-class")
    ]
    long_lead = "Archived from the regional desk notes " + "2021-04-13"
    assert _dates(f'<span class="date">{long_lead}</span>') == []


def test_an_edit_note_before_the_date_is_not_the_publication() -> None:
    assert _dates('<span class="date">Updated: 2021-04-20</span>') == []


def test_void_and_script_elements_have_no_date_text() -> None:
    assert _dates('<meta name="date">2021-04-13<input name="date" value="2021-04-13">') == []
    assert _dates('<script class="date">var d = "2021-04-13";</script>') == []


def test_a_page_without_the_markers_does_not_run_the_family() -> None:
    text = "<p>2021-04-13</p><span class='stamp'>nothing here</span>"
    assert not wanted(EXTRACTOR, markers_found([EXTRACTOR], text))
    assert wanted(EXTRACTOR, markers_found([EXTRACTOR], '<span class="date">x</span>'))
