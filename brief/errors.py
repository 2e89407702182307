"""The brief's own refusals (its options, which unit `--unit` means); the message is what the operator reads
(the CLI exits 2). What the published file lacks is the reader's `ReadError`."""


class BriefError(ValueError):
    """A brief cannot be written as asked."""
