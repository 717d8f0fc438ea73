"""Who may call the intake service: API keys of other systems and field workers' sessions.

A key is a high-entropy random token (`sgk_` + 12-character public prefix + 43 secret
characters), shown once when made. The database keeps its prefix (for the look-up) and the
SHA-256 of the whole token, compared with `hmac.compare_digest`: microseconds per request
(Argon2 is for passwords, and costs 50-300 ms by design). A key is bound to a center, so to
its region's subtree, and to the channels it may file; revoking takes effect on the next
request. A signed-in account (Argon2 once, `accounts.authenticate`) gets a session token
kept the same way, with an expiry.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from services import accounts
from services.accounts import Actor
from services.errors import InvalidInput, NotAllowed, NotFound
from services.incidents.intake import INTAKE_CHANNELS
from services.store import audit, models

KEY_PREFIX = "sgk_"
SESSION_PREFIX = "sgs_"
PUBLIC_LEN = 12
SESSION_HOURS = 12.0
DEFAULT_RATE = 20.0  # requests per second, per key (bursts up to twice that)
_TOKEN = re.compile(r"^(sg[ks]_)([A-Za-z0-9]{12})([A-Za-z0-9_-]{30,})$")  # 12 = PUBLIC_LEN
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,47}$")


@dataclass(frozen=True)
class Caller:
    """An authenticated caller: the actor the use cases see, and what the service enforces
    around them (the channels a key may file, its rate)."""

    actor: Actor
    kind: str  # key / session
    channels: tuple[str, ...]
    rate_per_s: float
    key_id: int | None = None
    session_id: int | None = None


@dataclass(frozen=True)
class KeyInfo:
    id: int
    name: str
    prefix: str
    center_code: str
    channels: tuple[str, ...]
    rate_per_s: float
    created_at: datetime
    revoked_at: datetime | None
    webhook_url: str
    webhook_after: int
    webhook_failures: int
    webhook_last_error: str


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _new_token(kind: str) -> tuple[str, str]:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"
    public = "".join(secrets.choice(alphabet) for _ in range(PUBLIC_LEN))
    token = f"{kind}{public}{secrets.token_urlsafe(32)}"  # 256 random bits
    return token, public


def _center(session: Session, code: str) -> tuple[models.CommandCenter, models.Region]:
    c, r = models.CommandCenter, models.Region
    row = session.execute(select(c, r).join(r, r.id == c.region_id).where(r.adcode == code)).first()
    if row is None:
        raise InvalidInput(f"no command center for region {code}", code="no_center")
    return row[0], row[1]


def create_key(
    session: Session, admin: Actor, name: str, center_code: str, channels: Sequence[str],
    *, rate_per_s: float = DEFAULT_RATE, webhook_url: str = "", now: datetime | None = None,
) -> tuple[int, str]:  # fmt: skip
    """A new key; returns its id and the token (shown once, never stored)."""
    now = now or models.utcnow()
    if not _NAME.match(name):
        raise InvalidInput("a key name is 1-48 letters, digits, '.', '_' or '-'", code="key_name")
    if session.scalar(select(models.ApiKey.id).where(models.ApiKey.name == name)):
        raise InvalidInput(f"a key named {name!r} exists", code="key_taken")
    bad = [c for c in channels if c not in INTAKE_CHANNELS]
    if bad or not channels:
        raise InvalidInput(f"channels must be among {', '.join(INTAKE_CHANNELS)}", code="channel")
    if not 0 < rate_per_s <= 10_000:
        raise InvalidInput("the rate is 0-10000 requests per second", code="rate")
    if webhook_url and not re.match(r"^https?://[^\s]+$", webhook_url):
        raise InvalidInput("a webhook is an http:// or https:// URL", code="webhook_url")
    center, _region = _center(session, center_code)
    token, public = _new_token(KEY_PREFIX)
    key = models.ApiKey(
        name=name, prefix=public, token_hash=_digest(token), center_id=center.id,
        channels=sorted(set(channels)), rate_per_s=rate_per_s, created_at=now,
        created_by=admin.login, revoked_at=None, webhook_url=webhook_url, webhook_after=0,
        webhook_failures=0, webhook_last_error="",
    )  # fmt: skip
    session.add(key)
    session.flush()
    audit.record(session, admin, "apikey.add", "api_key", key.id, after={
        "name": name, "center": center_code, "channels": key.channels, "rate_per_s": rate_per_s,
        "webhook_url": webhook_url}, at=now)  # fmt: skip
    return key.id, token


def revoke_key(session: Session, admin: Actor, name: str, now: datetime | None = None) -> None:
    """Revoke a key: its next request is refused."""
    now = now or models.utcnow()
    key = session.scalar(select(models.ApiKey).where(models.ApiKey.name == name))
    if key is None:
        raise NotFound(f"no key named {name!r}", code="no_key")
    if key.revoked_at is None:
        key.revoked_at = now
        audit.record(session, admin, "apikey.revoke", "api_key", key.id, at=now)


def list_keys(session: Session) -> list[KeyInfo]:
    k, c, r = models.ApiKey, models.CommandCenter, models.Region
    rows = session.execute(
        select(k, r.adcode).join(c, c.id == k.center_id).join(r, r.id == c.region_id)
        .order_by(k.name)
    ).all()  # fmt: skip
    return [
        KeyInfo(key.id, key.name, key.prefix, code, tuple(key.channels), key.rate_per_s,
                key.created_at, key.revoked_at, key.webhook_url, key.webhook_after,
                key.webhook_failures, key.webhook_last_error)  # fmt: skip
        for key, code in rows
    ]


def _refuse() -> NotAllowed:
    return NotAllowed("the API key or session token is wrong, revoked or expired",
                      code="bad_token")  # fmt: skip


def _key_actor(key: models.ApiKey, center: models.CommandCenter, region: models.Region) -> Actor:
    return Actor(
        login=f"key:{key.name}", name="", role="api_client", center_id=center.id,
        region_id=region.id, region_code=region.adcode, region_level=region.level,
        region_path=region.path,
    )  # fmt: skip


def caller_for_token(session: Session, token: str, now: datetime | None = None) -> Caller:
    """The caller a key or session token stands for; NotAllowed `bad_token` otherwise."""
    now = now or models.utcnow()
    m = _TOKEN.match(token.strip())
    if m is None:
        raise _refuse()
    kind, public = m.group(1), m.group(2)
    digest = _digest(token.strip())
    if kind == KEY_PREFIX:
        k, c, r = models.ApiKey, models.CommandCenter, models.Region
        row = session.execute(
            select(k, c, r).join(c, c.id == k.center_id).join(r, r.id == c.region_id)
            .where(k.prefix == public)
        ).first()  # fmt: skip
        if row is None or not hmac.compare_digest(row[0].token_hash, digest) or row[0].revoked_at:
            raise _refuse()
        key = row[0]
        return Caller(_key_actor(key, row[1], row[2]), "key", tuple(key.channels),
                      key.rate_per_s, key_id=key.id)  # fmt: skip
    s = models.ApiSession
    sess = session.scalar(select(s).where(s.prefix == public))
    if (
        sess is None or not hmac.compare_digest(sess.token_hash, digest)
        or sess.revoked_at is not None or sess.expires_at <= now
    ):  # fmt: skip
        raise _refuse()
    user = session.get(models.User, sess.user_id)
    if user is None or not user.active:
        raise _refuse()
    actor = accounts.actor_for(session, user.login)
    channels = ("field_app",) if actor.role == "grid_worker" else INTAKE_CHANNELS
    return Caller(actor, "session", channels, DEFAULT_RATE, session_id=sess.id)


def sign_in(
    session: Session, login: str, password: str, *, policy: accounts.LoginPolicy,
    hours: float = SESSION_HOURS, now: datetime | None = None,
) -> tuple[str, Actor, datetime]:  # fmt: skip
    """Check the password (Argon2, once; throttled by `policy`) and open a session:
    (token, actor, expiry)."""
    now = now or models.utcnow()
    actor = accounts.authenticate(session, login, password, policy=policy)
    assert actor.user_id is not None
    token, public = _new_token(SESSION_PREFIX)
    expires = now + timedelta(hours=hours)
    session.add(models.ApiSession(prefix=public, token_hash=_digest(token), user_id=actor.user_id,
                                  created_at=now, expires_at=expires))  # fmt: skip
    audit.record(session, actor, "session.open", "app_user", actor.user_id, at=now)
    return token, actor, expires


def sign_out(session: Session, caller: Caller, now: datetime | None = None) -> None:
    if caller.session_id is None:
        return
    sess = session.get(models.ApiSession, caller.session_id)
    if sess is not None and sess.revoked_at is None:
        sess.revoked_at = now or models.utcnow()
