"""`console.py screenshot` renders the wall with data, and Chinese text has a font."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QFont, QFontDatabase, QImage, QRawFont

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("demo_url", ["sqlite"], indirect=True)
def test_screenshot_of_the_wall(demo_url: str, tmp_path: Path, qapp: object) -> None:
    out = tmp_path / "wall.png"
    res = subprocess.run(
        [sys.executable, str(ROOT / "console.py"), "--db", demo_url, "screenshot",
         "--out", str(out), "--size", "1920x1080", "--center", "330100"],
        cwd=ROOT, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert res.returncode == 0, res.stdout + res.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1920, 1080)
    colours = {image.pixel(x, y) for x in range(0, 1920, 24) for y in range(0, 1080, 24)}
    assert len(colours) > 200, "the wall looks blank"
    # the map's middle is drawn (not one flat colour)
    centre = {image.pixel(x, y) for x in range(700, 1200, 10) for y in range(400, 800, 10)}
    assert len(centre) > 10


def test_a_cjk_font_draws_the_labels(qapp: object) -> None:
    families = QFontDatabase.families()
    cjk = [f for f in families if "WenQuanYi" in f or "Noto Sans CJK" in f]
    assert cjk, "no CJK font installed: Chinese would render as boxes"
    raw = QRawFont.fromFont(QFont(cjk[0]))
    assert all(raw.supportsCharacter(ord(ch)) for ch in "浙江省社会治理综合指挥中心值班员有机制")
