"""`audit verify [--anchor FILE]`: is the audit log as it was written?

Checks every row's hash, every commit's seal and the chain of seals (services.store.audit).
Prints one line: the count verified (exit 0), or the first broken link (exit 1).
`--anchor FILE` keeps the heads of earlier runs outside the database: each must still be
in the chain (a chain rewritten from some row on is caught too), and a good run appends
its head.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

from services.cli import Context, Subparsers, error

ANCHOR_LINE = re.compile(r"^seal (\d+) sha256 ([0-9a-f]{64})\b")


def register(sub: Subparsers) -> None:
    a = sub.add_parser("audit", help="audit log: verify that no row was changed, deleted or "
                       "inserted")  # fmt: skip
    a.add_argument("action", choices=("verify",))
    a.add_argument("--anchor", help="file of heads from earlier runs (read, then appended to)")
    a.set_defaults(run=run_audit)


def _anchors(path: Path) -> list[tuple[int, str]]:
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        m = ANCHOR_LINE.match(line.strip())
        if m:
            out.append((int(m.group(1)), m.group(2)))
    return out


def run_audit(args: argparse.Namespace, ctx: Context) -> int:
    from services.store import audit, db

    engine = db.open_database(ctx.url)
    anchor = Path(args.anchor) if args.anchor else None
    try:
        anchors = _anchors(anchor) if anchor else []
    except OSError as exc:
        return error(f"cannot read anchor file {anchor}: {exc.strerror}")
    t0 = time.perf_counter()
    verdict = audit.verify(engine, anchors)
    seconds = time.perf_counter() - t0
    if not verdict.ok:
        first = verdict.problems[0]
        more = len(verdict.problems) - 1
        tail = f" ({more} more problem{'s' if more > 1 else ''})" if more else ""
        print(f"audit log broken: {first.message}{tail}", file=sys.stderr)
        return 1
    head = f"seal {verdict.head_n} sha256 {verdict.head_hash}" if verdict.head_n else "no seal"
    print(f"audit log intact: {verdict.rows} rows in {verdict.seals} seals verified in "
          f"{seconds:.1f} s; head {head}")  # fmt: skip
    if anchor is not None and verdict.head_n and (verdict.head_n, verdict.head_hash) not in anchors:
        try:
            with anchor.open("a", encoding="utf-8") as fh:
                fh.write(f"{head} {time.strftime('%Y-%m-%dT%H:%M:%S%z')}\n")
        except OSError as exc:
            return error(f"cannot write anchor file {anchor}: {exc.strerror}")
    return 0
