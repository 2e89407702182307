"""The small core every layer may use: configuration (`settings`), the errors an operator reads
(`errors`), Vietnam's time zone (`timezone`), named points for kill tests (`failpoints`), and how output
writes numbers: the Vietnamese way (`vietnamese`), English counts (`english`). It imports nothing else of the
project."""
