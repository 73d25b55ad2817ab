"""The versions a manifest records, importable without loading the rules or the models.

Bump ``EXTRACTOR_VERSION`` whenever a rule changes what it extracts: verify re-extracts the
files of a manifest written by another version, and compares. ``MANIFEST_VERSION`` is the
manifest format's (``provenance.models.Manifest``).
"""

from typing import Literal

EXTRACTOR_VERSION = "3"
MANIFEST_VERSION: Literal[1] = 1
