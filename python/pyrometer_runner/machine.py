"""The machine a run was measured on: CPU model and cores, from the OS (no ``platform`` import)."""
import os
import sys


def cpu_model():
    """The CPU's model name (``/proc/cpuinfo`` on Linux; sysctl-free fallbacks elsewhere), or ""."""
    if sys.platform.startswith("linux"):
        try:
            with open("/proc/cpuinfo", "r", encoding="utf-8", errors="replace") as stream:
                for line in stream:
                    key, _, value = line.partition(":")
                    # x86: "model name"; some ARM kernels: "Processor" or "Hardware" or "CPU part" only.
                    if key.strip() in ("model name", "Processor", "Hardware", "cpu model"):
                        return value.strip()
        except OSError:
            pass
    return os.environ.get("PROCESSOR_IDENTIFIER", "")


def cpu_counts():
    """(logical CPUs of the machine, CPUs this process may run on) — they differ under taskset or a container."""
    total = os.cpu_count() or 0
    affinity = getattr(os, "sched_getaffinity", None)
    usable = total
    if affinity is not None:
        try:
            usable = len(affinity(0))
        except OSError:
            pass
    return total, usable


def python_env():
    """The PYTHON* environment variables (they change what the interpreter does: PYTHONHASHSEED, PYTHONOPTIMIZE…)."""
    return dict(sorted((k, v) for k, v in os.environ.items() if k.startswith("PYTHON")))


def describe_machine(cwd):
    """The `machine` block of the run's metadata."""
    from pyrometer_runner import git_head  # imported lazily: only finished runs need it

    total, usable = cpu_counts()
    return {
        "cpuModel": cpu_model(),
        "cpuCount": total,
        "cpusUsable": usable,
        "pythonEnv": python_env(),
        "git": git_head.git_head(cwd),
    }
