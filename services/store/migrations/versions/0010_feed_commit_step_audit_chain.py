"""change feed numbered at commit, change origin, tamper-evident audit log

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 23:50:00

PostgreSQL: change rows are inserted with a negative placeholder seq (no lock). Any INSERT
into change_log or audit_log puts one marker row per transaction into feed_commit; its
deferred constraint trigger runs at COMMIT: it digests the transaction's audit rows, then
takes the feed lock (transaction advisory lock 7302001), numbers the change rows from the
seq sequence, appends the audit seal after the newest one, and sends one NOTIFY. The lock is
released when the commit is visible, so seq and the seals are in commit order, on the
primary and on a standby replaying its WAL, while writers never wait for each other's whole
transaction. Existing audit rows are hashed and sealed in chunks of 1,000.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

FEED_LOCK_KEY = 7_302_001  # services.store.db.FEED_LOCK_KEY
LEGACY_CHUNK = 1000

PG_SEAL_GUARD = """
CREATE TRIGGER audit_seal_append_only
    BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_seal
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_reject_change();
"""

PG_COMMIT_STEP = """
CREATE SEQUENCE change_log_pending_seq;
-- Placeholders: negative, rising in insertion order.
ALTER TABLE change_log ALTER COLUMN seq SET DEFAULT nextval('change_log_pending_seq') - 4611686018427387904;
ALTER TABLE audit_log ALTER COLUMN txn SET DEFAULT pg_current_xact_id()::text::bigint;
DROP TRIGGER IF EXISTS change_log_notify ON change_log;
DROP FUNCTION IF EXISTS console_notify_change();

CREATE FUNCTION feed_mark_commit() RETURNS trigger AS $$
BEGIN
    INSERT INTO feed_commit (txn) VALUES (pg_current_xact_id()::text::bigint)
        ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$ LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp;
CREATE TRIGGER change_log_mark_commit AFTER INSERT ON change_log
    FOR EACH STATEMENT EXECUTE FUNCTION feed_mark_commit();
CREATE TRIGGER audit_log_mark_commit AFTER INSERT ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION feed_mark_commit();

CREATE FUNCTION feed_commit_step() RETURNS trigger AS $$
DECLARE
    n_rows integer; lo bigint; hi bigint; digest text;
    last_n bigint; prev text; numbered bigint; top bigint;
BEGIN
    -- Outside the lock: this transaction's audit rows, digested in id order.
    SELECT count(*), min(id), max(id),
           encode(sha256(convert_to(coalesce(string_agg(row_hash, '' ORDER BY id), ''),
                                    'UTF8')), 'hex')
      INTO n_rows, lo, hi, digest
      FROM audit_log WHERE txn = NEW.txn;
    PERFORM pg_advisory_xact_lock(%(lock)s);
    -- Only this transaction's rows are negative: every committed row was numbered. (Their
    -- order within the transaction is the scan's: the whole transaction commits at once.)
    UPDATE change_log SET seq = nextval('%(seq)s') WHERE seq < 0;
    GET DIAGNOSTICS numbered = ROW_COUNT;
    IF n_rows > 0 THEN
        SELECT s.n, s.hash INTO last_n, prev FROM audit_seal s ORDER BY s.n DESC LIMIT 1;
        last_n := coalesce(last_n, 0) + 1;
        prev := coalesce(prev, '');
        INSERT INTO audit_seal (n, txn, rows, first_id, last_id, digest, prev_hash, hash)
        VALUES (last_n, NEW.txn, n_rows, lo, hi, digest, prev,
                encode(sha256(convert_to(concat_ws('|', prev, last_n, NEW.txn, n_rows, lo, hi,
                                                   digest), 'UTF8')), 'hex'));
    END IF;
    DELETE FROM feed_commit WHERE txn = NEW.txn;
    IF numbered > 0 THEN
        top := currval('%(seq)s');
        PERFORM pg_notify('console_changes', top::text);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp;
CREATE CONSTRAINT TRIGGER feed_commit_step AFTER INSERT ON feed_commit
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION feed_commit_step();
"""


def _seal_legacy_rows(conn: Any) -> None:
    """Hash every existing audit row and seal them in chunks, in id order."""
    from services.store import audit

    log = sa.table(
        "audit_log",
        sa.column("id", sa.BigInteger()), sa.column("at", sa.DateTime()),
        sa.column("actor", sa.String()), sa.column("action", sa.String()),
        sa.column("entity", sa.String()), sa.column("entity_id", sa.BigInteger()),
        sa.column("detail", sa.Text()), sa.column("center_id", sa.Integer()),
        sa.column("before", sa.JSON()), sa.column("after", sa.JSON()),
        sa.column("txn", sa.BigInteger()), sa.column("row_hash", sa.String()),
    )  # fmt: skip
    seal_t = sa.table("audit_seal", *(sa.column(c) for c in (*audit.SEAL_FIELDS, "prev_hash",
                                                             "hash")))  # fmt: skip
    fields = ("id", *audit.ROW_FIELDS)
    rows = [dict(zip(fields, r, strict=True)) for r in
            conn.execute(sa.select(*(log.c[f] for f in fields)).order_by(log.c.id))]  # fmt: skip
    stamp = (
        sa.update(log)
        .where(log.c.id == sa.bindparam("b_id"))
        .values(txn=sa.bindparam("b_txn"), row_hash=sa.bindparam("b_hash"))
    )
    prev = ""
    for k in range(0, len(rows), LEGACY_CHUNK):
        chunk = rows[k : k + LEGACY_CHUNK]
        n = k // LEGACY_CHUNK + 1
        txn = -n  # no real transaction has a negative id
        hashes = [audit.row_hash_of(r) for r in chunk]
        conn.execute(stamp, [{"b_id": r["id"], "b_txn": txn, "b_hash": h}
                             for r, h in zip(chunk, hashes, strict=True)])  # fmt: skip
        seal = {"n": n, "txn": txn, "rows": len(chunk), "first_id": chunk[0]["id"],
                "last_id": chunk[-1]["id"], "digest": audit.digest_of(hashes),
                "prev_hash": prev}  # fmt: skip
        seal["hash"] = audit.seal_hash(prev, seal)
        conn.execute(sa.insert(seal_t).values(**seal))
        prev = seal["hash"]


def upgrade() -> None:
    bind = op.get_bind()
    pg = bind.dialect.name == "postgresql"
    # Plain ADD COLUMN on SQLite (no batch copy): the table keeps its guard triggers.
    op.add_column('change_log', sa.Column('origin', sa.String(length=64), nullable=True))
    op.add_column('audit_log', sa.Column('txn', sa.BigInteger(), nullable=True))
    op.add_column('audit_log', sa.Column('row_hash', sa.String(length=64), nullable=True))
    op.create_index('ix_audit_log_txn', 'audit_log', ['txn', 'id'], unique=False)
    op.create_table('audit_seal',
    sa.Column('n', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('txn', sa.BigInteger(), nullable=False),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('first_id', sa.BigInteger(), nullable=False),
    sa.Column('last_id', sa.BigInteger(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('n', name=op.f('pk_audit_seal')),
    sa.UniqueConstraint('txn', name=op.f('uq_audit_seal_txn'))
    )
    op.create_table('feed_commit',
    sa.Column('txn', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.PrimaryKeyConstraint('txn', name=op.f('pk_feed_commit'))
    )
    from services.store import audit

    if pg:
        op.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
        _seal_legacy_rows(bind)
        op.execute("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only")
        op.execute(PG_SEAL_GUARD)
        seq = bind.execute(sa.text("SELECT pg_get_serial_sequence('change_log', 'seq')")).scalar()
        op.execute(PG_COMMIT_STEP % {"lock": FEED_LOCK_KEY, "seq": seq})
    else:
        audit.drop_sqlite_guard(bind)
        _seal_legacy_rows(bind)
        audit.install_sqlite_guard(bind)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        seq = bind.execute(sa.text("SELECT pg_get_serial_sequence('change_log', 'seq')")).scalar()
        op.execute("DROP TRIGGER IF EXISTS feed_commit_step ON feed_commit")
        op.execute("DROP FUNCTION IF EXISTS feed_commit_step()")
        op.execute("DROP TRIGGER IF EXISTS change_log_mark_commit ON change_log")
        op.execute("DROP TRIGGER IF EXISTS audit_log_mark_commit ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS feed_mark_commit()")
        op.execute(f"ALTER TABLE change_log ALTER COLUMN seq SET DEFAULT nextval('{seq}')")
        op.execute("DROP SEQUENCE IF EXISTS change_log_pending_seq")
        op.execute(
            """
            CREATE OR REPLACE FUNCTION console_notify_change() RETURNS trigger AS $$
            BEGIN
              PERFORM pg_notify('console_changes', NEW.seq::text);
              RETURN NULL;
            END $$ LANGUAGE plpgsql
            """
        )
        op.execute(
            "CREATE TRIGGER change_log_notify AFTER INSERT ON change_log "
            "FOR EACH ROW EXECUTE FUNCTION console_notify_change()"
        )
        op.execute("DROP TRIGGER IF EXISTS audit_seal_append_only ON audit_seal")
    else:
        from services.store import audit

        audit.drop_sqlite_guard(bind)
    op.drop_table('feed_commit')
    op.drop_table('audit_seal')
    op.drop_index('ix_audit_log_txn', table_name='audit_log')
    if bind.dialect.name == "postgresql":
        op.execute("ALTER TABLE audit_log DROP COLUMN row_hash, DROP COLUMN txn")
        op.drop_column('change_log', 'origin')
    else:
        # SQLite 3.35+ drops columns in place (the guard triggers stay).
        op.execute("ALTER TABLE audit_log DROP COLUMN row_hash")
        op.execute("ALTER TABLE audit_log DROP COLUMN txn")
        op.execute("ALTER TABLE change_log DROP COLUMN origin")
        from services.store import audit

        audit.install_sqlite_guard(bind)
