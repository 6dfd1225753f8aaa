"""Command-line parsing for the ``memory`` and ``events`` subcommands, with the cprofile subcommand's conventions:
options before the script, ``--name VALUE`` or ``--name=VALUE``, ``--`` recommended before SCRIPT but not
required, ``--out`` required, result paths made absolute (the target may chdir)."""
import os

from pyrometer_runner import errors


class Options(object):
    """Parsed options: one attribute per option (``--no-gc`` -> ``no_gc``), plus ``script`` and ``args``."""

    def __init__(self, defaults):
        for name, value in defaults.items():
            setattr(self, name, value)
        self.script = None
        self.args = []


def _attribute(option):
    return option.lstrip("-").replace("-", "_")


def absolute_path(name, value):
    return os.path.abspath(value)


def whole_number(low, high):
    def convert(name, value):
        try:
            number = int(value)
        except ValueError:
            raise errors.UsageError("%s needs a whole number, not %r" % (name, value))
        if not low <= number <= high:
            raise errors.UsageError("%s must be between %d and %d, not %d" % (name, low, high, number))
        return number
    return convert


def seconds_at_least(low):
    def convert(name, value):
        try:
            number = float(value)
        except ValueError:
            raise errors.UsageError("%s needs a number of seconds, not %r" % (name, value))
        if not number >= low or number != number or number == float("inf"):
            raise errors.UsageError("%s must be at least %g seconds, not %r" % (name, low, value))
        return number
    return convert


def parse(argv, valued, flags=(), defaults=None):
    """Options from argv. ``valued`` maps ``--name`` to a converter ``(name, text) -> value``; ``flags`` are
    options without a value (set to True). Raises errors.UsageError."""
    options = Options(defaults or {})
    for name in valued:
        if not hasattr(options, _attribute(name)):
            setattr(options, _attribute(name), None)
    for name in flags:
        setattr(options, _attribute(name), False)
    index = 0
    while index < len(argv):
        arg = argv[index]
        if arg == "--":
            index += 1
            break
        name, has_value, value = arg.partition("=")
        if name in valued:
            if not has_value:
                index += 1
                if index >= len(argv):
                    raise errors.UsageError("%s needs a value" % name)
                value = argv[index]
            if not value:
                raise errors.UsageError("%s needs a value" % name)
            setattr(options, _attribute(name), valued[name](name, value))
            index += 1
        elif arg in flags:
            setattr(options, _attribute(arg), True)
            index += 1
        elif arg.startswith("-"):
            raise errors.UsageError("unknown option %r" % arg)
        else:
            break  # the script
    if getattr(options, "out", None) is None:
        raise errors.UsageError("--out is required")
    if index >= len(argv):
        raise errors.UsageError("no script given")
    options.script = argv[index]
    options.args = argv[index + 1:]
    return options
