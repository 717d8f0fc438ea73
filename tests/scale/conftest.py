"""Scale tests run against real clusters the harness starts itself (tests/support/pgcluster.py).

With CI=true a missing PostgreSQL or pgbouncer binary fails these tests; elsewhere they skip
with the reason. `module_cluster` is a pair a module may stop and restart nodes of.
"""

import uuid
from collections.abc import Iterator

import pytest

from tests.support.fixtures import (  # noqa: F401 - fixtures are found by name
    PgDatabase,
    make_pg_cluster,
    make_pgbouncer,
    pg_binaries,
    pg_cluster,
    pg_db,
    pgbouncer_binary,
    primary_with_standby,
)
from tests.support.pgcluster import PgBinaries, PgCluster


@pytest.fixture(scope="module")
def module_cluster(pg_binaries: PgBinaries) -> Iterator[PgCluster]:  # noqa: F811
    """A primary and one standby of this test module's own: its tests may stop, restart
    (not promote) the standby; each leaves it running."""
    yield from primary_with_standby(pg_binaries)


@pytest.fixture
def module_db(module_cluster: PgCluster) -> Iterator[PgDatabase]:
    """A fresh database on `module_cluster`, on its standby too; dropped afterwards."""
    for node in module_cluster.nodes:
        if not node.running:
            module_cluster.start(node)
            module_cluster.wait_streaming(node)
    name = f"m_{uuid.uuid4().hex[:12]}"
    module_cluster.create_database(name)
    try:
        yield PgDatabase(module_cluster, name)
    finally:
        module_cluster.drop_database(name)
