"""Signing in resists guessing: unknown logins cost what wrong passwords cost, repeated
failures lock the name for a while, and every attempt is audited."""

from __future__ import annotations

import statistics
import time
from datetime import datetime, timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from services import accounts
from services.errors import InvalidInput, NotAllowed
from services.policies import Policies
from services.store import db, models

START = datetime(2026, 11, 20, 3, 0)


class FakeClock:
    """An injectable clock (naive UTC, like models.utcnow) that tests move by hand."""

    def __init__(self) -> None:
        self.t = START

    def __call__(self) -> datetime:
        return self.t

    def advance(self, minutes: float) -> None:
        self.t += timedelta(minutes=minutes)


@pytest.fixture
def account(engine: Engine) -> str:
    """One region, its center and the account zhang (password 'right horse')."""
    with db.transaction(db.session_factory(engine)) as s:
        region = models.Region(adcode="990106", name="测试区", level="county", path="/990106/",
                               population=1000)  # fmt: skip
        s.add(region)
        s.flush()
        center = models.CommandCenter(region_id=region.id, name="测试区中心", level="county")
        s.add(center)
        s.flush()
        accounts.create_user(s, "zhang", "right horse", "duty_officer", center.id, "张三")
    return "zhang"


def _try(engine: Engine, login: str, password: str, **kw: object) -> accounts.Actor:
    kw.setdefault("policy", accounts.DEFAULT_LOGIN_POLICY)
    with Session(engine) as s:  # as the console's workers call it: no commit of their own
        return accounts.authenticate(s, login, password, **kw)  # type: ignore[arg-type]


def _audit(engine: Engine, login: str) -> list[tuple[str, str]]:
    with Session(engine) as s:
        rows = s.execute(
            select(models.AuditLog.action, models.AuditLog.detail)
            .where(models.AuditLog.actor == login, models.AuditLog.action.startswith("login."))
            .order_by(models.AuditLog.id)
        )
        return [(a, d) for a, d in rows]


def test_unknown_login_costs_what_a_wrong_password_costs(engine: Engine, account: str) -> None:
    """Medians of interleaved tries (so a noisy neighbour slows both alike) within 1.5x."""
    loose = accounts.LoginPolicy(max_failures=10_000)
    _try(engine, account, "right horse")  # warm: the dummy hash, the pool, the statements
    unknown: list[float] = []
    wrong: list[float] = []
    for k in range(9):
        for login, into in ((f"nobody{k}", unknown), (account, wrong)):
            t0 = time.perf_counter()
            with pytest.raises(NotAllowed) as err:
                _try(engine, login, "battery staple", policy=loose)
            into.append(time.perf_counter() - t0)
            assert err.value.message == "wrong login or password"
    ratio = statistics.median(unknown) / statistics.median(wrong)
    assert 1 / 1.5 < ratio < 1.5, (ratio, unknown, wrong)
    assert statistics.median(unknown) > 0.01  # an Argon2 verification, not a bare lookup


def test_failures_lock_the_name_then_the_window_passes(engine: Engine, account: str) -> None:
    clock = FakeClock()
    policy = accounts.LoginPolicy(max_failures=5, window_minutes=15, lock_minutes=15)
    for k in range(4):
        with pytest.raises(NotAllowed) as err:
            _try(engine, account, f"guess{k}", policy=policy, now=clock)
        assert err.value.code == "login_failed"
        clock.advance(1)
    with pytest.raises(NotAllowed) as err:  # the fifth within 15 minutes locks
        _try(engine, account, "guess4", policy=policy, now=clock)
    assert err.value.code == "login_locked" and "try again in 15 min" in err.value.message
    locked_at = clock.t
    clock.advance(5)
    with pytest.raises(NotAllowed) as err:  # even the right password waits
        _try(engine, account, "right horse", policy=policy, now=clock)
    assert err.value.code == "login_locked" and "try again in 10 min" in err.value.message
    assert err.value.params["until"] == locked_at + timedelta(minutes=15)
    clock.advance(10)
    actor = _try(engine, account, "right horse", policy=policy, now=clock)
    assert actor.login == account and actor.role == "duty_officer"

    actions = [a for a, _ in _audit(engine, account)]
    assert actions == ["login.failed"] * 5 + ["login.locked", "login.refused", "login.ok"]
    details = [d for _, d in _audit(engine, account)]
    assert details[0] == "wrong password; failure 1 of 5" and details[6] == "locked"


def test_failures_spread_beyond_the_window_do_not_lock(engine: Engine, account: str) -> None:
    clock = FakeClock()
    policy = accounts.LoginPolicy(max_failures=3, window_minutes=10, lock_minutes=30)
    for _ in range(6):
        with pytest.raises(NotAllowed) as err:
            _try(engine, account, "nope", policy=policy, now=clock)
        assert err.value.code == "login_failed"
        clock.advance(6)  # two failures per window at most
    assert _try(engine, account, "right horse", policy=policy, now=clock).login == account
    # A success clears the count: two more failures do not lock either.
    for _ in range(2):
        with pytest.raises(NotAllowed, match="wrong login"):
            _try(engine, account, "nope", policy=policy, now=clock)


def test_unknown_logins_lock_alike_without_telling_they_do_not_exist(
    engine: Engine, account: str
) -> None:
    clock = FakeClock()
    policy = accounts.LoginPolicy(max_failures=2, window_minutes=15, lock_minutes=15)
    refusals: dict[str, list[str]] = {}
    for login in (account, "ghost"):
        for _ in range(3):
            with pytest.raises(NotAllowed) as err:
                _try(engine, login, "x", policy=policy, now=clock)
            refusals.setdefault(login, []).append(err.value.message)
    assert refusals[account] == refusals["ghost"]
    assert refusals["ghost"][-1].startswith("too many failed sign-ins")
    assert [a for a, _ in _audit(engine, "ghost")] == [
        "login.failed", "login.failed", "login.locked", "login.refused"
    ]
    assert _audit(engine, "ghost")[0][1].startswith("unknown login")


def test_inactive_account_is_refused_like_a_wrong_password(engine: Engine, account: str) -> None:
    with db.transaction(db.session_factory(engine)) as s:
        user = s.scalar(select(models.User).where(models.User.login == account))
        assert user is not None
        user.active = False
    with pytest.raises(NotAllowed, match="wrong login or password"):
        _try(engine, account, "right horse")


def test_the_lock_comes_from_the_accounts_table() -> None:
    policy = Policies.from_config(
        {"accounts": {"max_failures": 3, "window_minutes": 5, "lock_minutes": 60}}
    ).accounts
    assert policy == accounts.LoginPolicy(max_failures=3, window_minutes=5.0, lock_minutes=60.0)
    assert Policies.defaults().accounts == accounts.LoginPolicy(5, 15.0, 15.0)
    for bad in ({"max_failures": 0}, {"max_failures": 2.5}, {"lock_minutes": "x"}, {"lock": 1}):
        with pytest.raises(InvalidInput, match="accounts"):
            accounts.LoginPolicy.from_config(bad)
