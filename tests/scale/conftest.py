"""Scale tests run against real clusters the harness starts itself (tests/support/pgcluster.py).

With CI=true a missing PostgreSQL or pgbouncer binary fails these tests; elsewhere they skip
with the reason.
"""

from tests.support.fixtures import (  # noqa: F401 - fixtures are found by name
    make_pg_cluster,
    make_pgbouncer,
    pg_binaries,
    pg_cluster,
    pg_db,
    pgbouncer_binary,
)
