"""Progress of a run on the console: a bar on a terminal, a line now and then otherwise."""

import sys
import time
from typing import TextIO

from cleanpipe.stats import Stats

_BAR_WIDTH = 30
LOG_INTERVAL_SECONDS = 10.0  # a log file gets a line this often: a long run shows it is alive, a short one stays quiet


class Progress:
    """Batches done out of a run's, written to ``stream`` as each batch finishes.

    On a terminal the line is redrawn in place; otherwise (a log file, a CI job) a line is
    written at most every ``LOG_INTERVAL_SECONDS``, so short runs print nothing.
    """

    def __init__(self, stream: TextIO | None = None, interval: float = LOG_INTERVAL_SECONDS, clock=time.monotonic):
        self.stream = stream if stream is not None else sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.interval, self.clock = interval, clock
        self.batches = self.done = self.inputs = 0
        self.started = self.last = clock()

    def start(self, batches: int) -> None:
        """A run of ``batches`` batches begins."""
        self.batches, self.done, self.inputs = batches, 0, 0
        self.started = self.last = self.clock()

    def advance(self, stats: Stats) -> None:
        """One batch finished with ``stats``."""
        self.done += 1
        self.inputs += stats.inputs
        now = self.clock()
        if self.tty:
            self.stream.write("\r" + self.line(now))
            if self.done == self.batches:
                self.stream.write("\n")
            self.stream.flush()
        elif now - self.last >= self.interval or (self.done == self.batches and now - self.started >= self.interval):
            self.stream.write(self.line(now) + "\n")
            self.stream.flush()
            self.last = now

    def line(self, now: float) -> str:
        """The progress text: bar, batches, inputs, rate."""
        share = self.done / self.batches if self.batches else 1.0
        filled = round(share * _BAR_WIDTH)
        seconds = max(now - self.started, 1e-9)
        return (f"[{'#' * filled}{'.' * (_BAR_WIDTH - filled)}] {self.done}/{self.batches} batches,"
                f" {self.inputs:,} inputs, {self.inputs / seconds:,.0f} inputs/s")
