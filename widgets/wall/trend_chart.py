"""Trend charts (pyqtgraph): today by hour against yesterday, and the last 30 days.

Each chart builds its plot once and keeps its PlotDataItems; updates call `setData`.
Colours come from QSS (`qproperty-primaryColor` etc.), fonts from the wall's UI scale.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pyqtgraph as pg
from PySide6.QtCore import Property, QCoreApplication, QEvent, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QResizeEvent
from PySide6.QtWidgets import QGraphicsItem, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from services.wall.situation import DayCount
from widgets.style_sheet import restyle

FONT_FAMILIES = ["WenQuanYi Zen Hei", "Noto Sans CJK SC", "Microsoft YaHei", "sans-serif"]


NICE_STEPS = (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)


def nice_ceiling(value: float) -> float:
    """The smallest 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 × 10^k not below `value` (> 0)."""
    if value <= 0:
        return 1.0
    magnitude = 10.0 ** math.floor(math.log10(value))
    # 10 is the last step, so one always fits (the tolerance absorbs log10's rounding)
    floor = value * (1 - 1e-9)
    return next(round(step * magnitude, 9) for step in NICE_STEPS if step * magnitude >= floor)


def _font(pixel_size: int) -> QFont:
    font = QFont()
    font.setFamilies(FONT_FAMILIES)
    font.setPixelSize(max(6, pixel_size))
    return font


class _Chart(QWidget):
    """A legend row over a non-interactive pyqtgraph plot, themed through Qt properties."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._primary = QColor("#21d4fd")
        self._secondary = QColor("#8a9bb8")
        self._axis = QColor("#6f8db5")
        self._grid = QColor("#1d3d66")
        self._scale = 1.0
        self._ready = False  # QSS may set colours before a subclass has built its items
        self._y_top: float | None = None
        self._bottom_ticks: list[tuple[float, str]] | None = None

        self.plot_widget = pg.PlotWidget(self, background=None)
        restyle(self.plot_widget, "background: transparent; border: none;")
        self.plot_widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.plot_widget.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.plot = self.plot_widget.getPlotItem()
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.plot.showGrid(x=False, y=True, alpha=1.0)
        self.plot.getViewBox().setLimits(yMin=0)
        self.plot.getViewBox().disableAutoRange()
        # The axes (their tick labels, and the left one's grid lines) change only when a
        # range or the scale does; kept as pixmaps, a repaint of the plot under a changed
        # legend or series blits them instead of drawing every label's text again.
        for name in ("left", "bottom"):
            self.plot.getAxis(name).setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

        # The legend floats over the top of the plot (the y range leaves headroom for it),
        # which saves a text line in a crowded side column.
        self.legend = QWidget(self.plot_widget)
        self.legend.setObjectName("chartLegend")
        self.legend.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self._legend_layout = QHBoxLayout(self.legend)
        self._legend_layout.setContentsMargins(0, 0, 0, 0)
        self._legend_layout.addStretch(1)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.plot_widget, 1)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._place_legend()

    def _place_legend(self) -> None:
        left = self.plot.getAxis("left").width() + round(10 * self._scale)
        hint = self.legend.sizeHint()
        self.legend.setGeometry(
            int(left), 0, max(0, self.plot_widget.width() - int(left)), hint.height()
        )

    def _set_y_max(self, peak: float) -> None:
        """Headroom above the data for the floating legend, rounded up to a step of the
        scale: the range (and with it the axis, its labels and its cached pixmap) changes
        when the data crosses a step, not with every new report."""
        top = nice_ceiling(max(1.0, peak) * 1.35)
        if top != self._y_top:
            self._y_top = top
            self.plot.setYRange(0, top, padding=0)

    def _set_bottom_ticks(self, ticks: list[tuple[float, str]]) -> None:
        """The bottom axis' labels; the same ones again leave its cached pixmap as it is."""
        if ticks != self._bottom_ticks:
            self._bottom_ticks = ticks
            self.plot.getAxis("bottom").setTicks([ticks])

    def _legend_label(self) -> QLabel:
        label = QLabel(self.legend)
        label.setObjectName("chartLegendItem")
        self._legend_layout.insertWidget(self._legend_layout.count() - 1, label)
        return label

    # -- theme properties (set from QSS: qproperty-primaryColor: #21d4fd;) ---------------
    def _get_primary(self) -> QColor:
        return self._primary

    def _set_primary(self, c: QColor) -> None:
        self._primary = QColor(c)
        self._apply_style()

    def _get_secondary(self) -> QColor:
        return self._secondary

    def _set_secondary(self, c: QColor) -> None:
        self._secondary = QColor(c)
        self._apply_style()

    def _get_axis(self) -> QColor:
        return self._axis

    def _set_axis(self, c: QColor) -> None:
        self._axis = QColor(c)
        self._apply_style()

    def _get_grid(self) -> QColor:
        return self._grid

    def _set_grid(self, c: QColor) -> None:
        self._grid = QColor(c)
        self._apply_style()

    primaryColor = Property(QColor, _get_primary, _set_primary)  # noqa: N815
    secondaryColor = Property(QColor, _get_secondary, _set_secondary)  # noqa: N815
    axisColor = Property(QColor, _get_axis, _set_axis)  # noqa: N815
    gridColor = Property(QColor, _get_grid, _set_grid)  # noqa: N815

    def set_ui_scale(self, scale: float) -> None:
        self._scale = scale
        self._legend_layout.setSpacing(round(18 * scale))
        self._apply_style()

    def _apply_style(self) -> None:
        if not self._ready:
            return
        s = self._scale
        font = _font(round(14 * s))
        fm = QFontMetrics(font)
        for name in ("left", "bottom"):
            axis = self.plot.getAxis(name)
            axis.setStyle(tickFont=font, tickLength=round(-4 * s), tickTextOffset=round(4 * s))
            axis.setPen(pg.mkPen(self._grid, width=max(1.0, s)))
            axis.setTextPen(pg.mkPen(self._axis))
        # Fixed axis sizes keep the plot from jumping when the numbers change width.
        self.plot.getAxis("left").setWidth(fm.horizontalAdvance("00000") + round(8 * s))
        self.plot.getAxis("bottom").setHeight(fm.height() + round(6 * s))
        self.legend.adjustSize()
        self._place_legend()
        grid_alpha = self._grid.alpha()
        self.plot.getAxis("left").setGrid(grid_alpha if grid_alpha < 255 else 90)
        self._apply_series_style()
        self._refresh_legend()

    def _apply_series_style(self) -> None:  # pragma: no cover - overridden
        pass

    def _refresh_legend(self) -> None:  # pragma: no cover - overridden
        pass

    def _swatch(self, color: QColor, dashed: bool, text: str) -> str:
        mark = "┅" if dashed else "━"
        return f'<span style="color:{color.name()}">{mark}</span> {text}'

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._refresh_legend()
            self._refresh_ticks()
        super().changeEvent(event)

    def _refresh_ticks(self) -> None:  # pragma: no cover - overridden
        pass


class HourlyTrendChart(_Chart):
    """Reports per hour today (solid, filled, up to the current hour) vs yesterday (dashed)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.today_legend = self._legend_label()
        self.yesterday_legend = self._legend_label()
        self.yesterday_item = pg.PlotDataItem(antialias=True)
        self.today_item = pg.PlotDataItem(antialias=True, fillLevel=0)
        self.now_item = pg.ScatterPlotItem()
        self.plot.addItem(self.yesterday_item)
        self.plot.addItem(self.today_item)
        self.plot.addItem(self.now_item)
        self.plot.setXRange(-0.3, 23.3, padding=0)
        self._set_y_max(0)
        self._today: tuple[int, ...] = ()
        self._yesterday: tuple[int, ...] = ()
        self._drawn: tuple[tuple[int, ...], tuple[int, ...], int] | None = None
        self._ready = True
        self._refresh_ticks()
        self._apply_style()

    def set_data(
        self, today: Sequence[int], yesterday: Sequence[int], current_hour: int = 23
    ) -> None:
        """24 hourly counts each; today is drawn up to `current_hour` (local) only.

        A snapshot that leaves the series as they are redraws nothing (most snapshots of a
        busy wall change other counts; rebuilding the curves was the wall's largest cost)."""
        drawn = (tuple(today), tuple(yesterday), current_hour)
        if drawn == self._drawn:
            return
        self._drawn = drawn
        self._today = tuple(today)
        self._yesterday = tuple(yesterday)
        upto = max(0, min(current_hour, len(self._today) - 1))
        shown = self._today[: upto + 1]
        self.yesterday_item.setData(list(range(len(self._yesterday))), list(self._yesterday))
        self.today_item.setData(list(range(len(shown))), list(shown))
        if shown:
            self.now_item.setData([len(shown) - 1], [shown[-1]])
        else:
            self.now_item.setData([], [])
        self._set_y_max(max((*self._today, *self._yesterday), default=0))
        self._refresh_legend()

    def series(self) -> tuple[tuple[float, ...], tuple[float, ...]]:
        """(today y values drawn, yesterday y values drawn) — for tests."""
        _, ty = self.today_item.getData()
        _, yy = self.yesterday_item.getData()
        return (
            tuple(float(v) for v in (ty if ty is not None else ())),
            tuple(float(v) for v in (yy if yy is not None else ())),
        )

    def legend_labels(self) -> tuple[str, str]:
        return (
            QCoreApplication.translate("TrendChart", "今日"),
            QCoreApplication.translate("TrendChart", "昨日"),
        )

    def _refresh_legend(self) -> None:
        today, yesterday = self.legend_labels()
        total_t = sum(self._today)
        total_y = sum(self._yesterday)
        self.today_legend.setText(self._swatch(self._primary, False, f"{today} {total_t:,}"))
        self.yesterday_legend.setText(
            self._swatch(self._secondary, True, f"{yesterday} {total_y:,}")
        )
        self._place_legend()

    def _refresh_ticks(self) -> None:
        self._set_bottom_ticks([(h, f"{h:02d}:00") for h in range(0, 24, 4)])

    def _apply_series_style(self) -> None:
        s = self._scale
        fill = QColor(self._primary)
        fill.setAlpha(60)
        self.today_item.setPen(pg.mkPen(self._primary, width=2.5 * s))
        self.today_item.setFillBrush(pg.mkBrush(fill))
        self.yesterday_item.setPen(
            pg.mkPen(self._secondary, width=1.8 * s, style=Qt.PenStyle.DashLine)
        )
        self.now_item.setPen(pg.mkPen("w", width=1.5 * s))
        self.now_item.setBrush(pg.mkBrush(self._primary))
        self.now_item.setSize(9 * s)


class DailyTrendChart(_Chart):
    """Reports per day over the last 30 days, today last."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.total_legend = self._legend_label()
        self.average_legend = self._legend_label()
        self.day_item = pg.PlotDataItem(antialias=True, fillLevel=0)
        self.today_item = pg.ScatterPlotItem()
        self.plot.addItem(self.day_item)
        self.plot.addItem(self.today_item)
        self._days: tuple[DayCount, ...] = ()
        self._days_drawn = False
        self._ready = True
        self._apply_style()
        self._refresh_legend()

    def set_data(self, days: Sequence[DayCount]) -> None:
        """One point per day; the same days as last time redraw nothing."""
        if self._days_drawn and tuple(days) == self._days:
            return
        self._days_drawn = True
        self._days = tuple(days)
        xs = list(range(len(self._days)))
        ys = [d.count for d in self._days]
        self.day_item.setData(xs, ys)
        if ys:
            self.today_item.setData([xs[-1]], [ys[-1]])
            self.plot.setXRange(-0.5, len(ys) - 0.5, padding=0)
        else:
            self.today_item.setData([], [])
        self._set_y_max(max(ys, default=0))
        self._refresh_ticks()
        self._refresh_legend()

    def days(self) -> tuple[DayCount, ...]:
        return self._days

    def _refresh_legend(self) -> None:
        n = len(self._days)
        total = sum(d.count for d in self._days)
        label = QCoreApplication.translate("TrendChart", "近{n}日上报").format(n=n or 30)
        self.total_legend.setText(self._swatch(self._primary, False, f"{label} {total:,}"))
        avg = QCoreApplication.translate("TrendChart", "日均")
        self.average_legend.setText(f"{avg} {round(total / n) if n else 0:,}")
        self._place_legend()

    def _refresh_ticks(self) -> None:
        n = len(self._days)
        ticks: list[tuple[float, str]] = []
        # Weekly ticks counted back from today; today itself is the highlighted point.
        for i in range(n - 1 - 3, -1, -7):
            day = self._days[i].day
            ticks.append((i, day[5:] if len(day) >= 10 else day))  # "2026-11-24" → "11-24"
        self._set_bottom_ticks(sorted(ticks))

    def _apply_series_style(self) -> None:
        s = self._scale
        fill = QColor(self._primary)
        fill.setAlpha(55)
        self.day_item.setPen(pg.mkPen(self._primary, width=2.2 * s))
        self.day_item.setFillBrush(pg.mkBrush(fill))
        self.today_item.setPen(pg.mkPen("w", width=1.5 * s))
        self.today_item.setBrush(pg.mkBrush(self._primary))
        self.today_item.setSize(9 * s)
