"""The center's header on the wall: its name, who is on duty and the four haves
(有场地、有大屏、有人员、有机制).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import (
    Connection,
    func,
    select,
)

from services.store import models
from services.wall.regions import Clock, RegionRef
from services.wall.situation import (
    CenterHeader,
    FourHave,
)

HANDOVER_GRACE = timedelta(hours=1)
VENUE_MIN_M2 = 40.0


def header(conn: Connection, region: RegionRef, clock: Clock) -> CenterHeader:
    c = models.CommandCenter
    center = conn.execute(select(c).where(c.region_id == region.id)).first()
    if center is None:
        return CenterHeader(region.name, region.level, None, None, ())
    s = models.Shift
    shift = conn.execute(
        select(s).where(s.center_id == center.id, s.starts_at <= clock.now, s.ends_at > clock.now)
    ).first()
    names: dict[int, str] = {}
    if shift is not None:
        ids = [i for i in (shift.duty_officer_id, shift.second_officer_id, shift.leader_id) if i]
        st = models.Staff
        names = dict(conn.execute(select(st.id, st.name).where(st.id.in_(ids))).all())
    haves = four_haves(conn, center, shift, clock)
    return CenterHeader(
        center_name=center.name,
        level=center.level,
        duty_officer=names.get(shift.duty_officer_id) if shift else None,
        leader_on_duty=names.get(shift.leader_id) if shift else None,
        four_haves=haves,
    )


def four_haves(conn: Connection, center: Any, shift: Any, clock: Clock) -> tuple[FourHave, ...]:
    """有场地、有大屏、有人员、有机制, each met or not, with the reason."""
    area = round(center.venue_area_m2 or 0)
    venue = FourHave("venue", center.venue_area_m2 >= VENUE_MIN_M2,
                     code="venue" if area else "no_venue", values=(("area", area),))  # fmt: skip
    screen = FourHave(
        "screen",
        center.screen_ok > 0 and center.screen_ok * 2 >= center.screen_count,
        code="screens",
        values=(("ok", center.screen_ok), ("total", center.screen_count)),
    )
    on_duty = 0
    if shift is not None and shift.checked_in_at is not None:
        on_duty = 1 + (1 if shift.second_officer_id else 0)
    staff = FourHave(
        "staff",
        on_duty >= center.required_on_duty,
        code="staff",
        values=(("on_duty", on_duty), ("required", center.required_on_duty)),
    )
    s, h = models.Shift, models.Handover
    late = conn.execute(
        select(func.count())
        .select_from(s)
        .outerjoin(h, h.shift_id == s.id)
        .where(
            s.center_id == center.id,
            s.ends_at <= clock.now - HANDOVER_GRACE,
            s.ends_at >= clock.now - timedelta(days=2),
            (h.id.is_(None)) | (h.status != "accepted"),
        )
    ).scalar_one()
    if not center.has_24h_operation:
        mech = FourHave("mechanism", False, code="no_24h")
    elif late:
        mech = FourHave("mechanism", False, code="handover_late", values=(("late", int(late)),))
    else:
        mech = FourHave("mechanism", True, code="handover_ok")
    return (venue, screen, staff, mech)
