"""Command-line parsing for every subcommand, with the same conventions: options before the script,
``--name VALUE`` or ``--name=VALUE``, ``--`` recommended before SCRIPT but not required, ``--out`` required,
result paths made absolute (the target may chdir). ``pstats`` takes a file instead of a script (``script=False``)."""
import os

from pyrometer_runner import errors


class Options(object):
    """Parsed options: one attribute per option (``--no-gc`` -> ``no_gc``), plus ``script`` and ``args``."""

    def __init__(self, defaults):
        for name, value in defaults.items():
            setattr(self, name, value)
        self.script = None
        self.module = None  # -m MODULE instead of SCRIPT
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


def parse(argv, valued, flags=(), defaults=None, lists=None, empty_ok=(), not_dash_dash=(), validate=None,
          script=True):
    """Options from argv. Raises errors.UsageError.

    - ``valued`` maps ``--name`` to a converter ``(name, text) -> value`` (attribute ``name``, None unless in
      ``defaults``); ``lists`` maps a repeatable ``--name`` to ``(list attribute, converter)``;
      ``flags`` are options without a value (set to True).
    - A value is the rest of ``--name=VALUE`` or the next argument, whatever it looks like, except ``--`` for the
      options in ``not_dash_dash``; it may be empty only for the options in ``empty_ok``.
    - ``validate(options)`` runs after the ``--out`` check, before the script check.
    - ``script``: the first argument that is not an option (or the one after ``--``) is SCRIPT, the rest its
      arguments. Without: options and other arguments may mix, ``-`` is an argument, everything after ``--`` is
      one; the arguments are ``options.args``.
    """
    lists = lists or {}
    options = Options(defaults or {})
    for name in valued:
        if not hasattr(options, _attribute(name)):
            setattr(options, _attribute(name), None)
    for attribute, _convert in lists.values():
        setattr(options, attribute, [])
    for name in flags:
        setattr(options, _attribute(name), False)
    index = 0
    while index < len(argv):
        arg = argv[index]
        if arg == "--":
            index += 1
            if not script:
                options.args.extend(argv[index:])
            break
        name, has_value, value = arg.partition("=")
        if name in valued or name in lists:
            if not has_value:
                index += 1
                if index >= len(argv) or (name in not_dash_dash and argv[index] == "--"):
                    raise errors.UsageError("%s needs a value" % name)
                value = argv[index]
            if not value and name not in empty_ok:
                raise errors.UsageError("%s needs a value" % name)
            if name in lists:
                attribute, convert = lists[name]
                getattr(options, attribute).append(convert(name, value))
            else:
                setattr(options, _attribute(name), valued[name](name, value))
        elif arg in flags:
            setattr(options, _attribute(arg), True)
        elif arg == "-m" and script:
            break  # -m MODULE: the target, as for `python -m MODULE`
        elif arg.startswith("-") and (script or arg != "-"):
            raise errors.UsageError("unknown option %r" % arg)
        elif script:
            break  # the script (the `--` is recommended, not required)
        else:
            options.args.append(arg)
        index += 1
    if getattr(options, "out", None) is None:
        raise errors.UsageError("--out is required")
    if validate is not None:
        validate(options)
    if not script:
        return options
    if index >= len(argv):
        raise errors.UsageError("no script given")
    if script and argv[index] == "-m":
        if index + 1 >= len(argv) or not argv[index + 1]:
            raise errors.UsageError("-m needs a module name")
        options.module = argv[index + 1]
        options.args = argv[index + 2:]
        return options
    options.script = argv[index]
    options.args = argv[index + 1:]
    return options
