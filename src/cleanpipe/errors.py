"""Exceptions named for what the caller should do next."""


class CleanpipeError(Exception):
    """Base of every error cleanpipe raises on purpose."""


class AbortRun(CleanpipeError):
    """The run cannot go on (bad configuration, missing input folder): stop and report."""


class ConfigError(AbortRun):
    """The configuration or a flow parameter is invalid."""


class RetryIO(CleanpipeError):
    """A transient I/O failure (file vanished mid-read, full disk, network filesystem):
    the same batch may succeed if tried again."""


class Rejected(CleanpipeError):
    """This input cannot become a clean article: write a reject record and go on.

    Args:
        reason: a stable code from :data:`cleanpipe.reasons.REJECT_REASONS`.
        detail: a short human-readable explanation.
    """

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail
