"""Done means: on PostgreSQL, a real server process and a real browser (Debian's chromium
driven by Playwright, phone-sized), a grid worker files a report with a photo; the county
routes it to the township through services.incidents.perform; the worker's page shows the
task live (no reload), takes it, adds a note and a photo, resolves it; the 12345 system's
cursor sees every step. With INTAKE_SCREENSHOTS=1 the screenshots go to docs/."""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from PIL import Image
from sqlalchemy import select

from services import accounts
from services.incidents import queries, workflow
from services.policies import Policies
from services.store import changefeed, db, models
from tests.services.intake.conftest import COUNTY, TOWN_A
from tests.support.intake import (
    ROOT,
    IntakeServer,
    counters_match_recount,
    grid_of,
    make_key,
    scalar,
)

DEFAULTS = Policies.defaults()

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]  # fmt: skip
PHONE = {"width": 390, "height": 844}
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

pytestmark = [pytest.mark.slow]


def _photo(path: Path, color: tuple[int, int, int], text_rows: int = 6) -> Path:
    img = Image.new("RGB", (640, 480), color)
    for k in range(text_rows):  # some structure, so it is not a flat colour
        img.paste((255, 255, 255), (40, 40 + 60 * k, 600, 60 + 60 * k))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=80)
    path.write_bytes(buf.getvalue())
    return path


@pytest.fixture
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        if IN_CI:
            pytest.fail("chromium is not installed (bin/setup.sh installs it)")
        pytest.skip("chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            yield b
        finally:
            b.close()


def _shots_dir(tmp: Path) -> Path:
    return ROOT / "docs" if os.environ.get("INTAKE_SCREENSHOTS") else tmp


@pytest.mark.postgres
def test_field_worker_report_route_resolve_end_to_end(
    browser: object, pg_databases: object, pg_demo_template: str, tmp_path: Path
) -> None:
    from playwright.sync_api import Browser, expect

    assert isinstance(browser, Browser)
    url = pg_databases.new(template=pg_demo_template)  # type: ignore[attr-defined]
    engine = db.make_engine(url)
    hotline = make_key(engine, "12345-xihu", COUNTY, ["hotline"])
    cursor = changefeed.head(engine)
    code, lon, lat = grid_of(engine, TOWN_A)
    shots = _shots_dir(tmp_path)
    with IntakeServer(url, tmp_path / "data") as server:
        ctx = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True,
                                  has_touch=True, locale="zh-CN", geolocation={
                                      "longitude": lon, "latitude": lat},
                                  permissions=["geolocation"])  # fmt: skip
        remote: list[str] = []

        def only_here(route: object) -> None:
            req = route.request  # type: ignore[attr-defined]
            if req.url.startswith(server.base):
                route.continue_()  # type: ignore[attr-defined]
            else:
                remote.append(req.url)
                route.abort()  # type: ignore[attr-defined]

        ctx.route("**/*", only_here)
        page = ctx.new_page()
        page.goto(server.base + "/field/")
        expect(page.locator("#login")).to_be_visible()
        page.fill("input[name=login]", f"{TOWN_A}.grid")
        page.fill("input[name=password]", "demo")
        page.screenshot(path=str(shots / "field_login.png"))
        page.click("#login-form button[type=submit]")
        expect(page.locator("#tasks")).to_be_visible()
        expect(page.locator("#live.on")).to_be_visible(timeout=10_000)

        # 1. The grid worker files a report with a photo, placed by the phone's position.
        page.click(".tab[data-tab=report]")
        page.select_option("#category", "safety_hazard")
        page.fill("textarea[name=description]", "三墩路口井盖缺失，已设置临时警示")
        page.set_input_files("#photo", str(_photo(tmp_path / "scene.jpg", (90, 120, 160))))
        page.click("#locate")
        expect(page.locator("#where")).to_contain_text(f"网格 {code}")
        page.screenshot(path=str(shots / "field_report.png"))
        page.click("#report-form button[type=submit]")
        expect(page.locator("#report-result.ok")).to_contain_text("已上报", timeout=10_000)
        case = int(page.locator("#report-result").get_attribute("data-id") or 0)
        assert case > 0

        # In the database through the use cases: the case, its photo, audit, feed, counters.
        with engine.connect() as conn:
            inc = conn.execute(select(models.Incident).where(models.Incident.id == case)).one()
            assert inc.source_channel == "field_app" and inc.township_code == TOWN_A
            assert conn.execute(select(models.Attachment.id).where(
                models.Attachment.incident_id == case)).first() is not None  # fmt: skip
        assert scalar(engine, "SELECT count(*) FROM audit_log WHERE entity = 'incident' AND entity_id = :i "
                      "AND actor = :a", i=case, a=f"{TOWN_A}.grid") == 2  # report, attach  # fmt: skip
        feed_rows = [c for c in changefeed.read_after(engine, cursor) if c.entity == "incident" and c.entity_id == case]
        assert feed_rows and feed_rows[0].op == "insert"
        assert counters_match_recount(engine)

        # 2. The township escalates it, the county accepts and routes it back to the township
        #    (a duty officer through services.incidents.perform, as the console does).
        page.evaluate("window.__sameDocument = true")
        factory = db.session_factory(engine)
        with factory() as s:
            town = accounts.actor_for(s, f"{TOWN_A}.duty")
            county = accounts.actor_for(s, f"{COUNTY}.duty")
            version = queries.detail(s, town, case).row.version
        d = workflow.perform(factory, town, case, version, "escalate", "需县级协调", policy=DEFAULTS.incidents)
        d = workflow.perform(factory, county, case, d.row.version, "accept", policy=DEFAULTS.incidents)
        with factory() as s:
            target = next(t for t in queries.route_targets(s, county)
                          if t.kind == "center" and t.id == town.center_id)  # fmt: skip
        d = workflow.perform(factory, county, case, d.row.version, "route", "请属地网格员现场处置",
                             target_kind="center", target_id=target.id, policy=DEFAULTS.incidents)  # fmt: skip
        assert d.row.status == "routed"

        # 3. The task appears on the worker's page without a reload.
        page.click(".tab[data-tab=tasks]")
        card = page.locator(f"li.card[data-id='{case}']")
        expect(card).to_be_visible(timeout=10_000)
        assert page.evaluate("window.__sameDocument") is True
        expect(card.locator(".status")).to_have_text("已派单")
        page.screenshot(path=str(shots / "field_tasks.png"))

        # 4. Take it, add a progress note with a photo, resolve it.
        card.locator("button[data-action=start]").click()
        expect(page.locator("#case-status")).to_have_text("处置中", timeout=10_000)
        page.fill("#note-form textarea", "已到场，井口已围挡")
        page.set_input_files("#note-form input[type=file]", str(_photo(tmp_path / "fixed.jpg", (40, 140, 60), 3)))
        page.click("#note-form button[type=submit]")
        expect(page.locator("#detail-result.ok")).to_have_text("进展已添加", timeout=10_000)
        expect(page.locator("#photos img")).to_have_count(2)
        page.fill("#note-form textarea", "已更换新井盖，恢复通行")
        page.click("#case-actions button[data-action=resolve]")
        expect(page.locator("#case-status")).to_have_text("已办结", timeout=10_000)
        page.wait_for_function("[...document.querySelectorAll('#photos img')].every(i => i.complete && i.naturalWidth > 0)")
        page.screenshot(path=str(shots / "field_case.png"), full_page=True)
        assert remote == [], f"the page asked for {remote}"
        ctx.close()

        # 5. The 12345 system's cursor sees every step of the case, in order.
        steps: list[str] = []
        kinds: set[str] = set()
        with httpx.Client(base_url=server.base, headers={"Authorization": f"Bearer {hotline}"}) as c:
            after = cursor
            while True:
                pg = c.get("/api/v1/changes", params={"after": after, "limit": 50}).json()
                for ch in pg["changes"]:
                    if ch["incident_id"] == case:
                        kinds.add(ch["kind"])
                        if ch["kind"] == "step":
                            steps.append(ch["action"])
                after = pg["next"]
                if not pg["changes"] and not pg["more"]:
                    break
            final = c.get(f"/api/v1/incidents/{case}").json()
    assert steps == ["report", "attach", "escalate", "accept", "route", "start", "note", "attach", "resolve"]
    assert kinds == {"incident", "step", "attachment"}
    assert final["status"] == "resolved" and final["timeline"][-1]["note"] == "已更换新井盖，恢复通行"
    assert scalar(engine, "SELECT count(*) FROM audit_log WHERE entity_id = :i AND actor = :a",
                  i=case, a=f"{TOWN_A}.grid") == 6  # report, attach, start, note, attach, resolve  # fmt: skip
    assert counters_match_recount(engine)
    engine.dispose()
    if shots != tmp_path:
        assert (shots / "field_case.png").stat().st_size > 10_000
    shutil.rmtree(tmp_path / "data", ignore_errors=True)


def test_api_docs_render_from_this_server_alone(browser: object, demo_template: Path, tmp_path: Path) -> None:
    """Swagger UI shows the operations of the OpenAPI 3.1 document, and no request leaves."""
    from playwright.sync_api import Browser, expect

    assert isinstance(browser, Browser)
    shutil.copy(demo_template, tmp_path / "demo.db")
    with IntakeServer(f"sqlite:///{tmp_path / 'demo.db'}", tmp_path / "data") as server:
        ctx = browser.new_context(viewport={"width": 1280, "height": 900})
        remote: list[str] = []

        def only_here(route: object) -> None:
            req = route.request  # type: ignore[attr-defined]
            if req.url.startswith(server.base):
                route.continue_()  # type: ignore[attr-defined]
            else:
                remote.append(req.url)
                route.abort()  # type: ignore[attr-defined]

        ctx.route("**/*", only_here)
        page = ctx.new_page()
        page.goto(server.base + "/api/v1/docs")
        expect(page.locator(".opblock-summary-path[data-path='/api/v1/incidents']").first).to_be_visible(timeout=20_000)
        assert page.locator(".opblock").count() >= 10
        assert "Unable to render" not in page.inner_text("body")
        ctx.close()
    assert remote == [], f"the docs page asked for {remote}"
