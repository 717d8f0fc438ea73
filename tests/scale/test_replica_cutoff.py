"""A standby cut off from its primary does not report 0 lag: its lag grows (or is unknown)
and the read router falls back to the primary."""

from __future__ import annotations

from collections.abc import Callable

from services.store import db
from services.store.replica import ReadRouter, replica_lag
from tests.scale.replica_support import alert, migrate
from tests.support.pgcluster import PgCluster, wait_for


def test_a_standby_cut_off_from_its_primary_shows_growing_lag_and_is_not_used(
    make_pg_cluster: Callable[..., PgCluster],
) -> None:
    cluster = make_pg_cluster(standbys=1)
    cluster.create_database("cutoff")
    primary_url, standby_url = migrate(cluster, "cutoff")
    primary, replica = db.make_engine(primary_url), db.make_engine(standby_url)
    try:
        with db.transaction(db.session_factory(primary)) as s:
            s.add(alert("before"))
        cluster.wait_all_replayed()
        lag = replica_lag(replica)
        assert lag is not None and lag < 1.0  # streaming, caught up (WAL may be arriving)
        router = ReadRouter(primary, replica, max_lag_s=1.0, lag_check_every=0.0)
        assert router.for_feed() is replica
        cluster.stop(cluster.primary, mode="fast")
        first = wait_for(lambda: (lag := replica_lag(replica)) is not None and lag > 1.0 and lag,
                         timeout=20, what="the cut-off standby's lag to grow")  # fmt: skip
        later = wait_for(lambda: (lag := replica_lag(replica)) is not None and lag > first and lag,
                         timeout=20, what="the lag to keep growing")  # fmt: skip
        assert later > first > 1.0
        # Beyond max_lag_s the console falls back. (A receiver retrying the lost primary
        # shows for a moment without a status to this role: hence a wait, not one look.)
        wait_for(lambda: router.for_feed() is primary, timeout=10, what="the fallback")
        router.close()
    finally:
        primary.dispose()
        replica.dispose()
