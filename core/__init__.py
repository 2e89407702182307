"""The small core every layer may use: configuration (`settings`), the errors an operator reads
(`errors`), and Vietnam's time zone (`timezone`). It imports nothing else of the project."""
