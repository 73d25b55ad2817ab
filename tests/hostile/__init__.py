"""Hostile inputs and injected faults: data-driven cases, properties, crash safety, bounds.

``python -m tests.hostile`` runs all of it and prints the figures (see README.md).
"""
