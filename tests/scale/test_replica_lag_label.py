"""The wall's data-age labels say how far the hot standby lags ("副本延迟 3 s"), in both
languages, and say nothing of it without a standby."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

pytest.importorskip("PySide6")

from ui.kit.i18n import install_language  # noqa: E402
from widgets.panel import DataAgeLabel  # noqa: E402

T0 = datetime(2026, 11, 24, 6, 30, 0, tzinfo=UTC)


def test_the_data_age_shows_the_replica_lag_beside_it(qtbot, qapp) -> None:  # type: ignore[no-untyped-def]
    label = DataAgeLabel(clock=lambda: T0 + timedelta(seconds=3))
    qtbot.addWidget(label)
    label.set_as_of(T0)
    assert label.text() == "数据 3 秒前"
    label.set_replica_lag(2.6)
    assert label.text() == "数据 3 秒前 · 副本延迟 3 s"
    try:
        install_language(qapp, "en")
        qtbot.waitUntil(lambda: label.text() == "Data 3 s ago · replica lag 3 s", timeout=2000)
    finally:
        install_language(qapp, "zh_CN")
    qtbot.waitUntil(lambda: label.text() == "数据 3 秒前 · 副本延迟 3 s", timeout=2000)
    label.set_replica_lag(None)
    assert label.text() == "数据 3 秒前"
