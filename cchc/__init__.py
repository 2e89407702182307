"""The `cchc` command: one entry point for operators."""
