"""The hotline form after an unknown outcome: the call was committed but the answer was
lost with the connection, the form says it could not file and keeps what was typed; 提交
again sends the same submit key, so the call is filed once and the form shows that case.
The next call (the form cleared by the success) is a case of its own."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from typing import Any  # noqa: E402

import pytest  # noqa: E402
from sqlalchemy import Engine, func, select  # noqa: E402
from sqlalchemy.exc import OperationalError  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from services import incidents  # noqa: E402
from services.store import models  # noqa: E402
from tests.ui.incidents.test_panel import WAIT, Console, _actor, _places  # noqa: E402

TEXT = "来电反映小区消防通道被占用"


def _filed(engine: Engine) -> int:
    i = models.Incident
    with Session(engine) as s:
        return int(s.scalar(select(func.count()).select_from(i).where(i.description == TEXT)) or 0)


def _fill(c: Console, grid: str) -> None:
    c.form.category.setCurrentIndex(c.form.category.findData("safety_hazard"))
    c.form.grid_code.setText(grid)
    c.form.description.setPlainText(TEXT)


@pytest.mark.parametrize("demo_url", ["sqlite", "postgresql"], indirect=True)
def test_a_resubmit_after_a_lost_answer_files_the_call_once(  # type: ignore[no-untyped-def]
    qtbot, monkeypatch, demo_url: str, demo_engine: Engine
) -> None:
    real = incidents.take_call_in
    committed: list[int] = []

    def answer_lost(*args: Any, **kwargs: Any) -> int:
        """The real submit, committed; the first time the connection drops before the
        answer reaches the console."""
        iid = real(*args, **kwargs)
        if not committed:
            committed.append(iid)
            raise OperationalError("COMMIT", {}, ConnectionError("server closed the connection"))
        return iid

    monkeypatch.setattr(incidents, "take_call_in", answer_lost)
    p = _places(demo_engine)
    c = Console(qtbot, demo_url, p["town"])
    try:
        c.state.set_actor(_actor(demo_url, f"{p['town']}.operator"))
        c.wait_actor(qtbot, "operator")
        _fill(c, p["grid"])
        c.form.submit.click()
        qtbot.waitUntil(lambda: "未能登记" in c.form.message.text(), timeout=WAIT)
        assert committed and _filed(demo_engine) == 1  # filed, but the console does not know
        assert c.form.description.toPlainText() == TEXT  # kept for the retry
        qtbot.waitUntil(c.form.submit.isEnabled, timeout=WAIT)

        with qtbot.waitSignal(c.form.reported, timeout=WAIT) as got:
            c.form.submit.click()
        assert got.args[0] == committed[0]
        assert f"#{committed[0]}" in c.form.message.text()
        assert _filed(demo_engine) == 1

        # The next call, the same words: a new key, a new case.
        _fill(c, p["grid"])
        with qtbot.waitSignal(c.form.reported, timeout=WAIT) as again:
            c.form.submit.click()
        assert again.args[0] != committed[0]
        assert _filed(demo_engine) == 2
    finally:
        c.stop()
