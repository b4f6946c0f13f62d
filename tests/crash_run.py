"""`cleanpipe run` that SIGKILLs itself at its Nth atomic rename (CRASH_AT_REPLACE=N).

Every durable step of a run ends in os.replace, so killing the process right before the
Nth one lands a real kill -9 at a chosen point: temporary written, not yet renamed. With
N=0 it runs to the end and prints how many renames it made.
"""

import os
import signal
import sys

from cleanpipe import cli

target = int(os.environ.get("CRASH_AT_REPLACE", "0"))
real_replace = os.replace
count = 0


def replace(src, dst, **kwargs):
    global count
    count += 1
    if count == target:
        os.kill(os.getpid(), signal.SIGKILL)
    return real_replace(src, dst, **kwargs)


os.replace = replace
status = cli.main(sys.argv[1:])
print(f"renames {count}", file=sys.stderr)
sys.exit(status)
