"""The queue in a person's hands: 辖区全部 counts every case of the subtree (the service's
COUNT, not the page), pages through them, and keeps a resolved case until it is archived."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import Engine, func, or_, select
from sqlalchemy.orm import Session

from services.store import models
from tests.ui.incidents.journey import (
    WAIT,
    click,
    fed,
    pick_tab,
    row_ids,
    search,
    sign_in,
)

PROVINCE = "330000"


@pytest.mark.parametrize("demo_url", ["sqlite"], indirect=True)
def test_all_cases_count_their_total_and_page(qtbot, walls, demo_url: str, demo_engine: Engine) -> None:  # type: ignore[no-untyped-def]
    i = models.Incident
    with Session(demo_engine) as s:
        total = s.scalar(select(func.count()).select_from(i).where(
            i.province_code == PROVINCE, or_(i.is_open, i.status == "resolved")))  # fmt: skip
        resolved = s.scalar(select(i.id).where(i.province_code == PROVINCE,
                                               i.status == "resolved").order_by(i.id.desc()))  # fmt: skip
    assert total is not None and total > 200 and resolved is not None
    c = walls(demo_url, PROVINCE)
    fed(qtbot, c)
    sign_in(qtbot, c, f"{PROVINCE}.duty")
    panel = c.incident_panel
    pick_tab(qtbot, c, 2)  # 辖区全部, 全部状态
    qtbot.waitUntil(lambda: panel.count_label.text() == f"共 {total} 件（1–200）", timeout=WAIT)
    assert len(row_ids(c)) == 200
    assert not panel.prev_page.isEnabled() and panel.next_page.isEnabled()
    first = row_ids(c)

    click(qtbot, panel.next_page)
    qtbot.waitUntil(lambda: panel.count_label.text() == f"共 {total} 件（201–{total}）",
                    timeout=WAIT)  # fmt: skip
    assert len(row_ids(c)) == total - 200 and not set(first) & set(row_ids(c))
    assert panel.prev_page.isEnabled() and not panel.next_page.isEnabled()
    click(qtbot, panel.prev_page)
    qtbot.waitUntil(lambda: row_ids(c) == first, timeout=WAIT)

    # A resolved case is still listed under 全部状态 (it waits for 评价归档).
    search(qtbot, c, f"#{resolved}")
    qtbot.waitUntil(lambda: row_ids(c) == [resolved], timeout=WAIT)
    assert panel.count_label.text() == "共 1 件"
    model = panel.table.model()
    assert model.data(model.index(0, 3), Qt.ItemDataRole.DisplayRole) == "已办结"
