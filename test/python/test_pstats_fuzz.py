"""The pstats reader (python/pyrometer_runner/pstats_read.py) on damaged and forged files, seeded.

A pstats file is read with ``marshal``, which accepts any Python structure, so a damaged or forged ``.prof`` can be
anything: bytes that are not marshal at all, a marshal of the wrong structure, or a stats dictionary with numbers no
profiler writes (NaN, infinities, negative counts, booleans, integers past 2^53). Every input must end in one of two
ways: ``NotPstats`` with a message, or a result whose numbers are ones the editor can show (finite, counts whole and
not negative, exact in a double). Never another exception (a traceback the user would see) and never a result the
editor would have to refuse for reasons the runner could have named.

Inputs: mutations (bit flips, cut, repeated and deleted chunks, splices) of real files written by ``cProfile`` and by
``profile`` on this interpreter; random bytes; marshal of random structures shaped more or less like stats.
"""
import cProfile
import json
import marshal
import math
import os
import profile
import random
import select
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
RUNNER_PARENT = os.path.join(os.path.dirname(os.path.dirname(HERE)), "python")
sys.path.insert(0, RUNNER_PARENT)

from pyrometer_runner import cprofile_run, pstats_read  # noqa: E402

SEED = 20261126
INPUTS_PER_KIND = 100
MAX_SAFE_INTEGER = 2 ** 53


def _workload():
    def leaf(n):
        return n * 2

    def rec(n):
        return 0 if n == 0 else 1 + rec(n - 1)

    total = sum(leaf(i) for i in range(300))
    return total + rec(12)


def _real_files():
    """The marshal bytes of real profiles: cProfile's, and the pure-Python profile module's (code objects as names)."""
    files = []
    for make in (cProfile.Profile, profile.Profile):
        prof = make()
        prof.runcall(_workload)
        prof.create_stats()
        files.append(marshal.dumps(prof.stats))
    return files


def _mutate(data, rnd):
    data = bytearray(data)
    for _ in range(rnd.randint(1, 4)):
        choice = rnd.randrange(5)
        if choice == 0 and data:  # flip bits
            for _ in range(rnd.randint(1, 8)):
                data[rnd.randrange(len(data))] ^= 1 << rnd.randrange(8)
        elif choice == 1 and data:  # cut
            del data[rnd.randrange(len(data)):]
        elif choice == 2 and data:  # repeat a chunk
            start = rnd.randrange(len(data))
            chunk = data[start:start + rnd.randint(1, 64)]
            at = rnd.randrange(len(data))
            data[at:at] = chunk
        elif choice == 3 and data:  # delete a chunk
            start = rnd.randrange(len(data))
            del data[start:start + rnd.randint(1, 64)]
        else:  # set a byte to an extreme
            if data:
                data[rnd.randrange(len(data))] = rnd.choice((0, 0x7F, 0x80, 0xFF))
    return bytes(data)


_ODD_NUMBERS = (float("nan"), float("inf"), float("-inf"), -1, -0.5, 0, 2 ** 53 + 1, 2 ** 64, 10 ** 30, True, False,
                1e308, 5e-324, 3, 0.25)


def _odd_value(rnd, depth=0):
    pick = rnd.randrange(9)
    if pick < 4:
        return rnd.choice(_ODD_NUMBERS)
    if pick == 4:
        return rnd.choice(("", "x", "\u0000", "\u00e9", "a" * 300))
    if pick == 5:
        return None
    if pick == 6 and depth < 3:
        return tuple(_odd_value(rnd, depth + 1) for _ in range(rnd.randint(0, 6)))
    if pick == 7 and depth < 3:
        return {_odd_key(rnd): _odd_value(rnd, depth + 1) for _ in range(rnd.randint(0, 3))}
    return b"bytes"


def _odd_key(rnd):
    pick = rnd.randrange(6)
    if pick < 3:
        return ("/w/m%d.py" % rnd.randrange(3), rnd.choice((1, 7, -1, 0, 2 ** 40)), "f%d" % rnd.randrange(4))
    if pick == 3:
        return ("~", 0, "<built-in method builtins.len>")
    if pick == 4:
        return (rnd.choice((b"bytes", None, 3)), 1, "f")
    return rnd.choice(("key", 3, None, ("a", "b"), ("a", 1, "b", "c")))


def _stats_like(rnd):
    """A dictionary shaped like pstats' (file, line, name) → (cc, nc, tt, ct, callers), with odd parts."""
    stats = {}
    for _ in range(rnd.randint(0, 5)):
        numbers = [rnd.choice(_ODD_NUMBERS) if rnd.random() < 0.3 else rnd.choice((1, 2, 3, 0.001, 0.5))
                   for _ in range(4)]
        callers = {}
        for _ in range(rnd.randint(0, 3)):
            edge = tuple(rnd.choice(_ODD_NUMBERS) if rnd.random() < 0.3 else 1 for _ in range(4))
            callers[_odd_key(rnd)] = edge if rnd.random() < 0.8 else rnd.choice((1, 2.5, float("nan"), -3, None))
        value = tuple(numbers) + (callers,)
        if rnd.random() < 0.15:
            value = _odd_value(rnd)
        stats[_odd_key(rnd)] = value
    return stats


def _renumbered(real, rnd):
    """A real file's stats with some figures replaced by other plausible ones: files that must be read."""
    stats = marshal.loads(real)
    out = {}
    for key, (cc, nc, tt, ct, callers) in stats.items():
        if rnd.random() < 0.5:
            nc = rnd.choice((0, 1, 7, 2 ** 53, nc))
            cc = min(cc, nc)
            tt, ct = rnd.choice((0.0, 5e-324, 1e-9, 3600.0, 1e300, tt)), rnd.choice((0, 2, ct))
        out[key] = (cc, nc, tt, ct, callers)
    return marshal.dumps(out)


def _inputs():
    rnd = random.Random(SEED)
    real = _real_files()
    for index in range(INPUTS_PER_KIND):
        yield "mutated %d" % index, _mutate(real[index % len(real)], rnd)
    for index in range(INPUTS_PER_KIND // 3):
        yield "renumbered %d" % index, _renumbered(real[index % len(real)], rnd)
    for index in range(INPUTS_PER_KIND // 3):
        yield "random bytes %d" % index, bytes(rnd.randrange(256) for _ in range(rnd.randint(0, 300)))
    for index in range(INPUTS_PER_KIND):
        value = _stats_like(rnd) if rnd.random() < 0.85 else _odd_value(rnd)
        yield "forged stats %d" % index, marshal.dumps(value)


def _problems_with_result(functions, total_seconds):
    """What the editor would have to refuse in a result: the reasons, [] when it is fine."""
    problems = []

    def check_time(where, value):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            problems.append("%s is %r" % (where, value))

    def check_count(where, value):
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_SAFE_INTEGER:
            problems.append("%s is %r" % (where, value))

    check_time("totalSeconds", total_seconds)
    for fn in functions:
        for key in ("totalCalls", "primitiveCalls"):
            check_count(key, fn[key])
        for key in ("selfSeconds", "cumulativeSeconds"):
            check_time(key, fn[key])
        if not isinstance(fn["name"], str) or not isinstance(fn["file"], str):
            problems.append("a name or file is not text: %r" % ((fn["file"], fn["name"]),))
        for edge in fn["callers"]:
            for key in ("totalCalls", "primitiveCalls"):
                check_count("caller " + key, edge[key])
            for key in ("selfSeconds", "cumulativeSeconds"):
                check_time("caller " + key, edge[key])
    return problems


# The inputs are read in a child interpreter: marshal can take exponential time on a forged file (tuples that share
# their items through references, hashed as dict keys), and C code cannot be interrupted in-process. The editor's
# reader has a timeout of its own for that (src/runners/pstatsFile.ts: "Python took too long to read …"); here a
# child that takes too long is killed and a new one started. One JSON line out per path in.
_WORKER = """
import json, sys
sys.path.insert(0, sys.argv[1])
sys.path.insert(0, sys.argv[2])
from pyrometer_runner import cprofile_run, pstats_read
import test_pstats_fuzz
for line in sys.stdin:
    try:
        stats = pstats_read.load_stats(line.rstrip("\\n"))
        functions, total_seconds = cprofile_run.functions_json(stats)
        answer = {"problems": test_pstats_fuzz._problems_with_result(functions, total_seconds)}
    except pstats_read.NotPstats as exc:
        answer = {"refused": str(exc)}
    except Exception as exc:
        answer = {"crashed": "%s: %s" % (type(exc).__name__, exc)}
    sys.stdout.write(json.dumps(answer) + "\\n")
    sys.stdout.flush()
"""
WORKER_TIMEOUT_S = 3


class _Worker(object):
    def __init__(self):
        self.child = None

    def ask(self, path):
        """("refused", message), ("read", problems), ("crashed", why) or ("slow", None)."""
        if self.child is None:
            self.child = subprocess.Popen([sys.executable, "-c", _WORKER, RUNNER_PARENT, HERE], stdin=subprocess.PIPE,
                                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.child.stdin.write((path + "\n").encode("utf-8"))
        self.child.stdin.flush()
        ready, _, _ = select.select([self.child.stdout], [], [], WORKER_TIMEOUT_S)
        line = self.child.stdout.readline() if ready else b""
        if not line:
            self.close()
            return ("slow", None) if not ready else ("crashed", "the reader's interpreter died")
        answer = json.loads(line.decode("ascii"))
        kind = next(iter(answer))
        return "read" if kind == "problems" else kind, answer[kind]

    def close(self):
        if self.child is not None:
            self.child.kill()
            self.child.wait()
            self.child.stdin.close()
            self.child.stdout.close()
            self.child = None


class PstatsFuzzTest(unittest.TestCase):
    maxDiff = None

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="pyrometer-pstats-fuzz-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.worker = _Worker()
        self.addCleanup(self.worker.close)

    def test_every_input_is_a_clean_refusal_or_a_showable_result(self):
        failures = []
        counts = {"refused": 0, "read": 0, "slow": 0}
        for index, (label, data) in enumerate(_inputs()):
            path = os.path.join(self.tmp, "input-%d.prof" % index)
            with open(path, "wb") as stream:
                stream.write(data)
            kind, detail = self.worker.ask(path)
            if kind == "crashed":
                failures.append("%s: %s" % (label, detail))
            elif kind == "refused" and not detail:
                failures.append("%s: NotPstats without a message" % label)
            elif kind == "read" and detail:
                failures.append("%s: read, but %s" % (label, "; ".join(detail[:3])))
            else:
                counts[kind] += 1
        sys.stderr.write("pstats reader fuzzed: %d inputs: %d refused with a message, %d read, %d over %d s, %d failures\n"
                         % (sum(counts.values()) + len(failures), counts["refused"], counts["read"], counts["slow"],
                            WORKER_TIMEOUT_S, len(failures)))
        self.assertEqual(failures[:10], [], "%d of the inputs" % len(failures))
        # the mix reaches both outcomes (a fuzzer whose inputs all fail at the first byte tests little)
        self.assertGreater(counts["read"], 10)
        self.assertGreater(counts["refused"], 10)
        self.assertLess(counts["slow"], 5)


if __name__ == "__main__":
    unittest.main()
