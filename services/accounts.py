"""Console accounts: per-center logins, roles and the subtree each one may see.

Passwords are hashed with Argon2id (argon2-cffi). An `Actor` is the signed-in account as a
frozen value; every use case takes one and checks it.

Signing in resists guessing: an unknown login costs the same Argon2 verification as a wrong
password (against a dummy hash), so timing does not tell which logins exist; failures are
counted per login name (existing or not) and, past `LoginPolicy.max_failures` within its
window, the name is locked for a while with a refusal that says when to try again; every
failure, lock and successful sign-in is audited.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.errors import InvalidInput, NotAllowed
from services.store import models

ROLES = ("duty_officer", "leader", "operator", "viewer", "grid_worker")
# What each role may do. Handling and supervising a case need a duty officer or a leader;
# the hotline operator takes reports; a viewer account only shows the wall. A grid worker
# (网格员, bound to a township center) files reports and does the field work of the cases
# handled by its center (take, progress notes and photos, resolve: services.incidents
# decides which); an API key of another system (api_client) only files reports.
PERMISSIONS: dict[str, frozenset[str]] = {
    "duty_officer": frozenset({"intake", "handle", "supervise", "follow_up", "video", "dispatch"}),
    "leader": frozenset({"intake", "handle", "supervise", "follow_up", "video", "dispatch"}),
    "operator": frozenset({"intake"}),
    "viewer": frozenset(),
    "grid_worker": frozenset({"intake", "field"}),
    "api_client": frozenset({"intake"}),
    "system": frozenset({"intake", "handle"}),
}
# Who may take a kiosk wall off the screen (console.py --kiosk): the officers on duty.
KIOSK_EXIT_ROLES = frozenset({"duty_officer", "leader"})


def may_exit_kiosk(actor: Actor, center_id: int | None) -> bool:
    """Whether `actor`, just signed in again, may close the kiosk wall of `center_id`: a
    duty officer or leader of that center (any center's when the wall has none)."""
    return actor.role in KIOSK_EXIT_ROLES and (center_id is None or actor.center_id == center_id)
MIN_PASSWORD = 4


@dataclass(frozen=True)
class Actor:
    """Who is acting: the account, its center and the region that bounds what it sees."""

    login: str
    name: str
    role: str
    center_id: int | None
    region_id: int
    region_code: str
    region_level: str
    region_path: str
    user_id: int | None = None

    def may(self, permission: str) -> bool:
        return permission in PERMISSIONS.get(self.role, frozenset())

    def require(self, permission: str) -> None:
        if not self.may(permission):
            raise NotAllowed(
                f"account {self.login} ({self.role}) may not {permission}",
                code="role",
                permission=permission,
                role=self.role,
            )

    @property
    def label(self) -> str:
        return f"{self.name}({self.login})" if self.name else self.login

    def sees_path(self, path: str) -> bool:
        """Is the region with this path inside (or equal to) the actor's region?"""
        return path.startswith(self.region_path)


@lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    return PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    if not stored_hash:
        return False
    try:
        return _hasher().verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _actor(session: Session, user: models.User) -> Actor:
    region = session.get(models.Region, user.jurisdiction_region_id)
    assert region is not None
    return Actor(
        login=user.login,
        name=user.display_name,
        role=user.role,
        center_id=user.center_id,
        region_id=region.id,
        region_code=region.adcode,
        region_level=region.level,
        region_path=region.path,
        user_id=user.id,
    )


@dataclass(frozen=True)
class LoginPolicy:
    """`[accounts]`: `max_failures` wrong sign-ins within `window_minutes` lock the login
    name for `lock_minutes`."""

    max_failures: int = 5
    window_minutes: float = 15.0
    lock_minutes: float = 15.0

    @classmethod
    def from_config(cls, raw: Mapping[str, Any] | None) -> LoginPolicy:
        """From the `[accounts]` table; InvalidInput naming a bad setting."""
        raw = raw or {}
        if not isinstance(raw, Mapping):
            raise InvalidInput("[accounts] must be a table", code="config")
        values: dict[str, Any] = {}
        for key, kind in (("max_failures", int), ("window_minutes", float), ("lock_minutes", float)):
            if key not in raw:
                continue
            value = raw[key]
            if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0 or (
                kind is int and not isinstance(value, int)
            ):
                raise InvalidInput(
                    f"accounts.{key} must be a positive {'whole ' if kind is int else ''}number, "
                    f"not {value!r}", code="config", key=key,
                )  # fmt: skip
            values[key] = kind(value)
        unknown = sorted(set(raw) - {"max_failures", "window_minutes", "lock_minutes"})
        if unknown:
            raise InvalidInput(f"[accounts] has no setting {unknown[0]!r}", code="config")
        return cls(**values)


DEFAULT_LOGIN_POLICY = LoginPolicy()
LOGIN_MAX = 64  # longer names are cut: the throttle's key has this size


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A hash with the hasher's parameters that no password matches (for unknown logins)."""
    import secrets

    return _hasher().hash(secrets.token_urlsafe(24))


def _attempt_actor(login: str, user: models.User | None) -> Actor:
    """Who tried: the name typed, and the account's center if there is one (for audit)."""
    return Actor(
        login=login, name="", role="anonymous", center_id=user.center_id if user else None,
        region_id=0, region_code="", region_level="", region_path="\x00",
    )  # fmt: skip


def _locked(until: datetime, now: datetime) -> NotAllowed:
    minutes = max(1, math.ceil((until - now).total_seconds() / 60))
    return NotAllowed(
        f"too many failed sign-ins: try again in {minutes} min",
        code="login_locked",
        retry_after_s=max(1, math.ceil((until - now).total_seconds())),
        until=until,
    )


def _throttle_row(w: Session, login: str) -> models.LoginThrottle:
    """The login's throttle row, locked for this transaction (created on first failure)."""
    row = w.get(models.LoginThrottle, login, with_for_update=True)
    if row is not None:
        return row
    try:
        with w.begin_nested():
            w.add(models.LoginThrottle(login=login, failures=0))
    except IntegrityError:  # a concurrent attempt created it first
        pass
    row = w.get(models.LoginThrottle, login, with_for_update=True, populate_existing=True)
    assert row is not None
    return row


def authenticate(
    session: Session,
    login: str,
    password: str,
    *,
    policy: LoginPolicy,
    now: Callable[[], datetime] = models.utcnow,
) -> Actor:
    """The account for this login and password, or NotAllowed: "wrong login or password"
    for an unknown login and a wrong password alike (in message and in time), and "try
    again in N min" while the name is locked. The attempt is recorded (throttle, audit) in
    a transaction of its own, committed whatever the caller's session does next."""
    from services.store import audit

    login = login.strip()[:LOGIN_MAX]
    dummy = _dummy_hash()  # before anything, so no path pays for making it
    bind = session.get_bind()
    t = now()
    with Session(bind) as r:
        throttle = r.get(models.LoginThrottle, login)
        if throttle is not None and throttle.locked_until is not None and throttle.locked_until > t:
            refusal = _locked(throttle.locked_until, t)
        else:
            refusal = None
    if refusal is not None:
        with Session(bind) as w, w.begin():
            user = w.scalar(select(models.User).where(models.User.login == login))
            audit.record(w, _attempt_actor(login, user), "login.refused", "user",
                         user.id if user else 0, detail="locked", at=t)  # fmt: skip
        raise refusal
    user = session.scalar(select(models.User).where(models.User.login == login))
    usable = user is not None and user.active and bool(user.password_hash)
    matched = verify_password(user.password_hash if usable and user else dummy, password)
    ok = usable and matched
    lock: NotAllowed | None = None
    with Session(bind) as w, w.begin():
        who = _attempt_actor(login, user)
        entity_id = user.id if user else 0
        if ok:
            row = w.get(models.LoginThrottle, login, with_for_update=True)
            if row is not None:
                row.failures, row.first_failure_at, row.locked_until = 0, None, None
        else:
            row = _throttle_row(w, login)
            window = timedelta(minutes=policy.window_minutes)
            if row.first_failure_at is None or t - row.first_failure_at > window:
                row.failures, row.first_failure_at = 0, t
            row.failures += 1
            why = "unknown login" if user is None else ("inactive" if not usable else "wrong password")
            audit.record(w, who, "login.failed", "user", entity_id,
                         detail=f"{why}; failure {row.failures} of {policy.max_failures}", at=t)  # fmt: skip
            if row.failures >= policy.max_failures:
                row.locked_until = t + timedelta(minutes=policy.lock_minutes)
                row.failures, row.first_failure_at = 0, None
                lock = _locked(row.locked_until, t)
                audit.record(w, who, "login.locked", "user", entity_id,
                             detail=f"until {row.locked_until.isoformat()}Z", at=t)  # fmt: skip
        if ok and user is not None:
            actor = _actor(w, user)
            audit.record(w, actor, "login.ok", "user", user.id, at=t)
    if lock is not None:
        raise lock
    if not ok or user is None:
        raise NotAllowed("wrong login or password", code="login_failed")
    return actor


def actor_for(session: Session, login: str) -> Actor:
    """The account without its password (command line on the server, tests)."""
    user = session.scalar(select(models.User).where(models.User.login == login))
    if user is None or not user.active:
        raise NotAllowed(f"no active account {login!r}", code="no_account", login=login)
    return _actor(session, user)


def viewer_for_region(session: Session, adcode: str) -> Actor:
    """A read-only actor bound to a region: the wall before anyone signs in."""
    region = session.scalar(select(models.Region).where(models.Region.adcode == adcode))
    if region is None:
        raise InvalidInput(f"no region {adcode}", code="no_region", adcode=adcode)
    center = session.scalar(
        select(models.CommandCenter).where(models.CommandCenter.region_id == region.id)
    )
    return Actor(
        login="wall",
        name="",
        role="viewer",
        center_id=center.id if center else None,
        region_id=region.id,
        region_code=region.adcode,
        region_level=region.level,
        region_path=region.path,
    )


def create_user(
    session: Session,
    login: str,
    password: str,
    role: str,
    center_id: int,
    display_name: str = "",
    staff_id: int | None = None,
) -> int:
    """Add an account bound to a center (and so to the center's region)."""
    if role not in ROLES:
        raise InvalidInput(f"role must be one of {', '.join(ROLES)}", code="role_unknown")
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"password needs at least {MIN_PASSWORD} characters", code="password")
    login = login.strip()
    if not login or session.scalar(select(models.User.id).where(models.User.login == login)):
        raise InvalidInput(f"login {login!r} is empty or taken", code="login_taken")
    center = session.get(models.CommandCenter, center_id)
    if center is None:
        raise InvalidInput(f"no center {center_id}", code="no_center")
    user = models.User(
        login=login,
        staff_id=staff_id,
        jurisdiction_region_id=center.region_id,
        role=role,
        center_id=center_id,
        display_name=display_name,
        password_hash=hash_password(password),
        active=True,
    )
    session.add(user)
    session.flush()
    return user.id


def add_account(
    session: Session,
    login: str,
    role: str,
    center_id: int,
    display_name: str = "",
    staff_id: int | None = None,
) -> int:
    """An account bound to a center, without a password: it cannot sign in until one is
    set (`set_password`, the `user passwd` command). Imported staff get theirs this way:
    passwords never travel in an import file."""
    if role not in ROLES:
        raise InvalidInput(f"role must be one of {', '.join(ROLES)}", code="role_unknown")
    login = login.strip()
    if not login or len(login) > 32 or session.scalar(select(models.User.id).where(models.User.login == login)):
        raise InvalidInput(f"login {login!r} is empty, too long or taken", code="login_taken")
    center = session.get(models.CommandCenter, center_id)
    if center is None:
        raise InvalidInput(f"no center {center_id}", code="no_center")
    user = models.User(login=login, staff_id=staff_id, jurisdiction_region_id=center.region_id,
                       role=role, center_id=center_id, display_name=display_name,
                       password_hash="", active=True)  # fmt: skip
    session.add(user)
    session.flush()
    return user.id


def set_password(session: Session, actor: Actor, login: str, password: str) -> int:
    """Set (or reset) an account's password, audited (never the password or its hash);
    returns the account's id. The actor's region must hold the account's."""
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"password needs at least {MIN_PASSWORD} characters", code="password")
    user = session.scalar(select(models.User).where(models.User.login == login.strip()))
    if user is None:
        raise InvalidInput(f"no account {login!r}", code="no_account")
    region = session.get(models.Region, user.jurisdiction_region_id)
    if region is None or not actor.sees_path(region.path):
        raise NotAllowed(f"account {login!r} is outside the jurisdiction of {actor.login}",
                         code="outside")  # fmt: skip
    user.password_hash = hash_password(password)
    session.flush()
    from services.store import audit  # audit imports this module

    audit.record(session, actor, "account.password", "app_user", user.id, detail=user.login)
    return user.id


SYSTEM_LOGIN = "system"


def system_actor(region: models.Region, center_id: int | None) -> Actor:
    """The console's own clock (automatic escalation), acting for a center."""
    return Actor(
        login=SYSTEM_LOGIN,
        name="系统",
        role="system",
        center_id=center_id,
        region_id=region.id,
        region_code=region.adcode,
        region_level=region.level,
        region_path=region.path,
    )
