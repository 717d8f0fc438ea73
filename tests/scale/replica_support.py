"""Shared set-up of the scale tests: a migrated database, handed over to the app role."""

from __future__ import annotations

from sqlalchemy.engine import make_url

from services.store import db, models, roles
from tests.support.pgcluster import PgCluster, PgNode

SCALE_ROLES = roles.RoleNames(owner="scale_owner", app="scale_app")


def app_url(url: str) -> str:
    """The same database as the least-privilege application role (consoles connect so)."""
    return make_url(url).set(username=SCALE_ROLES.app).render_as_string(hide_password=False)


def migrate(cluster: PgCluster, database: str) -> tuple[str, str]:
    """Migrate `database` as the superuser, set up the roles, wait for the standbys; the app
    role's URLs of the primary and of the first standby."""
    primary = db.make_engine(cluster.url(cluster.primary, database))
    try:
        db.upgrade(primary)
        with primary.begin() as conn:
            roles.setup(conn, SCALE_ROLES)
    finally:
        primary.dispose()
    cluster.wait_all_replayed()
    standby: PgNode = cluster.standbys[0]
    return app_url(cluster.url(cluster.primary, database)), app_url(cluster.url(standby, database))


def alert(tag: str) -> models.RiskAlert:
    """A small tracked row (one change on the feed)."""
    return models.RiskAlert(domain="fire", level="blue", county_code=tag[:16], raised_at=models.utcnow(),
                            status="open", rule="scale", text=tag)  # fmt: skip
