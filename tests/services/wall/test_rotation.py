"""The rotation of an unattended wall (issue 18, item 6): steps checked at load, never
outside the console's jurisdiction, one line for every bad value."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text

from services.config import ConfigError
from services.wall.rotation import Step, load_rotation

COUNTY, NEIGHBOUR, CITY = "330106", "330109", "330100"  # 西湖区, 萧山区, 杭州市


def _towns(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return [str(c) for (c,) in conn.execute(text(
            "SELECT t.adcode FROM region t JOIN region c ON c.id = t.parent_id "
            "WHERE c.adcode = :c ORDER BY t.adcode"), {"c": COUNTY})]  # fmt: skip


@pytest.mark.parametrize("demo_url", ["sqlite"], indirect=True)
def test_steps_expand_and_the_command_line_period_wins(demo_engine: Engine) -> None:
    towns = _towns(demo_engine)
    assert len(towns) >= 2
    assert load_rotation(demo_engine, {}, COUNTY) is None  # off unless asked for
    plan = load_rotation(demo_engine, {}, COUNTY, seconds=15)
    assert plan is not None and plan.seconds == 15 and plan.quiet_seconds == 120
    assert plan.steps == (Step("region", COUNTY), *(Step("region", t) for t in towns))
    raw = {"wall": {"rotate_seconds": 30, "rotate_quiet_seconds": 5,
                    "rotate": [f"regions:{towns[0]},{towns[1]}", "panel:platforms", "home"]}}  # fmt: skip
    plan = load_rotation(demo_engine, raw, COUNTY)
    assert plan is not None and (plan.seconds, plan.quiet_seconds) == (30, 5)
    assert plan.steps == (Step("region", towns[0]), Step("region", towns[1]),
                          Step("panel", "platforms"), Step("region", COUNTY))  # fmt: skip
    assert load_rotation(demo_engine, raw, COUNTY, seconds=0) is None  # --rotate 0: off


@pytest.mark.parametrize("demo_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(("wall", "root", "said"), [
    ({"rotate_seconds": 10, "rotate": [f"region:{NEIGHBOUR}"]}, COUNTY,
     f"region {NEIGHBOUR} (萧山区) is outside the jurisdiction of {COUNTY} (西湖区)"),
    ({"rotate_seconds": 10, "rotate": [f"region:{CITY}"]}, COUNTY, "is outside the jurisdiction"),
    ({"rotate_seconds": 10, "rotate": ["region:999999"]}, COUNTY, "no region 999999"),
    ({"rotate_seconds": 10, "rotate": ["panel:weather"]}, COUNTY, "'panel:weather' is not a step"),
    ({"rotate_seconds": 10, "rotate": ["panel:platforms"]}, CITY, "a city wall has no four platforms"),
    ({"rotate_seconds": "fast"}, COUNTY, "wall.rotate_seconds must be a number of seconds"),
    ({"rotate_seconds": 0.1}, COUNTY, "wall.rotate_seconds must be a number of seconds"),
    ({"rotate_seconds": 10, "rotate": "home"}, COUNTY, "wall.rotate must be a non-empty list"),
    ({"rotate": [f"region:{NEIGHBOUR}"]}, COUNTY, "outside the jurisdiction"),  # even while off
])  # fmt: skip
def test_a_bad_rotation_is_one_line(demo_engine: Engine, wall: dict[str, object], root: str,
                                    said: str) -> None:  # fmt: skip
    with pytest.raises(ConfigError) as caught:
        load_rotation(demo_engine, {"wall": wall}, root, where="config file c.toml")
    message = str(caught.value)
    assert said in message and "\n" not in message
    assert message.startswith("config file c.toml: ")
