"""Throw-away PostgreSQL clusters (primary + streaming hot standbys) and PgBouncer for tests.

Everything runs on loopback (127.0.0.1) on free ports, in one temporary directory that
`PgCluster.close()` removes, together with every server and PgBouncer it started, even after
a failure. The system PostgreSQL on 5432 and Debian's packaged PgBouncer are never touched.

* One set of server binaries is used throughout: `PgBinaries.find()` picks one `bin/`
  directory (``$PGCLUSTER_BINDIR`` when set, else the newest ``/usr/lib/postgresql/*/bin``,
  else ``pg_config --bindir``) and checks that its initdb, postgres, pg_ctl and pg_basebackup are
  the same version. Debian's ``/usr/bin/pg_basebackup`` is a wrapper script and
  ``/usr/local/bin/initdb`` may be a symlink elsewhere, so neither is run directly.
* PostgreSQL and PgBouncer both refuse to run as root. When the tests run as root, every
  server-side command runs as the ``postgres`` OS user (``$PGCLUSTER_OS_USER`` to change it);
  otherwise as the current user. The temporary directory is handed to that user, so it must
  sit somewhere that user can reach (``/tmp`` by default, ``$PGCLUSTER_TMPDIR`` to change it),
  not in pytest's root-only ``tmp_path``.
* Authentication is ``trust`` on loopback; the database superuser is ``postgres``.
* Nothing sleeps for a fixed time: every wait polls a condition (a port, a query) with a
  deadline and fails with the server's log tail.

This module imports nothing from the project.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pwd
import re
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Literal, TypeVar

import psycopg
from psycopg import sql

T = TypeVar("T")
StopMode = Literal["smart", "fast", "immediate"]
Role = Literal["primary", "standby", "retired"]

SUPERUSER = "postgres"
LOOPBACK = "127.0.0.1"
SERVER_TOOLS = ("initdb", "postgres", "pg_ctl", "pg_basebackup")

#: Settings every node gets (the standby copies them with the base backup); `PgCluster(settings=)`
#: adds to or overrides them. Strings are quoted when written (any setting takes a quoted value).
DEFAULT_SETTINGS: dict[str, str | int] = {
    "wal_level": "replica",
    "max_wal_senders": 10,
    "max_replication_slots": 10,
    "wal_keep_size": "256MB",
    "hot_standby": "on",
    "hot_standby_feedback": "on",
    # Standbys report their positions every second (default 10 s), so pg_stat_replication
    # on the primary is fresh, and retry a lost primary quickly.
    "wal_receiver_status_interval": "1s",
    "wal_retrieve_retry_interval": "500ms",
    # Throw-away data: durability is not needed, speed is.
    "fsync": "off",
    "shared_buffers": "32MB",
    "log_line_prefix": "%m [%p] %q%a ",
}


class HarnessError(RuntimeError):
    """A server, tool or condition of the harness failed; the message carries the log tail."""


def lsn_to_int(lsn: str) -> int:
    """A PostgreSQL LSN such as ``'0/3000148'`` as a byte position, for comparisons."""
    high, _, low = lsn.partition("/")
    return (int(high, 16) << 32) | int(low, 16)


def wait_for(check: Callable[[], T | None], *, timeout: float, what: str) -> T:
    """Poll `check` until it returns something other than None/False, at most `timeout` s.

    Exceptions raised by `check` count as "not yet" (a server still starting refuses
    connections); the last one is reported if the deadline passes.
    """
    deadline = time.monotonic() + timeout
    interval = 0.005
    last_error: BaseException | None = None
    while True:
        try:
            result = check()
        except (OSError, psycopg.Error, HarnessError) as exc:
            last_error = exc
        else:
            if result is not None and result is not False:
                return result
        if time.monotonic() >= deadline:
            detail = f" (last error: {last_error})" if last_error is not None else ""
            raise TimeoutError(f"timed out after {timeout:.1f} s waiting for {what}{detail}")
        time.sleep(interval)
        interval = min(interval * 2, 0.1)


_ports_handed_out: set[int] = set()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now (and not handed out before here).

    Another process may still take it before our server binds it; starts retry on that.
    """
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind((LOOPBACK, 0))
            port = int(sock.getsockname()[1])
        if port not in _ports_handed_out:
            _ports_handed_out.add(port)
            return port
    raise HarnessError("could not find a free loopback port")


def port_open(port: int, host: str = LOOPBACK) -> bool:
    """True when something accepts TCP connections on host:port."""
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def _version_of(tool: Path) -> str:
    out = subprocess.run([str(tool), "--version"], capture_output=True, text=True, check=True)
    match = re.search(r"\(PostgreSQL\)\s+(\d+(?:\.\d+)?)", out.stdout)
    if not match:
        raise HarnessError(f"cannot read the version of {tool}: {out.stdout!r}")
    return match.group(1)


@dataclass(frozen=True)
class PgBinaries:
    """One consistent set of PostgreSQL server binaries (a single ``bin/`` directory)."""

    bindir: Path
    version: str
    version_text: str

    def tool(self, name: str) -> str:
        """Absolute path of a tool in this set (initdb, pg_ctl, pg_basebackup, ...)."""
        return str(self.bindir / name)

    @classmethod
    def candidates(cls) -> list[Path]:
        """Where `find` looks, in order (only ``$PGCLUSTER_BINDIR`` when that is set)."""
        if env := os.environ.get("PGCLUSTER_BINDIR"):
            return [Path(env)]
        found: list[Path] = []
        debian = [p for p in Path("/usr/lib/postgresql").glob("*/bin") if p.parent.name.isdigit()]
        found.extend(sorted(debian, key=lambda p: int(p.parent.name), reverse=True))
        if pg_config := shutil.which("pg_config"):
            with contextlib.suppress(OSError, subprocess.CalledProcessError):
                out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=True)
                found.append(Path(out.stdout.strip()))
        return found

    @classmethod
    def find(cls, bindir: str | Path | None = None) -> PgBinaries:
        """The binaries in `bindir`, or the first complete set among `candidates()`.

        Raises HarnessError when none has all of initdb, postgres, pg_ctl and pg_basebackup,
        or when their versions differ.
        """
        places = [Path(bindir)] if bindir is not None else cls.candidates()
        for place in places:
            if not all(os.access(place / t, os.X_OK) for t in SERVER_TOOLS):
                continue
            versions = {t: _version_of(place / t) for t in SERVER_TOOLS}
            if len(set(versions.values())) != 1:
                raise HarnessError(f"PostgreSQL tools in {place} disagree on the version: {versions}")
            text = subprocess.run(
                [str(place / "postgres"), "--version"], capture_output=True, text=True, check=True
            ).stdout.strip()
            return cls(bindir=place.resolve(), version=versions["postgres"], version_text=text)
        looked = ", ".join(str(p) for p in places) or "nowhere"
        raise HarnessError(
            f"no PostgreSQL server binaries ({', '.join(SERVER_TOOLS)}) found; looked in {looked}."
            " Install Debian's postgresql-NN or set PGCLUSTER_BINDIR."
        )


def find_pgbouncer() -> tuple[str, str]:
    """Path and version line of the pgbouncer binary (``$PGBOUNCER_BIN`` if set, else PATH,
    else /usr/sbin)."""
    env = os.environ.get("PGBOUNCER_BIN")
    candidates = [env] if env else [shutil.which("pgbouncer"), "/usr/sbin/pgbouncer"]
    for cand in candidates:
        if cand and os.access(cand, os.X_OK):
            out = subprocess.run([cand, "--version"], capture_output=True, text=True, check=False)
            return cand, (out.stdout or out.stderr).splitlines()[0].strip()
    raise HarnessError("pgbouncer not found (Debian package pgbouncer; bin/setup.sh installs it)")


@dataclass(frozen=True)
class RunAs:
    """The OS user that server processes run as: `postgres` when we are root, else ourselves."""

    name: str
    uid: int | None = None
    gid: int | None = None

    @classmethod
    def for_servers(cls, os_user: str | None = None) -> RunAs:
        if os.geteuid() != 0:
            return cls(name=pwd.getpwuid(os.geteuid()).pw_name)
        name = os_user or os.environ.get("PGCLUSTER_OS_USER", "postgres")
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            raise HarnessError(
                f"running as root, and there is no OS user {name!r} to run PostgreSQL as"
                " (PostgreSQL and PgBouncer refuse root); set PGCLUSTER_OS_USER"
            ) from None
        return cls(name=name, uid=entry.pw_uid, gid=entry.pw_gid)

    def subprocess_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for subprocess that switch to this user (nothing when we are it)."""
        if self.uid is None:
            return {}
        return {"user": self.uid, "group": self.gid, "extra_groups": []}

    def own(self, path: Path) -> None:
        """Give `path` to this user (no-op when not root)."""
        if self.uid is not None and self.gid is not None:
            os.chown(path, self.uid, self.gid)


def _child_env(home: Path) -> dict[str, str]:
    """Our environment without libpq's PG* variables, with a private HOME and C messages."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env.update(HOME=str(home), LC_ALL="C.UTF-8", LANG="C.UTF-8")
    return env


def _check_reachable(base: Path, run_as: RunAs) -> None:
    """Fail early when `run_as` cannot traverse the parents of `base` (e.g. pytest's tmp_path)."""
    if run_as.uid is None:
        return
    for parent in base.parents:
        st = parent.stat()
        if st.st_uid != run_as.uid and not st.st_mode & stat.S_IXOTH:
            raise HarnessError(
                f"{parent} is not searchable by OS user {run_as.name!r}; put the cluster elsewhere"
                " (base_dir= or $PGCLUSTER_TMPDIR)"
            )


def _conf_value(value: str | int) -> str:
    """A postgresql.conf value: numbers as they are, strings single-quoted."""
    if isinstance(value, int):
        return str(value)
    return "'" + value.replace("'", "''") + "'"


def _tail(path: Path, lines: int = 25) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return f"(no log at {path})"
    return "\n".join(text.splitlines()[-lines:])


@dataclass(eq=False)
class PgNode:
    """One PostgreSQL server of a cluster."""

    name: str
    datadir: Path
    logfile: Path
    role: Role
    port: int = 0
    host: str = LOOPBACK
    upstream: PgNode | None = None
    running: bool = False

    def conninfo(self, dbname: str = "postgres", **extra: str | int) -> str:
        """A libpq connection string for this node."""
        return psycopg.conninfo.make_conninfo(
            "", host=self.host, port=self.port, user=SUPERUSER, dbname=dbname, **extra
        )

    def connect(
        self, dbname: str = "postgres", *, autocommit: bool = True, connect_timeout: int = 5
    ) -> psycopg.Connection[tuple[Any, ...]]:
        """A new psycopg connection as the superuser (autocommit by default)."""
        return psycopg.connect(
            self.conninfo(dbname, connect_timeout=connect_timeout), autocommit=autocommit
        )

    def query(
        self, query: str | sql.Composable, params: Sequence[Any] | None = None, dbname: str = "postgres"
    ) -> list[tuple[Any, ...]]:
        """Run one statement in autocommit on a fresh connection; its rows ([] if none)."""
        with self.connect(dbname) as conn:
            cur = conn.execute(query, params)  # type: ignore[arg-type]
            return cur.fetchall() if cur.description is not None else []

    def scalar(
        self, query: str | sql.Composable, params: Sequence[Any] | None = None, dbname: str = "postgres"
    ) -> Any:
        """The first column of the first row of `query` (None when no row)."""
        rows = self.query(query, params, dbname)
        return rows[0][0] if rows else None

    def in_recovery(self) -> bool:
        return bool(self.scalar("SELECT pg_is_in_recovery()"))

    def log_tail(self, lines: int = 25) -> str:
        return _tail(self.logfile, lines)

    def postmaster_pid(self) -> int | None:
        """The postmaster's pid from postmaster.pid, when that file exists."""
        try:
            first = (self.datadir / "postmaster.pid").read_text().splitlines()[0]
        except (OSError, IndexError):
            return None
        return int(first) if first.strip().isdigit() else None

    def __repr__(self) -> str:
        return f"PgNode({self.name!r}, {self.role}, port={self.port}, running={self.running})"


@dataclass(frozen=True)
class ReplicationLag:
    """How far a standby is behind the primary, measured both ways."""

    primary_lsn: str
    receive_lsn: str | None
    replay_lsn: str | None
    #: WAL bytes the primary has written that the standby has not replayed.
    replay_bytes: int
    #: WAL bytes the standby has received but not replayed (non-zero while replay is paused).
    unreplayed_received_bytes: int
    #: Seconds since the standby replayed its last transaction, 0 when it has replayed all
    #: it received (the usual "replication delay" measure); None before it replayed any.
    replay_delay_s: float | None
    #: `replay_lag` as the primary's pg_stat_replication reports it (None when it has none).
    reported_replay_lag_s: float | None


class PgCluster:
    """A primary and streaming hot standbys on loopback, all in one temporary directory.

    Use as a context manager, or call `close()`; both stop every server and PgBouncer started
    here and remove the directory, whatever state they are in. Timings of the steps (seconds)
    collect in `timings`.

    >>> with PgCluster(max_connections=50) as c:          # doctest: +SKIP
    ...     c.start_primary(); standby = c.add_standby()
    ...     c.url(standby, "postgres")
    """

    def __init__(
        self,
        binaries: PgBinaries | None = None,
        *,
        base_dir: str | Path | None = None,
        max_connections: int = 100,
        settings: Mapping[str, str | int] | None = None,
        os_user: str | None = None,
        timeout: float = 60.0,
    ) -> None:
        self.binaries = binaries or PgBinaries.find()
        self.run_as = RunAs.for_servers(os_user)
        self.timeout = timeout
        self.max_connections = max_connections
        self.settings: dict[str, str | int] = {**DEFAULT_SETTINGS, **(settings or {})}
        self.nodes: list[PgNode] = []
        self.bouncers: list[PgBouncer] = []
        self.timings: dict[str, float] = {}
        self._closed = False
        parent = base_dir or os.environ.get("PGCLUSTER_TMPDIR") or None
        self.base = Path(tempfile.mkdtemp(prefix="pgcluster-", dir=parent))
        atexit.register(self.close)
        try:
            _check_reachable(self.base, self.run_as)
            self.sockdir = self.base / "sock"
            self.logdir = self.base / "log"
            for d in (self.base, self.sockdir, self.logdir):
                d.mkdir(mode=0o700, exist_ok=True)
                d.chmod(0o700)
                self.run_as.own(d)
        except BaseException:
            self.close()
            raise

    # -- context manager -------------------------------------------------------------------

    def __enter__(self) -> PgCluster:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- nodes -----------------------------------------------------------------------------

    @property
    def primary(self) -> PgNode:
        """The current primary (after `promote`, the promoted node)."""
        for node in reversed(self.nodes):
            if node.role == "primary":
                return node
        raise HarnessError("the cluster has no primary; call start_primary() first")

    @property
    def standbys(self) -> list[PgNode]:
        return [n for n in self.nodes if n.role == "standby"]

    def node(self, name: str) -> PgNode:
        for n in self.nodes:
            if n.name == name:
                return n
        raise KeyError(name)

    def _new_node(self, name: str, role: Role) -> PgNode:
        if any(n.name == name for n in self.nodes):
            raise HarnessError(f"a node named {name!r} exists already")
        node = PgNode(name=name, datadir=self.base / name, logfile=self.logdir / f"{name}.log", role=role)
        self.nodes.append(node)
        return node

    def start_primary(self, name: str = "primary") -> PgNode:
        """initdb (trust auth, UTF8, C locale) and start a primary on a free loopback port."""
        if any(n.role == "primary" for n in self.nodes):
            raise HarnessError("the cluster has a primary already")
        node = self._new_node(name, "primary")
        t0 = time.monotonic()
        self._run(
            [
                self.binaries.tool("initdb"), "-D", str(node.datadir), "-U", SUPERUSER,
                "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync", "--no-instructions",
            ]
        )
        with (node.datadir / "postgresql.conf").open("a") as conf:
            conf.write("\n# tests/support/pgcluster.py: this node's and the harness's settings\n")
            conf.write("include_if_exists = 'harness.conf'\n")
        self.timings["initdb"] = time.monotonic() - t0
        t1 = time.monotonic()
        self._start(node, new_port=True)
        self.timings["primary_start"] = time.monotonic() - t1
        return node

    def add_standby(self, name: str | None = None, *, source: PgNode | None = None) -> PgNode:
        """pg_basebackup -R -X stream from `source` (the primary), start it, wait until it streams."""
        upstream = source or self.primary
        name = name or f"standby{len(self.standbys) + 1}"
        node = self._new_node(name, "standby")
        node.upstream = upstream
        t0 = time.monotonic()
        self._run(
            [
                self.binaries.tool("pg_basebackup"), "-h", upstream.host, "-p", str(upstream.port),
                "-U", SUPERUSER, "-D", str(node.datadir), "-R", "-X", "stream",
                "--checkpoint=fast", "--no-sync",
            ]
        )
        self.timings[f"basebackup:{name}"] = self.timings["basebackup"] = time.monotonic() - t0
        t1 = time.monotonic()
        self._start(node, new_port=True)
        self.wait_streaming(node)
        self.timings[f"standby_start:{name}"] = self.timings["standby_start"] = time.monotonic() - t1
        return node

    def _write_harness_conf(self, node: PgNode) -> None:
        settings: dict[str, str | int] = {
            "listen_addresses": LOOPBACK,
            "port": node.port,
            "unix_socket_directories": str(self.sockdir),
            "cluster_name": node.name,  # also the standby's application_name upstream
            "max_connections": self.max_connections,
            **self.settings,
        }
        text = "".join(f"{k} = {_conf_value(v)}\n" for k, v in settings.items())
        path = node.datadir / "harness.conf"
        path.write_text(text)
        self.run_as.own(path)

    def _start(self, node: PgNode, *, new_port: bool) -> None:
        """pg_ctl start -w; with `new_port`, on a free port, retrying if it was taken meanwhile."""
        attempts = 5 if new_port else 1
        for attempt in range(attempts):
            if new_port:
                node.port = free_port()
            self._write_harness_conf(node)
            log_start = node.logfile.stat().st_size if node.logfile.exists() else 0
            result = self._run(
                [
                    self.binaries.tool("pg_ctl"), "-D", str(node.datadir), "-l", str(node.logfile),
                    "-w", "-t", str(int(self.timeout)), "-s", "start",
                ],
                check=False,
            )
            if result.returncode == 0:
                break
            new_log = node.logfile.read_text(errors="replace")[log_start:] if node.logfile.exists() else ""
            if "could not bind" in new_log and attempt + 1 < attempts:
                continue
            raise HarnessError(
                f"{node.name} did not start (pg_ctl exit {result.returncode}): {result.stderr.strip()}\n"
                f"{node.log_tail()}"
            )
        self._wait(lambda: node.scalar("SELECT 1") == 1, f"{node.name} to accept connections", node)
        node.running = True

    def start(self, node: PgNode) -> None:
        """Start a stopped node again on its port (a standby then resumes streaming)."""
        self._start(node, new_port=False)

    def stop(self, node: PgNode, mode: StopMode = "fast") -> float:
        """pg_ctl stop -m `mode` and wait until it is down; seconds it took."""
        t0 = time.monotonic()
        self._run(
            [
                self.binaries.tool("pg_ctl"), "-D", str(node.datadir), "-m", mode,
                "-w", "-t", str(int(self.timeout)), "-s", "stop",
            ]
        )
        node.running = False
        return time.monotonic() - t0

    # -- replication -----------------------------------------------------------------------

    def wait_streaming(self, standby: PgNode, timeout: float | None = None) -> None:
        """Wait until `standby` is in recovery and streams from its upstream (both sides agree)."""
        upstream = standby.upstream or self.primary

        def streaming() -> bool:
            if not standby.in_recovery():
                raise HarnessError(f"{standby.name} is not in recovery")
            receiver = standby.scalar("SELECT status FROM pg_stat_wal_receiver")
            sender = upstream.scalar(
                "SELECT state FROM pg_stat_replication WHERE application_name = %s", (standby.name,)
            )
            return bool(receiver == "streaming" and sender == "streaming")

        self._wait(streaming, f"{standby.name} to stream from {upstream.name}", standby, timeout)

    def current_lsn(self, node: PgNode | None = None) -> str:
        """`pg_current_wal_lsn()` of the primary (or of `node`)."""
        return str((node or self.primary).scalar("SELECT pg_current_wal_lsn()::text"))

    def replay_lsn(self, standby: PgNode) -> str | None:
        """`pg_last_wal_replay_lsn()` of a standby (None on a primary)."""
        value = standby.scalar("SELECT pg_last_wal_replay_lsn()::text")
        return None if value is None else str(value)

    def receive_lsn(self, standby: PgNode) -> str | None:
        """`pg_last_wal_receive_lsn()` of a standby: WAL received, replayed or not."""
        value = standby.scalar("SELECT pg_last_wal_receive_lsn()::text")
        return None if value is None else str(value)

    def wait_replayed(
        self, standby: PgNode, lsn: str | None = None, timeout: float | None = None
    ) -> float:
        """Wait until `standby` has replayed `lsn` (default: the primary's current LSN); seconds waited."""
        target = lsn or self.current_lsn()
        t0 = time.monotonic()
        self._wait(
            lambda: standby.scalar("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (target,)),
            f"{standby.name} to replay {target}",
            standby,
            timeout,
        )
        return time.monotonic() - t0

    def wait_all_replayed(self, timeout: float | None = None) -> None:
        """Every running standby has replayed the primary's current LSN."""
        target = self.current_lsn()
        for standby in self.standbys:
            if standby.running:
                self.wait_replayed(standby, target, timeout)

    def replay_pause_state(self, standby: PgNode) -> str:
        """'not paused', 'pause requested' or 'paused' (pg_get_wal_replay_pause_state())."""
        return str(standby.scalar("SELECT pg_get_wal_replay_pause_state()"))

    def pause_replay(self, standby: PgNode) -> None:
        """pg_wal_replay_pause(): WAL still arrives, but is not applied until `resume_replay`.

        The request takes effect before the next WAL record is replayed; while nothing
        arrives, the state can stay 'pause requested' (nothing is replayed either way).
        """
        standby.query("SELECT pg_wal_replay_pause()")
        self._wait(
            lambda: self.replay_pause_state(standby) in ("paused", "pause requested"),
            f"{standby.name} to pause replay",
            standby,
        )

    def resume_replay(self, standby: PgNode) -> None:
        """pg_wal_replay_resume(), and wait until the standby says it is not paused."""
        standby.query("SELECT pg_wal_replay_resume()")
        self._wait(
            lambda: self.replay_pause_state(standby) == "not paused",
            f"{standby.name} to resume replay",
            standby,
        )

    def replication_lag(self, standby: PgNode) -> ReplicationLag:
        """Byte and time lag of `standby` behind the current primary."""
        primary = self.primary
        primary_lsn = self.current_lsn()
        reported = primary.scalar(
            "SELECT EXTRACT(epoch FROM replay_lag)::float8 FROM pg_stat_replication"
            " WHERE application_name = %s",
            (standby.name,),
        )
        rows = standby.query(
            "SELECT pg_last_wal_receive_lsn()::text, pg_last_wal_replay_lsn()::text,"
            " pg_wal_lsn_diff(%s::pg_lsn, pg_last_wal_replay_lsn())::bigint,"
            " pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())::bigint,"
            " CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0"
            "      ELSE EXTRACT(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 END",
            (primary_lsn,),
        )
        receive, replay, behind, unreplayed, delay = rows[0]
        return ReplicationLag(
            primary_lsn=primary_lsn,
            receive_lsn=receive,
            replay_lsn=replay,
            replay_bytes=max(int(behind or 0), 0),
            unreplayed_received_bytes=max(int(unreplayed or 0), 0),
            replay_delay_s=None if delay is None else float(delay),
            reported_replay_lag_s=None if reported is None else float(reported),
        )

    def promote(
        self, standby: PgNode, *, method: Literal["pg_ctl", "sql"] = "pg_ctl", timeout: float | None = None
    ) -> float:
        """Promote `standby` (pg_ctl promote -w, or SELECT pg_promote()) and wait until it
        commits a write; seconds from the request to the first successful write.

        The former primary is marked 'retired' (stop it first: this does not fence it).
        Measured here: ~0.12 s (pg_ctl) / ~0.2 s (sql); about 1 s more when replay is paused,
        because a paused startup process looks for the promotion request once a second. A
        paused standby applies the WAL it received before it promotes.
        """
        if standby.role != "standby":
            raise HarnessError(f"{standby.name} is not a standby")
        limit = timeout or self.timeout
        old = [n for n in self.nodes if n.role == "primary"]
        t0 = time.monotonic()
        if method == "pg_ctl":
            self._run(
                [
                    self.binaries.tool("pg_ctl"), "-D", str(standby.datadir),
                    "-w", "-t", str(int(limit)), "-s", "promote",
                ]
            )
        else:
            if not standby.scalar("SELECT pg_promote(true, %s)", (int(limit),)):
                raise HarnessError(f"pg_promote() on {standby.name} did not finish in {limit} s")

        def writable() -> bool:
            with standby.connect() as conn:
                # txid_current() assigns a transaction id: refused while in recovery.
                conn.execute("SELECT txid_current()")
            return True

        self._wait(writable, f"{standby.name} to accept writes", standby, limit)
        elapsed = time.monotonic() - t0
        for node in old:
            node.role = "retired"
        standby.role = "primary"
        standby.upstream = None
        self.timings["promote"] = elapsed
        return elapsed

    # -- URLs ------------------------------------------------------------------------------

    def url(self, node: PgNode, database: str = "postgres", driver: str = "postgresql+psycopg") -> str:
        """SQLAlchemy URL of one node, e.g. ``postgresql+psycopg://postgres@127.0.0.1:PORT/db``."""
        return f"{driver}://{SUPERUSER}@{node.host}:{node.port}/{database}"

    def multi_host_url(
        self,
        database: str = "postgres",
        nodes: Sequence[PgNode] | None = None,
        *,
        driver: str = "postgresql+psycopg",
        target_session_attrs: str | None = "read-write",
        **query: str | int,
    ) -> str:
        """A SQLAlchemy URL listing several nodes for libpq to try in order, e.g.

        ``postgresql+psycopg://postgres@/db?host=127.0.0.1:5001&host=127.0.0.1:5002&target_session_attrs=read-write``

        This is the form SQLAlchemy 2.x splits into libpq's ``host=a,b port=p1,p2``
        (``?host=a,b&port=p1,p2`` works too). A single ``host=a:p1,b:p2`` does NOT: SQLAlchemy
        then hands ``127.0.0.1:p1`` to libpq as a host name. Default `nodes`: all nodes in the
        order they were made (the primary first), stopped ones included, so that the URL still
        fits after a failover. Extra `query` items (``connect_timeout=2``) are appended.
        """
        chosen = list(nodes) if nodes is not None else [n for n in self.nodes]
        if not chosen:
            raise HarnessError("no nodes to put in the URL")
        parts = [f"host={n.host}:{n.port}" for n in chosen]
        if target_session_attrs:
            parts.append(f"target_session_attrs={target_session_attrs}")
        parts.extend(f"{k}={v}" for k, v in query.items())
        return f"{driver}://{SUPERUSER}@/{database}?" + "&".join(parts)

    def multi_host_conninfo(
        self, database: str = "postgres", nodes: Sequence[PgNode] | None = None,
        target_session_attrs: str = "read-write", **extra: str | int,
    ) -> str:
        """The same as a libpq connection string (for psycopg.connect)."""
        chosen = list(nodes) if nodes is not None else [n for n in self.nodes]
        return psycopg.conninfo.make_conninfo(
            "",
            host=",".join(n.host for n in chosen),
            port=",".join(str(n.port) for n in chosen),
            user=SUPERUSER,
            dbname=database,
            target_session_attrs=target_session_attrs,
            **extra,
        )

    # -- databases -------------------------------------------------------------------------

    def create_database(self, name: str, *, wait_standbys: bool = True) -> None:
        """CREATE DATABASE on the primary; by default wait until running standbys have it."""
        self.primary.query(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        if wait_standbys:
            self.wait_all_replayed()

    def drop_database(self, name: str) -> None:
        self.primary.query(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    # -- PgBouncer -------------------------------------------------------------------------

    def add_pgbouncer(
        self,
        node: PgNode | None = None,
        *,
        databases: Mapping[str, PgNode | tuple[PgNode, str]] | None = None,
        **options: Any,
    ) -> PgBouncer:
        """Start a PgBouncer in front of `node` (default: the primary), closed with the cluster.

        `databases` adds named entries (alias -> node or (node, real database name));
        other keywords go to `PgBouncer`.
        """
        base = self.base / f"pgbouncer{len(self.bouncers) + 1}"
        base.mkdir(mode=0o700)
        self.run_as.own(base)
        bouncer = PgBouncer(
            default=node or (None if databases else self.primary),
            databases=databases,
            base_dir=base,
            run_as=self.run_as,
            **options,
        )
        self.bouncers.append(bouncer)
        bouncer.start()
        return bouncer

    # -- teardown --------------------------------------------------------------------------

    def close(self) -> None:
        """Stop all PgBouncers and servers (immediate), then delete the directory. Idempotent."""
        if self._closed:
            return
        self._closed = True
        atexit.unregister(self.close)
        for bouncer in reversed(self.bouncers):
            with contextlib.suppress(Exception):
                bouncer.close()
        for node in reversed(self.nodes):
            self._kill(node)
        for _ in range(20):
            shutil.rmtree(self.base, ignore_errors=True)
            if not self.base.exists():
                break
            time.sleep(0.05)  # a dying backend may still be writing a file

    def _kill(self, node: PgNode) -> None:
        pid = node.postmaster_pid()
        if pid is not None and process_alive(pid):
            stopped = self._run(
                [self.binaries.tool("pg_ctl"), "-D", str(node.datadir), "-m", "immediate", "-w", "-t", "15", "-s", "stop"],
                check=False,
            )
            if stopped.returncode != 0 and process_alive(pid):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
                with contextlib.suppress(TimeoutError):
                    wait_for(lambda: not process_alive(pid), timeout=10, what=f"{node.name} (pid {pid}) to exit")
        node.running = False

    # -- helpers ---------------------------------------------------------------------------

    def _run(self, args: list[str], *, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run a server tool as the server OS user; HarnessError with its output on failure."""
        result = subprocess.run(
            args,
            capture_output=True,
            text=True,
            cwd=self.base,
            env=_child_env(self.base),
            timeout=self.timeout + 30,
            start_new_session=True,  # a Ctrl-C to pytest does not reach the servers mid-test
            **self.run_as.subprocess_kwargs(),
        )
        if check and result.returncode != 0:
            raise HarnessError(
                f"{Path(args[0]).name} failed (exit {result.returncode}): {' '.join(args[1:])}\n"
                f"{result.stdout}{result.stderr}"
            )
        return result

    def _wait(
        self, check: Callable[[], Any], what: str, node: PgNode, timeout: float | None = None
    ) -> Any:
        try:
            return wait_for(check, timeout=timeout or self.timeout, what=what)
        except TimeoutError as exc:
            raise HarnessError(f"{exc}\n--- {node.logfile.name} ---\n{node.log_tail()}") from exc


def process_alive(pid: int) -> bool:
    """True while `pid` runs. A zombie counts as gone: a server started by pg_ctl is
    re-parented to PID 1, and in containers PID 1 may reap it only seconds later."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state not in ("Z", "X")


@dataclass
class PgBouncer:
    """A PgBouncer on a free loopback port in front of one or more nodes.

    `default` becomes the ``*`` fallback entry (every database name goes to that node);
    `databases` adds named entries (alias -> node, or (node, real database name)).
    Authentication is ``auth_type = trust`` with a userlist naming `users`; `admin_user` may
    use the admin console (database ``pgbouncer``: SHOW POOLS, SHOW STATS, RELOAD ...).

    Transaction pooling keeps no session state between transactions: psycopg 3 must not
    prepare statements server-side (``connect_args={"prepare_threshold": None}`` in
    SQLAlchemy; `SQLALCHEMY_CONNECT_ARGS`), and LISTEN or session advisory locks through it
    do not work.
    """

    default: PgNode | None
    base_dir: Path
    run_as: RunAs
    databases: Mapping[str, PgNode | tuple[PgNode, str]] | None = None
    pool_mode: Literal["session", "transaction", "statement"] = "transaction"
    max_client_conn: int = 100
    default_pool_size: int = 5
    users: Sequence[str] = (SUPERUSER,)
    admin_user: str = SUPERUSER
    settings: Mapping[str, str | int] = field(default_factory=dict)
    binary: str | None = None
    timeout: float = 30.0
    port: int = 0
    host: str = LOOPBACK
    process: subprocess.Popen[bytes] | None = None

    #: create_engine(bouncer.url(), connect_args=PgBouncer.SQLALCHEMY_CONNECT_ARGS)
    SQLALCHEMY_CONNECT_ARGS: ClassVar[dict[str, Any]] = {"prepare_threshold": None}

    @property
    def ini_path(self) -> Path:
        return self.base_dir / "pgbouncer.ini"

    @property
    def logfile(self) -> Path:
        return self.base_dir / "pgbouncer.log"

    def _entries(self) -> list[tuple[str, PgNode, str | None]]:
        entries: list[tuple[str, PgNode, str | None]] = []
        for alias, target in (self.databases or {}).items():
            node, dbname = target if isinstance(target, tuple) else (target, None)
            entries.append((alias, node, dbname))
        if self.default is not None:
            entries.append(("*", self.default, None))
        if not entries:
            raise HarnessError("PgBouncer needs a default node or named databases")
        return entries

    def write_config(self) -> None:
        """(Re)write pgbouncer.ini and the userlist from the current attributes."""
        lines = ["[databases]"]
        for alias, node, dbname in self._entries():
            target = f"host={node.host} port={node.port}" + (f" dbname={dbname}" if dbname else "")
            lines.append(f"{alias} = {target}")
        userlist = self.base_dir / "userlist.txt"
        userlist.write_text("".join(f'"{u}" ""\n' for u in dict.fromkeys([*self.users, self.admin_user])))
        settings: dict[str, str | int] = {
            "listen_addr": self.host,
            "listen_port": self.port,
            "unix_socket_dir": "",  # TCP only: no socket file in /tmp to collide with
            "auth_type": "trust",
            "auth_file": str(userlist),
            "admin_users": self.admin_user,
            "stats_users": self.admin_user,
            "pool_mode": self.pool_mode,
            "max_client_conn": self.max_client_conn,
            "default_pool_size": self.default_pool_size,
            "logfile": str(self.logfile),
            "pidfile": str(self.base_dir / "pgbouncer.pid"),
            # Defaults suit production, not tests: retry a failed server login after 1 s
            # (not 15 s), and refresh SHOW STATS every second (not every minute).
            "server_login_retry": 1,
            "stats_period": 1,
            "server_connect_timeout": 5,
            "query_wait_timeout": 30,
            "ignore_startup_parameters": "extra_float_digits",
            **self.settings,
        }
        lines.append("")
        lines.append("[pgbouncer]")
        lines.extend(f"{k} = {v}" for k, v in settings.items())
        self.ini_path.write_text("\n".join(lines) + "\n")

    def start(self) -> None:
        """Start pgbouncer (as the server OS user) on a free port and wait until it answers."""
        binary = self.binary or find_pgbouncer()[0]
        for attempt in range(5):
            self.port = free_port()
            self.write_config()
            log_start = self.logfile.stat().st_size if self.logfile.exists() else 0
            with (self.base_dir / "pgbouncer.out").open("ab") as out:
                self.process = subprocess.Popen(
                    [binary, str(self.ini_path)],
                    stdin=subprocess.DEVNULL,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    cwd=self.base_dir,
                    env=_child_env(self.base_dir),
                    start_new_session=True,
                    **self.run_as.subprocess_kwargs(),
                )
            process = self.process

            def up(process: subprocess.Popen[bytes] = process) -> bool:
                if process.poll() is not None:
                    raise _Exited()
                return port_open(self.port)

            try:
                wait_for(up, timeout=self.timeout, what=f"pgbouncer on port {self.port}")
            except _Exited:
                log = self.logfile.read_text(errors="replace")[log_start:] if self.logfile.exists() else ""
                if "Address already in use" in log and attempt < 4:
                    continue
                raise HarnessError(f"pgbouncer exited ({process.returncode}):\n{self.log_tail()}") from None
            except TimeoutError as exc:
                raise HarnessError(f"{exc}\n{self.log_tail()}") from exc
            return
        raise HarnessError("pgbouncer could not bind a free port")

    def stop(self) -> None:
        """SIGTERM (immediate shutdown), SIGKILL if it lingers; waits until it has exited."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)

    close = stop

    def reload(self) -> None:
        """Rewrite the ini and RELOAD it through the admin console."""
        self.write_config()
        with self.admin() as conn:
            conn.execute("RELOAD")

    def retarget(self, node: PgNode, alias: str | None = None) -> None:
        """Point the default entry (or the named `alias`) at `node` and RELOAD; server
        connections to the old target are closed as they are released."""
        if alias is None:
            self.default = node
        else:
            current = dict(self.databases or {})
            old = current[alias]
            current[alias] = (node, old[1]) if isinstance(old, tuple) else node
            self.databases = current
        self.reload()

    def url(self, database: str = "postgres", driver: str = "postgresql+psycopg", user: str = SUPERUSER) -> str:
        """SQLAlchemy URL through this PgBouncer (add `SQLALCHEMY_CONNECT_ARGS` to create_engine)."""
        return f"{driver}://{user}@{self.host}:{self.port}/{database}"

    def admin(self) -> psycopg.Connection[tuple[Any, ...]]:
        """A connection to the admin console (it speaks only the simple query protocol:
        psycopg 3 uses that for statements without parameters)."""
        return psycopg.connect(
            host=self.host, port=self.port, user=self.admin_user, dbname="pgbouncer",
            autocommit=True, connect_timeout=5,
        )

    def show(self, what: str) -> list[dict[str, Any]]:
        """``SHOW <what>`` on the admin console (POOLS, STATS, CLIENTS, SERVERS, ...) as dicts."""
        if not re.fullmatch(r"[A-Za-z_]+", what):
            raise ValueError(what)
        with self.admin() as conn:
            cur = conn.execute(f"SHOW {what}")
            names = [c.name for c in cur.description or []]
            return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    def log_tail(self, lines: int = 25) -> str:
        return _tail(self.logfile, lines) + "\n" + _tail(self.base_dir / "pgbouncer.out", lines)


class _Exited(Exception):
    """pgbouncer exited while we waited for its port."""


@contextlib.contextmanager
def replication_cluster(standbys: int = 1, **options: Any) -> Iterator[PgCluster]:
    """A started primary with `standbys` streaming standbys, closed on exit."""
    with PgCluster(**options) as cluster:
        cluster.start_primary()
        for _ in range(standbys):
            cluster.add_standby()
        yield cluster
