"""``pstats`` subcommand: read a pstats file (``.prof``/``.pstats``) and write it as a cProfile RESULT.json.

    pstats --out RESULT.json PROF_FILE

A pstats file is Python's ``marshal`` of ``{(file, line, name): (cc, nc, tt, ct, callers)}`` (what
``Profile.dump_stats`` writes, from ``cProfile`` or ``profile``). Only Python can read marshal faithfully, so the
editor asks the user's interpreter to. The file is loaded by ``pstats.Stats`` itself, so what is accepted and every
number are pstats' own, and converted by the very function the ``cprofile`` subcommand uses: the result has the
same schema (``pyrometer.cprofile/1``) and the same figures as if the run had been made by the runner.

The metadata states only what is known: a pstats file records no interpreter, command line, cwd or times. ``python``
describes the interpreter that READ the file (marked by ``tool`` = ``cProfile (file)``), ``cwd`` is the directory
holding the file: pstats keeps file names as the code objects had them, often relative to where the profile was
taken, and that directory is the best guess for them (``pyrometer.pathMappings`` fixes the rest).

Nothing runs here but the reader, so importing pstats costs nobody anything. Errors (missing file, not a pstats
file, an empty profile) are reported on stderr with the runner's prefix, exit code 2, and no RESULT.json.
"""
import io
import math
import os
import time

from pyrometer_runner import cli_options, cprofile_run, errors, metadata, result_file, subcommand

USAGE = "usage: pyrometer_runner pstats --out RESULT.json PROF_FILE"
TOOL = "cProfile (file)"


def _one_file(options):
    if len(options.args) != 1:
        raise errors.UsageError("give exactly one pstats file (got %d)" % len(options.args))
    options.prof = os.path.abspath(options.args[0])


def parse_args(argv):
    return cli_options.parse(argv, {"--out": cli_options.absolute_path}, validate=_one_file, script=False)


class NotPstats(Exception):
    """The file could not be read as a pstats profile; the message says why, in the user's terms."""


def load_stats(path):
    """``pstats.Stats(path).stats``, checked and in cProfile's shape (see normalized)."""
    import pstats  # here, not at the top: `python -m pyrometer_runner` must not pay for it on other subcommands
    if not os.path.isfile(path):
        raise NotPstats("%s does not exist or is not a file" % path)
    try:
        # pstats prints some complaints ("Invalid timing data ...") on its stream: keep them off our stdout.
        stats = pstats.Stats(path, stream=io.StringIO()).stats
    except TypeError as exc:
        if "Cannot create or construct" in str(exc):  # pstats' own words for an empty profile
            raise NotPstats("the file holds an empty profile (no function was profiled)")
        raise NotPstats("pstats cannot load it (TypeError: %s)" % (exc,))
    except (EOFError, ValueError) as exc:  # marshal: "bad marshal data", "EOF read where object expected"
        raise NotPstats("it is not marshal data as pstats writes it (%s)" % (exc,))
    except Exception as exc:  # a marshal of something that is not a stats dict makes pstats fail anywhere
        raise NotPstats("pstats cannot load it (%s: %s)" % (type(exc).__name__, exc))
    return normalized(stats)


def _is_key(key):
    return isinstance(key, tuple) and len(key) == 3 and isinstance(key[0], str) and isinstance(key[1], int)


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


# What a profiler can have counted and timed; anything else (NaN, infinities, fractional or negative calls, counts
# a double cannot hold exactly) is a damaged or forged file, refused here rather than shown as nonsense.
_MAX_COUNT = 2 ** 53


def _is_count(value):
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= _MAX_COUNT


def _is_seconds(value):
    return _is_number(value) and math.isfinite(value)


def _is_figures(calls, seconds):
    return all(_is_count(v) for v in calls) and all(_is_seconds(v) for v in seconds)


def name_text(name):
    """A key's name as text. The pure-Python ``profile`` module keys the code it ran by the code object itself
    (``('profile', 0, <code object <module> at 0x..., file "s.py", line 1>)``), whose repr holds a memory address
    that differs per process: it becomes ``<module> (s.py:1)``."""
    if isinstance(name, str):
        return name
    code_name = getattr(name, "co_name", None)
    if isinstance(code_name, str):
        return "%s (%s:%s)" % (code_name, getattr(name, "co_filename", "?"), getattr(name, "co_firstlineno", 0))
    return str(name)


def _key(key):
    return key if isinstance(key[2], str) else (key[0], key[1], name_text(key[2]))


def normalized(stats):
    """The stats in the cProfile shape ``{(file, line, name): (cc, nc, tt, ct, {caller: (nc, cc, tt, ct)})}``.

    cProfile's files are returned as they are (the same dict object). Files of the pure-Python ``profile`` module
    differ: a caller edge is only a call count, which pstats prints as such. Such an edge becomes (count, count,
    and the callee's tt and ct shared out by the edge's part of its calls), because the flame graph needs a time
    per edge; the function's own figures are never touched. Raises NotPstats for anything else.
    """
    if not isinstance(stats, dict) or not stats:
        raise NotPstats("it does not hold a pstats dictionary of functions")
    changed = False
    for key, value in stats.items():
        if not _is_key(key):
            raise NotPstats("an entry's key is %r, not (file, line, function name)" % (key,))
        if not (isinstance(value, tuple) and len(value) == 5 and isinstance(value[4], dict)):
            raise NotPstats("the entry of %r is not (calls, calls, tottime, cumtime, callers)" % (key,))
        if not _is_figures(value[:2], value[2:4]):
            raise NotPstats("the entry of %r has figures no profiler records: %r (calls must be whole and not "
                            "negative, times finite)" % (key, value[:4]))
        changed = changed or not isinstance(key[2], str)
        for caller, edge in value[4].items():
            if not _is_key(caller):
                raise NotPstats("a caller of %r is %r, not (file, line, function name)" % (key, caller))
            if _is_count(edge):  # the profile module's edges: a call count, part of the function's calls
                if edge > value[1]:
                    raise NotPstats("a caller edge of %r counts %r calls, more than the function's %r"
                                    % (key, edge, value[1]))
                changed = True
            elif not (isinstance(edge, tuple) and len(edge) == 4 and _is_figures(edge[:2], edge[2:])):
                raise NotPstats("a caller edge of %r is %r, not (calls, calls, tottime, cumtime) with whole call "
                                "counts and finite times" % (key, edge))
            changed = changed or not isinstance(caller[2], str)
    if not math.isfinite(math.fsum(value[2] for value in stats.values())):
        raise NotPstats("its times add up to more than a float can hold")
    if not changed:
        return stats
    out = {}
    for key, (cc, nc, tt, ct, callers) in stats.items():
        edges = {}
        for caller, edge in callers.items():
            if _is_number(edge):
                share = float(edge) / nc if nc else 0.0
                edge = (edge, edge, tt * share, ct * share)
            edges[_key(caller)] = edge
        out[_key(key)] = (cc, nc, tt, ct, edges)
    return out


def metadata_block(prof_path):
    """What is known about a profile read from a file: that it is one, where, and who read it."""
    python, _platform, _capabilities = metadata.describe()
    try:
        modified = metadata.iso_utc(os.path.getmtime(prof_path))
    except OSError:
        modified = ""
    return {
        "tool": TOOL,
        "file": prof_path,
        "fileModifiedAt": modified,
        "readAt": metadata.iso_utc(time.time()),
        "python": python,
        "argv": [],
        "cwd": os.path.dirname(prof_path),
        "script": "",
        "exitCode": 0,
        "exception": None,
        "threadsSeen": 0,
        "capabilities": {},  # what the profiled interpreter could do is not in the file
    }


def _read(options):
    try:
        stats = load_stats(options.prof)
    except NotPstats as exc:
        errors.report("cannot read %s as a pstats profile: %s" % (options.prof, exc))
        return errors.RUNNER_ERROR_EXIT
    except OSError as exc:
        errors.report("cannot read %s: %s" % (options.prof, exc))
        return errors.RUNNER_ERROR_EXIT
    functions, total_seconds = cprofile_run.functions_json(stats)
    result = {
        "schema": cprofile_run.SCHEMA,
        "metadata": metadata_block(options.prof),
        "totalSeconds": total_seconds,
        "functions": functions,
    }
    return subcommand.write(lambda: result_file.write_json(options.out, result), 0)


def main(argv):
    return subcommand.main(argv, parse_args, USAGE, _read)
