"""The grid-cell card: shown over the map when a cell is clicked (网格详情)."""

from __future__ import annotations

from datetime import UTC, timedelta

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QVBoxLayout, QWidget

from services.wall.situation import CellDetail
from widgets.labels import category_label, status_label
from widgets.style_sheet import restyle

CST = timedelta(hours=8)


def _tr(text: str) -> str:
    return QCoreApplication.translate("CellCard", text)


class CellCard(QFrame):
    """A floating card with a cell's grid heads, workers, households and open incidents."""

    MAX_ROWS = 8

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cellCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        restyle(
            self,
            "#cellCard { background: rgba(8, 22, 48, 235); border: 1px solid #2f7bd9;"
            " border-radius: 6px; } QLabel { color: #dbe8ff; }"
            " QLabel#cellTitle { font-size: 18px; font-weight: bold; color: #7fd3ff; }"
            " QLabel#overdue { color: #ff6b6b; }"
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        self.title = QLabel()
        self.title.setObjectName("cellTitle")
        self.people = QLabel()
        self.households = QLabel()
        self.incidents = QLabel()
        self.incidents.setTextFormat(Qt.TextFormat.RichText)
        close = QPushButton("×")
        close.setFlat(True)
        close.setFixedWidth(28)
        close.clicked.connect(self.hide)
        layout.addWidget(close, alignment=Qt.AlignmentFlag.AlignRight)
        for w in (self.title, self.people, self.households, self.incidents):
            w.setWordWrap(True)
            layout.addWidget(w)
        self.setFixedWidth(340)
        self.detail: CellDetail | None = None
        self.hide()

    def show_detail(self, d: CellDetail) -> None:
        self.detail = d
        self.title.setText(f"{_tr('网格')} {d.code}  ·  {d.township}")
        self.people.setText(
            f"{_tr('网格长')}: {'、'.join(d.grid_heads) or '—'}\n"
            f"{_tr('专职网格员')}: {'、'.join(d.full_time) or '—'}\n"
            f"{_tr('兼职网格员')}: {'、'.join(d.part_time) or '—'}"
        )
        self.households.setText(
            f"{_tr('户数')} {d.households:,} · {_tr('人口')} {d.population:,}"
            f" · {_tr('企业')} {d.enterprises}"
        )
        rows = [f"<b>{_tr('未办结事件')} {len(d.open_incidents)}</b>"]
        for i in d.open_incidents[: self.MAX_ROWS]:
            when = (i.reported_at.replace(tzinfo=UTC) + CST).strftime("%m-%d %H:%M")
            flag = f" <span style='color:#ff6b6b'>{_tr('超期')}</span>" if i.overdue else ""
            rows.append(f"#{i.id} {category_label(i.category)} · {status_label(i.status)} · {when}{flag}")
        if len(d.open_incidents) > self.MAX_ROWS:
            rows.append(f"… {len(d.open_incidents) - self.MAX_ROWS} {_tr('件')}")
        self.incidents.setText("<br>".join(rows))
        self.adjustSize()
        self.move(72, 16)  # right of Leaflet's zoom buttons
        self.show()
        self.raise_()
