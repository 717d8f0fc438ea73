"""Test support that does not import the project: throw-away PostgreSQL clusters and PgBouncer.

`tests.support.pgcluster` starts a real primary, streaming hot standbys and PgBouncer on free
loopback ports in a temporary directory and removes all of it afterwards;
`tests.support.fixtures` wraps them as pytest fixtures (made available under tests/scale/ by
its conftest).
"""

from tests.support.pgcluster import (
    HarnessError,
    PgBinaries,
    PgBouncer,
    PgCluster,
    PgNode,
    ReplicationLag,
    lsn_to_int,
)

__all__ = [
    "HarnessError",
    "PgBinaries",
    "PgBouncer",
    "PgCluster",
    "PgNode",
    "ReplicationLag",
    "lsn_to_int",
]
