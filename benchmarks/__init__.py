"""Benchmarks of provenance against the plain checksum tools (``python -m benchmarks``)."""
