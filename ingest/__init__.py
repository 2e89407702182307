"""Ingest: where connectors (fetch and validate) meet storage (store). A system's sync reads its
window's pages, validates them against the record models, and merges them with its cursor."""
