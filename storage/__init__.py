"""The pipeline's own DuckDB: raw tables merged by key, sync cursors, rejects."""
