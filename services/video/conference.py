"""视频会商: emergency video conferences with lower command rooms and departments.

The console does not speak a conferencing protocol: each participating room is a video
stream from the video-network gateway, shown in a slot of the center's video wall. A
conference records its start and end, who took part, the roll call (点名: present when the
room's stream plays) and minutes (decisions and tasks, each with time and owner). Every
write is audited; the record is read back for the shift handover.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from services import video
from services.accounts import Actor
from services.errors import InvalidInput, InvalidTransition, NotAllowed, NotFound
from services.incidents.cases import IncidentPolicy
from services.store import audit, models

MINUTE_KINDS = ("decision", "task")
MAX_PARTICIPANTS = 16
ROOM_KINDS = ("center", "department")


@dataclass(frozen=True)
class Room:
    """A room that can join: a lower center's command room or a department's room."""

    kind: str  # center / department
    id: int
    name: str
    level: str  # the center's level, or the department's kind
    stream_url: str

    @property
    def key(self) -> tuple[str, int]:
        return (self.kind, self.id)

    def source(self) -> video.Source:
        return video.Source(self.kind, self.id, self.name, self.stream_url)


@dataclass(frozen=True)
class Participant:
    id: int
    kind: str
    room_id: int
    label: str
    stream_url: str
    slot_index: int | None
    present: bool | None  # None: not yet called
    checked_at: datetime | None


@dataclass(frozen=True)
class Minute:
    id: int
    at: datetime
    kind: str  # decision / task
    text: str
    owner: str
    incident_id: int | None  # the incident task made from it


@dataclass(frozen=True)
class ConferenceRecord:
    """A conference as the handover and the record view show it."""

    id: int
    center_id: int
    title: str
    incident_id: int | None
    started_at: datetime
    ended_at: datetime | None
    convened_by: str
    participants: tuple[Participant, ...]
    minutes: tuple[Minute, ...]

    @property
    def running(self) -> bool:
        return self.ended_at is None

    @property
    def makes_tasks(self) -> bool:
        """Whether its minutes can become incident tasks (it was held for a case)."""
        return self.incident_id is not None

    @property
    def present_count(self) -> int:
        return sum(1 for p in self.participants if p.present)

    @property
    def absent(self) -> tuple[Participant, ...]:
        return tuple(p for p in self.participants if p.present is False)


# --------------------------------------------------------------------------- reads


def _center_id(actor: Actor) -> int:
    if actor.center_id is None:
        raise NotAllowed(f"account {actor.login} belongs to no center", code="no_center")
    return actor.center_id


def rooms(session: Session, actor: Actor) -> list[Room]:
    """Rooms the actor's center can call: lower centers and departments in its subtree."""
    c, d, r = models.CommandCenter, models.Department, models.Region
    lower = list(
        session.execute(
            select(c.id, c.name, c.level, c.room_stream_url, r.path)
            .join(r, r.id == c.region_id)
            .where(r.path.startswith(actor.region_path), r.id != actor.region_id)
            .order_by(r.path)
        )
    )
    # Direct children first (townships under a county), deeper levels after.
    depth = actor.region_path.count("/")
    lower.sort(key=lambda row: (row.path.count("/") - depth, row.path))
    depts = session.execute(
        select(d.id, d.name, d.kind, d.room_stream_url, r.path)
        .join(r, r.id == d.region_id)
        .where(r.path.startswith(actor.region_path))
        .order_by(r.path, d.id)
    ).all()
    found = [Room("center", row.id, row.name, row.level, row.room_stream_url) for row in lower]
    found += [Room("department", row.id, row.name, row.kind, row.room_stream_url) for row in depts]
    return found


def _room(session: Session, actor: Actor, kind: str, room_id: int) -> Room:
    r = models.Region
    if kind == "center":
        cc = session.get(models.CommandCenter, room_id)
        region = session.get(r, cc.region_id) if cc else None
        if cc is None or region is None:
            raise NotFound(f"no center {room_id}", code="no_room", kind=kind, room_id=room_id)
        if cc.id == actor.center_id or not actor.sees_path(region.path):
            raise NotAllowed(f"center {room_id} is not below {actor.region_code}", code="subtree")
        return Room("center", cc.id, cc.name, cc.level, cc.room_stream_url)
    if kind == "department":
        dept = session.get(models.Department, room_id)
        region = session.get(r, dept.region_id) if dept else None
        if dept is None or region is None:
            raise NotFound(f"no department {room_id}", code="no_room", kind=kind, room_id=room_id)
        if not actor.sees_path(region.path):
            raise NotAllowed(f"department {room_id} is outside {actor.region_code}",
                             code="subtree")  # fmt: skip
        return Room("department", dept.id, dept.name, dept.kind, dept.room_stream_url)
    raise InvalidInput(f"room kind must be one of {ROOM_KINDS}", code="room_kind", kind=kind)


def _record(session: Session, conf: models.Conference) -> ConferenceRecord:
    cp, cm = models.ConferenceParticipant, models.ConferenceMinute
    parts = tuple(
        Participant(
            p.id, "center" if p.center_id is not None else "department",
            p.center_id if p.center_id is not None else (p.department_id or 0),
            p.label, p.stream_url, p.slot_index, p.present, p.checked_at,
        )
        for p in session.scalars(select(cp).where(cp.conference_id == conf.id).order_by(cp.id))
    )  # fmt: skip
    minutes = tuple(
        Minute(m.id, m.at, m.kind, m.text, m.owner, m.incident_id)
        for m in session.scalars(
            select(cm).where(cm.conference_id == conf.id).order_by(cm.at, cm.id)
        )
    )
    return ConferenceRecord(conf.id, conf.center_id, conf.title, conf.incident_id,
                            conf.started_at, conf.ended_at, conf.convened_by, parts,
                            minutes)  # fmt: skip


def conference_record(session: Session, conference_id: int) -> ConferenceRecord:
    """The whole record of one conference."""
    conf = session.get(models.Conference, conference_id)
    if conf is None:
        raise NotFound(f"no conference {conference_id}", code="no_conference")
    return _record(session, conf)


def conferences_between(
    session: Session, center_id: int, start: datetime, end: datetime
) -> list[ConferenceRecord]:
    """Conferences of a center that overlap [start, end) (naive UTC): for the handover."""
    c = models.Conference
    rows = session.scalars(
        select(c)
        .where(
            c.center_id == center_id,
            c.started_at < end,
            or_(c.ended_at.is_(None), c.ended_at >= start),
        )
        .order_by(c.started_at, c.id)
    )
    return [_record(session, conf) for conf in rows]


def running_conference(session: Session, actor: Actor) -> ConferenceRecord | None:
    """The actor's center's conference still in progress, if any (the newest)."""
    c = models.Conference
    conf = session.scalar(
        select(c)
        .where(and_(c.center_id == _center_id(actor), c.ended_at.is_(None)))
        .order_by(c.started_at.desc(), c.id.desc())
        .limit(1)
    )
    return _record(session, conf) if conf else None


def recent_conferences(session: Session, actor: Actor, limit: int = 20) -> list[ConferenceRecord]:
    """The actor's center's latest conferences, newest first."""
    c = models.Conference
    rows = session.scalars(
        select(c).where(c.center_id == _center_id(actor))
        .order_by(c.started_at.desc(), c.id.desc()).limit(limit)
    )  # fmt: skip
    return [_record(session, conf) for conf in rows]


# --------------------------------------------------------------------------- writes


def _load(session: Session, actor: Actor, conference_id: int) -> models.Conference:
    conf = session.get(models.Conference, conference_id)
    if conf is None:
        raise NotFound(f"no conference {conference_id}", code="no_conference")
    if conf.center_id != actor.center_id:
        raise NotAllowed(f"conference {conference_id} belongs to another center",
                         code="other_center")  # fmt: skip
    return conf


def _running(session: Session, actor: Actor, conference_id: int) -> models.Conference:
    conf = _load(session, actor, conference_id)
    if conf.ended_at is not None:
        raise InvalidTransition(f"conference {conference_id} has ended", code="ended")
    return conf


def convene(
    session: Session,
    actor: Actor,
    title: str,
    room_keys: Sequence[tuple[str, int]],
    *,
    incident_id: int | None = None,
    at: datetime | None = None,
    seat: bool = True,
) -> int:
    """Open a conference with these rooms; each gets a slot of the video wall (`seat`).

    Returns the conference id. Refused without the video permission, with no rooms, with
    a room outside the actor's subtree, or for an unknown incident.
    """
    actor.require("video")
    center_id = _center_id(actor)
    title = title.strip()
    if not title:
        raise InvalidInput("a conference needs a title", code="title")
    keys = list(dict.fromkeys((k, int(i)) for k, i in room_keys))
    if not keys:
        raise InvalidInput("a conference needs at least one room", code="no_rooms")
    if len(keys) > MAX_PARTICIPANTS:
        raise InvalidInput(f"at most {MAX_PARTICIPANTS} rooms", code="too_many_rooms")
    found = [_room(session, actor, kind, rid) for kind, rid in keys]
    if incident_id is not None:
        inc = session.get(models.Incident, incident_id)
        if inc is None:
            raise NotFound(f"no incident {incident_id}", code="no_incident")
        codes = {"province": inc.province_code, "city": inc.city_code,
                 "county": inc.county_code, "township": inc.township_code}  # fmt: skip
        if codes.get(actor.region_level) != actor.region_code:
            raise NotAllowed(f"incident {incident_id} is outside {actor.region_code}",
                             code="subtree")  # fmt: skip
    now = at or models.utcnow()
    conf = models.Conference(center_id=center_id, incident_id=incident_id, title=title[:128],
                             started_at=now, ended_at=None, convened_by=actor.label[:64])  # fmt: skip
    session.add(conf)
    session.flush()
    placed: list[int | None] = [None] * len(found)
    if seat:
        conf.layout_before = video.load_wall(session, actor).layout
        _, placed = video.seat_rooms(session, actor, [r.source() for r in found])
    for room, slot in zip(found, placed, strict=True):
        session.add(
            models.ConferenceParticipant(
                conference_id=conf.id,
                center_id=room.id if room.kind == "center" else None,
                department_id=room.id if room.kind == "department" else None,
                stream_url=room.stream_url, label=room.name[:64], slot_index=slot,
                present=None, checked_at=None,
            )
        )  # fmt: skip
    session.flush()
    audit.record(session, actor, "conference.convene", "conference", conf.id, at=now,
                 after={"title": conf.title, "incident_id": incident_id,
                        "rooms": [f"{r.kind}:{r.id}" for r in found]},
                 detail=conf.title)  # fmt: skip
    return conf.id


def record_roll_call(
    session: Session,
    actor: Actor,
    conference_id: int,
    results: Mapping[int, bool],
    *,
    at: datetime | None = None,
) -> ConferenceRecord:
    """点名: mark participants present (their stream played) or absent, by participant id."""
    actor.require("video")
    conf = _running(session, actor, conference_id)
    now = at or models.utcnow()
    rows = {
        p.id: p
        for p in session.scalars(
            select(models.ConferenceParticipant).where(
                models.ConferenceParticipant.conference_id == conf.id
            )
        )
    }
    unknown = sorted(set(results) - set(rows))
    if unknown:
        raise InvalidInput(f"not participants of conference {conference_id}: {unknown}",
                           code="participant", ids=unknown)  # fmt: skip
    before = {str(pid): rows[pid].present for pid in results}
    for pid, present in results.items():
        rows[pid].present = bool(present)
        rows[pid].checked_at = now
    audit.record(session, actor, "conference.roll_call", "conference", conf.id, at=now,
                 before=before, after={str(pid): bool(v) for pid, v in results.items()},
                 detail=f"{sum(map(bool, results.values()))}/{len(results)} present")  # fmt: skip
    session.flush()
    return _record(session, conf)


def add_minute(
    session: Session,
    actor: Actor,
    conference_id: int,
    kind: str,
    text: str,
    owner: str,
    *,
    at: datetime | None = None,
) -> int:
    """A decision (决定) or assigned task (任务), each with its time and owner (责任人)."""
    actor.require("video")
    conf = _running(session, actor, conference_id)
    if kind not in MINUTE_KINDS:
        raise InvalidInput(f"minute kind must be one of {MINUTE_KINDS}", code="minute_kind")
    text, owner = text.strip(), owner.strip()
    if not text:
        raise InvalidInput("a minute needs its text", code="minute_text")
    if not owner:
        raise InvalidInput("a minute needs an owner", code="minute_owner")
    now = at or models.utcnow()
    minute = models.ConferenceMinute(conference_id=conf.id, at=now, kind=kind, text=text,
                                     owner=owner[:64], incident_id=None)  # fmt: skip
    session.add(minute)
    session.flush()
    audit.record(session, actor, f"conference.{kind}", "conference_minute", minute.id, at=now,
                 after={"conference_id": conf.id, "kind": kind, "text": text, "owner": owner},
                 detail=text[:200])  # fmt: skip
    return minute.id


def end(
    session: Session, actor: Actor, conference_id: int, *, at: datetime | None = None
) -> ConferenceRecord:
    """Close the conference and give the wall back: the rooms leave their slots and the
    layout shown before it returns, as it was (the scene cameras of a plan included)."""
    actor.require("video")
    conf = _running(session, actor, conference_id)
    now = at or models.utcnow()
    if now < conf.started_at:
        raise InvalidInput("a conference cannot end before it started", code="end_before_start")
    conf.ended_at = now
    audit.record(session, actor, "conference.end", "conference", conf.id, at=now,
                 before={"ended_at": None}, after={"ended_at": now.isoformat()},
                 detail=conf.title)  # fmt: skip
    seated = [
        (p.slot_index, video.Source(p.kind, p.room_id, p.label, p.stream_url))
        for p in _record(session, conf).participants
        if p.slot_index is not None
    ]
    video.unseat_rooms(session, actor, seated, conf.layout_before)
    session.flush()
    return _record(session, conf)


def decision_to_task(
    session: Session, actor: Actor, minute_id: int, *, policy: IncidentPolicy,
    priority: int | None = None,
) -> int:  # fmt: skip
    """Turn a decision or task of a conference held for an incident into an incident task.

    The task is a follow-up case (channel `conference`) at the incident's place, linked to
    it by `origin_id`; the minute records the new incident's id. Returns that id.
    """
    from services import incidents  # the incident workflow: loaded only when needed

    actor.require("video")
    minute = session.get(models.ConferenceMinute, minute_id)
    if minute is None:
        raise NotFound(f"no minute {minute_id}", code="no_minute")
    conf = _load(session, actor, minute.conference_id)
    if minute.incident_id is not None:
        raise InvalidTransition(f"minute {minute_id} is already incident {minute.incident_id}",
                                code="already_task")  # fmt: skip
    if conf.incident_id is None:
        raise InvalidInput("the conference was not held for an incident",
                           code="conference_no_incident")  # fmt: skip
    origin = session.get(models.Incident, conf.incident_id)
    if origin is None:
        raise NotFound(f"no incident {conf.incident_id}", code="no_incident")
    owner = f"（责任人：{minute.owner}）" if minute.owner else ""
    new_id = incidents.report(
        session,
        actor,
        incidents.NewIncident(
            category=origin.category, description=f"视频会商「{conf.title}」：{minute.text}{owner}",
            channel="conference", priority=priority or origin.priority, grid_id=origin.grid_id,
            lon=origin.lon, lat=origin.lat, origin_id=origin.id, kind="follow_up",
            reporter=actor.label[:64],
        ),
        policy=policy,
    )  # fmt: skip
    minute.incident_id = new_id
    audit.record(session, actor, "conference.to_task", "conference_minute", minute.id,
                 before={"incident_id": None}, after={"incident_id": new_id},
                 detail=minute.text[:200])  # fmt: skip
    return new_id
