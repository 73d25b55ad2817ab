"""The version of the extraction rules, importable without loading them.

Bump it whenever a rule changes what it extracts: verify re-extracts the files of a
manifest written by another version, and compares.
"""

EXTRACTOR_VERSION = "3"
