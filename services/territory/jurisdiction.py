"""Jurisdiction: a console (and the account acting at it) sees its center's region and
everything below it, never a parent or a sibling.

One rule, used by every read that takes a region code from a view (the wall snapshot, the
map's cells and markers, the risk alerts, the index ranking): the region asked for must be
the root itself or lie in its subtree. A region's `path` lists the codes from the top of
the register down to itself ("/330000/330100/330106/330106010/"), so the rule is a look at
that path, not at the shape of the code (codes of merged or province-managed regions do
not nest by prefix).

`root_code=None` means unbounded: command-line tools and tests that read any region.
"""

from __future__ import annotations

from sqlalchemy import Connection, select

from services.errors import NotAllowed, NotFound
from services.store import models


class OutsideJurisdiction(NotAllowed):
    """A read asked for a region above or beside the console's root."""

    code = "outside_jurisdiction"


def path_codes(path: str) -> tuple[str, ...]:
    """The codes of a region path, top first ("/33/3301/" → ("33", "3301"))."""
    return tuple(c for c in path.strip("/").split("/") if c)


def contains(root_code: str | None, asked_path: str) -> bool:
    """Is the region with path `asked_path` the root or below it? (None: no bound.)"""
    return root_code is None or root_code in path_codes(asked_path)


def within(root_code: str | None, asked_code: str, asked_path: str) -> None:
    """Refuse (OutsideJurisdiction, a `services.errors.Refused`) a read of region
    `asked_code`, whose path is `asked_path`, unless it is `root_code` or lies below it."""
    if not contains(root_code, asked_path):
        raise OutsideJurisdiction(
            f"region {asked_code} is outside the jurisdiction of {root_code}",
            root=root_code,
            asked=asked_code,
        )


def region_path(conn: Connection, adcode: str) -> str:
    """The path of the region with this code (NotFound when there is none)."""
    r = models.Region
    path = conn.execute(select(r.path).where(r.adcode == adcode)).scalar()
    if path is None:
        raise NotFound(f"no region {adcode}", code="no_region", adcode=adcode)
    return str(path)


def require_within(conn: Connection, root_code: str | None, asked_code: str) -> None:
    """`within` for a bare code: looks its path up first (nothing to read when unbounded)."""
    if root_code is None or asked_code == root_code:
        return
    within(root_code, asked_code, region_path(conn, asked_code))


def cell_within(conn: Connection, root_code: str | None, cell_id: int) -> None:
    """Refuse a read of grid cell `cell_id` unless it lies in the root's subtree (a cell
    carries the codes of every level above it)."""
    if root_code is None:
        return
    g = models.GridCell
    row = conn.execute(
        select(g.province_code, g.city_code, g.county_code, g.township_code, g.community_code)
        .where(g.id == cell_id)
    ).first()  # fmt: skip
    if row is None:
        raise NotFound(f"no grid cell {cell_id}", code="no_cell", id=cell_id)
    if root_code not in tuple(row):
        raise OutsideJurisdiction(
            f"grid cell {cell_id} is outside the jurisdiction of {root_code}",
            root=root_code,
            asked=str(cell_id),
        )
