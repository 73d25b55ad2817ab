"""The registry of extractors: every layout family the resolver hears from, by name."""

from __future__ import annotations

from provenance.extract.byline import BylineExtractor
from provenance.extract.datelines import DatelineExtractor
from provenance.extract.elements import DateElementExtractor
from provenance.extract.feed import FeedExtractor
from provenance.extract.frontmatter import FrontMatterExtractor
from provenance.extract.head import HeadMetadataExtractor
from provenance.extract.interface import Extractor
from provenance.extract.labels import LabelExtractor
from provenance.extract.markdown import MarkdownHeadingExtractor
from provenance.extract.mhtml import MhtmlExtractor
from provenance.extract.mirror import MirrorExtractor
from provenance.extract.rss import FeedItemExtractor
from provenance.extract.saved import SavedBannerExtractor
from provenance.extract.wayback import WaybackExtractor

EXTRACTORS: tuple[Extractor, ...] = (
    DatelineExtractor(),
    LabelExtractor(),
    HeadMetadataExtractor(),
    FeedExtractor(),
    MarkdownHeadingExtractor(),
    WaybackExtractor(),
    MirrorExtractor(),
    FrontMatterExtractor(),
    FeedItemExtractor(),
    BylineExtractor(),
    DateElementExtractor(),
    SavedBannerExtractor(),
    MhtmlExtractor(),
)
# Families that read a container's own headers; the others read the page inside it.
CONTAINER_FAMILIES = frozenset({"mhtml"})


def names() -> tuple[str, ...]:
    """The registered extractors' names, in run order."""
    return tuple(extractor.name for extractor in EXTRACTORS)


def get(name: str) -> Extractor:
    """The extractor registered under ``name``; raises KeyError for an unknown name."""
    for extractor in EXTRACTORS:
        if extractor.name == name:
            return extractor
    raise KeyError(name)
