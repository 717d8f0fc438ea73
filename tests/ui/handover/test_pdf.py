"""The handover PDF from the command-line function: A4 pages with the center's name, the
report's headings and page numbers; a shift that has not ended is refused."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import shutil  # noqa: E402
from pathlib import Path  # noqa: E402

from PySide6.QtPdf import QPdfDocument  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from services import handover  # noqa: E402
from services.handover import roster
from services.store import db, models
from ui.handover.pdf import export_handover_cli  # noqa: E402


def test_export_last_ended_shift(qapp, demo_template: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "demo.db"
    shutil.copy(demo_template, path)
    url = f"sqlite:///{path}"
    out = tmp_path / "handover.pdf"
    assert export_handover_cli(url, "330106", None, str(out)) == 0
    line = capsys.readouterr().out.strip()
    assert line.startswith(f"已导出 {out}") and "西湖区社会治理综合指挥中心" in line
    assert len(line.splitlines()) == 1
    pdf = QPdfDocument()
    pdf.load(str(out))
    pages = pdf.pageCount()
    assert pages >= 1
    size = pdf.pagePointSize(0)
    assert abs(size.width() - 595) < 3 and abs(size.height() - 842) < 3  # A4 portrait
    text = "".join(pdf.getAllText(i).text() for i in range(pages))
    for heading in ("西湖区社会治理综合指挥中心", "交接班报告", "交接签字", "一、本班概况",
                    "二、重点关注", "三、未办结事件", "九、值班日志"):  # fmt: skip
        assert heading in text
    assert f"第 {pages} 页 / 共 {pages} 页" in pdf.getAllText(pages - 1).text()
    # The shift exported is the last ended one, with its officers.
    engine = db.make_engine(url)
    with Session(engine) as s:
        cid = handover.center_of_code(s, "330106")
        last = roster.last_ended_shift(s, cid, models.utcnow())
        current = roster.current_shift(s, cid, models.utcnow())
    engine.dispose()
    assert last is not None and last.duty_officer in text
    # A shift that has not ended (and has no submitted report) is refused, no file written.
    assert current is not None
    refused = tmp_path / "refused.pdf"
    assert export_handover_cli(url, "330106", current.id, str(refused)) == 1
    assert "尚未结束" in capsys.readouterr().err
    assert not refused.exists()
