"""Console accounts: per-center logins, roles and the subtree each one may see.

Passwords are hashed with Argon2id (argon2-cffi). An `Actor` is the signed-in account as a
frozen value; every use case takes one and checks it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.errors import InvalidInput, NotAllowed
from services.store import models

ROLES = ("duty_officer", "leader", "operator", "viewer")
# What each role may do. Handling and supervising a case need a duty officer or a leader;
# the hotline operator takes reports; a viewer account only shows the wall.
PERMISSIONS: dict[str, frozenset[str]] = {
    "duty_officer": frozenset({"intake", "handle", "supervise", "follow_up", "video", "dispatch"}),
    "leader": frozenset({"intake", "handle", "supervise", "follow_up", "video", "dispatch"}),
    "operator": frozenset({"intake"}),
    "viewer": frozenset(),
    "system": frozenset({"intake", "handle"}),
}
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


def authenticate(session: Session, login: str, password: str) -> Actor:
    """The account for this login and password, or NotAllowed with one message for both."""
    user = session.scalar(select(models.User).where(models.User.login == login.strip()))
    if user is None or not user.active or not verify_password(user.password_hash, password):
        raise NotAllowed("wrong login or password", code="login_failed")
    return _actor(session, user)


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
