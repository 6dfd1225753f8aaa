"""The runner's own messages: the only text it ever writes, always on stderr, always prefixed."""
import sys

PREFIX = "pyrometer-runner: "

#: Exit code of a fatal runner error (bad usage, script not found, profiler unavailable, result not written).
RUNNER_ERROR_EXIT = 2


class UsageError(Exception):
    """The runner's command line is wrong."""


def report(message):
    """Print one fatal runner error on stderr (whatever stream the target left in sys.stderr)."""
    stream = sys.stderr if sys.stderr is not None else sys.__stderr__
    if stream is None:
        return
    try:
        stream.write(PREFIX + message + "\n")
        stream.flush()
    except Exception:
        pass
