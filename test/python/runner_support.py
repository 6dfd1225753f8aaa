"""What the runner tests share: the environment a runner child gets, and reading its result file."""
import json
import os


def child_env(**extra):
    """os.environ without what would change how the child Python behaves, plus `extra`."""
    env = dict(os.environ)
    for name in ("PYTHONPATH", "PYTHONSTARTUP", "PYTHONINSPECT", "FORCE_COLOR", "PYTHON_COLORS"):
        env.pop(name, None)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.update(extra)
    return env


def read_result(path):
    """The runner's RESULT.json (ASCII JSON, as the runner writes it), or None when it wrote none."""
    if not os.path.exists(path):
        return None
    with open(path, "rb") as stream:
        return json.loads(stream.read().decode("ascii"))
