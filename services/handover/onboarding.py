"""Onboarding a center's people: staff (and their accounts) and the duty roster (值班表).

CSV or JSON Lines (services.tabular), every bad row named, all or nothing. Staff are named by
the center's own staff number (`staff_no`, 工号), which the roster uses to put them on
shifts. An account made here has no password: `console.py user passwd LOGIN` sets it
(passwords never travel in an import file). Every row written is audited.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, select

from services import accounts
from services.accounts import Actor
from services.store import audit, models
from services.store.db import session_factory, transaction
from services.tabular import Column, Template, check, duplicates, load
from services.territory.onboarding import Regions

STAFF_ROLES = (*accounts.ROLES, "grid_head", "grid_worker_full", "grid_worker_part", "staff")
"""Roles of staff: the four account roles, the grid roles (Ouhai model) and other staff."""
ON_SHIFT_ROLES = ("duty_officer", "leader")
MAX_SHIFT = timedelta(hours=24)

STAFF = Template(
    "staff",
    "a center's staff and grid workers; a login makes an account (no password: `user passwd`)",
    (
        Column("staff_no", "the center's staff number (工号), unique; the roster names staff by it", True),
        Column("name", "full name", True),
        Column("role", f"one of {', '.join(STAFF_ROLES)}", True),
        Column("region", "adcode of the center's region (grid workers: their township or community)", True),
        Column("grid", "grid cell code, for grid heads and workers"),
        Column("phone", "mobile or desk number"),
        Column("login", "console login to create for this person (at the region's center)"),
        Column("account_role", f"the account's role if not the staff role: {', '.join(accounts.ROLES)}"),
    ),
    (
        {"staff_no": "GZ0001", "name": "王建国", "role": "duty_officer", "region": "620702",
         "phone": "13909360001", "login": "gz.wangjg"},
        {"staff_no": "GZ0002", "name": "李秀英", "role": "duty_officer", "region": "620702",
         "login": "gz.lixy"},
        {"staff_no": "GZ0003", "name": "张伟", "role": "leader", "region": "620702",
         "login": "gz.zhangw"},
        {"staff_no": "GZ0101", "name": "刘芳", "role": "operator", "region": "620702",
         "login": "gz.hotline1"},
    ),
)  # fmt: skip

ROSTER = Template(
    "roster",
    "the duty roster: one shift a row (times ISO 8601, China Standard Time unless an offset is given)",
    (
        Column("center", "adcode of the center's region", True),
        Column("starts_at", "start, e.g. 2026-12-01T08:00", True),
        Column("ends_at", "end, after the start and at most 24 hours later", True),
        Column("duty_officer", "staff_no of the duty officer (值班员)", True),
        Column("second_officer", "staff_no of the second officer"),
        Column("leader", "staff_no of the leader on duty (带班领导)", True),
    ),
    (
        {"center": "620702", "starts_at": "2026-12-01T08:00", "ends_at": "2026-12-01T20:00",
         "duty_officer": "GZ0001", "second_officer": "GZ0002", "leader": "GZ0003"},
        {"center": "620702", "starts_at": "2026-12-01T20:00", "ends_at": "2026-12-02T08:00",
         "duty_officer": "GZ0002", "second_officer": "GZ0001", "leader": "GZ0003"},
    ),
)  # fmt: skip

STAFF_FIELDS = ("code", "name", "role", "region_id", "grid_id", "phone")
SHIFT_FIELDS = ("center_id", "starts_at", "ends_at", "duty_officer_id", "second_officer_id",
                "leader_id")  # fmt: skip


def import_staff(engine: Engine, actor: Actor, path: str) -> int:
    """Check every row, then create the staff and their accounts in one transaction."""
    rows = load(path)
    st, u, g = models.Staff, models.User, models.GridCell
    with transaction(session_factory(engine)) as s:
        regions = Regions(s)
        known_no = {c for c in s.scalars(select(st.code)) if c}
        known_login = set(s.scalars(select(u.login)))
        grids = {code: (gid, rid) for code, gid, rid in s.execute(select(g.code, g.id, g.region_id))}
        seen_no: dict[str, int] = {}
        seen_login: dict[str, int] = {}
        made: list[tuple[dict[str, Any], str, str, int | None]] = []
        for row in rows:
            number = row.text("staff_no", required=True, max_len=32)
            duplicates(row, "staff_no", number, seen_no, known_no)
            name = row.text("name", required=True, max_len=32)
            role = row.choice("role", STAFF_ROLES, required=True)
            region = regions.lookup(row, actor)
            grid_code = row.text("grid", max_len=24)
            grid_id = None
            if grid_code:
                found = grids.get(grid_code)
                if found is None:
                    row.fail("grid", f"no grid cell {grid_code}")
                elif region is not None and not _grid_under(regions, found[1], region.path):
                    row.fail("grid", f"grid cell {grid_code} is not in region {region.adcode}")
                else:
                    grid_id = found[0]
            login = row.text("login", max_len=32)
            account_role = row.choice("account_role", accounts.ROLES)
            center_id = None
            if login:
                duplicates(row, "login", login, seen_login, known_login)
                account_role = account_role or (role if role in accounts.ROLES else "")
                if not account_role:
                    row.fail("account_role", f"a {role} with a login needs an account role "
                                             f"({', '.join(accounts.ROLES)})")  # fmt: skip
                if region is not None:
                    center_id = regions.center_of.get(region.id)
                    if center_id is None:
                        row.fail("login", f"region {region.adcode} has no center yet "
                                          "(`import centers` first)")  # fmt: skip
            if row.ok and region is not None:
                values = {"code": number, "name": name, "role": role, "region_id": region.id,
                          "grid_id": grid_id, "phone": row.text("phone", max_len=20)}  # fmt: skip
                made.append((values, login, account_role, center_id))
        check(rows)
        for values, login, account_role, center_id in made:
            person = models.Staff(**values)
            s.add(person)
            s.flush()
            audit.record(s, actor, "onboard.staff", "staff", person.id,
                         after=audit.snapshot(person, STAFF_FIELDS))  # fmt: skip
            if login and center_id is not None:
                uid = accounts.add_account(s, login, account_role, center_id, person.name, person.id)
                audit.record(s, actor, "onboard.account", "app_user", uid,
                             after={"login": login, "role": account_role, "center_id": center_id,
                                    "staff_id": person.id})  # fmt: skip
    return len(made)


def _grid_under(regions: Regions, grid_region_id: int, path: str) -> bool:
    info = regions.by_id.get(grid_region_id)
    return info is not None and info.path.startswith(path)


def import_roster(engine: Engine, actor: Actor, path: str) -> int:
    """Check every shift (its center, its people, no overlap), then add all of them."""
    rows = load(path)
    st, sh = models.Staff, models.Shift
    with transaction(session_factory(engine)) as s:
        regions = Regions(s)
        staff = {code: (sid, region_id, role) for code, sid, region_id, role in
                 s.execute(select(st.code, st.id, st.region_id, st.role)) if code}  # fmt: skip
        taken: dict[int, list[tuple[datetime, datetime, int]]] = {}
        for cid, begins, ends in s.execute(select(sh.center_id, sh.starts_at, sh.ends_at)):
            taken.setdefault(cid, []).append((begins, ends, 0))
        made: list[dict[str, Any]] = []
        for row in rows:
            region = regions.lookup(row, actor, "center")
            center_id = regions.center_of.get(region.id) if region else None
            if region is not None and center_id is None:
                row.fail("center", f"region {region.adcode} has no center (`import centers` first)")
            start = row.time("starts_at", required=True)
            end = row.time("ends_at", required=True)
            if start and end and not start < end <= start + MAX_SHIFT:
                row.fail("ends_at", "must be after starts_at and at most 24 hours later")
            people: dict[str, int | None] = {}
            for field, required, roles in (("duty_officer", True, ON_SHIFT_ROLES),
                                           ("second_officer", False, ON_SHIFT_ROLES),
                                           ("leader", True, ("leader",))):  # fmt: skip
                number = row.text(field, required=required, max_len=32)
                people[field] = None
                if not number:
                    continue
                found = staff.get(number)
                if found is None:
                    row.fail(field, f"no staff with staff_no {number} (`import staff` first)")
                elif region is not None and found[1] != region.id:
                    row.fail(field, f"{number} is not staff of center {region.adcode}")
                elif found[2] not in roles:
                    row.fail(field, f"{number} is a {found[2]}, not a {' or '.join(roles)}")
                else:
                    people[field] = found[0]
            if people["second_officer"] is not None and people["second_officer"] == people["duty_officer"]:
                row.fail("second_officer", "is the duty officer again")
            if center_id is not None and start and end and row.ok:
                for other_start, other_end, line in taken.get(center_id, []):
                    if start < other_end and other_start < end:
                        where = f"line {line}" if line else "a shift already on the roster"
                        row.fail("starts_at", f"overlaps {where} ({_local(other_start)}–"
                                              f"{_local(other_end)})")  # fmt: skip
                        break
                taken.setdefault(center_id, []).append((start, end, row.line))
            if row.ok and center_id is not None:
                made.append({"center_id": center_id, "starts_at": start, "ends_at": end,
                             "duty_officer_id": people["duty_officer"],
                             "second_officer_id": people["second_officer"],
                             "leader_id": people["leader"], "checked_in_at": None})  # fmt: skip
        check(rows)
        for values in made:
            shift = models.Shift(**values)
            s.add(shift)
            s.flush()
            audit.record(s, actor, "roster_add", "shift", shift.id,
                         after=audit.snapshot(shift, SHIFT_FIELDS))  # fmt: skip
    return len(made)


def _local(t: datetime) -> str:
    return (t + timedelta(hours=8)).strftime("%m-%d %H:%M")
