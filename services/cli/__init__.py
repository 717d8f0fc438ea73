"""console.py's commands that need no Qt. Each module registers its subcommand(s) on the
parser (`register(sub)`) and sets `run`, a function of the parsed arguments and the
command-line context; console.py only collects them. The wall's own commands live in
ui/commands.py, the benchmarks in tests/bench/command.py."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from services.policies import Policies

EXIT_USAGE = 1
EXIT_DB = 2


@dataclass(frozen=True)
class Context:
    """What every command gets besides its arguments: the database URLs and the config."""

    url: str
    db_is_default: bool
    raw: dict[str, Any] = field(default_factory=dict)
    owner_url: str = ""  # the owner role's (db upgrade, db roles, demo); "": the same as url
    timezone: str = "Asia/Shanghai"
    tiles_url: str | None = None
    policies: Policies = field(default_factory=Policies.defaults)  # built once by console.py
    read_url: str | None = None  # a hot standby for reads (database.read_url); None: url
    max_replica_lag_s: float = 30.0  # beyond this replay delay, reads go to the primary
    pooled: bool = False  # url is PgBouncer in transaction mode (database.pooled)
    direct_url: str | None = None  # the primary itself, past the pooler (database.direct_url)


Run = Callable[[argparse.Namespace, Context], int]
Subparsers = Any  # argparse's _SubParsersAction (private type)


def progress_bar() -> Callable[[str, float], None]:
    """A one-line progress bar on stderr for long builds."""
    last = [-1]

    def report(message: str, fraction: float) -> None:
        pct = int(fraction * 100)
        if pct == last[0] and fraction < 1:
            return
        last[0] = pct
        bar = "#" * (pct // 4) + "-" * (25 - pct // 4)
        sys.stderr.write(f"\r[{bar}] {pct:3d}% {message}\033[K")
        if fraction >= 1:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return report


def positive(kind: type[int] | type[float]) -> Callable[[str], Any]:
    """An argparse `type=` for a number above 0 (`--rate 0` is refused, not divided by)."""

    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if not value > 0:
            raise argparse.ArgumentTypeError(f"{text!r}: must be above 0")
        return value

    parse.__name__ = f"positive {kind.__name__}"
    return parse


def error(message: str, code: int = EXIT_USAGE) -> int:
    """Print one line to stderr and return the exit code."""
    print(f"error: {message}", file=sys.stderr)
    return code
