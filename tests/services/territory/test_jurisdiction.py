"""A console's root bounds every read the wall makes: its own subtree is read, its city,
a sibling county and a township of a sibling county are refused (issue 14)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine, text

from services import dispatch, risk
from services import wall as wall_queries
from services.errors import Refused
from services.handover.policy import HandoverPolicy
from services.risk import safety_index
from services.store import models
from services.territory import jurisdiction

HANDOVER = HandoverPolicy()

COUNTY, CITY = "330106", "330100"  # 西湖区 in 杭州市


def test_the_rule_reads_the_region_path_not_the_shape_of_the_code() -> None:
    path = "/330000/330100/330106/330106010/"
    jurisdiction.within("330106", "330106010", path)
    jurisdiction.within("330106010", "330106010", path)
    jurisdiction.within(None, "330106010", path)  # unbounded
    with pytest.raises(Refused) as exc:
        jurisdiction.within("330106", "330100", "/330000/330100/")
    assert exc.value.code == "outside_jurisdiction"
    assert exc.value.params == {"root": "330106", "asked": "330100"}
    with pytest.raises(Refused):
        jurisdiction.within("330106", "330109001", "/330000/330100/330109/330109001/")
    # a prefix is not a parent: 3301061 is not below 330106 unless its path says so
    with pytest.raises(Refused):
        jurisdiction.within("330106", "3301061", "/330000/330100/3301061/")


def _codes(engine: Engine) -> dict[str, Any]:
    with engine.connect() as conn:
        own_towns = [r[0] for r in conn.execute(text(
            "SELECT adcode FROM region WHERE level = 'township' AND adcode LIKE :p ORDER BY adcode"
        ), {"p": COUNTY + "%"})]  # fmt: skip
        sibling = conn.execute(text(
            "SELECT c.adcode FROM region c JOIN region p ON p.id = c.parent_id "
            "WHERE p.adcode = :city AND c.adcode <> :county AND c.level = 'county' "
            "AND EXISTS (SELECT 1 FROM region t WHERE t.parent_id = c.id) ORDER BY c.adcode"
        ), {"city": CITY, "county": COUNTY}).scalars().first()  # fmt: skip
        sibling_town = conn.execute(text(
            "SELECT t.adcode FROM region t JOIN region c ON c.id = t.parent_id "
            "WHERE c.adcode = :c ORDER BY t.adcode"
        ), {"c": sibling}).scalars().first()  # fmt: skip
        own_cell = conn.execute(text(
            "SELECT id FROM grid_cell WHERE county_code = :c ORDER BY id"), {"c": COUNTY}
        ).scalars().first()  # fmt: skip
        other_cell = conn.execute(text(
            "SELECT id FROM grid_cell WHERE county_code <> :c ORDER BY id"), {"c": COUNTY}
        ).scalars().first()  # fmt: skip
    assert own_towns and sibling and sibling_town and own_cell and other_cell
    return {"towns": own_towns, "sibling": sibling, "sibling_town": sibling_town,
            "own_cell": own_cell, "other_cell": other_cell}  # fmt: skip


def _reads(engine: Engine) -> dict[str, Callable[[str], object]]:
    """Every region read the wall makes, bounded by the county console's root."""
    month = safety_index.month_of(models.utcnow())
    return {
        "wall_snapshot": lambda c: wall_queries.wall_snapshot(engine, c, within=COUNTY),
        "cell_counts": lambda c: wall_queries.cell_metric(engine, c, "open", within=COUNTY),
        "cell_counts_today": lambda c: wall_queries.cell_metric(
            engine, c, "reported_today", within=COUNTY
        ),
        "territory": lambda c: wall_queries.territory(engine, c, within=COUNTY),
        "markers": lambda c: wall_queries.map_points(engine, c, within=COUNTY),
        "units_and_routes": lambda c: dispatch.map_layer(engine, c, within=COUNTY),
        "alert_markers": lambda c: risk.alert_points(engine, c, within=COUNTY),
        "alert_list": lambda c: risk.open_alerts(engine, c, within=COUNTY, params=risk.RiskParams()),
        "index_ranking": lambda c: safety_index.ranking(engine, c, month, within=COUNTY),
    }


@pytest.mark.parametrize("demo_url", ["sqlite", "postgresql"], indirect=True)
def test_a_county_root_refuses_its_city_its_siblings_and_their_townships(demo_engine: Engine) -> None:
    codes = _codes(demo_engine)
    for name, read in _reads(demo_engine).items():
        for asked in (CITY, "330000", codes["sibling"], codes["sibling_town"]):
            with pytest.raises(Refused) as exc:
                read(asked)
            assert exc.value.code == "outside_jurisdiction", (name, asked)
        read(COUNTY)  # its own region
        for town in codes["towns"][:2]:  # and its own townships
            read(town)


@pytest.mark.parametrize("demo_url", ["sqlite"], indirect=True)
def test_a_township_root_refuses_its_county_and_a_neighbouring_township(demo_engine: Engine) -> None:
    town, neighbour = _codes(demo_engine)["towns"][:2]
    with pytest.raises(Refused):
        wall_queries.wall_snapshot(demo_engine, COUNTY, within=town)
    with pytest.raises(Refused):
        wall_queries.map_points(demo_engine, neighbour, within=town)
    snap = wall_queries.wall_snapshot(demo_engine, town, within=town)
    assert [code for code, _ in snap.breadcrumb] == [town]  # never above its root


@pytest.mark.parametrize("demo_url", ["sqlite"], indirect=True)
def test_a_cell_card_outside_the_root_is_refused(demo_engine: Engine) -> None:
    codes = _codes(demo_engine)
    detail = wall_queries.cell_detail(demo_engine, codes["own_cell"], within=COUNTY)
    assert detail.cell_id == codes["own_cell"]
    with pytest.raises(Refused) as exc:
        wall_queries.cell_detail(demo_engine, codes["other_cell"], within=COUNTY)
    assert exc.value.code == "outside_jurisdiction"


@pytest.mark.parametrize("demo_url", ["sqlite"], indirect=True)
def test_the_county_snapshot_breadcrumb_starts_at_the_root(demo_engine: Engine) -> None:
    town = _codes(demo_engine)["towns"][0]
    snap = wall_queries.wall_snapshot(demo_engine, town, within=COUNTY)
    assert [code for code, _ in snap.breadcrumb] == [COUNTY, town]


@pytest.mark.parametrize("demo_url", ["sqlite"], indirect=True)
def test_the_handover_page_reads_only_its_own_centers_shifts(demo_engine: Engine) -> None:
    from sqlalchemy.orm import Session

    from services import accounts
    from services.handover import page as shift_pages
    from services.handover.review import center_of_code

    now = models.utcnow()
    with Session(demo_engine) as s:
        viewer = accounts.viewer_for_region(s, COUNTY)
        center = center_of_code(s, COUNTY)
        own, other = (
            s.execute(text(
                "SELECT id FROM shift WHERE center_id " + op + " :c AND ends_at <= :n "
                "ORDER BY ends_at DESC LIMIT 1"
            ), {"c": center, "n": now}).scalar_one()
            for op in ("=", "<>")
        )  # fmt: skip
        got = shift_pages.shift_page(s, viewer, center, own, now, "Asia/Shanghai", HANDOVER)
        assert got is not None and got.shift.id == own
        assert shift_pages.load_replay(s, center, own, "Asia/Shanghai") is not None
        for read in (
            lambda: shift_pages.shift_page(s, viewer, center, other, now, "Asia/Shanghai", HANDOVER),
            lambda: shift_pages.load_replay(s, center, other, "Asia/Shanghai"),
        ):
            with pytest.raises(Refused) as exc:
                read()
            assert exc.value.code == "outside_jurisdiction"


@pytest.mark.parametrize("demo_url", ["sqlite"], indirect=True)
def test_the_incident_queue_and_a_case_stay_inside_the_accounts_subtree(demo_engine: Engine) -> None:
    """Queues are read as an account (the console's viewer, or who signed in), bounded by
    its region: the county's 辖区全部 holds its own cases only; a neighbour's is refused."""
    from sqlalchemy.orm import Session

    from services import accounts, incidents

    sibling = _codes(demo_engine)["sibling"]
    with Session(demo_engine) as s:
        viewer = accounts.viewer_for_region(s, COUNTY)
        rows = incidents.queue(s, viewer, incidents.QueueFilter(scope="all", limit=5000))
        assert rows and all(r.township_code.startswith(COUNTY) for r in rows)
        other = s.execute(text(
            "SELECT id FROM incident WHERE county_code = :c ORDER BY id LIMIT 1"), {"c": sibling}
        ).scalar_one()  # fmt: skip
        with pytest.raises(Refused) as exc:
            incidents.detail(s, viewer, other)
        assert exc.value.code == "outside"
