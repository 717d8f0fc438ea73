"""The queue as the service pages and counts it, a resolved case staying in 辖区全部 until
it is archived, and a hotline call the county takes: handled there or passed down to the
township, evaluated back at the county. On SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import Engine, func, or_, select
from sqlalchemy.orm import Session

from services import accounts, incidents
from services.incidents.cases import NewIncident, QueueFilter
from services.policies import Policies
from services.store import db, models

DEFAULTS = Policies.defaults()
COUNTY = "330106"


def _actor(engine: Engine, login: str) -> accounts.Actor:
    with Session(engine) as s:
        return accounts.actor_for(s, login)


def _cell(engine: Engine) -> models.GridCell:
    with Session(engine) as s:
        cell = s.scalars(select(models.GridCell).where(models.GridCell.county_code == COUNTY)
                         .order_by(models.GridCell.id)).first()  # fmt: skip
        assert cell is not None
        s.expunge(cell)
        return cell


def _act(factory, actor, iid: int, action: str, note: str = "", **params):  # type: ignore[no-untyped-def]
    with factory() as s:
        version = incidents.detail(s, actor, iid).row.version
    return incidents.perform(factory, actor, iid, version, action, note,
                             policy=DEFAULTS.incidents, **params)  # fmt: skip


def test_queue_page_counts_the_whole_queue(demo_engine: Engine) -> None:
    county = _actor(demo_engine, "330000.duty")  # the province: many more than a page
    i = models.Incident
    with Session(demo_engine) as s:
        expected = s.scalar(select(func.count()).select_from(i).where(
            i.province_code == "330000", or_(i.is_open, i.status == "resolved")))  # fmt: skip
        assert expected is not None and expected > 7
        first = incidents.queue_page(s, county, QueueFilter(scope="all", limit=5))
        second = incidents.queue_page(s, county, QueueFilter(scope="all", limit=5, offset=5))
        whole = incidents.queue(s, county, QueueFilter(scope="all", limit=10_000))
    assert first.total == second.total == expected == len(whole)
    assert len(first.rows) == len(second.rows) == 5
    assert [r.id for r in first.rows + second.rows] == [r.id for r in whole[:10]]


def test_a_resolved_case_stays_in_all_until_archived(demo_engine: Engine) -> None:
    factory = db.session_factory(demo_engine)
    cell = _cell(demo_engine)
    town = _actor(demo_engine, f"{cell.township_code}.duty")
    county = _actor(demo_engine, f"{COUNTY}.duty")
    iid = incidents.report_in(factory, _actor(demo_engine, f"{cell.township_code}.operator"),
                              NewIncident(category="city_management", description="路灯不亮",
                                          grid_id=cell.id), policy=DEFAULTS.incidents)  # fmt: skip
    _act(factory, town, iid, "accept")
    _act(factory, town, iid, "resolve", "已更换灯泡")

    def listed(**kw: object) -> bool:
        with factory() as s:
            flt = QueueFilter(scope="all", limit=10_000, **kw)  # type: ignore[arg-type]
            return iid in [r.id for r in incidents.queue(s, county, flt)]

    assert listed() and listed(statuses=("resolved",))
    _act(factory, county, iid, "close", evaluation="satisfied")
    assert not listed()
    assert listed(statuses=("closed",))  # the archive, when asked for


def test_the_county_takes_a_call_and_handles_it_or_passes_it_down(demo_engine: Engine) -> None:
    factory = db.session_factory(demo_engine)
    cell = _cell(demo_engine)
    operator = _actor(demo_engine, f"{COUNTY}.operator")
    county = _actor(demo_engine, f"{COUNTY}.duty")
    town = _actor(demo_engine, f"{cell.township_code}.duty")
    call = NewIncident(category="dispute", description="邻里噪音纠纷", grid_id=cell.id)

    # Handled at the county itself: accept, then resolve it there.
    own = incidents.take_call_in(factory, operator, call, DEFAULTS.incidents)
    with factory() as s:
        d = incidents.detail(s, county, own)
        assert d.row.handling_center_id == county.center_id
        assert "accept" in d.allowed and "supervise" not in d.allowed
        assert incidents.detail(s, town, own).allowed == ()
    after = _act(factory, county, own, "accept", "县中心直接受理")
    assert {"route", "resolve", "start"} <= set(after.allowed)
    assert _act(factory, county, own, "resolve", "已电话调解").row.status == "resolved"

    # Passed down: routed to the township's center, pressed, resolved there, evaluated above.
    iid = incidents.take_call_in(factory, operator, call, DEFAULTS.incidents)
    with factory() as s:
        queue = incidents.queue(s, county, QueueFilter(scope="action", limit=10_000))
        assert iid in [r.id for r in queue]
        targets = incidents.route_targets(s, county)
    assert town.center_id in [t.id for t in targets if t.kind == "center"]
    _act(factory, county, iid, "accept")
    routed = _act(factory, county, iid, "route", "请属地处置", target_kind="center",
                  target_id=town.center_id)  # fmt: skip
    assert routed.row.handling_center_id == town.center_id
    assert routed.allowed == ("supervise",)
    with factory() as s:
        assert "start" in incidents.detail(s, town, iid).allowed
    _act(factory, town, iid, "start")
    _act(factory, town, iid, "resolve", "双方已和解")
    with factory() as s:
        assert "close" in incidents.detail(s, county, iid).allowed
    closed = _act(factory, county, iid, "close", evaluation="satisfied")
    assert closed.row.status == "closed" and closed.evaluation == "satisfied"

    # A report from elsewhere still lands at its township.
    other = incidents.report_in(factory, operator, call, policy=DEFAULTS.incidents)
    with factory() as s:
        assert incidents.detail(s, town, other).row.handling_center_id == town.center_id
