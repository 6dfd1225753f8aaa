"""Describe the interpreter, the platform and what they can do, from ``sys``/``os`` (no ``platform`` import).

Everything here runs after the target, so it imports nothing that Python had not loaded at startup, except
``sysconfig``, which is imported with the script's directory off sys.path (a script directory may hold modules
named like standard ones).
"""
import os
import sys
import time

from pyrometer_runner import machine


def iso_utc(timestamp):
    """``2026-11-25T14:50:00.123Z`` for a time.time() value."""
    whole = int(timestamp)
    millis = int((timestamp - whole) * 1000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole)) + ".%03dZ" % millis


def _parse_sys_version():
    """(version, [buildno, builddate], compiler) from sys.version, as platform.python_build/compiler give them.

    sys.version looks like ``3.11.7 (main, Dec  1 2023, 10:00:00) [GCC 12.2.0]``.
    """
    text = sys.version
    version = text.split()[0] if text.split() else ""
    build = ["", ""]
    compiler = ""
    open_paren = text.find("(")
    close_paren = text.find(")", open_paren + 1) if open_paren >= 0 else -1
    if open_paren >= 0 and close_paren > open_paren:
        parts = [part.strip() for part in text[open_paren + 1:close_paren].split(",")]
        buildno = parts[0].lstrip("#") if parts else ""
        builddate = parts[1] if len(parts) > 1 else ""
        if len(parts) > 2 and parts[2]:
            builddate = builddate + " " + parts[2]
        build = [buildno, builddate]
    open_bracket = text.find("[", max(close_paren, 0))
    if open_bracket >= 0:
        close_bracket = text.rfind("]")
        compiler = text[open_bracket + 1:close_bracket if close_bracket > open_bracket else len(text)]
    return version, build, compiler


_IMPLEMENTATIONS = {"cpython": "CPython", "pypy": "PyPy", "ironpython": "IronPython", "jython": "Jython"}


def _import_stdlib(name, avoid_dirs):
    """Import a standard module with the given directories off sys.path; None if that fails."""
    module = sys.modules.get(name)
    if module is not None:
        return module
    avoid = set(os.path.normcase(os.path.abspath(d)) for d in avoid_dirs)
    saved = list(sys.path)
    try:
        sys.path[:] = [p for p in saved if p and os.path.normcase(os.path.abspath(p)) not in avoid]
        __import__(name)
        return sys.modules.get(name)
    except Exception:
        return None
    finally:
        sys.path[:] = saved


def _config_vars(avoid_dirs):
    sysconfig = _import_stdlib("sysconfig", avoid_dirs)
    try:
        found = sysconfig.get_config_vars() if sysconfig is not None else None
        return dict(found) if found else {}
    except Exception:
        return {}


def _platform_string():
    """Like platform.platform() on Linux (``Linux-6.1.0-x86_64-with-glibc2.36``), close enough elsewhere."""
    uname = getattr(os, "uname", None)
    if uname is not None:
        info = uname()
        parts = [info.sysname, info.release, info.machine]
        libc = ""
        try:
            libc = os.confstr("CS_GNU_LIBC_VERSION") or ""
        except (AttributeError, ValueError, OSError):
            pass
        if libc:
            parts += ["with", libc.replace(" ", "")]
    elif hasattr(sys, "getwindowsversion"):
        version = sys.getwindowsversion()
        parts = ["Windows", "%d.%d.%d" % (version.major, version.minor, version.build),
                 os.environ.get("PROCESSOR_ARCHITECTURE", "")]
    else:
        parts = [sys.platform]
    text = "-".join(part for part in parts if part)
    for char in ' /\\:;"()':
        text = text.replace(char, "_" if char == " " else "-")
    while "--" in text:
        text = text.replace("--", "-")
    return text.strip("-")


def _machine():
    uname = getattr(os, "uname", None)
    if uname is not None:
        return uname().machine
    return os.environ.get("PROCESSOR_ARCHITECTURE", "")


def _build_flags(config):
    """How the interpreter was compiled, where sysconfig says so; None for what it does not say.

    PGO and LTO are configure options (``--enable-optimizations``, ``--with-lto``): CONFIG_ARGS records them
    (PGO_PROF_USE_FLAG is set whether or not PGO was used, so it proves nothing). The experimental JIT (3.13+) is
    ``--enable-experimental-jit``; when built in, it runs unless PYTHON_JIT=0 (3.13 has no API to ask).
    """
    config_args = config.get("CONFIG_ARGS")
    cflags = config.get("PY_CFLAGS") or config.get("CFLAGS") or ""
    known = isinstance(config_args, str)
    args = config_args if known else ""
    c_optimization = None
    for flag in str(cflags).split():
        if len(flag) in (2, 3) and flag.startswith("-O"):
            c_optimization = flag  # the last one wins, as with the compiler
    jit_option = args.split("--enable-experimental-jit", 1)[1].split(" ", 1)[0].strip("'") if "--enable-experimental-jit" in args else None
    # "=no" builds no JIT; "=interpreter" builds only the tier-2 interpreter, not the JIT.
    jit_build = (jit_option is not None and jit_option not in ("=no", "=interpreter")) if known else None
    jit_enabled = bool(jit_build and os.environ.get("PYTHON_JIT", "1") != "0") if known else None
    return {
        "pgo": ("--enable-optimizations" in args) if known else None,
        "lto": ("--with-lto" in args or "-flto" in str(cflags)) if known else None,
        "cOptimization": c_optimization,
        "assertions": ("-DNDEBUG" not in str(cflags)) if cflags else None,
        "jitBuild": jit_build,
        "jitEnabled": jit_enabled,
        "configureArgs": args if known else None,
    }


def command_line(script, args):
    """The command that runs the target the same way without Pyrometer: interpreter, its options, script, args."""
    line = [sys.executable or "python"]
    if sys.flags.optimize:
        line.append("-" + "O" * sys.flags.optimize)
    for key, value in sorted(getattr(sys, "_xoptions", {}).items()):
        line += ["-X", key if value is True else "%s=%s" % (key, value)]
    return line + [script] + list(args)


def describe(avoid_dirs=()):
    """(python, platform, capabilities) blocks of the result's metadata."""
    version, build, compiler = _parse_sys_version()
    config = _config_vars(avoid_dirs)
    implementation = sys.implementation.name
    cpython = implementation == "cpython"
    free_threading_build = bool(config.get("Py_GIL_DISABLED")) or "t" in getattr(sys, "abiflags", "")
    gil_check = getattr(sys, "_is_gil_enabled", None)
    gil_disabled = bool(gil_check is not None and not gil_check())
    if "PY_HAVE_PERF_TRAMPOLINE" in config:
        perf_trampoline = bool(config.get("PY_HAVE_PERF_TRAMPOLINE"))
    else:  # no sysconfig data: the platforms CPython enables it on
        perf_trampoline = sys.platform.startswith("linux") and _machine() in ("x86_64", "aarch64")
    perf_trampoline = bool(perf_trampoline and cpython and sys.version_info >= (3, 12)
                           and hasattr(sys, "activate_stack_trampoline"))
    python = {
        "version": version,
        "implementation": _IMPLEMENTATIONS.get(implementation, implementation),
        "executable": sys.executable or "",
        "build": build,
        "compiler": compiler,
        "debugBuild": hasattr(sys, "gettotalrefcount"),
        "optimizeLevel": sys.flags.optimize,
        "gilDisabled": gil_disabled,
        "freeThreadingBuild": free_threading_build,
        "buildFlags": _build_flags(config),
    }
    capabilities = {
        "sysMonitoring": hasattr(sys, "monitoring"),
        "adaptiveDis": cpython and sys.version_info >= (3, 11),
        "perfTrampoline": perf_trampoline,
        "perfJit": perf_trampoline and sys.version_info >= (3, 13),
        "cprofileSeesThreads": cpython and sys.version_info >= (3, 12),
        "freeThreading": free_threading_build,
    }
    return python, _platform_string(), capabilities


def run_block(tool, options, cwd, job, started_at, outcome, threads_seen):
    """The `metadata` block every runner result carries (docs/runner-protocol.md), for one finished run."""
    python, platform_string, capabilities = describe(
        avoid_dirs=[job.search_dir])
    return {
        "tool": tool,
        "python": python,
        "platform": platform_string,
        "argv": job.argv(),
        "cwd": cwd,
        "script": job.path,
        "module": getattr(job, "module_name", None),
        "startedAt": iso_utc(started_at),
        "wallSeconds": outcome.wall_seconds,
        "cpuSeconds": outcome.cpu_seconds,
        "exitCode": outcome.exit_code,
        "exception": outcome.exception_info(),
        "threadsSeen": threads_seen,
        "capabilities": capabilities,
        "commandLine": command_line(options.script, options.args),
        "machine": machine.describe_machine(cwd),
    }
