"""The handover report as a document: HTML for the console's report view, and an A4 PDF
for printing (QPdfWriter + QTextDocument), with the shift's KPI chart drawn by QPainter.

`report_document` builds the QTextDocument (also shown in the panel); `write_pdf` lays it
out on A4 pages with a running header and "第 x 页 / 共 n 页" footers;
`export_handover_cli` is the `console.py handover export` command.
"""

from __future__ import annotations

import html
import os
import sys
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import (
    QCoreApplication,
    QMarginsF,
    QPointF,
    QRectF,
    QSizeF,
    Qt,
    QUrl,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QGuiApplication,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
    QTextDocument,
)

from services.handover.signoff import HandoverView
from services.handover.snapshot import CaseLine, HandoverReport
from widgets.incident_labels import priority_label
from widgets.labels import category_label, status_label
from widgets.risk.risk_alerts import domain_name, level_name
from widgets.translate import QT_TRANSLATE_NOOP

CONTEXT = "HandoverPdf"
FONT_FAMILIES = ["WenQuanYi Zen Hei", "Noto Sans CJK SC", "Microsoft YaHei", "sans-serif"]
CHART_URL = QUrl("handover://kpi-chart.png")
DPI = 300
MARGIN_MM = 16.0
HEADER_MM = 8.0  # running header above the body, footer below it
TZ = "Asia/Shanghai"

STATE_NAMES = {
    "submitted": QT_TRANSLATE_NOOP("HandoverPdf", "已提交，待接班确认"),
    "rejected": QT_TRANSLATE_NOOP("HandoverPdf", "已退回，待交班人答复"),
    "accepted": QT_TRANSLATE_NOOP("HandoverPdf", "已签收"),
    "draft": QT_TRANSLATE_NOOP("HandoverPdf", "草稿（尚未提交）"),
}
STEP_NAMES = {
    "submit": QT_TRANSLATE_NOOP("HandoverPdf", "提交"),
    "reject": QT_TRANSLATE_NOOP("HandoverPdf", "退回"),
    "answer": QT_TRANSLATE_NOOP("HandoverPdf", "答复"),
    "accept": QT_TRANSLATE_NOOP("HandoverPdf", "签收"),
}
LOG_KINDS = {
    "event": QT_TRANSLATE_NOOP("HandoverPdf", "事件"),
    "instruction": QT_TRANSLATE_NOOP("HandoverPdf", "领导指示"),
    "correction": QT_TRANSLATE_NOOP("HandoverPdf", "更正"),
}
UNIT_STATUS = {"unavailable": QT_TRANSLATE_NOOP("HandoverPdf", "停用"), "dispatched": QT_TRANSLATE_NOOP("HandoverPdf", "已派出"), "en_route": QT_TRANSLATE_NOOP("HandoverPdf", "在途"),
               "on_scene": QT_TRANSLATE_NOOP("HandoverPdf", "到场"), "returning": QT_TRANSLATE_NOOP("HandoverPdf", "返回中"), "available": QT_TRANSLATE_NOOP("HandoverPdf", "待命")}  # fmt: skip
DISPATCH_STATUS = UNIT_STATUS
ALERT_STATUS = {
    "open": QT_TRANSLATE_NOOP("HandoverPdf", "待签收"),
    "acknowledged": QT_TRANSLATE_NOOP("HandoverPdf", "已签收"),
    "closed": QT_TRANSLATE_NOOP("HandoverPdf", "已解除"),
}
MINUTE_KINDS = {
    "decision": QT_TRANSLATE_NOOP("HandoverPdf", "决定"),
    "task": QT_TRANSLATE_NOOP("HandoverPdf", "任务"),
}


def tr(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


def _t(at: datetime | None, fmt: str = "%m-%d %H:%M") -> str:
    if at is None:
        return "—"
    return at.replace(tzinfo=UTC).astimezone(ZoneInfo(TZ)).strftime(fmt)


def _e(text: object) -> str:
    return html.escape(str(text))


def shift_title(report: HandoverReport) -> str:
    """ "2026-03-02 08:00 – 20:00 白班" in China time."""
    start = report.shift.starts_at.replace(tzinfo=UTC).astimezone(ZoneInfo(TZ))
    end = report.shift.ends_at.replace(tzinfo=UTC).astimezone(ZoneInfo(TZ))
    kind = (
        QCoreApplication.translate("HandoverPdf", "白班")
        if 6 <= start.hour < 18
        else QCoreApplication.translate("HandoverPdf", "夜班")
    )
    end_fmt = "%H:%M" if end.date() == start.date() else "%m-%d %H:%M"
    return f"{start:%Y-%m-%d %H:%M} – {end.strftime(end_fmt)} {kind}"


# --------------------------------------------------------------------------- the chart


def _nice_top(value: int) -> int:
    """The smallest 4 × (1, 2 or 5 × 10^n) at or above `value`: four even axis steps."""
    step = 1
    while True:
        for m in (1, 2, 5):
            if 4 * step * m >= value:
                return 4 * step * m
        step *= 10


def kpi_chart(report: HandoverReport, width: int = 2400, height: int = 900) -> QImage:
    """Bars of reported and resolved per hour, a line of open cases at each hour's end."""
    img = QImage(width, height, QImage.Format.Format_ARGB32)
    img.fill(QColor("white"))
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    font = QFont()
    font.setFamilies(FONT_FAMILIES)
    font.setPixelSize(int(height * 0.045))
    p.setFont(font)
    hours = report.hourly
    left, right, top, bottom = width * 0.07, width * 0.93, height * 0.14, height * 0.86
    plot_w, plot_h = right - left, bottom - top
    bars_max = _nice_top(max([1] + [max(h.reported, h.resolved) for h in hours]))
    line_max = _nice_top(max([1] + [h.open_at_end for h in hours] + [report.kpis.open_at_start]))
    axis = QPen(QColor("#555555"))
    axis.setWidthF(2)
    p.setPen(axis)
    p.drawLine(QPointF(left, bottom), QPointF(right, bottom))
    p.drawLine(QPointF(left, top), QPointF(left, bottom))
    p.drawLine(QPointF(right, top), QPointF(right, bottom))
    grid = QPen(QColor("#dddddd"))
    grid.setWidthF(1.5)
    fm_h = font.pixelSize()
    for k in range(1, 5):
        y = bottom - plot_h * k / 4
        p.setPen(grid)
        p.drawLine(QPointF(left, y), QPointF(right, y))
        p.setPen(QColor("#1f5fbf"))
        p.drawText(
            QRectF(0, y - fm_h, left - 12, 2 * fm_h),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            f"{bars_max * k // 4}",
        )
        p.setPen(QColor("#d9822b"))
        p.drawText(
            QRectF(right + 12, y - fm_h, width - right - 12, 2 * fm_h),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            f"{line_max * k // 4}",
        )
    n = max(1, len(hours))
    slot = plot_w / n
    bar_w = slot * 0.34
    for i, h in enumerate(hours):
        x0 = left + slot * i + slot * 0.14
        for j, (value, colour) in enumerate(((h.reported, "#2f6fd6"), (h.resolved, "#3aa35b"))):
            bh = plot_h * value / bars_max
            p.fillRect(QRectF(x0 + j * bar_w, bottom - bh, bar_w * 0.95, bh), QColor(colour))
        p.setPen(QColor("#333333"))
        p.drawText(
            QRectF(left + slot * i, bottom + 6, slot, fm_h * 1.6),
            Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
            _t(h.start, "%H"),
        )
    line = QPen(QColor("#d9822b"))
    line.setWidthF(max(2.0, height * 0.0067))
    p.setPen(line)
    pts = [QPointF(left, bottom - plot_h * report.kpis.open_at_start / line_max)]
    pts += [QPointF(left + slot * (i + 1), bottom - plot_h * h.open_at_end / line_max)
            for i, h in enumerate(hours)]  # fmt: skip
    for a, b in zip(pts, pts[1:], strict=False):
        p.drawLine(a, b)
    for pt in pts:
        p.setBrush(QColor("#d9822b"))
        p.drawEllipse(pt, height * 0.01, height * 0.01)
    # Legend across the top.
    x = left
    for label, colour, is_line in ((QCoreApplication.translate("HandoverPdf", "新上报（件/时）"), "#2f6fd6", False),
                                   (QCoreApplication.translate("HandoverPdf", "办结（件/时）"), "#3aa35b", False),
                                   (QCoreApplication.translate("HandoverPdf", "未办结（右轴，时末）"), "#d9822b", True)):  # fmt: skip
        if is_line:
            p.setPen(line)
            p.drawLine(QPointF(x, top * 0.5), QPointF(x + fm_h * 1.6, top * 0.5))
        else:
            p.fillRect(QRectF(x, top * 0.5 - fm_h * 0.4, fm_h * 1.6, fm_h * 0.8), QColor(colour))
        p.setPen(QColor("#222222"))
        rect = QRectF(x + fm_h * 2, top * 0.5 - fm_h, width, fm_h * 2)
        p.drawText(rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, label)
        x += fm_h * 2.4 + p.fontMetrics().horizontalAdvance(label) + fm_h * 2
    p.setPen(QColor("#666666"))
    p.drawText(
        QRectF(left, bottom + fm_h * 1.5, plot_w, fm_h * 1.6),
        Qt.AlignmentFlag.AlignHCenter,
        QCoreApplication.translate("HandoverPdf", "时（北京时间）"),
    )
    p.end()
    return img


# --------------------------------------------------------------------------- HTML

CSS = """
body { font-family: 'WenQuanYi Zen Hei'; font-size: 10pt; color: #111; }
h1 { font-size: 17pt; margin: 0 0 2pt 0; }
h2 { font-size: 12.5pt; margin: 12pt 0 4pt 0; color: #123b7a; }
h3 { font-size: 10.5pt; margin: 8pt 0 3pt 0; }
p { margin: 2pt 0; }
table { border-collapse: collapse; }
th { background: #e8eef8; font-weight: bold; }
td, th { padding: 2pt 4pt; font-size: 9pt; }
.sub { color: #444; }
.late { color: #b00020; font-weight: bold; }
.sup { color: #9a5b00; font-weight: bold; }
.note { color: #555; font-size: 9pt; }
"""


def _table(headers: list[str], rows: list[list[str]], widths: list[int] | None = None) -> str:
    """A bordered full-width table; cells are HTML (escape before)."""
    out = ['<table width="100%" border="1" cellspacing="0" cellpadding="3" '
           'style="border-color:#999999;">']  # fmt: skip
    cells = []
    for k, h in enumerate(headers):
        width = f' width="{widths[k]}%"' if widths else ""
        cells.append(f'<th{width} align="left">{_e(h)}</th>')
    out.append("<thead><tr>" + "".join(cells) + "</tr></thead>")
    for row in rows:
        out.append("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>")
    out.append("</table>")
    return "".join(out)


def _case_rows(cases: tuple[CaseLine, ...], *, deadlines: bool) -> list[list[str]]:
    rows = []
    for c in cases:
        flags = []
        if c.supervised:
            flags.append(
                f'<span class="sup">{_e(QCoreApplication.translate("HandoverPdf", "督办"))}</span>'
            )
        if c.overdue:
            flags.append(
                f'<span class="late">{_e(QCoreApplication.translate("HandoverPdf", "超期"))}</span>'
            )
        text = c.description or c.address
        row = [f"#{c.id}", _e(category_label(c.category)), _e(status_label(c.status)),
               _e(priority_label(c.priority)), _t(c.reported_at)]  # fmt: skip
        if deadlines:
            dl = _t(c.resolve_deadline)
            if c.overdue:
                dl = f'<span class="late">{dl}</span>'
            row += [dl, _t(c.supervision_deadline) if c.supervision_deadline else "—"]
        else:
            row.append(_t(c.resolved_at) if c.resolved_at else "—")
        row.append(" ".join(flags + [_e(text[:40])]))
        rows.append(row)
    return rows


def _more(total: int, shown: int) -> str:
    if total > shown:
        return f'<p class="note">{_e(QCoreApplication.translate("HandoverPdf", "另有 {n} 件未列出（共 {total} 件）").format(n=total - shown, total=total))}</p>'  # noqa: E501
    return ""


def report_html(report: HandoverReport, handover: HandoverView | None) -> str:
    """The whole report as Qt rich-text HTML (the chart is the `handover://` image)."""
    r = report
    k = r.kpis
    parts = [f"<html><head><style>{CSS}</style></head><body>"]
    parts.append(
        f"<h1>{_e(r.center_name)} · {_e(QCoreApplication.translate('HandoverPdf', '交接班报告'))}</h1>"
    )
    parts.append(f'<p class="sub">{_e(QCoreApplication.translate("HandoverPdf", "班次"))}：{_e(shift_title(r))}　'
                 f'{_e(QCoreApplication.translate("HandoverPdf", "报告生成"))}：{_t(r.generated_at, "%Y-%m-%d %H:%M")}</p>')  # fmt: skip
    s = r.shift
    duty = _table(
        [QCoreApplication.translate("HandoverPdf", "值班员"), QCoreApplication.translate("HandoverPdf", "副班"), QCoreApplication.translate("HandoverPdf", "带班领导"), QCoreApplication.translate("HandoverPdf", "签到"), QCoreApplication.translate("HandoverPdf", "接班值班员")],
        [[_e(s.duty_officer or "—"), _e(s.second_officer or "—"), _e(s.leader or "—"),
          _t(s.checked_in_at), _e(s.incoming_officer or "—")]],
    )  # fmt: skip
    parts.append(duty)
    # Sign-off
    state = handover.status if handover is not None else "draft"
    parts.append(f"<h2>{_e(QCoreApplication.translate('HandoverPdf', '交接签字'))}</h2>")
    parts.append(
        f"<p><b>{_e(QCoreApplication.translate('HandoverPdf', '状态'))}：{_e(tr(STATE_NAMES.get(state, state)))}</b></p>"
    )
    if handover is not None:
        parts.append(_table(
            [QCoreApplication.translate("HandoverPdf", "交班人"), QCoreApplication.translate("HandoverPdf", "提交时间"), QCoreApplication.translate("HandoverPdf", "接班人"), QCoreApplication.translate("HandoverPdf", "签收时间")],
            [[_e(handover.submitted_by or "—"), _t(handover.submitted_at),
              _e(handover.accepted_by or "—"), _t(handover.accepted_at)]],
        ))  # fmt: skip
        if handover.notes:
            parts.append(
                f"<p><b>{_e(QCoreApplication.translate('HandoverPdf', '交班说明'))}：</b>{_e(handover.notes)}</p>"
            )
        if handover.steps:
            parts.append(f"<h3>{_e(QCoreApplication.translate('HandoverPdf', '交接过程'))}</h3>")
            parts.append(_table(
                [QCoreApplication.translate("HandoverPdf", "时间"), QCoreApplication.translate("HandoverPdf", "环节"), QCoreApplication.translate("HandoverPdf", "人员"), QCoreApplication.translate("HandoverPdf", "内容")],
                [[_t(st.at), _e(tr(STEP_NAMES.get(st.action, st.action))), _e(st.staff),
                  _e(st.text or "—")] for st in handover.steps],
                [14, 10, 12, 64],
            ))  # fmt: skip
    # 1. Overview
    parts.append(f"<h2>{_e(QCoreApplication.translate('HandoverPdf', '一、本班概况'))}</h2>")
    rate = f"{k.on_time_rate:.0%}" if k.on_time_rate is not None else "—"
    low = f"{k.low_share:.0%}" if k.low_share is not None else "—"
    parts.append(_table(
        [QCoreApplication.translate("HandoverPdf", "新上报"), QCoreApplication.translate("HandoverPdf", "办结"), QCoreApplication.translate("HandoverPdf", "班初未办结"), QCoreApplication.translate("HandoverPdf", "班末未办结"), QCoreApplication.translate("HandoverPdf", "班末超期"),
         QCoreApplication.translate("HandoverPdf", "当前督办"), QCoreApplication.translate("HandoverPdf", "按时受理率"), QCoreApplication.translate("HandoverPdf", "基层办结占比")],
        [[str(k.reported), str(k.resolved), str(k.open_at_start), str(k.open_at_end),
          str(k.overdue_at_end), str(r.supervised_total), rate, low]],
    ))  # fmt: skip
    parts.append(f'<p align="center"><img src="{CHART_URL.toString()}" width="{{chart_w}}"></p>')
    # 2. Attention
    parts.append(
        f"<h2>{_e(QCoreApplication.translate('HandoverPdf', '二、重点关注：督办与超期事件'))}</h2>"
    )
    parts.append(
        f"<p>{_e(QCoreApplication.translate('HandoverPdf', '当前未办结 {open} 件，其中超期 {late} 件、督办中 {sup} 件。').format(open=r.open_total, late=r.overdue_total, sup=r.supervised_total))}</p>"
    )  # noqa: E501
    heads = [QCoreApplication.translate("HandoverPdf", "编号"), QCoreApplication.translate("HandoverPdf", "类别"), QCoreApplication.translate("HandoverPdf", "状态"), QCoreApplication.translate("HandoverPdf", "紧急"), QCoreApplication.translate("HandoverPdf", "上报"), QCoreApplication.translate("HandoverPdf", "办结时限"),
             QCoreApplication.translate("HandoverPdf", "督办时限"), QCoreApplication.translate("HandoverPdf", "说明")]  # fmt: skip
    widths = [7, 10, 8, 6, 12, 12, 12, 33]
    if r.attention:
        parts.append(_table(heads, _case_rows(r.attention, deadlines=True), widths))
        parts.append(_more(r.attention_total, len(r.attention)))
    else:
        parts.append(
            f"<p>{_e(QCoreApplication.translate('HandoverPdf', '无督办或超期事件。'))}</p>"
        )
    # 3. Open by state
    parts.append(
        f"<h2>{_e(QCoreApplication.translate('HandoverPdf', '三、未办结事件（按状态）'))}</h2>"
    )
    if not r.open_groups:
        parts.append(f"<p>{_e(QCoreApplication.translate('HandoverPdf', '无未办结事件。'))}</p>")
    for g in r.open_groups:
        parts.append(f"<h3>{_e(status_label(g.status))} {g.total} {_e(QCoreApplication.translate('HandoverPdf', '件'))}"
                     f"（{_e(QCoreApplication.translate('HandoverPdf', '超期'))} {g.overdue}，{_e(QCoreApplication.translate('HandoverPdf', '督办'))} {g.supervised}）</h3>")  # fmt: skip
        parts.append(_table(heads, _case_rows(g.cases, deadlines=True), widths))
        parts.append(_more(g.total, len(g.cases)))
    # 4. Opened and resolved in the shift
    parts.append(
        f"<h2>{_e(QCoreApplication.translate('HandoverPdf', '四、本班新上报与办结'))}</h2>"
    )
    done_heads = [QCoreApplication.translate("HandoverPdf", "编号"), QCoreApplication.translate("HandoverPdf", "类别"), QCoreApplication.translate("HandoverPdf", "状态"), QCoreApplication.translate("HandoverPdf", "紧急"), QCoreApplication.translate("HandoverPdf", "上报"), QCoreApplication.translate("HandoverPdf", "办结"),
                  QCoreApplication.translate("HandoverPdf", "说明")]  # fmt: skip
    done_w = [7, 10, 8, 6, 12, 12, 45]
    parts.append(
        f"<h3>{_e(QCoreApplication.translate('HandoverPdf', '本班新上报'))} {r.opened_total} {_e(QCoreApplication.translate('HandoverPdf', '件'))}</h3>"
    )
    if r.opened:
        parts.append(_table(done_heads, _case_rows(r.opened, deadlines=False), done_w))
        parts.append(_more(r.opened_total, len(r.opened)))
    parts.append(
        f"<h3>{_e(QCoreApplication.translate('HandoverPdf', '本班办结'))} {r.resolved_total} {_e(QCoreApplication.translate('HandoverPdf', '件'))}</h3>"
    )
    if r.resolved:
        parts.append(_table(done_heads, _case_rows(r.resolved, deadlines=False), done_w))
        parts.append(_more(r.resolved_total, len(r.resolved)))
    # 5. Dispatch
    parts.append(f"<h2>{_e(QCoreApplication.translate('HandoverPdf', '五、联动处置'))}</h2>")
    parts.append(
        f"<h3>{_e(QCoreApplication.translate('HandoverPdf', '在途派遣'))} {len(r.dispatches)}</h3>"
    )
    if r.dispatches:
        parts.append(_table(
            [QCoreApplication.translate("HandoverPdf", "派遣"), QCoreApplication.translate("HandoverPdf", "事件"), QCoreApplication.translate("HandoverPdf", "单位"), QCoreApplication.translate("HandoverPdf", "状态"), QCoreApplication.translate("HandoverPdf", "派出时间")],
            [[f"#{d.id}", f"#{d.incident_id} {_e(category_label(d.category))}", _e(d.unit),
              _e(tr(DISPATCH_STATUS.get(d.status, d.status))), _t(d.dispatched_at)]
             for d in r.dispatches],
        ))  # fmt: skip
    parts.append(
        f"<h3>{_e(QCoreApplication.translate('HandoverPdf', '停用单位'))} {r.units_out_total}</h3>"
    )
    if r.units_out:
        parts.append(_table(
            [QCoreApplication.translate("HandoverPdf", "单位"), QCoreApplication.translate("HandoverPdf", "状态"), QCoreApplication.translate("HandoverPdf", "自")],
            [[_e(u.name), _e(tr(UNIT_STATUS.get(u.status, u.status))), _t(u.since)]
             for u in r.units_out], [60, 15, 25],
        ))  # fmt: skip
        parts.append(_more(r.units_out_total, len(r.units_out)))
    # 6. Conferences
    parts.append(
        f"<h2>{_e(QCoreApplication.translate('HandoverPdf', '六、视频会商与决定事项'))}</h2>"
    )
    if not r.conferences:
        parts.append(
            f"<p>{_e(QCoreApplication.translate('HandoverPdf', '本班未召开视频会商。'))}</p>"
        )
    for c in r.conferences:
        absent = (
            "、".join(c.absent) if c.absent else QCoreApplication.translate("HandoverPdf", "无")
        )
        parts.append(f"<h3>{_e(c.title)}（{_t(c.started_at, '%H:%M')}–"
                     f"{_t(c.ended_at, '%H:%M') if c.ended_at else _e(QCoreApplication.translate('HandoverPdf', '进行中'))}）</h3>")  # fmt: skip
        parts.append(f"<p>{_e(QCoreApplication.translate('HandoverPdf', '召集'))}：{_e(c.convened_by)}　{_e(QCoreApplication.translate('HandoverPdf', '参会'))} "
                     f"{c.present}/{c.participants}　{_e(QCoreApplication.translate('HandoverPdf', '未到'))}：{_e(absent)}</p>")  # fmt: skip
        if c.minutes:
            parts.append(_table(
                [QCoreApplication.translate("HandoverPdf", "时间"), QCoreApplication.translate("HandoverPdf", "类型"), QCoreApplication.translate("HandoverPdf", "内容"), QCoreApplication.translate("HandoverPdf", "责任")],
                [[_t(m.at, "%H:%M"), _e(tr(MINUTE_KINDS.get(m.kind, m.kind))), _e(m.text),
                  _e(m.owner)] for m in c.minutes], [10, 10, 60, 20],
            ))  # fmt: skip
    # 7. Risk alerts
    parts.append(f"<h2>{_e(QCoreApplication.translate('HandoverPdf', '七、风险预警'))}</h2>")
    parts.append(
        f"<p>{_e(QCoreApplication.translate('HandoverPdf', '本班新发预警 {n} 条；辖区当前未解除预警 {open} 条。').format(n=len(r.alerts), open=r.alerts_open_total))}</p>"
    )  # noqa: E501
    if r.alerts:
        parts.append(_table(
            [QCoreApplication.translate("HandoverPdf", "时间"), QCoreApplication.translate("HandoverPdf", "级别"), QCoreApplication.translate("HandoverPdf", "领域"), QCoreApplication.translate("HandoverPdf", "内容"), QCoreApplication.translate("HandoverPdf", "状态")],
            [[_t(a.raised_at), _e(level_name(a.level)), _e(domain_name(a.domain)), _e(a.text),
              _e(tr(ALERT_STATUS.get(a.status, a.status)))] for a in r.alerts],
            [13, 8, 12, 55, 12],
        ))  # fmt: skip
    # 8. Video
    cam = r.cameras
    parts.append(
        f"<h2>{_e(QCoreApplication.translate('HandoverPdf', '八、视频监控与视联网'))}</h2>"
    )
    parts.append(
        f"<p>{_e(QCoreApplication.translate('HandoverPdf', '监控 {total} 路：在线 {on}，离线 {off}。会商点名未应答 {absent} 个会场。').format(total=cam.total, on=cam.online, off=cam.offline, absent=cam.rooms_absent))}</p>"
    )  # noqa: E501
    if cam.offline_names:
        parts.append(f'<p class="note">{_e(QCoreApplication.translate("HandoverPdf", "离线"))}：{_e("、".join(cam.offline_names))}'
                     f'{_e(QCoreApplication.translate("HandoverPdf", " 等")) if cam.offline > len(cam.offline_names) else ""}</p>')  # fmt: skip
    # 9. Duty log
    parts.append(f"<h2>{_e(QCoreApplication.translate('HandoverPdf', '九、值班日志'))}</h2>")
    if not r.duty_log:
        parts.append(f"<p>{_e(QCoreApplication.translate('HandoverPdf', '本班无值班日志。'))}</p>")
    else:
        number = {e.id: n + 1 for n, e in enumerate(r.duty_log)}
        rows = []
        for n, e in enumerate(r.duty_log):
            kind = tr(LOG_KINDS.get(e.kind, e.kind))
            if e.corrects_id is not None:
                kind += f" → {number.get(e.corrects_id, '?')}"
            rows.append([str(n + 1), _t(e.at, "%H:%M"), _e(kind), _e(e.author), _e(e.text)])
        parts.append(_table([QCoreApplication.translate("HandoverPdf", "序"), QCoreApplication.translate("HandoverPdf", "时间"), QCoreApplication.translate("HandoverPdf", "类型"), QCoreApplication.translate("HandoverPdf", "记录人"), QCoreApplication.translate("HandoverPdf", "内容")], rows,
                            [5, 9, 14, 10, 62]))  # fmt: skip
    parts.append("</body></html>")
    return "".join(parts)


def report_document(report: HandoverReport, handover: HandoverView | None,
                    chart_width: int) -> QTextDocument:  # fmt: skip
    """The report as a QTextDocument with its chart resource (`chart_width` in the
    document's pixels)."""
    doc = QTextDocument()
    font = QFont()
    font.setFamilies(FONT_FAMILIES)
    font.setPointSizeF(10)
    doc.setDefaultFont(font)
    doc.addResource(QTextDocument.ResourceType.ImageResource, CHART_URL, kpi_chart(report))
    doc.setHtml(report_html(report, handover).replace("{chart_w}", str(chart_width)))
    return doc


# --------------------------------------------------------------------------- PDF


def write_pdf(report: HandoverReport, handover: HandoverView | None, path: str) -> int:
    """Lay the report out on A4 pages at `path`; returns the number of pages."""
    writer = QPdfWriter(path)
    writer.setResolution(DPI)
    writer.setTitle(
        f"{report.center_name} {QCoreApplication.translate('HandoverPdf', '交接班报告')} {shift_title(report)}"
    )
    writer.setCreator("sgcc-console")
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4),
                                     QPageLayout.Orientation.Portrait,
                                     QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM),
                                     QPageLayout.Unit.Millimeter))  # fmt: skip
    page = writer.pageLayout().paintRectPixels(DPI)
    px_mm = DPI / 25.4
    band = HEADER_MM * px_mm
    body = QRectF(0, band, page.width(), page.height() - 2 * band)
    chart_w = int(body.width() * 96 / DPI * 0.98)  # <img width> is in 96-dpi pixels
    doc = report_document(report, handover, chart_width=chart_w)
    doc.documentLayout().setPaintDevice(writer)
    doc.setPageSize(QSizeF(body.width(), body.height()))
    # The chart image keeps its width in device pixels: re-set the HTML after the layout
    # knows the device, so point sizes and the image width agree.
    doc.setHtml(report_html(report, handover).replace("{chart_w}", str(chart_w)))
    pages = doc.pageCount()
    painter = QPainter(writer)
    small = QFont()
    small.setFamilies(FONT_FAMILIES)
    small.setPointSizeF(8)
    title = f"{report.center_name} · {QCoreApplication.translate('HandoverPdf', '交接班报告')} · {shift_title(report)}"
    printed = datetime.now(UTC).astimezone(ZoneInfo(TZ)).strftime("%Y-%m-%d %H:%M")
    for n in range(pages):
        if n:
            writer.newPage()
        painter.save()
        painter.setFont(small)
        painter.setPen(QColor("#555555"))
        painter.drawText(
            QRectF(0, 0, page.width(), band * 0.8),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            title,
        )
        painter.drawLine(QPointF(0, band * 0.85), QPointF(page.width(), band * 0.85))
        foot = QRectF(0, page.height() - band * 0.8, page.width(), band * 0.8)
        painter.drawLine(
            QPointF(0, page.height() - band * 0.85),
            QPointF(page.width(), page.height() - band * 0.85),
        )
        painter.drawText(
            foot,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            f"{QCoreApplication.translate('HandoverPdf', '打印时间')} {printed}",
        )
        painter.drawText(
            foot,
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            QCoreApplication.translate("HandoverPdf", "第 {n} 页 / 共 {total} 页").format(
                n=n + 1, total=pages
            ),
        )
        painter.restore()
        painter.save()
        painter.translate(0, band - n * body.height())
        doc.drawContents(painter, QRectF(0, n * body.height(), body.width(), body.height()))
        painter.restore()
    painter.end()
    return pages


# --------------------------------------------------------------------------- command line


def _ensure_gui() -> None:
    if QGuiApplication.instance() is None:
        if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        QGuiApplication(sys.argv[:1])


def export_handover_cli(url: str, center_code: str | None, shift_id: int | None, out: str) -> int:
    """`console.py handover export --out FILE.pdf [--shift ID]`: the signed (frozen) report
    if there is one, else a draft generated now. Prints one line; 0 on success, 1 when
    refused, 2 when the database is unreachable."""
    from sqlalchemy.exc import OperationalError

    from services import handover
    from services.errors import Refused
    from services.handover import roster
    from services.store import db, models

    _ensure_gui()
    try:
        engine = db.make_engine(url)
        db.check_reachable(engine)
    except (db.DatabaseUnreachable, OperationalError) as exc:
        print(f"交接班报告导出失败：数据库不可用（{exc}）", file=sys.stderr)
        return 2
    now = models.utcnow()
    try:
        with db.session_factory(engine)() as s:
            center_id = handover.center_of_code(s, center_code)
            if shift_id is None:
                info = roster.last_ended_shift(s, center_id, now)
                if info is None:
                    print("交接班报告导出失败：本中心还没有已结束的班次", file=sys.stderr)
                    return 1
            else:
                info = roster.shift(s, shift_id)
                if info.center_id != center_id:
                    print(f"交接班报告导出失败：班次 {shift_id} 不属于本中心", file=sys.stderr)
                    return 1
            view = handover.view(s, info.id)
            report = view.report if view is not None and view.report is not None else None
            if report is None and not info.ended(now):  # a submitted report is frozen
                print(f"交接班报告导出失败：班次 {info.id} 尚未结束（{_t(info.ends_at)} 结束）",
                      file=sys.stderr)  # fmt: skip
                return 1
            if report is None:
                report = handover.build_report(s, center_id, info.id, now=now)
    except Refused as exc:
        print(f"交接班报告导出失败：{exc.message}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    pages = write_pdf(report, view, out)
    state = STATE_NAMES.get(view.status if view is not None else "draft", "")
    print(f"已导出 {out}：{report.center_name} {shift_title(report)} 交接班报告（{state}），"
          f"共 {pages} 页")  # fmt: skip
    return 0
