"""Video benchmark (`video.*` rows): 9 and 16 tiles of 720p25 on the real VideoTile.

Each measure runs in a child process of its own (`python -m tests.bench.video_bench child N DIR`),
like tests/bench/wall_bench.py: a fresh QApplication, a 1920×1080 window holding an N-slot grid of
VideoTiles, each looping a 720p25 H.264 demo clip (the main stream, not the sub-stream, so
this is the heavy case). After a 2 s warm-up the child measures, over `seconds`, the CPU
time of the whole process (decoder threads included) per wall-clock second, and how many
frames each tile painted per second. Targets: ≤1.0 core for 9 tiles, ≤2.0 for 16, every
tile ≥24 fps.

Run alone: `python -m tests.bench.video_bench` (prints the table).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.bench.table import BenchRow, format_table

ROOT = Path(__file__).resolve().parents[2]
RESULT_PREFIX = "RESULT "
TARGET_CORES = {9: 1.0, 16: 2.0}
TARGET_FPS = 24.0
WINDOW = (1920, 1080)


def _clips(folder: Path) -> list[Path]:
    """The demo's 720p camera clips (made in `folder` if the data dir has none)."""
    from services.demo import media as demo_media
    from services.video.sources import media_dir

    specs = [s for s in demo_media.demo_specs() if s.name.startswith("camera_")
             and not s.name.endswith("_sub.mp4")]  # fmt: skip
    ready = [media_dir() / s.name for s in specs]
    if all(p.is_file() for p in ready):
        return ready
    return demo_media.ensure_clips(folder, specs)


def child(tiles: int, folder: str, seconds: float = 8.0) -> dict[str, Any]:
    """Play `tiles` 720p clips in a grid and measure CPU cores and painted fps."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("QT_LOGGING_RULES", "qt.multimedia*=false")
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication, QGridLayout, QWidget

    from services import video
    from widgets.video.video_tile import VideoTile

    app = QApplication.instance() or QApplication([])
    clips = sorted(Path(folder).glob("camera_*.mp4"))
    clips = [c for c in clips if not c.name.endswith("_sub.mp4")] or clips
    window = QWidget()
    grid = QGridLayout(window)
    grid.setContentsMargins(0, 0, 0, 0)
    grid.setSpacing(3)
    _, cells = video.layout_cells(tiles)
    views: list[VideoTile] = []
    for cell in cells:
        tile = VideoTile(window)
        tile.set_number(str(cell.index + 1))
        grid.addWidget(tile, cell.row, cell.col, cell.row_span, cell.col_span)
        views.append(tile)
    window.resize(*WINDOW)
    window.show()
    for k, tile in enumerate(views):
        clip = clips[k % len(clips)]
        tile.set_source(clip.resolve().as_uri(), f"监控 {k + 1}", loop=True)

    def wait(seconds_: float) -> None:
        loop = QEventLoop()
        QTimer.singleShot(round(seconds_ * 1000), loop.quit)
        loop.exec()

    wait(2.0)
    painted0 = [t.frames_painted() for t in views]
    received0 = [t.frames_received() for t in views]
    cpu0, wall0 = time.process_time(), time.monotonic()
    wait(seconds)
    wall = time.monotonic() - wall0
    cpu = (time.process_time() - cpu0) / wall
    fps = [(t.frames_painted() - p) / wall for t, p in zip(views, painted0, strict=True)]
    rx = [(t.frames_received() - r) / wall for t, r in zip(views, received0, strict=True)]
    for tile in views:
        tile.stop()
    window.close()
    del app
    return {"tiles": tiles, "cores": cpu, "min_fps": min(fps), "max_fps": max(fps),
            "min_received_fps": min(rx), "seconds": wall,
            "tile_size": [views[-1].width(), views[-1].height()]}  # fmt: skip


def _run_child(tiles: int, folder: Path, timeout: float = 90.0) -> dict[str, Any]:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    proc = subprocess.run(
        [sys.executable, "-m", "tests.bench.video_bench", "child", str(tiles), str(folder)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip
    for line in proc.stdout.splitlines():
        if line.startswith(RESULT_PREFIX):
            return dict(json.loads(line[len(RESULT_PREFIX) :]))
    tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
    raise RuntimeError(f"video bench child ({tiles} tiles) failed: {tail}")


def video_bench_rows() -> list[BenchRow]:
    """`video.tiles9_720p.*` and `video.tiles16_720p.*`: CPU cores and the slowest tile's fps."""
    rows: list[BenchRow] = []
    with tempfile.TemporaryDirectory(prefix="video-bench-") as tmp:
        clips = _clips(Path(tmp))
        folder = clips[0].parent
        for tiles in (9, 16):
            name = f"video.tiles{tiles}_720p"
            try:
                res = _run_child(tiles, folder)
            except (RuntimeError, subprocess.TimeoutExpired) as exc:
                note = str(exc).splitlines()[0]
                rows.append(BenchRow(f"{name}.cpu", float("inf"), "cores", TARGET_CORES[tiles],
                                     note=note))  # fmt: skip
                rows.append(BenchRow(f"{name}.min_fps", 0.0, "fps", TARGET_FPS,
                                     lower_is_better=False, note=note))  # fmt: skip
                continue
            w, h = res["tile_size"]
            note = (f"{tiles} × 1280×720 H.264 25 fps looping, tiles about {w}×{h} in a "
                    f"1920×1080 window, offscreen, {res['seconds']:.0f} s")  # fmt: skip
            rows.append(BenchRow(f"{name}.cpu", round(res["cores"], 3), "cores",
                                 TARGET_CORES[tiles], note=note))  # fmt: skip
            rows.append(BenchRow(
                f"{name}.min_fps", round(res["min_fps"], 1), "fps", TARGET_FPS,
                lower_is_better=False,
                note=f"painted; max {res['max_fps']:.1f}, decoded min {res['min_received_fps']:.1f}",
            ))  # fmt: skip
    return rows


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["child"]:
        print(RESULT_PREFIX + json.dumps(child(int(args[1]), args[2])), flush=True)
        return 0
    print(format_table(video_bench_rows()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
