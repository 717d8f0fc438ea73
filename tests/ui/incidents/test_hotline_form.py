"""The hotline form on the county wall at 1920×1080, with its map: a click on a grid cell
fills the grid and says which cell and place it is; the form lies beside the map (over
the right column), so it covers neither the map nor the cell card the click opened; the
call is filed with clicks and lands at the county, which answered it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QPushButton, QWidget
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from services.store import models
from tests.ui.incidents.journey import (
    COUNTY,
    WAIT,
    click,
    fed,
    shown_case,
    sign_in,
    type_text,
)


def _in_window(w: QWidget) -> QRect:
    return QRect(w.mapTo(w.window(), QPoint(0, 0)), w.size())


@pytest.mark.parametrize("demo_url", ["sqlite"], indirect=True)
def test_a_map_click_fills_the_form_beside_the_map(qtbot, walls, demo_url: str, demo_engine: Engine) -> None:  # type: ignore[no-untyped-def]
    g = models.GridCell
    with Session(demo_engine) as s:
        cell = s.scalars(select(g).where(g.county_code == COUNTY).order_by(g.id)).first()
        assert cell is not None
        township = s.scalar(select(models.Region.name).where(models.Region.adcode == cell.township_code))
        cell_id, code = cell.id, cell.code
    c = walls(demo_url, with_map=True)
    fed(qtbot, c)
    sign_in(qtbot, c, f"{COUNTY}.operator")
    form = c.hotline
    button = c.window.findChild(QPushButton, "hotlineButton")
    click(qtbot, button)
    qtbot.waitUntil(form.isVisible, timeout=WAIT)
    assert form.objectName() == "hotlineForm" and form.location.text() == "未选位置"

    # A click on the cell in the map (the page reports it as the view's cell_clicked).
    c.map.cell_clicked.emit(cell_id)
    qtbot.waitUntil(lambda: c.cell_card.isVisible() and form.grid_code.text() == code,
                    timeout=WAIT)  # fmt: skip
    assert form.location.text() != "未选位置"
    assert code in form.location.text() and township and township in form.location.text()
    # Beside the map: neither the map (where the clicked cell is) nor its card is covered.
    sheet = _in_window(form)
    assert not sheet.intersects(_in_window(c.map)), (sheet, _in_window(c.map))
    assert not sheet.intersects(_in_window(c.cell_card))
    assert c.window.rect().contains(sheet)
    assert c.window.rect().contains(_in_window(form.submit))

    # File it: category by keys, the description typed, 提交登记.
    form.category.setFocus()
    qtbot.keyClick(form.category, Qt.Key.Key_Down)
    assert form.category.currentData() is not None
    type_text(qtbot, form.description, "来电反映小区门口井盖松动，有行人绊倒")
    with qtbot.waitSignal(form.reported, timeout=WAIT) as got:
        click(qtbot, form.submit)
    new_id = got.args[0]
    assert f"#{new_id}" in form.message.text() and form.location.text() == "未选位置"
    # The new case opens in the sheet, held by the county that answered the call.
    qtbot.waitUntil(lambda: shown_case(c) == new_id, timeout=WAIT)
    assert c.incident_panel.detail._fact_values["center"].text() == "西湖区社会治理综合指挥中心"
    # Esc puts the form away.
    qtbot.keyClick(form.description, Qt.Key.Key_Escape)
    assert not form.isVisible()
