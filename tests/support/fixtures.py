"""pytest fixtures over `tests.support.pgcluster` (import them into a conftest to use them).

* `pg_binaries`, `pgbouncer_binary` (session): the binaries, or a skip with the reason; with
  ``CI=true`` a failure instead, so CI cannot pass by skipping.
* `pg_cluster` (session): one primary and one streaming hot standby, shared by the tests that
  do not break it. Tests that stop, promote or reconfigure nodes make their own with
  `make_pg_cluster`.
* `pg_db` (function): a fresh database on `pg_cluster`, already replayed on the standby;
  afterwards replay is resumed if the test paused it, and the database is dropped.
* `make_pg_cluster`, `make_pgbouncer` (function): factories whose products are closed when
  the test ends, pass or fail.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, NoReturn

import pytest

from tests.support.pgcluster import (
    HarnessError,
    PgBinaries,
    PgBouncer,
    PgCluster,
    PgNode,
    find_pgbouncer,
)

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _unavailable(reason: str) -> NoReturn:
    """Fail loudly in CI (the tests must run there), skip with the reason elsewhere."""
    if IN_CI:
        pytest.fail(f"CI=true but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def pg_binaries() -> PgBinaries:
    """The one set of PostgreSQL server binaries the harness uses."""
    try:
        return PgBinaries.find()
    except (HarnessError, OSError) as exc:
        _unavailable(f"PostgreSQL server binaries unavailable: {exc}")


@pytest.fixture(scope="session")
def pgbouncer_binary() -> str:
    """Path of the pgbouncer binary."""
    try:
        return find_pgbouncer()[0]
    except (HarnessError, OSError) as exc:
        _unavailable(f"pgbouncer unavailable: {exc}")


def _cluster_or_unavailable(binaries: PgBinaries, **options: Any) -> PgCluster:
    try:
        return PgCluster(binaries, **options)
    except HarnessError as exc:  # e.g. root without a postgres OS user
        _unavailable(f"cannot run PostgreSQL here: {exc}")


def primary_with_standby(binaries: PgBinaries) -> Iterator[PgCluster]:
    """A started primary and one streaming hot standby, removed when the generator ends
    (the body of the cluster fixtures, whatever their scope)."""
    cluster = _cluster_or_unavailable(binaries)
    try:
        cluster.start_primary()
        cluster.add_standby()
        yield cluster
    finally:
        cluster.close()


@pytest.fixture(scope="session")
def pg_cluster(pg_binaries: PgBinaries) -> Iterator[PgCluster]:
    """A primary and one streaming hot standby for the whole session (do not stop or promote)."""
    yield from primary_with_standby(pg_binaries)


@dataclass(frozen=True)
class PgDatabase:
    """A database on a cluster, with shortcuts to its nodes' URLs."""

    cluster: PgCluster
    name: str

    @property
    def primary(self) -> PgNode:
        return self.cluster.primary

    @property
    def standby(self) -> PgNode:
        return self.cluster.standbys[0]

    def url(self, node: PgNode | None = None, driver: str = "postgresql+psycopg") -> str:
        return self.cluster.url(node or self.primary, self.name, driver)


@pytest.fixture
def pg_db(pg_cluster: PgCluster) -> Iterator[PgDatabase]:
    """A fresh database on the session cluster, present on the standby before the test."""
    for node in pg_cluster.nodes:
        if not node.running:
            pytest.fail(f"the session pg_cluster is broken ({node!r}); use make_pg_cluster to stop nodes")
    name = f"t_{uuid.uuid4().hex[:12]}"
    pg_cluster.create_database(name)
    try:
        yield PgDatabase(pg_cluster, name)
    finally:
        for standby in pg_cluster.standbys:
            if standby.running and pg_cluster.replay_pause_state(standby) != "not paused":
                pg_cluster.resume_replay(standby)
        pg_cluster.drop_database(name)


@pytest.fixture
def make_pg_cluster(pg_binaries: PgBinaries) -> Iterator[Callable[..., PgCluster]]:
    """`make_pg_cluster(standbys=1, **PgCluster options)`: a started cluster of the test's own."""
    made: list[PgCluster] = []

    def make(standbys: int = 1, **options: Any) -> PgCluster:
        cluster = _cluster_or_unavailable(pg_binaries, **options)
        made.append(cluster)
        cluster.start_primary()
        for _ in range(standbys):
            cluster.add_standby()
        return cluster

    try:
        yield make
    finally:
        for cluster in reversed(made):
            cluster.close()


@pytest.fixture
def make_pgbouncer(pgbouncer_binary: str) -> Iterator[Callable[..., PgBouncer]]:
    """`make_pgbouncer(cluster, node=None, **PgBouncer options)`: a started PgBouncer, stopped
    after the test (its cluster would also stop it on close)."""
    made: list[PgBouncer] = []

    def make(cluster: PgCluster, node: PgNode | None = None, **options: Any) -> PgBouncer:
        options.setdefault("binary", pgbouncer_binary)
        bouncer = cluster.add_pgbouncer(node, **options)
        made.append(bouncer)
        return bouncer

    try:
        yield make
    finally:
        for bouncer in reversed(made):
            bouncer.close()
