"""Reads from a hot standby, writes to the primary (PostgreSQL streaming replication).

A `ReadRouter` holds the primary's engine and, when `database.read_url` is set, a small
engine on a hot standby. It decides where a read goes:

- **Lag fallback.** The standby's replay delay (`replica_lag`) is checked at most once a
  second; beyond `max_lag_s` (or when the standby does not answer) reads go to the primary
  until it has caught up.
- **Read your own writes.** A commit on the primary marks the committing thread (a
  console's worker lane, a service's request thread). That thread's next read takes the
  primary's `pg_current_wal_lsn()` (after the commit, so at or past its commit record) and
  waits, at most `ryw_wait_s`, until the standby's `pg_last_wal_replay_lsn()` reaches it;
  if it does not in time, that read goes to the primary (and the next one checks again).

`RoutedSession` applies it to ORM sessions (SQLAlchemy's "custom vertical partitioning":
`Session.get_bind`): a session inside an explicit `session.begin()`, or one that flushed,
or a `SELECT ... FOR UPDATE` uses the primary for the rest of its transaction; other
transactions pick one server at their first statement and keep it (one snapshot).
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from sqlalchemy import Delete, Engine, Insert, Select, Update, event, text
from sqlalchemy.orm import Session, SessionTransaction, SessionTransactionOrigin

log = logging.getLogger(__name__)

ROUTER_KEY = "read_router"
"""session.info key of the ReadRouter a RoutedSession asks (set by the sessionmaker)."""

DEFAULT_MAX_LAG_S = 30.0
DEFAULT_RYW_WAIT_S = 2.0

# Replay delay seen from the standby: 0 while it streams and has replayed all it received
# (an idle primary writes nothing, and `pg_last_xact_replay_timestamp()` would age for
# nothing). A standby cut off from its primary has replayed all it received too, but that
# says nothing: without a streaming WAL receiver the lag is the age of its last replayed
# transaction (growing; NULL, i.e. unknown, when it never replayed one), so the console
# falls back to the primary. (Roles without pg_read_all_stats see the receiver's pid but
# not its status: for them a running receiver counts as streaming.)
LAG_SQL = text(
    "SELECT CASE WHEN pg_last_wal_receive_lsn() IS NULL THEN NULL"
    " WHEN NOT EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE pid IS NOT NULL"
    "                  AND COALESCE(status, 'streaming') = 'streaming')"
    " THEN EXTRACT(epoch FROM now() - pg_last_xact_replay_timestamp())::float8"
    " WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0.0"
    " ELSE COALESCE(EXTRACT(epoch FROM now() - pg_last_xact_replay_timestamp())::float8, 0.0)"
    " END, pg_is_in_recovery()"
)


def replica_lag(engine: Engine) -> float | None:
    """Seconds the hot standby behind `engine` is behind its primary (0 when it streams and
    has replayed all it received; the age of its last transaction when it is cut off from
    its primary); 0 on a primary; None when that is unknown."""
    with engine.connect() as conn:
        lag, in_recovery = conn.execute(LAG_SQL).one()
    if not in_recovery:
        return 0.0
    return None if lag is None else max(float(lag), 0.0)


def current_lsn(engine: Engine) -> str:
    """The primary's `pg_current_wal_lsn()` as text."""
    with engine.connect() as conn:
        return str(conn.execute(text("SELECT pg_current_wal_lsn()::text")).scalar_one())


def replayed(engine: Engine, lsn: str) -> bool:
    """True when the server behind `engine` has replayed `lsn` (always true on a primary)."""
    with engine.connect() as conn:
        value = conn.execute(
            text("SELECT COALESCE(pg_last_wal_replay_lsn() >= CAST(:lsn AS pg_lsn), true)"),
            {"lsn": lsn},
        ).scalar_one()
    return bool(value)


class _ThreadState(threading.local):
    wrote: bool = False
    target: str | None = None


class ReadRouter:
    """Chooses the engine for a read: the standby, or the primary (lag, own writes)."""

    def __init__(
        self,
        primary: Engine,
        replica: Engine | None = None,
        *,
        max_lag_s: float = DEFAULT_MAX_LAG_S,
        ryw_wait_s: float = DEFAULT_RYW_WAIT_S,
        lag_check_every: float = 1.0,
    ) -> None:
        self.primary = primary
        self.replica = replica
        self.max_lag_s = max_lag_s
        self.ryw_wait_s = ryw_wait_s
        self._check_every = lag_check_every
        self._local = _ThreadState()
        self._lock = threading.Lock()
        self._lag: float | None = None
        self._lag_ok = False
        self._checked_at = -1e9
        self.fallbacks = 0  # reads sent to the primary because of lag or an outage
        self.ryw_waits = 0  # reads that waited for the standby to replay their own write
        self.ryw_primary = 0  # reads sent to the primary because the standby was late
        if replica is not None:
            event.listen(primary, "commit", self._on_commit)

    # -- writes (any thread) ------------------------------------------------------------

    def _on_commit(self, _conn: Any) -> None:
        self._local.wrote = True

    def note_write(self) -> None:
        """This thread wrote (a commit outside this process's primary engine)."""
        self._local.wrote = True

    # -- lag --------------------------------------------------------------------------------

    def lag(self, *, fresh: bool = False) -> float | None:
        """The standby's replay delay in seconds (checked at most every second unless
        `fresh`); None when there is no standby or it does not answer."""
        if self.replica is None:
            return None
        now = time.monotonic()
        with self._lock:
            if not fresh and now - self._checked_at < self._check_every:
                return self._lag if self._lag_ok else None
            self._checked_at = now
        try:
            lag = replica_lag(self.replica)
            ok = lag is not None
        except Exception as exc:  # noqa: BLE001 - a standby that does not answer is "behind"
            log.debug("replica lag check failed: %s", exc)
            lag, ok = None, False
        with self._lock:
            self._lag, self._lag_ok = lag, ok
        return lag

    def replica_usable(self) -> bool:
        """The standby answers and is within `max_lag_s`."""
        lag = self.lag()
        return lag is not None and lag <= self.max_lag_s

    # -- choosing ---------------------------------------------------------------------------

    def for_feed(self) -> Engine:
        """Where the change feed reads now: the standby unless it lags or is down."""
        if self.replica is None:
            return self.primary
        if self.replica_usable():
            return self.replica
        self.fallbacks += 1
        return self.primary

    def for_read(self) -> Engine:
        """Where this thread's next read goes (may wait up to `ryw_wait_s` for the standby
        to replay this thread's last write)."""
        if self.replica is None:
            return self.primary
        state = self._local
        if state.wrote:
            state.wrote = False
            try:
                state.target = current_lsn(self.primary)
            except Exception:  # noqa: BLE001 - the primary is down: the standby is all there is
                state.target = None
        if not self.replica_usable():
            self.fallbacks += 1
            return self.primary
        if state.target is not None:
            if not self._wait_replayed(state.target):
                self.ryw_primary += 1
                return self.primary
            state.target = None
        return self.replica

    def _wait_replayed(self, lsn: str) -> bool:
        deadline = time.monotonic() + self.ryw_wait_s
        waited = False
        pause = 0.002
        while True:
            try:
                if replayed(self.replica, lsn):  # type: ignore[arg-type]
                    if waited:
                        self.ryw_waits += 1
                    return True
            except Exception:  # noqa: BLE001 - an unreachable standby: read the primary
                return False
            if time.monotonic() >= deadline:
                return False
            waited = True
            time.sleep(pause)
            pause = min(pause * 2, 0.05)

    def close(self) -> None:
        if self.replica is not None and event.contains(self.primary, "commit", self._on_commit):
            event.remove(self.primary, "commit", self._on_commit)


_PRIMARY_ORIGINS = (SessionTransactionOrigin.BEGIN, SessionTransactionOrigin.BEGIN_NESTED)


def _root(txn: SessionTransaction | None) -> SessionTransaction | None:
    while txn is not None and txn.parent is not None:
        txn = txn.parent
    return txn


class RoutedSession(Session):
    """A session whose reads may go to the standby (see the module docstring)."""

    def get_bind(self, mapper: Any = None, *, clause: Any = None, **kw: Any) -> Any:
        router: ReadRouter | None = self.info.get(ROUTER_KEY)
        if router is None or router.replica is None or kw.get("bind") is not None:
            return super().get_bind(mapper, clause=clause, **kw)
        root = _root(self.get_transaction())
        primary = (
            (mapper is None and clause is None)  # someone wants "the" engine: the writable one
            or self._flushing
            or isinstance(clause, Insert | Update | Delete)
            or (isinstance(clause, Select) and clause._for_update_arg is not None)
            or (root is not None and root.origin in _PRIMARY_ORIGINS)
        )
        if primary:
            bind = router.primary
        elif root is not None and router.primary in root._connections:
            bind = router.primary  # this transaction wrote: it reads what it wrote
        elif root is not None and router.replica in root._connections:
            bind = router.replica  # one server per transaction: one snapshot
        else:
            bind = router.for_read()
        return bind
