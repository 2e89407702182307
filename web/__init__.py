"""The inspectors' web app: read-only pages over the published file, in Vietnamese (`cchc web`)."""
