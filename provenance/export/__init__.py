"""Interchange: BagIt bags, sha256sum lists and Robust Links, checked by their own tools."""
