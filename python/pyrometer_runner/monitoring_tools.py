"""sys.monitoring tool ids (Python 3.12+), shared by the monitoring line timer and exception recorder."""
import sys


def claim(choices, name):
    """The first id of choices that is free, now used by the tool ``name``; None when every one is taken."""
    mon = sys.monitoring
    for candidate in choices:
        if mon.get_tool(candidate) is None:
            try:
                mon.use_tool_id(candidate, name)
            except ValueError:
                continue
            return candidate
    return None


def none_free(choices):
    return "no free sys.monitoring tool id (tried %s)" % ", ".join(map(str, choices))
