"""The pipeline's own DuckDB — raw tables derived from the declarations, merged by key, cursors with
their source identity, rejects, the layout's version and upgrades — the SQL models, and publishing.
It knows nothing of how records are fetched."""
