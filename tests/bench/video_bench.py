"""Video benchmark (`video.*` rows): 9 and 16 tiles of 720p25 on the real VideoTile.

Each measure runs in a child process of its own (`python -m tests.bench.video_bench child N DIR`),
like tests/bench/wall_bench.py: a fresh QApplication, a 1920×1080 window holding an N-slot grid of
VideoTiles, each looping a 720p25 H.264 demo clip (the main stream, not the sub-stream, so
this is the heavy case). After a 2 s warm-up the child measures, over `seconds`, the CPU
time of the whole process (decoder threads included) per wall-clock second, and how many
frames each tile painted per second. Targets: ≤1.0 core for 9 tiles, ≤2.0 for 16, every
tile ≥24 fps.

`video.tiles9_sub.*` is what the console really plays at 9 slots: cameras switch to their
640×360 sub-stream from 9 slots up (services.video.slots.uses_sub_stream), so 9 × 360p25.
The 720p rows stay the heavy, main-stream case; neither row stands in for the other.

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
    """The demo's camera clips, main (720p) and sub (360p) streams (made in `folder` if the
    data dir lacks any)."""
    from services.demo import media as demo_media
    from services.video.sources import media_dir

    specs = [s for s in demo_media.demo_specs() if s.name.startswith("camera_")]
    ready = [media_dir() / s.name for s in specs]
    if all(p.is_file() for p in ready):
        return ready
    return demo_media.ensure_clips(folder, specs)


def child(tiles: int, folder: str, seconds: float = 8.0, sub: bool = False) -> dict[str, Any]:
    """Play `tiles` 720p clips (`sub`: the 360p sub-streams) in a grid and measure CPU cores
    and painted fps."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("QT_LOGGING_RULES", "qt.multimedia*=false")
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication, QGridLayout, QWidget

    from services import video
    from widgets.video.video_tile import VideoTile

    app = QApplication.instance() or QApplication([])
    clips = sorted(Path(folder).glob("camera_*.mp4"))
    clips = [c for c in clips if c.name.endswith("_sub.mp4") == sub] or clips
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
            "tile_size": [views[-1].width(), views[-1].height()],
            "clip_size": _clip_size(clips[0])}  # fmt: skip


def _clip_size(clip: Path) -> list[int]:
    """The clip's width and height as ffprobe reports them ([0, 0] without ffprobe)."""
    try:
        out = subprocess.run(
            ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
             "stream=width,height", "-of", "csv=p=0", str(clip)],
            capture_output=True, text=True, timeout=20, check=True,
        ).stdout  # fmt: skip
        w, h = out.strip().split(",")[:2]
        return [int(w), int(h)]
    except (OSError, subprocess.SubprocessError, ValueError):
        return [0, 0]


def _run_child(tiles: int, folder: Path, timeout: float = 90.0, sub: bool = False
               ) -> dict[str, Any]:  # fmt: skip
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    proc = subprocess.run(
        [sys.executable, "-m", "tests.bench.video_bench", "child", str(tiles), str(folder)]
        + (["sub"] if sub else []),
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip
    for line in proc.stdout.splitlines():
        if line.startswith(RESULT_PREFIX):
            return dict(json.loads(line[len(RESULT_PREFIX) :]))
    tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
    raise RuntimeError(f"video bench child ({tiles} tiles) failed: {tail}")


def video_bench_rows() -> list[BenchRow]:
    """`video.tiles9_720p.*`, `video.tiles16_720p.*` (main streams) and `video.tiles9_sub.*`
    (the sub-streams the console plays at 9 slots): CPU cores and the slowest tile's fps."""
    rows: list[BenchRow] = []
    with tempfile.TemporaryDirectory(prefix="video-bench-") as tmp:
        clips = _clips(Path(tmp))
        folder = clips[0].parent
        for tiles, sub in ((9, False), (16, False), (9, True)):
            name = f"video.tiles{tiles}_{'sub' if sub else '720p'}"
            try:
                res = _run_child(tiles, folder, sub=sub)
            except (RuntimeError, subprocess.TimeoutExpired) as exc:
                note = str(exc).splitlines()[0]
                rows.append(BenchRow(f"{name}.cpu", float("inf"), "cores", TARGET_CORES[tiles],
                                     note=note))  # fmt: skip
                rows.append(BenchRow(f"{name}.min_fps", 0.0, "fps", TARGET_FPS,
                                     lower_is_better=False, note=note))  # fmt: skip
                continue
            w, h = res["tile_size"]
            cw, ch = res["clip_size"]
            note = (f"{tiles} × {cw}×{ch} H.264 25 fps looping, tiles about {w}×{h} in a "
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
        sub = args[3:4] == ["sub"]
        print(RESULT_PREFIX + json.dumps(child(int(args[1]), args[2], sub=sub)), flush=True)
        return 0
    print(format_table(video_bench_rows()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
