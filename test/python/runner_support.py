"""What the runner tests share: the environment a runner child gets."""
import os


def child_env(**extra):
    """os.environ without what would change how the child Python behaves, plus `extra`."""
    env = dict(os.environ)
    for name in ("PYTHONPATH", "PYTHONSTARTUP", "PYTHONINSPECT", "FORCE_COLOR", "PYTHON_COLORS"):
        env.pop(name, None)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.update(extra)
    return env
