"""The database schema (SQLAlchemy 2.0 declarative, `Mapped[]`).

ORM rows stay inside services: queries turn them into frozen values before they leave.
Times are stored as naive UTC (`utcnow()`); day boundaries are computed in the center's
time zone by the queries.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    FetchedValue,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# BigInteger ids that are still INTEGER PRIMARY KEY (rowid) on SQLite.
BigId = BigInteger().with_variant(Integer(), "sqlite")


def utcnow() -> datetime:
    """Naive UTC now: the one clock for stored timestamps."""
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


# --------------------------------------------------------------------------- territory


class Region(Base):
    """An administrative area: province, city, county, township or community."""

    __tablename__ = "region"
    id: Mapped[int] = mapped_column(primary_key=True)
    adcode: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    level: Mapped[str] = mapped_column(String(16), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    # "/330000/330100/330102/" — subtree = path LIKE prefix || '%'
    path: Mapped[str] = mapped_column(String(128), index=True)
    population: Mapped[int] = mapped_column(Integer, default=0)
    boundary: Mapped[bytes | None] = mapped_column(LargeBinary)  # WKB, lon/lat
    min_lon: Mapped[float | None] = mapped_column(Float)
    min_lat: Mapped[float | None] = mapped_column(Float)
    max_lon: Mapped[float | None] = mapped_column(Float)
    max_lat: Mapped[float | None] = mapped_column(Float)


class GridCell(Base):
    """网格: the smallest unit of territory, inside one community (村/社区) or, where no
    communities were loaded, directly inside its township."""

    __tablename__ = "grid_cell"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(24), unique=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    # Denormalised ancestors for fast subtree counts on both databases.
    # The grid head is the Staff row with role "grid_head" and this grid_id.
    province_code: Mapped[str] = mapped_column(String(16), index=True)
    city_code: Mapped[str] = mapped_column(String(16), index=True)
    county_code: Mapped[str] = mapped_column(String(16), index=True)
    township_code: Mapped[str] = mapped_column(String(16), index=True)
    # "" when the cell hangs directly under its township (no community level loaded).
    community_code: Mapped[str] = mapped_column(String(16), index=True, default="")
    geometry: Mapped[bytes] = mapped_column(LargeBinary)  # WKB polygon
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    households: Mapped[int] = mapped_column(Integer, default=0)
    population: Mapped[int] = mapped_column(Integer, default=0)
    enterprises: Mapped[int] = mapped_column(Integer, default=0)


class CommandCenter(Base):
    """综治中心 / 指挥中心 bound to one region, with the facts behind the four haves."""

    __tablename__ = "command_center"
    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), unique=True)
    name: Mapped[str] = mapped_column(String(96))
    level: Mapped[str] = mapped_column(String(16))
    venue_area_m2: Mapped[float] = mapped_column(Float, default=0.0)  # 有场地
    screen_count: Mapped[int] = mapped_column(Integer, default=0)  # 有大屏
    screen_ok: Mapped[int] = mapped_column(Integer, default=0)
    required_on_duty: Mapped[int] = mapped_column(Integer, default=2)  # 有人员
    has_24h_operation: Mapped[bool] = mapped_column(Boolean, default=True)  # 有机制
    has_response_plans: Mapped[bool] = mapped_column(Boolean, default=True)
    has_routing_rules: Mapped[bool] = mapped_column(Boolean, default=True)
    # The center's own conference room as seen from the video network (视联网).
    room_stream_url: Mapped[str] = mapped_column(String(256), default="")


class Department(Base):
    """A department of a level, or a station of a township (所/站/中队, often a county
    department stationed there) grouped under one of the township's four platforms."""

    __tablename__ = "department"
    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    room_stream_url: Mapped[str] = mapped_column(String(256), default="")
    # 基层治理四平台 (services.vocabulary.PLATFORMS); "" for a department outside them.
    platform: Mapped[str] = mapped_column(String(16), default="")


class Staff(Base):
    """Grid heads, full/part-time grid workers, duty officers, leaders."""

    __tablename__ = "staff"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(32))
    role: Mapped[str] = mapped_column(String(24), index=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grid_cell.id"), index=True)
    phone: Mapped[str] = mapped_column(String(20), default="")
    # The center's own staff number (工号), how imported rosters name the officers.
    code: Mapped[str | None] = mapped_column(String(32), unique=True)


class User(Base):
    """A console login, limited to the subtree of its jurisdiction."""

    __tablename__ = "app_user"
    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(32), unique=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    jurisdiction_region_id: Mapped[int] = mapped_column(ForeignKey("region.id"))
    # duty_officer / leader / operator / viewer (services.accounts.ROLES)
    role: Mapped[str] = mapped_column(String(24))
    center_id: Mapped[int | None] = mapped_column(ForeignKey("command_center.id"))
    display_name: Mapped[str] = mapped_column(String(32), default="")
    password_hash: Mapped[str] = mapped_column(String(255), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class LoginThrottle(Base):
    """Failed sign-ins of one login name (whether or not an account has it, so a refusal
    never tells which logins exist): counted within a window, then locked for a while."""

    __tablename__ = "login_throttle"
    login: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    first_failure_at: Mapped[datetime | None] = mapped_column(DateTime)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)


# --------------------------------------------------------------------------- incidents


class Incident(Base):
    """事件: a reported issue and where it stands."""

    __tablename__ = "incident"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    category: Mapped[str] = mapped_column(String(24))
    source_channel: Mapped[str] = mapped_column(String(24))
    priority: Mapped[int] = mapped_column(Integer, default=3)  # 1 urgent .. 4 low
    status: Mapped[str] = mapped_column(String(16))
    is_open: Mapped[bool] = mapped_column(Boolean, default=True)
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grid_cell.id"))
    province_code: Mapped[str] = mapped_column(String(16))
    city_code: Mapped[str] = mapped_column(String(16))
    county_code: Mapped[str] = mapped_column(String(16))
    township_code: Mapped[str] = mapped_column(String(16))
    community_code: Mapped[str] = mapped_column(String(16), default="")
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    description: Mapped[str] = mapped_column(Text, default="")
    reporter: Mapped[str] = mapped_column(String(64), default="")
    handling_center_id: Mapped[int | None] = mapped_column(ForeignKey("command_center.id"))
    handling_department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    settled_level: Mapped[str | None] = mapped_column(String(16))
    reported_at: Mapped[datetime] = mapped_column(DateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    ack_deadline: Mapped[datetime | None] = mapped_column(DateTime)
    resolve_deadline: Mapped[datetime | None] = mapped_column(DateTime)
    address: Mapped[str] = mapped_column(String(128), default="")
    # case / follow_up (举一反三 task opened when its origin case closed)
    kind: Mapped[str] = mapped_column(String(16), default="case")
    origin_id: Mapped[int | None] = mapped_column(ForeignKey("incident.id"), index=True)
    supervised: Mapped[bool] = mapped_column(Boolean, default=False)  # a 督办 awaits answer
    escalations: Mapped[int] = mapped_column(Integer, default=0)
    evaluation: Mapped[str | None] = mapped_column(String(16))
    # The township platform (四平台) the case was routed to; kept when it moves on, so a
    # platform's tally counts every matter it took.
    platform: Mapped[str] = mapped_column(String(16), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    events: Mapped[list[IncidentEvent]] = relationship(
        back_populates="incident", order_by="IncidentEvent.id"
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        Index("ix_incident_reported_grid", "reported_at", "grid_id"),
        Index("ix_incident_open_deadline", "is_open", "resolve_deadline"),
        Index("ix_incident_resolved_at", "resolved_at"),
        Index("ix_incident_handling_open", "handling_center_id", "is_open"),
        Index("ix_incident_province_reported", "province_code", "reported_at"),
        Index("ix_incident_city_reported", "city_code", "reported_at"),
        Index("ix_incident_county_reported", "county_code", "reported_at"),
        Index("ix_incident_township_reported", "township_code", "reported_at"),
        Index("ix_incident_community_reported", "community_code", "reported_at"),
        # Covering, in grid order: per-cell counts of a subtree without a sort (the map).
        Index("ix_incident_province_grid", "province_code", "grid_id", "reported_at"),
        Index("ix_incident_city_grid", "city_code", "grid_id", "reported_at"),
        Index("ix_incident_county_grid", "county_code", "grid_id", "reported_at"),
        Index("ix_incident_township_grid", "township_code", "grid_id", "reported_at"),
        Index("ix_incident_community_grid", "community_code", "grid_id", "reported_at"),
        # Only open incidents (about a tenth): open and overdue counts read this alone.
        Index(
            "ix_incident_open_township",
            "township_code",
            "resolve_deadline",
            sqlite_where=text("is_open = 1"),  # how SQLAlchemy renders the filter there
            postgresql_where=text("is_open"),
        ),
        # The map's open and overdue cells of a province, city or county wall: only the
        # open incidents, in grid order, with their deadlines (SQLite otherwise walked every
        # incident of the subtree by grid and looked each row up for is_open).
        *(
            Index(
                f"ix_incident_open_{level}_grid",
                f"{level}_code",
                "grid_id",
                "resolve_deadline",
                sqlite_where=text("is_open = 1"),
                postgresql_where=text("is_open"),
            )
            for level in ("province", "city", "county")
        ),
    )


DAILY_ROLLUP_CHILD = (("province", "city"), ("city", "county"), ("county", "township"))
DAILY_SUMMED = ("day", "reported", "resolved", "settled_low", "resolved_on")


class IncidentDaily(Base):
    """Counters per township and CST day, kept in step by services.store.rollup."""

    __tablename__ = "incident_daily"
    township_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    province_code: Mapped[str] = mapped_column(String(16))
    city_code: Mapped[str] = mapped_column(String(16))
    county_code: Mapped[str] = mapped_column(String(16))
    reported: Mapped[int] = mapped_column(Integer, default=0)
    resolved: Mapped[int] = mapped_column(Integer, default=0)  # of those reported that day
    settled_low: Mapped[int] = mapped_column(Integer, default=0)  # of those reported that day
    resolved_on: Mapped[int] = mapped_column(Integer, default=0)  # resolved on that day
    __table_args__ = (
        Index("ix_incident_daily_day", "day"),
        # A province, city or county wall sums its children's last 30 days: each of these
        # answers that alone, in child order (services.wall.counts.rolled_up).
        *(
            Index(f"ix_incident_daily_{level}_{child}", f"{level}_code", f"{child}_code",
                  *DAILY_SUMMED)  # fmt: skip
            for level, child in DAILY_ROLLUP_CHILD
        ),
    )


class GridRecent(Base):
    """Incidents per grid cell reported on local days from the window's start on, kept in
    step by services.store.rollup (the map's per-cell counts without scanning incidents).

    Keyed by the incident's own codes as well as its cell, so a subtree's sum equals a
    direct count by the incident's codes."""

    __tablename__ = "grid_recent"
    grid_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    community_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    township_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    county_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    city_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    province_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    reported: Mapped[int] = mapped_column(Integer, default=0)


class GridRecentWindow(Base):
    """The one row saying from which CST day on `grid_recent` counts (moved by
    rollup.advance_grid_window; without it the counters are not kept)."""

    __tablename__ = "grid_recent_window"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    start: Mapped[date] = mapped_column(Date)


class IncidentEvent(Base):
    """One step of an incident's timeline: who did what, when."""

    __tablename__ = "incident_event"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    action: Mapped[str] = mapped_column(String(24))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(64), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    center_id: Mapped[int | None] = mapped_column(Integer)  # the actor's center
    target: Mapped[str] = mapped_column(String(48), default="")  # e.g. "department:12"
    incident: Mapped[Incident] = relationship(back_populates="events")


class Supervision(Base):
    """督办: an upper level presses a case with a deadline; the handling center answers."""

    __tablename__ = "supervision"
    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"), index=True)
    from_center_id: Mapped[int] = mapped_column(ForeignKey("command_center.id"))
    to_center_id: Mapped[int | None] = mapped_column(ForeignKey("command_center.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(64))
    deadline: Mapped[datetime] = mapped_column(DateTime)
    note: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[datetime | None] = mapped_column(DateTime)
    answered_by: Mapped[str | None] = mapped_column(String(64))
    answer: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


# --------------------------------------------------------------------------- dispatch


class Resource(Base):
    """联动单位 / vehicle / depot with a response level 1-3."""

    __tablename__ = "resource"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(24), index=True)
    response_level: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), index=True)
    status_since: Mapped[datetime] = mapped_column(DateTime)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    county_code: Mapped[str] = mapped_column(String(16), index=True)
    home_lon: Mapped[float] = mapped_column(Float)
    home_lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class Dispatch(Base):
    """One unit sent to one incident, step by step; a unit has at most one active dispatch."""

    __tablename__ = "dispatch"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"), index=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("resource.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    dispatched_at: Mapped[datetime] = mapped_column(DateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime)
    arrived_at: Mapped[datetime | None] = mapped_column(DateTime)
    cleared_at: Mapped[datetime | None] = mapped_column(DateTime)
    returned_at: Mapped[datetime | None] = mapped_column(DateTime)
    center_id: Mapped[int | None] = mapped_column(ForeignKey("command_center.id"))
    dispatched_by: Mapped[str] = mapped_column(String(64), default="")
    activation_id: Mapped[int | None] = mapped_column(ForeignKey("plan_activation.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        Index(
            "uq_dispatch_active_resource",
            "resource_id",
            unique=True,
            sqlite_where=text("active = 1"),
            postgresql_where=text("active"),
        ),
    )


class ResponsePlan(Base):
    """预案: what to send, whom to notify and what to show, per category and severity."""

    __tablename__ = "response_plan"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(96))
    category: Mapped[str] = mapped_column(String(24))
    min_priority: Mapped[int] = mapped_column(Integer)
    response_level: Mapped[int] = mapped_column(Integer)
    content: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"))  # None: everywhere


class PlanActivation(Base):
    """A response plan put into effect for an incident or alert; items confirmed one by one."""

    __tablename__ = "plan_activation"
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("response_plan.id"))
    center_id: Mapped[int] = mapped_column(ForeignKey("command_center.id"), index=True)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incident.id"))
    alert_id: Mapped[int | None] = mapped_column(ForeignKey("risk_alert.id"))
    at: Mapped[datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))  # active / closed
    # [{"kind": "unit"|"notify"|"layout"|"camera", "ref": ..., "label": ..., "state": ...}]
    items: Mapped[list[dict[str, object]]] = mapped_column(JSON, default=list)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class Place(Base):
    """A watched place with a capacity (e.g. a scenic spot) for surge thresholds."""

    __tablename__ = "place"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(24))
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grid_cell.id"))
    county_code: Mapped[str] = mapped_column(String(16), index=True)
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    daily_capacity: Mapped[int] = mapped_column(Integer)
    current_count: Mapped[int] = mapped_column(Integer, default=0)
    count_at: Mapped[datetime | None] = mapped_column(DateTime)


# --------------------------------------------------------------------------- video


class Camera(Base):
    """雪亮工程 camera with main and sub stream."""

    __tablename__ = "camera"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grid_cell.id"))
    county_code: Mapped[str] = mapped_column(String(16), index=True)
    # The region it is registered to (a camera imported before any grid exists has no cell).
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    # GB/T 28181 device id: 8-digit center code (region + 2) + industry, type, network, serial.
    device_id: Mapped[str | None] = mapped_column(String(20), unique=True)
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    stream_url: Mapped[str] = mapped_column(String(256))
    sub_stream_url: Mapped[str] = mapped_column(String(256))
    online: Mapped[bool] = mapped_column(Boolean, default=True)


class Conference(Base):
    """视频会商: an emergency video meeting."""

    __tablename__ = "conference"
    id: Mapped[int] = mapped_column(primary_key=True)
    center_id: Mapped[int] = mapped_column(ForeignKey("command_center.id"))
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incident.id"))
    title: Mapped[str] = mapped_column(String(128))
    started_at: Mapped[datetime] = mapped_column(DateTime)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)
    convened_by: Mapped[str] = mapped_column(String(64), default="")
    layout_before: Mapped[int | None] = mapped_column(Integer)  # restored at the end


class ConferenceParticipant(Base):
    __tablename__ = "conference_participant"
    id: Mapped[int] = mapped_column(primary_key=True)
    conference_id: Mapped[int] = mapped_column(ForeignKey("conference.id"), index=True)
    center_id: Mapped[int | None] = mapped_column(ForeignKey("command_center.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    stream_url: Mapped[str] = mapped_column(String(256), default="")
    label: Mapped[str] = mapped_column(String(64), default="")
    slot_index: Mapped[int | None] = mapped_column(Integer)
    present: Mapped[bool | None] = mapped_column(Boolean)
    checked_at: Mapped[datetime | None] = mapped_column(DateTime)


class ConferenceMinute(Base):
    """A decision or assigned task from a conference."""

    __tablename__ = "conference_minute"
    id: Mapped[int] = mapped_column(primary_key=True)
    conference_id: Mapped[int] = mapped_column(ForeignKey("conference.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    kind: Mapped[str] = mapped_column(String(16))  # decision / task
    text: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(64), default="")
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incident.id"))  # task made a case


class VideoWall(Base):
    """The video panel of one center: its current layout and active slot."""

    __tablename__ = "video_wall"
    center_id: Mapped[int] = mapped_column(ForeignKey("command_center.id"), primary_key=True)
    layout: Mapped[int] = mapped_column(Integer, default=4)  # 1, 4, 6, 9 or 16 slots
    active_index: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class VideoSlot(Base):
    """One slot of a video layout: what it shows, kept apart from the player."""

    __tablename__ = "video_slot"
    id: Mapped[int] = mapped_column(primary_key=True)
    center_id: Mapped[int] = mapped_column(ForeignKey("command_center.id"))
    layout: Mapped[int] = mapped_column(Integer)
    idx: Mapped[int] = mapped_column(Integer)
    source_kind: Mapped[str] = mapped_column(String(16), default="")  # camera / room / url
    source_id: Mapped[int | None] = mapped_column(Integer)
    url: Mapped[str] = mapped_column(String(256), default="")
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    label: Mapped[str] = mapped_column(String(64), default="")
    __table_args__ = (UniqueConstraint("center_id", "layout", "idx"),)


# --------------------------------------------------------------------------- duty


class Shift(Base):
    """One duty shift of a center, with its officer and leader (the roster)."""

    __tablename__ = "shift"
    id: Mapped[int] = mapped_column(primary_key=True)
    center_id: Mapped[int] = mapped_column(ForeignKey("command_center.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(DateTime)
    duty_officer_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    second_officer_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    leader_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    checked_in_at: Mapped[datetime | None] = mapped_column(DateTime)


class DutyLog(Base):
    """值班日志 entry; immutable (corrections are new entries)."""

    __tablename__ = "duty_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("shift.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    author_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    kind: Mapped[str] = mapped_column(String(16))  # event / instruction / correction
    text: Mapped[str] = mapped_column(Text)
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("duty_log.id"))


class Handover(Base):
    """交接班: a shift's report, submitted by the outgoing and signed by the incoming officer."""

    __tablename__ = "handover"
    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("shift.id"), unique=True)
    status: Mapped[str] = mapped_column(String(16))  # submitted / rejected / accepted
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    submitted_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime)
    accepted_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    notes: Mapped[str] = mapped_column(Text, default="")
    snapshot: Mapped[dict[str, object] | None] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class HandoverEvent(Base):
    """One step of a handover: submitted, rejected (with a question), answered, accepted."""

    __tablename__ = "handover_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    handover_id: Mapped[int] = mapped_column(ForeignKey("handover.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    action: Mapped[str] = mapped_column(String(16))
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    text: Mapped[str] = mapped_column(Text, default="")


# --------------------------------------------------------------------------- index & risk


class SafetyIndex(Base):
    """平安指数 of one region for one month, with its components."""

    __tablename__ = "safety_index"
    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"))
    month: Mapped[date] = mapped_column(Date)
    value: Mapped[float] = mapped_column(Float)
    components: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    computed_at: Mapped[datetime] = mapped_column(DateTime)
    __table_args__ = (UniqueConstraint("region_id", "month"),)


class RiskAlert(Base):
    """风险预警 in one of 11 domains, blue/yellow/orange/red."""

    __tablename__ = "risk_alert"
    id: Mapped[int] = mapped_column(primary_key=True)
    domain: Mapped[str] = mapped_column(String(24))
    level: Mapped[str] = mapped_column(String(8))
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grid_cell.id"))
    county_code: Mapped[str] = mapped_column(String(16), index=True)
    raised_at: Mapped[datetime] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(16))
    rule: Mapped[str] = mapped_column(String(48))
    text: Mapped[str] = mapped_column(Text, default="")
    province_code: Mapped[str] = mapped_column(String(16), default="")
    city_code: Mapped[str] = mapped_column(String(16), default="")
    township_code: Mapped[str] = mapped_column(String(16), default="", index=True)
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(16), default="rule")  # rule / import
    # One open alert per (rule, place, window): the rule engine's dedupe key.
    key: Mapped[str | None] = mapped_column(String(128), unique=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime)
    acknowledged_by: Mapped[str | None] = mapped_column(String(64))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_by: Mapped[str | None] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class RiskAlertEvent(Base):
    """One step of a risk alert's timeline (raised, acknowledged, closed, noted)."""

    __tablename__ = "risk_alert_event"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("risk_alert.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    action: Mapped[str] = mapped_column(String(24))
    actor: Mapped[str] = mapped_column(String(64), default="")
    note: Mapped[str] = mapped_column(Text, default="")


# --------------------------------------------------------------------------- audit & feed


class AuditLog(Base):
    """Append-only record of who changed what (never updated or deleted)."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(48))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[int] = mapped_column(BigInteger)
    detail: Mapped[str] = mapped_column(Text, default="")
    center_id: Mapped[int | None] = mapped_column(Integer)
    before: Mapped[dict[str, object] | None] = mapped_column(JSON)
    after: Mapped[dict[str, object] | None] = mapped_column(JSON)
    # Tamper evidence (services.store.audit): the writing transaction, whose commit seals
    # its rows (AuditSeal), and sha256 over this row's canonical fields.
    # PostgreSQL fills txn itself (its xid); FetchedValue keeps the ORM from sending NULL.
    txn: Mapped[int | None] = mapped_column(BigInteger, server_default=FetchedValue())
    row_hash: Mapped[str | None] = mapped_column(String(64))
    __table_args__ = (
        Index("ix_audit_log_entity", "entity", "entity_id"),
        Index("ix_audit_log_txn", "txn", "id"),
    )


class AuditSeal(Base):
    """One committed transaction's audit rows, chained to the seal committed before it.

    `digest` is sha256 over the row hashes of the transaction's rows in id order; `hash` is
    sha256 over the previous seal's hash and this seal's fields. Written in the commit step
    (services.store.audit), in commit order; append-only like the log.
    """

    __tablename__ = "audit_seal"
    n: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    txn: Mapped[int] = mapped_column(BigInteger, unique=True)
    rows: Mapped[int] = mapped_column(Integer)
    first_id: Mapped[int] = mapped_column(BigInteger)
    last_id: Mapped[int] = mapped_column(BigInteger)
    digest: Mapped[str] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class ChangeRecord(Base):
    """One committed change, in commit order: the change feed every console follows.

    On PostgreSQL a row is inserted with a negative placeholder `seq` and numbered at its
    transaction's commit (FeedCommit); readers only ever see numbered rows.
    """

    __tablename__ = "change_log"
    seq: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[int] = mapped_column(BigInteger)
    op: Mapped[str] = mapped_column(String(8))  # insert / update / delete
    scope: Mapped[str] = mapped_column(String(16), default="")  # township adcode if known
    # Who wrote it (session.info["origin"]): a console recognises the echo of its own writes.
    origin: Mapped[str | None] = mapped_column(String(64))
    __table_args__ = {"sqlite_autoincrement": True}


class FeedCommit(Base):
    """PostgreSQL only: one marker row per writing transaction, removed at its commit.

    Its deferred constraint trigger is the commit step (migration 0010): it numbers the
    transaction's change rows (`seq`) and seals its audit rows under the feed lock, so the
    lock is held for that step only, not for the whole transaction.
    """

    __tablename__ = "feed_commit"
    txn: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)


class SchemaInfo(Base):
    """Key/value facts about the database (demo parameters, time zone)."""

    __tablename__ = "schema_info"
    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


# --------------------------------------------------------------------------- intake (#15)


class IncidentIntake(Base):
    """How a case came in through the intake service: who sent it, the sender's own id, and
    how its place was found (grid code, map point, or an address text matched against the
    register, with the match and its confidence for the accepting officer)."""

    __tablename__ = "incident_intake"
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"), primary_key=True)
    center_id: Mapped[int] = mapped_column(ForeignKey("command_center.id"))  # caller's scope
    source: Mapped[str] = mapped_column(String(24))  # the report channel
    external_id: Mapped[str | None] = mapped_column(String(64))
    caller: Mapped[str] = mapped_column(String(64))  # key:NAME or the account's login
    located_by: Mapped[str] = mapped_column(String(16))  # grid / point / address
    address_text: Mapped[str] = mapped_column(String(200), default="")
    match_status: Mapped[str | None] = mapped_column(String(16))
    match_code: Mapped[str | None] = mapped_column(String(16))
    match_names: Mapped[str] = mapped_column(String(160), default="")
    match_confidence: Mapped[float | None] = mapped_column(Float)
    match_reason: Mapped[str] = mapped_column(String(200), default="")
    received_at: Mapped[datetime] = mapped_column(DateTime)
    # Sending the same report twice returns the first case (NULL external ids never clash).
    __table_args__ = (UniqueConstraint("center_id", "source", "external_id"),)


class Attachment(Base):
    """A photo of a case: the file lives outside the database, named by its SHA-256."""

    __tablename__ = "attachment"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"), index=True)
    township_code: Mapped[str] = mapped_column(String(16))  # the change feed's scope
    sha256: Mapped[str] = mapped_column(String(64))
    media_type: Mapped[str] = mapped_column(String(32))
    size: Mapped[int] = mapped_column(Integer)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(128), default="")  # as sent, display only
    uploaded_at: Mapped[datetime] = mapped_column(DateTime)
    uploaded_by: Mapped[str] = mapped_column(String(64))
    __table_args__ = (UniqueConstraint("incident_id", "sha256"),)


class ApiKey(Base):
    """A key another system calls the intake service with: bound to a center (its region
    subtree) and to the channels it may file; only the token's SHA-256 is kept."""

    __tablename__ = "api_key"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16), unique=True)  # public part, for look-up
    token_hash: Mapped[str] = mapped_column(String(64))
    center_id: Mapped[int] = mapped_column(ForeignKey("command_center.id"))
    channels: Mapped[list[str]] = mapped_column(JSON, default=list)
    rate_per_s: Mapped[float] = mapped_column(Float, default=20.0)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(64), default="")
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Webhook (optional): changes pushed in order from `webhook_after`, with backoff.
    webhook_url: Mapped[str] = mapped_column(String(512), default="")
    webhook_after: Mapped[int] = mapped_column(BigInteger, default=0)
    webhook_failures: Mapped[int] = mapped_column(Integer, default=0)
    webhook_next_at: Mapped[datetime | None] = mapped_column(DateTime)
    webhook_last_error: Mapped[str] = mapped_column(Text, default="")
    webhook_delivered_at: Mapped[datetime | None] = mapped_column(DateTime)


class ApiSession(Base):
    """A signed-in account's session token for the intake service (hashed, expiring)."""

    __tablename__ = "api_session"
    id: Mapped[int] = mapped_column(primary_key=True)
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
