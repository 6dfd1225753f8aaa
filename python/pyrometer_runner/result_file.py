"""Write result files atomically (temp file in the same directory, then os.replace), and encode JSON.

The encoder is a small one for the runner's own data (dict, list, str, int, float, bool, None) so that nothing is
imported after the target ran (``json`` pulls in ``re``; a script directory may hold a ``json.py``). Floats are
written as ``repr`` gives them, which round-trips exactly, like ``json.dumps``; the output is pure ASCII.
"""
import os

_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def _string(text):
    if text.isascii() and text.isprintable() and '"' not in text and "\\" not in text:
        return '"' + text + '"'
    out = ['"']
    for char in text:
        escaped = _ESCAPES.get(char)
        if escaped is not None:
            out.append(escaped)
        elif " " <= char <= "~":
            out.append(char)
        else:
            code = ord(char)
            if code > 0xFFFF:
                code -= 0x10000
                out.append("\\u%04x\\u%04x" % (0xD800 | (code >> 10), 0xDC00 | (code & 0x3FF)))
            else:
                out.append("\\u%04x" % code)
    out.append('"')
    return "".join(out)


def _encode(value, out):
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, str):
        out.append(_string(value))
    elif isinstance(value, int):
        out.append(int.__repr__(value))
    elif isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            out.append("null")  # not JSON; cannot come out of cProfile
        else:
            out.append(float.__repr__(value))
    elif isinstance(value, dict):
        out.append("{")
        first = True
        for key, item in value.items():
            if not first:
                out.append(",")
            first = False
            out.append(_string(str(key)))
            out.append(":")
            _encode(item, out)
        out.append("}")
    elif isinstance(value, (list, tuple)):
        out.append("[")
        for index, item in enumerate(value):
            if index:
                out.append(",")
            _encode(item, out)
        out.append("]")
    else:
        out.append(_string(str(value)))


def dumps(value):
    """JSON text (ASCII) for value."""
    out = []
    _encode(value, out)
    return "".join(out)


def write_bytes(path, data):
    """Write data to path atomically: readers see the old file or the whole new one, never a partial one."""
    directory = os.path.dirname(os.path.abspath(path))
    base = os.path.basename(path)
    attempt = 0
    while True:
        temp = os.path.join(directory, ".%s.%d.%d.tmp" % (base, os.getpid(), attempt))
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o644)
            break
        except FileExistsError:
            attempt += 1
            if attempt > 100:
                raise
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp, path)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise


def write_json(path, value):
    write_bytes(path, (dumps(value) + "\n").encode("ascii"))
