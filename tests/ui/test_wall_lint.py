"""The wall lint over the whole console (tests/support/wall_lint.py for the rules).

One county console (西湖区, signed in as its duty officer, a case selected) on the demo
database, walked at 1920×1080 (scale 1) and 3840×2160 (scale 2) in Chinese and in English
(switched with the header's button, as a person does): the wall with every tab of every
tab bar, and every dialog (handover, hotline, login, conference) with theirs. The map page
is left out (it is a web page: its text is Leaflet's, checked by mapview's tests).

Run alone: `pytest -m wall_lint -s` prints every finding, known ones included.
"""

from __future__ import annotations

import fnmatch
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, Qt
from PySide6.QtWidgets import QApplication, QTabBar, QWidget
from sqlalchemy import create_engine, text

from tests.support.consoles import close_console, flush, make_console
from tests.support.wall_lint import Finding, lint, visible_widgets
from ui.app import Console

pytestmark = [pytest.mark.wall_lint, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
SIZES = {"1080p": (1920, 1080), "4k": (3840, 2160)}
LANGS = ("zh_CN", "en")

# Known defects being fixed (each: rule, path pattern, text pattern, the defect). Anything
# not matched here fails the lint. Empty: every screen passes; keep it that way.
KNOWN: tuple[tuple[str, str, str, str], ...] = ()


def _known(f: Finding) -> str | None:
    for rule, path, text_pattern, defect in KNOWN:
        if (
            f.rule == rule
            and fnmatch.fnmatchcase(f.path, path)
            and fnmatch.fnmatchcase(f.text, text_pattern)
        ):
            return defect
    return None


def wait_until(predicate: Callable[[], bool], timeout_s: float = 30.0) -> None:
    """Process events until `predicate()` holds (a condition, not a sleep)."""
    deadline = time.monotonic() + timeout_s
    app = QCoreApplication.instance()
    assert app is not None
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"condition not met within {timeout_s} s")
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)


def settle() -> None:
    """Let posted layout requests and zero timers (the wall's dock sizes) run."""
    app = QCoreApplication.instance()
    assert app is not None
    for _ in range(4):
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)


def _data_names(url: str) -> set[str]:
    """Every name the database holds (what may stay Chinese in English mode)."""
    queries = [
        "SELECT name FROM region", "SELECT name FROM command_center", "SELECT name FROM department",
        "SELECT name FROM staff", "SELECT name FROM resource", "SELECT name FROM place",
        "SELECT name FROM camera", "SELECT name FROM response_plan", "SELECT description FROM incident",
        "SELECT reporter FROM incident", "SELECT text FROM risk_alert", "SELECT title FROM conference",
        "SELECT label FROM video_slot", "SELECT display_name FROM app_user",
    ]  # fmt: skip
    names: set[str] = set()
    eng = create_engine(url)
    with eng.connect() as conn:
        for q in queries:
            try:
                names.update(str(v) for (v,) in conn.execute(text(q)) if v)
            except Exception:  # noqa: BLE001 - a column another version lacks
                conn.rollback()
    eng.dispose()
    return names


@pytest.fixture(scope="module")
def wall(qapp: QApplication, demo_template: Path, tmp_path_factory: pytest.TempPathFactory
         ) -> Iterator[tuple[Console, set[str]]]:  # fmt: skip
    """The county console, fed, signed in, a case selected (built once for the module)."""
    tmp = tmp_path_factory.mktemp("wall_lint")
    shutil.copy(demo_template, tmp / "demo.db")
    url = f"sqlite:///{tmp / 'demo.db'}"
    for job in (["index", "compute"], ["risk", "run"]):  # what the clock does on a live wall
        subprocess.run([sys.executable, str(ROOT / "console.py"), "--db", url, *job],
                       check=True, capture_output=True, timeout=300)  # fmt: skip
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XDG_CONFIG_HOME", str(tmp))  # keep the operator's saved layout
        c = make_console(url, "330106")
        fed: set[str] = set()
        c.live.snapshot_ready.connect(lambda _s: fed.add("wall"))
        c.incidents.queue_ready.connect(lambda _q: fed.add("incidents"))
        c.dispatch.board_ready.connect(lambda _b: fed.add("dispatch"))
        c.handover.list_ready.connect(lambda _r: fed.add("handover"))
        c.index.ranking_ready.connect(lambda _r: fed.add("index"))
        c.index.alerts_ready.connect(lambda _r: fed.add("alerts"))
        c.video.wall_changed.connect(lambda _w: fed.add("video"))
        c.video.reload()
        c.start()
        wait_until(lambda: {"wall", "incidents", "dispatch", "handover", "index", "alerts",
                            "video"} <= fed)  # fmt: skip
        c.incidents.login("330106.duty", "demo")
        wait_until(lambda: c.incidents.actor() is not None and c.incidents.actor().role != "viewer")
        c.incident_panel.tabs.setCurrentIndex(2)  # 辖区全部: the county's cases
        wait_until(lambda: bool(c.incident_panel.rows()))
        rows = c.incident_panel.rows()
        c.incident_panel.select_incident(rows[0].id)
        wait_until(lambda: c.incident_panel.selected_id() == rows[0].id)
        wait_until(lambda: bool(c.video.offered()))  # the cameras near the case
        c.video.choose_layout(16)
        wait_until(lambda: (s := c.video.state()) is not None and s.layout == 16)
        c.video.fill_nearest()
        wait_until(lambda: sum(1 for t in c.video.tiles[:16] if t.label()) >= 4)
        c._open_handover()
        wait_until(lambda: bool(c.handover_panel.report_view.toPlainText().strip()))
        c.handover_window.hide()
        yield c, _data_names(url)
        _set_language(c, "zh_CN")  # the tests after this one read the wall in Chinese
        close_console(c)
        for w in QApplication.topLevelWidgets():  # the dialogs it opened
            w.close()
        flush()


def _set_language(c: Console, lang: str) -> None:
    """Through the header's language button, as a person switches."""
    from ui.kit.i18n import current_language

    if current_language(c.app) != lang:
        c.language_button.click()
        wait_until(lambda: current_language(c.app) == lang)
    settle()


def _dialogs(c: Console) -> dict[str, Callable[[], QWidget]]:
    """Every dialog a person opens from the wall, by name: opens it, returns its window."""

    def login() -> QWidget:
        from ui.kit.session import LoginDialog

        if c.account.dialog is None:
            c.account.dialog = LoginDialog(c.account.state, c.window)
            c.account.dialog.set_ui_scale(c.window.ui_scale())
        c.account.dialog.show()
        return c.account.dialog

    def conference() -> QWidget:
        c.video.open_conference()
        panel = c.video.conference_panel()
        assert panel is not None
        return panel

    def hotline() -> QWidget:
        c.hotline_button = c.window.findChild(QWidget, "hotlineButton")
        c._open_hotline()
        return c.hotline

    def handover() -> QWidget:
        c._open_handover()
        return c.handover_window

    def about() -> QWidget:
        c._open_about()
        return c.about_dialog

    return {"handover": handover, "hotline": hotline, "login": login, "conference": conference,
            "about": about}  # fmt: skip


def walk(window: QWidget, *, scale: float, english: bool, names: set[str]) -> list[Finding]:
    """Lint `window` in its current state, then once for every tab of every tab bar that
    shows (nested bars as they come into view), then put each bar back."""
    findings: dict[tuple[str, str, str], Finding] = {}

    def run() -> None:
        settle()
        for f in lint(window, scale=scale, english=english, data_names=names):
            findings.setdefault((f.rule, f.path, f.text), f)

    run()
    seen: set[tuple[int, int]] = set()
    restore: list[tuple[QTabBar, int]] = []
    for _ in range(80):
        todo = [(bar, i) for bar in visible_widgets(window) if isinstance(bar, QTabBar)
                for i in range(bar.count()) if (id(bar), i) not in seen and bar.isTabEnabled(i)]  # fmt: skip
        if not todo:
            break
        bar, i = todo[0]
        for j in range(bar.count()):  # the tab showing now is linted already
            if j == bar.currentIndex():
                seen.add((id(bar), j))
        seen.add((id(bar), i))
        if i == bar.currentIndex():
            continue
        restore.append((bar, bar.currentIndex()))
        bar.setCurrentIndex(i)
        run()
    for bar, i in reversed(restore):
        bar.setCurrentIndex(i)
    return list(findings.values())


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("size", list(SIZES))
def test_the_wall_reads_at_distance(wall: tuple[Console, set[str]], size: str, lang: str) -> None:
    """No cut text, overlap, unreachable button, small text or untranslated label on any
    screen, tab or dialog of the console."""
    c, names = wall
    _set_language(c, lang)
    c.window.resize(*SIZES[size])
    want = 2.0 if size == "4k" else 1.0
    wait_until(lambda: c.window.ui_scale() == want)
    settle()
    scale = c.window.ui_scale()
    english = lang == "en"
    found = walk(c.window, scale=scale, english=english, names=names)
    shots = os.environ.get("WALL_LINT_SHOTS")  # a directory: the wall as linted, per run
    if shots:
        c.window.grab().save(str(Path(shots) / f"wall_{size}_{lang}.png"))
    for open_dialog in _dialogs(c).values():
        dialog = open_dialog()
        wait_until(dialog.isVisible)
        found += walk(dialog, scale=scale, english=english, names=names)
        dialog.hide()
    new = [f for f in found if _known(f) is None]
    known = [f for f in found if _known(f) is not None]
    print(f"\n== wall lint {size} {lang}: {len(new)} new, {len(known)} known ==")
    for f in new:
        print("NEW  ", f)
    for f in known:
        print("KNOWN", f, "--", _known(f))
    assert not new, f"{len(new)} new wall-lint finding(s) at {size} {lang}:\n" + "\n".join(
        map(str, new)
    )


def test_the_lint_catches_what_it_is_for(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Each rule fails on a widget built to break it (so a green lint means something)."""
    from PySide6.QtWidgets import (
        QComboBox,
        QGroupBox,
        QHBoxLayout,
        QLabel,
        QLineEdit,
        QPushButton,
        QVBoxLayout,
    )

    top = QWidget()
    qtbot.addWidget(top)
    top.resize(400, 380)
    box = QVBoxLayout(top)
    cut = QLabel("一段很长很长很长很长很长很长的说明文字", top)
    cut.setObjectName("cutLabel")
    cut.setStyleSheet("font-size: 16px;")
    cut.setMinimumWidth(1)
    cut.setFixedWidth(60)
    small = QLabel("small", top)
    small.setObjectName("smallLabel")
    small.setStyleSheet("font-size: 10px;")
    row = QHBoxLayout()
    a, b = QPushButton("OK", top), QPushButton("Cancel", top)
    for w in (a, b):
        w.setStyleSheet("font-size: 16px;")
        row.addWidget(w)
    box.addWidget(cut)
    box.addWidget(small)
    box.addLayout(row)
    far = QPushButton("Far", top)
    far.setObjectName("farButton")
    far.setStyleSheet("font-size: 16px;")
    far.move(380, 370)
    chinese = QLabel("派遣", top)
    chinese.setObjectName("zhLabel")
    chinese.setStyleSheet("font-size: 16px;")
    box.addWidget(chinese)
    place = QLabel("西湖区", top)
    place.setObjectName("placeLabel")
    place.setStyleSheet("font-size: 16px;")
    box.addWidget(place)
    narrow_list = QComboBox(top)
    narrow_list.setObjectName("narrowList")
    narrow_list.setStyleSheet("font-size: 16px;")
    narrow_list.addItems(["All categories", "Fire"])
    narrow_list.setFixedWidth(70)
    box.addWidget(narrow_list)
    narrow_field = QLineEdit(top)
    narrow_field.setObjectName("narrowField")
    narrow_field.setStyleSheet("font-size: 16px;")
    narrow_field.setPlaceholderText("Search number, text, address or reporter")
    narrow_field.setFixedWidth(90)
    box.addWidget(narrow_field)
    narrow_group = QGroupBox("A group box title far wider than its box", top)
    narrow_group.setObjectName("narrowGroup")
    narrow_group.setStyleSheet("font-size: 16px;")
    narrow_group.setFixedWidth(80)
    box.addWidget(narrow_group)
    wide_list = QComboBox(top)
    wide_list.setObjectName("wideList")
    wide_list.setStyleSheet("font-size: 16px;")
    wide_list.addItems(["Fire"])
    box.addWidget(wide_list)
    top.show()
    qtbot.waitExposed(top)
    b.setGeometry(a.geometry().translated(10, 0))  # on top of its neighbour
    found = lint(top, scale=1.0, english=True, data_names={"西湖区"})
    rules = {(f.rule, f.path.rsplit("/", 1)[-1]) for f in found}
    assert ("cut", "cutLabel") in rules
    assert ("small", "smallLabel") in rules
    assert ("unreachable", "farButton") in rules
    assert ("cjk", "zhLabel") in rules
    assert ("cjk", "placeLabel") not in rules  # a data name
    assert ("cut", "narrowList") in rules  # "All categories" in 70 px
    assert ("cut", "narrowField") in rules  # the hint in 90 px
    assert ("cut", "wideList") not in rules
    assert ("cut", "narrowGroup") in rules
    assert any(f.rule == "overlap" for f in found)
    assert all(f.measured and f.required for f in found)
    top.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
