"""`console.py` run in the test's own process: the same `console.main(argv)` a shell runs,
without starting another interpreter (about 1.3 s each on this machine).

For tests where the command's work is the point (imports, keys, accounts). A test about
what the process itself prints or exits with (a traceback, a signal, start-up) starts a
real process instead (tests/test_console_errors.py).
"""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Ran:
    """What a command gave back: its exit code and what it printed."""

    returncode: int
    stdout: str
    stderr: str


@contextlib.contextmanager
def _environment(env: Mapping[str, str]) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def run_console(*argv: str, env: Mapping[str, str] | None = None) -> Ran:
    """`python console.py ARGV...` in process; argparse's exits are returned as codes."""
    import console

    out, err = io.StringIO(), io.StringIO()
    with _environment(env or {}), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = console.main(list(argv))
        except SystemExit as exc:  # argparse: --help, a bad argument
            code = exc.code if isinstance(exc.code, int) else 1
    return Ran(code, out.getvalue(), err.getvalue())
