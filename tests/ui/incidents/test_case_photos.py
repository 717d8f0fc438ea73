"""A case another system sent, opened in the case sheet: its photos as thumbnails (one
click shows the photo at full size in a viewer) and how its address was matched (the
township and community, and how sure). Every read runs in the incident worker, never on
the GUI thread."""

from __future__ import annotations

import io
import threading

import pytest
from PIL import Image
from PySide6.QtCore import Qt
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from services import accounts
from services.config import data_dir
from services.incidents import attachments, intake
from services.incidents.attachments import AttachmentStore
from services.incidents.intake import AddressResult, IntakeReport
from services.policies import Policies
from services.store import db, models
from services.territory.grid_index import GridIndex
from tests.ui.incidents.journey import (
    COUNTY,
    WAIT,
    click,
    click_case,
    fed,
    pick_tab,
    search,
    sign_in,
)


class _Register:
    """The address matcher's answer for one township and community (the real register's
    matching is tested in tests/services/territory)."""

    def __init__(self, codes: tuple[str, ...], names: tuple[str, ...]) -> None:
        self.result = AddressResult("matched", codes, names, 0.92, "乡镇街道与村社区名称均匹配")

    def match(self, text: str, scope: str) -> AddressResult:
        return self.result


def _photo(width: int = 640, height: int = 480) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 60, 40)).save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize("demo_url", ["sqlite"], indirect=True)
def test_photos_and_address_match_in_the_case_sheet(  # type: ignore[no-untyped-def]
    qtbot, walls, demo_url: str, demo_engine: Engine, tmp_path, monkeypatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))  # where `serve` keeps photos
    r, g = models.Region, models.GridCell
    with Session(demo_engine) as s:
        cell = s.scalars(select(g).where(g.county_code == COUNTY).order_by(g.id)).first()
        assert cell is not None
        town = s.scalar(select(r).where(r.adcode == cell.township_code))
        county = s.scalar(select(r).where(r.adcode == COUNTY))
        assert town is not None and county is not None
        codes = (cell.province_code, cell.city_code, COUNTY, town.adcode)
        names = ("浙江省", "杭州市", county.name, town.name)
        sender = accounts.actor_for(s, f"{COUNTY}.operator")  # the 12345 system's account
    factory = db.session_factory(demo_engine)
    filed = intake.file_report(factory, sender, IntakeReport(
        channel="hotline", category="city_management", description="人行道砖块松动翘起",
        address=f"西湖区{town.name}文三路口", external_id="12345-0001"),
        grids=GridIndex(demo_engine), addresses=_Register(codes, names),
        policy=Policies.defaults().incidents)  # fmt: skip
    iid = filed.incident_id
    store = AttachmentStore(data_dir() / "attachments")
    photo, _new = attachments.attach(factory, sender, iid, _photo(), "现场.png", store)

    threads: list[str] = []
    for module, name in ((attachments, "list_attachments"), (attachments, "open_attachment"),
                         (intake, "intake_info")):  # fmt: skip
        real = getattr(module, name)

        def spy(*a, _real=real, **kw):  # type: ignore[no-untyped-def]
            threads.append(threading.current_thread().name)
            return _real(*a, **kw)

        monkeypatch.setattr(module, name, spy)

    c = walls(demo_url, COUNTY)
    fed(qtbot, c)
    sign_in(qtbot, c, f"{COUNTY}.duty")
    pick_tab(qtbot, c, 2)
    search(qtbot, c, f"#{iid}")
    click_case(qtbot, c, iid)
    detail = c.incident_panel.detail

    # How it came in and where the address was matched, and how sure.
    qtbot.waitUntil(lambda: detail.intake_text.isVisible(), timeout=WAIT)
    text = detail.intake_text.text()
    assert "按地址匹配" in text and f"{town.name}文三路口" in text
    assert f"地址匹配：{''.join(names)}（已匹配，可信度 92%）" in text
    assert "12345-0001" in text

    # Nothing is cut at the sheet's right edge: the page is no wider than its viewport.
    assert detail.body.width() <= detail.body_scroll.viewport().width()
    assert detail.intake_text.geometry().right() <= detail.body_scroll.viewport().width()

    # The photo as a thumbnail; a click opens it at full size.
    assert detail.photos_title.text() == "现场照片（1）"
    button = detail.photo_buttons[photo.id]
    qtbot.waitUntil(lambda: not button.icon().isNull(), timeout=WAIT)
    assert max(button.iconSize().width(), button.iconSize().height()) <= 160
    viewer = c.incident_panel.viewer
    click(qtbot, button)
    qtbot.waitUntil(viewer.isVisible, timeout=WAIT)
    pixmap = viewer.image.pixmap()
    assert (pixmap.width(), pixmap.height()) == (640, 480)
    assert "现场.png" in viewer.caption.text()
    qtbot.keyClick(viewer, Qt.Key.Key_Escape)
    assert not viewer.isVisible()

    assert threads and all(t != threading.main_thread().name for t in threads), threads
