"""Console progress: a bar redrawn on a terminal, a line now and then in a log, nothing for a quick run."""

import io

from cleanpipe.progress import Progress
from cleanpipe.stats import Stats


class Terminal(io.StringIO):
    def isatty(self):
        return True


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_a_terminal_gets_one_line_redrawn_per_batch_then_a_newline():
    stream, clock = Terminal(), Clock()
    progress = Progress(stream, clock=clock)
    progress.start(2)
    clock.now = 1.0
    progress.advance(Stats(inputs=300))
    clock.now = 2.0
    progress.advance(Stats(inputs=100))
    text = stream.getvalue()
    assert text.count("\r") == 2 and text.endswith("\n") and text.count("\n") == 1
    assert "1/2 batches, 300 inputs, 300 inputs/s" in text
    assert text.rstrip().endswith("[" + "#" * 30 + "] 2/2 batches, 400 inputs, 200 inputs/s")


def test_a_log_gets_a_line_every_interval_and_a_quick_run_prints_nothing():
    stream, clock = io.StringIO(), Clock()
    progress = Progress(stream, interval=10.0, clock=clock)
    progress.start(3)
    progress.advance(Stats(inputs=10))
    assert stream.getvalue() == ""  # under the interval: quiet
    clock.now = 12.0
    progress.advance(Stats(inputs=10))
    clock.now = 13.0
    progress.advance(Stats(inputs=10))  # the last batch of a long run is reported too
    lines = stream.getvalue().splitlines()
    assert [line.split("] ")[1].split(",")[0] for line in lines] == ["2/3 batches", "3/3 batches"]
    quick, clock = io.StringIO(), Clock()
    progress = Progress(quick, interval=10.0, clock=clock)
    progress.start(1)
    clock.now = 2.0
    progress.advance(Stats(inputs=8))
    assert quick.getvalue() == ""
