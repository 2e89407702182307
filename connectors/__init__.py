"""Connectors: one module per city system on a shared core (settings, errors, HTTP, paging, sync)."""
