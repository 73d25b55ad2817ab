"""Hostile network inputs for the probe: SSRF spellings and server faults, with figures."""
