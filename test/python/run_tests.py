"""Run the runner's Python tests with unittest and write the counts as JSON.

    python test/python/run_tests.py test-results/python-3.X.json

Writes {"suite": "python-3.X", "passed": N, "failed": N, "failures": [...]} (failed = failures + errors + unexpected successes;
skipped tests count in neither) and exits non-zero when anything failed or nothing ran.
"""
import json
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))


def failure_line(test, trace):
    """The test's id and the last line of its traceback (the exception), short enough for the summary."""
    lines = [line for line in trace.splitlines() if line.strip()]
    line = "%s: %s" % (test.id(), lines[-1].strip() if lines else "")
    return line if len(line) <= 300 else line[:299] + "\u2026"


def main(argv):
    if len(argv) != 1:
        sys.stderr.write("usage: run_tests.py RESULTS.json\n")
        return 2
    results_path = argv[0]
    suite_name = "python-%d.%d" % sys.version_info[:2]
    tests = unittest.defaultTestLoader.discover(HERE, pattern="test_*.py", top_level_dir=HERE)
    outcome = unittest.TextTestRunner(stream=sys.stderr, verbosity=2).run(tests)
    failed = len(outcome.failures) + len(outcome.errors) + len(outcome.unexpectedSuccesses)
    passed = outcome.testsRun - failed - len(outcome.skipped) - len(outcome.expectedFailures)
    failures = [failure_line(test, trace) for test, trace in outcome.failures + outcome.errors]
    failures += ["%s: passed but was expected to fail" % test.id() for test in outcome.unexpectedSuccesses]
    directory = os.path.dirname(os.path.abspath(results_path))
    if not os.path.isdir(directory):
        os.makedirs(directory)
    with open(results_path, "w") as stream:
        json.dump({"suite": suite_name, "passed": passed, "failed": failed, "failures": failures}, stream)
        stream.write("\n")
    sys.stderr.write("%s: %d passed, %d failed, %d skipped\n" % (suite_name, passed, failed, len(outcome.skipped)))
    return 1 if failed or outcome.testsRun == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
