"""services/ is pure Python: importing all of it loads no Qt, pyqtgraph or folium."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import importlib, pkgutil, sys
import services
for m in pkgutil.walk_packages(services.__path__, 'services.'):
    if '.migrations' not in m.name:
        importlib.import_module(m.name)
bad = sorted(n for n in sys.modules if n.split('.')[0] in ('PySide6', 'pyqtgraph', 'folium', 'shiboken6'))
print(','.join(bad))
"""


def test_services_import_no_gui_packages() -> None:
    res = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == ""
