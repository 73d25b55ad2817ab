"""The network probe: live originals, web archives (Memento, CDX) and content drift."""
