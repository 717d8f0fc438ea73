"""The video wall of a center (视频监控 / 雪亮工程): layouts, slots, cameras, stream URLs.

A slot is a record (layout, index, source, pinned, label) kept apart from any player, one
set per layout and center, so switching layouts and restarting the console restore what
each layout showed. Every write is audited. Reads and writes return frozen values.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from services.accounts import Actor
from services.errors import InvalidInput, NotAllowed, NotFound
from services.store import audit, models
from services.video import sources

LAYOUTS: tuple[int, ...] = (1, 4, 6, 9, 16)
DEFAULT_LAYOUT = 4
SUB_STREAM_FROM = 9  # at this many slots and more, cameras play their sub-stream
SOURCE_KINDS = ("camera", "center", "department", "url")
EARTH_RADIUS_M = 6_371_000.0


# --------------------------------------------------------------------------- geometry


@dataclass(frozen=True)
class SlotCell:
    """Where slot `index` sits in its layout's grid (row, column and spans)."""

    index: int
    row: int
    col: int
    row_span: int = 1
    col_span: int = 1


def layout_cells(layout: int) -> tuple[int, tuple[SlotCell, ...]]:
    """The grid size (n × n) and the cells of a layout; 6 is one large and five small."""
    if layout not in LAYOUTS:
        raise InvalidInput(f"layout must be one of {LAYOUTS}", code="layout", layout=layout)
    if layout == 6:
        cells = [SlotCell(0, 0, 0, 2, 2)]
        cells += [SlotCell(1, 0, 2), SlotCell(2, 1, 2)]
        cells += [SlotCell(3 + c, 2, c) for c in range(3)]
        return 3, tuple(cells)
    side = math.isqrt(layout)
    return side, tuple(SlotCell(i, i // side, i % side) for i in range(layout))


def uses_sub_stream(layout: int) -> bool:
    return layout >= SUB_STREAM_FROM


# --------------------------------------------------------------------------- values


@dataclass(frozen=True)
class Source:
    """What a slot shows: a camera, a center's or department's room, or a plain URL."""

    kind: str
    source_id: int | None
    label: str
    stream_url: str
    sub_stream_url: str = ""

    def url_for(self, layout: int) -> str:
        """The stream to play in a layout of this size (sub-stream at 9 slots and more)."""
        if self.kind == "camera" and uses_sub_stream(layout) and self.sub_stream_url:
            return self.sub_stream_url
        return self.stream_url


@dataclass(frozen=True)
class Slot:
    """One slot of a layout; `source` None is an empty slot (无信号)."""

    layout: int
    index: int
    source: Source | None = None
    pinned: bool = False

    @property
    def empty(self) -> bool:
        return self.source is None

    @property
    def label(self) -> str:
        return self.source.label if self.source else ""

    def play_url(self, folder: Path | None = None) -> str:
        """The resolved URL a player opens ("" for an empty slot)."""
        if self.source is None:
            return ""
        return sources.resolve(self.source.url_for(self.layout), folder)


@dataclass(frozen=True)
class VideoWallState:
    """A center's video panel: its layout, active slot and the slots of that layout."""

    center_id: int
    layout: int
    active_index: int
    slots: tuple[Slot, ...]

    def slot(self, index: int) -> Slot:
        return self.slots[index]

    def free_indices(self) -> list[int]:
        return [s.index for s in self.slots if s.empty and not s.pinned]


@dataclass(frozen=True)
class CameraInfo:
    """A camera as the panel lists it; `distance_m` is set by `nearest_cameras`."""

    id: int
    name: str
    lon: float
    lat: float
    online: bool
    stream_url: str
    sub_stream_url: str
    distance_m: float | None = None

    def source(self) -> Source:
        return Source("camera", self.id, self.name, self.stream_url, self.sub_stream_url)


# --------------------------------------------------------------------------- helpers


def _center_id(actor: Actor) -> int:
    if actor.center_id is None:
        raise NotAllowed(f"account {actor.login} belongs to no center", code="no_center")
    return actor.center_id


def _wall_row(session: Session, center_id: int) -> models.VideoWall:
    wall = session.get(models.VideoWall, center_id)
    if wall is None:
        wall = models.VideoWall(
            center_id=center_id, layout=DEFAULT_LAYOUT, active_index=0, updated_at=models.utcnow()
        )
        session.add(wall)
        session.flush()
    return wall


def _camera_rows_query(actor: Actor) -> Select[models.Camera]:
    """Cameras inside the actor's subtree (by the county, or the grid's township)."""
    cam, g, r = models.Camera, models.GridCell, models.Region
    stmt = select(cam).outerjoin(g, g.id == cam.grid_id)
    if actor.region_level == "township":
        return stmt.where(g.township_code == actor.region_code)
    if actor.region_level == "county":
        return stmt.where(cam.county_code == actor.region_code)
    counties = select(r.adcode).where(r.level == "county", r.path.startswith(actor.region_path))
    return stmt.where(cam.county_code.in_(counties))


def _camera_info(row: models.Camera, distance: float | None = None) -> CameraInfo:
    return CameraInfo(row.id, row.name, row.lon, row.lat, bool(row.online), row.stream_url,
                      row.sub_stream_url, distance)  # fmt: skip


def _sources(session: Session, rows: Sequence[models.VideoSlot]) -> dict[int, Source | None]:
    """Each slot row's current source, reading the camera's or room's present URLs."""
    by_kind: dict[str, set[int]] = {}
    for row in rows:
        if row.source_kind and row.source_id is not None:
            by_kind.setdefault(row.source_kind, set()).add(row.source_id)
    cams = {
        c.id: c
        for c in session.scalars(
            select(models.Camera).where(models.Camera.id.in_(by_kind.get("camera", set())))
        )
    }
    centers = {
        c.id: c
        for c in session.scalars(
            select(models.CommandCenter).where(
                models.CommandCenter.id.in_(by_kind.get("center", set()))
            )
        )
    }
    depts = {
        d.id: d
        for d in session.scalars(
            select(models.Department).where(
                models.Department.id.in_(by_kind.get("department", set()))
            )
        )
    }
    out: dict[int, Source | None] = {}
    for row in rows:
        source: Source | None = None
        sid = row.source_id
        if row.source_kind == "camera" and sid in cams:
            c = cams[sid]
            source = Source("camera", c.id, row.label or c.name, c.stream_url, c.sub_stream_url)
        elif row.source_kind == "center" and sid in centers:
            source = Source("center", sid, row.label or centers[sid].name,
                            centers[sid].room_stream_url or row.url)  # fmt: skip
        elif row.source_kind == "department" and sid in depts:
            source = Source("department", sid, row.label or depts[sid].name,
                            depts[sid].room_stream_url or row.url)  # fmt: skip
        elif row.url:
            source = Source(row.source_kind or "url", sid, row.label or row.url, row.url)
        out[row.idx] = source
    return out


def _read_state(session: Session, center_id: int, wall: models.VideoWall) -> VideoWallState:
    rows = list(
        session.scalars(
            select(models.VideoSlot).where(
                models.VideoSlot.center_id == center_id, models.VideoSlot.layout == wall.layout
            )
        )
    )
    sources = _sources(session, rows)
    pinned = {r.idx: bool(r.pinned) for r in rows}
    slots = tuple(
        Slot(wall.layout, i, sources.get(i), pinned.get(i, False)) for i in range(wall.layout)
    )
    active = wall.active_index if 0 <= wall.active_index < wall.layout else 0
    return VideoWallState(center_id, wall.layout, active, slots)


def _slot_row(session: Session, center_id: int, layout: int, index: int) -> models.VideoSlot:
    row = session.scalar(
        select(models.VideoSlot).where(
            models.VideoSlot.center_id == center_id,
            models.VideoSlot.layout == layout,
            models.VideoSlot.idx == index,
        )
    )
    if row is None:
        row = models.VideoSlot(center_id=center_id, layout=layout, idx=index, source_kind="",
                               source_id=None, url="", pinned=False, label="")  # fmt: skip
        session.add(row)
        session.flush()
    return row


SLOT_FIELDS = ("layout", "idx", "source_kind", "source_id", "url", "pinned", "label")


def _write_slot(
    session: Session, actor: Actor, center_id: int, layout: int, index: int,
    source: Source | None, pinned: bool | None = None,
) -> None:  # fmt: skip
    row = _slot_row(session, center_id, layout, index)
    before = audit.snapshot(row, SLOT_FIELDS)
    row.source_kind = source.kind if source else ""
    row.source_id = source.source_id if source else None
    row.url = source.stream_url if source else ""
    row.label = source.label[:64] if source else ""
    if pinned is not None:
        row.pinned = pinned
    elif source is None:
        row.pinned = False
    after = audit.snapshot(row, SLOT_FIELDS)
    if before != after:
        # Every change to a center's panel touches its wall row, so other consoles of the
        # center see one "video_wall" change (entity id: the center) on the feed.
        _wall_row(session, center_id).updated_at = models.utcnow()
        audit.record(session, actor, "video.slot", "video_slot", row.id,
                     before=before, after=after, detail=row.label)  # fmt: skip


def _index_ok(layout: int, index: int) -> None:
    if not 0 <= index < layout:
        raise InvalidInput(f"slot {index} is not in layout {layout}", code="slot", index=index)


# --------------------------------------------------------------------------- reads


def load_wall(session: Session, actor: Actor) -> VideoWallState:
    """The actor's center's video panel as last saved (layout 4, empty, the first time)."""
    center_id = _center_id(actor)
    wall = session.get(models.VideoWall, center_id) or models.VideoWall(
        center_id=center_id, layout=DEFAULT_LAYOUT, active_index=0, updated_at=models.utcnow()
    )  # a transient default: reading never writes
    return _read_state(session, center_id, wall)


def list_cameras(
    session: Session, actor: Actor, search: str = "", limit: int = 300
) -> list[CameraInfo]:
    """Cameras of the actor's subtree, by name (online first)."""
    stmt = _camera_rows_query(actor)
    if search.strip():
        stmt = stmt.where(models.Camera.name.contains(search.strip()))
    stmt = stmt.order_by(models.Camera.online.desc(), models.Camera.name).limit(limit)
    return [_camera_info(c) for c in session.scalars(stmt)]


def camera(session: Session, actor: Actor, camera_id: int) -> CameraInfo:
    """One camera, refused if it is outside the actor's subtree."""
    row = session.scalar(_camera_rows_query(actor).where(models.Camera.id == camera_id))
    if row is None:
        if session.get(models.Camera, camera_id) is None:
            raise NotFound(f"no camera {camera_id}", code="no_camera", camera_id=camera_id)
        raise NotAllowed(f"camera {camera_id} is outside {actor.region_code}", code="subtree")
    return _camera_info(row)


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def nearest_cameras(
    session: Session, actor: Actor, lon: float, lat: float, count: int = 8,
    radius_m: float = 20_000.0, online_only: bool = True,
) -> list[CameraInfo]:  # fmt: skip
    """The `count` cameras of the actor's subtree nearest to a point, nearest first.

    A bounding box on lon/lat narrows the read (both databases use plain columns); the
    exact distance orders the rest.
    """
    if count <= 0:
        return []
    dlat = radius_m / 111_320.0
    dlon = radius_m / (111_320.0 * max(0.01, math.cos(math.radians(lat))))
    cam = models.Camera
    stmt = _camera_rows_query(actor).where(
        cam.lon.between(lon - dlon, lon + dlon), cam.lat.between(lat - dlat, lat + dlat)
    )
    if online_only:
        stmt = stmt.where(cam.online.is_(True))
    found = [(distance_m(lon, lat, c.lon, c.lat), c) for c in session.scalars(stmt)]
    found = [(d, c) for d, c in found if d <= radius_m]
    found.sort(key=lambda dc: (dc[0], dc[1].id))
    return [_camera_info(c, round(d, 1)) for d, c in found[:count]]


# --------------------------------------------------------------------------- writes


def choose_layout(session: Session, actor: Actor, layout: int) -> VideoWallState:
    """Switch the panel to a layout; that layout's saved slots come back."""
    actor.require("video")
    layout_cells(layout)
    center_id = _center_id(actor)
    wall = _wall_row(session, center_id)
    before = audit.snapshot(wall, ("layout", "active_index"))
    wall.layout = layout
    if wall.active_index >= layout:
        wall.active_index = 0
    wall.updated_at = models.utcnow()
    audit.record(session, actor, "video.layout", "video_wall", center_id,
                 before=before, after=audit.snapshot(wall, ("layout", "active_index")))  # fmt: skip
    return _read_state(session, center_id, wall)


def set_active(session: Session, actor: Actor, index: int) -> VideoWallState:
    """Highlight a slot: the next chosen camera plays there."""
    actor.require("video")
    center_id = _center_id(actor)
    wall = _wall_row(session, center_id)
    _index_ok(wall.layout, index)
    if wall.active_index != index:
        before = {"active_index": wall.active_index}
        wall.active_index = index
        wall.updated_at = models.utcnow()
        audit.record(session, actor, "video.active", "video_wall", center_id,
                     before=before, after={"active_index": index})  # fmt: skip
    return _read_state(session, center_id, wall)


def _target_index(state: VideoWallState, index: int | None) -> int:
    """The slot a new source goes to: the one asked for, else the active one, else a free one.

    A pinned slot keeps its source: the source goes to the first free slot instead, then to
    the first slot that is not pinned.
    """
    if index is not None:
        _index_ok(state.layout, index)
        return index
    if not state.slots[state.active_index].pinned:
        return state.active_index
    free = state.free_indices()
    if free:
        return free[0]
    unpinned = [s.index for s in state.slots if not s.pinned]
    if not unpinned:
        raise InvalidInput("every slot is pinned", code="all_pinned")
    return unpinned[0]


def _checked_source(session: Session, actor: Actor, source: Source) -> Source:
    """The source as the database has it: a camera must lie in the actor's subtree (the
    check `camera()` makes) and plays its stored streams, whatever URLs the caller sent."""
    if source.kind not in SOURCE_KINDS:
        raise InvalidInput(f"unknown source kind {source.kind!r}", code="source_kind")
    if source.kind != "camera":
        return source
    if source.source_id is None:
        raise InvalidInput("a camera source needs its camera id", code="no_camera")
    stored = camera(session, actor, source.source_id).source()
    return replace(stored, label=source.label or stored.label)


def assign(
    session: Session, actor: Actor, source: Source, index: int | None = None
) -> VideoWallState:
    """Play a source in a slot of the current layout (default: the active slot)."""
    actor.require("video")
    source = _checked_source(session, actor, source)
    center_id = _center_id(actor)
    wall = _wall_row(session, center_id)
    state = _read_state(session, center_id, wall)
    target = _target_index(state, index)
    _write_slot(session, actor, center_id, wall.layout, target, source)
    wall.active_index = target
    wall.updated_at = models.utcnow()
    return _read_state(session, center_id, wall)


def show_camera(
    session: Session, actor: Actor, camera_id: int, index: int | None = None
) -> VideoWallState:
    """Play a camera of the actor's subtree in the active (or given) slot."""
    return assign(session, actor, camera(session, actor, camera_id).source(), index)


def show_layout(
    session: Session, actor: Actor, layout: int, camera_ids: Sequence[int]
) -> VideoWallState:
    """A plan's video layout in one transaction: the layout, then its cameras in the slots
    from the first (as many as it has slots), the first slot active. One write, so no
    camera of the plan is lost between separate steps."""
    choose_layout(session, actor, layout)
    for index, camera_id in enumerate(camera_ids[:layout]):
        show_camera(session, actor, camera_id, index)
    return set_active(session, actor, 0)


def clear(session: Session, actor: Actor, index: int) -> VideoWallState:
    """Empty a slot (无信号) and unpin it."""
    actor.require("video")
    center_id = _center_id(actor)
    wall = _wall_row(session, center_id)
    _index_ok(wall.layout, index)
    _write_slot(session, actor, center_id, wall.layout, index, None, pinned=False)
    return _read_state(session, center_id, wall)


def set_pinned(session: Session, actor: Actor, index: int, pinned: bool) -> VideoWallState:
    """Pin a slot: filling and conferences leave it alone."""
    actor.require("video")
    center_id = _center_id(actor)
    wall = _wall_row(session, center_id)
    _index_ok(wall.layout, index)
    state = _read_state(session, center_id, wall)
    _write_slot(session, actor, center_id, wall.layout, index, state.slots[index].source, pinned)
    return _read_state(session, center_id, wall)


def fill_free(
    session: Session, actor: Actor, sources: Sequence[Source], pin: bool = False
) -> VideoWallState:
    """Put sources into the free slots, in order; sources already shown are skipped."""
    actor.require("video")
    center_id = _center_id(actor)
    wall = _wall_row(session, center_id)
    state = _read_state(session, center_id, wall)
    shown = {(s.source.kind, s.source.source_id) for s in state.slots if s.source}
    checked = [_checked_source(session, actor, s) for s in sources]
    todo = [s for s in checked if (s.kind, s.source_id) not in shown]
    for index, source in zip(state.free_indices(), todo, strict=False):
        _write_slot(session, actor, center_id, wall.layout, index, source, pinned=pin or None)
    wall.updated_at = models.utcnow()
    return _read_state(session, center_id, wall)


def smallest_layout(needed: int) -> int:
    """The smallest layout with at least `needed` slots (16 at most)."""
    for layout in LAYOUTS:
        if layout >= needed:
            return layout
    return LAYOUTS[-1]


def seat_rooms(
    session: Session, actor: Actor, rooms: Sequence[Source]
) -> tuple[VideoWallState, list[int | None]]:
    """Give each conference room a slot, keeping the scene (every source shown) in place.

    Rooms take the free slots of the current layout. Only when those are too few does
    the panel grow to the smallest layout that holds the scene and the rooms; the scene
    moves along first, in its order and with its pins (the layout it left keeps its own
    saved slots, so `unseat_rooms` can bring it back as it was). Rooms are pinned for the
    meeting. Returns the new state and each room's slot index (None: no slot left; the
    conference window shows that room itself).
    """
    actor.require("video")
    center_id = _center_id(actor)
    wall = _wall_row(session, center_id)
    current = _read_state(session, center_id, wall)
    targets = current.free_indices()
    if len(targets) < len(rooms):
        scene = [sl for sl in current.slots if sl.source is not None or sl.pinned]
        layout = smallest_layout(len(scene) + len(rooms))
        if layout > wall.layout:
            choose_layout(session, actor, layout)
            for index in range(layout):  # the grown layout starts from the scene only
                kept = scene[index] if index < len(scene) else None
                _write_slot(session, actor, center_id, layout, index,
                            kept.source if kept else None,
                            pinned=kept.pinned if kept else False)  # fmt: skip
            targets = list(range(len(scene), layout))
    placed: list[int | None] = []
    for k, room in enumerate(rooms):
        if k < len(targets):
            _write_slot(session, actor, center_id, wall.layout, targets[k], room, pinned=True)
            placed.append(targets[k])
        else:
            placed.append(None)
    return _read_state(session, center_id, wall), placed


def unseat_rooms(
    session: Session, actor: Actor, seated: Sequence[tuple[int, Source]],
    layout_before: int | None,
) -> VideoWallState:  # fmt: skip
    """After a conference: empty the slots its rooms took (where they still show that
    room) and switch back to the layout shown before it (`layout_before`)."""
    actor.require("video")
    center_id = _center_id(actor)
    wall = _wall_row(session, center_id)
    state = _read_state(session, center_id, wall)
    for index, room in seated:
        if index >= state.layout:
            continue
        shown = state.slots[index].source
        if shown is not None and (shown.kind, shown.source_id) == (room.kind, room.source_id):
            _write_slot(session, actor, center_id, wall.layout, index, None, pinned=False)
    if layout_before is not None and layout_before in LAYOUTS and wall.layout != layout_before:
        choose_layout(session, actor, layout_before)
    return _read_state(session, center_id, wall)


def with_source(state: VideoWallState, index: int, source: Source | None) -> VideoWallState:
    """A copy of the state with one slot's source replaced (for optimistic views)."""
    slots = list(state.slots)
    slots[index] = replace(slots[index], source=source)
    return replace(state, slots=tuple(slots))
