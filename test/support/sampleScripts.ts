/** Python sources the integration and e2e suites both write into the workspace, so the two test the same program. */

/** A pytest file: `test_slow` calls `slow`, which calls `step` 200,000 times; a test class with one more test. */
export const PYTEST_SAMPLE = `def step(i):
    return i * 2


def slow(n):
    total = 0
    for i in range(n):
        total += step(i)
    return total


def test_slow():
    assert slow(200000) > 0


class TestGroup:
    def test_other(self):
        assert step(1) == 2
`;

/** calls.py's shape with `work(n)`'s loop count and lines put above it: the before/after of a comparison. */
export const compareScript = (n: string | number, padding: string): string => `${padding}def inc(x):
    return x + 1


def work(n=${n}):
    total = 0
    for i in range(n):
        total += inc(i)
    return total


def main():
    for _ in range(3):
        work()


if __name__ == "__main__":
    main()
`;
