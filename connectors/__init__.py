"""Connectors: fetch a system's pages as its declaration (`sources`) describes — gateway HTTP with
token and retries (`http`), the four paging styles (`paging`), the read-only database reader
(`database`) — and know nothing of where the records are stored."""
