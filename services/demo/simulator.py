"""`console.py simulate`: realistic live traffic written into any console database.

Each event is one short transaction through the ORM, so it lands in the change feed like any
other writer's. Kinds: grid-worker reports, hotline calls, app reports, video and sensor
alerts, status progressions of open incidents, linkage-unit movements.
`scenario="surge"`: the seeds' G20 case: visitors at a scenic spot built for ~10,000 a day
ramp to twice that, and reports cluster in and around its grid cell.
Every `rules_every` events the risk rules run (services.risk), as a console would, so the
surge raises its alerts (red at the scenic spot) while the traffic flows; 0 turns this off.
Every `field_every` events dispatched linkage units report their next step as the field
would (services.demo.field.simulate_field: acknowledge, travel, arrive, clear, return home).
When the database goes away, `run(..., say=...)` says so in one line, backs off and writes
again once it is back (services.store.outage); an event counts once it has committed.
"""

from __future__ import annotations

import itertools
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Engine, select
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from services import risk
from services.demo import field, traffic
from services.policies import Policies
from services.store import models, outage
from services.store.db import session_factory, transaction

NEXT_ACTION = {
    "reported": "accept",
    "accepted": "route",
    "routed": "start",
    "in_progress": "resolve",
    "resolved": "close",
}


@dataclass(frozen=True)
class _Grid:
    id: int
    province: str
    city: str
    county: str
    township: str
    lon: float
    lat: float
    community: str = ""
    population: int = 1


class Simulator:
    """Writes one event per `step()`; `run()` paces steps at a rate."""

    def __init__(
        self,
        engine: Engine,
        *,
        seed: int | None = None,
        policies: Policies | None = None,
        scenario: str = "normal",
        surge_seconds: float = 600.0,
        rules_every: int = 100,
        field_every: int = 10,
    ) -> None:
        self.engine = engine
        # The simulator stands in for the outside world; it writes under the deployment's
        # rules (`console.py simulate` passes the configured ones) or the documented defaults.
        self.policies = policies or Policies.defaults()
        self.factory = session_factory(engine)
        self.rng = random.Random(seed)
        self.scenario = scenario
        self.surge_seconds = surge_seconds
        self.rules_every = rules_every
        self.field_every = field_every
        self.alerts_raised: list[int] = []
        self.written = 0
        self.kinds: Counter[str] = Counter()  # committed events by kind ("report", ...)
        self.retries = 0  # events given up on a busy or lost database (and tried again)
        self.last_error = ""
        self.started = time.monotonic()
        with engine.connect() as conn:
            g = models.GridCell
            self.grids = [
                _Grid(r.id, r.province_code, r.city_code, r.county_code, r.township_code, r.lon,
                      r.lat, r.community_code, max(1, r.population))
                for r in conn.execute(
                    select(g.id, g.province_code, g.city_code, g.county_code, g.township_code,
                           g.lon, g.lat, g.community_code, g.population)
                )
            ]  # fmt: skip
            p = models.Place
            self.place = conn.execute(
                select(p.id, p.grid_id, p.daily_capacity).order_by(p.id).limit(1)
            ).first()
            c = models.CommandCenter
            r_ = models.Region
            self.township_center = dict(
                conn.execute(
                    select(r_.adcode, c.id).join(c, c.region_id == r_.id).where(
                        r_.level == "township"
                    )
                ).all()
            )
        if not self.grids:
            raise LookupError("no grid cells: build the demo first (`python console.py demo`)")
        self.by_id = {g.id: g for g in self.grids}
        # Reports follow population, as in the demo's history.
        self.cum_population = list(itertools.accumulate(g.population for g in self.grids))
        self.surge_grid = self.by_id.get(self.place.grid_id) if self.place else None

    # -- events ------------------------------------------------------------------

    def step(self) -> str:
        """Write one event and return its kind."""
        roll = self.rng.random()
        if self.scenario == "surge" and self.place is not None and roll < 0.15:
            kind = self._visitors()
        elif roll < 0.60:
            kind = self._report()
        elif roll < 0.90:
            kind = self._progress()
        else:
            kind = self._move_unit()
        self.written += 1
        self.kinds[kind.split(":", 1)[0]] += 1
        if self.rules_every and self.written % self.rules_every == 0:
            self.alerts_raised.extend(risk.run_rules(self.engine, params=self.policies.risk))
        if self.field_every and self.written % self.field_every == 0:
            field.simulate_field(self.factory, policy=self.policies.dispatch)
        return kind

    def _surge_fraction(self) -> float:
        return min(1.0, (time.monotonic() - self.started) / self.surge_seconds)

    def _visitors(self) -> str:
        assert self.place is not None
        with transaction(self.factory) as s:
            place = s.get(models.Place, self.place.id)
            assert place is not None
            ratio = 0.6 + 1.45 * self._surge_fraction()  # up to ~2.05x capacity
            place.current_count = int(place.daily_capacity * ratio)
            place.count_at = models.utcnow()
        return "visitors"

    def _pick_grid(self) -> _Grid:
        if self.scenario == "surge" and self.surge_grid is not None:
            if self.rng.random() < 0.5 * self._surge_fraction() + 0.1:
                return self.surge_grid
        return self.rng.choices(self.grids, cum_weights=self.cum_population)[0]

    def _report(self) -> str:
        rng = self.rng
        grid = self._pick_grid()
        surge = self.scenario == "surge" and grid is self.surge_grid
        channel = traffic.pick(rng, traffic.CHANNEL_SHARES)
        category = "public_order" if surge and rng.random() < 0.6 else traffic.pick(
            rng, traffic.CATEGORY_SHARES
        )
        priority = 2 if surge else traffic.pick_priority(rng)
        now = models.utcnow()
        ack_h, resolve_h = self.policies.incidents.deadlines[priority]
        with transaction(self.factory) as s:
            incident = models.Incident(
                category=category,
                source_channel=channel,
                priority=priority,
                status="reported",
                is_open=True,
                grid_id=grid.id,
                province_code=grid.province,
                city_code=grid.city,
                county_code=grid.county,
                township_code=grid.township,
                community_code=grid.community,
                lon=grid.lon + rng.uniform(-0.001, 0.001),
                lat=grid.lat + rng.uniform(-0.001, 0.001),
                description="景区游客严重超载" if surge else "",
                reporter="simulator",
                handling_center_id=self.township_center.get(grid.township),
                reported_at=now,
                ack_deadline=now + timedelta(hours=ack_h),
                resolve_deadline=now + timedelta(hours=resolve_h),
            )
            s.add(incident)
            s.flush()
            s.add(
                models.IncidentEvent(
                    incident_id=incident.id, at=now, action="report", from_status=None,
                    to_status="reported", actor=f"simulator:{channel}",
                )
            )  # fmt: skip
        return f"report:{channel}"

    def _progress(self) -> str:
        i = models.Incident
        with transaction(self.factory) as s:
            # A random recent open incident (cheap: by id range, newest first).
            max_id = s.execute(select(i.id).order_by(i.id.desc()).limit(1)).scalar()
            if not max_id:
                return "idle"
            start = self.rng.randint(max(1, max_id - 20_000), max_id)
            inc = s.execute(
                select(i).where(i.is_open, i.id >= start).order_by(i.id).limit(1)
            ).scalar_one_or_none()
            if inc is None:
                return "idle"
            action = NEXT_ACTION.get(inc.status, "start")
            now = models.utcnow()
            prev = inc.status
            inc.status = traffic.ACTION_STATUS[action]
            if action == "accept":
                inc.accepted_at = now
            elif action == "resolve":
                inc.resolved_at = now
                inc.settled_level = traffic.pick(self.rng, traffic.SETTLED_LEVEL_SHARES)
            elif action == "close":
                inc.closed_at = now
            inc.is_open = inc.status not in traffic.CLOSED_STATUSES
            s.add(
                models.IncidentEvent(
                    incident_id=inc.id, at=now, action=action, from_status=prev,
                    to_status=inc.status, actor="simulator",
                )
            )  # fmt: skip
        return f"progress:{action}"

    def _move_unit(self) -> str:
        r = models.Resource
        with transaction(self.factory) as s:
            max_id = s.execute(select(r.id).order_by(r.id.desc()).limit(1)).scalar()
            if not max_id:
                return "idle"
            unit = s.get(r, self.rng.randint(1, max_id))
            if unit is None or unit.status != "available":
                return "idle"  # units on a dispatch move with it (simulate_field)
            unit.lon = unit.home_lon + self.rng.uniform(-0.02, 0.02)
            unit.lat = unit.home_lat + self.rng.uniform(-0.02, 0.02)
        return "move"

    # -- pacing ----------------------------------------------------------------------

    def step_or_wait(self, backoff: float = 0.05) -> str:
        """`step()`, but a busy database ("database is locked" past busy_timeout, a deadlock,
        a lost connection) or a lost race costs this event and a short wait, never the run."""
        try:
            return self.step()
        except StaleDataError:
            self.retries += 1
            return "stale"
        except (OperationalError, InterfaceError) as exc:
            self.retries += 1
            self.last_error = str(exc.orig or exc).strip().splitlines()[0]
            time.sleep(min(2.0, backoff * 2 ** min(self.retries, 6)))  # backing off: no event
            return "busy"

    def run(
        self,
        rate: float,
        duration: float | None = None,
        limit: int | None = None,
        *,
        say: Callable[[str], None] | None = None,
        backoff: outage.Backoff | None = None,
    ) -> int:
        """Write `rate` events a second until `duration` seconds or `limit` events. With
        `say`, a lost database is waited out (one line each try, backoff) instead of
        ending the run; the pace restarts when it is back."""
        interval = 1.0 / rate
        start = paced_from = time.monotonic()
        n = paced = 0
        backoff = backoff or outage.Backoff()

        def out_of_time() -> bool:
            return duration is not None and time.monotonic() - start >= duration

        def wait(seconds: float) -> bool:
            time.sleep(seconds)  # backing off from a lost database: nothing to wait on
            return out_of_time()

        while not out_of_time() and (limit is None or n < limit):
            if say is None:
                self.step_or_wait()
            else:
                before = self.written
                outage.retrying(self.step, engine=self.engine, say=say, wait=wait, backoff=backoff)
                if self.written == before:
                    break  # ran out of time while the database was away
            n += 1
            paced += 1
            delay = paced_from + paced * interval - time.monotonic()
            if delay < -1.0:  # after an outage: go on at the rate, not in a catch-up burst
                paced_from, paced = time.monotonic(), 0
            elif delay > 0:
                time.sleep(delay)  # pacing a load generator, not waiting on a condition
        return n
