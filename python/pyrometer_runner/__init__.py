"""Pyrometer's in-interpreter runner (standard library only, Python 3.8-3.13).

Started as ``python <ext>/python/pyrometer_runner <subcommand> ...`` (the directory's ``__main__.py``) or
``python -m pyrometer_runner <subcommand> ...``. The contract is docs/runner-protocol.md.

The modules import only what Python has already loaded at startup (plus cProfile), so that the target's own
imports cost what they cost without the runner, and so that nothing is imported after the target ran (a script
directory holding e.g. ``json.py`` would otherwise shadow the standard module).
"""
